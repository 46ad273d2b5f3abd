from decimal import Decimal

import polars as pl
import pytest

from begroot.read.numbers import detect_decimal, parse_amounts, parse_number


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
    (["1.234.567"], ","), (["1,234,567"], "."), (["1.234"], ","),
])
def test_decimal_separator_detection(values, expected):
    assert detect_decimal(pl.Series(values), default=",") == expected


def test_ambiguous_values_follow_the_locale_default():
    assert detect_decimal(pl.Series(["1.234"]), default=".") == "."


def test_parse_number_keeps_six_decimals():
    assert parse_number("3,141592") == Decimal("3.141592")
    assert parse_number("12,5") == Decimal("12.5")
    assert parse_number("abc") is None


def test_rounding_to_cents_when_asked():
    out = parse_amounts(pl.Series(["0,005", "-0,005", "1,2345", "0,0049"]), decimal=",", round_to_cents=True)
    assert out["cents"].to_list() == [1, -1, 123, 0] and out["status"].to_list() == [None] * 4
