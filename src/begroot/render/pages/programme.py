"""A programme or deelprogramma: its figures over the years with a chart, its share of the total,
its deelprogramma's, taakvelden, goals and indicators, plan against realisation, and its texts
(the three W-questions). A programme of an edition without figures shows its texts and the
taakvelden its patterns cover."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...figures import Amounts, per_inhabitant
from ...model import EditionData, Programme
from .. import charts, iv3, parts
from ..page import Page, PageSpec, exact, per_head, programme_path, texts_key

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    out = []
    for edition in site.editions_sorted():
        for programme in edition.programmes.values():
            own_goals = repr([g for g in edition.goals if g.programme == programme.code])
            out.append(PageSpec(programme_path(edition, programme),
                                site.edition_digest(edition, texts_key(edition.texts_for(programme.code)), own_goals),
                                lambda e=edition, p=programme: view(site, e, p), pure=True))
    return out


def view(site: Site, edition: EditionData, programme: Programme) -> Page:
    if not site.has_figures(edition):
        return _text_only(site, edition, programme)
    t, f = site.t, site.fmt
    fig = site.figures[edition.id]
    periods = fig.periods_of(programme.code) or [fig.main]
    own = fig.programmes.get(programme.code, {})
    table = [{"period": p, "label": site.period(p), "amounts": own.get(p, Amounts())} for p in periods]
    main_amounts = fig.of(programme.code)
    period = site.period(fig.main)
    chart = charts.paired_columns(
        "lbs", t["chart_periods_title"].format(name=programme.title),
        t["chart_periods_summary"].format(name=programme.title, lasten=f.money(main_amounts.lasten),
                                          baten=f.money(main_amounts.baten), period=period, unit=site.unit_label),
        [row["label"] for row in table],
        [(t["lasten"], [r["amounts"].lasten for r in table], [f.money(r["amounts"].lasten) for r in table]),
         (t["baten"], [r["amounts"].baten for r in table], [f.money(r["amounts"].baten) for r in table])],
        unit=t["amounts_in"].format(unit=site.unit_label), source=parts.chart_source(site, edition),
    )
    children = parts.programme_rows(site, edition, [edition.programmes[c] for c in programme.children])
    known = iv3.names(edition.config.year, site.config.organisation.kind)
    taakvelden = [{"code": tv, "name": known.get(tv, ""), "amounts": a}
                  for tv, a in sorted(fig.programme_taakvelden.get(programme.code, {}).items(),
                                      key=lambda kv: iv3.sort_key(kv[0]))
                  if tv is not None]
    in_goals = {name for g in edition.goals if g.programme == programme.code for name in g.indicators}
    indicators = [parts.series_view(site, s, f"ind-x-{n}", edition) for n, s in enumerate(
        s for name, s in site.series_of(edition, programme.code) if name not in in_goals)]
    goals = parts.goal_views(site, edition, programme.code)
    tables = {"cijfers": [{"jaar": r["period"][0], "kolom": r["period"][1], "lasten": exact(r["amounts"].lasten),
                           "baten": exact(r["amounts"].baten), "saldo": exact(r["amounts"].saldo)} for r in table]}
    page_charts = {"grafiek": chart}
    people = site.config.organisation.inhabitants
    inhabitants = people.get(fig.main[0])  # of the year of the figures shown
    glance = None
    # the money booked on the programme itself, on none of its deelprogramma's, is a row of its own
    own = parts.own_row(site, edition, programme) if children else None
    child_rows = children + ([own] if own else [])
    if children:
        tables["deelprogrammas"] = parts.programme_table_rows(site, child_rows, total=main_amounts,
                                                              inhabitants=inhabitants)
        glance = glance_view(site, edition, programme, children, own["amounts"] if own else Amounts())
        tables["oogopslag"] = glance["download"]
    # every column per inhabitant, each by the inhabitants of its own year (where known)
    per_head_rows = [{"jaar": r["period"][0], "kolom": r["period"][1],
                      "lasten_per_inwoner": per_head(per_inhabitant(r["amounts"].lasten, people.get(r["period"][0]))),
                      "baten_per_inwoner": per_head(per_inhabitant(r["amounts"].baten, people.get(r["period"][0])))}
                     for r in table]
    if any(people.get(r["period"][0]) for r in table):
        tables["per-inwoner"] = per_head_rows
    else:
        per_head_rows = []
    if taakvelden:
        tables["taakvelden"] = [{"taakveld": tv["code"], "naam": tv["name"], "lasten": exact(tv["amounts"].lasten),
                                 "baten": exact(tv["amounts"].baten), "saldo": exact(tv["amounts"].saldo)}
                                for tv in taakvelden]
    # the indicators in the order the page shows them: those of the goals first
    for n, indicator in enumerate([v for g in goals for v in g["indicators"]] + indicators, start=1):
        indicator["table"], tables[f"indicator-{n}"] = f"indicator-{n}", indicator["download"]
        if indicator["chart"] is not None:
            indicator["chart_name"] = f"grafiek-indicator-{n}"
            page_charts[indicator["chart_name"]] = indicator["chart"]
    texts = edition.texts_for(programme.code)
    plan = parts.execution_view(site, fig, programme.code, edition)
    if plan is not None:  # the explanation of the differences stands next to them
        plan["explanation"] = [x for x in texts if x.section == "toelichting"]
        texts = [x for x in texts if x.section != "toelichting"]
        tables["begroting-en-realisatie"] = parts.execution_download(plan)
    parent = edition.programmes[programme.parent] if programme.parent else None
    return Page(programme_path(edition, programme), "programme.html", {
        "programme": programme, "fig": fig, "table": table, "chart": chart, "children": children,
        "child_rows": child_rows,
        "taakvelden": taakvelden, "texts": texts, "indicators": indicators, "execution": plan,
        "per_head_rows": per_head_rows, "per_head_cell": parts.per_head_cell(site, inhabitants),
        "goals": goals, "glance": glance,
        "main": main_amounts, "period": period, "has_figures": True,
        "share_lasten": fig.share_lasten(programme.code), "share_baten": fig.share_baten(programme.code),
        "parent": parent, "parent_path": programme_path(edition, parent) if parent else None,
    }, site.programme_label(programme, edition), edition=edition,
        crumbs=parts.programme_crumbs(site, edition, programme), tables=tables, charts=page_charts)


def previous_year(fig) -> tuple[int, str] | None:
    """The column of the year before the edition's main one: the same kind of column (the
    begroting beside the begroting), else that year's first in BBV order; None if there is none."""
    year, column = fig.main
    earlier = [p for p in fig.periods if p[0] == year - 1]
    return next((p for p in earlier if p[1] == column), earlier[0] if earlier else None)


