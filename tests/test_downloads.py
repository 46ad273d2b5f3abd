"""Open data: every download parses back to the figures on the pages, exactly; the Fiscal Data
Package validates; exporting and reading the export back as input gives the same totals."""

import csv
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from begroot.build import build
from begroot.project import load_project


@pytest.fixture(scope="module")
def demo(demo_built):
    from begroot.cli import demo_project

    site, result = demo_built
    loaded = load_project(demo_project())
    return site, loaded.figures["begroting-2024"], loaded


def test_edition_downloads_parse_back_exactly(demo):
    site, fig, _ = demo
    folder = site / "begroting-2024" / "downloads"
    grand = fig.grand()
    with (folder / "financien.csv").open(encoding="utf-8") as fh:
        every_row = list(csv.DictReader(fh))
    # the edition's lines hold the begroting 2024 and, as the previous year's column, the begroting 2023
    assert {(r["jaar"], r["kolom"]) for r in every_row} == {("2024", "begroting"), ("2023", "begroting")}
    for year in (2023, 2024):
        rows = [r for r in every_row if r["jaar"] == str(year)]
        assert sum(Decimal(r["bedrag"]) for r in rows if r["soort"] == "lasten") == fig.grand((year, "begroting")).lasten
        assert sum(Decimal(r["bedrag"]) for r in rows if r["soort"] == "baten") == fig.grand((year, "begroting")).baten
    assert grand.lasten == Decimal("1331787000")
    parquet = pl.read_parquet(folder / "financien.parquet")
    assert parquet.filter((pl.col("soort") == "lasten") & (pl.col("jaar") == 2024))["bedrag"].sum() == grand.lasten
    with (folder / "programmas.csv").open(encoding="utf-8") as fh:
        programmes = {r["code"]: r for r in csv.DictReader(fh) if r["jaar"] == "2024"}
    assert Decimal(programmes["3"]["lasten"]) == fig.of("3").lasten == Decimal("802980000")
    data = json.loads((folder / "begroting.json").read_text(encoding="utf-8"))
    assert {p["code"]: Decimal(p["baten"]) for p in data["programmas"] if p["jaar"] == 2024}["3"] == fig.of("3").baten

    book = load_workbook(folder / "begroting.xlsx", read_only=True)
    assert book.sheetnames == ["Regels", "Programma's", "Taakvelden"]
    sheet = list(book["Programma's"].iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    row3 = next(row for row in (dict(zip(header, r)) for r in body) if row["code"] == "3" and row["jaar"] == 2024)
    assert round(Decimal(str(row3["lasten"])) * 100) == 80298000000


def test_the_downloads_page_shows_each_file_s_real_size(demo):
    """The downloads page is written before the files it lists; its sizes are filled in once
    they are there, and each is the size of the file it links, in Dutch through Babel."""
    from begroot.format import file_size

    site, _, loaded = demo
    pages = sorted(site.glob("*/downloads/index.html"))
    assert len(pages) == len(loaded.budget.editions) >= 4
    shown = 0
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.find("thead").find_all("th")[-1].get_text() == "Grootte"
        for row in soup.find("tbody").find_all("tr"):
            link, size = row.find("a")["href"], row.find_all("td")[-1].get_text()
            assert size == file_size((page.parent / link).stat().st_size), (page, link)
            assert size.endswith((" byte", " kB", " MB")) and size[0].isdigit()
            shown += 1
    assert shown >= 3 * 7 + 4  # seven open-data files of each edition with figures, a PDF of each


def test_file_sizes_in_dutch_and_english():
    from begroot.format import file_size

    assert [file_size(n) for n in (850, 8_456, 12_345, 999_499, 999_500, 1_234_567, 123_456_789)] == [
        "850 byte", "8,5 kB", "12 kB", "999 kB", "1,0 MB", "1,2 MB", "123 MB"]
    assert file_size(1_234_567, "en") == "1.2 MB" and file_size(8_456, "en") == "8.5 kB"


def test_page_figures_download_matches_the_page(demo):
    site, fig, _ = demo
    page = site / "begroting-2024" / "programma" / "3-vitaal-en-sociaal"
    soup = BeautifulSoup((page / "index.html").read_text(encoding="utf-8"), "html5lib")
    table = next(t for t in soup.find_all("table") if "Lasten, baten en saldo" in t.find("caption").get_text())
    # lasten, baten, saldo (x € 1.000), each for begroting 2023 and begroting 2024
    shown = [td.get_text() for td in table.find("tbody").find_all("td")]
    rows = json.loads((page / "tabellen.json").read_text(encoding="utf-8"))["cijfers"]
    assert [(r["jaar"], r["kolom"]) for r in rows] == [(2023, "begroting"), (2024, "begroting")]
    as_shown = [f"{round(Decimal(r[k]) / 1000):,}".replace(",", ".") for k in ("lasten", "baten", "saldo") for r in rows]
    assert shown == as_shown
    assert shown[1::2] == ["802.980", "246.805", "-556.175"]  # 2024
    with (page / "cijfers.csv").open(encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == [{k: str(v) for k, v in r.items()} for r in rows]
    links = [a["href"] for a in soup.find_all("a") if a.get("href", "").startswith("cijfers.")]
    assert links == ["cijfers.csv"]
    for whole in ("tabellen.xlsx", "tabellen.json"):  # the page's workbook and JSON file, next to each table
        assert len([a for a in soup.find_all("a") if a.get("href") == whole]) == len(soup.find_all("table"))
    edition = json.loads((site / "begroting-2024" / "tabellen.json").read_text(encoding="utf-8"))["overzichten"]
    assert {r["code"]: r["lasten"] for r in edition}["OH"] == "146266000.00"
    heads = Decimal(243768)   # inhabitants of 2024; per inhabitant to six decimals in the download
    assert edition[-1] == {"code": "", "naam": "Totaal", "soort": "totaal", "lasten": "1331787000.00",
                           "aandeel_lasten": None, "baten": "1331775000.00", "aandeel_baten": None, "saldo": "-12000.00",
                           "lasten_per_inwoner": str((Decimal(1331787000) / heads).quantize(Decimal("0.000001"))),
                           "baten_per_inwoner": str((Decimal(1331775000) / heads).quantize(Decimal("0.000001")))}
    assert fig.grand().baten == Decimal("1331775000")  # the total row of the overviews is the grand total


# --- every table and chart of every page ------------------------------------------------------------

#: Pages whose tables are not figures of the budget (sources, the audit, the list of files).
NOT_FIGURES = {"over", "over/toegankelijkheid"}


def figure_pages(site: Path) -> list[Path]:
    return [p.parent for p in sorted(site.rglob("index.html"))
            if p.parent.relative_to(site).as_posix() not in NOT_FIGURES and p.parent.name != "downloads"
            and "pagefind" not in p.parts]


def read_downloads(folder: Path, name: str) -> list[dict[str, str]]:
    """The table ``name`` from its CSV, checked against the page's JSON file (under the key
    ``name``) and workbook (on the sheet ``name``): all three hold the same values (exact decimals
    as text; in the workbook as numbers with as many decimals)."""
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows, name
    from_json = json.loads((folder / "tabellen.json").read_text(encoding="utf-8"))[name]
    assert [{k: "" if v is None else str(v) for k, v in r.items()} for r in from_json] == rows, name
    book = load_workbook(folder / "tabellen.xlsx", read_only=True)
    cells = list(book[name].iter_rows())
    assert [c.value for c in cells[0]] == list(rows[0]), name
    assert cells[0][0].font.b  # a bold header row
    assert len(cells) == len(rows) + 1, name
    for row, line in zip(rows, cells[1:]):
        values = dict(zip(rows[0], line))
        for key, text in row.items():
            cell = values.get(key)
            value = cell.value if cell is not None else None
            if text == "":
                assert value is None, (name, key)
            elif isinstance(value, (int, float)):
                assert Decimal(repr(value)) == Decimal(text), (name, key, value, text)  # exact
                places = len(text.split(".")[1]) if "." in text else 0
                if not isinstance(value, int) or places:
                    assert cell.number_format == "#,##0" + ("." + "0" * places if places else ""), (name, key)
            else:
                assert value == text, (name, key)
    return rows


def shown_as(key: str, text: str, language: str, unit: int) -> str | None:
    """A downloaded value formatted as the page shows it; None for columns the table does not show
    as a number. The column's name says how: amounts (lasten, baten, saldo, kosten, bedrag_… and
    lasten_… such as lasten_oud), differences with their sign (verschil_…), changes in percent
    (…_pct), shares (aandeel_…), indicator values, and euros per inhabitant (…per_inwoner…)."""
    from begroot import format as fmt

    if key.startswith("euro_"):  # exact euros with cents (the verantwoording)
        return fmt.euro_cents(Decimal(text) if text != "" else None, language)
    numeric = "per_inwoner" in key or key.endswith("_pct") or key.startswith(("verschil", "aandeel_")) \
        or key in ("lasten", "baten", "saldo", "kosten", "streefwaarde", "realisatie") \
        or key.startswith(("lasten_", "baten_", "bedrag_"))
    if not numeric:
        return None
    value = Decimal(text) if text != "" else None
    if "per_inwoner" in key:
        return fmt.euro_cents(value, language, signed=key.startswith("verschil"))
    if key.endswith("_pct"):
        return fmt.change(value, language)
    if key.startswith("verschil"):
        return fmt.signed_money(value, unit, language)
    if key in ("lasten", "baten", "saldo", "kosten") or key.startswith(("lasten_", "baten_", "bedrag_")):
        return fmt.money(value, unit, language)
    if key.startswith("aandeel_"):
        return fmt.pct(value, language)
    if key in ("streefwaarde", "realisatie"):
        return fmt.number(value, language) if value is not None else fmt.DASH
    return None


def test_every_table_on_every_page_downloads_as_shown(demo):
    """Every table of figures on every page links its CSV, the page's XLSX and the page's JSON
    (saying which sheet and which key); they parse back to the same exact values, and formatted as
    the page formats them (Babel) they are the numbers shown, row by row; the page's folder holds
    no other table files: the JSON file holds the page's tables in the order of the workbook's
    sheets, and no table has a JSON file of its own."""
    from begroot import format as fmt

    site, _, loaded = demo
    language, unit = loaded.budget.config.site.language, loaded.budget.config.site.unit
    checked = 0
    for folder in figure_pages(site):
        soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html5lib")
        linked = set()
        for table in soup.find_all("table"):
            where = (folder.relative_to(site), table.find("caption").get_text(" ", strip=True))
            box = table.find_parent("div", class_="table-scroll")
            para = box.find_next_sibling()
            assert para is not None and "downloads" in para.get("class", []), where
            links = para.find_all("a")
            hrefs = [a["href"] for a in links]
            name = hrefs[0].rsplit(".", 1)[0]
            assert hrefs == [f"{name}.csv", "tabellen.xlsx", "tabellen.json"], where
            caption = " ".join(table.find("caption").get_text().split())
            for a, ext in zip(links, ("CSV", "XLSX", "JSON")):
                label = a.get_text(" ", strip=True)
                assert label.startswith(f"{ext} van de tabel "), label   # which format, which table
                what = label.split(" van de tabel ", 1)[1]
                if ext == "XLSX":  # the page's workbook: which sheet
                    what, sheet = what.rsplit(" (werkblad ", 1)
                    assert sheet == f"{name} van het werkboek met alle tabellen van deze pagina)", label
                if ext == "JSON":  # the page's JSON file: which key
                    what, key = what.rsplit(" (onder de sleutel ", 1)
                    assert key == f"{name} van het JSON-bestand met alle tabellen van deze pagina)", label
                assert caption.startswith(what), label
                assert a.has_attr("download")
            linked.add(name)
            rows = read_downloads(folder, name)
            body = [tr for part in table.find_all(["tbody", "tfoot"]) for tr in part.find_all("tr")]
            shown = [[td.get_text(strip=True) or fmt.DASH for td in tr.find_all("td")
                      if "num" in td.get("class", []) or not td.get_text(strip=True)] for tr in body]
            if "kolom" in rows[0]:  # periods as columns: the numeric columns (lasten, baten, ...) are the rows
                keys = [k for k in rows[0] if shown_as(k, "", language, unit) is not None]
                expected = [[shown_as(k, r[k], language, unit) for r in rows] for k in keys]
            else:
                expected = [[v for k, t in r.items() if (v := shown_as(k, t, language, unit)) is not None]
                            for r in rows]
                for tr, r in zip(body, rows):  # and each row is the row of the same thing
                    label = next(str(r[k]) for k in ("naam", "doel", "jaar", "rij") if k in r)
                    assert label in tr.find("th").get_text(" ", strip=True), (where, label)
            assert shown == expected, where
            checked += 1
        assert linked == {p.stem for p in folder.glob("*.csv")}, folder
        workbook = folder / "tabellen.xlsx"  # a sheet per table, none without tables
        sheets = load_workbook(workbook, read_only=True).sheetnames if linked else workbook.exists()
        assert (set(sheets) if linked else sheets) == (linked or False)
        whole = folder / "tabellen.json"  # a key per table, in the order of the sheets; none without tables
        assert (list(json.loads(whole.read_text(encoding="utf-8"))) if linked else whole.exists()) == (sheets or False)
        assert [p.name for p in folder.glob("*.json") if p.name != "tabellen.json"] == [], folder
    assert checked >= 30  # edition, taakvelden, goals, 16 programme pages, their deelprogramma's, taakvelden, indicators
    # every kind of table is among them
    names = {p.stem.split("-")[0] for folder in figure_pages(site) for p in folder.glob("*.csv")}
    assert names == {"programmas", "overzichten", "cijfers", "deelprogrammas", "taakvelden", "doelen", "indicator",
                     "per", "begroting", "uitvoering", "totalen", "indeling", "bestand", "geld", "oogopslag"}


def test_each_page_has_one_json_file_with_all_its_tables(demo):
    """Every page with tables has one ``tabellen.json`` (issue 18: fewer files to write): an
    object with every table of the page under its name (the name of its CSV file and of its
    sheet), holding the same rows as the CSV file; no table has a JSON file of its own."""
    from begroot.publish.downloads import csv_safe

    site, _, _ = demo
    pages = [p.parent for p in sorted(site.rglob("index.html"))
             if p.parent.name != "downloads" and "pagefind" not in p.parts]
    with_tables = 0
    for folder in pages:
        names = sorted(p.stem for p in folder.glob("*.csv"))
        assert sorted(p.name for p in folder.glob("*.json")) == (["tabellen.json"] if names else []), folder
        if not names:
            continue
        tables = json.loads((folder / "tabellen.json").read_text(encoding="utf-8"))
        assert sorted(tables) == names, folder
        for name in names:
            with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            assert [{csv_safe(k): "" if v is None else csv_safe(str(v)) for k, v in r.items()}
                    for r in tables[name]] == rows, (folder, name)
        with_tables += 1
    assert with_tables >= 30


def test_a_page_s_json_file_holds_each_table_as_its_own_json_would(tmp_path):
    """The page's JSON file: the tables under their names in the page's order, each exactly as
    :func:`table_json` writes one table (exact decimals as text, none as null); the same bytes
    for the same tables."""
    from begroot.publish.downloads import table_json, tables_json

    tables = [("u", [{"jaar": 2024, "saldo": None}]),
              ("t", [{"naam": "Veiligheid", "lasten": Decimal("34148000.00")}, {"naam": "Één", "lasten": Decimal("-0.10")}])]
    text = tables_json(tables)
    assert list(json.loads(text)) == ["u", "t"]  # the page's order, not sorted
    assert json.loads(text) == {name: json.loads(table_json(rows)) for name, rows in tables}
    assert json.loads(text)["t"][0]["lasten"] == "34148000.00" and '"Één"' in text
    assert text.endswith("\n") and tables_json(tables) == text
    assert tables_json([]) == "{}\n"


def test_every_chart_links_its_svg_and_offers_a_png_made_in_the_browser(demo):
    """Each chart links its SVG file; its PNG is not written by the build but made by the reader's
    browser from that file (static/grafiek.js, loaded on exactly the pages with a chart), through a
    control that stays hidden without JavaScript (tests/browser/test_chart_png.py clicks it)."""
    from xml.etree import ElementTree

    site, _, _ = demo
    checked = 0
    for folder in figure_pages(site):
        soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html5lib")
        for chart in soup.select("div.chart[role=img]"):
            figure = chart.find_parent("figure")
            downloads = figure.find("p", class_="downloads")
            links = downloads.find_all("a")
            name = links[0]["href"].rsplit(".", 1)[0]
            assert [a["href"] for a in links] == [f"{name}.svg"]
            title_id, summary_id = chart["aria-labelledby"].split()
            title = soup.find(id=title_id).get_text()
            assert soup.find(id=summary_id).get_text()
            assert links[0].get_text(" ", strip=True) == f"SVG van de grafiek {title}"
            control = downloads.find(class_="chart-png")
            assert control.has_attr("hidden") and control["data-svg"] == f"{name}.svg"
            assert control["data-png"] == f"{name}.png" and "{svg}" in control["data-failed"]
            assert control.button["type"] == "button"
            assert control.button.get_text(" ", strip=True) == f"PNG van de grafiek {title}"
            tree = ElementTree.fromstring((folder / f"{name}.svg").read_bytes())
            assert tree.find("{http://www.w3.org/2000/svg}title").text == title
            # the image says what it shows when used elsewhere: its title, unit and source are drawn in it
            drawn = {}
            for t in tree.iter("{http://www.w3.org/2000/svg}text"):
                drawn.setdefault(t.get("class"), []).append(t.text)
            assert " ".join(drawn["chart-title"]) == title
            assert drawn["chart-unit"][0]
            source = " ".join(drawn["chart-source"])
            assert source.startswith("Bron: ") and "Gemeente Groningen, " in source
            assert int(tree.get("width")) == 424 and Decimal(tree.get("height")) > 0  # the PNG is twice that
            assert not (folder / f"{name}.png").exists()  # not drawn at build time
            checked += 1
        assert {a["href"] for a in soup.select("p.downloads a") if a["href"].endswith(".svg")} == \
            {p.name for p in folder.iterdir() if p.suffix == ".svg"}, folder
    assert checked >= 18  # 2 on the edition page, 1 per programme page, the indicators
    for page in site.rglob("index.html"):  # the script on exactly the pages with a chart's PNG control
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
        scripts = [s for s in soup.find_all("script") if s.get("src", "").endswith("static/grafiek.js")]
        assert len(scripts) == (1 if soup.select(".chart-png") else 0), page
        assert all(s.has_attr("defer") for s in scripts), page


def test_xlsx_amounts_read_back_exactly(tmp_path):
    """Amounts are numbers in the workbook, with two decimals shown, and read back as exactly the
    amount; one that a double cannot hold is written as its exact text."""
    import random

    from begroot.publish.downloads import tables_xlsx

    rng = random.Random(6)
    amounts = [Decimal("802980000.00"), Decimal("0.01"), Decimal("-0.07"), Decimal("1234567.89"),
               Decimal("9999999999999.99"), Decimal("-556175000.00")]
    amounts += [Decimal(rng.randrange(-10**15, 10**15)).scaleb(-2) for _ in range(2_000)]  # cents
    rows = [{"naam": f"regel {i}", "jaar": 2024, "lasten": a, "aandeel": Decimal("0.602934")}
            for i, a in enumerate(amounts)]
    rows.append({"naam": "te groot", "jaar": 2024, "lasten": Decimal("12345678901234567.89"), "aandeel": None})
    (tmp_path / "t.xlsx").write_bytes(tables_xlsx([("t", rows)]))
    sheet = list(load_workbook(tmp_path / "t.xlsx")["t"].iter_rows())
    assert [c.value for c in sheet[0]] == ["naam", "jaar", "lasten", "aandeel"]
    for row, (naam, jaar, lasten, aandeel) in zip(rows, sheet[1:-1]):
        assert isinstance(lasten.value, (int, float)) and lasten.number_format == "#,##0.00"
        assert Decimal(repr(lasten.value)) == row["lasten"]
        assert jaar.value == 2024 and aandeel.number_format == "#,##0.000000"
    assert sheet[-1][2].value == "12345678901234567.89"


def test_table_files_are_reproducible(tmp_path):
    import datetime as dt

    from begroot.publish.downloads import tables_xlsx

    import time

    tables = [("t", [{"naam": "Veiligheid", "lasten": Decimal("34148000.00")}]), ("u", [{"jaar": 2024}])]
    created = dt.datetime(2023, 11, 14, 22, 13, 20)
    first = tables_xlsx(tables, created)
    time.sleep(2.1)  # more than the two seconds of a zip entry's time: no clock time may get in
    assert tables_xlsx(tables, created) == first


def test_sheet_names_are_valid_and_unique():
    from begroot.publish.downloads import _sheet_names

    names = _sheet_names(["Programma's", "a/b", "x" * 40, "x" * 40, "X" * 31, "cijfers"])
    assert names[:2] == ["Programma's", "a-b"] and names[5] == "cijfers"
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names}) == len(names)  # Excel compares sheet names without case


