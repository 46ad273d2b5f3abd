"""Parts that several pages show (and the PDF): programme tables with their downloads, the tree
and breadcrumbs of programmes, the share-of-total chart, plan against realisation, and the
views of goals and indicators."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Callable

from ..figures import Amounts, EditionFigures, execution, per_inhabitant
from ..figures import share as share_of
from ..model import EditionData, Programme
from . import charts
from .. import format as fmt
from .page import exact, per_head, programme_path, share

if TYPE_CHECKING:
    from .site import Site


# ----------------------------------------------------------------------------- programmes
def programme_rows(site: Site, edition: EditionData, programmes: list[Programme]) -> list[dict]:
    """The rows of a ``programme_table`` (see ``_macros.html``)."""
    fig = site.figures[edition.id]
    return [{
        "programme": p, "path": programme_path(edition, p), "amounts": fig.of(p.code),
        "share_lasten": fig.share_lasten(p.code), "share_baten": fig.share_baten(p.code),
        "label": site.programme_label(p, edition),
    } for p in programmes]


def extra_row(site: Site, edition: EditionData, code: str, label: str, kind: str, amounts: Amounts) -> dict:
    """A row of a ``programme_table`` that is no programme (and so has no link): the money booked
    on a programme itself beside its deelprogramma's, or the programmes together beside the
    overviews; so that the rows of the table add up to its total."""
    fig = site.figures[edition.id]
    return {"programme": None, "path": None, "amounts": amounts, "label": label, "code": code, "name": label,
            "kind": kind, "share_lasten": share_of(amounts.lasten, fig.grand().lasten),
            "share_baten": share_of(amounts.baten, fig.grand().baten)}


def own_row(site: Site, edition: EditionData, programme: Programme) -> dict | None:
    """The row for the money booked on ``programme`` itself beside its deelprogramma's (in the
    edition's main column); None when there is none."""
    children = [c for c in programme.children if c in edition.programmes]
    own = site.figures[edition.id].own(programme.code, children)
    if own.is_zero:
        return None
    return extra_row(site, edition, programme.code, site.t["programme_own"].format(name=programme.title),
                     "rechtstreeks", own)


def programme_table_rows(site: Site, rows: list[dict], total: Amounts | None = None, shares: bool = True,
                         inhabitants: int | None = None) -> list[dict]:
    """The download of a ``programme_table``: its rows (from :func:`programme_rows`) and total;
    with ``inhabitants``, also the exact lasten and baten per inhabitant the table shows."""
    def row(code: str, name: str, kind: str, a: Amounts, share_lasten, share_baten) -> dict:
        out = {"code": code, "naam": name, "soort": kind, "lasten": exact(a.lasten)}
        if shares:
            out["aandeel_lasten"] = share(share_lasten)
        out["baten"] = exact(a.baten)
        if shares:
            out["aandeel_baten"] = share(share_baten)
        out["saldo"] = exact(a.saldo)
        if inhabitants:
            out["lasten_per_inwoner"] = per_head(per_inhabitant(a.lasten, inhabitants))
            out["baten_per_inwoner"] = per_head(per_inhabitant(a.baten, inhabitants))
        return out

    out = [row(r["programme"].code, r["programme"].title, r["programme"].kind, r["amounts"],
               r["share_lasten"], r["share_baten"]) if r["programme"] is not None else
           row(r["code"], r["name"], r["kind"], r["amounts"], r["share_lasten"], r["share_baten"]) for r in rows]
    if total is not None:
        out.append(row("", site.t["total"], "totaal", total, None, None))
    return out


def per_head_cell(site: Site, inhabitants: int | None) -> Callable[[Decimal], str] | None:
    """Formats an amount per inhabitant, for the per-inhabitant columns of programme tables."""
    if not inhabitants:
        return None
    return lambda euros: site.fmt.euro_cents(per_inhabitant(euros, inhabitants))


def programme_tree(site: Site, edition: EditionData) -> list[dict]:
    """Every programme of the edition as nested links (programmes first, then the overviews)."""
    def node(p: Programme) -> dict:
        return {"label": site.programme_label(p, edition), "path": programme_path(edition, p),
                "children": [node(edition.programmes[c]) for c in p.children if c in edition.programmes]}
    tops = edition.top_level()
    return [node(p) for p in tops if not p.is_overview] + [node(p) for p in tops if p.is_overview]


def programme_crumbs(site: Site, edition: EditionData, programme: Programme) -> list[tuple[str, str]]:
    """Home, the edition, and the programme's ancestors."""
    crumbs = site.home_crumbs(edition)
    ancestors = []
    node = programme.parent
    while node is not None:
        ancestors.append(edition.programmes[node])
        node = edition.programmes[node].parent
    for anc in reversed(ancestors):
        crumbs.append((site.programme_label(anc, edition), programme_path(edition, anc)))
    return crumbs


