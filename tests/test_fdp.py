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


def test_serve_reads_a_package_again_when_the_sites_currency_changes(tmp_path):
    """Under ``begroot serve`` (one LoadCache across rebuilds), a package in Australian dollars read
    while the site was in AUD is not kept once the site is set back to euros: the rebuild stops
    as a cold read does, instead of publishing the dollars as euros."""
    from begroot.project import LoadCache

    toml = TOML.replace("[[editions]]", '[site]\ncurrency = "AUD"\n\n[[editions]]', 1)
    root = project(tmp_path, package(measure_extra={"direction": "expenditure", "currency": "AUD"}), toml=toml)
    cache = LoadCache()
    assert load_project(root, cache=cache).problems.errors == []
    (root / "begroot.toml").write_text(TOML, encoding="utf-8")
    assert [p.code for p in load_project(root, cache=cache).problems.errors] == ["datapackage"]


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


@pytest.mark.parametrize("measures, header, periods", [
    # the phase of each measure says its column: a budget and its realisation of the same year
    ({"budget": {"source": "budget", "phase": "approved"}, "actual": {"source": "actual", "phase": "executed"}},
     "budget,actual", [(2024, "begroting"), (2024, "realisatie")]),
    # a year in the measure's name, not only at its start
    ({"amount_2024": {"source": "a2024"}, "amount_2025": {"source": "a2025"}}, "a2024,a2025",
     [(2024, "begroting"), (2025, "begroting")]),
    ({"FY2024": {"source": "FY2024"}, "FY2025": {"source": "FY2025"}}, "FY2024,FY2025",
     [(2024, "begroting"), (2025, "begroting")]),
])
def test_measures_of_other_phases_or_years_are_not_added_up_in_one_figure(tmp_path, measures, header, periods):
    """Two measures of one package used to be read as the edition's begroting both: a budget of
    300 and its realisation of 300 were published as a begroting of 600."""
    for m in measures.values():
        m["direction"] = "expenditure"
    csv = f"functional_classification,economic_classification,{header}\n1.1,x,100,90\n6.1,y,200,210\n"
    loaded = load_project(project(tmp_path, package(measures=measures), csv))
    assert loaded.problems.errors == []
    fig = loaded.figures["begroting-2024"]
    assert [fig.grand(p).lasten for p in periods] == [Decimal(300), Decimal(300)]


def test_a_single_measure_s_phase_and_year_are_read(tmp_path):
    dp = package(measures={"realised_2023": {"source": "amount", "direction": "expenditure", "phase": "executed"}})
    loaded = load_project(project(tmp_path, dp))
    lines = loaded.budget.editions[0].lines
    assert set(zip(lines["year"], lines["column"])) == {(2023, "realisatie")}
    assert loaded.figures["begroting-2024"].grand((2023, "realisatie")).lasten == TOTAL


def test_measures_that_do_not_say_how_they_differ_are_refused(tmp_path):
    csv = "functional_classification,economic_classification,p,m\n1.1,x,100,90\n"
    dp = package(measures={"personnel": {"source": "p", "direction": "expenditure"},
                           "material": {"source": "m", "direction": "expenditure"}})
    loaded = load_project(project(tmp_path, dp, csv))
    assert [p.format() for p in loaded.problems.errors] == [
        'error: begroting-2024/open/datapackage.json: measures "personnel" and "material" of datapackage.json do not '
        "say how they differ (the same year, phase and direction): read as they are, the two amounts of each row "
        "would be added up in one figure — hint: say in begroot.toml what each measure holds, e.g. "
        '[editions.finance.amounts] "m" = { year = 2024, column = "realisatie" }']


@pytest.mark.parametrize("factor, total", [(1000, TOTAL * 1000), (1000.0, TOTAL * 1000), ("1000", TOTAL * 1000)])
def test_a_measure_s_factor_is_the_unit(tmp_path, factor, total):
    """A factor written 1000.0 or "1000" was ignored: amounts in thousands were published as euros."""
    loaded = load_project(project(tmp_path, package(measure_extra={"direction": "expenditure", "factor": factor})))
    assert loaded.problems.errors == []
    assert loaded.figures["begroting-2024"].grand().lasten == total


@pytest.mark.parametrize("factors, message", [
    ((1000, 1), 'the measures of datapackage.json have different factors ("spent" 1000, "received" 1); begroot '
                "reads a file with one unit, so some amounts would be published a factor off"),
    ((0.001, 0.001), 'measure "spent" of datapackage.json has factor 0.001; begroot reads amounts in whole units '
                     "of euros (a factor of 1, 1000, 1000000)"),
])
def test_factors_begroot_cannot_apply_stop_the_read(tmp_path, factors, message):
    """Different factors per measure were all ignored: the measure in thousands was published as euros."""
    csv = "functional_classification,economic_classification,spent,received\n1.1,x,100,0\n0.61,y,0,40.5\n"
    dp = package(measures={"spent": {"source": "spent", "direction": "expenditure", "factor": factors[0]},
                           "received": {"source": "received", "direction": "revenue", "factor": factors[1]}})
    loaded = load_project(project(tmp_path, dp, csv))
    assert [p.format().split(" — hint")[0] for p in loaded.problems.errors] == [
        f"error: begroting-2024/open/datapackage.json: {message}"]


def test_a_field_s_decimal_char_is_honoured(tmp_path):
    """A package whose amount field says decimalChar "," was read with a decimal point: every
    amount was refused as "not a number"."""
    doc = json.loads(package(measure_extra={"direction": "expenditure"}))
    doc["resources"][0]["schema"] = {"fields": [{"name": "amount", "type": "number", "decimalChar": ",",
                                                 "groupChar": "."}]}
    csv = ('functional_classification,economic_classification,amount\n1.1,x,"1.000,50"\n6.1,y,"2.500"\n'
           '0.61,z,"300,25"\n')
    loaded = load_project(project(tmp_path, json.dumps(doc), csv))
    assert loaded.problems.errors == []
    assert loaded.figures["begroting-2024"].grand().lasten == TOTAL