def test_fiscal_data_package_validates(demo):
    from frictionless import validate

    site, _, _ = demo
    package = site / "begroting-2024" / "downloads" / "datapackage.json"
    report = validate(str(package))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    mapping = json.loads(package.read_text(encoding="utf-8"))["mapping"]
    assert mapping["measures"]["bedrag"]["currency"] == "EUR"
    assert mapping["measures"]["bedrag"]["direction"]["values"] == {"lasten": "expenditure", "baten": "revenue"}
    assert set(mapping["dimensions"]) >= {"activity", "functional-classification", "economic-classification", "date"}


def test_export_read_back_as_input_gives_the_same_totals(demo, tmp_path):
    site, fig, loaded = demo
    project = tmp_path / "terug"
    (project / "begroting-2024").mkdir(parents=True)
    shutil.copyfile(site / "begroting-2024" / "downloads" / "financien.csv", project / "begroting-2024" / "export.csv")
    shutil.copyfile(Path(loaded.budget.root) / "begroting-2024" / "programmas.csv",
                    project / "begroting-2024" / "programmas.csv")
    (project / "begroot.toml").write_text("""
[organisation]
name = "Gemeente Groningen"

[[editions]]
id = "begroting-2024"
year = 2024

[[editions.finance]]
file = "export.csv"
decimal = "."
[editions.finance.columns]
programme = "programma"
taakveld = "taakveld"
categorie = "categorie"
kind = "soort"
year = "jaar"
column = "kolom"
amount = "bedrag"
""", encoding="utf-8")
    result = build(project, tmp_path / "site")
    again = result.loaded.figures["begroting-2024"]
    assert again.grand() == fig.grand()
    assert again.of("3") == fig.of("3")


