"""Provinces and gemeenschappelijke regelingen: their budgets are checked against, and named from,
their own Iv3 lists (``[organisation] kind``), never a municipality's; a waterschap, for which CBS
has no Iv3 lists, is told that the Iv3 checks do not apply; ``cbs_code`` is written as CBS writes it."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from begroot import reference
from begroot.errors import Problems
from begroot.project import load_project
from begroot.reference import crosswalk, iv3rules

from .conftest import SHARED_DATA, write_project

TOML = """\
[organisation]
name = "{name}"
kind = "{kind}"
email = "a@example.nl"
{extra}
[site]
pdf = false

[[editions]]
id = "begroting-2024"
year = {year}
exported_at = 2023-10-01T12:00:00
{edition_extra}
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
amount = "Bedrag"
"""

PROVINCE_PROGRAMMES = """code;naam;hoofdprogramma;taakvelden;soort
1;Bestuur;;1.*;programma
2;Mobiliteit;;2.*;programma
3;Natuur en water;;3.* 4.* 5.*;programma
4;Economie en ruimte;;6.* 7.* 8.*;programma
AD;Algemene dekkingsmiddelen;;0.*;overzicht
"""

PROVINCE_FINANCE = """Taakveld;Soort;Bedrag
0.1 Uitkering provinciefonds;Baten;250000
0.6 Overhead;Lasten;45000
1.1 Provinciale Staten;Lasten;5000
2.1 Landwegen;Lasten;80000
3.5;Lasten;100
5.1 Natuurontwikkeling;Lasten;40000
"""


def project(root: Path, kind: str, finance: str, *, year: int = 2024, extra: str = "", edition_extra: str = "",
            programmes: str = PROVINCE_PROGRAMMES, files: dict | None = None) -> Path:
    toml = TOML.format(name=f"Test {kind}", kind=kind, extra=extra, year=year, edition_extra=edition_extra)
    return write_project(root, toml=toml, finance=finance, programmes=programmes, files=files)


def problems_of(root: Path) -> list:
    return list(load_project(root).problems)


def run(*args) -> subprocess.CompletedProcess:
    env = dict(os.environ, BEGROOT_CACHE_DIR="off", SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "begroot", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)


# --- the shipped lists ---------------------------------------------------------------------------

def test_each_kind_has_its_own_lists():
    assert reference.taakvelden(2024, "provincie")["0.1"].name == "Uitkering provinciefonds"
    assert reference.taakvelden(2024, "gemeente")["0.1"].name == "Bestuur"
    assert reference.main_group_name(2024, "3", level="provincie") == "WATER"
    assert reference.shipped_years("provincie")[0] == 2018 and reference.shipped_years("gemeente")[0] == 2017
    assert reference.reference_year(2017, "gemeenschappelijke regeling") == 2018
    # CBS's GR list of 2020 writes 6.6 without brackets, its gemeente list with them
    assert reference.taakvelden(2020, "gemeenschappelijke regeling")["6.6"].name == "Maatwerkvoorziening WMO"
    assert reference.taakvelden(2020, "gemeente")["6.6"].name == "Maatwerkvoorziening (WMO)"
    assert "0.61" not in reference.taakvelden(2024, "provincie")
    assert iv3rules.grey_cells(2024, "lasten", "provincie") != iv3rules.grey_cells(2024, "lasten", "gemeente")
    with pytest.raises(reference.NoIv3Lists, match="waterschap"):
        reference.taakvelden(2024, "waterschap")


def test_province_crosswalk_is_the_provinces():
    """2023 changed only the name of a province's 8.1; the municipalities' social domain split
    (6.71 into 6.71a-d, youth care) is no part of a province's crosswalk."""
    changed = [g for g in crosswalk.crosswalk(2022, 2023, "provincie") if g.changed]
    assert [(g.old, g.new) for g in changed] == [(("8.1",), ("8.1",))]
    assert "Ruimte en leefomgeving" in changed[0].reason["nl"]
    assert any("6.71" in g.old for g in crosswalk.crosswalk(2022, 2023) if g.changed)


# --- a province's project -----------------------------------------------------------------------

def test_province_project_builds_with_province_names(tmp_path):
    root = project(tmp_path / "p", "provincie", PROVINCE_FINANCE)
    res = run("build", root, "--out", tmp_path / "site")
    assert res.returncode == 0, res.stderr
    assert "0 errors, 0 warnings" in res.stdout + res.stderr
    with open(tmp_path / "site/begroting-2024/downloads/financien.csv", encoding="utf-8") as handle:
        names = {r["taakveld"]: r["taakveld_naam"] for r in csv.DictReader(handle)}
    assert names["0.1"] == "Uitkering provinciefonds"
    assert names["1.1"] == "Provinciale Staten"
    assert names["2.1"] == "Landwegen"
    assert names["3.5"] == "Kwaliteit grondwater"
    page = (tmp_path / "site/begroting-2024/programma/2-mobiliteit/index.html").read_text(encoding="utf-8")
    assert "Landwegen" in page and "Verkeer en vervoer" not in page.split("<main", 1)[1].split("Mobiliteit", 1)[0]
    overview = (tmp_path / "site/begroting-2024/taakvelden/index.html").read_text(encoding="utf-8")
    assert "Algemene dekkingsmiddelen" in overview and "Water" in overview
    assert "Bestuur en ondersteuning" not in overview


