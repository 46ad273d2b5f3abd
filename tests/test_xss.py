"""Hostile texts (Markdown and Word) render inert, and every page stays valid HTML."""

import re

import html5lib
import pytest
from bs4 import BeautifulSoup

from begroot.build import build

from .conftest import GOOD_FINANCE, write_project

VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)><circle r=5 /></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<a href="&#106;avascript:alert(1)">klik</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "[markdown-link](javascript:alert(1))",
    "![beeld](https://tracker.example/pixel.gif)",
    '<p style="background:url(javascript:alert(1))">css</p>',
    '<div style="width: expression(alert(1))">ie</div>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name=x><button>go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<p>Onafgesloten <b>vet <i>schuin</p></div></span>",
    "<!-- <script>alert(1)</script> -->",
    '<a href="https://example.org" target="_blank">extern</a>',
    '"><script>alert(1)</script>',
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("xss")
    texts = {f"begroting-2024/teksten/1-sectie-{i}.md": f"Tekst {i}.\n\n{vector}\n" for i, vector in enumerate(VECTORS)}
    texts["begroting-2024/teksten/2.1-doelstelling.md"] = "---\nprogramma: '2.1'\ntitel: '<script>alert(1)</script>'\n---\nx\n"
    project = write_project(root / "p", finance=GOOD_FINANCE, files=texts)
    build(project, root / "site")
    return root / "site"


def test_no_script_handler_or_dangerous_url_survives(hostile_site):
    for page in hostile_site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
        scripts = [tag.get("src", "") for tag in soup.find_all("script")]
        # only the site's own scripts: search on the search page, the charts' PNG on a page with
        # charts; no inline code
        expected = ["../static/zoeken.js"] if page.parent.name == "zoeken" else []
        if soup.select(".chart-png"):
            expected = ["../" * (len(page.relative_to(hostile_site).parts) - 1) + "static/grafiek.js"]
        assert scripts == expected, page
        assert all(not tag.get_text().strip() for tag in soup.find_all("script")), page
        for bad in ("iframe", "object", "embed", "base", "meta[http-equiv]", "style", "math"):
            assert soup.select(bad) == [], (page, bad)
        for form in soup.find_all("form"):  # only the site's own search forms, to its own search page
            assert form.get("role") == "search" and form["action"].rstrip("/").endswith(("zoeken", "")), page
            assert not form["action"].startswith(("http", "//")), page
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), (page, tag.name, name)
                # no style from a text; the only style attribute is a chart bar's own length
                assert name.lower() != "style" or (
                    "bar" in tag.get("class", []) and re.fullmatch(r"--f:[0-9.]+", value)), (page, tag.name, value)
                text = " ".join(value) if isinstance(value, list) else str(value)
                assert "javascript:" not in text.lower(), (page, tag.name, name)
                assert not text.lower().startswith("data:"), (page, tag.name, name)
            if tag.name == "img":
                assert not tag.get("src", "").startswith(("http:", "https:", "//")), page
            if tag.name == "a" and tag.get("href", "").startswith("http"):
                assert tag["rel"] == ["noopener", "noreferrer"], page
        hrefs = [link["href"] for link in soup.find_all("link")]
        assert [h.rsplit("/", 2)[-2:] for h in hrefs] == [["static", "favicon.svg"], ["static", "begroot.css"],
                                                          ["static", "theme.css"]], page


def test_hostile_pages_stay_valid_html(hostile_site):
    for page in hostile_site.rglob("*.html"):
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page.read_text(encoding="utf-8"))


def test_escaped_text_stays_visible(hostile_site):
    page = next(hostile_site.glob("begroting-2024/programma/2-1-*/index.html"))
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
    assert "<script>alert(1)</script>" in soup.get_text()  # the title is shown as text, not run