def chart_source(site: Site, edition: EditionData, *more: str) -> str:
    """Where a chart's figures come from, as its file and image say: ``more`` (an indicator's
    own source), the organisation and the edition."""
    names = [m for m in more if m] + [site.config.organisation.name, edition.config.display_title]
    return site.t["chart_source"].format(source=", ".join(names))


def share_chart(site: Site, kind: str, rows: list[dict], period: str, edition: EditionData) -> dict | None:
    """The bar chart of each programme's share in the lasten or baten (None without programmes)."""
    if not rows:
        return None
    key = f"share_{kind}"
    # the largest share, as the bars show it (not the largest amount: where baten are booked as
    # negative numbers, the largest amount is the smallest share)
    biggest = max(rows, key=lambda r: r[key] if r[key] is not None else Decimal("-Infinity"))
    title = site.t[f"chart_share_{kind}_title"].format(period=period)
    bars = [charts.Bar(r["programme"].title if r["programme"].is_overview
                       else f'{r["programme"].code}. {r["programme"].title}',
                       r[key] or Decimal(0), site.fmt.pct(r[key])) for r in rows]
    summary = site.t[f"chart_share_{kind}_summary"].format(name=biggest["programme"].title,
                                                          share=site.fmt.pct(biggest[key]))
    return {"title": title, "svg": charts.bar_list(f"aandeel-{kind}", title, summary, bars,
                                                   unit=site.t["chart_share_unit"], source=chart_source(site, edition))}


# ----------------------------------------------------------------------------- plan and realisation
def execution_view(site: Site, fig: EditionFigures, code: str | None, edition: EditionData) -> dict | None:
    """Plan against realisation in the edition's year (jaarstukken), as table rows."""
    plan = execution(fig, code, edition.config.year)
    if plan is None:
        return None
    t = site.t
    year = edition.config.year
    columns = [(t["execution_primitief"].format(year=year), plan.primitief)]
    if plan.na_wijziging is not None:
        columns.append((t["period_begroting_na_wijziging"].format(year=year), plan.na_wijziging))
    columns.append((t["period_realisatie"].format(year=year), plan.realisatie))
    keys = ("lasten", "baten", "saldo")
    # a row per BBV column and one for the difference; lasten, baten and saldo as the columns
    table = [(label, {key: getattr(a, key) if a is not None else None for key in keys}) for label, a in columns]
    table.append((t["compare_difference"], {key: plan.difference(key) for key in keys}))
    sentences = [execution_sentence(t, site.fmt, plan, key) for key in keys]
    return {"keys": [t[key] for key in keys], "table": table, "sentences": sentences, "year": year,
            "against": t["execution_against_na_wijziging" if plan.na_wijziging is not None
                         else "execution_against_primitief"], "explanation": []}


def execution_sentence(t: dict[str, str], formats: fmt.Formats, plan, key: str) -> str:
    """The difference between plan and realisation of ``key`` in words; a difference that rounds to
    nothing in the site's unit is "iets hoger/lager" (not "0 lager dan begroot (1,0 %)")."""
    diff, favourable = plan.difference(key), plan.favourable(key)
    if not diff:
        return t["execution_same"].format(what=t[key])
    amount = formats.money(abs(diff))
    name = ("execution_more" if diff > 0 else "execution_less") + (
        "_slightly" if amount == formats.money(Decimal(0)) else "")
    return t[name].format(what=t[key], amount=amount,
                          pct=formats.pct(abs(plan.fraction(key))) if plan.fraction(key) is not None else "–",
                          verdict=t["favourable" if favourable else "unfavourable"])


def execution_rows(edition: EditionData, fig: EditionFigures, rows: list[dict]) -> list[dict]:
    """Per programme: the lasten planned and realised, as the edition page's table and its download."""
    out = []
    for r in rows:
        plan = execution(fig, r["programme"].code, edition.config.year)
        if plan is not None:
            out.append({"naam": r["label"], "code": r["programme"].code, "pad": r["path"],
                        "lasten_begroot": exact(plan.plan.lasten), "lasten_realisatie": exact(plan.realisatie.lasten),
                        "verschil_lasten": exact(plan.difference("lasten")),
                        "verschil_pct": share(plan.fraction("lasten"))})
    return out


def execution_download(view: dict) -> list[dict]:
    """The plan-against-realisation table as rows of exact amounts: one per BBV column, then the
    difference."""
    return [{"naam": label, **{key: exact(value) for key, value in values.items()}}
            for label, values in view["table"]]


