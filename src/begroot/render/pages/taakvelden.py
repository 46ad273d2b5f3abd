"""An edition's money per Iv3 taakveld, grouped by main taakveld, with the programmes that spend
it, and (where the figures of peer municipalities are known) the same per inhabitant beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...figures import Amounts
from ...model import EditionData
from .. import iv3
from ..page import Page, PageSpec, exact, programme_path

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec(f"{e.id}/taakvelden", site.edition_digest(e), lambda e=e: view(site, e))
            for e in site.editions_sorted() if site.has_figures(e)]


def view(site: Site, edition: EditionData) -> Page:
    fig = site.figures[edition.id]
    year = edition.config.year
    level = site.config.organisation.kind
    known = iv3.names(year, level)
    by_tv: dict[str | None, list[str]] = {}
    lines = edition.lines
    if not lines.is_empty():
        for tv, prog in lines.select("taakveld", "programme").unique().sort(["taakveld", "programme"]).iter_rows():
            if prog is not None:  # (taakveld None: the money booked without one, below)
                by_tv.setdefault(tv, []).append(prog)

    def links(codes) -> list[dict]:
        return [{"label": p.code if not p.is_overview else p.title, "title": p.title,
                 "path": programme_path(edition, p)} for p in (edition.programmes[c] for c in codes)]
    groups: dict[str, dict] = {}
    for code in sorted(fig.taakvelden, key=iv3.sort_key):
        if code not in known and fig.main not in fig.taakvelden[code]:
            continue  # a code of another year's list, only in another year's column (6.71a beside 2025)
        amounts = fig.taakvelden[code].get(fig.main, Amounts())
        main = code.split(".")[0]
        group = groups.setdefault(main, {
            "main": main, "name": iv3.main_group_name(year, main, level), "rows": [], "total": Amounts()})
        group["rows"].append({
            "code": code, "name": known.get(code, ""), "amounts": amounts,
            "programmes": links(c for c in by_tv.get(code, []) if c in edition.programmes),
        })
        group["total"] = group["total"] + amounts
    # money booked without a taakveld: a row of its own, so that the rows add up to the total
    untagged = None
    if fig.main in fig.no_taakveld:
        order = list(edition.programmes)
        untagged = {"amounts": fig.no_taakveld[fig.main], "programmes": links(sorted(
            (c for c in by_tv.get(None, []) if c in edition.programmes), key=order.index))}
    from ...peers import missing_auto
    from ..peers import comparison

    period = site.period(fig.main)
    peers = comparison(edition.peers, site.config.organisation.inhabitants.get(year), list(groups.values()),
                       fig.grand(), name=site.config.organisation.name, period=period, language=site.language)
    tables = {"taakvelden": table(site, list(groups.values()), fig.grand(), untagged)}
    if peers is not None:
        tables["per-inwoner"] = peers["download"]
    missing = missing_auto(site.config, edition.config) if peers is None and edition.peers is None else None
    peers_missing = site.t["peers_missing"].format(dataset=site.t[f"dataset_{missing[0]}"], year=missing[1]) \
        if missing else None
    return Page(f"{edition.id}/taakvelden", "taakvelden.html", {
        "fig": fig, "groups": list(groups.values()), "grand": fig.grand(), "period": period, "peers": peers,
        "untagged": untagged,
        "peers_missing": peers_missing,
    }, site.t["taakvelden_title"].format(edition=edition.config.display_title), edition=edition,
        crumbs=site.home_crumbs(edition), tables=tables)


def table(site: Site, groups: list[dict], grand: Amounts, untagged: dict | None = None) -> list[dict]:
    """The taakvelden table as shown: each main group's row, then its taakvelden; the money booked
    without a taakveld (``untagged``); the total last."""
    def row(code: str, name: str, programmes: str, level: str, a: Amounts) -> dict:
        return {"taakveld": code, "naam": name, "programmas": programmes, "niveau": level,
                "lasten": exact(a.lasten), "baten": exact(a.baten), "saldo": exact(a.saldo)}

    out = []
    for group in groups:
        out.append(row(group["main"], group["name"], "", "hoofdtaakveld", group["total"]))
        out += [row(r["code"], r["name"], ", ".join(p["label"] for p in r["programmes"]), "taakveld", r["amounts"])
                for r in group["rows"]]
    if untagged is not None:
        out.append(row("", site.t["no_taakveld"], ", ".join(p["label"] for p in untagged["programmes"]),
                       "zonder-taakveld", untagged["amounts"]))
    out.append(row("", site.t["total"], "", "totaal", grand))
    return out
