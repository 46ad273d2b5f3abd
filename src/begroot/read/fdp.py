"""Read a Fiscal Data Package as a finance source: its ``mapping`` says which columns hold the
amounts and what the dimensions are, so no column mapping needs to be written by hand.

Dimensions are recognised by their ``dimensionType``/``classificationType`` or their name:
activity → programme, functional classification → taakveld, economic classification → categorie,
``direction`` → lasten/baten, ``date``/fiscal period → year, ``phase`` → BBV column. Several
measures become a wide file; a measure named like a year ("2015", "2015-16") gives that year.
Anything in ``begroot.toml`` overrides what the package says.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..config import AmountColumn, FinanceColumns, FinanceSource

ROLES = {
    "programme": ("activity", "program", "programme", "programma"),
    "taakveld": ("functional", "functional-classification", "functional_classification", "taakveld"),
    "categorie": ("economic", "economic-classification", "economic_classification", "categorie"),
    "kind": ("direction", "soort"),
    "year": ("date", "fiscal_period", "fiscal-period", "year", "jaar"),
    "column": ("phase", "kolom"),
}


class PackageError(Exception):
    pass


def _source_column(dimension: dict) -> str | None:
    attributes = dimension.get("attributes") or {}
    key = dimension.get("primaryKey")
    key = key[0] if isinstance(key, list) and key else key
    attribute = attributes.get(key) if key else None
    attribute = attribute or next(iter(attributes.values()), None)
    return attribute.get("source") if isinstance(attribute, dict) else None


def _role(name: str, dimension: dict) -> str | None:
    labels = {name.lower(), str(dimension.get("dimensionType", "")).lower(),
              str(dimension.get("classificationType", "")).lower()}
    for role, names in ROLES.items():
        if labels & set(names):
            return role
    return None


def resolve(source: FinanceSource, edition_dir: Path) -> tuple[FinanceSource, str]:
    """The finance source the package describes, and the file path relative to the edition folder."""
    path = edition_dir / source.datapackage
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError("file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"not valid JSON ({exc})") from None
    resources = package.get("resources") or []
    resource = next((r for r in resources if r.get("name") == source.resource), None) if source.resource else (
        resources[0] if resources else None)
    if not isinstance(resource, dict) or not resource.get("path"):
        raise PackageError(f"no resource {source.resource or ''} with a path".replace("  ", " "))
    mapping = package.get("mapping") or package.get("model") or {}
    measures = mapping.get("measures") or {}
    if isinstance(measures, list):  # a list form: [{"name":…, "source":…}]
        measures = {m.get("name", m.get("source")): m for m in measures}
    if not measures:
        raise PackageError("the mapping has no measures (no amount column)")
    dimensions = mapping.get("dimensions") or {}
    if isinstance(dimensions, list):
        dimensions = {d.get("name"): d for d in dimensions}

    columns = {}
    for name, dimension in dimensions.items():
        role = _role(str(name), dimension if isinstance(dimension, dict) else {})
        column = _source_column(dimension) if isinstance(dimension, dict) else None
        if role and column and role not in columns:
            columns[role] = column
    given = {k: v for k, v in source.columns.model_dump().items() if v}
    columns.update(given)

    update: dict = {"file": str((Path(source.datapackage).parent / resource["path"]).as_posix()),
                    "datapackage": None, "resource": None}
    factor = {m.get("factor", 1) for m in measures.values() if isinstance(m, dict)}
    if source.unit == 1 and len(factor) == 1 and isinstance(next(iter(factor)), int):
        update["unit"] = next(iter(factor))
    if len(measures) == 1 and not source.amounts:
        measure = next(iter(measures.values()))
        columns.setdefault("amount", measure.get("source"))
        update["layout"] = "long"
    elif not source.amounts:
        amounts = {}
        for name, measure in measures.items():
            year = re.match(r"^(\d{4})", str(name))
            amounts[measure.get("source", name)] = AmountColumn(year=int(year.group(1)) if year else None)
        update["amounts"] = amounts
        update["layout"] = "wide"
    if "direction" in str(measures) and "kind" in columns and not source.kind_values:
        direction = next((m.get("direction") for m in measures.values() if isinstance(m, dict)), None)
        if isinstance(direction, dict) and isinstance(direction.get("values"), dict):
            update["kind_values"] = {k: {"expenditure": "lasten", "revenue": "baten"}.get(v, v)
                                     for k, v in direction["values"].items()
                                     if v in ("expenditure", "revenue")}
    update["columns"] = FinanceColumns(**{k: v for k, v in columns.items() if k in FinanceColumns.model_fields})
    if source.decimal == "auto":
        update["decimal"] = "."  # Frictionless numbers use a decimal point unless the schema says otherwise
    resolved = source.model_copy(update=update)
    return FinanceSource.model_validate(resolved.model_dump()), update["file"]
