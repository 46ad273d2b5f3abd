"""Exact, vectorised parsing of amounts written the Dutch or the English way.

``"1.234,56"``, ``"1,234.56"``, ``"(1.234)"``, ``"1.234-"``, ``"€ 1 234"`` and ``"-"`` are all
understood; the result is an integer number of euro cents (``Int64``), never a float. A value
that is not a number, is more precise than a cent, or too large, gets a status instead.
"""

from __future__ import annotations

import polars as pl

#: Status values returned next to each parsed amount.
OK, EMPTY, INVALID, TOO_PRECISE, TOO_LARGE, EXPONENT, DATE = (
    None, "empty", "invalid", "too-precise", "too-large", "exponent", "date")
DATE_RE = r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/]\d{1,2}[-/]\d{2,4})([ T]\d{1,2}:\d{2}(:\d{2})?)?$"

EMPTY_WORDS = ["", "-", "n.v.t.", "n.v.t", "nvt", "n/a", "na", "nfp", ".."]  # nfp: "not for publication"

_PATTERN = {
    ",": r"^(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$",
    ".": r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$",
}
FRACTION_DIGITS = 6  # digits after the decimal separator that are kept exactly


def _bodies(raw: pl.Series) -> pl.DataFrame:
    """Split raw text into an unsigned body and a negative flag."""
    df = pl.DataFrame({"raw": raw.cast(pl.String)})
    t = (
        pl.col("raw").fill_null("")
        .str.replace_all(r"[\s\u00a0\u202f']", "")
        .str.replace_all(r"(?i)€|eur", "")
        .str.replace_all("\u2212", "-")
    )
    df = df.with_columns(t.alias("t"))
    paren = pl.col("t").str.contains(r"^\(.*\)$")
    df = df.with_columns(
        paren.alias("paren"),
        pl.when(paren).then(pl.col("t").str.slice(1).str.strip_suffix(")")).otherwise(pl.col("t")).alias("t"),
    )
    trail = pl.col("t").str.contains(r"^[\d.,]+-$")
    df = df.with_columns(
        trail.alias("trail"),
        pl.when(trail).then(pl.col("t").str.strip_suffix("-")).otherwise(pl.col("t")).alias("t"),
    )
    lead = pl.col("t").str.contains(r"^[-+]")
    df = df.with_columns(
        (lead & pl.col("t").str.starts_with("-")).alias("lead"),
        pl.when(lead).then(pl.col("t").str.slice(1)).otherwise(pl.col("t")).alias("t"),
    )
    signs = pl.col("paren").cast(pl.Int8) + pl.col("trail").cast(pl.Int8) + pl.col("lead").cast(pl.Int8)
    return df.with_columns(
        (signs == 1).alias("negative"),
        (signs > 1).alias("double_sign"),
        pl.col("raw").fill_null("").str.strip_chars().str.to_lowercase().is_in(EMPTY_WORDS).alias("empty"),
    )


def detect_decimal(raw: pl.Series, default: str = ",") -> str:
    """Decide a column's decimal separator from all its values.

    A value with both '.' and ',' decides by the last one; otherwise a separator followed by
    other than exactly three digits is a decimal separator; repeated groups of three are
    thousands separators; anything still ambiguous ("1.234") follows ``default`` (the locale).
    """
    return _detect(_bodies(raw)["t"], default)


def _detect(t: pl.Series, default: str) -> str:
    if t.str.contains(r"\.\d*,\d*$").any():
        return ","
    if t.str.contains(r",\d*\.\d*$").any():
        return "."
    if t.str.contains(r",(\d{1,2}|\d{4,})$").any():
        return ","
    if t.str.contains(r"\.(\d{1,2}|\d{4,})$").any():
        return "."
    if t.str.contains(r"\d\.\d{3}\.\d{3}").any():
        return ","
    if t.str.contains(r"\d,\d{3},\d{3}").any():
        return "."
    return default


