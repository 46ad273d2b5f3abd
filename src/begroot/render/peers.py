"""The per-inhabitant comparison on the taakvelden page: the municipality, the nation, its size class.

Builds the view of :mod:`begroot.peers` figures for the template; all numbers are formatted here
through :mod:`begroot.format` (Babel), rounded once, to the cent.
"""

from __future__ import annotations

from decimal import Decimal

from ..figures import per_inhabitant as own_per_inhabitant
from ..peers import PeerData, PeerRow, per_inhabitant
from .. import format as fmt
from .strings import strings


def _pi(row: PeerRow | None) -> Decimal | None:
    return per_inhabitant(row, "lasten") if row is not None else None


def comparison(peers: PeerData | None, inhabitants: int | None, groups: list[dict], grand, *,
               name: str, period: str, language: str) -> dict | None:
    """The comparison table of the taakvelden page, or None without peer figures or inhabitants.

    ``groups`` are the taakvelden page's groups (main group, its rows with code and amounts, and
    its total); ``grand`` the edition's total amounts.
    """
    if peers is None or not inhabitants:
        return None
    t = strings(language)
    cls = peers.class_of(inhabitants)

    def cells(own: Decimal, codes: list[str] | None, code: str | None = None) -> dict:
        if code is not None:
            national, in_class = peers.national(code), peers.size_class(cls, code) if cls else None
        else:
            national, in_class = peers.total(None, codes), peers.total(cls, codes) if cls else None
        values = {"own": own_per_inhabitant(own, inhabitants), "national": _pi(national),
                  "size_class": _pi(in_class) if cls else None}
        shown = {key: fmt.euro_cents(value, language) for key, value in values.items()}
        if not cls:
            shown["size_class"] = None
        return {**shown, "values": values}

    out_groups = []
    for group in groups:
        codes = [c for c in peers.taakvelden if c.split(".")[0] == group["main"]]
        out_groups.append({
            "main": group["main"], "name": group["name"], "cells": cells(group["total"].lasten, codes),
            "rows": [{"code": r["code"], "name": r["name"], "cells": cells(r["amounts"].lasten, None, r["code"])}
                     for r in group["rows"]],
        })
    size = peers.classes.get(cls) if cls else None
    label = size_class(size.low, size.high, language) if size else None
    n = peers.municipalities()
    if label:
        intro = t["peers_intro"].format(name=name, n=fmt.number(n, language),
                                        m=fmt.number(peers.municipalities(cls), language), size_class=label)
    else:
        intro = t["peers_intro_no_class"].format(name=name, n=fmt.number(n, language))
    if peers.dataset in ("begroting", "jaarrekening") and peers.year:
        source = t["peers_source"].format(dataset=t[f"dataset_{peers.dataset}"], year=peers.year,
                                          inhabitants=fmt.number(inhabitants, language), name=name)
    else:
        source = t["peers_source_file"].format(source=peers.source, inhabitants=fmt.number(inhabitants, language),
                                               name=name)
    total = cells(grand.lasten, list(peers.taakvelden))

    def download(name: str, code: str, c: dict) -> dict:
        # exact euros per inhabitant (cents and beyond), in the order of the table's columns
        values = {key: None if v is None else v.quantize(Decimal("0.000001")) for key, v in c["values"].items()}
        row = {"naam": name, "taakveld": code, "per_inwoner_gemeente": values["own"],
               "per_inwoner_nederland": values["national"]}
        if cls:
            row["per_inwoner_grootteklasse"] = values["size_class"]
        return row

    rows = []
    for group in out_groups:
        rows.append(download(f'{group["main"]}. {group["name"]}', group["main"], group["cells"]))
        rows.extend(download(r["name"], r["code"], r["cells"]) for r in group["rows"])
    rows.append(download(t["total"], "", total))
    return {
        "intro": intro, "source": source, "caption": t["peers_caption"].format(period=period),
        "class_label": label[:1].upper() + label[1:] if label else None,
        "groups": out_groups, "total": total, "download": rows,
    }


def size_class(low: int, high: int | None, language: str = "nl") -> str:
    """A CBS size class in words: 'gemeenten met 150.000 tot 250.000 inwoners'."""
    t = strings(language)
    if high is None:
        return t["size_class_open"].format(low=fmt.number(low, language))
    if low <= 0:
        return t["size_class_below"].format(high=fmt.number(high, language))
    return t["size_class_range"].format(low=fmt.number(low, language), high=fmt.number(high, language))
