"""Verantwoording van de cijfers: per finance file of an edition, every row read, counted or not,
and why not; the sums of each amount column, counted and not counted."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from ...model import EditionData
from ...read.rows import REASONS
from ..page import Page, PageSpec

if TYPE_CHECKING:
    from ..site import Site

#: Rows not counted shown on the page per file; all of them are in the page's CSV and workbook.
ROWS_SHOWN = 500


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec(f"{e.id}/verantwoording", site.edition_digest(e), lambda e=e: view(site, e))
            for e in site.editions_sorted() if any(source.account is not None for source in e.sources)]


def _euros(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _column_key(header: str) -> str:
    """A download column of amounts in euros with cents, as the page shows them: ``euro_<header>``."""
    return "euro_" + re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def view(site: Site, edition: EditionData) -> Page:
    t = site.t
    files, tables = [], {}
    for n, source in enumerate(s for s in edition.sources if s.account is not None):
        acc = source.account
        columns = [{"naam": c.header, "euro_totaal": _euros(c.total), "euro_geteld": _euros(c.counted),
                    "euro_niet_geteld": _euros(c.uncounted)} for c in acc.columns]

        def detail(u) -> str:
            if u.closes:
                return t["account_closes"].format(first=u.closes[0], last=u.closes[1])
            return t["account_marked"].format(column=u.marker) if u.marker else ""

        listed = [{"rij": u.row, "reden": t["account_reason_" + u.reason.replace("-", "_")],
                   "toelichting": detail(u), "tekst": u.label,
                   **{_column_key(c.header): _euros(u.amounts[c.header]) if c.header in u.amounts else None
                      for c in acc.columns}} for u in acc.listed]
        name = f"bestand-{n + 1}"
        tables[f"{name}-kolommen"] = columns
        if listed:
            tables[f"{name}-niet-geteld"] = listed
        reasons = [(t["account_reason_" + r.replace("-", "_")], acc.reasons[r])
                   for r in REASONS if acc.reasons.get(r)]
        files.append({
            "file": source.file, "name": name, "account": acc, "reasons": reasons,
            "columns": acc.columns, "listed": acc.listed[:ROWS_SHOWN],
            "more": max(0, len(acc.listed) - ROWS_SHOWN),
            "filtered": [(h, _euros(v)) for h, v in acc.filtered_sums.items()],
            "euros": _euros,
        })
    title = t["account_title"].format(edition=edition.config.display_title)
    return Page(f"{edition.id}/verantwoording", "account.html", {"files": files}, title, edition=edition,
                crumbs=site.home_crumbs(edition), tables=tables)
