"""Exact, vectorised parsing of amounts written the Dutch or the English way.

``"1.234,56"``, ``"1,234.56"``, ``"(1.234)"``, ``"1.234-"``, ``"€ 1 234"`` and ``"-"`` are all
understood; the result is an integer number of euro cents (``Int64``), never a float. A value
that is not a number, is more precise than a cent, or too large, gets a status instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

#: Status values returned next to each parsed amount.
OK, EMPTY, INVALID, TOO_PRECISE, TOO_LARGE, EXPONENT, DATE, OTHER_DIGITS = (
    None, "empty", "invalid", "too-precise", "too-large", "exponent", "date", "other-digits")
#: The largest amount one cell may hold, in cents: € 1.000.000.000.000 (a thousand billion euros,
#: twice the Dutch national budget). With this bound and the bound on an edition's sum of
#: amounts (begroot.project.MAX_EDITION_CENTS) no sum begroot makes can leave 64 bits.
MAX_CENTS = 10**14
DATE_RE = r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}[-/][0-9]{1,2}[-/][0-9]{2,4})([ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?$"

EMPTY_WORDS = ["", "-", "n.v.t.", "n.v.t", "nvt", "n/a", "na", "nfp", ".."]  # nfp: "not for publication"

_PATTERN = {
    ",": r"^([1-9][0-9]{0,2}(\.[0-9]{3})+|[0-9]+)(,[0-9]+)?$",
    ".": r"^([1-9][0-9]{0,2}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$",
}
FRACTION_DIGITS = 6  # digits after the decimal separator that are kept exactly

# Only ASCII digits are digits here: Polars' \d also matches "١٢٣" and "１２３", which would
# pass the patterns and then fail to cast, leaving a cell with no amount and no message.


def _bodies(raw: pl.Series) -> pl.DataFrame:
    """Split raw text into an unsigned body and a negative flag."""
    df = pl.DataFrame({"raw": raw.cast(pl.String)})
    # A column of nothing but digits, marks and minus signs (most exports) has no spaces, euro
    # signs, other minus signs or brackets to take out: those passes are left out (each is a
    # pass over every cell of a million-line file); the result is the same.
    plain = not df.select(pl.col("raw").str.contains(r"[^0-9.,\-]").any()).item()
    t = pl.col("raw").fill_null("") if plain else (
        pl.col("raw").fill_null("")
        .str.replace_all(r"[\s\u00a0\u202f']", "")
        .str.replace_all(r"(?i)€|eur", "")
        .str.replace_all("\u2212", "-")
    )
    df = df.with_columns(t.alias("t"))
    paren = pl.lit(False) if plain else pl.col("t").str.contains(r"^\(.*\)$")
    df = df.with_columns(
        paren.alias("paren"),
        pl.when(paren).then(pl.col("t").str.slice(1).str.strip_suffix(")")).otherwise(pl.col("t")).alias("t"),
    )
    trail = pl.col("t").str.contains(r"^[0-9.,]+-$")
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
        (pl.col("raw").fill_null("") if plain else pl.col("raw").fill_null("").str.strip_chars().str.to_lowercase())
        .is_in(EMPTY_WORDS).alias("empty"),
    )


@dataclass(frozen=True)
class Notation:
    """How a column writes its numbers, as proven by its cells.

    ``decimal`` is the decimal mark the cells prove (``","`` or ``"."``), or None when no cell
    decides it. ``ambiguous`` holds up to two cells that read both ways ("1,652": 1652 with a
    thousands separator, or 1.652 with a decimal mark); ``conflict`` two cells that prove
    different marks ("1.234,5" and "1,234.5"). A column is readable when it has a decimal, or
    when none of its cells is ambiguous (integers only).
    """

    decimal: str | None
    ambiguous: tuple[str, ...] = ()
    conflict: tuple[str, ...] = ()

    @property
    def decided(self) -> bool:
        return not self.conflict and (self.decimal is not None or not self.ambiguous)

    def mark(self) -> str:
        """The decimal mark to read the column with (any mark reads a column of integers)."""
        if not self.decided:
            raise ValueError("the column's notation is not decided")
        return self.decimal or ","


# What one cell proves, from its unsigned body ("1.234,5" -> ","); see decide_notation.
_BOTH_POINT_LAST = r"^[1-9][0-9]{0,2}(,[0-9]{3})+\.[0-9]+$"     # "1,234.5"
_BOTH_COMMA_LAST = r"^[1-9][0-9]{0,2}(\.[0-9]{3})+,[0-9]+$"     # "1.234,5"
_GROUPS = {  # two or more groups of three: the other mark separates thousands
    ",": r"^[1-9][0-9]{0,2}(\.[0-9]{3}){2,}$",
    ".": r"^[1-9][0-9]{0,2}(,[0-9]{3}){2,}$",
}
_AMBIGUOUS = r"^[1-9][0-9]{0,2}[.,][0-9]{3}$"               # "1,652" / "4.621": one mark, three digits after


def decide_notation(raw: pl.Series) -> Notation:
    """Decide a column's decimal mark from all its cells, never from the site's language.

    A cell proves the decimal mark when it can be read only one way: both marks in the cell (the
    last is the decimal mark, "1.234,56"), repeated groups of three ("1.234.567": the point
    separates thousands), or one mark not followed by exactly three digits ("12,5", "1234,567",
    "0,125"). A cell with one mark followed by exactly three digits ("1,652") reads both ways.
    Cells that are not numbers at all are left to the parser, which reports them.
    """
    bodies = _bodies(raw)
    notation = _decide(bodies["t"])
    wanted = set(notation.ambiguous) | set(notation.conflict)
    if not wanted:
        return notation
    as_written = (bodies.filter(pl.col("t").is_in(list(wanted))).unique("t", keep="first", maintain_order=True)
                  .select("t", pl.col("raw").str.strip_chars()).iter_rows())
    written = dict(as_written)
    return Notation(notation.decimal, tuple(written[v] for v in notation.ambiguous),
                    tuple(written[v] for v in notation.conflict))


def _decide(t: pl.Series) -> Notation:
    t = t.drop_nulls()
    t = t.filter(t.str.contains(r"^[0-9.,]*[0-9][0-9.,]*$"))
    proves_comma = t.filter(_proves(t, ","))
    proves_point = t.filter(_proves(t, "."))
    ambiguous = tuple(t.filter(t.str.contains(_AMBIGUOUS)).unique(maintain_order=True).head(2).to_list())
    if len(proves_comma) and len(proves_point):
        return Notation(None, ambiguous, (proves_comma[0], proves_point[0]))
    if len(proves_comma):
        return Notation(",", ambiguous)
    if len(proves_point):
        return Notation(".", ambiguous)
    return Notation(None, ambiguous)


def _proves(t: pl.Series, mark: str) -> pl.Series:
    """Which unsigned bodies can be read only with ``mark`` as the decimal mark."""
    other = "." if mark == "," else ","
    single = rf"^[0-9]+\{mark}[0-9]+$"
    return (t.str.contains(_BOTH_COMMA_LAST if mark == "," else _BOTH_POINT_LAST)
            | t.str.contains(_GROUPS[mark])
            | (t.str.contains(single) & ~t.str.contains(_AMBIGUOUS))
            | t.str.contains(rf"^[0-9]+\{mark}$")            # "12," or "12." (a bare mark)
            & ~t.str.contains(rf"\{other}"))


def detect_decimal(raw: pl.Series) -> str:
    """The decimal mark a column's cells prove; ValueError when they do not decide it."""
    notation = decide_notation(raw)
    if not notation.decided:
        raise ValueError(f"the notation of the column is not decided: {notation}")
    return notation.mark()


