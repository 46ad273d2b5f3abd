"""Finding one's way (render/navigation.py and the overview): an edition's sections on every page
of it, the edition switcher, a programme's neighbours, "op deze pagina", where the money goes, and
"Begroting in één oogopslag" with the previous year's column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from begroot.figures import compute
from begroot.model import LINE_SCHEMA
from begroot.publish.site import write_site
from begroot.render.pages import programme as programme_page
from begroot.render.site import Site

from .test_render import BUILT, M, make_budget, page, section, text_of


def _budget(tmp_path: Path, previous: bool = True):
    budget = make_budget(tmp_path / "project")
    edition = budget.editions[0]
    if previous:  # the begroting 2023 beside it: 3.1 has figures, 3.2 has none in 2023
        extra = [("3.1", "4.2", "lasten", 2023, "begroting", 280 * M + 12_34),
                 ("3.1", "4.2", "baten", 2023, "begroting", 60 * M),
                 ("3.1", "4.2", "lasten", 2023, "realisatie", 999 * M)]
        rows = [(p, tv, None, k, y, c, cents, "financien.csv", 100 + i) for i, (p, tv, k, y, c, cents) in enumerate(extra)]
        edition.lines = pl.concat([edition.lines, pl.DataFrame(rows, schema=LINE_SCHEMA, orient="row")])
    return budget


def _site(tmp_path: Path, previous: bool = True) -> Path:
    budget = _budget(tmp_path, previous)
    out = tmp_path / "site"
    write_site(budget, {e.id: compute(e) for e in budget.editions}, out, build_time=BUILT, warnings=[])
    return out


def test_glance_has_the_previous_years_column_exactly(tmp_path: Path):
    budget = _budget(tmp_path)
    edition = budget.editions[0]
    site = Site(budget, {edition.id: compute(edition)}, build_time=BUILT, warnings=[])
    view = programme_page.view(site, edition, edition.programmes["3"])
    glance = view.context["glance"]
    assert glance["title"] == "Begroting in één oogopslag"
    assert (glance["period"], glance["previous"]) == ("Begroting 2024", "Begroting 2023")  # not the realisatie
    by_code = {r["programme"].code: r for r in glance["rows"]}
    assert by_code["3.1"]["before"].lasten == Decimal("280000012.34")
    assert by_code["3.1"]["before"].baten == Decimal("60000000.00")
    assert by_code["3.2"]["before"] is None  # nothing in 2023: a dash, not a zero
    assert glance["total"]["before"].lasten == Decimal("280000012.34")
    rows = view.tables["oogopslag"]
    assert [r["naam"] for r in rows] == ["Onderwijs", "Zorg", "Totaal"]
    assert rows[0]["lasten_vorig_jaar"] == Decimal("280000012.34") and rows[0]["lasten"] == Decimal("300000000.00")
    assert rows[1]["lasten_vorig_jaar"] is None and rows[2]["soort"] == "totaal"


def test_glance_on_the_page_and_without_a_previous_year(tmp_path: Path):
    out = _site(tmp_path / "a")
    table = section(page(out, "/begroting-2024/programma/3-vitaal-en-sociaal/"), "Begroting in één oogopslag").table
    assert [text_of(th) for th in table.thead.find_all("tr")[1].find_all("th")] == \
        ["Begroting 2024", "Begroting 2023", "Begroting 2024", "Begroting 2023"]
    cells = {text_of(tr.th): [text_of(td) for td in tr.find_all("td")] for tr in table.find_all("tr") if tr.td}
    assert cells["Deelprogramma 3.1: Onderwijs"] == ["300.000", "280.000", "65.028", "60.000"]
    assert cells["Deelprogramma 3.2: Zorg"] == ["499.099", "–", "200.000", "–"]
    # without a column of the year before (2022's realisatie is two years back): lasten and baten only
    out = _site(tmp_path / "b", previous=False)
    glance = section(page(out, "/begroting-2024/programma/3-vitaal-en-sociaal/"), "Begroting in één oogopslag")
    assert [text_of(th) for th in glance.table.thead.find_all("th")] == ["Deelprogramma's", "Lasten", "Baten"]
    assert "Ter vergelijking" not in text_of(glance.p)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return _site(tmp_path)


def test_section_nav_on_every_page_of_the_edition(out: Path):
    edition_pages = sorted((out / "begroting-2024").rglob("index.html"))
    assert len(edition_pages) >= 5
    for path in edition_pages:
        soup = page(out, path.parent.relative_to(out).as_posix())
        nav = soup.find("nav", class_="section-nav")
        assert nav is not None and nav["aria-label"] == "Onderdelen van Begroting 2024", path
        labels = [text_of(a) for a in nav.find_all("a")]
        assert labels[:3] == ["Overzicht", "Programma's", "Taakvelden"], path
        current = [(text_of(a), a["aria-current"]) for a in nav.find_all("a") if a.has_attr("aria-current")]
        where = path.parent.relative_to(out / "begroting-2024").as_posix()
        expected = {".": [("Overzicht", "page")], "taakvelden": [("Taakvelden", "page")],
                    "downloads": [("Downloads", "page")], "verantwoording": [("Verantwoording", "page")]}
        assert current == expected.get(where, [("Programma's", "true")]), path
    for outside in ("", "over"):  # pages of no edition have none
        assert page(out, outside).find("nav", class_="section-nav") is None


def test_header_switches_editions_in_a_disclosure(out: Path):
    soup = page(out, "/begroting-2024/programma/1-veiligheid/")
    switch = soup.header.find("details", class_="edition-switch")
    assert text_of(switch.summary) == "Editie kiezen: Begroting 2024"
    links = {text_of(a): a for a in switch.find_all("a")}
    assert links["Begroting 2024"]["aria-current"] == "true" and "Alle edities" in links
    assert text_of(page(out, "").header.find("details").summary) == "Editie kiezen: Edities"


def test_programme_neighbours_and_the_other_programmes(out: Path):
    soup = page(out, "/begroting-2024/programma/3-vitaal-en-sociaal/")
    pager = soup.find("nav", class_="pager")
    assert [(a["rel"], text_of(a)) for a in pager.find_all("a")] == [
        (["prev"], "Vorige Programma 1: Veiligheid"), (["next"], "Volgende Algemene dekkingsmiddelen")]
    aside = soup.find("aside", class_="programme-aside")
    assert [text_of(a) for a in aside.find_all("a")] == [
        "Programma 1: Veiligheid", "Programma 3: Vitaal en Sociaal", "Deelprogramma 3.1: Onderwijs",
        "Deelprogramma 3.2: Zorg", "Algemene dekkingsmiddelen"]
    assert aside.find("a", attrs={"aria-current": "page"})["href"] == "../../../begroting-2024/programma/3-vitaal-en-sociaal/"
    # a deelprogramma: its siblings; the first has no previous
    pager = page(out, "/begroting-2024/programma/3-1-onderwijs/").find("nav", class_="pager")
    assert [text_of(a) for a in pager.find_all("a")] == ["Volgende Deelprogramma 3.2: Zorg"]
    # another programme's branch stays closed
    aside = page(out, "/begroting-2024/programma/1-veiligheid/").find("aside")
    assert "Deelprogramma 3.1: Onderwijs" not in text_of(aside)


def test_on_this_page_lists_the_sections_of_a_long_page(out: Path):
    soup = page(out, "/begroting-2024/programma/3-vitaal-en-sociaal/")
    toc = soup.find("nav", class_="on-this-page")
    targets = [a["href"] for a in toc.find_all("a")]
    assert [text_of(a) for a in toc.find_all("a")][:3] == ["Doelstelling", "Ontwikkelingen", "Begroting in één oogopslag"]
    assert all(soup.find(id=t[1:]).name == "h2" for t in targets)
    assert "#andere-programmas" not in targets  # the aside is not a section of the page
    # a short page has none, and no mark left behind
    short = (out / "begroting-2024/programma/1-veiligheid/index.html").read_text(encoding="utf-8")
    assert "on-this-page" not in short and "op-deze-pagina" not in short


def test_where_the_money_goes_links_every_bar(out: Path):
    for url, prefix in (("/begroting-2024/", "../"), ("", "")):
        soup = page(out, url)
        chart = section(soup, "Waar gaat het geld naartoe?").find("div", class_="chart")
        assert chart["role"] == "group"
        links = [(a["href"], text_of(a.find(class_="chart-label"))) for a in chart.find_all("a")]
        assert links == [(f"{prefix}begroting-2024/programma/3-vitaal-en-sociaal/", "Programma 3: Vitaal en Sociaal"),
                         (f"{prefix}begroting-2024/programma/ad-algemene-dekkingsmiddelen/", "Algemene dekkingsmiddelen"),
                         (f"{prefix}begroting-2024/programma/1-veiligheid/", "Programma 1: Veiligheid")]
    # the chart's file (and so its PNG) refers to nothing outside itself
    assert "href" not in (out / "grafiek-geld.svg").read_text(encoding="utf-8")
    home = page(out, "")
    assert text_of(home.find("h2")) == "Begroting 2024"  # the latest edition's key figures first


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> tuple[Site, object]:
    """A city of 40 programmes, each with 30 deelprogramma's (benchmarks.generate, small texts)."""
    from benchmarks.generate import Size, write_city
    from begroot.project import load_project

    folder = tmp_path_factory.mktemp("many") / "city"
    write_city(folder, Size(programmes=40, deel=30, editions=1, lines=4_000, words=20, xlsx_lines=0),
               log=lambda *_: None)
    loaded = load_project(folder)
    assert loaded.budget is not None, [str(p) for p in loaded.problems.errors[:3]]
    return Site(loaded.budget, loaded.figures, build_time=BUILT, warnings=[]), loaded.budget.editions[0]


