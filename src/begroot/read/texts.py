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
from contextlib import ExitStack
from pathlib import Path

import nh3
import yaml

from ..clean import without_invisible
from ..config import Edition
from ..errors import Problems, working_on
from ..model import SECTION_TITLES, Text, slugify
from ..paths import HINT as PATH_HINT, SWAPPED, OutsideProject, inside, opened_inside
from .markdown import NOTE_ID, markdown_to_html, note_prefix, shows_a_file  # noqa: F401  (markdown_to_html: build.py)
from .tables import TableError, file_identity
from .text_tables import accessible_tables

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "ul", "ol", "li", "blockquote", "code", "pre", "a", "abbr", "img", "figure", "figcaption",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "dl", "dt", "dd", "span", "details", "summary",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang", "id"},  # id: a footnote's reference (see NOTE_ID)
    "li": {"id"},                               # id: a footnote (see NOTE_ID)
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


#: In a text's HTML, the site's folder of the texts' images: each page puts its own relative path
#: there (see :func:`with_media`), the PDF its own.
MEDIA_PLACEHOLDER = "__begroot_media__/"
#: The site's folder of the images the texts show, named by their content.
MEDIA_FOLDER = "media"
#: The image types a text may show, by the bytes they start with (never SVG: it can hold script
#: and load other files).
IMAGE_MAGIC = {"png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "gif": (b"GIF87a", b"GIF89a")}
MAX_IMAGE_BYTES = 10 * 1024 * 1024
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def image_type(data: bytes) -> str | None:
    """'png', 'jpg', 'gif' or 'webp' by the image's first bytes; None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return next((kind for kind, magics in IMAGE_MAGIC.items() if data.startswith(magics)), None)


def media_name(data: bytes, kind: str) -> str:
    import hashlib

    return f"{hashlib.sha256(data).hexdigest()[:20]}.{kind}"


def with_media(html: str, prefix: str) -> str:
    """Point the texts' images at the site's media folder, as seen from a page (``prefix``: the
    page's way to the site's root, e.g. ``../../``)."""
    return html.replace(f'src="{MEDIA_PLACEHOLDER}', f'src="{prefix}{MEDIA_FOLDER}/')


class _Images:
    """The images of one text as it is sanitised: every ``<img src>`` passes here. A relative
    path to a PNG, JPEG, GIF or WebP file inside the project is read and named by its content;
    anything else is left out, and an absolute path, a ``file:`` URL or a path leading out of the
    project is an error."""

    def __init__(self, project: Path | None, folder: Path | None, found: dict[str, bytes] | None = None):
        self.project, self.folder = project, folder
        self.found: dict[str, bytes] = dict(found or {})  # media name -> bytes (Word's are known already)
        self.errors: list[tuple[str, str, str]] = []      # (code, message, hint): path-outside is an error

    def src(self, value: str) -> str | None:
        from urllib.parse import unquote

        from ..paths import HINT, read_inside, why_not_relative

        if value.startswith(MEDIA_PLACEHOLDER) and value[len(MEDIA_PLACEHOLDER):] in self.found:
            return value  # an image of the Word document itself
        if self.project is None:
            return None  # no project to take images from (the colophon): left out
        if value.lower().startswith("file:") or (why_not_relative(value) and not _SCHEME_RE.match(value)
                                                  and not value.startswith("//")):
            self.errors.append(("path-outside", f"image '{value}': {why_not_relative(value)}; only images "
                                                "inside the project are shown", HINT))
            return None
        if _SCHEME_RE.match(value) or value.startswith("//"):
            return None  # images from another host (or data: URLs) are not loaded
        rel = unquote(value.split("#", 1)[0].split("?", 1)[0])
        from ..paths import inside

        candidates = [base / rel for base in (self.folder, self.project) if base is not None]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            self.errors.append(("text-image", f"image '{value}' not found (next to the text or in the project "
                                              "folder); it was left out", "put the image in the project, e.g. plaatjes/, and write "
                                                         "its path relative to the text or the project"))
            return None
        if not inside(self.project, path):
            self.errors.append(("path-outside", f"image '{value}' points outside the project folder; only "
                                                "images inside the project are shown", HINT))
            return None
        if path.stat().st_size > MAX_IMAGE_BYTES:
            self.errors.append(("text-image", f"image '{value}' is larger than {MAX_IMAGE_BYTES // 2**20} MB; it was left out",
                                "make the image smaller, e.g. at most 2000 pixels wide"))
            return None
        try:
            data = read_inside(self.project, path)  # inside when it is opened, not only when checked
        except OutsideProject:
            self.errors.append(("path-outside", f"image '{value}' {SWAPPED}", HINT))
            return None
        kind = image_type(data)
        if kind is None:
            self.errors.append(("text-image", f"image '{value}' is not a PNG, JPEG, GIF or WebP image; it was left out",
                                "save it as PNG or JPEG (SVG is not shown in texts)"))
            return None
        name = media_name(data, kind)
        self.found[name] = data
        return MEDIA_PLACEHOLDER + name


def _filter_attribute(tag: str, attr: str, value: str, images: _Images | None = None) -> str | None:
    if attr == "id":
        return value if NOTE_ID.fullmatch(value) else None
    if attr in ("href", "src") and value.strip().lower().startswith(("file:", MEDIA_PLACEHOLDER)) and tag != "img":
        return None  # file: is let through to the images only, to report it
    if tag == "img" and attr == "src":
        if images is None:
            return None if (_SCHEME_RE.match(value) or value.startswith("//")) else value
        return images.src(value)
    return value


def sanitise(html: str, images: _Images | None = None) -> str:
    """Allowlist sanitising; links keep only http(s)/mailto/tel and relative URLs. With
    ``images``, each image is taken from the project (see :class:`_Images`); without, images from
    another host are left out."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel", "file"},
        link_rel="noopener noreferrer",
        attribute_filter=lambda tag, attr, value: _filter_attribute(tag, attr, value, images),
        strip_comments=True,
    )


