import datetime as dt
from decimal import Decimal

import pytest

from begroot.render import format as fmt


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
