"""Open data: every download parses back to the figures on the pages, exactly; the Fiscal Data
Package validates; exporting and reading the export back as input gives the same totals."""

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from bs4 import BeautifulSoup

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

    from openpyxl import load_workbook

    book = load_workbook(folder / "begroting.xlsx", read_only=True)
    assert book.sheetnames == ["Regels", "Programma's", "Taakvelden"]
    sheet = list(book["Programma's"].iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    row3 = next(row for row in (dict(zip(header, r)) for r in body) if row["code"] == "3" and row["jaar"] == 2024)
    assert round(Decimal(str(row3["lasten"])) * 100) == 80298000000


def test_page_figures_download_matches_the_page(demo):
    site, fig, _ = demo
    page = site / "begroting-2024" / "programma" / "3-vitaal-en-sociaal"
    soup = BeautifulSoup((page / "index.html").read_text(encoding="utf-8"), "html5lib")
    table = next(t for t in soup.find_all("table") if "Lasten, baten en saldo" in t.find("caption").get_text())
    # lasten, baten, saldo (x € 1.000), each for begroting 2023 and begroting 2024
    shown = [td.get_text() for td in table.find("tbody").find_all("td")]
    rows = json.loads((page / "cijfers.json").read_text(encoding="utf-8"))
    assert [(r["jaar"], r["kolom"]) for r in rows] == [(2023, "begroting"), (2024, "begroting")]
    as_shown = [f"{round(Decimal(r[k]) / 1000):,}".replace(",", ".") for k in ("lasten", "baten", "saldo") for r in rows]
    assert shown == as_shown
    assert shown[1::2] == ["802.980", "246.805", "-556.175"]  # 2024
    with (page / "cijfers.csv").open(encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == [{k: str(v) for k, v in r.items()} for r in rows]
    links = [a["href"] for a in soup.find_all("a") if a.get("href", "").startswith("cijfers.")]
    assert links == ["cijfers.csv", "cijfers.json"]
    edition = json.loads((site / "begroting-2024" / "cijfers.json").read_text(encoding="utf-8"))
    assert {r["code"]: r["lasten"] for r in edition}["OH"] == "146266000.00"


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


def test_a_foreign_fiscal_data_package_with_several_measures(shared_data, tmp_path):
    package = shared_data / "fdp" / "au-budget"
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
    for kind in ("lasten", "baten"):
        assert ElementTree.fromstring((site / "begroting-2024" / f"grafiek-{kind}.svg").read_bytes()) is not None