def test_province_only_code_passes_and_gemeente_only_code_is_refused(tmp_path):
    root = project(tmp_path / "p", "provincie", PROVINCE_FINANCE + "0.61 Treasury;Lasten;10\n")
    found = problems_of(root)
    unknown = [p for p in found if p.code == "unknown-taakveld"]
    assert [p.row for p in unknown] == [8], [p.format() for p in found]
    text = unknown[0].format()
    assert "taakveld 0.61 does not exist in the Iv3 list of 2024 for a provincie" in text
    assert "lists of a gemeente and a gemeenschappelijke regeling: check kind under [organisation]" in text
    assert not [p for p in found if p.severity == "error" and p.code != "unknown-taakveld"]


def test_gemeenschappelijke_regeling_uses_its_lists(tmp_path):
    """A GR has the taakvelden of municipalities: 0.61 passes, a province's 3.5 is refused, and
    the names are those of CBS's GR list."""
    finance = "Taakveld;Soort;Bedrag\n0.61;Baten;100\n6.6;Lasten;60\n3.5;Lasten;40\n"
    programmes = "code;naam;hoofdprogramma;taakvelden;soort\n1;Alles;;0.* 3.* 6.*;programma\n"
    root = project(tmp_path / "gr", "gemeenschappelijke regeling", finance, year=2020, programmes=programmes)
    found = problems_of(root)
    errors = [p for p in found if p.severity == "error"]
    assert [(p.code, p.row) for p in errors] == [("unknown-taakveld", 4)], [p.format() for p in found]
    assert "for a gemeenschappelijke regeling" in errors[0].format()
    assert "lists of a provincie" in errors[0].format()
    from begroot.publish.downloads import lines_table

    budget = load_project(root.parent / "gr").budget
    names = dict(lines_table(budget.editions[0], "gemeenschappelijke regeling").select(
        "taakveld", "taakveld_naam").iter_rows())
    assert names["6.6"] == "Maatwerkvoorziening WMO"


def test_waterschap_is_told_the_iv3_checks_do_not_apply(tmp_path):
    finance = "Taakveld;Soort;Bedrag\n0.1;Lasten;100\n9.9;Lasten;40\n"
    programmes = "code;naam;hoofdprogramma;taakvelden;soort\n1;Alles;;0.* 9.*;programma\n"
    root = project(tmp_path / "ws", "waterschap", finance, programmes=programmes)
    found = problems_of(root)
    assert [p.code for p in found] == ["no-iv3-lists"], [p.format() for p in found]
    assert "CBS publishes no Iv3 lists for a waterschap" in found[0].format()
    from begroot.publish.iv3 import Iv3Refused, delivery

    budget = load_project(root).budget
    with pytest.raises(Iv3Refused, match="no Iv3 lists for a waterschap"):
        delivery(budget, "begroting-2024", None, {}, Problems())


def test_begroot_iv3_of_a_province_is_a_province_delivery(tmp_path):
    """The categorieën are a province's too: 4.1.1 (a municipality's) is refused, 4.3.1 passes."""
    finance = "Taakveld;Categorie;Soort;Bedrag\n2.1;3.8;Lasten;1000\n0.1;4.1.1;Baten;1000\n"
    root = project(tmp_path / "p", "provincie", finance, extra='cbs_code = "PV21"')
    toml = root / "begroot.toml"
    toml.write_text(toml.read_text().replace('kind = "Soort"', 'kind = "Soort"\ncategorie = "Categorie"'))
    res = run("iv3", root, "-e", "begroting-2024", "-o", tmp_path / "d.json")
    assert res.returncode == 1
    assert "categorie 4.1.1 is not an Iv3 baten categorie of 2024 for a provincie" in res.stderr
    finance_file = root / "begroting-2024" / "financien.csv"
    finance_file.write_text(finance_file.read_text().replace("4.1.1", "4.3.1"))
    res = run("iv3", root, "-e", "begroting-2024", "-o", tmp_path / "d.json")
    assert res.returncode == 0, res.stderr
    document = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert document["metadata"]["overheidslaag"] == "Provincie"
    assert document["data"]["lasten"] == [{"taakveld": "2.1", "categorie": "3.8", "bedrag": 1}]


