"""Read the texts of an edition: Markdown with front matter and Word ``.docx``, as sanitised HTML.

A text belongs to a programme and a section. Markdown says so in its front matter::

    ---
    programma: "3"
    sectie: ontwikkelingen
    titel: Ontwikkelingen      # optional; known sections have a title already
    ---

Without front matter, and for Word files, the file name says it: ``3-ontwikkelingen.md``,
``3.1-doelstelling.docx``; ``inleiding.md`` (no code) is a text for the edition as a whole.
All HTML passes an allowlist sanitiser (nh3): scripts, event handlers, styles and links to
``javascript:`` are removed; images must be local; external links get ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import nh3
import yaml

from ..config import Edition
from ..errors import Problems, working_on
from ..model import SECTION_TITLES, Text, slugify
from .tables import TableError, file_identity

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "code", "pre", "a", "abbr", "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "dl", "dt", "dd", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "span": {"lang"},
    "p": {"lang"},
}
FILENAME_RE = re.compile(r"^(?P<code>\d+(?:\.\d+)*[a-z]?)?[-_ ]?(?P<section>[^.]*)$")
FRONT_MATTER_RE = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)

#: How deeply a text's elements may sit inside each other (quotes in lists in tables, inline
#: markup included). Honest texts stay near ten; the PDF's layout (WeasyPrint) recurses per level
#: and fails at about 200 levels, so a text deeper than this is refused by ``begroot check``.
MAX_TEXT_DEPTH = 32
#: The same bound on the HTML before sanitising, counted roughly (unclosed tags count as open):
#: the sanitiser's time grows with the square of the nesting (30,000 levels: 2 s), so a text
#: of thousands of levels is refused before it is sanitised.
MAX_RAW_DEPTH = 1000
#: Elements that have no end tag, and those whose end tag may be left out (they do not nest).
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
IMPLIED_END_TAGS = frozenset("p li dt dd tr td th thead tbody tfoot option optgroup colgroup caption rb rt rp".split())
TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:\"[^\"]*\"|'[^']*'|[^'\">])*>")


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    if tag == "img" and attr == "src" and (re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) or value.startswith("//")):
        return None  # images from another host (or data: URLs) are not loaded
    return value


def sanitise(html: str) -> str:
    """Allowlist sanitising; links keep only http(s)/mailto/tel and relative URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )


def nesting_depth(html: str, limit: int | None = None, rough: bool = False) -> int:
    """How deeply the elements of ``html`` nest; exact for well-formed HTML (the sanitiser's
    output). ``rough``: also for raw HTML, where end tags that may be left out are not counted
    and other unclosed tags count as open (an upper bound). Stops once past ``limit``."""
    depth = deepest = 0
    for match in TAG_RE.finditer(html):
        name = match.group(2).lower()
        if name in VOID_TAGS or (rough and name in IMPLIED_END_TAGS) or match.group(0).endswith("/>"):
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if limit is not None and deepest > limit:
                    break
    return deepest


def _deep_row(source: str, limit: int, first_row: int) -> int | None:
    """The row of a Markdown text where its HTML tags first nest past ``limit`` (roughly), if any."""
    depth = 0
    for number, line in enumerate(source.splitlines(), start=first_row):
        for match in TAG_RE.finditer(line):
            name = match.group(2).lower()
            if name in VOID_TAGS or name in IMPLIED_END_TAGS or match.group(0).endswith("/>"):
                continue
            depth = max(0, depth - 1) if match.group(1) else depth + 1
            if depth > limit:
                return number
    return None


def shift_headings(html: str, top: int = 3) -> str:
    """Texts sit under the page's h1 and the section's h2: their h1 becomes h3, and so on."""
    def repl(match: re.Match) -> str:
        level = min(6, int(match.group(2)) + top - 1)
        return f"<{match.group(1)}h{level}"
    return re.sub(r"<(/?)h([1-6])", repl, html)


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table")


def markdown_to_html(source: str) -> str:
    return _markdown().render(source)


# libyaml's loader when PyYAML was built with it (several times faster), else the pure one
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def docx_to_html(path: Path) -> tuple[str, list[str]]:
    import mammoth

    from .tables import check_zip

    check_zip(path, path.name, "a Word document")
    with path.open("rb") as fh:
        result = mammoth.convert_to_html(fh)
    messages = [m.message for m in result.messages if m.type == "error"]
    html = result.value
    # Word tables have no header cells: the first row of each table becomes th scope=col.
    html = re.sub(r"<table>\s*<tr>(.*?)</tr>", _first_row_to_th, html, flags=re.S)
    return html, messages


def _first_row_to_th(match: re.Match) -> str:
    row = re.sub(r"<td>(?:<p>)?(.*?)(?:</p>)?</td>", r'<th scope="col">\1</th>', match.group(1), flags=re.S)
    return f"<table><thead><tr>{row}</tr></thead><tbody>"


def text_files(project: Path, edition: Edition) -> list[Path]:
    """The text files of an edition, in a stable order."""
    folder = project / edition.dirname / edition.texts
    if not folder.is_dir():
        return []
    # os.walk lists files without a stat call each (an edition can hold thousands of texts, and
    # serve lists them on every rebuild)
    found = [Path(root) / name for root, _, names in os.walk(folder)
             for name in names if name.lower().endswith((".md", ".markdown", ".docx"))]
    return sorted(found)


