from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from begroot.read.numbers import decide_notation, detect_decimal, parse_amounts, parse_number


def parse(values, decimal, unit=1):
    out = parse_amounts(pl.Series(values, dtype=pl.String), decimal=decimal, unit=unit)
    return list(zip(out["cents"].to_list(), out["status"].to_list()))


@pytest.mark.parametrize("text, cents", [
    ("1.234,56", 123456), ("1234,56", 123456), ("(1.234)", -123400), ("1.234-", -123400),
    ("€ 1.234", 123400), ("1 234,5", 123450), ("1\u00a0234", 123400), ("-0,01", -1), ("\u22125", -500),
    ("1.234.567", 123456700), ("+7", 700), ("0", 0),
])
def test_dutch_amounts_parse_exactly(text, cents):
    assert parse([text], ",") == [(cents, None)]


@pytest.mark.parametrize("text, cents", [("1,234.56", 123456), ("1234.5", 123450), ("(12.25)", -1225)])
def test_english_amounts_parse_exactly(text, cents):
    assert parse([text], ".") == [(cents, None)]


@pytest.mark.parametrize("text, status", [
    ("12,3x", "invalid"), ("1.2.3,4,5", "invalid"), ("(-5)", "invalid"), ("1,5E+3", "exponent"),
    ("0,001", "too-precise"), ("99999999999999999999", "too-large"),
    ("", "empty"), ("-", "empty"), ("n.v.t.", "empty"),
])
def test_bad_or_empty_amounts_get_a_status(text, status):
    assert parse([text], ",") == [(None, status)]


def test_unit_scales_exactly_and_rejects_sub_cent():
    assert parse(["12782.0", "0.00001"], ".", unit=1000) == [(1278200000, None), (1, None)]
    assert parse(["0.000001"], ".", unit=1000) == [(None, "too-precise")]


@pytest.mark.parametrize("values, expected", [
    (["1.234,5", "7"], ","), (["1,234.5"], "."), (["12782.0", "3"], "."), (["12,5"], ","),
    (["1.234.567"], ","), (["1,234,567"], "."), (["0,125"], ","), (["1234.567"], "."),
    (["1.234", "12,5"], ","), (["1,652", "12782.0"], "."), (["12", "4271"], ","),
])
def test_decimal_mark_proven_by_the_cells(values, expected):
    assert detect_decimal(pl.Series(values)) == expected


@pytest.mark.parametrize("values", [["1.234"], ["1,652", "4,621", "4271"], ["999,000", "12"]])
def test_cells_that_read_both_ways_decide_nothing(values):
    notation = decide_notation(pl.Series(values))
    assert notation.decimal is None and not notation.decided
    assert notation.ambiguous == tuple(v for v in values if "," in v or "." in v)[:2]
    with pytest.raises(ValueError):
        detect_decimal(pl.Series(values))
    with pytest.raises(ValueError):
        parse_amounts(pl.Series(values), decimal="auto")


def test_two_notations_in_one_column_conflict():
    notation = decide_notation(pl.Series(["1.234,5", "7", "1,234.5"]))
    assert notation.conflict == ("1.234,5", "1,234.5") and not notation.decided


@pytest.mark.parametrize("text", ["١٢٣", "１２３", "١٢٫٥", "۱۲", "1２3"])
def test_digits_of_other_scripts_are_never_no_amount(text):
    assert parse([text], ",") == [(None, "other-digits")]


def test_amounts_beyond_the_bound_are_too_large():
    assert parse(["1.000.000.000.000"], ",") == [(10**14, None)]
    assert parse(["1.000.000.000.000,01", "9.999.999.999.999.999,99"], ",") == [(None, "too-large")] * 2
    assert parse(["1000000001"], ",", unit=1000) == [(None, "too-large")]


def test_a_thousands_group_never_starts_with_zero():
    assert parse(["0.123"], ",") == [(None, "invalid")]
    assert parse(["0.125"], ".") == [(None, "too-precise")] and parse(["0.12"], ".") == [(12, None)]


def test_parse_number_keeps_six_decimals():
    assert parse_number("3,141592", ",") == Decimal("3.141592")
    assert parse_number("12,5", ".") == Decimal("12.5")
    assert parse_number("1.234", ",") == Decimal("1234") and parse_number("1.234", ".") == Decimal("1.234")
    assert parse_number("abc", ",") is None


def test_rounding_to_cents_when_asked():
    out = parse_amounts(pl.Series(["0,005", "-0,005", "1,2345", "0,0049"]), decimal=",", round_to_cents=True)
    assert out["cents"].to_list() == [1, -1, 123, 0] and out["status"].to_list() == [None] * 4


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789.,-", max_size=14)), min_size=1, max_size=30),
       st.sampled_from([",", "."]))
def test_a_column_of_plain_numbers_reads_as_through_every_pass(cells, decimal):
    """A column of only digits, marks and minus signs skips the passes that take out spaces,
    euro signs, other minus signs and brackets: the same amounts and statuses as a column that
    needs them (here: the same cells with one cell that has a space)."""
    fast = parse_amounts(pl.Series(cells, dtype=pl.String), decimal=decimal)
    full = parse_amounts(pl.Series(cells + [" 1"], dtype=pl.String), decimal=decimal).head(len(cells))
    assert fast.to_dicts() == full.to_dicts()