def glance_view(site: Site, edition: EditionData, programme: Programme, children: list[dict],
                own_now: Amounts) -> dict:
    """"Begroting in één oogopslag": the lasten and baten of the deelprogramma's in the main
    column, with the previous year's column beside them (a dash where a deelprogramma has none).
    ``own_now``: the money booked on the programme itself in the main column, the amounts of the
    deelprogramma table's row (:func:`parts.own_row`), so that both tables show the same."""
    fig = site.figures[edition.id]
    before = previous_year(fig)
    t = site.t

    def amounts(code: str, period) -> Amounts | None:
        return None if period is None else fig.programmes.get(code, {}).get(period)

    rows = [{"label": r["label"], "path": r["path"], "programme": r["programme"],
             "now": amounts(r["programme"].code, fig.main) or Amounts(), "before": amounts(r["programme"].code, before)}
            for r in children]
    total = {"now": fig.of(programme.code), "before": amounts(programme.code, before)}
    # the money booked on the programme itself: its total less its deelprogramma's, in each column
    codes = [r["programme"].code for r in children]
    own = {"now": own_now,
           "before": fig.own(programme.code, codes, before) if total["before"] is not None else None}
    if not own["now"].is_zero or (own["before"] is not None and not own["before"].is_zero):
        rows.append({"label": t["programme_own"].format(name=programme.title), "path": None,
                     "programme": None, **own})
    period = site.period(fig.main)
    previous = site.period(before) if before else None

    def download(code: str, name: str, kind: str, now: Amounts, earlier: Amounts | None) -> dict:
        out = {"code": code, "naam": name, "soort": kind, "periode": period, "lasten": exact(now.lasten)}
        if before is not None:
            out["lasten_vorig_jaar"] = exact(earlier.lasten) if earlier else None
        out["baten"] = exact(now.baten)
        if before is not None:
            out["baten_vorig_jaar"] = exact(earlier.baten) if earlier else None
            out["vorige_periode"] = previous
        return out

    return {
        "title": t["glance_title"].format(kind=t[f"kind_{edition.config.kind}"]),
        "intro": (t["glance_intro"] if before else t["glance_intro_single"]).format(
            period=period.lower(), previous=(previous or "").lower()),
        "period": period, "previous": previous, "rows": rows, "total": total,
        "download": [download(r["programme"].code, r["programme"].title, r["programme"].kind, r["now"], r["before"])
                     if r["programme"] is not None else
                     download(programme.code, r["label"], "rechtstreeks", r["now"], r["before"]) for r in rows] + [download("", t["total"], "totaal", total["now"], total["before"])],
    }


def _text_only(site: Site, edition: EditionData, programme: Programme) -> Page:
    """A programme of an edition without figures: its texts, its deelprogramma's and the Iv3
    taakvelden its patterns cover; no amounts."""
    from ... import reference
    from ...read.programmes import match_taakveld

    level = site.config.organisation.kind
    year = reference.reference_year(edition.config.year, level) if reference.has_lists(level) else edition.config.year
    patterns, todo = [], [programme.code]
    while todo:  # the programme's own patterns and those of its deelprogramma's
        node = edition.programmes[todo.pop()]
        patterns.extend(node.taakvelden)
        todo.extend(c for c in node.children if c in edition.programmes)
    lists = reference.taakvelden(year, level) if reference.has_lists(level) else {}
    covered = [{"code": code, "name": tv.name} for code, tv in lists.items()
               if tv.leaf and any(match_taakveld(code, p) for p in patterns)]
    covered.sort(key=lambda r: iv3.sort_key(r["code"]))
    children = [{"label": site.programme_label(edition.programmes[c], edition),
                 "path": programme_path(edition, edition.programmes[c])}
                for c in programme.children if c in edition.programmes]
    parent = edition.programmes[programme.parent] if programme.parent else None
    return Page(programme_path(edition, programme), "programme.html", {
        "programme": programme, "has_figures": False, "texts": edition.texts_for(programme.code),
        "children": children, "covered": covered, "covered_year": year, "table": [], "chart": None,
        "main": None, "share_lasten": None, "share_baten": None, "execution": None,
        "per_head_rows": [], "per_head_cell": None,
        "goals": parts.goal_views(site, edition, programme.code), "indicators": [], "taakvelden": [], "glance": None,
        "parent": parent, "parent_path": programme_path(edition, parent) if parent else None,
    }, site.programme_label(programme, edition), edition=edition,
        crumbs=parts.programme_crumbs(site, edition, programme))