def test_iv3_delivery_of_another_layer_is_refused(tmp_path):
    delivery = {"metadata": {"overheidslaag": "Gemeente", "overheidsnummer": "0014", "overheidsnaam": "G",
                             "boekjaar": 2024, "periode": 0, "status": "Begroting"},
                "contact": {}, "data": {"lasten": [{"taakveld": "0.1", "categorie": "3.8", "bedrag": 1}],
                                        "baten": []}}
    toml = TOML.format(name="P", kind="provincie", extra="", year=2024, edition_extra="").split("[[editions.finance]]")[0]
    root = write_project(tmp_path / "p", toml=toml + '[[editions.finance]]\nfile = "iv3.json"\nformat = "iv3"\n',
                         programmes=PROVINCE_PROGRAMMES,
                         files={"begroting-2024/iv3.json": json.dumps(delivery)})
    errors = [p for p in problems_of(root) if p.code == "iv3-layer"]
    assert len(errors) == 1 and "kind = 'provincie' (overheidslaag Provincie)" in errors[0].format()


def test_peers_file_is_refused_for_a_province(tmp_path):
    root = project(tmp_path / "p", "provincie", PROVINCE_FINANCE, edition_extra='peers = "peers.csv"')
    found = [p for p in problems_of(root) if p.code == "peers-not-gemeente"]
    assert len(found) == 1 and "kind = 'provincie'" in found[0].format()


# --- cbs_code --------------------------------------------------------------------------------------

def test_cbs_code_as_cbs_writes_it(tmp_path):
    root = project(tmp_path / "ok", "provincie", PROVINCE_FINANCE, extra='cbs_code = "PV21"')
    assert not [p for p in problems_of(root) if p.code == "config-invalid"]
    root = project(tmp_path / "bad", "provincie", PROVINCE_FINANCE, extra='cbs_code = "GM0014"')
    res = run("check", root)
    assert res.returncode != 0
    assert "should match pattern" not in res.stderr
    assert ("begroot.toml: organisation: cbs_code 'GM0014' is not a CBS code of a provincie: CBS writes it as "
            "'PV' and 2 digits, e.g. 'PV21'; GM0014 is how CBS writes the code of a gemeente: check kind") in res.stderr


# --- the shipped lists equal CBS's definition files ------------------------------------------------

CBS_DIR = SHARED_DATA / "cbs-iv3-definities"
LAYERS = {"provincie": "Provincie", "gemeenschappelijke regeling": "GR", "gemeente": "Gemeente"}


def _cbs_names(node_list: list) -> list[tuple[str, str]]:
    out = []

    def walk(nodes):
        for node in nodes:
            code, text = node["code"].strip(), (node.get("omschrijving") or "").strip()
            if not code.startswith("Tot_"):
                out.append((code, text))
            walk(node.get("subcodes") or [])

    walk(node_list)
    return out


@pytest.mark.shared("cbs-iv3-definities", "the shipped lists of each kind are compared with CBS's definition files")
@pytest.mark.parametrize("level", ["provincie", "gemeenschappelijke regeling"])
def test_shipped_lists_equal_cbs(level):
    files = sorted(CBS_DIR.glob(f"iv3_definities_{LAYERS[level]}_*.json"))
    years = [int(p.stem.rsplit("_", 1)[1]) for p in files]
    assert list(reference.shipped_years(level)) == years
    for path, year in zip(files, years):
        cbs = json.loads(path.read_text(encoding="utf-8"))
        lists = cbs["codelijsten"]
        assert [(c.code, c.name) for c in reference.taakvelden(year, level).values()] == \
            _cbs_names(lists["taakveld"]["codelijst"]), (level, year)
        for kind in ("lasten", "baten"):
            shipped = list(reference.categorieen(year, kind, level).values())
            expected = _cbs_names(lists[f"categorie_{kind}"]["codelijst"])
            # 2017-2019 name the account groups only by a code such as "Lopende Rekening" (shipped as LR)
            assert [c.name for c in shipped] == [text or code for code, text in expected], (level, year, kind)
            assert [c.code for c, (_, text) in zip(shipped, expected) if text] == [
                code for code, text in expected if text], (level, year, kind)
            grey = {(c["taakveld"].strip(), c["categorie"].strip()) for c in cbs["grijze_cellen"].get(kind, [])}
            assert iv3rules.grey_cells(year, kind, level) == grey, (level, year, kind)


@pytest.mark.shared("cbs-iv3-definities", "tools/make_iv3_rules.py is run on CBS's definition files")
def test_iv3_rules_up_to_date():
    import runpy

    root = Path(__file__).resolve().parents[1]
    tool = runpy.run_path(str(root / "tools" / "make_iv3_rules.py"))
    assert tool["main"](["--source", str(CBS_DIR), "--out", str(root / "src/begroot/reference/data"), "--check"]) == 0
