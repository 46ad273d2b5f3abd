"""Read a Fiscal Data Package as a finance source: its ``mapping`` says which columns hold the
amounts and what the dimensions are, so no column mapping needs to be written by hand.

Dimensions are recognised by their ``dimensionType``/``classificationType`` or their name:
activity → programme, functional classification → taakveld, economic classification → categorie,
``direction`` → lasten/baten, ``date``/fiscal period → year, ``phase`` → BBV column. Several
measures become a wide file; a year in a measure's name ("2015", "amount_2015", "2015-16") gives
that year, its ``phase`` the BBV column, its ``factor`` the unit (one for the file); two measures
that would give the same figure (same year, phase and direction) are refused, not added up.

The ``direction`` of the amounts (``expenditure`` → lasten, ``revenue`` → baten) is taken from
the measure, else its resource, else the package (the Fiscal Data Package puts it on the measure;
older Budget Data Packages on the resource as ``type``), unless a column of the data says it per
row. A functional or economic classification is used as Iv3 taakvelden or categorieën only when
it is Iv3: the dimension says so (named ``taakveld``/``categorie``, or ``iv3`` in its name or
``classificationType``), or most of its values are codes of an Iv3 list. Another classification
(a country's own economic classification) is left out with a warning instead of failing every row.

Anything in ``begroot.toml`` overrides what the package says: columns named in
``[editions.finance.columns]`` are used as they are, and ``constants.kind`` overrides the direction.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..config import AmountColumn, FinanceColumns, FinanceSource
from ..errors import Problems

DIRECTIONS = {"expenditure": "lasten", "revenue": "baten"}
#: A measure's ``phase`` (Fiscal Data Package) as the BBV column of its amounts.
PHASES = {"proposed": "begroting", "approved": "begroting", "adjusted": "begroting_na_wijziging",
          "executed": "realisatie"}
#: Iv3 roles of a classification, and the words by which a package says a dimension is Iv3.
IV3_ROLES = ("taakveld", "categorie")
IV3_WORDS = ("iv3", "taakveld", "taakvelden", "categorie", "categorieen", "categorieën")

ROLES = {
    "programme": ("activity", "program", "programme", "programma"),
    "taakveld": ("functional", "functional-classification", "functional_classification", "taakveld"),
    "categorie": ("economic", "economic-classification", "economic_classification", "categorie"),
    "kind": ("direction", "soort"),
    "year": ("date", "fiscal_period", "fiscal-period", "year", "jaar"),
    "column": ("phase", "kolom"),
}


class PackageError(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


#: A measure named as a fiscal year that runs into the next calendar year: "2015-16", "2015/2016".
FISCAL_YEAR = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")


def _check_currency(measures: dict, package_name: str, site: str) -> None:
    """The site shows every amount in its currency (``[site] currency``, euros by default), and
    converts none: a measure in another currency stops the read."""
    for name, measure in measures.items():
        currency = measure.get("currency") if isinstance(measure, dict) else None
        code = str(currency).strip().upper()
        if currency is not None and code != site:
            raise PackageError(
                f'measure "{name}" of {package_name} is in {currency}, the site shows amounts in {site}; begroot '
                "converts no currency",
                hint=f'set currency = "{code}" under [site] in begroot.toml to publish the site in {currency}, '
                     f"or convert the amounts to {site}")


def _fiscal_year_warnings(measures: dict, of_resource: str, where: str | None, problems: Problems | None) -> None:
    """A measure named "2015-16" is read as year 2015: said, so that a reader's fiscal year is not
    silently published under the calendar year it starts in."""
    for name in measures:
        match = FISCAL_YEAR.match(str(name))
        if match is None or problems is None:
            continue
        start, end = int(match[1]), match[2]
        if int(end) not in (start + 1, (start + 1) % 100):
            continue
        problems.warning(
            f'measure "{name}" {of_resource} is a year from {start} into {start + 1}; its amounts are read as '
            f"year {start}", file=where, code="datapackage-fiscal-year",
            hint=f'if they belong to {start + 1}, say so in begroot.toml: [editions.finance.amounts] '
                 f'"{name}" = {{ year = {start + 1} }}')


#: A year in a measure's name or column ("2015", "amount_2015", "FY2016", "2015-16").
YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _one_of(value, where: str, meanings: dict[str, str], allowed: str) -> str | None:
    """What a mapping's value means (its ``meanings``, read without case); None when absent or given
    per row (an object); PackageError naming the ``allowed`` values when another."""
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, str) and value.strip().lower() in meanings:
        return meanings[value.strip().lower()]
    raise PackageError(f"{where} is {json.dumps(value)}; the Fiscal Data Package allows {allowed}")


def _phase(value, where: str) -> str | None:
    """A measure's ``phase`` as a BBV column."""
    return _one_of(value, where, PHASES, '"proposed", "approved", "adjusted" or "executed"')


