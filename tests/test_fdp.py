"""Fiscal Data Packages as finance input: the package's direction is honoured, a classification
that is not Iv3 is not taken for Iv3, and messages name the field of the package."""

import json
import re
from decimal import Decimal

import pytest

from begroot.project import load_project

from .conftest import BASE_TOML, write_project

TOML = BASE_TOML + """
[[editions.finance]]
datapackage = "open/datapackage.json"
"""

# Iv3 taakvelden, and a national economic classification of the publisher's own (not Iv3).
BUDGET_CSV = """functional_classification,economic_classification,amount
1.1,GFS-2111,1000.50
6.1,GFS-2211,2500
0.61,GFS-282,300.25
"""
TOTAL = Decimal("3800.75")


def package(measure_extra=None, resource_extra=None, package_extra=None, measures=None) -> str:
    doc = {
        "name": "voorbeeld-2024",
        "resources": [{"name": "budget", "path": "budget.csv", **(resource_extra or {})}],
        "model": {
            "measures": measures or {"amount": {"source": "amount", "currency": "EUR", **(measure_extra or {})}},
            "dimensions": {
                "functional_classification": {
                    "dimensionType": "classification", "classificationType": "functional",
                    "primaryKey": "code", "attributes": {"code": {"source": "functional_classification"}}},
                "economic_classification": {
                    "dimensionType": "classification", "classificationType": "economic",
                    "primaryKey": "code", "attributes": {"code": {"source": "economic_classification"}}},
            },
        },
        **(package_extra or {}),
    }
    return json.dumps(doc)


def project(tmp_path, datapackage: str, csv: str = BUDGET_CSV, toml: str = TOML):
    return write_project(tmp_path / "p", toml=toml, files={
        "begroting-2024/open/datapackage.json": datapackage, "begroting-2024/open/budget.csv": csv})


NOT_IV3 = (
    'warning: begroting-2024/open/datapackage.json: field "economic_classification" of datapackage.json resource '
    '"budget" (dimension "economic_classification") is not an Iv3 classification: most of its values, such as '
    '"GFS-2111", "GFS-2211", "GFS-282", are not Iv3 categorie codes; it is not used as Iv3 categorieën — hint: if it '
    'is Iv3 after all, name it in begroot.toml: [editions.finance.columns] categorie = "economic_classification"')


@pytest.mark.parametrize("where", ["measure", "resource", "package"])
def test_direction_expenditure_makes_lasten_and_a_foreign_classification_is_not_taken_for_iv3(tmp_path, where):
    extra = {"direction": "expenditure"}
    dp = package(**{f"{where}_extra": extra})
    loaded = load_project(project(tmp_path, dp))
    assert [p.format() for p in loaded.problems] == [NOT_IV3]
    fig = loaded.figures["begroting-2024"]
    assert (fig.grand().lasten, fig.grand().baten) == (TOTAL, Decimal(0))
    assert fig.of("1").lasten == Decimal("1000.50") and fig.of("AD").lasten == Decimal("300.25")
    assert loaded.budget.editions[0].lines["categorie"].null_count() == 3


def test_direction_revenue_makes_baten_and_the_measure_wins_over_the_package(tmp_path):
    dp = package(measure_extra={"direction": "revenue"}, package_extra={"direction": "expenditure"})
    loaded = load_project(project(tmp_path, dp))
    assert loaded.problems.errors == []
    fig = loaded.figures["begroting-2024"]
    assert (fig.grand().lasten, fig.grand().baten) == (Decimal(0), TOTAL)


def test_two_measures_of_opposite_direction(tmp_path):
    csv = "functional_classification,economic_classification,spent,received\n1.1,x,100,0\n0.61,y,0,40.5\n"
    dp = package(measures={"spent": {"source": "spent", "direction": "expenditure"},
                           "received": {"source": "received", "direction": "revenue"}})
    loaded = load_project(project(tmp_path, dp, csv))
    assert loaded.problems.errors == []
    fig = loaded.figures["begroting-2024"]
    assert (fig.grand().lasten, fig.grand().baten) == (Decimal(100), Decimal("40.5"))


def test_a_direction_that_is_not_expenditure_or_revenue_names_the_field(tmp_path):
    loaded = load_project(project(tmp_path, package(measure_extra={"direction": "spending"})))
    assert [p.format() for p in loaded.problems.errors] == [
        'error: begroting-2024/open/datapackage.json: field "direction" of datapackage.json measure "amount" is '
        '"spending"; the Fiscal Data Package allows "expenditure" (lasten) or "revenue" (baten) — hint: point '
        "datapackage at a Fiscal Data Package with a resource and a mapping"]


def test_an_iv3_economic_classification_is_used_and_its_errors_name_the_package(tmp_path):
    csv = ("functional_classification,economic_classification,amount\n"
           "1.1,3.8,1000.50\n6.1,4.3.8,2500\n9.99,3.8,300.25\n")  # 6.1 × 4.3.8: no grey cell
    loaded = load_project(project(tmp_path, package(measure_extra={"direction": "expenditure"}), csv))
    assert [p.format() for p in loaded.problems] == [
        'error: begroting-2024/open/budget.csv, row 4, column "functional_classification, field of '
        'datapackage.json": taakveld 9.99 does not exist in the Iv3 list of 2024 — hint: use a taakveld of the Iv3 '
        "2024 list (see /taakvelden/ or the CBS Iv3 definitions)"]
    assert loaded.budget is not None


