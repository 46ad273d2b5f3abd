"""An edition's goals (doelen): each with what it costs and how its indicators do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import EditionData
from .. import parts
from ..page import Page, PageSpec, exact

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec(f"{e.id}/doelen", site.edition_digest(e, repr(e.goals)), lambda e=e: view(site, e))
            for e in site.editions_sorted() if e.goals]


def view(site: Site, edition: EditionData) -> Page:
    from ...goals import overhead_share

    fig = site.figures[edition.id]
    goals = parts.goal_views(site, edition)
    return Page(f"{edition.id}/doelen", "goals.html", {
        "goals": goals, "period": site.period(fig.main),
        "overhead": overhead_share(edition.lines, *fig.main),
    }, site.t["goals_title"].format(edition=edition.config.display_title), edition=edition,
        crumbs=site.home_crumbs(edition),
        tables={"doelen": [{"doel": g["goal"].title, "programma": g["programme"].code,
                            "programma_naam": g["programme"].title, "status": g["status"],
                            "kosten": exact(g["cost"])} for g in goals]})
