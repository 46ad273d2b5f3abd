"""Which rows of a finance export are counted, and an account of every row that is not.

A row is left out of the figures only for a reason that can be shown: it is blank, it repeats
the header, it is filtered out by ``filter`` in begroot.toml, it has no amount at all, or it is
a subtotal. A row is a subtotal only when that is proven: the export marks it so in the column
that ``total_column`` names, or its amounts equal the sum of the rows it closes (the rows since
an earlier proven subtotal, or since the start of the file). A row whose text looks like a total
("Totaal onderhoud wegen") but does not add up is an ordinary line: counted, with a warning.

Every row not counted is kept with its amounts (:class:`Uncounted`), so that the published
total and the rows not counted account for every number in the file (:class:`Accounting`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import Problems

#: A cell that names its row a total of other rows: "Totaal", "Subtotaal …", "TOTAAL LASTEN",
#: "Generaal totaal", "Eindtotaal", "Total" (English exports).
_TOTAL_WORD_PATTERN = r"^\s*(sub|eind|generaal\s+)?tota(a)?l\b"
TOTAL_WORD_RE = "(?i)" + _TOTAL_WORD_PATTERN          # for Polars
_TOTAL_WORD = re.compile(_TOTAL_WORD_PATTERN, re.IGNORECASE)

#: Reasons a row is not counted, in the order a summary lists them (Dutch labels live in the
#: site's strings; these are the codes).
REASONS = ("subtotal", "repeated-header", "filtered", "no-amount", "blank")
REASON_TEXT = {  # for the terminal (English, like every CLI message)
    "subtotal": ("subtotal", "subtotals"),
    "repeated-header": ("repeated header", "repeated headers"),
    "filtered": ("filtered out", "filtered out"),
    "no-amount": ("row without an amount", "rows without an amount"),
    "blank": ("blank row", "blank rows"),
}


@dataclass
class Uncounted:
    """One row that is not counted, with why and its amounts (cents per amount column)."""

    row: int
    reason: str
    label: str                      # the row's text, as a reader recognises it
    amounts: dict[str, int] = field(default_factory=dict)
    closes: tuple[int, int] | None = None   # a proven subtotal: the first and last row it is the sum of
    marker: str | None = None               # a subtotal marked by the export: the column that marks it


@dataclass
class ColumnSums:
    """One amount column: the sum of all its numbers, of those counted and of those not."""

    header: str
    total: int = 0
    counted: int = 0
    uncounted: int = 0
    unit: int = 1                   # euros per unit in the file (the sums are in cents)


@dataclass
class Accounting:
    """Everything read from one finance file, counted or not."""

    file: str
    rows: int = 0                   # data rows under the header
    counted: int = 0
    reasons: dict[str, int] = field(default_factory=dict)   # reason -> rows
    listed: list[Uncounted] = field(default_factory=list)   # rows not counted, one by one
    filtered_sums: dict[str, int] = field(default_factory=dict)  # amount column -> cents of filtered rows
    filter_text: str = ""
    columns: list[ColumnSums] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)           # rows kept by keep_rows

    @property
    def not_counted(self) -> int:
        return sum(self.reasons.values())

    def balanced(self) -> bool:
        """Every number of the file is either counted or in the account of rows not counted."""
        return all(c.total == c.counted + c.uncounted for c in self.columns)

    def summary(self) -> str:
        """'12.345 rows read, 12.300 counted, 45 not counted: 40 subtotals, 5 repeated headers'."""
        from babel.numbers import format_decimal

        n = lambda v: format_decimal(v, locale="nl_NL")  # noqa: E731
        text = f"{n(self.rows)} rows read, {n(self.counted)} counted"
        if self.not_counted:
            parts = [f"{n(self.reasons[r])} {REASON_TEXT[r][self.reasons[r] != 1]}"
                     for r in REASONS if self.reasons.get(r)]
            text += f", {n(self.not_counted)} not counted: " + ", ".join(parts)
        return text


def total_word(values) -> tuple[str, str] | None:
    """The first cell (of ``(header, value)`` pairs) whose text starts with a total word, as
    (header, value)."""
    for header, value in values:
        if value and _TOTAL_WORD.match(value.strip()):
            return header, value
    return None


def prove_subtotals(candidates: list[tuple[int, tuple[int, ...] | None, tuple]],
                    prefix: dict[tuple, list[tuple[int, ...]]],
                    unproven: dict[int, tuple[int, tuple[int, ...]]] | None = None) -> dict[int, int]:
    """Which candidate rows are the sum of the rows they close.

    ``candidates``: in file order, per row that looks like a total its index in the file's
    rows, its amounts (one per amount column; None when a cell is not a number, which proves
    nothing) and its key (the values of its kind, year and BBV-column cells, so that "Totaal
    lasten" is compared with the lasten rows above it). ``prefix``: per key filter (see
    :func:`filter_of`), for each candidate the sum of the amounts of the rows before it that are
    not candidates and match the filter.

    A candidate is proven when its amounts equal the sum of the rows from a start up to it,
    where a start is the beginning of the file or the row after an earlier candidate (proven or
    not: a total that does not add up, say one rounded, still ends its block, so the exact total
    of the next block is proven), and the rows summed are the non-candidates and the unproven
    candidates (an unproven candidate is an ordinary row). Candidates are decided in file order.
    Returns {candidate index: index of the first row it closes}. ``unproven``, when given, is
    filled for each candidate with amounts that is not proven: {candidate index: (index of the
    first row of the window it was compared with, the sum of that window)}; the window is the
    one since the latest start, of the rows that match the candidate's key.
    """
    if not candidates:
        return {}
    width = len(next(iter(prefix.values()))[0]) if prefix else 0
    zero = (0,) * width
    extra = {f: zero for f in prefix}                  # unproven candidates so far, per filter
    starts = {f: {zero: 0} for f in prefix}            # running sum at a start -> first row index
    latest = {f: (zero, 0) for f in prefix}            # the latest start: its running sum, first row
    proven: dict[int, int] = {}
    for n, (index, vector, key) in enumerate(candidates):
        f = filter_of(key)
        running = {g: _plus(prefix[g][n], extra[g]) for g in prefix}
        if vector is not None:
            first = starts[f].get(_minus(running[f], vector))
            if first is not None:
                proven[index] = first
            else:
                if unproven is not None:
                    unproven[index] = (latest[f][1], _minus(running[f], latest[f][0]))
                for g in prefix:
                    if _matches(key, g):
                        extra[g] = _plus(extra[g], vector)
                        running[g] = _plus(running[g], vector)
        for g in prefix:                               # the row after a candidate starts a block
            starts[g].setdefault(running[g], index + 1)
            latest[g] = (running[g], index + 1)
    return proven


def filter_of(key: tuple) -> tuple:
    """The key cells a candidate is compared on: its non-empty ones, by position."""
    return tuple((pos, value) for pos, value in enumerate(key) if value)


def _matches(key: tuple, filt: tuple) -> bool:
    return all(key[pos] == value for pos, value in filt)


def _plus(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b))


def _minus(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x - y for x, y in zip(a, b))


def span_text(rows: list[int], first: int, last: int) -> str:
    """'rows 2–7' for the rows at indexes first..last of ``rows`` (the file's row numbers)."""
    if last < first:
        return "no rows"
    return f"row {rows[first]}" if first == last else f"rows {rows[first]}–{rows[last]}"


def row_label(record: dict, headers: list[str]) -> str:
    """A row's text for a reader: its non-empty text cells, joined."""
    parts = [str(record[h]).strip() for h in headers if record.get(h) not in (None, "") and str(record[h]).strip()]
    return " · ".join(parts)[:200]


def warn_counted_total(problems: Problems, file: str, row: int, header: str, value: str, detail: str = "") -> None:
    """Warn that a row that looks like a total is counted; ``detail`` says what it was compared with."""
    word = _TOTAL_WORD.match(value.strip()).group(0).strip()
    problems.warning(
        f"'{value.strip()}' (column \"{header}\") starts with '{word}', but the row's amounts are not the sum "
        "of the rows above it, so it is counted as an ordinary line" + (f"; {detail}" if detail else ""),
        file=file, row=row, column=header, code="total-word-counted",
        hint="if the row is a total of other rows, name its marker column as total_column in begroot.toml; "
             "otherwise nothing to do")