def _measure_year(name, measure) -> int | None:
    """The year a measure's name (else its column) says it holds, if any."""
    for text in (name, measure.get("source") if isinstance(measure, dict) else None):
        match = YEAR_IN_NAME.search(str(text or ""))
        if match:
            return int(match[1])
    return None


def _factor(measures: dict, package_name: str) -> int | None:
    """The one whole factor of the package's measures (euros per unit of their amounts); None when
    no measure states one. PackageError when a factor is not a whole number or they differ: begroot
    reads a file with one unit."""
    factors = {}
    for name, measure in measures.items():
        value = measure.get("factor") if isinstance(measure, dict) else None
        if value is None:
            continue
        try:
            number = Decimal(str(value).strip()) if not isinstance(value, bool) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number < 1 or number != number.to_integral_value():
            raise PackageError(f'measure "{name}" of {package_name} has factor {json.dumps(value)}; begroot reads '
                               "amounts in whole units of euros (a factor of 1, 1000, 1000000)",
                               hint="set unit for this file in begroot.toml and convert the amounts to it")
        factors[name] = int(number)
    if len(set(factors.values())) > 1:
        listed = ", ".join(f'"{n}" {f}' for n, f in factors.items())
        raise PackageError(f"the measures of {package_name} have different factors ({listed}); begroot reads a "
                           "file with one unit, so some amounts would be published a factor off",
                           hint="describe each measure in a package of its own, or convert the amounts to one unit")
    return next(iter(factors.values()), None)


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


def _says_iv3(name: str, dimension: dict, column: str) -> bool:
    """Whether the package itself says a dimension is an Iv3 classification (by the dimension's
    name, type or title, or the name of its column)."""
    labels = " ".join([name, column, str(dimension.get("classificationType", "")),
                       str(dimension.get("title", ""))]).lower()
    return any(word in re.split(r"[^a-zà-ÿ0-9]+", labels) for word in IV3_WORDS) or dimension.get("iv3") is True


def _iv3_share(path: Path, column: str, role: str, root: Path | None = None) -> tuple[float, list[str]] | None:
    """The share of the distinct non-empty values of ``column`` that are Iv3 codes (of any year's
    list), with a few values that are not; None when the file cannot be read here (the finance
    reader reports that). With ``root``, only a file inside it is read (see :func:`resolve`)."""
    import polars as pl

    from .. import reference
    from ..paths import opened_inside
    from ..reference import CATEGORIE_RE, TAAKVELD_RE

    try:
        with opened_inside(root, path) as opened:
            values = (pl.scan_csv(opened, infer_schema=False, encoding="utf8-lossy").select(pl.col(column))
                      .unique().collect()[column].drop_nulls().str.strip_chars())
    except Exception:  # noqa: BLE001 - any reading problem is the finance reader's to report
        return None
    values = values.filter(values != "")
    if values.is_empty():
        return None
    pattern = TAAKVELD_RE if role == "taakveld" else CATEGORIE_RE
    codes = values.str.extract(pattern, 1)
    known: set[str] = set()
    for level in reference.LEVELS:  # the codes of every kind of organisation: this only recognises a column
        for year in reference.shipped_years(level):
            if role == "taakveld":
                known.update(reference.taakvelden(year, level))
            else:
                for kind in reference.KINDS:
                    known.update(reference.categorieen(year, kind, level))
    ok = codes.str.to_lowercase().is_in(list(known)).fill_null(False) if role == "taakveld" else \
        codes.is_in(list(known)).fill_null(False)
    others = sorted(values.filter(~ok).to_list())[:3]
    return ok.sum() / values.len(), others


