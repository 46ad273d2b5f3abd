"""The bad-input corpus: every case gets its exact message (file, row, column, what to do), exit
code 1 from `begroot check` and never a traceback; accepted oddities are read exactly."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

import begroot.read.sheets as sheets
from begroot.cli import app
from begroot.project import load_project

from .corpus_cases import BAD, GOOD, WARN

EXPECTED = {  # the messages, verbatim
    'encoding-neither-utf8-nor-cp1252': [
        'error: begroting-2024/financien.csv: the file is neither UTF-8 nor cp1252 text (byte 33) — hint: save the file as CSV UTF-8',
    ],
    'amount-letters': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'12,3x\' is not a number — hint: write amounts as 1.234,56 or 1234.56, without letters',
    ],
    'amount-word': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'twaalf\' is not a number — hint: write amounts as 1.234,56 or 1234.56, without letters',
    ],
    'amount-exponent': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'1,5E+3\' is written in exponent notation — hint: format the column as a plain number in the spreadsheet before exporting',
    ],
    'amount-too-large': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'99999999999999999999\' is more than € 1.000.000.000.000, the largest amount begroot reads in one cell — hint: check the unit set for this file (1000 when the file is in thousands) and the number itself',
    ],
    'amount-more-precise-than-a-cent': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'0,001\' is more precise than one cent — hint: round amounts to cents, or check the unit set for this file',
    ],
    'amount-date': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'01-02-2024\' is a date, not an amount — hint: check that the column mapping names the amount column, and that Excel did not turn the amounts into dates',
    ],
    'amount-two-minus-signs': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'(-5)\' is not a number — hint: write amounts as 1.234,56 or 1234.56, without letters',
    ],
    'taakveld-unknown': [
        'error: begroting-2024/financien.csv, row 2, column "Taakveld": taakveld 9.9 does not exist in the Iv3 list of 2024 — hint: use a taakveld of the Iv3 2024 list (see /taakvelden/ or the CBS Iv3 definitions)',
    ],
    'taakveld-retired': [
        'error: begroting-2024/financien.csv, row 2, column "Taakveld": taakveld 6.71a does not exist in the Iv3 list of 2025 — hint: 6.71a was replaced by 6.711 in 2025',
    ],
    'taakveld-not-a-code': [
        'error: begroting-2024/financien.csv, row 2, column "Taakveld": \'Algemeen\' does not start with a taakveld code — hint: write the Iv3 taakveld code first, e.g. \'6.1\' or \'6.1 Samenkracht en burgerparticipatie\'',
    ],
    'taakveld-without-programme': [
        "error: begroting-2024/financien.csv: taakveld 7.2 (row 2) belongs to no programme, so the site's totals would not reconcile with the export — hint: add 7.2 to the taakvelden of a programme in begroting-2024/programmas.csv",
    ],
    'kind-unknown': [
        'error: begroting-2024/financien.csv, row 2, column "Soort": \'Q\' is not lasten or baten — hint: use Lasten/Baten (or L/B), or add the value to kind_values in begroot.toml',
    ],
    'column-missing': [
        'error: begroting-2024/financien.csv, row 1: column "Bedrag" not found; the file has the columns: Taakveld, Soort, Waarde — hint: correct the column name in begroot.toml or in the file\'s header row',
    ],
    'header-below-a-title-row': [
        'error: begroting-2024/financien.csv, row 1: column "Taakveld" not found; the file has the columns: Begroting 2024, kolom 2, kolom 3 — hint: the header seems to be row 2: set header_row = 2 for this file in begroot.toml',
        'error: begroting-2024/financien.csv, row 1: column "Soort" not found; the file has the columns: Begroting 2024, kolom 2, kolom 3 — hint: the header seems to be row 2: set header_row = 2 for this file in begroot.toml',
        'error: begroting-2024/financien.csv, row 1: column "Bedrag" not found; the file has the columns: Begroting 2024, kolom 2, kolom 3 — hint: the header seems to be row 2: set header_row = 2 for this file in begroot.toml',
    ],
    'row-with-extra-fields': [
        'error: begroting-2024/financien.csv, row 3: this row has 4 fields but the header row has 3 — hint: check the separators and quotes in row 3, or export the file again',
    ],
    'file-empty': [
        'error: begroting-2024/financien.csv: the file is empty — hint: export the data again',
    ],
    'file-only-bom': [
        'error: begroting-2024/financien.csv: the file is empty — hint: export the data again',
    ],
    'file-missing': [
        'error: begroting-2024/ontbreekt.csv: file not found — hint: check the file name in begroot.toml',
    ],
    'file-200-mb': [
        'error: begroting-2024/financien.csv: the file is 200 MB; begroot reads files up to 100 MB — hint: split the export (one file per edition or per year), or leave out columns you do not use',
    ],
    'file-old-xls': [
        'error: begroting-2024/oud.xls: old Excel .xls files are not supported — hint: save the file as .xlsx or CSV',
    ],
    'file-unknown-type': [
        "error: begroting-2024/f.ods: unknown file type '.ods' — hint: use .csv or .xlsx",
    ],
    'programme-duplicate': [
        'error: begroting-2024/programmas.csv, row 8, column "code": programme 1 is listed twice (first in row 2) — hint: give each programme its own code, or remove the duplicate row',
    ],
    'programme-unknown-parent': [
        'error: begroting-2024/programmas.csv, row 8, column "hoofdprogramma": programme 9.1 belongs to programme 9, which is not in the list — hint: add the parent programme or correct the code',
    ],
    'programme-unknown-in-export': [
        'error: begroting-2024/financien.csv, row 3, column "Programma": programme 8 is not in the programme list — hint: add programme 8 to begroting-2024/programmas.csv or correct the code',
    ],
    'text-unknown-programme': [
        "error: begroting-2024/teksten/7-doelstelling.md: this text is for programme 7, which is not in the programme list — hint: correct 'programma' in the front matter or the file name, or add the programme",
    ],
    'text-bad-front-matter': [
        "error: begroting-2024/teksten/1-x.md, line 3: the front matter is not valid YAML: did not find expected ',' or ']' — hint: write it as 'key: value' lines between two '---' lines",
    ],
    'text-truncated-docx': [
        'error: begroting-2024/teksten/1-doelstelling.docx: cannot be opened as a Word document: the file is damaged, or it is not a Word document — hint: open it and save it again, or export it again',
    ],
    'indicator-without-unit': [
        'error: begroting-2024/indicatoren.csv, row 2, column "eenheid": indicator \'Inbraken\' has no unit — hint: fill in a unit such as %, aantal or € per inwoner',
    ],
    'total-differs-from-stated': [
        'error: begroot.toml, column "editions.begroting-2024.expected.lasten": total lasten of begroting-2024 is 7,2005 (× € 1.000), but begroot.toml expects 1: a difference of 6,2005 — hint: find the missing or extra lines in the export, or correct the expected total',
    ],
    'saldo-not-baten-minus-lasten': [
        'error: begroting-2024/financien.csv, row 2, column "Saldo": saldo -5 is not baten minus lasten (-6) — hint: correct the saldo or the lasten and baten of this row',
    ],
    'categorie-unknown': [
        'error: begroting-2024/financien.csv, row 2, column "Categorie": categorie 9.9 is not an Iv3 lasten categorie of 2024 — hint: use an economische categorie from the Iv3 list for that year',
    ],
    'year-not-a-year': [
        'error: begroting-2024/financien.csv, row 2, column "Jaar": \'twintig\' is not a year — hint: write the year as four digits, e.g. 2024',
    ],
    'filter-matches-nothing': [
        'error: begroting-2024/financien.csv, column "Soort": no row has \'Geen\' in column "Soort" — hint: check the filter value in begroot.toml; the column has for example \'Baten\', \'Lasten\'',
    ],
    'edition-folder-missing': [
        'error: elders: the folder of edition begroting-2024 does not exist — hint: create elders/ or set folder in begroot.toml',
    ],
    'config-not-toml': [
        "error: begroot.toml, line 1: not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 14) — hint: correct line 1: text in double quotes (name = \"Gemeente Voorbeeld\"), a [section] header closed with ], one setting per line",
    ],
    'config-unknown-setting': [
        "error: begroot.toml: site.kleur: unknown setting — hint: run 'begroot docs project-format' for every setting",
    ],
    'config-missing-name': [
        "error: begroot.toml: organisation.name: this setting is required and missing — hint: run 'begroot docs project-format' for every setting",
    ],
    'xlsx-truncated': [
        'error: begroting-2024/financien.xlsx: cannot be opened as an Excel workbook: the file is damaged, or it is not an Excel workbook — hint: open it and save it again, or export it again',
    ],
    'xlsx-not-a-workbook': [
        'error: begroting-2024/financien.xlsx: cannot be opened as an Excel workbook: the file is damaged, or it is not an Excel workbook — hint: open it and save it again, or export it again',
    ],
    'xlsx-zip-bomb': [
        'error: begroting-2024/financien.xlsx: the file unpacks to 3 MB, more than begroot accepts (2 MB); it may be a zip bomb — hint: export the data again from the source system',
    ],
    'xlsx-formula-without-result': [
        'error: begroting-2024/financien.xlsx, row 3, column "Bedrag": the cell has a formula but no saved result — hint: open the file in Excel (so it calculates) and save it again',
    ],
    'xlsx-unknown-sheet': [
        "error: begroting-2024/financien.xlsx: no sheet named 'Blad9'; the workbook has: Export — hint: set sheet to one of these names",
    ],
    'xlsx-date-in-amounts': [
        'error: begroting-2024/financien.xlsx, row 2, column "Bedrag": \'2024-02-01 00:00:00\' is a date, not an amount — hint: check that the column mapping names the amount column, and that Excel did not turn the amounts into dates',
    ],
    'repeated-header-row': [
        'warning: begroting-2024/financien.csv, row 3: the row repeats the header row; it was not counted — hint: remove the repeated header rows from the export',
    ],
    'subtotal-row': [
        'warning: begroting-2024/financien.csv, row 4, column "Taakveld": \'Totaal programma 2\' is the total of rows 2–3; it was not counted, so their money is not counted twice — hint: nothing to do; the row is listed in the verantwoording (keep_rows counts it anyway)',
    ],
    'hidden-sheet': [
        "warning: begroting-2024/financien.xlsx: sheet 'Export' is hidden in Excel — hint: check that this is the sheet you mean; hidden sheets often hold old or helper data",
    ],
    'amount-on-a-group-taakveld': [
        'warning: begroting-2024/financien.csv, row 2, column "Taakveld": amount booked on taakveld 6.71, which is a group in 2024 — hint: book it on one of 6.71a, 6.71b, 6.71c, 6.71d',
    ],
    'ambiguous-decimal-mark': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": the numbers can be read two ways: \'1,652\' (row 2) and \'4,621\' (row 3) can be 1652 with \',\' separating thousands, or 1 652/1000 with \',\' as the decimal mark; no cell of the column decides it — hint: set decimal = "." for this file in begroot.toml when \',\' separates thousands, or decimal = "," when it is the decimal mark',
    ],
    'amount-beyond-the-bound': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'9.999.999.999.999.999,99\' is more than € 1.000.000.000.000, the largest amount begroot reads in one cell — hint: check the unit set for this file (1000 when the file is in thousands) and the number itself',
    ],
    'digits-of-another-script': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": \'١٢٣\' is written with digits of another script — hint: write the amount with the digits 0-9 (the file may have been made with another keyboard or language setting)',
        'error: begroting-2024/financien.csv, row 3, column "Bedrag": \'１２３\' is written with digits of another script — hint: write the amount with the digits 0-9 (the file may have been made with another keyboard or language setting)',
    ],
    'two-decimal-marks': [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": the column mixes two notations: \'1.234,5\' (row 2) has \',\' as its decimal mark and \'1,234.5\' (row 3) has \'.\' — hint: set decimal = "," or decimal = "." for this file in begroot.toml: the cells in the other notation are then reported one by one',
    ],
}


@pytest.fixture(autouse=True)
def small_zip_limit(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)  # so the zip bomb can be small


def test_the_corpus_is_complete():
    assert len(BAD) >= 40 and set(EXPECTED) == set(BAD) | set(WARN)


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gets_its_message_and_exit_1(tmp_path, name):
    project = BAD[name](tmp_path / "p")
    assert [p.format() for p in load_project(project).problems] == EXPECTED[name]
    result = CliRunner().invoke(app, ["check", str(project)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(WARN))
def test_tolerated_input_gets_a_warning(tmp_path, name):
    project = WARN[name](tmp_path / "p")
    loaded = load_project(project)
    assert [p.format() for p in loaded.problems] == EXPECTED[name]
    assert not loaded.problems.errors
    assert CliRunner().invoke(app, ["check", "--strict", str(project)], catch_exceptions=False).exit_code == 1


@pytest.mark.parametrize("name", sorted(GOOD))
def test_odd_but_valid_input_is_read_exactly(tmp_path, name):
    make, cents = GOOD[name]
    loaded = load_project(make(tmp_path / "p"))
    assert loaded.problems.items == []
    lines = loaded.budget.editions[0].lines
    assert lines.filter(pl.col("kind") == "lasten")["cents"].sum() == cents
