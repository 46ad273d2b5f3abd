"""Display formats through Babel: amounts, percentages, units and timestamps, Dutch or English.

Amounts arrive as exact ``Decimal`` euros and are rounded once, here, to the display unit with
ROUND_HALF_UP (the usual commercial rounding); nothing is ever converted to float.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_compact_currency, format_decimal, get_currency_symbol, parse_pattern
from babel.units import format_unit

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
DASH = "–"
STAMP_PATTERN = "dd/MM/yyyy HH:mm:ss"   # CLDR pattern of the footer stamp, as the seed shows it


def _locale(language: str) -> str:
    """Babel locale for a site language: 'nl' -> 'nl_NL'; a full locale ('en_GB') passes through."""
    return LOCALES.get(language, language)


def _language(language: str) -> str:
    """The site language of a language or locale: 'nl_NL' -> 'nl'."""
    return language.replace("-", "_").split("_")[0]


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse(_locale(language))


@cache
def _pattern(pattern: str):
    return parse_pattern(pattern)


def _apply(pattern: str, value: Decimal, language: str) -> str:
    """Babel's formatting with the pattern parsed once, and each value formatted once: a site
    formats the same figures on many pages (the large benchmark city: 77,849 numbers, 22,330
    different). The key is the value's sign, digits and exponent, which Decimal's equality
    would not tell apart (``Decimal("1")`` equals ``Decimal("1.0")``)."""
    return _formatted(pattern, value.as_tuple(), language)


@lru_cache(maxsize=1 << 16)
def _formatted(pattern: str, value: tuple, language: str) -> str:
    return _pattern(pattern).apply(Decimal(value), _babel_locale(language))


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
    return _apply("#,##0;-#,##0", value, language)  # each value formatted once (see _apply)


def pct(fraction: Decimal | None, language: str = "nl") -> str:
    """``Decimal('0.6')`` -> ``'60,0 %'`` (nl) or ``'60.0 %'`` (en); None -> a dash."""
    if fraction is None:
        return DASH
    # Round half up to a tenth of a percent first; the pattern then only scales by 100.
    value = fraction.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if value == 0:
        value = Decimal(0)  # never "-0,0 %"
    return _apply("#,##0.0 %", value, language)


def signed_money(euros: Decimal | None, unit: int = 1000, language: str = "nl") -> str:
    """A difference in display units with its sign: '+12.345', '-678', '0'."""
    if euros is None:
        return DASH
    value = rounded(euros, unit)
    if value == 0:
        return _apply("#,##0", Decimal(0), language)
    return _apply("+#,##0;-#,##0", value, language)


def change(fraction: Decimal | None, language: str = "nl") -> str:
    """A relative change with its sign: Decimal('0.0434') -> '+4,3 %'; None -> a dash."""
    if fraction is None:
        return DASH
    value = fraction.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    if value == 0:
        return _apply("#,##0.0 %", Decimal(0), language)
    return _apply("+#,##0.0 %;-#,##0.0 %", value, language)


def symbol(currency: str = "EUR", language: str = "nl") -> str:
    """The currency's symbol in the language: '€'; 'AU$' (nl) or 'A$' (en) for Australian dollars."""
    return get_currency_symbol(currency, locale=_locale(language))


def unit_label(unit: int, language: str = "nl", currency: str = "EUR") -> str:
    """The unit shown with tables: 'x € 1.000'."""
    sign = symbol(currency, language)
    if unit == 1:
        return sign
    if unit == 1_000_000:
        return f"x {sign} 1 mln" if _language(language) == "nl" else f"x {sign} 1 million"
    return f"x {sign} " + format_decimal(unit, locale=_locale(language))


def compact(euros: Decimal, language: str = "nl", currency: str = "EUR") -> str:
    """'€ 1,3 mld.': a short amount for running text."""
    return format_compact_currency(euros, currency, locale=_locale(language), fraction_digits=1)


