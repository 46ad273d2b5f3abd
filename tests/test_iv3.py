"""Iv3 in and out: a CBS Iv3 delivery (JSON) read as an edition's finance source, the forbidden
cells (grijze cellen) reported by check, and ``begroot iv3`` writing the delivery."""

import json
from decimal import Decimal

import pytest

from begroot.project import load_project

from .conftest import BASE_TOML, write_project

IV3_TOML = BASE_TOML + """
[[editions.finance]]
file = "iv3.json"
format = "iv3"
"""


def delivery(lasten=None, baten=None, **meta) -> str:
    metadata = {"overheidslaag": "Gemeente", "overheidsnummer": "0999", "overheidsnaam": "Voorbeeld",
                "boekjaar": 2024, "periode": 0, "status": "Begroting", "datum": "2024-11-15T12:00:00Z",
                "details_openbaar": False, "financieel_pakket": "x", "export_software": "y", **meta}
    data = {"lasten": lasten if lasten is not None else [
                {"taakveld": "1.1", "categorie": "3.8", "bedrag": 1000.5},
                {"taakveld": "6.1", "categorie": "3.8", "bedrag": 2.25}],
            "baten": baten if baten is not None else [
                {"taakveld": "0.61", "categorie": "2.2.1", "bedrag": 1002.75}],
            "balans_lasten": [], "balans_baten": [], "balans_standen": []}
    return json.dumps({"metadata": metadata, "contact": {"naam": "A", "email": "a@b.nl", "telefoon": "1"},
                       "data": data})


def iv3_project(tmp_path, text: str, toml: str = IV3_TOML):
    return write_project(tmp_path / "p", toml=toml, files={"begroting-2024/iv3.json": text})


def test_an_iv3_delivery_is_read_exactly_in_thousands(tmp_path):
    loaded = load_project(iv3_project(tmp_path, delivery()))
    assert [p.format() for p in loaded.problems] == []
    fig = loaded.figures["begroting-2024"]
    assert (fig.grand().lasten, fig.grand().baten) == (Decimal("1002750.00"), Decimal("1002750.00"))
    lines = loaded.budget.editions[0].lines
    assert lines.select("taakveld", "categorie", "kind", "year", "column", "cents", "row").rows() == [
        ("1.1", "3.8", "lasten", 2024, "begroting", 100_050_000, 1),
        ("6.1", "3.8", "lasten", 2024, "begroting", 225_000, 2),
        ("0.61", "2.2.1", "baten", 2024, "begroting", 100_275_000, 3)]


def test_a_realisation_and_a_unit_set_in_the_toml(tmp_path):
    toml = IV3_TOML + "unit = 1\n"
    loaded = load_project(iv3_project(tmp_path, delivery(status="Realisatie", periode=5, boekjaar=2023), toml))
    lines = loaded.budget.editions[0].lines
    assert set(lines["column"]) == {"realisatie"} and set(lines["year"]) == {2023}
    assert lines["cents"].to_list() == [100_050, 225, 100_275]


@pytest.mark.parametrize("text, expected", [
    ("{", "begroting-2024/iv3.json: not valid JSON: Expecting property name enclosed in double quotes at line 1, "
          "column 2"),
    ("[]", "begroting-2024/iv3.json: at $: not an Iv3 delivery (the file is not a JSON object)"),
    (json.dumps({"data": {}}), "begroting-2024/iv3.json: at metadata: the delivery has no metadata object"),
    (delivery(boekjaar="twintig"), 'begroting-2024/iv3.json: at metadata.boekjaar: boekjaar is "twintig", '
                                   'not a year'),
    (delivery(status="Prognose"), 'begroting-2024/iv3.json: at metadata.status: status is "Prognose"; CBS '
                                  'allows "Begroting" or "Realisatie"'),
    # a begroting of periode 5 was published as begroting, a realisation of periode 0 as realisatie, unsaid
    (delivery(periode=5), 'begroting-2024/iv3.json: at metadata.periode: status is "Begroting" and periode 5: '
                          "CBS's begroting is periode 0, a realisation periode 1-5, so it is unclear which column "
                          "the amounts are"),
    (delivery(status="Realisatie"), 'begroting-2024/iv3.json: at metadata.periode: status is "Realisatie" and '
                                    "periode 0: CBS's begroting is periode 0, a realisation periode 1-5, so it is "
                                    "unclear which column the amounts are"),
    (delivery(baten=[{"taakveld": "0.61", "categorie": "2.2.1", "bedrag": "12"}]),
     'begroting-2024/iv3.json: at data.baten[0].bedrag: bedrag is "12"; a number is expected'),
    (delivery(lasten=[{"taakveld": "0.1", "bedrag": 1}]),
     'begroting-2024/iv3.json: at data.lasten[0].categorie: categorie is missing; a code such as "1.1" is '
     'expected'),
    (delivery(lasten=[{"taakveld": "0.1", "categorie": "1.1", "bedrag": 0.000001}]),
     "begroting-2024/iv3.json: at data.lasten[0].bedrag: bedrag 0.000001 is more precise than one cent or too "
     "large at 1000 euro per unit"),
    (delivery(lasten=[], baten=[]), "begroting-2024/iv3.json: the delivery has no amounts in lasten or baten"),
])
def test_bad_input_names_the_file_and_the_json_path(tmp_path, text, expected):
    loaded = load_project(iv3_project(tmp_path, text))
    messages = [p.format().split(" — hint")[0] for p in loaded.problems.errors]
    assert messages == [f"error: {expected}"]


