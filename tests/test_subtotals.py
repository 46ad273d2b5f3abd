"""Subtotal rows after a total that does not add up: the later exact ones are still proven, ordinary
lines are still counted, and the warning says what the counted total was compared with."""

from __future__ import annotations

import polars as pl

from begroot.project import load_project
from begroot.read.rows import prove_subtotals

from .conftest import BASE_TOML, LONG_SOURCE, write_project

DESCRIBED = BASE_TOML + LONG_SOURCE + 'description = "Omschrijving"\n'  # the long source with a description column
WIDE = BASE_TOML + """
[[editions.finance]]
file = "financien.csv"
layout = "wide"
[editions.finance.columns]
taakveld = "Taakveld"
[editions.finance.amounts]
Lasten = { kind = "lasten" }
Baten = { kind = "baten" }
"""


def load(tmp_path, body, toml=DESCRIBED):
    return load_project(write_project(tmp_path / "p", toml=toml, finance=body))


def lasten(loaded) -> int:
    lines = loaded.budget.editions[0].lines
    return int(lines.filter(pl.col("kind") == "lasten")["cents"].sum())


def test_an_exact_block_total_after_a_rounded_one_is_still_proven(tmp_path):
    # "Totaal blok 1" is 151 for a block of 150 (rounded in the export); "Totaal blok 2" is exact
    body = ("Taakveld;Omschrijving;Soort;Bedrag\n6.1;a;Lasten;100\n6.2;b;Lasten;50\n"
            "6.1;Totaal blok 1;Lasten;151\n4.2;c;Lasten;30\n4.1;d;Lasten;20\n;Totaal blok 2;Lasten;50\n")
    loaded = load(tmp_path, body)
    assert sorted((p.row, p.code) for p in loaded.problems) == [(4, "total-word-counted"), (7, "subtotal-row")]
    assert any("'Totaal blok 2' is the total of rows 5–6" in p.message for p in loaded.problems)
    # the rounded total is not proven, so it is counted (with its warning); the exact one is not
    assert lasten(loaded) == (100 + 50 + 151 + 30 + 20) * 100
    account = loaded.budget.editions[0].sources[0].account
    assert [(u.row, u.closes) for u in account.listed] == [(7, (5, 6))] and account.balanced()


def test_every_block_after_a_rounded_total_is_proven(tmp_path):
    rows = ["Taakveld;Omschrijving;Soort;Bedrag", "6.1;a;Lasten;10", "6.1;Totaal 1;Lasten;11"]
    for n in range(2, 6):
        rows += [f"4.2;x{n};Lasten;{n}", f"4.1;y{n};Lasten;{n * 10}", f";Totaal {n};Lasten;{n * 11}"]
    loaded = load(tmp_path, "\n".join(rows) + "\n")
    assert sorted(p.code for p in loaded.problems) == ["subtotal-row"] * 4 + ["total-word-counted"]
    assert lasten(loaded) == (10 + 11 + sum(n * 11 for n in range(2, 6))) * 100


def test_ordinary_lines_equal_to_a_sum_after_a_rounded_total_are_still_counted(tmp_path):
    body = ("Taakveld;Omschrijving;Soort;Bedrag\n6.1;a;Lasten;100\n6.1;Totaal blok 1;Lasten;99\n"
            "4.2;c;Lasten;30\n"
            "4.1;Scholen;Lasten;30\n"          # no total word: never a candidate, though it equals row 4
            "4.3;d;Lasten;20\n"
            "4.3;Totaal baten;Baten;80\n"      # the lasten rows 4–6 add up to 80, but it is baten
            "4.3;Totaal e;Lasten;50\n")        # rows 5–6 add up to 50, but its block starts at row 4
    loaded = load(tmp_path, body)
    assert [(p.code, p.row) for p in loaded.problems] == [
        ("total-word-counted", 3), ("total-word-counted", 7), ("total-word-counted", 8)]
    assert lasten(loaded) == (100 + 99 + 30 + 30 + 20 + 50) * 100
    assert loaded.budget.editions[0].sources[0].account.listed == []


def test_the_warning_says_the_difference_and_the_rows_compared(tmp_path):
    body = ("Taakveld;Omschrijving;Soort;Bedrag\n6.1;a;Lasten;100\n6.2;b;Lasten;50,25\n"
            "6.1;Totaal blok 1;Lasten;151\n4.2;c;Lasten;30\n4.1;Totaal blok 2;Lasten;31\n")
    loaded = load(tmp_path, body)
    assert [p.message for p in loaded.problems] == [
        "'Totaal blok 1' (column \"Omschrijving\") starts with 'Totaal', but the row's amounts are not the sum of "
        "the rows above it, so it is counted as an ordinary line; compared with the rows above it since the start "
        'of the file that have the same "Soort" (rows 2–3): "Bedrag" is 151 in the row and 150,25 in those rows, '
        "a difference of 0,75",
        "'Totaal blok 2' (column \"Omschrijving\") starts with 'Totaal', but the row's amounts are not the sum of "
        "the rows above it, so it is counted as an ordinary line; compared with the rows above it after row 4 "
        'that have the same "Soort" (row 5): "Bedrag" is 31 in the row and 30 in those rows, a difference of 1']


def test_the_warning_of_a_wide_file_names_only_the_columns_that_differ(tmp_path):
    body = "Taakveld;Omschrijving;Lasten;Baten\n6.1;a;10;4\n6.2;b;5;1\n6.1;Totaal;16;5\n"
    loaded = load(tmp_path, body, toml=WIDE)
    assert [p.code for p in loaded.problems] == ["total-word-counted"]
    assert list(loaded.problems)[0].message.endswith(
        'compared with the rows above it since the start of the file (rows 2–3): "Lasten" is 16 in the row and '
        "15 in those rows, a difference of 1")


def test_proving_restarts_after_an_unproven_total_and_reports_its_window():
    # one amount column, no key: rows 0-1 lines (10, 5), 2 a total of 16, 3 a line of 7, 4 a total of 7
    prefix = {(): [(15,), (22,)]}
    unproven: dict = {}
    assert prove_subtotals([(2, (16,), ()), (4, (7,), ())], prefix, unproven) == {4: 3}
    assert unproven == {2: (0, (15,))}


def test_a_total_row_without_amounts_is_listed_as_such_and_not_said_to_be_counted(tmp_path):
    """'Totaal' with empty amount cells is not counted (a row without an amount): no warning may
    say it was counted as an ordinary line."""
    loaded = load(tmp_path, "Taakveld;Omschrijving;Soort;Bedrag\n1.1;Brandweer;Lasten;100\n;Totaal;;\n6.1;Zorg;Lasten;50\n")
    assert [p.code for p in loaded.problems if p.code == "total-word-counted"] == []
    account = loaded.budget.editions[0].sources[0].account
    assert account.reasons.get("no-amount") == 1 and account.counted == 2