def parse_amounts(raw: pl.Series, *, decimal: str, unit: int = 1,
                  round_to_cents: bool = False, limit: int | None = MAX_CENTS) -> pl.DataFrame:
    """Parse a column of amount texts.

    Returns a frame with ``cents`` (Int64, exact; null where there is no amount) and
    ``status`` (null when fine, else one of the status constants). ``unit`` is the number of
    euros one unit in the file stands for (1000 for a file in thousands). ``decimal="auto"``
    takes the separator the values prove (see :func:`decide_notation`) and raises ValueError
    when they do not decide it. ``round_to_cents`` rounds amounts more precise than a cent half up (on six
    decimals of the file's unit) instead of reporting them. An amount beyond ``limit`` cents
    is TOO_LARGE.
    """
    df = _bodies(raw)
    if decimal == "auto":
        notation = _decide(df["t"])
        if not notation.decided:
            raise ValueError(f"the notation of the column is not decided: {notation}")
        decimal = notation.mark()
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
    frac_cents_scaled = pl.col("frac6").cast(pl.Int64, strict=False) * scale
    half = 10**FRACTION_DIGITS // 2 if round_to_cents else 0
    magnitude = (
        pl.col("int_part").cast(pl.Int64, strict=False) * scale
        + (frac_cents_scaled + half) // 10**FRACTION_DIGITS
    )
    # (more than 17 digits could overflow the product; the bound has 15)
    too_large = (pl.col("int_digits") + scale_digits > 17) | (
        (magnitude > limit) if limit is not None else pl.lit(False))
    sub_cent = pl.lit(False) if round_to_cents else (
        pl.col("beyond") | ((frac_cents_scaled % 10**FRACTION_DIGITS) != 0))
    status = (
        pl.when(pl.col("empty")).then(pl.lit(EMPTY))
        .when(pl.col("t").str.contains(r"[\d&&[^0-9]]")).then(pl.lit(OTHER_DIGITS))
        .when(pl.col("double_sign")).then(pl.lit(INVALID))
        .when(~pl.col("valid") & pl.col("t").str.contains(r"^[0-9]+([.,][0-9]+)?[eE][-+]?[0-9]+$")).then(pl.lit(EXPONENT))
        .when(~pl.col("valid") & pl.col("raw").fill_null("").str.strip_chars().str.contains(DATE_RE)).then(pl.lit(DATE))
        .when(~pl.col("valid")).then(pl.lit(INVALID))
        .when(too_large).then(pl.lit(TOO_LARGE))
        .when(sub_cent).then(pl.lit(TOO_PRECISE))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    df = df.with_columns(status.alias("status"))
    ok = pl.col("status").is_null()
    cents = pl.when(ok).then(pl.when(pl.col("negative")).then(-magnitude).otherwise(magnitude))
    out = df.select(cents.cast(pl.Int64).alias("cents"), pl.col("status"))
    # A cell is an amount, empty, or has a status: never a silent "no amount".
    return out.with_columns(
        pl.when(pl.col("cents").is_null() & pl.col("status").is_null()).then(pl.lit(INVALID))
        .otherwise(pl.col("status")).alias("status"))


def parse_numbers(raw: pl.Series, decimal: str) -> list[Decimal | None]:
    """Parse a column of plain numbers (indicator values) exactly; None where not a number.

    A value that can be read only one way is read that way (indicator columns mix units: "12,5"
    beside "1.234.567"); a value that reads both ways ("1.234") is read with ``decimal``, the
    mark the column proves (see :func:`decide_notation`; the caller stops when it proves none).
    """

    frame = _bodies(raw)
    # unit 10,000 makes "cents" millionths, so six decimals stay exact
    as_comma = parse_amounts(raw, decimal=",", unit=10_000, limit=None)
    as_point = parse_amounts(raw, decimal=".", unit=10_000, limit=None)
    use_point = (_proves(frame["t"], ".") | (~_proves(frame["t"], ",") & (decimal == "."))).to_list()
    out: list[Decimal | None] = []
    for text, point, c_val, c_st, p_val, p_st in zip(frame["t"], use_point, as_comma["cents"],
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


def parse_number(text: str, decimal: str) -> Decimal | None:
    """Parse one number exactly; None when it is not a number."""
    return parse_numbers(pl.Series([text], dtype=pl.String), decimal)[0]
