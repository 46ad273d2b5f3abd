"""The home page: the latest edition's key figures and where its money goes, then every edition
with its totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import parts
from ..page import Page, PageSpec

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec("", site.site_digest, lambda: view(site))]


def view(site: Site) -> Page:
    rows = []
    for edition in site.editions_sorted():
        fig = site.figures[edition.id]
        rows.append({"edition": edition, "path": edition.id, "period": site.period(fig.main),
                     "amounts": fig.grand(), "has_figures": site.has_figures(edition)})
    # the newest edition with figures first: its key figures and where its money goes
    latest = next((r for r in rows if r["has_figures"]), None)
    money = parts.money_chart(site, latest["edition"], depth=0) if latest else None
    tables, charts = {}, {}
    if money is not None:
        tables[money["table"]], charts[money["chart"]] = money["download"], money["file"]
    return Page("", "home.html", {"rows": rows, "latest": latest, "money_chart": money}, site.site_title(),
                tables=tables, charts=charts)
