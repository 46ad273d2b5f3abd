"""Rows of a finance export that are totals of other rows: found (a total word, an empty code and
description, or the export's own marker column), proven by their amounts, and left out, each
listed in the edition's account of rows not counted; look-alikes that are no total are counted,
with a warning."""

from __future__ import annotations

import polars as pl

from ..config import FinanceSource
from ..errors import Problems
from . import numbers
from .rows import TOTAL_WORD_RE, Accounting, Uncounted, filter_of, prove_subtotals, row_label, span_text, \
    total_word, warn_counted_total
from .tables import ROW, Table


def note(account: Accounting, reason: str, count: int) -> None:
    if count:
        account.reasons[reason] = account.reasons.get(reason, 0) + count


def list_uncounted(account: Accounting, rows: pl.DataFrame, reason: str, money: list[str], cents_of: dict[str, str],
          header: list[str], closes=None, marker: str | None = None) -> None:
    """Note rows that are not counted, with their amounts, in the account."""
    note(account, reason, rows.height)
    for record in rows.iter_rows(named=True):
        account.listed.append(Uncounted(
            row=record[ROW], reason=reason, label=row_label(record, header),
            amounts={h: record[cents_of[h]] for h in money if record[cents_of[h]] is not None},
            closes=closes(record[ROW]) if closes else None, marker=marker))