def test_a_quarter_is_read_as_realisation_with_a_warning(tmp_path):
    loaded = load_project(iv3_project(tmp_path, delivery(status="Realisatie", periode=2)))
    # (and the begroting edition it is read into has no begroting: its pages show the realisatie)
    assert [p.code for p in loaded.problems] == ["iv3-input", "main-period-missing"]
    assert "quarter 2 of 2024" in loaded.problems.warnings[0].message
    assert set(loaded.budget.editions[0].lines["column"]) == {"realisatie"}


CATEGORIE_TOML = BASE_TOML + """
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
categorie = "Categorie"
kind = "Soort"
amount = "Bedrag"
"""


def test_check_warns_for_an_amount_in_a_grey_cell_with_file_and_row(tmp_path):
    # 1.2 Openbare orde × 4.1.1 Sociale uitkeringen in geld is a grijze cel for lasten in 2024; 1.1 × 3.8 is not.
    finance = "Taakveld;Categorie;Soort;Bedrag\n1.1;3.8;Lasten;100\n1.2;4.1.1;Lasten;5\n0.61;2.2.1;Baten;105\n"
    loaded = load_project(write_project(tmp_path / "p", toml=CATEGORIE_TOML, finance=finance))
    assert [p.format() for p in loaded.problems] == [
        'warning: begroting-2024/financien.csv, row 3, column "Categorie": lasten on taakveld 1.2 with categorie '
        "4.1.1: a grey cell of Iv3 2024, in which CBS accepts no amount — hint: book it on a categorie CBS allows "
        "for this taakveld (begroot iv3 lists the cells)"]


@pytest.mark.shared("cbs-iv3-definities", "it checks that the grey cells begroot ships are CBS's, made by "
                    "tools/make_iv3_rules.py from these files")
def test_shipped_rules_are_cbss_and_up_to_date():
    import runpy
    from pathlib import Path

    from begroot.reference.iv3rules import grey_cells

    from .conftest import SHARED_DATA

    source = SHARED_DATA / "cbs-iv3-definities"
    root = Path(__file__).resolve().parents[1]
    tool = runpy.run_path(str(root / "tools" / "make_iv3_rules.py"))
    assert tool["main"](["--source", str(source), "--out", str(root / "src/begroot/reference/data"), "--check"]) == 0
    for year in range(2017, 2027):
        definitions = json.loads((source / f"iv3_definities_Gemeente_{year}.json").read_text(encoding="utf-8"))
        for kind in ("lasten", "baten"):
            cbs = {(c["taakveld"], c["categorie"]) for c in definitions["grijze_cellen"][kind]}
            assert grey_cells(year, kind) == cbs, (year, kind)


# --- begroot iv3: the delivery of an edition, and the round trip ------------------------------

CITY_PROGRAMMES = """code;naam;hoofdprogramma;taakvelden;soort
0;Bestuur;;0.1-0.3 0.8-0.11;programma
1;Veiligheid;;1.*;programma
2;Verkeer;;2.*;programma
3;Economie;;3.*;programma
4;Onderwijs;;4.*;programma
5;Sport en cultuur;;5.*;programma
6;Sociaal domein;;6.*;programma
7;Volksgezondheid;;7.*;programma
8;Wonen;;8.*;programma
AD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7;overzicht
OH;Overhead;;0.4;overzicht
"""