def test_begroot_toml_overrides_the_package(tmp_path):
    # constants.kind wins over the package's direction; a column named in begroot.toml is used as it is
    toml = TOML + '[editions.finance.constants]\nkind = "baten"\n'
    loaded = load_project(project(tmp_path, package(measure_extra={"direction": "expenditure"}), toml=toml))
    assert [p.code for p in loaded.problems] == ["datapackage-not-iv3"]
    assert loaded.figures["begroting-2024"].grand().baten == TOTAL
    toml = TOML + '[editions.finance.columns]\ncategorie = "economic_classification"\n'
    loaded = load_project(project(tmp_path, package(measure_extra={"direction": "expenditure"}), toml=toml))
    assert {p.code for p in loaded.problems} == {"bad-categorie-format"}  # taken as Iv3, as the user said


def test_a_measure_in_another_currency_stops_the_read(tmp_path):
    """Amounts in Australian dollars are not published as euros (the package's own currency)."""
    loaded = load_project(project(tmp_path, package(measure_extra={"direction": "expenditure", "currency": "AUD"})))
    assert [p.format() for p in loaded.problems.errors] == [
        'error: begroting-2024/open/datapackage.json: measure "amount" of datapackage.json is in AUD, the site shows '
        'amounts in EUR; begroot converts no currency — hint: set currency = "AUD" under [site] in begroot.toml to '
        "publish the site in AUD, or convert the amounts to EUR"]
    euros = load_project(project(tmp_path / "eur", package(measure_extra={"direction": "expenditure",
                                                                          "currency": "eur"})))
    assert euros.problems.errors == []


def test_a_measure_named_as_a_fiscal_year_says_which_year_it_is_read_as(tmp_path):
    csv = "functional_classification,economic_classification,2024-25,2025-26\n1.1,x,100,110\n"
    dp = package(measures={"2024-25": {"source": "2024-25", "direction": "expenditure"},
                           "2025-26": {"source": "2025-26", "direction": "expenditure"}})
    loaded = load_project(project(tmp_path, dp, csv))
    fiscal = [p for p in loaded.problems if p.code == "datapackage-fiscal-year"]
    assert [p.format() for p in fiscal] == [
        f'warning: begroting-2024/open/datapackage.json: measure "{name}" of datapackage.json resource "budget" is '
        f"a year from {start} into {start + 1}; its amounts are read as year {start} — hint: if they belong to "
        f'{start + 1}, say so in begroot.toml: [editions.finance.amounts] "{name}" = {{ year = {start + 1} }}'
        for name, start in (("2024-25", 2024), ("2025-26", 2025))]
    assert loaded.problems.errors == []


def test_a_site_in_another_currency_shows_and_publishes_that_currency(tmp_path):
    """``[site] currency = "AUD"``: a package in Australian dollars is read, and the site names its
    amounts so everywhere (symbol, unit, the words of the captions, the open data), never euros."""
    import json as _json

    from begroot.build import build

    toml = TOML.replace("[[editions]]", '[site]\ncurrency = "AUD"\npdf = false\n\n[[editions]]', 1)
    root = project(tmp_path, package(measure_extra={"direction": "expenditure", "currency": "AUD"}), toml=toml)
    build(root, tmp_path / "site")
    pages = {p: p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html")}
    assert not [p for p, html in pages.items() if re.search(r"€|\beuro('s|s)?\b", html, re.I)]
    overview = pages[tmp_path / "site" / "begroting-2024" / "index.html"]
    assert "x AU$ 1.000" in overview
    downloads = tmp_path / "site" / "begroting-2024" / "downloads"
    package_out = _json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    assert package_out["mapping"]["measures"]["bedrag"]["currency"] == "AUD"
    assert _json.loads((downloads / "begroting.json").read_text(encoding="utf-8"))["eenheid"] == "AUD"


def test_a_constant_in_begroot_toml_wins_over_the_package_s_column(tmp_path):
    """constants.programme holds for every row, also where the package maps a programme column."""
    doc = json.loads(package(measure_extra={"direction": "expenditure"}))
    doc["model"]["dimensions"]["activity"] = {"dimensionType": "activity", "primaryKey": "code",
                                              "attributes": {"code": {"source": "program"}}}
    csv = "functional_classification,economic_classification,program,amount\n1.1,x,Onbekend,100\n6.1,y,Ook niet,50\n"
    toml = TOML + '[editions.finance.constants]\nprogramme = "AD"\n'
    loaded = load_project(project(tmp_path, json.dumps(doc), csv, toml=toml))
    assert loaded.problems.errors == []
    assert loaded.figures["begroting-2024"].of("AD").lasten == Decimal(150)
