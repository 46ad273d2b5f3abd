"""Turn a finance export (any layout, described by a column mapping) into finance lines.

The result follows :data:`begroot.model.LINE_SCHEMA`. Programme codes may still be missing here
(an Iv3 file only has taakvelden); :mod:`begroot.project` assigns them through the programme list.
Every value that cannot be used becomes a problem with its file, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..config import DEFAULT_COLUMN_VALUES, DEFAULT_KIND_VALUES, Edition, FinanceSource
from ..errors import Problems
from ..model import LINE_SCHEMA
from . import numbers
from .tables import NUMERIC, ROW, Table, TableError, read_table, report_missing_column

#: A taakveld code at the start of a cell: "6.71a", or "0.10 Mutaties reserves".
TAAKVELD_RE = r"^\s*(\d{1,2}\.\d{1,3}[a-z]?)(?:\s|$|[-–:])"
#: An economische categorie code at the start of a cell: "3.4.1", "1.1 Salarissen".
CATEGORIE_RE = r"^\s*(\d(?:\.\d{1,2}){0,3}[a-z]?)(?:\s|$|[-–:])"

AMOUNT_MESSAGES = {
    numbers.INVALID: ("'{value}' is not a number",
                      "write amounts as 1.234,56 or 1234.56, without letters"),
    numbers.EXPONENT: ("'{value}' is written in exponent notation",
                       "format the column as a plain number in the spreadsheet before exporting"),
    numbers.TOO_PRECISE: ("'{value}' is more precise than one cent",
                          "round amounts to cents, or check the unit set for this file"),
    numbers.TOO_LARGE: ("'{value}' is too large to be an amount",
                        "check the unit set for this file and the number itself"),
    numbers.DATE: ("'{value}' is a date, not an amount",
                   "check that the column mapping names the amount column, and that Excel did not turn "
                   "the amounts into dates"),
}
#: A cell that marks a row as a total of other rows (it would count their money twice).
SUBTOTAL_RE = r"(?i)^\s*(sub)?tota(a)?l\b|^\s*generaal\s+totaal"


@dataclass
class FinanceResult:
    lines: pl.DataFrame
    rows: int
    exported_at: dt.datetime | None
    headers: dict[str, str]  # field of LINE_SCHEMA -> header name in the file, for messages
    file: str = ""           # the file read, relative to the project


def _missing_columns(table: Table, wanted: list[str], problems: Problems) -> bool:
    missing = [c for c in wanted if c not in table.header]
    if not missing:
        return False
    # Is the header lower down (a title row, or a header merged over two rows, above it)?
    lower = None
    for offset, values in enumerate(table.data.head(10).drop(ROW).iter_rows()):
        cells = {(v or "").strip() for v in values}
        if all(name in cells for name in missing):
            lower = table.header_row + 1 + offset
            break
    for name in missing:
        report_missing_column(
            problems, table, name,
            f"the header seems to be row {lower}: set header_row = {lower} for this file in begroot.toml"
            if lower else "correct the column name in begroot.toml or in the file's header row")
    return True


def _report(problems: Problems, table: Table, frame: pl.DataFrame, column: str, message: str,
            hint: str, code: str, value_col: str = "value") -> None:
    for row, value in frame.select(ROW, value_col).iter_rows():
        problems.error(message.format(value=value), file=table.file, row=row, column=column,
                       hint=hint, code=code)


def _per_value(data: pl.DataFrame, column: str, derive, dtype=pl.String) -> pl.Expr:
    """``derive(pl.col(column))``, computed once per distinct value of the column and looked up
    for every row: code columns hold a few hundred values over a million rows."""
    values = data.get_column(column).unique()
    table = pl.DataFrame({"value": values}).with_columns(derive(pl.col("value")).cast(dtype).alias("derived"))
    return pl.col(column).replace_strict(table["value"], table["derived"], default=None, return_dtype=dtype)


def _map_values(expr: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    lowered = expr.str.strip_chars().str.to_lowercase()
    return lowered.replace_strict(mapping, default=None, return_dtype=pl.String)


def read_finance(project: Path, edition: Edition, source: FinanceSource, problems: Problems,
                 default_decimal: str = ",") -> FinanceResult | None:
    """Read one finance source of an edition into lines; None when it could not be read at all."""
    if source.datapackage is not None:
        from pydantic import ValidationError

        from .fdp import PackageError, resolve

        try:
            source, _ = resolve(source, project / edition.dirname, problems,
                                f"{edition.dirname}/{source.datapackage}")
        except PackageError as exc:
            problems.error(str(exc), file=f"{edition.dirname}/{source.datapackage}", code="datapackage",
                           hint="point datapackage at a Fiscal Data Package with a resource and a mapping")
            return None
        except ValidationError as exc:
            problems.error(f"its mapping is not enough to read the file: {exc.errors()[0]['msg']}",
                           file=f"{edition.dirname}/{source.datapackage}", code="datapackage",
                           hint="name the missing columns in [editions.finance.columns] in begroot.toml")
            return None
    rel = f"{edition.dirname}/{source.file}"
    path = project / edition.dirname / source.file
    try:
        table = read_table(path, rel, sheet=source.sheet, delimiter=source.delimiter,
                           encoding=source.encoding, header_row=source.header_row)
    except TableError as exc:
        problems.error(exc.message, file=exc.file, row=exc.row, hint=exc.hint, code="unreadable")
        return None

    cols = source.columns
    mapped = {k: v for k, v in cols.model_dump().items() if v}
    wanted = list(mapped.values()) + list(source.filter) + list(source.amounts)
    if _missing_columns(table, list(dict.fromkeys(wanted)), problems):
        return None

    data = table.data
    rows_read = data.height
    if table.hidden:
        problems.warning(f"sheet '{table.sheet}' is hidden in Excel", file=rel, code="hidden-sheet",
                         hint="check that this is the sheet you mean; hidden sheets often hold old or helper data")
    used = list(dict.fromkeys(wanted))
    for row, column in table.formulas_without_value:
        if column in used:
            problems.error("the cell has a formula but no saved result", file=rel, row=row, column=column,
                           code="formula-without-value",
                           hint="open the file in Excel (so it calculates) and save it again")
    # Blank rows are skipped; rows that repeat the header (exports printed in pages) and total
    # rows are skipped with a warning, so no money is counted twice.
    # (regular expressions over the cells as they are: no stripped or lowered copy of a million cells)
    data = data.filter(pl.any_horizontal([pl.col(c).str.contains(r"\S").fill_null(False) for c in used]))
    repeated = data.filter(pl.all_horizontal([
        pl.col(c).str.contains(r"(?i)^\s*" + re.escape(name.strip()) + r"\s*$").fill_null(False)
        if name.strip() else pl.col(c).str.contains(r"\S").fill_null(False).not_()
        for c, name in zip(used, used)]))
    for row in repeated[ROW].to_list():
        problems.warning("the row repeats the header row; it was skipped", file=rel, row=row,
                         code="repeated-header", hint="remove the repeated header rows from the export")
    label_columns = [c for c in (cols.taakveld, cols.programme, cols.description, cols.categorie) if c]
    subtotal = (pl.any_horizontal([pl.col(c).fill_null("").str.contains(SUBTOTAL_RE) for c in label_columns])
                if label_columns else pl.lit(False))
    totals = data.filter(subtotal)
    for row, label in totals.select(ROW, pl.coalesce([pl.col(c) for c in label_columns])).iter_rows() \
            if label_columns else []:
        problems.warning(f"'{label}' looks like a total of other rows; the row was skipped so its money is not "
                         "counted twice", file=rel, row=row, code="subtotal-row",
                         hint="export without subtotals, or leave this warning if the row is indeed a total")
    data = data.filter(~pl.col(ROW).is_in(repeated[ROW].implode()) & ~subtotal)
    for name, allowed in source.filter.items():
        values = [allowed] if isinstance(allowed, str) else list(allowed)
        data = data.filter(pl.col(name).str.strip_chars().is_in(values))
    if source.filter and data.height == 0:
        problems.error(
            "no row matches the filter " + ", ".join(f"{k} = {v!r}" for k, v in source.filter.items()),
            file=rel, code="filter-empty", hint="check the filter values in begroot.toml")
        return None

    # Amount columns: one (long) or several (wide, unpivoted to long).
    if source.layout == "long":
        parts = [(cols.amount, data, {})]
    else:
        parts = [(header, data, spec.model_dump(exclude_none=True)) for header, spec in source.amounts.items()]

    kind_values = {**DEFAULT_KIND_VALUES, **{k.lower(): v for k, v in source.kind_values.items()}}
    column_values = {**DEFAULT_COLUMN_VALUES, **{k.lower(): v for k, v in source.column_values.items()}}
    default_column = {"jaarstukken": "realisatie"}.get(edition.kind, "begroting")
    if edition.kind in ("voorjaarsnota", "najaarsnota"):
        default_column = "begroting_na_wijziging"

    frames: list[pl.DataFrame] = []
    saldo_checks: list[str] = []
    for header, part, spec in parts:
        if spec.get("kind") == "saldo":
            saldo_checks.append(header)
            continue
        parsed = _parse_column(table, part, header, source, default_decimal)
        part = part.with_columns(parsed["cents"].alias("cents"), parsed["status"].alias("status"),
                                 pl.col(header).alias("value"))
        for status, (message, hint) in AMOUNT_MESSAGES.items():
            bad = part.filter(pl.col("status") == status)
            if bad.height:
                _report(problems, table, bad, header, message, hint, f"amount-{status}")
        part = part.filter(pl.col("status").is_null())

        exprs: dict[str, pl.Expr] = {}
        # kind
        if "kind" in spec:
            exprs["kind"] = pl.lit(spec["kind"])
        elif cols.kind:
            exprs["kind"] = _per_value(part, cols.kind, lambda c: _map_values(c, kind_values))
        elif source.constants.kind:
            exprs["kind"] = pl.lit(source.constants.kind)
        elif source.signed:
            exprs["kind"] = pl.when(pl.col("cents") < 0).then(pl.lit("baten")).otherwise(pl.lit("lasten"))
        else:
            problems.error(f'cannot tell lasten from baten for the amounts in column "{header}"',
                           file=rel, column=header, code="no-kind",
                           hint="map a kind column, set constants.kind, set kind per amount column, or signed = true")
            return None
        # year
        if "year" in spec:
            exprs["year"] = pl.lit(spec["year"])
        elif cols.year:
            exprs["year"] = _per_value(part, cols.year, lambda c: c.str.strip_chars().str.extract(r"^(\d{4})(?:\.0)?$", 1)
                                       .cast(pl.Int32, strict=False), pl.Int32)
        else:
            exprs["year"] = pl.lit(source.constants.year or edition.year)
        # BBV column
        if "column" in spec:
            exprs["column"] = pl.lit(spec["column"])
        elif cols.column:
            exprs["column"] = _per_value(part, cols.column, lambda c: _map_values(c, column_values))
        else:
            exprs["column"] = pl.lit(source.constants.column or default_column)
        # codes
        exprs["taakveld"] = (_per_value(part, cols.taakveld, lambda c: c.str.extract(TAAKVELD_RE, 1).str.to_lowercase())
                             if cols.taakveld else pl.lit(None, dtype=pl.String))
        exprs["categorie"] = (_per_value(part, cols.categorie, lambda c: c.str.extract(CATEGORIE_RE, 1))
                              if cols.categorie else pl.lit(None, dtype=pl.String))
        if cols.programme:
            exprs["programme"] = _per_value(part, cols.programme, lambda c: c.str.strip_chars().str.replace(r"\.0$", ""))
        else:
            exprs["programme"] = pl.lit(source.constants.programme, dtype=pl.String)
        part = part.with_columns(**{k: v for k, v in exprs.items()})
        if source.signed and not cols.kind and "kind" not in spec and not source.constants.kind:
            part = part.with_columns(pl.col("cents").abs())

        # Values that could not be mapped.
        checks = [
            ("kind", cols.kind, "'{value}' is not lasten or baten",
             "use Lasten/Baten (or L/B), or add the value to kind_values in begroot.toml", "bad-kind"),
            ("year", cols.year, "'{value}' is not a year", "write the year as four digits, e.g. 2024", "bad-year"),
            ("column", cols.column, "'{value}' is not a known BBV column",
             "use realisatie, begroting, begroting na wijziging or meerjarenraming, or add it to column_values",
             "bad-column"),
            ("taakveld", cols.taakveld, "'{value}' does not start with a taakveld code",
             "write the Iv3 taakveld code first, e.g. '6.1' or '6.1 Samenkracht en burgerparticipatie'",
             "bad-taakveld-format"),
            ("categorie", cols.categorie, "'{value}' does not start with a categorie code",
             "write the Iv3 categorie code first, e.g. '3.4.1'", "bad-categorie-format"),
            ("programme", cols.programme, "the programme code is empty",
             "fill in the programme code of every line", "empty-programme"),
        ]
        for field, header_name, message, hint, code in checks:
            if not header_name or (field in spec):
                continue
            if field in ("categorie",):
                bad = part.filter(pl.col(field).is_null() & pl.col(header_name).str.strip_chars().ne(""))
            elif field == "programme":
                bad = part.filter(pl.col(field).is_null() | (pl.col(field) == ""))
            else:
                bad = part.filter(pl.col(field).is_null())
            if bad.height:
                bad = bad.with_columns(pl.col(header_name).fill_null("").alias("value"))
                _report(problems, table, bad, header_name, message, hint, code)
                part = part.filter(~pl.col(ROW).is_in(bad[ROW].implode()))

        frames.append(part.select(
            pl.col("programme"), pl.col("taakveld"), pl.col("categorie"), pl.col("kind"),
            pl.col("year").cast(pl.Int32), pl.col("column"), pl.col("cents"),
            pl.lit(rel).alias("file"), pl.col(ROW).alias("row"),
        ))

    if saldo_checks:
        _check_saldo(table, data, source, saldo_checks, default_decimal, problems)

    lines = pl.concat(frames) if frames else pl.DataFrame(schema=LINE_SCHEMA)
    lines = lines.cast(LINE_SCHEMA)  # type: ignore[arg-type]
    exported = source.exported_at or table.modified
    return FinanceResult(lines=lines, rows=rows_read, exported_at=exported, headers=mapped, file=rel)


def _parse_column(table: Table, data: pl.DataFrame, header: str, source: FinanceSource,
                  default_decimal: str) -> pl.DataFrame:
    """Parse one amount column; XLSX number cells are always read with a decimal point."""
    rounding = source.round_to_cents
    if header in table.numeric_columns:
        return numbers.parse_amounts(data[header], decimal=".", unit=source.unit, round_to_cents=rounding)
    if header in table.mixed_columns:
        is_number = data[NUMERIC + header]
        texts = data[header].zip_with(~is_number, pl.Series([None] * data.height, dtype=pl.String))
        decimal = source.decimal if source.decimal != "auto" else numbers.detect_decimal(texts, default_decimal)
        as_text = numbers.parse_amounts(data[header], decimal=decimal, unit=source.unit, round_to_cents=rounding)
        as_number = numbers.parse_amounts(data[header], decimal=".", unit=source.unit, round_to_cents=rounding)
        return pl.DataFrame({
            "cents": as_number["cents"].zip_with(is_number, as_text["cents"]),
            "status": as_number["status"].zip_with(is_number, as_text["status"]),
        })
    return numbers.parse_amounts(data[header], decimal=source.decimal, unit=source.unit, default=default_decimal,
                                 round_to_cents=rounding)


def _check_saldo(table: Table, data: pl.DataFrame, source: FinanceSource, saldo_cols: list[str],
                 default_decimal: str, problems: Problems) -> None:
    """Wide files with a saldo column: each row's saldo must equal baten minus lasten."""
    kinds = {h: s.kind for h, s in source.amounts.items() if s.kind in ("lasten", "baten")}
    if not any(k == "lasten" for k in kinds.values()) or not any(k == "baten" for k in kinds.values()):
        return

    def cents(header: str) -> pl.Series:
        return _parse_column(table, data, header, source, default_decimal)["cents"]

    lasten = sum((cents(h).fill_null(0) for h, k in kinds.items() if k == "lasten"), pl.Series([0] * data.height))
    baten = sum((cents(h).fill_null(0) for h, k in kinds.items() if k == "baten"), pl.Series([0] * data.height))
    for header in saldo_cols:
        saldo = cents(header)
        frame = pl.DataFrame({ROW: data[ROW], "saldo": saldo, "expected": baten - lasten, "value": data[header]})
        bad = frame.filter(pl.col("saldo").is_not_null() & (pl.col("saldo") != pl.col("expected")))
        for row, value, expected in bad.select(ROW, "value", "expected").iter_rows():
            problems.error(
                f"saldo {value} is not baten minus lasten ({_euros(expected, source.unit)})",
                file=table.file, row=row, column=header, code="saldo-mismatch",
                hint="correct the saldo or the lasten and baten of this row")


def _euros(cents: int, unit: int) -> str:
    from decimal import Decimal
    value = Decimal(cents).scaleb(-2) / unit
    return format(value.normalize(), "f")

