"""``begroot init DIR --gemeente NAME``: any municipality's project from CBS's Iv3 figures.

The 23 municipalities of issue 19 (20 drawn from the 2024 national file with a fixed seed, and
"Den Haag", "Den Bosch", "Súdwest-Fryslân") are all made and read in one test session. Each of the
23 is written by ``init_project`` (what ``begroot init --gemeente`` calls) and loaded by
``load_project`` (what ``begroot check`` and ``begroot build`` run first: every file read, every
check, the figures the pages show); the three named ones also go through the command itself,
``begroot init`` then ``begroot build`` (two without a PDF, for speed, one with), and their sites'
totals are read back from the edition overview. A full build of all 23 would take some four
minutes and test the same rendering 20 times more.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from begroot.demo.gemeente import init_project
from begroot.errors import Problems
from begroot.project import load_project
from begroot.read.gemeenten import NotFound, resolve, shipped

ROOT = Path(__file__).resolve().parents[1]
TOTALS = ROOT / "tests" / "data" / "iv3-gemeenten" / "totalen.csv"
DATASETS = {"begroting-2024": "2024_begroting.csv", "begroting-2023": "2023_begroting.csv",
            "jaarstukken-2023": "2023_jaarrekening.csv"}
NAMED = {"Den Haag": "'s-Gravenhage", "Den Bosch": "'s-Hertogenbosch", "Súdwest-Fryslân": "Súdwest-Fryslân"}
SEED = 19


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "begroot", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def cbs_totals(file: str) -> dict[str, tuple[Decimal, Decimal]]:
    """Per municipality of a national CBS file: the sum of its lasten and baten over every row, in
    euros (CBS's totals include the group codes), from ``tests/data/iv3-gemeenten/totalen.csv``,
    which tools/make_testdata.py sums from CBS's own files with the csv module alone (not from
    the figures begroot ships; tests/test_testdata.py checks it against those files)."""
    with TOTALS.open(encoding="utf-8", newline="") as fh:
        return {rec["gemeente"]: (Decimal(rec["lasten"]) * 1000, Decimal(rec["baten"]) * 1000)
                for rec in csv.DictReader(fh, delimiter=";") if rec["bestand"] == file[:-4]}


@pytest.fixture(scope="module")
def totals() -> dict[str, dict[str, tuple[Decimal, Decimal]]]:
    return {edition: cbs_totals(file) for edition, file in DATASETS.items()}


def sample() -> list[str]:
    """20 municipalities of the 2024 national file, drawn with a fixed seed."""
    return random.Random(SEED).sample(sorted(cbs_totals("2024_begroting.csv")), 20)


@pytest.mark.shared("iv3-gemeenten", "the shipped figures are compared with CBS's national files they are made of")
def test_shipped_files_are_what_the_tool_makes_of_the_cbs_files():
    made = subprocess.run([sys.executable, str(ROOT / "tools" / "make_iv3_gemeenten.py"), "--check"],
                          capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr


def test_shipped_files_are_small():
    folder = ROOT / "src" / "begroot" / "reference" / "data" / "gemeenten"
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert size < 400_000, f"{size:,} bytes"


def test_23_municipalities_are_made_and_their_totals_are_cbs(tmp_path, totals):
    catalogue = shipped()
    assert len(catalogue.municipalities) == 342
    names = sample() + list(NAMED)
    assert len(set(names)) == 23
    checked = set()
    for query in names:
        muni = resolve(query, catalogue)
        problems = Problems()
        written = init_project(tmp_path / muni.code, query, [], problems)
        assert written is not None and not problems.items, problems.items
        delivered = [e for e in DATASETS if totals[e][muni.name] != (0, 0)]   # Voorne aan Zee: 2024 only
        assert written.editions == [e for e in ["begroting-2024", "jaarstukken-2023", "begroting-2023"] if e in delivered]
        loaded = load_project(tmp_path / muni.code)
        assert loaded.problems.errors == [], (query, [p.format() for p in loaded.problems.errors])
        checked.update(written.editions)
        for edition in written.editions:
            grand = loaded.figures[edition].grand()
            assert (grand.lasten, grand.baten) == totals[edition][muni.name], (query, edition)
        # the previous year's begroting beside the begroting 2024, the begroting beside the jaarstukken
        lines = loaded.budget.edition("begroting-2024").lines
        assert sorted(set(lines["year"].to_list())) == ([2023, 2024] if "begroting-2023" in delivered else [2024])
    assert checked == set(DATASETS)


def test_init_then_build_den_haag_den_bosch_sudwest_fryslan(tmp_path, totals):
    for i, (query, official) in enumerate(NAMED.items()):
        project, site = tmp_path / f"p{i}", tmp_path / f"site{i}"
        made = run("init", str(project), "--gemeente", query)
        assert made.returncode == 0, made.stderr
        assert official in made.stdout
        pdf = i == 2   # one site with its PDFs, two without (the PDFs take most of a build's time)
        if not pdf:
            toml = project / "begroot.toml"
            toml.write_text(toml.read_text(encoding="utf-8").replace("\ndraft = true", "\npdf = false\ndraft = true"),
                            encoding="utf-8")
        built = run("build", str(project), "--out", str(site))
        assert built.returncode == 0, built.stderr
        assert "(0 errors" in built.stdout
        for edition in DATASETS:
            rows = json.loads((site / edition / "tabellen.json").read_text(encoding="utf-8"))["overzichten"]
            total = rows[-1]
            assert total["soort"] == "totaal"
            assert (Decimal(total["lasten"]), Decimal(total["baten"])) == totals[edition][official], (query, edition)
            page = (site / edition / "index.html").read_text(encoding="utf-8")
            thousands = f"{int(totals[edition][official][0] / 1000):,}".replace(",", ".")
            assert thousands in page
        assert (site / "begroting-2024" / "downloads" / "begroting-2024.pdf").is_file() == pdf
        pages = list(site.rglob("*.html"))
        assert pages and all('class="draft-banner"' in p.read_text(encoding="utf-8") for p in pages)


def test_names_codes_and_other_spellings_resolve():
    catalogue = shipped()
    for query, name in [("Zwolle", "Zwolle"), ("GM0193", "Zwolle"), ("gm193", "Zwolle"), ("Den Haag", "'s-Gravenhage"),
                        ("den bosch", "'s-Hertogenbosch"), ("Sudwest Fryslan", "Súdwest-Fryslân"),
                        ("Bergen (NH.)", "Bergen (NH.)"), ("bergen nh", "Bergen (NH.)"), ("Beek (L.)", "Beek"),
                        ("Groningen", "Groningen")]:
        assert resolve(query, catalogue).name == name, query
    with pytest.raises(NotFound) as found:
        resolve("Zwole", catalogue)
    assert "Zwolle" in found.value.suggestions
    with pytest.raises(NotFound) as found:
        resolve("Bergen", catalogue)
    assert found.value.suggestions == ["Bergen (L.)", "Bergen (NH.)"]


def test_a_misspelt_name_gets_a_suggestion_and_exit_2(tmp_path):
    result = run("init", str(tmp_path / "p"), "--gemeente", "Zwole")
    assert result.returncode == 2
    assert "did you mean 'Zwolle'" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "p").exists()


def test_the_project_is_a_draft_with_the_hoofdtaakvelden_and_texts(tmp_path):
    assert run("init", str(tmp_path / "p"), "--gemeente", "Zwolle").returncode == 0
    toml = (tmp_path / "p" / "begroot.toml").read_text(encoding="utf-8")
    assert 'cbs_code = "GM0193"' in toml and "\ndraft = true" in toml
    programmes = (tmp_path / "p" / "begroting-2024" / "programmas.csv").read_text(encoding="utf-8")
    for line in ["0;Bestuur en ondersteuning;;0.1 0.2 0.3;programma", "6;Sociaal domein;;6.*;programma",
                 "8;Volkshuisvesting, leefomgeving en stedelijke vernieuwing;;8.*;programma",
                 "AD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7;overzicht", "OH;Overhead;;0.4;overzicht"]:
        assert line in programmes
    texts = tmp_path / "p" / "begroting-2024" / "teksten"
    assert "Schrijf hier" in (texts / "6-wat-willen-we-bereiken.md").read_text(encoding="utf-8")
    loaded = load_project(tmp_path / "p")
    # no error, and one warning: the contact of the accessibility statement is the municipality's
    # to set (step 5 of the file); the texts are B1 too
    assert [p.code for p in loaded.problems.items] == ["accessibility-contact"]
    assert '# contact = "toegankelijkheid@gemeente.nl"' in toml
    assert loaded.budget.config.site.draft


def national_2025(path: Path) -> dict[str, tuple[Decimal, Decimal]]:
    """A national file of 2025 in CBS's layout, with 2025's codes (6.711, not 6.71a): every
    shipped municipality with three taakvelden; returns the totals per municipality in euros."""
    catalogue = shipped()
    rows, out = [], {}
    for i, muni in enumerate(sorted(catalogue.municipalities.values(), key=lambda m: m.name)):
        inh = muni.figures[("begroting", 2024)].inhabitants
        cls = muni.figures[("begroting", 2024)].size_class
        amounts = [("0.1 Bestuur", 1000 + i, 10), ("6.711 Huishoudelijke hulp (WMO)", 2000.5, 0),
                   ("8.1 Ruimte en leefomgeving", 300, 400 + i)]
        for tv, lasten, baten in amounts:
            rows.append([muni.name, tv, "", f"{baten}", f"{lasten}", "", cls, "", inh, "", ""])
        out[muni.name] = (sum(Decimal(str(a[1])) for a in amounts) * 1000,
                          sum(Decimal(str(a[2])) for a in amounts) * 1000)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\n")
        w.writerow(["Gemeenten", "Taakveld", "L1.1 Salarissen en sociale lasten", "Baten", "Lasten", "Provincie",
                    "Gemeentegrootte", "Stedelijkheid", "Inwonertal", "Centrumfunctie", "Sociale structuur"])
        w.writerows(rows)
    return out


def test_a_national_file_of_another_year_adds_an_edition_with_its_peers(tmp_path):
    file = tmp_path / "2025_begroting.csv"
    expected = national_2025(file)
    result = run("init", str(tmp_path / "p"), "--gemeente", "Zwolle", "--iv3", str(file))
    assert result.returncode == 0, result.stderr
    assert "begroting-2025, begroting-2024, jaarstukken-2023, begroting-2023" in result.stdout
    toml = (tmp_path / "p" / "begroot.toml").read_text(encoding="utf-8")
    assert 'peers = "peers-begroting-2025.json"' in toml
    assert (tmp_path / "p" / "peers-begroting-2025.json").is_file()
    loaded = load_project(tmp_path / "p")
    assert loaded.problems.errors == [], [p.format() for p in loaded.problems.errors]
    grand = loaded.figures["begroting-2025"].grand()
    assert (grand.lasten, grand.baten) == expected["Zwolle"]
    years = sorted(set(loaded.budget.edition("begroting-2025").lines["year"].to_list()))
    assert years == [2024, 2025]   # the begroting 2024 beside it


def test_a_national_file_with_a_name_that_says_nothing_is_refused(tmp_path):
    file = tmp_path / "iv3.csv"
    file.write_text("Gemeenten;Taakveld;Lasten;Baten;Inwonertal\nZwolle;0.1 Bestuur;1.0;0.0;100\n", encoding="utf-8")
    result = run("init", str(tmp_path / "p"), "--gemeente", "Zwolle", "--iv3", str(file))
    assert result.returncode == 1
    assert "2025_begroting.csv" in result.stderr and "Traceback" not in result.stderr