def read_texts(project: Path, edition: Edition, programme_codes: set[str], problems: Problems,
               language: str = "nl", cache: dict | None = None) -> list[Text]:
    """Read every text of an edition and keep those for known programmes (others are errors)."""
    texts = read_all_texts(project, edition, problems, language, cache)
    return keep_known_programmes(texts, programme_codes, problems)


def read_all_texts(project: Path, edition: Edition, problems: Problems, language: str = "nl",
                   cache: dict | None = None, seen: dict | None = None) -> list[Text]:
    """Read every text file of an edition. ``cache`` (kept by ``begroot serve``) maps a file's
    identity (path, modification time, size) to what reading it gave, so an edit re-reads one file.
    ``seen``, when given, gets each file's identity by its path (the goals reader uses them)."""
    texts: list[Text] = []
    for order, path in enumerate(text_files(project, edition)):
        identity = file_identity(path)
        if seen is not None:
            seen[path] = identity
        key = (*identity, order, language)
        if cache is not None and key in cache:
            text, found = cache[key]
        else:
            found = Problems()
            with working_on(path.relative_to(project).as_posix()):
                text = read_text_file(project, path, order, found, language)
            if cache is not None:
                cache[key] = (text, found)
        problems.extend(found)
        if text is not None:
            texts.append(text)
    return texts


def keep_known_programmes(texts: list[Text], programme_codes: set[str], problems: Problems) -> list[Text]:
    kept = []
    for text in texts:
        if text.programme is not None and text.programme not in programme_codes:
            problems.error(f"this text is for programme {text.programme}, which is not in the programme list",
                           file=text.source, code="text-unknown-programme",
                           hint="correct 'programma' in the front matter or the file name, or add the programme")
        else:
            kept.append(text)
    return kept


def read_text_file(project: Path, path: Path, order: int, problems: Problems, language: str = "nl") -> Text | None:
    """Read one Markdown or Word text; None (with a problem) when it cannot be used."""
    titles = SECTION_TITLES[language]
    rel = path.relative_to(project).as_posix()
    meta: dict = {}
    markdown_source, source_start = None, 0  # a Markdown text, and the row before it (front matter)
    if path.suffix.lower() == ".docx":
        try:
            html, messages = docx_to_html(path)
        except TableError as exc:
            problems.error(exc.message, file=rel, code="docx-unreadable", hint=exc.hint)
            return None
        except Exception as exc:  # mammoth raises many types on broken files
            problems.error(f"cannot be read as a Word document ({type(exc).__name__})", file=rel,
                           code="docx-unreadable", hint="open and save it again in Word as .docx")
            return None
        for m in messages:
            problems.warning(f"Word conversion: {m}", file=rel, code="docx-message")
    else:
        try:
            source = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            problems.error("the file is not UTF-8 text", file=rel, code="text-encoding",
                           hint="save the Markdown file as UTF-8")
            return None
        fm = FRONT_MATTER_RE.match(source)
        if fm:
            try:
                meta = yaml.load(fm.group(1), Loader=YAML_LOADER) or {}
            except yaml.YAMLError as exc:
                line = getattr(getattr(exc, "problem_mark", None), "line", None)
                problems.error(f"the front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
                               file=rel, row=(line + 2) if line is not None else None,
                               code="front-matter", hint="write it as 'key: value' lines between two '---' lines")
                return None
            if not isinstance(meta, dict):
                problems.error("the front matter is not a list of 'key: value' lines", file=rel, row=2,
                               code="front-matter")
                return None
            source_start = source.count("\n", 0, fm.end())
            source = source[fm.end():]
            if not source.strip() and ("doelen" in meta or "goals" in meta):
                return None  # a file that holds only goals (read by begroot.goals)
        html = markdown_to_html(source)
        markdown_source = source

    if nesting_depth(html, MAX_RAW_DEPTH, rough=True) > MAX_RAW_DEPTH:
        deep = None  # not sanitised: it would take long
    else:
        html = sanitise(shift_headings(html))
        deep = nesting_depth(html, MAX_TEXT_DEPTH)
    if deep is None or deep > MAX_TEXT_DEPTH:
        levels = MAX_TEXT_DEPTH if deep is not None else MAX_RAW_DEPTH
        row = _deep_row(markdown_source, MAX_TEXT_DEPTH, source_start + 1) if markdown_source else None
        problems.error(f"the text nests quotes, lists, tables or HTML tags more than {levels} levels "
                       f"deep; begroot accepts at most {MAX_TEXT_DEPTH}", file=rel, row=row, code="text-too-deep",
                       hint="nest fewer quotes and lists inside each other, and close every HTML tag you open")
        return None

    name = FILENAME_RE.match(path.stem)
    code = meta.get("programma", meta.get("programme"))
    section = meta.get("sectie", meta.get("section"))
    if code is None and name and name.group("code"):
        code = name.group("code")
    if section is None and name:
        section = name.group("section") or None
    code = str(code).strip() if code is not None and str(code).strip() else None
    section = slugify(str(section)) if section else "toelichting"
    title = str(meta.get("titel", meta.get("title", ""))).strip() or titles.get(
        section, section.replace("-", " ").capitalize())

    order_value = meta.get("volgorde", meta.get("order", order))
    return Text(programme=code, section=section, title=title, html=html, source=rel,
                order=order_value if isinstance(order_value, int) else order)
