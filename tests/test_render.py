"""The render layer: formatting, charts and the pages of a small hand-made budget.

Pages are parsed with BeautifulSoup and checked by structure (sections, tables, footers), not by
searching the HTML text.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from bs4 import BeautifulSoup

from begroot.config import Config, Edition, Organisation, Site
from begroot.errors import Problem, Severity
from begroot.figures import compute
from begroot.model import LINE_SCHEMA, Budget, EditionData, Indicator, Programme, SourceFile, Text
from begroot.publish.site import page_urls, write_site
from begroot.render import charts
from begroot import format as fmt

try:  # indicator series are built by the goals stage when the project is loaded
    from begroot.goals import series_of
except ImportError:  # pragma: no cover
    series_of = None

BUILT = dt.datetime(2024, 2, 1, 10, 0, 0)
EXPORTED = dt.datetime(2023, 7, 11, 15, 35, 31)
STAMP_NL = "Deze pagina is gebouwd op 01/02/2024 10:00:00 met de export van 11/07/2023 15:35:31"
M = 1_000_000_00  # one million euros, in cents


# ----------------------------------------------------------------------------- format.py
@pytest.mark.parametrize("euros, unit, locale, expected", [
    (Decimal("799099000"), 1000, "nl", "799.099"),
    (Decimal("799099000"), 1000, "nl_NL", "799.099"),
    (Decimal("799099000"), 1000, "en", "799,099"),
    (Decimal("-1234000"), 1000, "nl", "-1.234"),
    (Decimal("-1234000"), 1000, "en", "-1,234"),
    (Decimal("1500"), 1000, "nl", "2"),          # half up, not to even
    (Decimal("2500"), 1000, "nl", "3"),
    (Decimal("-2500"), 1000, "nl", "-3"),        # half away from zero
    (Decimal("2499.99"), 1000, "nl", "2"),
    (Decimal("-0.01"), 1000, "nl", "0"),         # never "-0"
    (Decimal("1234.50"), 1, "nl", "1.235"),
    (Decimal("1331787000"), 1_000_000, "nl", "1.332"),
])
def test_money(euros, unit, locale, expected):
    assert fmt.money(euros, unit, locale) == expected


@pytest.mark.parametrize("fraction, locale, expected", [
    (Decimal("0.6"), "nl", "60,0 %"),
    (Decimal("0.6"), "en", "60.0 %"),
    (Decimal(799099) / Decimal(1331787), "nl", "60,0 %"),
    (Decimal("0.0005"), "nl", "0,1 %"),          # half up
    (Decimal("0.00049"), "nl", "0,0 %"),
    (Decimal("-0.1234"), "nl", "-12,3 %"),
    (Decimal("-0.00001"), "nl", "0,0 %"),        # never "-0,0 %"
    (Decimal("12.3456"), "nl", "1.234,6 %"),
    (None, "nl", "–"),
    (None, "en", "–"),
])
def test_pct(fraction, locale, expected):
    assert fmt.pct(fraction, locale) == expected


def test_pct_has_a_normal_space_before_the_percent_sign():
    assert fmt.pct(Decimal("0.199"), "nl")[-2:] == " %"


def test_units_compact_euro_and_stamps():
    assert fmt.unit_label(1000, "nl") == "x € 1.000"
    assert fmt.unit_label(1000, "en") == "x € 1,000"
    assert fmt.unit_label(1, "nl") == "€"
    assert fmt.unit_label(1_000_000, "nl") == "x € 1 mln"
    assert fmt.compact(Decimal("1331787000"), "nl") == "€\xa01,3\xa0mld."
    assert fmt.euro(Decimal("3275.5")) == "€ 3.276"
    assert fmt.euro(Decimal("-3275.4"), "en") == "€ -3,275"
    assert fmt.datetime_stamp(EXPORTED) == "11/07/2023 15:35:31"
    assert fmt.stamp(None) is None


def test_money_is_never_float():
    with pytest.raises(TypeError):
        fmt.money(1.5, 1000, "nl")  # floats are refused by Decimal arithmetic


# ----------------------------------------------------------------------------- charts.py
def test_bar_chart_is_labelled_deterministic_and_self_contained():
    bars = [charts.Bar("3. Vitaal en Sociaal", Decimal("0.6"), "60,0 %"),
            charts.Bar("Overhead", Decimal("0.1"), "10,0 %")]
    chart = charts.bar_list("x", "Aandeel", "Vitaal en Sociaal heeft het grootste aandeel: 60,0 %.", bars)
    assert chart.html() == charts.bar_list("x", "Aandeel", "Vitaal en Sociaal heeft het grootste aandeel: 60,0 %.",
                                           bars).html()
    # on a page: HTML labelled by its title and summary, the text in the page's own font and size
    root = BeautifulSoup(chart.html(), "html.parser").div
    assert root["role"] == "img" and root["aria-labelledby"] == "x-t x-d"
    assert root.find(id="x-t").get_text() == "Aandeel" and root.find(id="x-d").get_text().startswith("Vitaal")
    assert [t.get_text() for t in root.select(".chart-label")] == ["3. Vitaal en Sociaal", "Overhead"]
    assert [t.get_text() for t in root.select(".chart-value")] == ["60,0 %", "10,0 %"]
    assert [b["style"] for b in root.select(".bar")] == ["--f:1", "--f:0.1667"]  # a share of the longest
    assert "<svg" not in chart.html() and "font-size" not in chart.html()
    # as a drawing (the file, the PDF): SVG with its own title and desc, colours from outside
    svg = BeautifulSoup(str(chart.drawing()), "html.parser").svg
    assert svg["role"] == "img" and svg.get("viewbox") and svg["aria-labelledby"] == "x-t x-d"
    assert svg.find("title")["id"] == "x-t" and svg.find("desc")["id"] == "x-d"
    texts = [t.get_text() for t in svg.find_all("text")]
    assert "3. Vitaal en Sociaal" in texts and "60,0 %" in texts and "10,0 %" in texts
    assert "fill=\"#" not in str(chart.drawing())


def test_grouped_chart_marks_the_second_series_by_pattern_and_legend():
    chart = charts.paired_columns("p", "Lasten en baten", "Samenvatting.", ["Begroting 2024", "Raming 2025"], [
        ("Lasten", [Decimal(10), Decimal(12)], ["10", "12"]),
        ("Baten", [Decimal(4), Decimal(5)], ["4", "5"]),
    ])
    root = BeautifulSoup(chart.html(), "html.parser").div
    assert [k.get_text() for k in root.select(".chart-key")] == ["Lasten", "Baten"]
    assert [k.span["class"] for k in root.select(".chart-key")] == [["swatch", "bar-1"], ["swatch", "bar-2"]]
    assert [r.find(class_="chart-label").get_text() for r in root.select(".chart-row")] == ["Begroting 2024", "Raming 2025"]
    assert len(root.select(".bar.bar-2")) == 2 and [v.get_text() for v in root.select(".chart-value")] == ["10", "4", "12", "5"]
    svg = BeautifulSoup(str(chart.drawing()), "html.parser").svg
    assert svg.find("pattern")["id"] == "p-hatch"
    assert [t.get_text() for t in svg.find_all("text")][:2] == ["Lasten", "Baten"]
    assert len(svg.find_all("rect", attrs={"fill": "url(#p-hatch)"})) == 3  # legend + two columns


def test_a_chart_file_carries_its_title_unit_and_source():
    """A chart's SVG file (and so the PNG image the reader's browser makes of it) says what it
    shows when used on its own (a slide, a report): the title, the unit and the source are drawn
    above and below the chart."""
    from xml.etree import ElementTree

    chart = charts.paired_columns("p", "Lasten en baten van Zorg per jaar", "Samenvatting.", ["Begroting 2024"],
                                  [("Lasten", [Decimal(10)], ["10"]), ("Baten", [Decimal(4)], ["4"])],
                                  unit="Bedragen x € 1.000", source="Bron: Gemeente Voorbeeld, Begroting 2024")
    svg = charts.standalone(chart)
    tree = ElementTree.fromstring(svg.encode())
    drawn = [(t.get("class"), t.text) for t in tree.iter("{http://www.w3.org/2000/svg}text")]
    assert drawn[0] == ("chart-title", "Lasten en baten van Zorg per jaar")
    assert drawn[1] == ("chart-unit", "Bedragen x € 1.000")
    assert drawn[-1] == ("chart-source", "Bron: Gemeente Voorbeeld, Begroting 2024")
    assert tree.find("{http://www.w3.org/2000/svg}title").text == "Lasten en baten van Zorg per jaar"
    # its size in pixels is set: the browser draws the PNG at twice that (tests/browser/test_chart_png.py)
    assert tree.get("width") == str(charts.STANDALONE_WIDTH) and Decimal(tree.get("height")) > 0
    # a long title wraps over lines that fit the image
    long = charts.standalone(charts.bar_list("b", "Aandeel van elk programma in de lasten, Begroting 2024 " * 2,
                                             "S.", [charts.Bar("Een", Decimal(1), "1")]))
    titles = [t for t in ElementTree.fromstring(long.encode()).iter("{http://www.w3.org/2000/svg}text")
              if t.get("class") == "chart-title"]
    assert len(titles) >= 2 and all(len(t.text) <= 47 for t in titles)


# ----------------------------------------------------------------------------- a small budget
def _lines() -> pl.DataFrame:
    rows = [
        # programme, taakveld, kind, year, column, cents
        ("1", "1.1", "lasten", 2024, "begroting", 232_688_000_00),
        ("1", "1.2", "baten", 2024, "begroting", 66_747_000_00),
        ("3.1", "4.2", "lasten", 2024, "begroting", 300_000_000_00),
        ("3.1", "4.2", "baten", 2024, "begroting", 65_028_000_00),
        ("3.2", "6.1", "lasten", 2024, "begroting", 499_099_000_00),
        ("3.2", "6.1", "baten", 2024, "begroting", 200_000_000_00),
        ("AD", "0.61", "lasten", 2024, "begroting", 300_000_000_00),
        ("AD", "0.61", "baten", 2024, "begroting", 1_000_000_000_00),
        ("3.1", "4.2", "lasten", 2022, "realisatie", 290 * M),
        ("3.1", "4.2", "lasten", 2025, "meerjarenraming", 310 * M),
    ]
    data = [(p, tv, None, k, y, c, cents, "financien.csv", i + 2)
            for i, (p, tv, k, y, c, cents) in enumerate(rows)]
    return pl.DataFrame(data, schema=LINE_SCHEMA, orient="row")


def make_budget(root: Path, *, language: str = "nl", exported_at: dt.datetime | None = EXPORTED) -> Budget:
    edition_config = Edition(id="begroting-2024", year=2024, exported_at=exported_at)
    config = Config(organisation=Organisation(name="Gemeente Proef"), site=Site(language=language),
                    editions=[edition_config])
    programmes = [
        Programme("1", "Veiligheid", order=1),
        Programme("3", "Vitaal en Sociaal", order=2, children=["3.1", "3.2"]),
        Programme("3.1", "Onderwijs", parent="3", order=3),
        Programme("3.2", "Zorg", parent="3", order=4),
        Programme("AD", "Algemene dekkingsmiddelen", order=5, kind="overzicht"),
    ]
    texts = [
        Text(None, "inleiding", "Inleiding", "<p>Dit is de begroting.</p>", "teksten/inleiding.md"),
        Text("3", "doelstelling", "Doelstelling", "<p>Gezond <strong>opgroeien</strong>.</p>", "teksten/3.md"),
        Text("3", "ontwikkelingen", "Ontwikkelingen", "<p>Meer vraag naar zorg.</p>", "teksten/3-o.md"),
    ]
    indicators = [Indicator("3", "Kinderen in armoede", "%", 2022, Decimal("7.5"), "CBS", bbv=True)]
    extra = {"series": series_of(indicators)} if series_of is not None else {}
    edition = EditionData(
        config=edition_config, programmes={p.code: p for p in programmes}, lines=_lines(), texts=texts,
        indicators=indicators, sources=[SourceFile("financien.csv", 10, 10, exported_at)],
        exported_at=exported_at, **extra)
    return Budget(root=root, config=config, editions=[edition])


def build(tmp_path: Path, name: str = "site", **kwargs) -> tuple[Path, list[Path]]:
    budget = make_budget(tmp_path / "project", **{k: v for k, v in kwargs.items() if k != "warnings"})
    figures = {e.id: compute(e) for e in budget.editions}
    out = tmp_path / name
    warnings = kwargs.get("warnings", [])
    written = write_site(budget, figures, out, build_time=BUILT, warnings=warnings,
                          colophon_html="<p>Gemaakt door de afdeling Financiën.</p>")
    return out, written


@pytest.fixture
def site(tmp_path: Path) -> Path:
    warning = Problem(Severity.WARNING, "financien.csv", 7, "Bedrag", "bedrag is nul", None, "zero")
    out, _ = build(tmp_path, warnings=[warning])
    return out


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("index.html"))


def page(out: Path, url: str) -> BeautifulSoup:
    return soup_of(out / url.strip("/") / "index.html")


def section(soup: BeautifulSoup, heading: str):
    h2 = soup.find("h2", string=heading)
    assert h2 is not None, f"no section {heading!r}"
    return h2.find_parent("section")


def text_of(tag) -> str:
    return " ".join(tag.get_text(" ").split())


# ----------------------------------------------------------------------------- the site
def test_every_page_is_written_once_with_the_stylesheet(tmp_path: Path):
    out, written = build(tmp_path)
    assert len(written) == len(set(written))
    assert (out / "static" / "begroot.css").is_file()
    urls = page_urls(make_budget(tmp_path / "project"))
    assert sorted(urls) == sorted("/" if p.parent == out else "/" + p.parent.relative_to(out).as_posix() + "/"
                                  for p in pages(out))
    for url in ("/", "/over/", "/begroting-2024/", "/begroting-2024/taakvelden/",
                "/begroting-2024/programma/3-vitaal-en-sociaal/", "/begroting-2024/programma/3-1-onderwijs/",
                "/begroting-2024/programma/ad-algemene-dekkingsmiddelen/"):
        assert url in urls


def test_grand_totals_on_the_edition_page(site: Path):
    soup = page(site, "/begroting-2024/")
    assert text_of(soup.h1) == "Begroting 2024 in één oogopslag"
    figures = {text_of(div.dt): text_of(div.dd.find(class_="big")) for div in soup.select("dl.key-figures > div")}
    assert figures == {"Totale lasten": "1.331.787", "Totale baten": "1.331.775", "Saldo": "-12"}


def test_edition_page_programme_table_and_overviews(site: Path):
    soup = page(site, "/begroting-2024/")
    table = section(soup, "Programma's").find("table")
    headers = [text_of(th) for th in table.thead.find_all("th")]
    assert headers == ["Programma", "Lasten", "Aandeel", "Baten", "Aandeel", "Saldo"]
    rows = {text_of(tr.th): [text_of(td) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")}
    assert rows["Programma 3: Vitaal en Sociaal"] == ["799.099", "60,0 %", "265.028", "19,9 %", "-534.071"]
    assert "Algemene dekkingsmiddelen" not in rows
    overviews = section(soup, "Overzichten (BBV)").find("table")
    # the overviews' total is the edition's: the programmes of the table above are its first row
    assert [text_of(tr.th) for tr in overviews.tbody.find_all("tr")] == [
        "Programma's samen (tabel hierboven)", "Algemene dekkingsmiddelen"]
    assert not overviews.tbody.tr.th.find("a") and text_of(overviews.tfoot.tr.th) == "Totaal"
    # the share in the baten here; the lasten are the chart of where the money goes, above
    figures = section(soup, "Programma's").find_all("figure")
    charts_ = [f.find("div", class_="chart") for f in figures]
    assert len(figures) == 1 and all(f.figcaption for f in figures) and all(c["role"] == "img" for c in charts_)
    summary = soup.find(id=charts_[0]["aria-labelledby"].split()[1])
    assert text_of(summary) == "Algemene dekkingsmiddelen heeft het grootste aandeel in de baten: 75,1 %."
    money = section(soup, "Waar gaat het geld naartoe?").figure.find("div", class_="chart")
    assert money["role"] == "group"
    assert text_of(soup.find(id=money["aria-labelledby"].split()[1])) == (
        "Programma 3: Vitaal en Sociaal heeft de meeste lasten: 799.099 x € 1.000, 60,0 % van alle lasten.")
    # links to every programme, deelprogramma's included
    linked = {a["href"] for a in soup.find_all("a")}
    for slug in ("1-veiligheid", "3-vitaal-en-sociaal", "3-1-onderwijs", "3-2-zorg", "ad-algemene-dekkingsmiddelen"):
        assert f"../begroting-2024/programma/{slug}/" in linked
    assert text_of(section(soup, "Inleiding")) == "Inleiding Dit is de begroting."


def test_programme_page(site: Path):
    soup = page(site, "/begroting-2024/programma/3-vitaal-en-sociaal/")
    assert text_of(soup.h1) == "Programma 3: Vitaal en Sociaal"
    assert [text_of(h) for h in soup.main.find_all("h2")][:2] == ["Doelstelling", "Ontwikkelingen"]
    assert section(soup, "Doelstelling").find("strong").get_text() == "opgroeien"  # html kept as html
    share = section(soup, "Aandeel in het totaal")
    assert [s.get_text() for s in share.select(".nowrap")] == ["60,0 %", "19,9 %"]
    assert [s.get_text() for s in share.select(".big")] == ["799.099", "265.028"]
    lbs = section(soup, "Lasten, baten en saldo").find("table")
    assert [text_of(th) for th in lbs.thead.find_all("th")] == ["Realisatie 2022", "Begroting 2024", "Raming 2025"]
    assert "x € 1.000" in text_of(lbs.caption)
    rows = {text_of(tr.th): [text_of(td) for td in tr.find_all("td")] for tr in lbs.tbody.find_all("tr")}
    assert rows["Lasten"] == ["290.000", "799.099", "310.000"]
    assert rows["Saldo"] == ["-290.000", "-534.071", "-310.000"]
    children = section(soup, "Deelprogramma's").find("table")
    assert [a["href"] for a in children.tbody.find_all("a")] == [
        "../../../begroting-2024/programma/3-1-onderwijs/", "../../../begroting-2024/programma/3-2-zorg/"]
    taakvelden = section(soup, "Taakvelden").find("table")
    codes = [text_of(tr.th.find(class_="code")) for tr in taakvelden.tbody.find_all("tr")]
    assert codes == ["4.2", "6.1"]
    indicators = section(soup, "Indicatoren")
    assert "Kinderen in armoede" in text_of(indicators)
    assert "7,5" in [text_of(td) for td in indicators.find_all("td")]  # the value, in a table


def test_deelprogramma_and_overview_pages(site: Path):
    soup = page(site, "/begroting-2024/programma/3-1-onderwijs/")
    assert text_of(soup.h1) == "Deelprogramma 3.1: Onderwijs"
    crumbs = [text_of(li) for li in soup.find("nav", class_="breadcrumbs").find_all("li")]
    assert crumbs == ["Home", "Begroting 2024", "Programma 3: Vitaal en Sociaal", "Deelprogramma 3.1: Onderwijs"]
    share = section(soup, "Aandeel in het totaal")
    assert [s.get_text() for s in share.select(".nowrap")] == ["22,5 %", "4,9 %"]
    overview = page(site, "/begroting-2024/programma/ad-algemene-dekkingsmiddelen/")
    assert text_of(overview.h1) == "Algemene dekkingsmiddelen"


def test_taakvelden_page(site: Path):
    soup = page(site, "/begroting-2024/taakvelden/")
    table = soup.main.find("table")
    codes = [text_of(tr.th.find(class_="code")) for tr in table.find_all("tr") if tr.th and tr.th.find(class_="code")]
    assert codes == ["0.61", "1.1", "1.2", "4.2", "6.1"]
    groups = [text_of(th) for th in table.find_all("th", scope="rowgroup")]
    assert len(groups) == 4 and groups[0].startswith("0.")
    total = table.tfoot.tr
    assert [text_of(td) for td in total.find_all("td")] == ["1.331.787", "1.331.775", "-12"]
    row_61 = next(tr for tr in table.find_all("tr") if tr.th and text_of(tr.th).startswith("6.1"))
    assert [a["href"] for a in row_61.find_all("a")] == ["../../begroting-2024/programma/3-2-zorg/"]


def test_the_colophon_shows_ten_warnings_of_a_kind_and_links_them_all(tmp_path: Path):
    """230,000 warnings made a 75 MB colophon: it shows the first ten of each kind, counts the
    rest, and every warning is in over/meldingen.csv (a cell that looks like a formula defused)."""
    import csv as csv_module

    grey = [Problem(Severity.WARNING, "financien.csv", 2 + i, "Categorie", f"grey cell {i}", "book it elsewhere",
                    "iv3-grey-cell") for i in range(25)]
    odd = [Problem(Severity.WARNING, "financien.csv", 99, "Omschrijving", "=HYPERLINK(1)", None, "odd")]
    out, _ = build(tmp_path, warnings=grey + odd)
    about = page(out, "/over/")
    items = [" ".join(li.get_text().split()) for li in about.find("ul", class_="warnings").find_all("li")]
    assert len(items) == 11 and items[9].endswith("grey cell 9 (tip: book it elsewhere)") and items[10].endswith("=HYPERLINK(1)")
    assert "nog 15 meldingen van de soort iv3-grey-cell" in text_of(about.main)
    link = about.main.find("a", href="meldingen.csv")
    assert text_of(link) == "Alle 26 meldingen als CSV-bestand"
    with (out / "over" / "meldingen.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv_module.DictReader(fh))
    assert [r["melding"] for r in rows[:25]] == [f"grey cell {i}" for i in range(25)]
    assert rows[0]["rij"] == "2" and rows[0]["kolom"] == "Categorie" and rows[0]["code"] == "iv3-grey-cell"
    assert rows[25]["melding"] == "'=HYPERLINK(1)"
    # without warnings, no file (and none left from an earlier build into the same folder)
    from begroot.publish.site import write_site as write_again

    budget = make_budget(tmp_path / "project2")
    write_again(budget, {e.id: compute(e) for e in budget.editions}, out, build_time=BUILT, warnings=[])
    assert not (out / "over" / "meldingen.csv").exists()


def test_home_and_colophon(site: Path):
    home = page(site, "/")
    assert text_of(home.h1) == "Gemeente Proef"
    card = home.find("li", class_="card")
    assert "Begroting 2024" in text_of(card) and "1.331.787" in text_of(card)
    about = page(site, "/over/")
    warnings = [" ".join(li.get_text().split()) for li in about.find("ul", class_="warnings").find_all("li")]
    # where in Dutch, the message as begroot gives it (marked as English), no raw "warning:" prefix
    assert warnings == ['financien.csv, rij 7, kolom "Bedrag": bedrag is nul']
    assert about.find("ul", class_="warnings").find("li").find("span")["lang"] == "en"
    assert "Gemaakt door de afdeling Financiën." in text_of(about.main)
    sources = about.main.find("table")
    assert [text_of(td) for td in sources.tbody.find_all("td")] == ["10", "10", "11/07/2023 15:35:31"]


def test_the_home_page_title_names_the_site_once_and_other_pages_page_then_site(site: Path):
    assert text_of(page(site, "/").title) == "Gemeente Proef"
    assert text_of(page(site, "/over/").title) == "Colofon – Gemeente Proef"
    assert text_of(page(site, "/begroting-2024/").title) == "Begroting 2024 in één oogopslag – Gemeente Proef"


def test_the_accessibility_statement_links_its_contact(tmp_path: Path):
    from begroot.config import Accessibility
    from begroot.render.audit import AuditResult
    from begroot.render.pages import about
    from begroot.render.site import Site as SiteView

    budget = make_budget(tmp_path / "project")
    figures = {e.id: compute(e) for e in budget.editions}

    def contact_paragraph(contact: str | None) -> BeautifulSoup:
        budget.config = budget.config.model_copy(update={"accessibility": Accessibility(contact=contact)})
        view = SiteView(budget, figures, build_time=BUILT, warnings=[])
        soup = BeautifulSoup(view.render(about.statement(view, AuditResult())), "html.parser")
        return soup.find("h2", string="Contact").find_next("p")

    web = contact_paragraph("https://www.proef.nl/contact")
    assert text_of(web) == "Kunt u iets op deze site niet lezen of gebruiken? Laat het ons weten: https://www.proef.nl/contact ."
    assert web.a["href"] == "https://www.proef.nl/contact"
    assert contact_paragraph("a11y@proef.nl").a["href"] == "mailto:a11y@proef.nl"
    assert contact_paragraph(None).a is None  # begroot check warns (accessibility-contact)


def test_every_page_has_the_common_structure(site: Path):
    all_pages = pages(site)
    assert len(all_pages) >= 9
    for path in all_pages:
        soup = soup_of(path)
        assert soup.html["lang"] == "nl", path
        assert len(soup.find_all("h1")) == 1, path
        assert soup.find("main", id="inhoud") is not None, path
        skip = soup.find("a", class_="skip-link")
        assert skip["href"] == "#inhoud" and text_of(skip) == "Naar de inhoud", path
        assert text_of(soup.find("footer")).endswith(STAMP_NL), path


def test_nothing_points_to_another_host_and_relative_links_resolve(site: Path):
    for path in pages(site):
        soup = soup_of(path)
        here = path.parent.relative_to(site).as_posix()
        for tag in soup.find_all(src=True) + soup.find_all(href=True):
            url = tag.get("src") or tag.get("href")
            assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I), (path, url)
            if url.startswith(("#", "mailto:")):
                continue
            target = posixpath.normpath(posixpath.join(here, url.split("#")[0]))
            if url.endswith("/"):
                target = posixpath.join(target, "index.html")
            assert (site / target).exists(), (path, url)


def test_charts_and_tables_are_accessible(site: Path):
    for path in pages(site):
        soup = soup_of(path)
        ids = [tag["id"] for tag in soup.find_all(id=True)]
        assert len(ids) == len(set(ids)), path
        for svg in soup.find_all("svg"):
            # an image, or a group of links (the chart of where the money goes: each bar a link)
            assert svg["role"] == "img" or (svg["role"] == "group" and svg.find("a")), path
            title_id, desc_id = svg["aria-labelledby"].split()
            assert svg.find("title", id=title_id) and text_of(svg.find("title", id=title_id))
            assert svg.find("desc", id=desc_id) and text_of(svg.find("desc", id=desc_id))
            figure = svg.find_parent("figure")
            assert figure is not None and figure.figcaption is not None
        for table in soup.find_all("table"):
            assert table.caption is not None and text_of(table.caption), path
            assert all(th.get("scope") for th in table.find_all("th")), path
        for cell in soup.select("td.num .nowrap"):
            assert "%" in cell.get_text()


def test_output_is_deterministic(tmp_path: Path):
    a, _ = build(tmp_path, "a")
    b, _ = build(tmp_path, "b")
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_english_site(tmp_path: Path):
    out, _ = build(tmp_path, language="en")
    soup = page(out, "/begroting-2024/programma/3-vitaal-en-sociaal/")
    assert soup.html["lang"] == "en"
    assert text_of(soup.find("footer")).endswith(
        "This page was built on 01/02/2024 10:00:00 from the export of 11/07/2023 15:35:31")
    share = section(soup, "Share of the total")
    assert [s.get_text() for s in share.select(".big")] == ["799,099", "265,028"]
    assert [s.get_text() for s in share.select(".nowrap")] == ["60.0 %", "19.9 %"]


def test_search_page_counts_one_result_in_the_singular(tmp_path: Path):
    for language, one, many in (("nl", "1 resultaat voor {q}", "{n} resultaten voor {q}"),
                                ("en", "1 result for {q}", "{n} results for {q}")):
        out, _ = build(tmp_path, language, language=language)
        results = page(out, "/zoeken/").find(id="zoekresultaten")
        assert (results["data-count-one"], results["data-count"]) == (one, many)


def test_unknown_export_time(tmp_path: Path):
    out, _ = build(tmp_path, exported_at=None)
    for url in ("/", "/begroting-2024/"):
        footer = text_of(page(out, url).find("footer"))
        assert footer.endswith("Deze pagina is gebouwd op 01/02/2024 10:00:00 met de export van onbekende datum")


def test_two_programmes_with_the_same_slug_are_refused(tmp_path: Path):
    budget = make_budget(tmp_path / "project")
    edition = budget.editions[0]
    # codes "1" and "1." with the same title slugify alike: both pages would be .../1-veiligheid/
    edition.programmes["1."] = Programme("1.", "Veiligheid", order=9)
    figures = {edition.id: compute(edition)}
    with pytest.raises(RuntimeError, match="begroting-2024/programma/1-veiligheid"):
        write_site(budget, figures, tmp_path / "site", build_time=BUILT, warnings=[])


def test_every_language_has_the_same_interface_texts():
    from begroot.render.strings import LANGUAGES, strings

    dutch = strings("nl")
    assert len(dutch) > 200
    for language in LANGUAGES:
        assert set(strings(language)) == set(dutch), language
    assert strings("xx") is dutch  # a language begroot does not have: Dutch


def test_an_english_site_titles_its_editions_in_english(tmp_path: Path):
    """An edition without a title of its own is "Budget 2024" on an English site (it was "Begroting
    2024 at a glance"); a title from begroot.toml is kept as it is, and a Dutch site is unchanged."""
    from begroot.build import build as build_site
    from begroot.project import load_project

    from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, write_project

    toml = BASE_TOML.replace("[[editions]]", '[site]\nlanguage = "en"\npdf = false\n\n[[editions]]', 1) + LONG_SOURCE
    project = write_project(tmp_path / "en", toml=toml, finance=GOOD_FINANCE)
    build_site(project, tmp_path / "site-en")
    heading = BeautifulSoup((tmp_path / "site-en" / "begroting-2024" / "index.html").read_text("utf-8"),
                            "html.parser").h1.get_text(" ", strip=True)
    assert heading.startswith("Budget 2024"), heading
    own = write_project(tmp_path / "own", toml=toml.replace("year = 2024\n", 'year = 2024\ntitle = "Programmabegroting 2024"\n', 1),
                        finance=GOOD_FINANCE)
    assert load_project(own).budget.editions[0].config.display_title == "Programmabegroting 2024"
    dutch = write_project(tmp_path / "nl", finance=GOOD_FINANCE)
    assert load_project(dutch).budget.editions[0].config.title is None


def test_text_tables_sit_in_a_named_region_of_their_own():
    """A text's table is wrapped in a focusable region named by its caption (tags and entities
    read as text) or by the label given; a table inside another is not wrapped again."""
    from begroot.render.page import text_tables

    html = ('<p>a</p><table><caption>Kosten &amp; <em>baten</em></caption><tr><td>1</td></tr></table>'
            '<table><tr><td><table><tr><td>2</td></tr></table></td></tr></table>')
    soup = BeautifulSoup(str(text_tables(html, "Tabel uit de tekst")), "html.parser")
    regions = soup.select("div.table-scroll")
    assert [r["aria-label"] for r in regions] == ["Kosten & baten", "Tabel uit de tekst"]
    assert all(r["role"] == "region" and r["tabindex"] == "0" for r in regions)
    assert [len(r.find_all("table")) for r in regions] == [1, 2] and soup.p.text == "a"


def test_an_english_programme_page_names_its_glance_in_english(tmp_path: Path):
    """The section "in één oogopslag" of a programme is "Budget at a glance" on an English site (it
    was "Begroting at a glance": the edition's kind from begroot.toml, a Dutch word)."""
    out, _ = build(tmp_path, language="en")
    soup = page(out, "/begroting-2024/programma/3-vitaal-en-sociaal/")
    assert text_of(soup.find(id="in-een-oogopslag")) == "Budget at a glance"
    dutch, _ = build(tmp_path, "nl")
    soup = page(dutch, "/begroting-2024/programma/3-vitaal-en-sociaal/")
    assert text_of(soup.find(id="in-een-oogopslag")) == "Begroting in één oogopslag"