def euro(euros: Decimal | None, language: str = "nl", currency: str = "EUR") -> str:
    """Whole euros with the sign: per-inhabitant amounts ('€ 5.463')."""
    if euros is None:
        return DASH
    value = euros.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return symbol(currency, language) + " " + format_decimal(value, format="#,##0;-#,##0", locale=_locale(language))


def euro_cents(euros: Decimal | None, language: str = "nl", signed: bool = False, currency: str = "EUR") -> str:
    """Euros with cents and the sign, for per-inhabitant figures: '€ 3.279,33' (nl), '€ 3,279.33' (en);
    ``signed`` (a difference): '€ +12,34' and '€ -12,34', as the other differences show their sign.

    Rounded half up to the cent here, once; the value itself stays exact until now.
    """
    if euros is None:
        return DASH
    value = euros.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value == 0:
        value = Decimal("0.00")  # never "-0,00" (nor "+0,00")
    pattern = "+#,##0.00;-#,##0.00" if signed and value != 0 else "#,##0.00;-#,##0.00"
    return symbol(currency, language) + "\u00a0" + _apply(pattern, value, language)


def number(value: Decimal | int, language: str = "nl") -> str:
    """A plain number as written in the language, with the decimals it was given: 243.768, 9,0."""
    places = -value.as_tuple().exponent if isinstance(value, Decimal) and value.as_tuple().exponent < 0 else 0
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""), locale=_locale(language))


def exact_number(value: Decimal | int, language: str = "nl") -> str:
    """A number with every digit it has and none more: 100448.31692 -> '100.448,31692', 12.50 -> '12,5'."""
    value = Decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number(value, language)


def file_size(size: int, language: str = "nl") -> str:
    """A file's size in decimal units (1 kB = 1000 bytes), as written in the language:
    850 -> '850 byte', 12_345 -> '12 kB', 8_456 -> '8,5 kB', 1_234_567 -> '1,2 MB' (nl)."""
    if size < 1000:
        value, unit, places = Decimal(size), "digital-byte", 0
    elif size < 999_500:  # what would round to 1.000 kB is shown as 1,0 MB
        value, unit, places = Decimal(size) / 1000, "digital-kilobyte", 1 if size < 9_950 else 0
    else:
        value, unit, places = Decimal(size) / 1_000_000, "digital-megabyte", 1 if size < 99_950_000 else 0
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_unit(value, unit, length="short", format=pattern, locale=_locale(language))


def datetime_stamp(moment: dt.datetime, language: str = "nl") -> str:
    """'11/07/2023 15:35:31' (DD/MM/YYYY HH:MM:SS), as the footer of every page shows times."""
    return format_datetime(moment, STAMP_PATTERN, locale=_locale(language))


def stamp(moment: dt.datetime | None) -> str | None:
    """:func:`datetime_stamp`, or None when the time is not known."""
    return datetime_stamp(moment) if moment else None


def iso(moment: dt.datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


class Formats:
    """The display formats of one site, its language and display unit bound once: what views and
    templates call (``money``, ``pct``, ``signed`` …)."""

    def __init__(self, language: str, unit: int, currency: str = "EUR"):
        self.language, self.unit, self.currency = language, unit, currency
        self.unit_label = unit_label(unit, language, currency)

    def money(self, euros: Decimal | None) -> str:
        return money(euros, self.unit, self.language)

    def pct(self, fraction: Decimal | None) -> str:
        return pct(fraction, self.language)

    def number(self, value: Decimal | int) -> str:
        return number(value, self.language)

    def signed(self, euros: Decimal | None) -> str:
        return signed_money(euros, self.unit, self.language)

    def change_pct(self, fraction: Decimal | None) -> str:
        return change(fraction, self.language)

    def euro(self, euros: Decimal | None) -> str:
        return euro(euros, self.language, self.currency)

    def euro_cents(self, euros: Decimal | None, signed: bool = False) -> str:
        return euro_cents(euros, self.language, signed, self.currency)

    def compact(self, euros: Decimal) -> str:
        return compact(euros, self.language, self.currency)

    def file_size(self, size: int) -> str:
        return file_size(size, self.language)
