import datetime as dt
from decimal import Decimal

import pytest

from begroot import format as fmt


@pytest.mark.parametrize("euros, unit, lang, expected", [
    (Decimal("799099000"), 1000, "nl", "799.099"),
    (Decimal("1331787000.00"), 1000, "nl", "1.331.787"),
    (Decimal("-12000"), 1000, "nl", "-12"),
    (Decimal("500"), 1000, "nl", "1"),        # half up
    (Decimal("499.99"), 1000, "nl", "0"),
    (Decimal("-500"), 1000, "nl", "-1"),      # half away from zero
    (Decimal("-0.4"), 1000, "nl", "0"),       # never "-0"
    (Decimal("799099000"), 1000, "en", "799,099"),
    (Decimal("1234.56"), 1, "nl", "1.235"),
    (Decimal("2500000"), 1_000_000, "nl", "3"),
])
def test_money(euros, unit, lang, expected):
    assert fmt.money(euros, unit, lang) == expected


@pytest.mark.parametrize("fraction, lang, expected", [
    (Decimal("799099") / Decimal("1331787"), "nl", "60,0 %"),
    (Decimal("265028") / Decimal("1331775"), "nl", "19,9 %"),
    (Decimal("0.60029342"), "en", "60.0 %"),
    (Decimal("0.00049"), "nl", "0,0 %"),
    (Decimal("0.00050"), "nl", "0,1 %"),
    (None, "nl", "–"),
])
def test_pct(fraction, lang, expected):
    assert fmt.pct(fraction, lang) == expected


def test_unit_labels_compact_and_stamps():
    assert fmt.unit_label(1000, "nl") == "x € 1.000"
    assert fmt.unit_label(1000, "en") == "x € 1,000"
    assert fmt.unit_label(1, "nl") == "€"
    assert fmt.compact(Decimal("1331787000"), "nl") == "€\xa01,3\xa0mld."
    assert fmt.euro(Decimal("1331787000") / 243768, "nl") == "€ 5.463"
    assert fmt.stamp(dt.datetime(2023, 7, 11, 15, 35, 31)) == "11/07/2023 15:35:31"


@pytest.mark.parametrize("euros, lang, signed, expected", [
    (Decimal("3279.325"), "nl", False, "€\xa03.279,33"),      # half up, once
    (Decimal("3279.325"), "en", False, "€\xa03,279.33"),
    (Decimal("-12.344"), "nl", False, "€\xa0-12,34"),
    (Decimal("12.345"), "nl", True, "€\xa0+12,35"),           # a difference shows its sign
    (Decimal("-12.345"), "nl", True, "€\xa0-12,35"),
    (Decimal("-0.004"), "nl", True, "€\xa00,00"),             # no "-0,00" or "+0,00"
    (None, "nl", True, "–"),
])
def test_euro_cents(euros, lang, signed, expected):
    assert fmt.euro_cents(euros, lang, signed) == expected