def parse_amounts(raw: pl.Series, *, decimal: str, unit: int = 1, default: str = ",",
                  round_to_cents: bool = False) -> pl.DataFrame:
    """Parse a column of amount texts.

    Returns a frame with ``cents`` (Int64, exact; null where there is no amount) and
    ``status`` (null when fine, else one of the status constants). ``unit`` is the number of
    euros one unit in the file stands for (1000 for a file in thousands). ``decimal="auto"``
    detects the separator from the values (see :func:`detect_decimal`), falling back to
    ``default``. ``round_to_cents`` rounds amounts more precise than a cent half up (on six
    decimals of the file's unit) instead of reporting them.
    """
    df = _bodies(raw)
    if decimal == "auto":
        decimal = _detect(df["t"], default)
    if decimal not in _PATTERN:
        raise ValueError(f"decimal must be ',' or '.', not {decimal!r}")
    thousands = "." if decimal == "," else ","
    scale = unit * 100  # cents per unit
    scale_digits = len(str(scale)) - 1
    valid = pl.col("t").str.contains(_PATTERN[decimal])
    plain = pl.col("t").str.replace_all(thousands, "", literal=True)
    df = df.with_columns(
        valid.alias("valid"),
        plain.str.split(decimal).list.get(0, null_on_oob=True).alias("int_part"),
        plain.str.split(decimal).list.get(1, null_on_oob=True).fill_null("").alias("frac"),
    )
    df = df.with_columns(
        pl.col("int_part").str.strip_chars_start("0").str.len_chars().alias("int_digits"),
        (pl.col("frac").str.slice(FRACTION_DIGITS).str.strip_chars("0").str.len_chars() > 0).alias("beyond"),
        (pl.col("frac") + "000000").str.slice(0, FRACTION_DIGITS).alias("frac6"),
    )
    too_large = pl.col("int_digits") + scale_digits > 18
    frac_cents_scaled = pl.col("frac6").cast(pl.Int64, strict=False) * scale
    sub_cent = pl.lit(False) if round_to_cents else (
        pl.col("beyond") | ((frac_cents_scaled % 10**FRACTION_DIGITS) != 0))
    status = (
        pl.when(pl.col("empty")).then(pl.lit(EMPTY))
        .when(pl.col("double_sign")).then(pl.lit(INVALID))
        .when(~pl.col("valid") & pl.col("t").str.contains(r"^\d+([.,]\d+)?[eE][-+]?\d+$")).then(pl.lit(EXPONENT))
        .when(~pl.col("valid") & pl.col("raw").fill_null("").str.strip_chars().str.contains(DATE_RE)).then(pl.lit(DATE))
        .when(~pl.col("valid")).then(pl.lit(INVALID))
        .when(too_large).then(pl.lit(TOO_LARGE))
        .when(sub_cent).then(pl.lit(TOO_PRECISE))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    df = df.with_columns(status.alias("status"))
    ok = pl.col("status").is_null()
    half = 10**FRACTION_DIGITS // 2 if round_to_cents else 0
    magnitude = (
        pl.col("int_part").cast(pl.Int64, strict=False) * scale
        + (frac_cents_scaled + half) // 10**FRACTION_DIGITS
    )
    cents = pl.when(ok).then(pl.when(pl.col("negative")).then(-magnitude).otherwise(magnitude))
    return df.select(cents.cast(pl.Int64).alias("cents"), pl.col("status"))


def parse_numbers(raw: pl.Series, decimal: str = ",") -> "list[Decimal | None]":
    """Parse a column of plain numbers (indicator values) exactly; None where not a number.

    Each value decides its own separator (indicator columns mix units), ambiguous ones follow
    ``decimal``.
    """
    from decimal import Decimal

    frame = _bodies(raw)
    has_comma_decimal = frame["t"].str.contains(r",\d*$") & ~frame["t"].str.contains(r"^\d{1,3}(,\d{3})+$")
    has_point_decimal = frame["t"].str.contains(r"\.\d*$") & ~frame["t"].str.contains(r"^\d{1,3}(\.\d{3})+$")
    # unit 10,000 makes "cents" millionths, so six decimals stay exact
    as_comma = parse_amounts(raw, decimal=",", unit=10_000)
    as_point = parse_amounts(raw, decimal=".", unit=10_000)
    use_point = has_point_decimal | (~has_comma_decimal & (decimal == "."))
    out: list[Decimal | None] = []
    for text, point, c_val, c_st, p_val, p_st in zip(frame["t"], use_point.to_list(), as_comma["cents"],
                                                     as_comma["status"], as_point["cents"], as_point["status"]):
        micro, status = (p_val, p_st) if point else (c_val, c_st)
        if status is not None or micro is None:
            out.append(None)
            continue
        # keep the precision as written: "9,0" stays 9.0
        sep = "." if point else ","
        written = len(text.rsplit(sep, 1)[1]) if sep in text and not text.endswith(sep) else 0
        exact = Decimal(micro).scaleb(-FRACTION_DIGITS)
        out.append(exact.quantize(Decimal(1).scaleb(-min(written, FRACTION_DIGITS))))
    return out


def parse_number(text: str, decimal: str = ",") -> "Decimal | None":
    """Parse one number exactly; None when it is not a number."""
    return parse_numbers(pl.Series([text], dtype=pl.String), decimal)[0]
