"""``begroot iv3``: an edition's Iv3 delivery in CBS's JSON format, checked against CBS's rules.

The delivery holds the edition's lasten and baten per taakveld × categorie for its own year: the
``begroting`` column of a begroting (periode 0), the ``realisatie`` column of jaarstukken (periode
5), in € 1.000 with the cents kept as decimals (``1234.56`` euros is ``1.23456``). Before it is
written every cell is checked against the rules CBS publishes for that year
(:mod:`begroot.reference.iv3rules`): taakveld and categorie in the year's code lists (DF001,
DF002), no amount in a forbidden cell (a *grijze cel*, reported under DF002 with the taakveld),
and the checks of the definitions file that need only lasten and baten: total lasten = total
baten (PF006), categorie 6.1 only on the excluded taakvelden (PF005), no amounts on the
"onverdeeld" categorieën 4.3.9 and 4.4.9 in a realisation (PF009). Each finding carries CBS's code
and message and the export rows behind the cell. Code-list and grey-cell findings are errors
(CBS refuses the delivery; nothing is written); the checks are warnings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import polars as pl

from .. import __version__, reference
from ..errors import Problems
from ..model import Budget, EditionData
from ..reference import iv3rules

PERIOD = {"begroting": (0, "Begroting", "begroting"), "jaarstukken": (5, "Realisatie", "realisatie")}
UNIT = 1000  # euros per Iv3 amount
ROWS_SHOWN = 5
_NUMBER = "\u0000number:"


class Iv3Refused(Exception):
    """The edition cannot give a delivery at all (its kind, or lines without codes)."""


def amount(cents: int) -> Decimal:
    """Cents as an Iv3 amount in € 1.000, exact, without exponent or trailing zeros."""
    value = (Decimal(cents) / (100 * UNIT)).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def cells(edition: EditionData) -> pl.DataFrame:
    """Per kind × taakveld × categorie: the cents and the rows behind them (``file``, ``rows``)."""
    config = edition.config
    if config.kind not in PERIOD:
        raise Iv3Refused(f"edition {config.id} is {config.kind}; an Iv3 delivery is made of a begroting or "
                         "jaarstukken edition")
    column = PERIOD[config.kind][2]
    lines = edition.lines.filter((pl.col("year") == config.year) & (pl.col("column") == column))
    if lines.is_empty():
        raise Iv3Refused(f"edition {config.id} has no {column} lines of {config.year}")
    missing = lines.filter(pl.col("taakveld").is_null() | pl.col("categorie").is_null())
    if missing.height:
        rows = ", ".join(str(r) for r in missing["row"].head(ROWS_SHOWN).to_list())
        raise Iv3Refused(f"{missing.height} lines of edition {config.id} have no taakveld or no categorie "
                         f"({missing['file'][0]} rows {rows}…); an Iv3 delivery needs both: map "
                         "columns.taakveld and columns.categorie in begroot.toml")
    table = lines.group_by("kind", "taakveld", "categorie").agg(pl.col("cents").sum(), pl.col("file").first(),
                                                                pl.col("row"))
    kinds, tvs, cats = table["kind"].to_list(), table["taakveld"].to_list(), table["categorie"].to_list()
    order = sorted(range(table.height), key=lambda i: (kinds[i] != "lasten", reference.sort_key(tvs[i]),
                                                       reference.sort_key(cats[i])))
    return table[order]


def _rows(file: str, rows: list[int]) -> str:
    rows = sorted(rows)
    shown = ", ".join(str(r) for r in rows[:ROWS_SHOWN])
    more = f" and {len(rows) - ROWS_SHOWN} more" if len(rows) > ROWS_SHOWN else ""
    return f"{file} row{'s' if len(rows) > 1 else ''} {shown}{more}"


def check(table: pl.DataFrame, year: int, period: int, problems: Problems, level: str = "gemeente") -> None:
    """CBS's findings on the cells of a delivery (see the module docstring), by the rules of the
    kind of organisation ``level``."""
    lists = reference.taakvelden(year, level)
    taakvelden = {c for c, v in lists.items() if v.leaf}
    controles = iv3rules.controles(year, level)
    for kind, tv, cat, cents, file, rows in table.iter_rows():
        if cents == 0:
            continue
        cell = f"{kind} {tv} × {cat}: {_euros(cents)}, from {_rows(file, rows)}"

        def finding(code: str, error: bool = True, **slots: str) -> None:
            text = f"CBS {code}: {iv3rules.message(code, **slots)} ({cell})"
            (problems.error if error else problems.warning)(text, file=file, row=min(rows), code=code)

        if tv not in taakvelden:
            finding("DF001", onderdeel=kind, fout=tv, extra=f"(categorie {cat})")
        elif cat not in {c for c, v in reference.categorieen(year, kind, level).items() if v.leaf}:
            finding("DF002", onderdeel=kind, fout=cat, extra=f"(taakveld {tv})")
        elif (tv, cat) in iv3rules.grey_cells(year, kind, level):
            finding("DF002", onderdeel=kind, fout=cat,
                    extra=f"Grijze cel: bij taakveld {tv} is categorie {cat} niet toegestaan.")
        pf005 = controles.get("PF005", {})
        if cat == "6.1" and period in pf005.get("periode", []) and tv not in pf005.get("uitgesloten_taakvelden", []):
            finding("PF005", error=False, fout=_euros(cents), goed="0")
        if cat in ("4.3.9", "4.4.9") and period in controles.get("PF009", {}).get("periode", []):
            finding("PF009", error=False, fout=_euros(cents), goed="0")
    if period in controles.get("PF006", {}).get("periode", []):
        totals = {k: int(table.filter(pl.col("kind") == k)["cents"].sum()) for k in reference.KINDS}
        if totals["lasten"] != totals["baten"]:
            balance = " or ".join(f"{c} {v.name}" for c, v in lists.items()
                                  if v.leaf and v.name.lower().startswith(("mutaties reserves", "resultaat")))
            problems.warning(
                f"CBS PF006: {iv3rules.message('PF006', fout=_euros(totals['lasten'] - totals['baten']), goed='0')} "
                f"(lasten {_euros(totals['lasten'])}, baten {_euros(totals['baten'])}; the difference belongs on "
                f"{balance})", file=table["file"][0], code="PF006")


def _euros(cents: int) -> str:
    from ..format import exact_number

    return f"€ {exact_number(Decimal(cents) / 100)}"


def delivery(budget: Budget, edition_id: str, when: dt.datetime, contact: dict[str, str],
             problems: Problems) -> dict | None:
    """The delivery of one edition as a JSON-ready dict (amounts as Decimal); None when CBS would
    refuse it (the errors are in ``problems``). Raises Iv3Refused when there is nothing to deliver."""
    edition = budget.edition(edition_id)
    config = edition.config
    period, status, _ = PERIOD.get(config.kind, (None, None, None))
    organisation = budget.config.organisation
    if not reference.has_lists(organisation.kind):
        raise Iv3Refused(f"begroot.toml: [organisation] kind = {organisation.kind!r}; CBS publishes no Iv3 lists "
                         f"for a {organisation.kind} (only for {', '.join(reference.LEVELS)}), so begroot cannot "
                         "make or check an Iv3 delivery for it")
    table = cells(edition)
    check(table, config.year, period, problems, organisation.kind)
    if problems.has_errors():
        return None
    data: dict[str, list] = {"lasten": [], "baten": []}
    for kind, tv, cat, cents, _file, _rows in table.iter_rows():
        if cents != 0:
            data[kind].append({"taakveld": tv, "categorie": cat, "bedrag": amount(cents)})
    return {
        "metadata": {
            "overheidslaag": reference.CBS_LAYER[organisation.kind],
            "overheidsnummer": (organisation.cbs_code or "")[2:],
            "overheidsnaam": organisation.name,
            "boekjaar": config.year, "periode": period, "status": status,
            "datum": when.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "details_openbaar": False, "financieel_pakket": "", "export_software": f"begroot {__version__}",
        },
        "contact": contact,
        "data": {**data, "balans_lasten": [], "balans_baten": [], "balans_standen": []},
    }


def dumps(document: dict) -> str:
    """The delivery as JSON text, every amount written as the exact decimal it is."""
    def encode(value):
        if isinstance(value, Decimal):
            return _NUMBER + format(value, "f")
        raise TypeError(type(value).__name__)

    text = json.dumps(document, ensure_ascii=False, indent=1, default=encode)
    return re.sub(r'"\\u0000number:(-?[0-9.]+)"', r"\1", text) + "\n"


def write(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(document), encoding="utf-8", newline="\n")