def drop_subtotals(table: Table, data: pl.DataFrame, source: FinanceSource, money: list[str],
                    cents_of: dict[str, str], status_of: dict[str, str], account: Accounting,
                    problems: Problems) -> pl.DataFrame:
    """Leave out the rows that are proven totals of other rows; warn about look-alikes that are counted.

    A candidate is a row with a total word ("Totaal", "Subtotaal", "Generaal totaal") in any of
    its text cells, mapped in begroot.toml or not, or a row whose code and description cells are
    all empty. It is a subtotal when the export marks it in ``total_column``, or when its amounts
    are the sum of the rows it closes (see :func:`begroot.read.rows.prove_subtotals`).
    """
    cols = source.columns
    rel = table.file
    text_columns = [h for h in table.header if h not in money and h not in source.amounts]
    keep_rows = set(source.keep_rows)
    marked = pl.lit(False)
    if source.total_column:
        values = [v.strip().lower() for v in source.total_values]
        marked = pl.col(source.total_column).str.strip_chars().str.to_lowercase().is_in(values).fill_null(False)
    word = pl.any_horizontal([pl.col(c).str.contains(TOTAL_WORD_RE).fill_null(False) for c in text_columns]) \
        if text_columns else pl.lit(False)
    labels = [c for c in (cols.taakveld, cols.programme, cols.categorie, cols.description) if c]
    unlabeled = pl.all_horizontal([pl.col(c).str.contains(r"\S").fill_null(False).not_() for c in labels]) \
        if labels else pl.lit(False)
    data = data.with_columns(marked.alias("__marked"), (word | unlabeled).alias("__candidate"))
    by_marker = data.filter(pl.col("__marked") & ~pl.col(ROW).is_in(list(keep_rows)))
    for row in by_marker[ROW].to_list():
        problems.warning(f"the export marks the row as a total in column \"{source.total_column}\"; it was not "
                         "counted, so its money is not counted twice", file=rel, row=row,
                         column=source.total_column, code="subtotal-row",
                         hint="nothing to do; the row is listed in the verantwoording")
    list_uncounted(account, by_marker, "subtotal", money, cents_of, text_columns, marker=source.total_column)
    data = data.filter(~pl.col("__marked") | pl.col(ROW).is_in(list(keep_rows)))
    data = data.with_columns(pl.int_range(0, pl.len()).alias("__index"))
    if not data["__candidate"].any():
        return data.drop("__index", "__marked", "__candidate")

    # Compare each candidate with the rows above it that agree on kind, year and BBV column.
    key_columns = [c for c in (cols.kind, cols.year, cols.column) if c]
    key_expr = [pl.col(c).fill_null("").str.strip_chars().str.to_lowercase() for c in key_columns]
    candidates_frame = data.filter(pl.col("__candidate"))
    cand_index = candidates_frame["__index"].to_list()
    keys = list(candidates_frame.select(key_expr).iter_rows()) if key_columns else [()] * len(cand_index)
    ok = [candidates_frame[status_of[h]].is_null() | (candidates_frame[status_of[h]] == numbers.EMPTY) for h in money]
    vectors = []
    for n, values in enumerate(candidates_frame.select([pl.col(cents_of[h]).fill_null(0) for h in money]).iter_rows()):
        vectors.append(tuple(values) if all(o[n] for o in ok) else None)
    candidates = list(zip(cand_index, vectors, keys))
    prefix: dict[tuple, list[tuple[int, ...]]] = {}
    for f in {filter_of(k) for k in keys}:
        match = pl.lit(True)
        for pos, value in f:
            match = match & (key_expr[pos] == value)
        sums = data.select([
            pl.when(~pl.col("__candidate") & match).then(pl.col(cents_of[h]).fill_null(0)).otherwise(0)
            .cast(pl.Int128).cum_sum().shift(1, fill_value=0).gather(cand_index).alias(h) for h in money])
        prefix[f] = [tuple(int(v) for v in row) for row in sums.iter_rows()]
    unproven: dict[int, tuple[int, tuple[int, ...]]] = {}
    proven = prove_subtotals(candidates, prefix, unproven)
    rows = data[ROW].to_list()
    subtotal_rows = {rows[i]: span_text(rows, first, i - 1) for i, first in proven.items() if rows[i] not in keep_rows}
    spans = {rows[i]: (rows[first], rows[i - 1]) if i > first else None for i, first in proven.items()}
    skipped = data.filter(pl.col(ROW).is_in(list(subtotal_rows)))
    for record in skipped.iter_rows(named=True):
        found = total_word((h, record.get(h)) for h in text_columns)
        what = f"'{found[1].strip()}'" if found else "the row"
        problems.warning(f"{what} is the total of {subtotal_rows[record[ROW]]}; it was not counted, so their money "
                         "is not counted twice", file=rel, row=record[ROW], column=found[0] if found else None,
                         code="subtotal-row",
                         hint="nothing to do; the row is listed in the verantwoording (keep_rows counts it anyway)")
    list_uncounted(account, skipped, "subtotal", money, cents_of, text_columns, closes=spans.get)
    proven_rows = {rows[i] for i in proven}
    compared = {rows[i]: (i, first, summed) for i, (first, summed) in unproven.items()}
    key_of = dict(zip(cand_index, keys))
    # (a row without any amount is not counted either: it is listed as such, without this warning)
    without_amount = pl.all_horizontal([pl.col(status_of[h]).fill_null("") == numbers.EMPTY for h in money])
    for record in data.filter(pl.col("__candidate") & ~pl.col(ROW).is_in(list(proven_rows))
                              & ~without_amount).iter_rows(named=True):
        found = total_word((h, record.get(h)) for h in text_columns)
        if found:
            detail = ""
            if record[ROW] in compared:
                i, first, summed = compared[record[ROW]]
                same = [c for c, v in zip(key_columns, key_of[i]) if v]
                detail = _comparison(rows, i, first, summed, same, money,
                                     [record[cents_of[h]] or 0 for h in money], source.unit)
            warn_counted_total(problems, rel, record[ROW], found[0], found[1], detail)
    if source.keep_rows:
        account.kept = sorted(r for r in keep_rows if r in set(rows))
    return data.filter(~pl.col(ROW).is_in(list(subtotal_rows))).drop("__index", "__marked", "__candidate")



def _comparison(rows: list[int], index: int, first: int, summed: tuple[int, ...], same: list[str],
                money: list[str], amounts: list[int], unit: int) -> str:
    """What a total that does not add up was compared with: 'compared with the rows above it after
    row 5 that have the same "Soort" (rows 6–9): "Bedrag" is 151 in the row and 150 in those rows,
    a difference of 1'."""
    from decimal import Decimal

    from ..format import exact_number

    euros = lambda cents: exact_number(Decimal(cents).scaleb(-2) / unit)  # noqa: E731
    text = "compared with the rows above it " + ("since the start of the file" if first == 0
                                                  else f"after row {rows[first - 1]}")
    if same:
        text += " that have the same " + " and ".join(f'"{c}"' for c in same)
    text += f" ({span_text(rows, first, index - 1)})"
    parts = [f'"{h}" is {euros(value)} in the row and {euros(total)} in those rows, a difference of '
             f"{euros(value - total)}" for h, value, total in zip(money, amounts, summed) if value != total]
    return text + ": " + "; ".join(parts)
