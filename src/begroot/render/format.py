"""Display formats through Babel: amounts, percentages, units and timestamps, Dutch or English.

Amounts arrive as exact ``Decimal`` euros and are rounded once, here, to the display unit with
ROUND_HALF_UP (the usual commercial rounding); nothing is ever converted to float.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from functools import cache

from babel import Locale
from babel.numbers import format_compact_currency, format_decimal, parse_pattern

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
DASH = "–"


def _locale(language: str) -> str:
    return LOCALES.get(language, language)


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse(_locale(language))


@cache
def _pattern(pattern: str):
    return parse_pattern(pattern)


def _apply(pattern: str, value: Decimal, language: str) -> str:
    """Babel's formatting with the pattern parsed once (pages format tens of thousands of numbers)."""
    return _pattern(pattern).apply(value, _babel_locale(language))


def rounded(euros: Decimal, unit: int) -> Decimal:
    """Euros in display units, rounded half up to whole units."""
    return (euros / Decimal(unit)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def money(euros: Decimal | None, unit: int = 1000, language: str = "nl") -> str:
    """``Decimal('799099000')`` with unit 1000 -> ``'799.099'``; negatives get a minus sign."""
    if euros is None:
        return DASH
    value = rounded(euros, unit)
    if value == 0:
        value = Decimal(0)  # never "-0"
    return _apply("#,##0;-#,##0", value, language)


def pct(fraction: Decimal | None, language: str = "nl") -> str:
    """``Decimal('0.6')`` -> ``'60,0 %'`` (nl) or ``'60.0 %'`` (en); None -> a dash."""
    if fraction is None:
        return DASH
    value = (fraction * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _apply("#,##0.0", value, language) + " %"


def unit_label(unit: int, language: str = "nl") -> str:
    """The unit shown with tables: 'x € 1.000'."""
    if unit == 1:
        return "€"
    if unit == 1_000_000:
        return "x € 1 mln" if language == "nl" else "x € 1 million"
    return "x € " + format_decimal(unit, locale=_locale(language))


def compact(euros: Decimal, language: str = "nl") -> str:
    """'€ 1,3 mld.': a short amount for running text."""
    return format_compact_currency(euros, "EUR", locale=_locale(language), fraction_digits=1)


def euro(euros: Decimal | None, language: str = "nl") -> str:
    """Whole euros with the sign: per-inhabitant amounts ('€ 5.463')."""
    if euros is None:
        return DASH
    value = euros.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return "€ " + format_decimal(value, format="#,##0;-#,##0", locale=_locale(language))


def number(value: Decimal | int, language: str = "nl") -> str:
    """A plain number as written in the language: 243.768, 12,5."""
    return format_decimal(value, locale=_locale(language))


def stamp(moment: dt.datetime | None) -> str | None:
    """'11/07/2023 15:35:31', as the footer of every page shows times."""
    return moment.strftime("%d/%m/%Y %H:%M:%S") if moment else None


def iso(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""
