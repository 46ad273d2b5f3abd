"""Build-time accessibility checks and the accessibility statement they feed."""

import pytest
from bs4 import BeautifulSoup

from begroot.build import build
from begroot.render.audit import audit_page

from .conftest import GOOD_FINANCE, write_project

GOOD = """<!DOCTYPE html><html lang="nl"><head><title>T</title></head><body>
<a class="skip-link" href="#inhoud">Naar de inhoud</a><header><nav><a href="/">Home</a></nav></header>
<main id="inhoud"><h1>Kop</h1><h2>Sub</h2><figure><svg role="img" aria-labelledby="c-t c-d"><title id="c-t">t</title>
<desc id="c-d">d</desc></svg></figure><table><caption>c</caption><tr><th scope="col">a</th></tr></table>
<img src="x.png" alt=""></main><footer>f</footer></body></html>"""


def test_a_good_page_passes():
    assert audit_page(GOOD) == []


@pytest.mark.parametrize("change, key", [
    (('lang="nl"', ""), "lang"),
    (("<title>T</title>", "<title></title>"), "title"),
    (("<h2>Sub</h2>", "<h1>Nog een</h1>"), "h1"),
    (("<h2>Sub</h2>", "<h4>Sub</h4>"), "headings"),
    (('alt=""', ""), "img-alt"),
    (('<svg role="img"', "<svg"), "charts"),
    (('aria-labelledby="c-t c-d"', 'aria-labelledby="c-t"'), "charts"),
    (("<caption>c</caption>", ""), "tables"),
    (('<th scope="col">', "<th>"), "tables"),
    (('<a href="/">Home</a>', '<a href="/"></a>'), "links"),
    (('<h1>Kop</h1>', '<h1 id="c-t">Kop</h1>'), "ids"),
    (('href="#inhoud"', 'href="#nergens"'), "skip"),
    (("<footer>f</footer>", ""), "landmarks"),
    (('src="x.png"', 'src="https://cdn.example/x.png"'), "local"),
])
def test_each_check_can_fail(change, key):
    assert key in {k for k, _ in audit_page(GOOD.replace(*change))}


def test_only_id_attributes_count_as_ids():
    """``data-id`` and ``grid=`` are not ids; an id attribute after a line break is."""
    assert audit_page(GOOD.replace("<h2>Sub</h2>", '<h2 data-id="c-t" data-grid="x">Sub</h2>')) == []
    page = GOOD.replace("<h2>Sub</h2>", '<h2 class="x"\nid="c-t">Sub</h2>')
    assert ("ids", "id 'c-t' is used 2 times") in audit_page(page)
    # a chart labelled by ids that exist only as data-id is not labelled
    page = GOOD.replace('<title id="c-t">', '<title data-id="c-t">')
    assert "charts" in {k for k, _ in audit_page(page)}


def test_statement_lists_the_checks_and_a_writer_caused_problem(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": "Tekst.\n\n### Te diepe kop\n\nMeer tekst.\n"})
    result = build(project, tmp_path / "site")
    warnings = [p.format() for p in result.problems.warnings if p.code == "accessibility"]
    assert warnings == [
        "warning: /begroting-2024/programma/1-veiligheid/: accessibility check 'headings' fails on this page: h2 is "
        "followed by h5 — hint: see /over/toegankelijkheid/; a heading level in a text is the writer's to fix"]
    soup = BeautifulSoup((tmp_path / "site" / "over" / "toegankelijkheid" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.find("h1").get_text() == "Toegankelijkheids\u00adverklaring"  # a soft hyphen where a phone breaks it
    assert soup.find("title").get_text().startswith("Toegankelijkheidsverklaring – ")  # none in the tab's title
    rows = {r.find("th").get_text(): r.find_all("td")[-1].get_text() for r in soup.find("tbody").find_all("tr")}
    assert rows["Kopniveaus slaan geen niveau over"] == "Niet in orde op 1 plek(ken)"
    assert rows["De taal van elke pagina is opgegeven"] == "In orde"
    assert "Gemeente Voorbeeld" in soup.get_text()
    assert "C – eerste maatregelen genomen" in " ".join(soup.get_text().split())


def test_demo_passes_every_build_time_check(demo_built):
    _, result = demo_built
    assert [p for p in result.problems.warnings if p.code == "accessibility"] == []


def test_theme_logo_colour_and_shipped_fonts(tmp_path):
    from .conftest import BASE_TOML, LONG_SOURCE

    toml = BASE_TOML.replace('[[editions]]', '''[theme]
primary_color = "#8b0000"
logo = "huisstijl/logo.svg"
font_family = "Stadsletter"
fonts = ["huisstijl/stadsletter.woff2", "huisstijl/stadsletter-bold.woff2"]

[[editions]]''') + LONG_SOURCE
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE, files={
        "huisstijl/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        "huisstijl/stadsletter.woff2": b"wOF2fake", "huisstijl/stadsletter-bold.woff2": b"wOF2fake"})
    build(project, tmp_path / "site")
    site = tmp_path / "site"
    theme = site / "static" / "huisstijl"  # the project's own files, apart from the site's
    assert (theme / "logo.svg").is_file() and (theme / "stadsletter-bold.woff2").is_file()
    html = (site / "begroting-2024" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("img", class_="logo")["src"] == "../static/huisstijl/logo.svg"
    assert soup.find("link", href="../static/theme.css") is not None
    style = (site / "static" / "theme.css").read_text(encoding="utf-8")
    assert '--begroot-primary: #8b0000' in style
    assert 'url("huisstijl/stadsletter-bold.woff2") format("woff2"); font-weight: 700' in style
    assert '--font-body: "Stadsletter"' in style


def test_decorative_icons_hidden_from_assistive_technology_pass():
    icon = '<span><svg class="status-icon" aria-hidden="true" viewBox="0 0 16 16"><circle r="7"/></svg>op koers</span>'
    assert audit_page(GOOD.replace("<h2>Sub</h2>", "<h2>Sub</h2>" + icon)) == []
    assert "charts" in {k for k, _ in audit_page(GOOD.replace("<h2>Sub</h2>", "<h2>Sub</h2>" + icon.replace(
        ' aria-hidden="true"', "")))}


@pytest.mark.parametrize("svg, what", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>', "a script"),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "an event handler"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe/></foreignObject></svg>', "a foreignObject"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     '<a xlink:href="javascript:alert(1)"><rect/></a></svg>', "a javascript: address"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://elders.example/pixel.png"/></svg>', "outside it"),
    ('<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>', "DOCTYPE or ENTITY"),
])
def test_a_logo_svg_that_would_run_or_load_something_is_refused(tmp_path, svg, what):
    """A logo is published as a file of the site: opened by itself, a browser would run its script
    on the site's address. Only plain drawings are published (a reference inside it, #id, is fine)."""
    from begroot.clean import svg_active_content
    from begroot.errors import BegrootError

    from .conftest import BASE_TOML, LONG_SOURCE

    assert svg_active_content(b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                              b'<defs><path id="p" d="M0 0h4"/></defs><use xlink:href="#p" fill="url(#g)"/></svg>') is None
    toml = BASE_TOML.replace("[[editions]]", '[theme]\nlogo = "huisstijl/logo.svg"\n\n[[editions]]') + LONG_SOURCE
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE, files={"huisstijl/logo.svg": svg})
    with pytest.raises(BegrootError) as refused:
        build(project, tmp_path / "site")
    assert "huisstijl/logo.svg" in str(refused.value) and what in str(refused.value)
    assert not (tmp_path / "site").exists()  # nothing published