_IMG_RE = re.compile(r"<img\b[^>]*>")


def _finish_images(html: str) -> tuple[str, int]:
    """Leave out images that have no source left; count those without alt text, and give those
    without an alt attribute (Word's pictures without one) an empty one, as Markdown's have: a
    screen reader then passes over them instead of reading out their file's name."""
    missing_alt = 0

    def repl(match: re.Match) -> str:
        nonlocal missing_alt
        tag = match.group(0)
        if ' src="' not in tag:
            return ""
        if not re.search(r' alt="[^"]*\S[^"]*"', tag):
            missing_alt += 1
            if ' alt="' not in tag:
                tag = '<img alt=""' + tag[len("<img"):]
        return tag
    return _IMG_RE.sub(repl, html), missing_alt


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


# libyaml's loader when PyYAML was built with it (several times faster), else the pure one
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def docx_to_html(path: Path, images: dict[str, bytes] | None = None,
                 left_out: list[str] | None = None, notes: str = "") -> tuple[str, list[str]]:
    """The document as HTML, and mammoth's error messages. Its images (PNG, JPEG, GIF or WebP, by
    their bytes) go into ``images`` by media name, with the alt text Word has for them; others are
    left out, each with a message in ``left_out`` (else among the messages returned)."""
    import mammoth
    from mammoth import html as mammoth_html

    from .tables import check_zip

    check_zip(path, path.name, "a Word document")
    images = images if images is not None else {}
    own = left_out is None
    left_out = [] if left_out is None else left_out

    def convert_image(image) -> list:
        try:
            with image.open() as fh:
                data = fh.read(MAX_IMAGE_BYTES + 1)
        except Exception:  # noqa: BLE001 - a picture linked to a file outside the document: never read
            left_out.append("a picture linked to a file outside the document was left out: only pictures in "
                            "the document are shown")
            return []
        kind = image_type(data)
        if len(data) > MAX_IMAGE_BYTES or kind is None:
            left_out.append(f"an image ({image.content_type or 'of unknown type'}"
                            f"{', over 10 MB' if len(data) > MAX_IMAGE_BYTES else ''}) was left out: only PNG, "
                            "JPEG, GIF and WebP images are shown")
            return []
        name = media_name(data, kind)
        images[name] = data
        attributes = {"src": MEDIA_PLACEHOLDER + name}
        if image.alt_text:
            attributes["alt"] = image.alt_text
        return [mammoth_html.element("img", attributes)]

    import inspect

    # pictures linked to files outside the document are never read (the default of newer mammoths)
    safe = ({"external_file_access": False}
            if "external_file_access" in inspect.signature(mammoth.convert).parameters else {})
    if not safe and _links_outside(path):  # an older mammoth would open the linked file
        raise TableError(path.name, "the document links to a picture outside itself, which is not read",
                         "insert the picture into the document (not as a link) and save it again")
    with path.open("rb") as fh:
        result = mammoth.convert_to_html(fh, convert_image=convert_image, **safe,
                                         id_prefix=f"fn-{notes}-" if notes else None)
    messages = [m.message for m in result.messages if m.type == "error"] + (left_out if own else [])
    html = result.value
    # Word tables have no header cells: the first row of each table becomes th scope=col.
    html = re.sub(r"<table>\s*<tr>(.*?)</tr>", _first_row_to_th, html, flags=re.S)
    return html, messages