def _direction(value, where: str) -> str | None:
    """``expenditure``/``revenue`` as lasten/baten."""
    return _one_of(value, where, DIRECTIONS, '"expenditure" (lasten) or "revenue" (baten)')


def resolve(source: FinanceSource, edition_dir: Path, problems: Problems | None = None,
            where: str | None = None, inspect: bool = True, root: Path | None = None,
            currency: str = "EUR") -> tuple[FinanceSource, str]:
    """The finance source the package describes, and the file path relative to the edition folder.

    ``problems`` receives warnings about what of the package is not used (``where``: the package's
    name in messages); ``inspect=False`` does not look into the data file (only its path is needed).
    With ``root`` (the project folder), the package and its data file are read only if they lie
    inside it when they are opened (begroot.paths.open_inside), whatever they were when the
    settings were checked. ``currency``: the site's; a measure in another is an error.
    """
    from ..paths import SWAPPED, OutsideProject, read_inside

    path = edition_dir / source.datapackage
    package_name = Path(source.datapackage).name
    try:
        package = json.loads(read_inside(root, path).decode("utf-8"))
    except FileNotFoundError:
        from ..paths import missing_file_hint

        raise PackageError("file not found", missing_file_hint(path, "check the file name in begroot.toml")) from None
    except OutsideProject:
        raise PackageError(SWAPPED) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError(f"not valid JSON ({exc})") from None
    if not isinstance(package, dict):
        raise PackageError("not a data package (not a JSON object)")
    resources = package.get("resources") or []
    resource = next((r for r in resources if r.get("name") == source.resource), None) if source.resource else (
        resources[0] if resources else None)
    if not isinstance(resource, dict) or not resource.get("path"):
        raise PackageError(f"no resource {source.resource or ''} with a path".replace("  ", " "))
    resource_name = str(resource.get("name") or resource.get("path"))
    of_resource = f'of {package_name} resource "{resource_name}"'
    mapping = package.get("mapping") or package.get("model") or {}
    measures = mapping.get("measures") or {}
    if isinstance(measures, list):  # a list form: [{"name":…, "source":…}]
        measures = {m.get("name", m.get("source")): m for m in measures}
    if not measures:
        raise PackageError("the mapping has no measures (no amount column)")
    _check_currency(measures, package_name, currency)
    dimensions = mapping.get("dimensions") or {}
    if isinstance(dimensions, list):
        dimensions = {d.get("name"): d for d in dimensions}

    given = {k: v for k, v in source.columns.model_dump().items() if v}
    # a constant in begroot.toml holds for every row: the package's column for it is not used
    fixed = {k for k, v in source.constants.model_dump().items() if v is not None}
    columns = {}
    data_file = edition_dir / Path(source.datapackage).parent / resource["path"]
    for name, dimension in dimensions.items():
        role = _role(str(name), dimension if isinstance(dimension, dict) else {})
        column = _source_column(dimension) if isinstance(dimension, dict) else None
        if not role or not column or role in columns or role in given or role in fixed:
            continue
        if role in IV3_ROLES and inspect and not _says_iv3(str(name), dimension, column):
            share = _iv3_share(data_file, column, role, root)
            if share is not None and share[0] <= 0.5:
                if problems is not None:
                    what = "taakvelden" if role == "taakveld" else "categorieën"
                    examples = ", ".join(json.dumps(v, ensure_ascii=False) for v in share[1])
                    problems.warning(
                        f'field "{column}" {of_resource} (dimension "{name}") is not an Iv3 classification: most '
                        f"of its values, such as {examples}, are not Iv3 {role} codes; it is not used as Iv3 {what}",
                        file=where, code="datapackage-not-iv3",
                        hint=f'if it is Iv3 after all, name it in begroot.toml: [editions.finance.columns] '
                             f'{role} = "{column}"')
                continue
        columns[role] = column
    columns.update(given)

    update: dict = {"file": str((Path(source.datapackage).parent / resource["path"]).as_posix()),
                    "datapackage": None, "resource": None}
    factor = _factor(measures, package_name)
    if factor is not None and "unit" not in source.model_fields_set:
        update["unit"] = factor
    # The direction of the amounts: the measure's, else the resource's, else the package's.
    outer = (_direction(resource.get("direction"), f'field "direction" {of_resource}')
             or _direction(resource.get("type") if str(resource.get("type", "")).lower() in DIRECTIONS else None,
                           f'field "type" {of_resource}')
             or _direction(package.get("direction"), f'field "direction" of {package_name}'))
    kinds = {name: (_direction(m.get("direction"), f'field "direction" of {package_name} measure "{name}"')
                    if isinstance(m, dict) else None) or outer
             for name, m in measures.items()}
    per_row = "kind" in columns or source.constants.kind or source.signed
    # The BBV column of a measure's amounts (its phase) and their year (named in the measure), unless
    # a column of the data or begroot.toml says them.
    phases = {name: None if "column" in columns or source.constants.column else
              _phase(m.get("phase") if isinstance(m, dict) else None,
                     f'field "phase" of {package_name} measure "{name}"')
              for name, m in measures.items()}
    years = {name: None if "year" in columns or source.constants.year else _measure_year(name, m)
             for name, m in measures.items()}
    if len(measures) == 1 and not source.amounts:
        name, measure = next(iter(measures.items()))
        columns.setdefault("amount", measure.get("source"))
        update["layout"] = "long"
        constants = {"kind": kinds[name] if not per_row else None, "column": phases[name], "year": years[name]}
        constants = {k: v for k, v in constants.items() if v}
        if constants:
            update["constants"] = source.constants.model_copy(update=constants)
    elif not source.amounts:
        _fiscal_year_warnings(measures, of_resource, where, problems)
        amounts, seen = {}, {}
        for name, measure in measures.items():
            held = AmountColumn(year=years[name], kind=None if per_row else kinds[name], column=phases[name])
            other = seen.setdefault((held.year, held.column, held.kind), name)
            if other != name:
                raise PackageError(
                    f'measures "{other}" and "{name}" of {package_name} do not say how they differ (the same year, '
                    "phase and direction): read as they are, the two amounts of each row would be added up in "
                    "one figure",
                    hint="say in begroot.toml what each measure holds, e.g. [editions.finance.amounts] "
                         f'"{measure.get("source", name)}" = {{ year = 2024, column = "realisatie" }}')
            amounts[measure.get("source", name)] = held
        update["amounts"] = amounts
        update["layout"] = "wide"
    if "direction" in str(measures) and "kind" in columns and not source.kind_values:
        direction = next((m.get("direction") for m in measures.values() if isinstance(m, dict)), None)
        if isinstance(direction, dict) and isinstance(direction.get("values"), dict):
            update["kind_values"] = {k: DIRECTIONS.get(v, v) for k, v in direction["values"].items()
                                     if v in DIRECTIONS}
    update["columns"] = FinanceColumns(**{k: v for k, v in columns.items() if k in FinanceColumns.model_fields})
    if source.decimal == "auto":
        # Frictionless numbers use a decimal point unless the schema's field says otherwise (decimalChar)
        schema = resource.get("schema") if isinstance(resource.get("schema"), dict) else {}
        fields = {f.get("name"): f for f in schema.get("fields") or [] if isinstance(f, dict)}
        marks = {str(fields.get(m.get("source", n), {}).get("decimalChar", ".")) for n, m in measures.items()
                 if isinstance(m, dict)}
        update["decimal"] = marks.pop() if marks in ({","}, {"."}) else "."
    resolved = source.model_copy(update=update)
    return FinanceSource.model_validate(resolved.model_dump()), update["file"]


def column_labels(source: FinanceSource, headers: dict[str, str]) -> dict[str, str]:
    """Header names of a package's data file as messages name them: with the package they come from."""
    if source.datapackage is None:
        return headers
    package = Path(source.datapackage).name
    return {field: f"{header}, field of {package}" for field, header in headers.items()}
