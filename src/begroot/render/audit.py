"""Accessibility checks run on every generated page at build time.

These are static checks of the HTML (WCAG 2.1 success criteria that can be verified without a
browser); the project's browser tests add axe-core in Chromium. The results feed the
accessibility statement at ``/over/toegankelijkheid/`` and warnings for the people who can fix
them (a heading level skipped inside a text is the writer's to fix).
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class Check:
    key: str
    criterion: str      # WCAG success criterion
    nl: str
    en: str


CHECKS = [
    Check("lang", "3.1.1", "De taal van elke pagina is opgegeven", "Every page states its language"),
    Check("title", "2.4.2", "Elke pagina heeft een titel", "Every page has a title"),
    Check("h1", "1.3.1", "Elke pagina heeft precies één hoofdkop (h1)", "Every page has exactly one main heading"),
    Check("headings", "1.3.1", "Kopniveaus slaan geen niveau over", "Heading levels do not skip a level"),
    Check("img-alt", "1.1.1", "Elke afbeelding heeft een tekstalternatief", "Every image has a text alternative"),
    Check("charts", "1.1.1", "Elke grafiek heeft een titel, een samenvatting en een tabel met de cijfers",
          "Every chart has a title, a summary and a table of its figures"),
    Check("tables", "1.3.1", "Elke tabel heeft een bijschrift en kopcellen met scope",
          "Every table has a caption and header cells with scope"),
    Check("links", "2.4.4", "Elke link heeft een tekst", "Every link has text"),
    Check("ids", "4.1.1", "Geen dubbele id's", "No duplicate ids"),
    Check("skip", "2.4.1", "Een link 'Naar de inhoud' springt naar de hoofdinhoud", "A skip link leads to the main content"),
    Check("landmarks", "1.3.1", "Header, navigatie, hoofdinhoud en footer zijn gemarkeerd",
          "Header, navigation, main content and footer are marked up"),
    Check("local", "—", "Niets wordt van een andere website geladen", "Nothing is loaded from another website"),
]


EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)

# Each check is a few regular expressions over the page. This reads only the HTML begroot
# writes itself (well-formed, texts sanitised by nh3), and is fast enough to run on every page
# of every build.
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*')""")
_TAG = {name: re.compile(rf"<{name}\b([^>]*)>", re.I) for name in ("html", "img", "th", "a", "svg")}
_TITLE = re.compile(r"<head\b.*?<title>(.*?)</title>", re.S | re.I)
_HEADING = re.compile(r"<h([1-6])\b", re.I)
_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_SVG = re.compile(r"<svg\b([^>]*)>(.*?)</svg>", re.S | re.I)
_HTML_CHART = re.compile(r"""<div\b([^>]*\bclass=["']chart[\s"'][^>]*)>""", re.I)
_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S | re.I)
_ID = re.compile(r"""id=["']([^"']*)["']""")  # preceded by white space: see _ids
_TAGS = re.compile(r"<[^>]+>")
_LOADS = re.compile(r"<(img|script|iframe|video|audio|source|embed|object)\b[^>]*?\s(?:src|data)=[\"']([^\"']*)[\"']"
                    r"|<link\b[^>]*?\shref=[\"']([^\"']*)[\"']", re.I)


@lru_cache(maxsize=8192)
def _attrs(raw: str) -> dict[str, str]:
    """A tag's attributes (read only: the same tag text gives the same dictionary; a site's
    pages repeat their tags, e.g. 235,858 attribute lists in the large benchmark city)."""
    return {k.lower(): html_lib.unescape(v[1:-1]) for k, v in _ATTR.findall(raw)}


def _ids(html: str) -> list[str]:
    """The values of the id attributes in ``html``, in order. (The regular expression looks for
    ``id=`` and the white space before it is checked here: a pattern that starts with white space
    is tried at every character, four times slower on a page.)"""
    return [m[1] for m in _ID.finditer(html) if m.start() and html[m.start() - 1].isspace()]


