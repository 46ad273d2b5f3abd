"""An edition's overview, "in één oogopslag": its totals, the programmes and their shares, plan
against realisation (jaarstukken), and the tree of every programme."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...figures import Amounts, per_inhabitant
from ...model import EditionData
from .. import parts
from ..page import Page, PageSpec, texts_key

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec(e.id, site.edition_digest(e, texts_key(e.texts_for(None))), lambda e=e: view(site, e))
            for e in site.editions_sorted()]


def view(site: Site, edition: EditionData) -> Page:
    fig = site.figures[edition.id]
    tops = edition.top_level()
    programmes = parts.programme_rows(site, edition, [p for p in tops if not p.is_overview])
    overviews = parts.programme_rows(site, edition, [p for p in tops if p.is_overview])
    period = site.period(fig.main)
    has_figures = site.has_figures(edition)
    plan = parts.execution_view(site, fig, None, edition) if has_figures else None
    plan_rows = parts.execution_rows(edition, fig, programmes + overviews) if has_figures else []
    # the lasten per programme are the chart of where the money goes (above); the baten's shares here
    share_charts = [parts.share_chart(site, "baten", programmes + overviews, period, edition) if has_figures else None]
    share_charts = [dict(c, name="grafiek-baten") for c in share_charts if c is not None]
    money = parts.money_chart(site, edition, depth=1)
    inhabitants = site.config.organisation.inhabitants.get(fig.main[0])  # of the year of the figures shown
    grand = fig.grand()
    per_head = {
        "lasten": site.fmt.euro(per_inhabitant(grand.lasten, inhabitants)),
        "baten": site.fmt.euro(per_inhabitant(grand.baten, inhabitants)),
    } if inhabitants else None
    # the overviews' table ends with the edition's total: the programmes (the table above) are its first row
    together = sum((r["amounts"] for r in programmes), Amounts())
    overview_rows = ([parts.extra_row(site, edition, "", site.t["programmes_together"], "programmas", together)]
                     if programmes else []) + overviews
    tables = {}
    page_charts = {c["name"]: c["svg"] for c in share_charts}
    if money is not None:
        tables[money["table"]] = money["download"]
        page_charts[money["chart"]] = money["file"]
    if has_figures:
        tables["programmas"] = parts.programme_table_rows(site, programmes, inhabitants=inhabitants)
        if overviews:
            tables["overzichten"] = parts.programme_table_rows(site, overview_rows, total=grand, inhabitants=inhabitants)
        if plan:
            tables["begroting-en-realisatie"] = parts.execution_download(plan)
        if plan_rows:
            tables["uitvoering-programmas"] = [{k: v for k, v in r.items() if k != "pad"} for r in plan_rows]
    return Page(edition.id, "edition.html", {
        "fig": fig, "grand": grand, "period": period, "programmes": programmes, "overviews": overviews,
        "overview_rows": overview_rows,
        "charts": share_charts, "money_chart": money, "texts": edition.texts_for(None),
        "tree": parts.programme_tree(site, edition), "inhabitants": inhabitants, "per_head": per_head,
        "compact": {k: site.fmt.compact(getattr(grand, k)) for k in ("lasten", "baten")},
        "has_goals": bool(edition.goals),
        "execution": plan, "execution_rows": plan_rows,
        # the programme tables' per-inhabitant columns: euros with cents (none without inhabitants)
        "per_head_cell": parts.per_head_cell(site, inhabitants),
        "has_figures": has_figures, "has_downloads": has_figures or site.config.site.pdf,
        "has_account": any(s.account is not None for s in edition.sources),
    }, f"{edition.config.display_title} {site.t['at_a_glance']}", edition=edition,
        crumbs=site.home_crumbs(), charts=page_charts, tables=tables)
