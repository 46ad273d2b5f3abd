"""Comparisons of editions (/vergelijk/): the index of pairs; per pair the totals, programmes (also
when merged, split or renumbered, with where their money went, through Iv3 taakvelden) and
taakvelden; and on a page of its own what changed in the texts."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ... import compare
from ...figures import per_inhabitant
from ...model import EditionData
from .. import iv3
from ..page import Page, PageSpec, compare_path, digest, exact, per_head, programme_path, share, texts_key

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    pairs = compare.all_pairs(site.budget.editions)
    if not pairs:
        return []
    out = [PageSpec("vergelijk", site.site_digest, lambda: index(site))]
    texts = {e.id: digest(texts_key(e.texts)) for e in {e.id: e for pair in pairs for e in pair}.values()}
    for a, b in pairs:  # the figures, and on a page of its own the texts (a text edit rewrites only that)
        out.append(PageSpec(compare_path(a, b), site.site_digest, lambda a=a, b=b: view(site, a, b), pure=True))
        out.append(PageSpec(compare_path(a, b) + "/teksten", digest(site.site_digest, texts[a.id], texts[b.id]),
                            lambda a=a, b=b: texts_view(site, a, b)))  # in the parent: see Site.diffs
    return out


def index(site: Site) -> Page:
    """The suggested pairs; a form to choose any two editions (with JavaScript it goes straight to
    their page; without, it leads to the list below it); and every pair, by the newer edition."""
    rows = [{"a": a, "b": b, "path": compare_path(a, b)} for a, b in compare.pairs(site.budget.editions)]
    ordered = compare.chronological(site.budget.editions)
    groups = [{"edition": b, "pairs": [{"a": a, "path": compare_path(a, b)} for a in reversed(ordered[:j])]}
              for j, b in reversed(list(enumerate(ordered))) if j > 0]
    return Page("vergelijk", "compare_index.html", {"rows": rows, "editions": ordered, "groups": groups},
                site.t["compare"], crumbs=site.home_crumbs())


def _crumbs(site: Site) -> list[tuple[str, str]]:
    return site.home_crumbs() + [(site.t["compare"], "vergelijk")]


def texts_view(site: Site, a: EditionData, b: EditionData) -> Page:
    """What changed in the texts of two editions, programme by programme and section by section."""
    c = site.comparison(a, b, texts=True)
    texts = [{
        "title": (site.t["compare_edition_texts"] if t.old is None and t.new is None else
                  " → ".join(x for x in (site.programme_label(t.old, a) if t.old else None,
                                         site.programme_label(t.new, b) if t.new else None) if x)),
        "changed": t.changed, "sections": t.sections,
        "new_path": programme_path(b, t.new) if t.new is not None else b.id,
    } for t in c.texts]
    pair = site.t["compare_title"].format(a=a.config.display_title, b=b.config.display_title)
    title = site.t["compare_texts_title"].format(a=a.config.display_title, b=b.config.display_title)
    return Page(compare_path(a, b) + "/teksten", "compare_texts.html", {"texts": texts}, title,
                crumbs=_crumbs(site) + [(pair, compare_path(a, b))])


def _flow_rows(comparison: compare.Comparison, old_codes: list[str]) -> list[dict]:
    """The flows out of some old programmes (or, without old figures, into the new ones)."""
    a, b = comparison.a.edition, comparison.b.edition
    rows = []
    for code in old_codes:
        for f, part in comparison.shares_from(code):
            rows.append({
                "old": a.programmes.get(f.old), "new": b.programmes.get(f.new) if f.new else None,
                "old_path": programme_path(a, a.programmes[f.old]) if f.old in a.programmes else None,
                "new_path": programme_path(b, b.programmes[f.new]) if f.new in b.programmes else None,
                "a": f.amounts("a") if comparison.a.has_figures else None,
                "b": f.amounts("b") if comparison.b.has_figures else None,
                "share": part,
                "codes": f.codes, "estimated": f.estimated,
            })
    return rows


def _delta_pct(x: Decimal | None, y: Decimal | None) -> Decimal | None:
    return None if x is None or y is None or x == 0 else (y - x) / abs(x)


def _totals(site: Site, c: compare.Comparison, a: EditionData, b: EditionData) -> tuple[list[dict], list[dict]]:
    """The totals of both editions and their difference; and the same per inhabitant, when both
    years' inhabitants are known (each year by that year's inhabitants)."""
    totals: list[dict] = []
    per_head_rows: list[dict] = []
    if not (c.a.has_figures or c.b.has_figures):
        return totals, per_head_rows
    ta = c.a.total() if c.a.has_figures else None
    tb = c.b.total() if c.b.has_figures else None
    people = site.config.organisation.inhabitants
    # each by the inhabitants of the year of the figures compared (an edition's own, unless it has none of it)
    heads = (people.get(c.a.period[0] if c.a.period else a.config.year), people.get(c.b.period[0] if c.b.period else b.config.year))
    for key in ("lasten", "baten", "saldo"):
        x = getattr(ta, key) if ta is not None else None
        y = getattr(tb, key) if tb is not None else None
        # a change in % of a saldo (often near zero) says nothing
        totals.append({"naam": site.t[key], "bedrag_oud": exact(x), "bedrag_nieuw": exact(y),
                       "verschil": exact(y - x) if x is not None and y is not None else None,
                       "verschil_pct": share(_delta_pct(x, y)) if key != "saldo" else None})
    if all(heads) and ta is not None and tb is not None:
        for key in ("lasten", "baten"):
            x = per_inhabitant(getattr(ta, key), heads[0])
            y = per_inhabitant(getattr(tb, key), heads[1])
            per_head_rows.append({"naam": site.t[key], "per_inwoner_oud": per_head(x),
                                  "per_inwoner_nieuw": per_head(y), "verschil_per_inwoner": per_head(y - x),
                                  "verschil_pct": share(_delta_pct(x, y))})
    return totals, per_head_rows


def view(site: Site, a: EditionData, b: EditionData) -> Page:
    t = site.t
    c = site.comparison(a, b)
    label_a, label_b = a.config.display_title, b.config.display_title
    totals, per_head_rows = _totals(site, c, a, b)
    programmes = [{
        "old": r.old, "new": r.new, "a": r.a, "b": r.b, "delta": r.delta,
        "old_label": site.programme_label(r.old, a) if r.old else None,
        "new_label": site.programme_label(r.new, b) if r.new else None,
        "old_path": programme_path(a, r.old) if r.old else None,
        "new_path": programme_path(b, r.new) if r.new else None,
        "pct": _delta_pct(r.a.lasten if r.a else None, r.b.lasten if r.b else None),
    } for r in c.programmes]
    figures = bool(totals)
    tables: dict[str, list[dict]] = {}
    if figures:
        tables["totalen"] = totals
    if per_head_rows:
        tables["per-inwoner"] = per_head_rows
    tables["programmas"] = [{
        "naam": r["new_label"] or r["old_label"], "code_nieuw": r["new"].code if r["new"] else "",
        "programma_oud": r["old_label"] or "", "code_oud": r["old"].code if r["old"] else "",
        **({"lasten_oud": exact(r["a"].lasten) if r["a"] else None,
            "lasten_nieuw": exact(r["b"].lasten) if r["b"] else None,
            "verschil_lasten": exact(r["delta"].lasten) if r["delta"] else None,
            "verschil_pct": share(r["pct"])} if figures else {}),
    } for r in programmes]
    changes = [{
        "kind": ch.kind, "label": t[f"change_{ch.kind}"],
        "old": [site.programme_label(a.programmes[x], a) for x in ch.old],
        "new": [site.programme_label(b.programmes[x], b) for x in ch.new],
        "flows": _flow_rows(c, ch.old),
    } for ch in c.changes if ch.kind != "same"]
    for n, ch in enumerate(changes, start=1):
        if ch["flows"]:
            ch["table"] = f"indeling-{n}"
            tables[ch["table"]] = [{
                "naam": f'{f["old"].code} {f["old"].title}' if f["old"] else t["compare_nowhere"],
                "naar": f'{f["new"].code} {f["new"].title}' if f["new"] else t["compare_nowhere"],
                "taakvelden": f["codes"],
                **({"lasten_oud": exact(f["a"].lasten)} if c.a.has_figures else {}),
                **({"lasten_nieuw": exact(f["b"].lasten)} if c.b.has_figures else {}),
                "aandeel_oud_programma": share(f["share"]), "geschat": "ja" if f["estimated"] else "nee",
            } for f in ch["flows"]]
    groups = _groups(site, c, a, b)
    if figures:
        tables["taakvelden"] = [{
            "naam": g["label"], "taakvelden_oud": " ".join(code for code, _ in g["old"]),
            "taakvelden_nieuw": " ".join(code for code, _ in g["new"]),
            "lasten_oud": exact(g["a"].lasten) if g["a"] else None,
            "lasten_nieuw": exact(g["b"].lasten) if g["b"] else None,
            "verschil_lasten": exact(g["delta"].lasten) if g["delta"] else None,
            "baten_oud": exact(g["a"].baten) if g["a"] else None,
            "baten_nieuw": exact(g["b"].baten) if g["b"] else None,
            "verschil_baten": exact(g["delta"].baten) if g["delta"] else None,
        } for g in groups]
    return Page(compare_path(a, b), "compare.html", {
        "a": a, "b": b, "label_a": label_a, "label_b": label_b, "c": c,
        "period_a": site.period(c.a.period) if c.a.period else None,
        "period_b": site.period(c.b.period) if c.b.period else None,
        "totals": totals, "per_head": per_head_rows, "programmes": programmes, "changes": changes,
        "groups": groups, "texts_path": compare_path(a, b) + "/teksten",
        "any_estimated": any(f.estimated for f in c.flows),
    }, t["compare_title"].format(a=label_a, b=label_b), crumbs=_crumbs(site), tables=tables)


def _groups(site: Site, c: compare.Comparison, a: EditionData, b: EditionData) -> list[dict]:
    """The taakvelden of both editions, those renumbered between the years' lists side by side."""
    level = site.config.organisation.kind
    known_a, known_b = iv3.names(a.config.year, level), iv3.names(b.config.year, level)
    return [{
        "old": [(code, known_a.get(code, "")) for code in g.old],
        "new": [(code, known_b.get(code, "")) for code in g.new],
        "changed": g.changed_codes, "reason": g.reason.get(site.language, ""),
        "a": g.a, "b": g.b, "delta": g.delta,
        "label": (site.t["no_taakveld"] if set(g.old + g.new) == {compare.NO_TAAKVELD} else
                  f'{", ".join(g.old)} → {", ".join(g.new)}' if g.changed_codes else
                  " ".join(x for x in ((g.new or g.old)[0], (known_b if g.new else known_a).get((g.new or g.old)[0], ""))
                           if x)),
    } for g in c.groups]
