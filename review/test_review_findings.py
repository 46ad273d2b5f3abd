"""Failing tests for the findings of review23 (each fails on the code at 8cd4f56).

Run one file only: PYTHONPATH=$PWD/src python -m pytest review/test_review_findings.py -q
Each test builds a tiny project (no PDF unless the finding is about the PDF) in tmp_path."""
import csv
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def run(*args, cwd=None):
    env = dict(os.environ, BEGROOT_CACHE_DIR="off", SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "begroot", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def make(script: str, target: Path) -> Path:
    subprocess.run([sys.executable, str(HERE / script), str(target)], check=True, capture_output=True)
    return target


TOML = '''[organisation]
name = "Gemeente Test"
kind = "{kind}"
[site]
unit = 1
pdf = {pdf}
[accessibility]
contact = "a@example.nl"
[[editions]]
id = "begroting-2025"
kind = "begroting"
year = 2025
'''
PROGRAMMES = ("code;naam;hoofdprogramma;taakvelden;soort\n1;Alles;;0.1 0.2 0.3 1.* 2.* 3.* 4.* 5.* 6.* 7.* 8.*;programma\n"
              "AD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7 0.8 0.9;overzicht\nOH;Overhead;;0.4;overzicht\n")


def project(tmp: Path, finance_toml: str, files: dict, kind="gemeente", pdf="false", programmes=PROGRAMMES) -> Path:
    root = tmp / "p"
    ed = root / "begroting-2025"
    (ed / "teksten").mkdir(parents=True)
    (root / "begroot.toml").write_text(TOML.format(kind=kind, pdf=pdf) + finance_toml, encoding="utf-8")
    (ed / "programmas.csv").write_text(programmes, encoding="utf-8")
    for name, content in files.items():
        p = ed / name
        p.parent.mkdir(parents=True, exist_ok=True)
        (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
    return root


# 1 ------------------------------------------------------------------------------------------
def test_misnamed_column_in_xlsx_with_a_mixed_column_is_a_message_not_a_crash(tmp_path):
    """An amount column with numbers and numbers-as-text (common) plus one misnamed column in
    begroot.toml: read/finance.py:_missing_columns calls .strip() on the Boolean helper columns
    that read/xlsx.py adds for mixed columns -> 'internal error ... AttributeError'."""
    xlsxwriter = pytest.importorskip("xlsxwriter")
    root = project(tmp_path, '[[editions.finance]]\nfile = "e.xlsx"\n[editions.finance.columns]\n'
                   'taakveld = "Taakveld"\nkind = "Soort"\namount = "Bedragen"\n', {})
    wb = xlsxwriter.Workbook(str(root / "begroting-2025" / "e.xlsx"))
    ws = wb.add_worksheet()
    for r, row in enumerate([("Taakveld", "Soort", "Bedrag"), ("0.1", "L", 100), ("0.7", "B", "1.234,56")]):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    wb.close()
    res = run("check", root)
    assert "internal error" not in res.stderr + res.stdout
    assert res.returncode == 1 and 'column "Bedragen" not found' in res.stderr


# 2 ------------------------------------------------------------------------------------------
def test_programme_glance_rows_add_up_to_the_total(tmp_path):
    """Money booked on a programme that also has deelprogramma's (taakveld 6.1 via '6.*' on
    programme 6) is in the table's total but in no row: render/pages/programme.py:glance_view
    (and the deelprogramma's table) list only the children."""
    root = make("make_s8.py", tmp_path / "s8")
    assert run("build", root, "--out", tmp_path / "site").returncode == 0
    page = tmp_path / "site" / "begroting-2026" / "programma" / "6-sociaal-domein"
    for name in ("oogopslag.csv", "deelprogrammas.csv"):
        rows = list(csv.DictReader(open(page / name, encoding="utf-8")))
        total = next(r for r in rows if r["soort"] == "totaal")
        parts = sum(Decimal(r["lasten"]) for r in rows if r["soort"] != "totaal")
        assert parts == Decimal(total["lasten"]), f"{name}: rows {parts} != total {total['lasten']}"


# 3 ------------------------------------------------------------------------------------------
NEG = '''[[editions.finance]]
file = "f.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "LB"
amount = "Bedrag"
'''
NEG_CSV = "Taakveld;LB;Bedrag\n0.1;L;1000\n0.4;L;500\n6.3;B;-200\n0.7;B;-1300\n"


def test_share_summary_names_the_largest_share(tmp_path):
    """With negative baten (a ledger that books credits negative) the bars show AD 86,7 % but the
    sentence says 'Overhead heeft het grootste aandeel in de baten: 0,0 %':
    render/parts.py:share_chart takes max() of the amount, not of the share."""
    root = project(tmp_path, NEG, {"f.csv": NEG_CSV})
    assert run("build", root, "--out", tmp_path / "site").returncode == 0
    html = (tmp_path / "site" / "begroting-2025" / "index.html").read_text(encoding="utf-8")
    assert "grootste aandeel in de baten: 0,0 %" not in html


def test_all_baten_negative_is_flagged(tmp_path):
    """Every baten line negative next to a kind column: the site publishes 'Totale baten -1.500'
    without a word. check should warn (or a setting should say credits are negative)."""
    root = project(tmp_path, NEG, {"f.csv": NEG_CSV})
    res = run("check", root)
    assert "negati" in (res.stderr + res.stdout).lower(), res.stderr


# 4 ------------------------------------------------------------------------------------------
def test_province_taakvelden_are_the_provinces(tmp_path):
    """kind = "provincie": codes are checked against, and named from, the gemeente list; 0.6
    (Overhead of a province) is refused and 0.1 is published as 'Bestuur' instead of
    'Uitkering provinciefonds' (reference/ ships only the gemeente lists)."""
    root = make("make_s7.py", tmp_path / "s7")
    res = run("build", root, "--out", tmp_path / "site")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(open(tmp_path / "site" / "begroting-2024" / "downloads" / "financien.csv", encoding="utf-8")))
    names = {r["taakveld"]: r["taakveld_naam"] for r in rows}
    assert names["0.1"] == "Uitkering provinciefonds"


def test_province_cbs_code_as_cbs_writes_it(tmp_path):
    """CBS's province codes have two digits (PV21 Fryslân); the pattern wants four, and the
    message is pydantic's regular expression."""
    root = make("make_s7.py", tmp_path / "s7")
    toml = root / "begroot.toml"
    toml.write_text(toml.read_text().replace('kind = "provincie"', 'cbs_code = "PV21"\nkind = "provincie"'))
    res = run("check", root)
    assert "should match pattern" not in res.stderr


# 5 ------------------------------------------------------------------------------------------
def test_fiscal_data_package_in_another_currency_is_not_published_as_euros(tmp_path):
    """A package whose measures say currency AUD is read and republished (datapackage.json says
    EUR) as euros, without a warning: read/fdp.py ignores the measure's currency."""
    pkg = ('{"name":"x","resources":[{"name":"r","path":"d.csv","schema":{"fields":['
           '{"name":"Program","type":"string"},{"name":"2015-16","type":"integer"}]}}],'
           '"mapping":{"measures":{"2015-16":{"source":"2015-16","currency":"AUD"}},'
           '"dimensions":{"Program":{"attributes":{"program":{"source":"Program"}},"primaryKey":"program"}}}}')
    root = project(tmp_path, '[[editions.finance]]\ndatapackage = "pkg/datapackage.json"\n'
                   'constants = { kind = "lasten" }\n',
                   {"pkg/datapackage.json": pkg, "pkg/d.csv": "Program,2015-16\n1,1000\n"},
                   programmes="code;naam;hoofdprogramma;taakvelden;soort\n1;Een;;;programma\n")
    res = run("check", root)
    assert "AUD" in res.stderr + res.stdout


# 6 ------------------------------------------------------------------------------------------
def test_emoji_in_a_text_does_not_pass_check_and_fail_build(tmp_path):
    """check passes (0 errors), then build stops: 'Typst could not make the PDF ... no font here
    has these characters: 🎉 👩 � � …' (replacement characters, and a hint about CJK fonts)."""
    root = project(tmp_path, NEG, {"f.csv": NEG_CSV.replace("-", ""),
                                   "teksten/inleiding.md": "Feest 🎉 voor iedereen 👩‍👩‍👧.\n"}, pdf="true")
    check = run("check", root)
    build = run("build", root, "--out", tmp_path / "site")
    assert build.returncode == 0 or check.returncode != 0 or "🎉" in check.stderr, build.stderr
    assert "\ufffd" not in build.stderr


# 7 ------------------------------------------------------------------------------------------
def test_word_owner_file_is_ignored(tmp_path):
    """Word keeps '~$name.docx' next to a document while it is open; check refuses the project."""
    root = project(tmp_path, NEG, {"f.csv": NEG_CSV.replace("-", ""),
                                   "teksten/~$inleiding.docx": b"\x00owner file"})
    res = run("check", root)
    assert res.returncode == 0, res.stderr


# 8 ------------------------------------------------------------------------------------------
def test_markdown_footnotes_are_rendered(tmp_path):
    """'[^1]' footnotes (pandoc and many editors write them) are published literally."""
    root = project(tmp_path, NEG, {"f.csv": NEG_CSV.replace("-", ""),
                                   "teksten/inleiding.md": "Een bewering[^1].\n\n[^1]: De bron.\n"})
    assert run("build", root, "--out", tmp_path / "site").returncode == 0
    html = (tmp_path / "site" / "begroting-2025" / "index.html").read_text(encoding="utf-8")
    assert "[^1]" not in html