# ----------------------------------------------------------------------------- goals
def series_view(site: Site, series, chart_id: str, edition: EditionData) -> dict:
    """An indicator: its chart, its table of targets and results, and its download."""
    from ..goals import status

    years = series.years
    labels = [str(y) for y in years]
    fmt_value = lambda v: site.fmt.number(v) if v is not None else fmt.DASH  # noqa: E731
    targets = [series.targets.get(y) for y in years]
    actuals = [series.actuals.get(y) for y in years]
    t = site.t
    chart = None
    if sum(v is not None for v in targets + actuals) >= 2:  # one value is no chart: the table says it
        chart = charts.paired_columns(
            chart_id, t["chart_indicator_title"].format(name=series.name),
            t["chart_indicator_summary"].format(name=series.name, unit=series.unit),
            labels,
            [(t["target"], [v or Decimal(0) for v in targets], [fmt_value(v) for v in targets]),
             (t["actual"], [v or Decimal(0) for v in actuals], [fmt_value(v) for v in actuals])],
            unit=series.unit, source=chart_source(site, edition, series.source))
    return {
        "series": series, "status": status(series, site.config.goals.tolerance), "chart": chart,
        "rows": [{"year": y, "target": fmt_value(t), "actual": fmt_value(a)}
                 for y, t, a in zip(years, targets, actuals)],
        "download": [{"indicator": series.name, "eenheid": series.unit, "jaar": y, "streefwaarde": t,
                      "realisatie": a} for y, t, a in zip(years, targets, actuals)],
        "baseline": (series.baseline[0], site.fmt.number(series.baseline[1])) if series.baseline else None,
    }


def goal_views(site: Site, edition: EditionData, code: str | None = None) -> list[dict]:
    """The edition's goals (or one programme's): what they cost and how their indicators do."""
    from ..goals import worst

    fig = site.figures[edition.id]
    views = []
    for n, goal in enumerate(g for g in edition.goals if code is None or g.programme == code):
        own = fig.programme_taakvelden.get(goal.programme, {})
        cost = sum((own[tv].lasten for tv in goal.taakvelden if tv in own), Decimal(0)) if goal.taakvelden else None
        indicators = [series_view(site, edition.series[(goal.programme, name)], f"ind-{n}-{i}", edition)
                      for i, name in enumerate(goal.indicators) if (goal.programme, name) in edition.series]
        views.append({"goal": goal, "cost": cost, "indicators": indicators,
                      "status": worst([i["status"] for i in indicators]),
                      "programme": edition.programmes[goal.programme],
                      "path": programme_path(edition, edition.programmes[goal.programme])})
    return views


# ----------------------------------------------------------------------------- where the money goes
def money_chart(site: Site, edition: EditionData, depth: int, name: str = "geld") -> dict | None:
    """The edition's programmes and BBV overviews by their lasten, largest first: a bar chart
    whose bars link to the programmes (from a page ``depth`` folders deep; its files, ``file``,
    are without the links: a chart's PNG is made from an SVG that refers to nothing outside
    itself), and its table and download (``<name>-per-programma``). None for an edition without
    figures."""
    if not site.has_figures(edition):
        return None
    fig = site.figures[edition.id]
    rows = sorted(programme_rows(site, edition, edition.top_level()),
                  key=lambda r: (-r["amounts"].lasten, r["programme"].is_overview, r["programme"].code))
    if not rows:
        return None
    t, period = site.t, site.period(fig.main)
    title = t["money_chart_title"].format(period=period)
    biggest = rows[0]
    summary = t["money_chart_summary"].format(name=biggest["label"], amount=site.fmt.money(biggest["amounts"].lasten),
                                              unit=site.unit_label, share=site.fmt.pct(biggest["share_lasten"]))
    bars = [charts.Bar(r["label"], r["amounts"].lasten, site.fmt.money(r["amounts"].lasten)) for r in rows]
    plain = charts.bar_list(f"{name}-{edition.id}", title, summary, bars,
                            unit=site.t["amounts_in"].format(unit=site.unit_label), source=chart_source(site, edition))
    svg = charts.linked(plain, ["../" * depth + r["path"] + "/" for r in rows])
    download = [{"code": r["programme"].code, "naam": r["programme"].title, "soort": r["programme"].kind,
                 "lasten": exact(r["amounts"].lasten), "aandeel_lasten": share(r["share_lasten"])} for r in rows]
    download.append({"code": "", "naam": site.t["total"], "soort": "totaal", "lasten": exact(fig.grand().lasten),
                     "aandeel_lasten": None})
    return {"id": name, "title": title, "svg": svg, "file": plain, "chart": f"grafiek-{name}", "table": f"{name}-per-programma",
            "caption": t["money_table"].format(period=period), "rows": rows, "total": fig.grand(),
            "download": download}