def city_finance(year: int = 2024, seed: int = 19) -> tuple[str, dict[tuple[str, str, str], int]]:
    """A generated city's ledger: every taakveld of the year with up to three categorieën per kind
    that CBS allows there, several rows per cell, amounts with cents (some negative); and the
    cents expected per (kind, taakveld, categorie)."""
    import random

    from begroot.reference import categorieen, taakvelden
    from begroot.reference.iv3rules import grey_cells

    rng = random.Random(seed)
    rows, expected = ["Taakveld;Categorie;Soort;Bedrag"], {}
    for tv in (c for c, v in taakvelden(year).items() if v.leaf):
        for kind in ("lasten", "baten"):
            allowed = [c for c, v in categorieen(year, kind).items()
                       if v.leaf and c[0].isdigit() and (tv, c) not in grey_cells(year, kind)]
            for cat in rng.sample(allowed, min(3, len(allowed))):
                for _ in range(rng.randint(1, 3)):
                    cents = rng.randint(-50_000, 5_000_000_00)
                    expected[(kind, tv, cat)] = expected.get((kind, tv, cat), 0) + cents
                    euros = f"{'-' if cents < 0 else ''}{abs(cents) // 100},{abs(cents) % 100:02d}"
                    rows.append(f"{tv};{cat};{kind.capitalize()};{euros}")
    return "\n".join(rows) + "\n", expected


def run_iv3(root, *args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "begroot", "iv3", str(root), "--edition", "begroting-2024",
                           "--email", "begroting@voorbeeld.nl", "--phone", "14 050", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.shared("cbs-iv3-definities/iv3_data_schema_v2_1_1.json",
                    "the delivery begroot writes is validated against CBS's own JSON schema")
def test_round_trip_city_begroting_to_iv3_and_back(tmp_path):
    import jsonschema

    from .conftest import SHARED_DATA

    finance, expected = city_finance()
    city = write_project(tmp_path / "city", toml=CATEGORIE_TOML, finance=finance, programmes=CITY_PROGRAMMES)
    out = tmp_path / "levering.json"
    result = run_iv3(city, "--out", str(out))
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((SHARED_DATA / "cbs-iv3-definities/iv3_data_schema_v2_1_1.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["metadata"]["boekjaar"] == 2024 and document["metadata"]["periode"] == 0
    assert document["metadata"]["overheidsnummer"] == "0999"

    # Read back as an edition of its own: the same amount in every taakveld × categorie cell.
    back = write_project(tmp_path / "back", toml=IV3_TOML, programmes=CITY_PROGRAMMES,
                         files={"begroting-2024/iv3.json": out.read_text(encoding="utf-8")})
    loaded = load_project(back)
    assert loaded.problems.errors == []
    lines = loaded.budget.editions[0].lines
    cells = {}
    for kind, tv, cat, cents in lines.select("kind", "taakveld", "categorie", "cents").iter_rows():
        cells[(kind, tv, cat)] = cells.get((kind, tv, cat), 0) + cents
    assert cells == {k: v for k, v in expected.items() if v != 0}
    assert len(cells) > 300


def test_an_amount_in_a_grey_cell_gets_cbss_code_and_the_rows_behind_it(tmp_path):
    finance = ("Taakveld;Categorie;Soort;Bedrag\n1.1;3.8;Lasten;100\n1.2;4.1.1;Lasten;5\n"
               "0.61;2.2.1;Baten;112\n1.2;4.1.1;Lasten;7\n")
    root = write_project(tmp_path / "p", toml=CATEGORIE_TOML, finance=finance)
    out = tmp_path / "levering.json"
    result = run_iv3(root, "--out", str(out))
    assert result.returncode == 1 and not out.exists()
    assert ("error: begroting-2024/financien.csv, row 3: CBS DF002: Binnen het onderdeel lasten is de code 4.1.1 "
            "niet toegestaan als categorie. Grijze cel: bij taakveld 1.2 is categorie 4.1.1 niet toegestaan. "
            "(lasten 1.2 × 4.1.1: € 12, from begroting-2024/financien.csv rows 3, 5)") in result.stderr
    assert "Not written: CBS would refuse the delivery (1 error, 0 warnings)." in result.stderr


def test_unbalanced_totals_and_onverdeeld_get_cbss_warnings_and_the_file_is_written(tmp_path):
    from begroot.publish.iv3 import amount

    finance = "Taakveld;Categorie;Soort;Bedrag\n1.1;4.3.9;Lasten;100,01\n0.61;2.2.1;Baten;100\n"
    toml = CATEGORIE_TOML.replace('year = 2024', 'year = 2024\nkind = "jaarstukken"')
    root = write_project(tmp_path / "p", toml=toml, finance=finance)
    out = tmp_path / "levering.json"
    result = run_iv3(root, "--out", str(out))
    assert result.returncode == 0, result.stderr
    import re

    assert [re.search(r"CBS (\w+):", line).group(1) for line in result.stderr.splitlines()
            if line.startswith("warning")] == ["PF006", "PF009"]  # as the printer sorts them
    assert "Het gevonden verschil is € 0,01" in result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["metadata"]["status"], document["metadata"]["periode"]) == ("Realisatie", 5)
    assert document["data"]["lasten"] == [{"taakveld": "1.1", "categorie": "4.3.9", "bedrag": 0.10001}]
    assert str(amount(-1234567)) == "-12.34567" and str(amount(100_000)) == "1"
