"""The home page: every edition with its totals."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    return Page("", "home.html", {"rows": rows}, site.site_title())
