"""The sign of the baten as an export books them.

BBV shows lasten and baten as positive amounts (saldo = baten − lasten). A ledger books income as
credits, often as negative numbers: read as they are, such an export would publish "Totale baten
-45.630" and a saldo that is off by twice the baten, without a word. ``baten_booked`` in
begroot.toml says how a file books its baten; by default (``auto``) they are read as booked, and a
file whose baten add up to less than zero stops the check, because that cannot be proven to be
what the export means: no organisation has negative income in total.
"""

from __future__ import annotations

import polars as pl

from ..config import FinanceSource
from ..errors import Problems
from .tables import Table


def booked_baten(lines: pl.DataFrame, source: FinanceSource, table: Table, headers: dict[str, str],
                 problems: Problems) -> pl.DataFrame | None:
    """``lines`` with the baten's sign as BBV shows it: turned when the file books them negative;
    None, with an error, when ``auto`` finds the file's baten adding up to less than zero."""
    column = headers.get("amount") or next(iter(source.amounts), None)
    if source.baten_booked == "negative":
        if source.signed:
            problems.error('baten_booked = "negative" cannot be combined with signed = true, which reads every '
                           "negative amount as baten already", file=table.file, column=column,
                           code="baten-booked-signed", hint='remove one of the two settings from begroot.toml')
            return None
        baten = pl.col("kind") == "baten"
        return lines.with_columns(pl.when(baten).then(-pl.col("cents")).otherwise(pl.col("cents")).alias("cents"))
    if source.baten_booked == "positive" or source.signed:
        return lines
    baten = lines.filter(pl.col("kind") == "baten")
    total = int(baten["cents"].sum()) if baten.height else 0
    if total >= 0:
        return lines
    negative = baten.filter(pl.col("cents") < 0)
    rows = ", ".join(str(r) for r in negative["row"].head(3).to_list())
    problems.error(
        f"the baten in this file add up to less than zero ({negative.height} of its {baten.height} baten lines are "
        f"negative, e.g. rows {rows}): baten are income, shown as positive amounts", file=table.file,
        row=negative["row"][0], column=column, code="baten-negative",
        hint='if the export books baten as negative numbers (credits), set baten_booked = "negative" for this file '
             'in begroot.toml; if these negative baten are right as they are, set baten_booked = "positive"')
    return None