def audit_page(html: str) -> list[tuple[str, str]]:
    """(check key, detail) for every failure on one page."""
    failures: list[tuple[str, str]] = []
    fail = lambda key, detail: failures.append((key, detail))  # noqa: E731

    root = _TAG["html"].search(html)
    if not root or not _attrs(root.group(1)).get("lang"):
        fail("lang", "the html element has no lang")
    title = _TITLE.search(html)
    if not title or not _TAGS.sub("", title.group(1)).strip():
        fail("title", "the page has no title")
    levels = [int(h) for h in _HEADING.findall(html)]
    if levels.count(1) != 1:
        fail("h1", f"{levels.count(1)} h1 elements")
    _headings(levels, 1, fail)
    _content(html, fail)
    svgs = _SVG.findall(html)
    for raw, body in svgs:
        attrs = _attrs(raw)
        if attrs.get("aria-hidden") == "true":
            continue  # a decorative icon next to its word
        if attrs.get("role") != "img":
            fail("charts", "an svg has no role=img")
        wanted = set(attrs.get("aria-labelledby", "").split())
        inner = set(_ids(body))
        if len(wanted) < 2 or not wanted <= inner or "<title" not in body or "<desc" not in body:
            fail("charts", "an svg is not labelled by its own title and desc")
    html_charts = _HTML_CHART.findall(html)
    every_id = _ids(html)
    ids = set(every_id)
    for raw in html_charts:
        attrs = _attrs(raw)
        wanted = attrs.get("aria-labelledby", "").split()
        # an image, or a group of links (each bar a link, named by its label and value)
        if attrs.get("role") not in ("img", "group") or len(wanted) < 2 or not set(wanted) <= ids:
            fail("charts", "a chart is not an image or a group of links labelled by its title and summary")
    if (svgs or html_charts) and "<table" not in html:
        fail("charts", "a chart without a table of its figures")
    skip_target = None
    for raw, _ in _LINK.findall(html):
        attrs = _attrs(raw)
        if "skip-link" in attrs.get("class", "").split():
            skip_target = attrs.get("href", "").lstrip("#")
    counts: dict[str, int] = {}
    for ident in every_id:
        counts[ident] = counts.get(ident, 0) + 1
    for ident, n in counts.items():
        if n > 1:
            fail("ids", f"id {ident!r} is used {n} times")
    if not skip_target or skip_target not in counts:
        fail("skip", "no skip link to an existing target")
    for landmark in ("header", "nav", "main", "footer"):
        if not re.search(rf"<{landmark}\b", html):
            fail("landmarks", f"no <{landmark}>")
    return failures


def _headings(levels: list[int], previous: int, fail) -> None:
    for level in levels:
        if level > previous + 1:
            fail("headings", f"h{previous} is followed by h{level}")
        previous = level


def _content(html: str, fail) -> None:
    """The checks of what a page shows, a writer's text included: images, tables, links, loads."""
    for raw in _TAG["img"].findall(html):
        attrs = _attrs(raw)
        if "alt" not in attrs and not re.search(r"\balt\b", raw):
            fail("img-alt", f"image {attrs.get('src', '')!r} has no alt")
    for table in _TABLE.findall(html):
        if "<caption" not in table:
            fail("tables", "a table has no caption")
    for raw in _TAG["th"].findall(html):
        if not _attrs(raw).get("scope"):
            fail("tables", "a header cell has no scope")
    for raw, inner in _LINK.findall(html):
        attrs = _attrs(raw)
        if not html_lib.unescape(_TAGS.sub("", inner)).strip() and not attrs.get("aria-label"):
            fail("links", f"link to {attrs.get('href', '')!r} has no text")
    for tag, src, href in _LOADS.findall(html):
        url = src or href
        if EXTERNAL.match(url):
            fail("local", f"{tag or 'link'} loads {url}")


def audit_fragment(html: str, above: int = 2) -> list[tuple[str, str]]:
    """(check key, detail) for every failure in a part of a page: a writer's text, whose headings
    follow a heading of level ``above`` (a text's section heading is an h2)."""
    failures: list[tuple[str, str]] = []
    fail = lambda key, detail: failures.append((key, detail))  # noqa: E731
    _headings([int(h) for h in _HEADING.findall(html)], above, fail)
    _content(html, fail)
    return failures


#: What a writer can do about each finding in a text.
TEXT_HINTS = {
    "headings": "start headings in a text at # (## under it) and do not skip a level",
    "img-alt": "describe the image: ![what it shows](plaatjes/x.png), or 'Alternatieve tekst' in Word",
    "tables": "give the table a caption: a paragraph 'Tabel: what the table shows' right before it",
    "links": "give the link words: [what it leads to](https://…)",
    "local": "put the file in the project instead of linking to another website",
}


def audit_texts(budget, problems) -> None:
    """Warn (``text-accessibility``, with the text's file and a hint) about every failure the
    page audit would find in a writer's text, so that ``begroot check`` shows what ``build``
    would publish in the accessibility statement."""
    seen: set[str] = set()
    for edition in budget.editions if budget is not None else ():
        for text in edition.texts:
            if text.source in seen:
                continue
            seen.add(text.source)
            found: dict[tuple[str, str], int] = {}
            for key, detail in audit_fragment(text.html):
                found[(key, detail)] = found.get((key, detail), 0) + 1
            for (key, detail), n in found.items():
                problems.warning(f"accessibility check '{key}' fails in this text: {detail}"
                                 + (f" ({n} times)" if n > 1 else ""), file=text.source,
                                 code="text-accessibility", hint=TEXT_HINTS.get(key))


@dataclass
class AuditResult:
    pages: int = 0
    failures: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # key -> [(page, detail)]

    def add(self, page: str, html: str) -> list[tuple[str, str]]:
        found = audit_page(html)
        self.add_known(page, found)
        return found

    def add_known(self, page: str, found: list[tuple[str, str]]) -> None:
        """Count a page whose failures are already known (it was not rendered again)."""
        self.pages += 1
        for key, detail in found:
            self.failures.setdefault(key, []).append((page, detail))

    def rows(self, language: str) -> list[dict]:
        return [{"check": c, "label": getattr(c, language if language in ("nl", "en") else "nl"),
                 "failures": self.failures.get(c.key, [])} for c in CHECKS]

    @property
    def passed(self) -> bool:
        return not self.failures
