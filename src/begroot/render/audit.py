"""Accessibility checks run on every generated page at build time.

These are static checks of the HTML (WCAG 2.1 success criteria that can be verified without a
browser); the project's browser tests add axe-core in Chromium. The results feed the
accessibility statement at ``/over/toegankelijkheid/`` and warnings for the people who can fix
them (a heading level skipped inside a text is the writer's to fix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


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


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.failures: list[tuple[str, str]] = []
        self.html_lang = None
        self.title_text = ""
        self.in_title = False
        self.h1 = 0
        self.last_heading = 1
        self.ids: dict[str, int] = {}
        self.tags: set[str] = set()
        self.stack: list[tuple[str, dict]] = []
        self.link_text: list[str] | None = None
        self.link_attrs: dict = {}
        self.table_caption: list[bool] = []
        self.svg: dict | None = None
        self.skip_target = None

    def fail(self, key: str, detail: str) -> None:
        self.failures.append((key, detail))

    def handle_starttag(self, tag, attrs_list):
        attrs = {k: (v or "") for k, v in attrs_list}
        self.tags.add(tag)
        if "id" in attrs:
            self.ids[attrs["id"]] = self.ids.get(attrs["id"], 0) + 1
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "title" and self.svg is None:
            self.in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            if level == 1:
                self.h1 += 1
            elif level > self.last_heading + 1:
                self.fail("headings", f"h{self.last_heading} is followed by {tag}")
            self.last_heading = level
        elif tag == "img":
            if "alt" not in attrs:
                self.fail("img-alt", f"image {attrs.get('src', '')!r} has no alt")
        elif tag == "a":
            self.link_text, self.link_attrs = [], attrs
            if "skip-link" in attrs.get("class", "").split():
                self.skip_target = attrs.get("href", "").lstrip("#")
        elif tag == "table":
            self.table_caption.append(False)
        elif tag == "caption" and self.table_caption:
            self.table_caption[-1] = True
        elif tag == "th" and not attrs.get("scope"):
            self.fail("tables", "a header cell has no scope")
        elif tag == "svg":
            self.svg = {"attrs": attrs, "ids": set()}
            if attrs.get("role") != "img":
                self.fail("charts", "an svg has no role=img")
        if self.svg is not None and tag in ("title", "desc") and "id" in attrs:
            self.svg["ids"].add(attrs["id"])
        if tag in ("img", "script", "iframe", "video", "audio", "source", "embed", "object"):
            src = attrs.get("src") or attrs.get("data") or ""
            if EXTERNAL.match(src):
                self.fail("local", f"{tag} loads {src}")
        if tag == "link" and EXTERNAL.match(attrs.get("href", "")):
            self.fail("local", f"link loads {attrs['href']}")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag == "a" and self.link_text is not None:
            text = "".join(self.link_text).strip()
            if not text and not self.link_attrs.get("aria-label"):
                self.fail("links", f"link to {self.link_attrs.get('href', '')!r} has no text")
            self.link_text = None
        elif tag == "table" and self.table_caption:
            if not self.table_caption.pop():
                self.fail("tables", "a table has no caption")
        elif tag == "svg" and self.svg is not None:
            wanted = set(self.svg["attrs"].get("aria-labelledby", "").split())
            if len(wanted) < 2 or not wanted <= self.svg["ids"]:
                self.fail("charts", "an svg is not labelled by its own title and desc")
            self.svg = None

    def handle_data(self, data):
        if self.in_title:
            self.title_text += data
        if self.link_text is not None:
            self.link_text.append(data)


def audit_page(html: str) -> list[tuple[str, str]]:
    """(check key, detail) for every failure on one page."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    if not scan.html_lang:
        scan.fail("lang", "the html element has no lang")
    if not scan.title_text.strip():
        scan.fail("title", "the page has no title")
    if scan.h1 != 1:
        scan.fail("h1", f"{scan.h1} h1 elements")
    for ident, n in scan.ids.items():
        if n > 1:
            scan.fail("ids", f"id {ident!r} is used {n} times")
    if not scan.skip_target or scan.skip_target not in scan.ids:
        scan.fail("skip", "no skip link to an existing target")
    for landmark in ("header", "nav", "main", "footer"):
        if landmark not in scan.tags:
            scan.fail("landmarks", f"no <{landmark}>")
    if "svg" in scan.tags and "table" not in scan.tags:
        scan.fail("charts", "a chart without a table of its figures")
    return scan.failures


@dataclass
class AuditResult:
    pages: int = 0
    failures: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # key -> [(page, detail)]

    def add(self, page: str, html: str) -> None:
        self.pages += 1
        for key, detail in audit_page(html):
            self.failures.setdefault(key, []).append((page, detail))

    def rows(self, language: str) -> list[dict]:
        return [{"check": c, "label": getattr(c, language if language in ("nl", "en") else "nl"),
                 "failures": self.failures.get(c.key, [])} for c in CHECKS]

    @property
    def passed(self) -> bool:
        return not self.failures
