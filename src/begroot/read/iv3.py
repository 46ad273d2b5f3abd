"""Read an Iv3 delivery in CBS's JSON format (``format = "iv3"``) as a finance source.

The file is what a municipality sends CBS (schema ``iv3_data_schema_v2_1_1.json``): ``metadata``
(``overheidslaag``, ``overheidsnummer``, ``overheidsnaam``, ``boekjaar``, ``periode``, ``status``),
``contact`` and ``data`` with ``lasten`` and ``baten``, each a list of
``{"taakveld": "0.1", "categorie": "1.1", "bedrag": 1234.5}``. The balance sections are not read.

Each item becomes one finance line of year ``boekjaar``: status ``Begroting`` (periode 0) gives the
BBV column ``begroting``, ``Realisatie`` (periode 1-4: a quarter, 5: the year) ``realisatie``.
Amounts are in € 1.000 as in all Iv3 matrices, unless ``unit`` is set for the source; they are read
exactly (JSON numbers as decimals) and must come to whole cents.

A line's ``row`` is the item's number in the file, lasten first, then baten (``data.baten[0]`` of a
file with 10 lasten is row 11); messages of this reader name the JSON path (``data.baten[0].bedrag``).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

import polars as pl

from ..config import Edition, FinanceSource
from ..errors import Problems
from ..model import LINE_SCHEMA
from ..reference import CBS_LAYER, KINDS
from .rows import Accounting, ColumnSums

#: Euros per unit of an Iv3 amount unless the source sets ``unit``.
IV3_UNIT = 1000
MAX_BYTES = 100 * 1024 * 1024
STATUS_COLUMN = {"begroting": "begroting", "realisatie": "realisatie"}
HINT = "an Iv3 delivery is CBS's JSON format: metadata, contact and data with lasten and baten"


class Iv3Error(Exception):
    def __init__(self, message: str, path: str | None = None, hint: str = HINT):
        self.message, self.path, self.hint = message, path, hint
        super().__init__(message)


def unit_of(source: FinanceSource) -> int:
    return source.unit if "unit" in source.model_fields_set else IV3_UNIT


def load(path: Path) -> dict:
    """The parsed delivery (numbers as ``int``/``Decimal``); Iv3Error when it is not one."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise Iv3Error("the file is larger than 100 MB")
        raw = path.read_bytes()
    except FileNotFoundError:
        from ..paths import missing_file_hint

        raise Iv3Error("file not found", hint=missing_file_hint(path, "check the file name in begroot.toml")) from None
    except OSError as exc:
        raise Iv3Error(f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Iv3Error(f"not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8") from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise Iv3Error(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except ValueError as exc:
        raise Iv3Error(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise Iv3Error("not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise Iv3Error("not an Iv3 delivery (the file is not a JSON object)", "$")
    return data


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def metadata(data: dict) -> dict:
    """The metadata the reader needs, checked: boekjaar (int), periode (int), status, names."""
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        raise Iv3Error("the delivery has no metadata object", "metadata")
    out = {}
    year = meta.get("boekjaar")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        raise Iv3Error(f"boekjaar is {json.dumps(_plain(year))}, not a year", "metadata.boekjaar",
                       "write the year as a number, e.g. 2024")
    out["boekjaar"] = year
    period = meta.get("periode", 0 if str(meta.get("status", "")).lower() == "begroting" else 5)
    if isinstance(period, Decimal) and period == period.to_integral_value():
        period = int(period)
    if not isinstance(period, int) or isinstance(period, bool) or period not in range(6):
        raise Iv3Error(f"periode is {json.dumps(_plain(period))}; CBS allows 0 (begroting), 1-4 (a quarter) "
                       "or 5 (the year's realisation)", "metadata.periode")
    out["periode"] = period
    status = str(meta.get("status") or ("Begroting" if period == 0 else "Realisatie")).strip().lower()
    if status not in STATUS_COLUMN:
        raise Iv3Error(f"status is {json.dumps(_plain(meta.get('status')))}; CBS allows \"Begroting\" or "
                       "\"Realisatie\"", "metadata.status")
    if (status == "begroting") != (period == 0):
        raise Iv3Error(f"status is {json.dumps(_plain(meta.get('status')))} and periode {period}: CBS's begroting is "
                       "periode 0, a realisation periode 1-5, so it is unclear which column the amounts are",
                       "metadata.periode", "export the delivery again, or correct status or periode")
    out["status"] = status
    out["overheidslaag"] = str(meta.get("overheidslaag") or "Gemeente")
    out["overheidsnaam"] = str(meta.get("overheidsnaam") or "")
    out["overheidsnummer"] = str(meta.get("overheidsnummer") or "")
    return out


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def items(data: dict, unit: int) -> list[tuple[str, int, str, str, int]]:
    """(kind, index, taakveld, categorie, cents) of every amount of lasten and baten, in file order."""
    section = data.get("data")
    if not isinstance(section, dict):
        raise Iv3Error("the delivery has no data object", "data")
    out = []
    for kind in KINDS:
        entries = section.get(kind, [])
        if not isinstance(entries, list):
            raise Iv3Error(f"{kind} is not a list", f"data.{kind}")
        for index, entry in enumerate(entries):
            where = f"data.{kind}[{index}]"
            if not isinstance(entry, dict):
                raise Iv3Error("an amount is not an object with taakveld, categorie and bedrag", where)
            codes = []
            for key in ("taakveld", "categorie"):
                value = entry.get(key)
                if not isinstance(value, str) or not value.strip():
                    example = '"0.1"' if key == "taakveld" else '"1.1"'
                    got = "missing" if value is None else json.dumps(_plain(value))
                    raise Iv3Error(f"{key} is {got}; a code such as {example} is expected", f"{where}.{key}")
                codes.append(value.strip())
            amount = entry.get("bedrag")
            if isinstance(amount, bool) or not isinstance(amount, (int, Decimal)):
                raise Iv3Error(f"bedrag is {'missing' if amount is None else json.dumps(_plain(amount))}; "
                               "a number is expected", f"{where}.bedrag")
            try:
                cents = Decimal(amount) * unit * 100
                exact = cents == cents.to_integral_value()
            except InvalidOperation:
                exact = False
            if not exact or abs(cents) > 10 ** 14:
                raise Iv3Error(f"bedrag {amount} is more precise than one cent or too large at {unit} euro per unit",
                               f"{where}.bedrag", "check unit for this file in begroot.toml (1000: € 1.000)")
            out.append((kind, index, codes[0].lower(), codes[1], int(cents)))
    return out


def read_iv3(project: Path, edition: Edition, source: FinanceSource,
             problems: Problems, level: str = "gemeente") -> tuple[pl.DataFrame, Accounting] | None:
    """The lines of one Iv3 delivery (:data:`begroot.model.LINE_SCHEMA`) and their account; None
    (with an error naming the file and the JSON path) when it cannot be read. ``level`` is the
    organisation's kind: a delivery of another government layer is refused (its codes mean
    other things)."""
    rel = f"{edition.dirname}/{source.file}"
    try:
        data = load(project / edition.dirname / source.file)
        meta = metadata(data)
        amounts = items(data, unit_of(source))
    except Iv3Error as exc:
        message = f"at {exc.path}: {exc.message}" if exc.path else exc.message
        problems.error(message, file=rel, hint=exc.hint, code="iv3-input")
        return None
    expected = CBS_LAYER.get(level, level)
    if meta["overheidslaag"].strip().lower() != expected.lower():
        problems.error(f"at metadata.overheidslaag: the delivery is of a {meta['overheidslaag']}, but begroot.toml "
                       f"says [organisation] kind = {level!r} (overheidslaag {expected}): a taakveld code means "
                       "something else in each layer's Iv3 list", file=rel, code="iv3-layer",
                       hint=f"set kind under [organisation] to the delivery's layer, or use the {expected} delivery")
        return None
    if 1 <= meta["periode"] <= 4:
        problems.warning(f"the delivery is of quarter {meta['periode']} of {meta['boekjaar']}: its amounts are "
                         "realised up to that quarter, not the year's (metadata.periode)", file=rel,
                         code="iv3-input")
    column = STATUS_COLUMN[meta["status"]]
    lines = pl.DataFrame(
        {"programme": [None] * len(amounts), "taakveld": [a[2] for a in amounts],
         "categorie": [a[3] for a in amounts], "kind": [a[0] for a in amounts],
         "year": [meta["boekjaar"]] * len(amounts), "column": [column] * len(amounts),
         "cents": [a[4] for a in amounts], "file": [rel] * len(amounts),
         "row": list(range(1, len(amounts) + 1))},
        schema=LINE_SCHEMA)
    if lines.is_empty():
        problems.error("the delivery has no amounts in lasten or baten", file=rel, code="no-lines",
                       hint="export the delivery again; for an edition without figures set text_only = true")
        return None
    total = int(lines["cents"].sum())
    account = Accounting(file=rel, rows=lines.height, counted=lines.height,
                         columns=[ColumnSums(header="bedrag", unit=unit_of(source), total=total, counted=total)])
    return lines, account