def test_our_fiscal_data_package_read_back_as_input(demo, tmp_path):
    site, fig, loaded = demo
    project = tmp_path / "fdp"
    shutil.copytree(site / "begroting-2024" / "downloads", project / "begroting-2024" / "open-data")
    shutil.copyfile(Path(loaded.budget.root) / "begroting-2024" / "programmas.csv",
                    project / "begroting-2024" / "programmas.csv")
    (project / "begroot.toml").write_text("""
[organisation]
name = "Gemeente Groningen"

[[editions]]
id = "begroting-2024"
year = 2024

[[editions.finance]]
datapackage = "open-data/datapackage.json"
""", encoding="utf-8")
    again = load_project(project)
    assert again.problems.errors == []
    assert again.figures["begroting-2024"].grand() == fig.grand()
    assert again.figures["begroting-2024"].of("3") == fig.of("3")


def test_a_foreign_fiscal_data_package_with_several_measures(real_data, tmp_path):
    package = real_data / "fdp" / "au-budget"
    project = tmp_path / "au"
    shutil.copytree(package, project / "begroting-2015" / "au")
    with (package / "data" / "201505181230budget1516.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    programs = sorted({r["Program"] for r in rows})
    with (project / "begroting-2015" / "programmas.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["code", "naam"])
        writer.writerows([(p, p) for p in programs])
    (project / "begroot.toml").write_text("""
[organisation]
name = "Commonwealth of Australia (test)"

[site]
currency = "AUD"                  # the package's measures are in Australian dollars

[[editions]]
id = "begroting-2015"
year = 2015

[[editions.finance]]
datapackage = "au/datapackage.json"
unit = 1000                       # the Australian budget tables are in thousands
round_to_cents = true             # some of its figures are computed to fractions of a cent
constants = { kind = "lasten" }
""", encoding="utf-8")
    loaded = load_project(project)
    assert [p for p in loaded.problems.errors] == []
    fig = loaded.figures["begroting-2015"]
    # "nfp" (not for publication) cells carry no amount
    from decimal import ROUND_HALF_UP

    expected = sum((Decimal(r["2015-16"]) * 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                   for r in rows if r["2015-16"] not in ("", "nfp"))
    assert fig.total[(2015, "begroting")].lasten == expected
    assert {p[0] for p in fig.periods} == {2014, 2015, 2016, 2017, 2018}


def test_charts_are_downloadable_as_svg_files(demo):
    site, _, _ = demo
    from xml.etree import ElementTree

    page = site / "begroting-2024" / "programma" / "3-vitaal-en-sociaal"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert 'href="grafiek.svg"' in html
    svg = ElementTree.fromstring((page / "grafiek.svg").read_bytes())  # a well-formed SVG file of its own
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "Lasten en baten van Vitaal en Sociaal per jaar"
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "802.980" in texts and "246.805" in texts
    for name in ("geld", "baten"):  # where the money goes (the lasten per programme), the shares in the baten
        assert ElementTree.fromstring((site / "begroting-2024" / f"grafiek-{name}.svg").read_bytes()) is not None


def test_pages_and_downloads_written_by_forked_workers_are_the_same(tmp_path, monkeypatch):
    """With many pages, pages are rendered and workbooks and images written in forked workers
    while the search index is built: the site is the same, byte for byte, as written by one process."""
    import hashlib

    import begroot.publish.site as site_writer
    import begroot.publish.workers as workers
    from begroot.cli import demo_project

    def digest(site: Path) -> dict[str, str]:
        return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(site.rglob("*")) if p.is_file()}

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("BEGROOT_CACHE_DIR", "off")  # the workers make everything themselves
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    marks = tmp_path / "workers"
    marks.mkdir()
    real_worker = workers._work_in_worker

    def worker(conn, parent):  # runs in the forked process: counts the pages it renders
        real, rendered = site_writer.SiteWriter.render_and_write, []

        def counting(self, spec, out):
            rendered.append(spec.path)
            return real(self, spec, out)

        site_writer.SiteWriter.render_and_write = counting
        try:
            real_worker(conn, parent)
        finally:
            (marks / str(os.getpid())).write_text(str(len(rendered)), encoding="utf-8")

    import begroot.publish.downloads as downloads

    real_xlsx = downloads.tables_xlsx
    made = tmp_path / "workbooks"
    made.mkdir()

    def counting_xlsx(tables, created=None):  # in whichever process makes the workbook
        with (made / str(os.getpid())).open("a", encoding="utf-8") as fh:
            fh.write("x")
        return real_xlsx(tables, created)

    monkeypatch.setattr(downloads, "tables_xlsx", counting_xlsx)

    monkeypatch.setattr(workers, "_work_in_worker", worker)
    build(demo_project(), tmp_path / "one")
    assert list(marks.iterdir()) == []
    workbooks = sum(1 for _ in (tmp_path / "one").rglob("tabellen.xlsx"))
    [alone] = list(made.iterdir())
    assert alone.name == str(os.getpid()) and len(alone.read_text(encoding="utf-8")) == workbooks
    alone.unlink()
    monkeypatch.setattr(workers, "PARALLEL_MIN_PAGES", 1)
    build(demo_project(), tmp_path / "forked")
    [mark] = list(marks.iterdir())
    # the parent first makes the pages that need Polars, so the worker takes pure pages meanwhile
    assert mark.name != str(os.getpid()) and int(mark.read_text(encoding="utf-8")) >= 1
    one, forked = digest(tmp_path / "one"), digest(tmp_path / "forked")
    assert sum(name.endswith((".svg", ".xlsx")) for name in forked) >= 50
    assert one == forked
    # the forked build made each page's workbook once, the two processes sharing them out
    by_process = {p.name: len(p.read_text(encoding="utf-8")) for p in made.iterdir()}
    assert sum(by_process.values()) == workbooks >= 20 and set(by_process) <= {str(os.getpid()), mark.name}


def test_the_lines_parquet_file_does_not_depend_on_how_the_frame_is_chunked(tmp_path):
    """Lines read from the export and lines from the build cache are chunked differently; the
    Parquet download must be the same bytes either way (a byte-identical site)."""
    from begroot.publish.downloads import _write_lines

    n = 1_200_000
    whole = pl.DataFrame({"programma": [str(i % 97) for i in range(n)], "bedrag": [f"{i}.{i % 100:02d}" for i in range(n)]})
    pieces = pl.concat([whole.slice(0, 100_000), whole.slice(100_000, 700_000), whole.slice(800_000, n)], rechunk=False)
    assert pieces.n_chunks() == 3
    for name, frame in (("a", whole), ("b", pieces)):
        (tmp_path / name).mkdir()
        _write_lines(frame, tmp_path / name)
    for file in ("financien.csv", "financien.parquet"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
    assert pl.read_parquet(tmp_path / "a" / "financien.parquet")["bedrag"].cast(pl.String).head(2).to_list() == ["0.00", "1.01"]