def test_a_long_programme_list_beside_a_page_is_shortened_around_the_page(many):
    from begroot.render import navigation

    site, edition = many
    top = edition.top_level()
    programmes = [p for p in top if not p.is_overview]
    assert len(top) > navigation.ASIDE_LIMIT
    # the 20th programme's 15th deelprogramma: 11 programmes around the 20th, its branch opened
    # to 11 deelprogramma's around the 15th, and a link to each whole list
    here = edition.programmes[programmes[19].children[14]]
    nav = navigation.programme_nav(site, edition, here)
    tree = nav["tree"]
    assert [i["label"] for i in tree["items"]] == [site.programme_label(p, edition) for p in top[14:25]]
    assert tree["more"] == {"label": f"Alle {len(top)} programma's", "path": edition.id, "anchor": "#alle-programmas"}
    branch = tree["items"][5]
    assert branch["label"] == site.programme_label(programmes[19], edition)
    opened = branch["children"]
    assert all(i["children"] is None for i in tree["items"] if i is not branch)  # other branches closed
    assert [i["current"] for i in opened["items"]] == [None] * 5 + ["page"] + [None] * 5
    assert opened["more"]["label"] == "Alle 30 deelprogramma's" and opened["more"]["anchor"] == ""
    # near the start the window starts at the first programme, and still shows 11
    first = navigation.programme_nav(site, edition, programmes[0])["tree"]
    assert [i["label"] for i in first["items"]] == [site.programme_label(p, edition) for p in top[:11]]
    # the previous and next stay those of the whole level
    assert nav["previous"]["label"] == site.programme_label(edition.programmes[programmes[19].children[13]], edition)


def test_a_programme_page_does_not_grow_with_the_number_of_programmes(many):
    """Every link of the aside is one of at most 2 × 11 entries and 2 links to the whole lists."""
    from bs4 import BeautifulSoup

    site, edition = many
    here = edition.programmes[edition.top_level()[19].children[14]]
    soup = BeautifulSoup(site.render(programme_page.view(site, edition, here)), "html.parser")
    aside = soup.find("aside", class_="programme-aside")
    links = aside.find_all("a")
    assert len(links) == 11 + 11 + 2
    assert links[-1]["href"].endswith("#alle-programmas")