def _links_outside(path: Path) -> bool:
    """Whether a Word document has a relationship to a file outside itself (a linked picture)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return any(name.endswith(".rels") and b'TargetMode="External"' in archive.read(name)
                   and b"/image" in archive.read(name) for name in archive.namelist())


def _first_row_to_th(match: re.Match) -> str:
    row = re.sub(r"<td>(?:<p>)?(.*?)(?:</p>)?</td>", r'<th scope="col">\1</th>', match.group(1), flags=re.S)
    return f"<table><thead><tr>{row}</tr></thead><tbody>"


OTHER_DOCUMENTS = (".doc", ".docm", ".dotx", ".odt", ".rtf", ".txt")  # not read, but reported


def text_files(project: Path, edition: Edition, others: list[Path] | None = None) -> list[Path]:
    """The text files of an edition, in a stable order; ``others`` gets the OTHER_DOCUMENTS. The
    owner file Word writes beside a document it has open (``~$doelstelling.docx``) is neither."""
    folder = project / edition.dirname / edition.texts
    if not folder.is_dir():
        return []
    # os.walk lists files without a stat call each (an edition can hold thousands of texts, and
    # serve lists them on every rebuild)
    found = [Path(root) / name for root, _, names in os.walk(folder) for name in names if not name.startswith("~$")]
    if others is not None:
        others += [path for path in found if path.suffix.lower() in OTHER_DOCUMENTS]
    return sorted(path for path in found if path.suffix.lower() in (".md", ".markdown", ".docx"))


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
    others: list[Path] = []
    for order, path in enumerate(text_files(project, edition, others)):
        # the texts folder is inside the project (checked with the settings) and os.walk does not
        # follow linked folders: only a file that is a link itself can lead elsewhere
        if os.path.islink(path) and not inside(project, path):  # never read, never published
            problems.error("this text is a link to a file outside the project; it was not read",
                           file=path.relative_to(project).as_posix(), code="path-outside", hint=PATH_HINT)
            continue
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
            if cache is not None and not shows_a_file(path, text, found):
                cache[key] = (text, found)
        problems.extend(found)
        if text is not None:
            texts.append(text)
    for path in sorted(others):
        problems.warning(f"begroot does not read {path.suffix.lower()} files: this text is not on the site",
                         file=path.relative_to(project).as_posix(), code="text-not-read",
                         hint="save it as a Word document (.docx), or write it as Markdown (.md)")
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
    rel = path.relative_to(project).as_posix()
    with ExitStack() as stack:
        try:  # opened only if it is inside the project now (a link planted since the check is refused)
            at = stack.enter_context(opened_inside(project, path))
        except OutsideProject:
            problems.error(SWAPPED, file=rel, code="path-outside", hint=PATH_HINT)
            return None
        return _read_opened(project, path, at, rel, order, problems, language)


def _read_opened(project: Path, path: Path, at: Path, rel: str, order: int, problems: Problems,
                 language: str) -> Text | None:
    titles = SECTION_TITLES[language]
    meta: dict = {}
    word_images: dict[str, bytes] = {}
    left_out: list[str] = []
    markdown_source, source_start = None, 0  # a Markdown text, and the row before it (front matter)
    if path.suffix.lower() == ".docx":
        try:
            html, messages = docx_to_html(at, word_images, left_out, notes=note_prefix(rel))
        except TableError as exc:
            problems.error(exc.message, file=rel, code="docx-unreadable", hint=exc.hint)
            return None
        except Exception as exc:  # mammoth raises many types on broken files
            problems.error(f"cannot be read as a Word document ({type(exc).__name__})", file=rel,
                           code="docx-unreadable", hint="open and save it again in Word as .docx")
            return None
        for m in messages:
            problems.warning(f"Word conversion: {m}", file=rel, code="docx-message")
        for m in left_out:
            problems.warning(m, file=rel, code="text-image", hint="save the picture in Word as PNG or JPEG")
        html = without_invisible(html, rel, problems, None)
    else:
        try:
            source = at.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.error("the file is not UTF-8 text", file=rel, code="text-encoding",
                           hint="save the Markdown file as UTF-8")
            return None
        source = without_invisible(source, rel, problems, 1)
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
        html = markdown_to_html(source, note_prefix(rel))
        markdown_source = source

    images = _Images(project, path.parent, word_images)
    if nesting_depth(html, MAX_RAW_DEPTH, rough=True) > MAX_RAW_DEPTH:
        deep = None  # not sanitised: it would take long
    else:
        html = accessible_tables(sanitise(shift_headings(html), images))
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
    html, missing_alt = _finish_images(html)
    if not TAG_RE.sub("", html).strip() and "<img" not in html:  # else: a heading with nothing under it
        problems.warning("the text is empty; it is not on the site", file=rel, code="text-empty", hint="write it, or delete it")
        return None
    for code_, message, hint in images.errors:  # outside the project: an error; else left out
        (problems.error if code_ == "path-outside" else problems.warning)(message, file=rel, code=code_, hint=hint)
    if missing_alt:
        problems.warning(f"{missing_alt} image{'s' if missing_alt > 1 else ''} without alt text: a reader who "
                         "cannot see an image does not learn what it shows", file=rel, code="image-alt",
                         hint="describe the image: ![what it shows](plaatjes/x.png) in Markdown, or "
                              "'Alternatieve tekst' of the picture in Word")
    used = {name: data for name, data in images.found.items() if MEDIA_PLACEHOLDER + name in html}
    return Text(programme=code, section=section, title=title, html=html, source=rel,
                order=order_value if isinstance(order_value, int) else order,
                images=tuple(sorted(used.items())))
