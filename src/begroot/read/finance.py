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
from ..reference import CATEGORIE_RE, TAAKVELD_RE
from . import numbers
from .rows import Accounting, ColumnSums
from .signs import booked_baten
from .subtotals import drop_subtotals, list_uncounted, note
from .tables import NUMERIC, ROW, Table, TableError, read_table, report_invisible, report_missing_column


AMOUNT_MESSAGES = {
    numbers.INVALID: ("'{value}' is not a number",
                      "write amounts as 1.234,56 or 1234.56, without letters"),
    numbers.EXPONENT: ("'{value}' is written in exponent notation",
                       "format the column as a plain number in the spreadsheet before exporting"),
    numbers.TOO_PRECISE: ("'{value}' is more precise than one cent",
                          "round amounts to cents, or check the unit set for this file"),
    numbers.TOO_LARGE: ("'{value}' is more than € 1.000.000.000.000, the largest amount begroot reads in one cell",
                        "check the unit set for this file (1000 when the file is in thousands) and the number itself"),
    numbers.OTHER_DIGITS: ("'{value}' is written with digits of another script",
                           "write the amount with the digits 0-9 (the file may have been made with another "
                           "keyboard or language setting)"),
    numbers.DATE: ("'{value}' is a date, not an amount",
                   "check that the column mapping names the amount column, and that Excel did not turn "
                   "the amounts into dates"),
}


#: How a header states the unit of its amounts: "x € 1.000", "(€ 1.000)", "x1000", "in duizenden",
#: "x € 1 mln", "(€ mln)", "x 1.000.000". A header that states another unit than the file's ``unit``
#: would publish every amount a thousand (or a million) times too small or too large.
_TIMES = r"(?:\bx|[×*])\s*(?:€|eur(?:o)?\b)?\s*"
STATED_UNITS = (
    (1_000_000, re.compile(_TIMES + r"(?:1\s*)?(?:mln|miljoen)\b|" + _TIMES + r"1[.,\s]?000[.,\s]?000\b"
                           r"|€\s*(?:1\s*)?(?:mln|miljoen)\b|\bin miljoenen\b", re.IGNORECASE)),
    (1_000, re.compile(_TIMES + r"1[.,\s]?000\b(?![.,\s]?000)|€\s*(?:x\s*)?1[.\s]?000\b(?![.,\s]?000)"
                       r"|\bin duizenden\b|\bk€|€\s*k\b", re.IGNORECASE)),
)
UNIT_NAMES = {1: "euros", 1000: "€ 1.000", 1_000_000: "€ 1.000.000"}


def stated_unit(header: str) -> int | None:
    """The unit a column header states for its amounts (1000 for "Begroting 2024 (x € 1.000)"), or None."""
    for unit, pattern in STATED_UNITS:
        if pattern.search(header):
            return unit
    return None


def _check_stated_units(rel: str, headers: list[str], source: FinanceSource, problems: Problems) -> None:
    """An amount column whose header states another unit than the file is read with is an error."""
    for header in headers:
        unit = stated_unit(header)
        if unit is not None and unit != source.unit:
            problems.error(
                f"the header says the amounts are in {UNIT_NAMES[unit]}, but the file is read with "
                f"unit = {source.unit} ({UNIT_NAMES.get(source.unit, f'€ {source.unit}')})", file=rel, column=header,
                code="unit-stated", hint=f"set unit = {unit} for this file in begroot.toml (or correct the header)")


@dataclass
class FinanceResult:
    lines: pl.DataFrame
    rows: int
    exported_at: dt.datetime | None
    headers: dict[str, str]  # field of LINE_SCHEMA -> header name in the file, for messages
    file: str = ""           # the file read, relative to the project
    account: Accounting | None = None  # every row counted or not, with the rows not counted


def _missing_columns(table: Table, wanted: list[str], problems: Problems) -> bool:
    missing = [c for c in wanted if c not in table.header]
    if not missing:
        return False
    # Is the header lower down (a title row, or a header merged over two rows, above it)?
    lower = None
    # the file's own columns only (an XLSX column mixing numbers and text has a helper column
    # of flags beside it, see read/xlsx.py), each cell as text
    own = [c for c in table.data.columns if c != ROW and not c.startswith(NUMERIC)]
    for offset, values in enumerate(table.data.head(10).select(own).iter_rows()):
        cells = {"" if v is None else str(v).strip() for v in values}
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
                 currency: str = "EUR", level: str = "gemeente") -> FinanceResult | None:
    """Read one finance source of an edition into lines; None when it could not be read at all.
    ``currency``: the site's (a Fiscal Data Package's measures must be in it); ``level``: the
    organisation's kind (``[organisation] kind``), which an Iv3 delivery must match."""
    if source.format == "iv3":
        from .iv3 import read_iv3

        read = read_iv3(project, edition, source, problems, level)
        return None if read is None else FinanceResult(
            lines=read[0], rows=read[0].height, exported_at=source.exported_at, file=read[1].file, account=read[1],
            headers={"taakveld": "taakveld", "categorie": "categorie", "amount": "bedrag"})
    if source.datapackage is not None:
        from pydantic import ValidationError

        from .fdp import PackageError, resolve

        try:
            source, _ = resolve(source, project / edition.dirname, problems,
                                f"{edition.dirname}/{source.datapackage}", root=project, currency=currency)
        except PackageError as exc:
            problems.error(str(exc), file=f"{edition.dirname}/{source.datapackage}", code="datapackage",
                           hint=exc.hint or "point datapackage at a Fiscal Data Package with a resource and a mapping")
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
                           encoding=source.encoding, header_row=source.header_row, root=project)
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
    account = Accounting(file=rel, rows=rows_read)
    if table.hidden:
        problems.warning(f"sheet '{table.sheet}' is hidden in Excel", file=rel, code="hidden-sheet",
                         hint="check that this is the sheet you mean; hidden sheets often hold old or helper data")
    if table.garbled:
        row, sample, hint = table.garbled
        problems.warning(f"the text '{sample.strip()}' looks garbled, as text of another encoding does", file=rel,
                         row=row, code="garbled-text", hint=hint)
    report_invisible(problems, table)
    used = list(dict.fromkeys(wanted))
    for row, column in table.formulas_without_value:
        if column in used:
            problems.error("the cell has a formula but no saved result", file=rel, row=row, column=column,
                           code="formula-without-value",
                           hint="open the file in Excel (so it calculates) and save it again")
    # Blank rows (nothing in the columns begroot reads) carry no number; they are counted, not listed.
    # (regular expressions over the cells as they are: no stripped or lowered copy of a million cells)
    data = data.filter(pl.any_horizontal([pl.col(c).str.contains(r"\S").fill_null(False) for c in used]))
    note(account, "blank", rows_read - data.height)
    if data.height == 0:
        problems.error("the file has a header but no lines", file=rel, row=table.header_row + 1, code="no-lines",
                       hint="export the lines again; for an edition without figures, remove its [[editions.finance]] "
                            "and set text_only = true")
        return None

    # Amount columns: one (long) or several (wide, unpivoted to long below). Each column's notation
    # is decided from all its cells, then every cell is parsed once.
    if source.layout == "long":
        money = [cols.amount]
        saldo_headers: list[str] = []
    else:
        money = [h for h, spec in source.amounts.items() if spec.kind != "saldo"]
        saldo_headers = [h for h, spec in source.amounts.items() if spec.kind == "saldo"]
    _check_stated_units(rel, money + saldo_headers, source, problems)
    parsed: dict[str, pl.DataFrame] = {}
    for header in money + saldo_headers:
        decimal = _decimal_of(table, data, header, source, problems)
        if decimal is None:
            return None
        parsed[header] = _parse_column(table, data, header, source, decimal)
    cents_of = {h: f"__cents{i}" for i, h in enumerate(money + saldo_headers)}
    status_of = {h: f"__status{i}" for i, h in enumerate(money + saldo_headers)}
    data = data.with_columns([parsed[h]["cents"].alias(cents_of[h]) for h in parsed]
                             + [parsed[h]["status"].alias(status_of[h]) for h in parsed])
    account.columns = [ColumnSums(header=h, unit=source.unit) for h in money]
    whole = data

    # Rows of other organisations or years (filter in begroot.toml): summed, not listed.
    if source.filter:
        keep = pl.lit(True)
        for name, allowed in source.filter.items():
            values = [allowed] if isinstance(allowed, str) else list(allowed)
            keep = keep & pl.col(name).str.strip_chars().is_in(values).fill_null(False)
            present = set(data.get_column(name).str.strip_chars().unique().drop_nulls().to_list())
            for value in values:
                if value not in present:
                    problems.error(f"no row has '{value}' in column \"{name}\"", file=rel, column=name,
                                   code="filter-empty", hint=_filter_hint(value, present))
        if any(p.code == "filter-empty" and p.file == rel for p in problems.errors):
            return None
        out = data.filter(~keep)
        note(account, "filtered", out.height)
        account.filtered_sums = {h: _sum(out[cents_of[h]]) for h in money}
        account.filter_text = ", ".join(f"{k} = {v!r}" for k, v in source.filter.items())
        data = data.filter(keep)

    # Rows that repeat the header (exports printed in pages).
    repeated = pl.all_horizontal([
        pl.col(c).str.contains(r"(?i)^\s*" + re.escape(name.strip()) + r"\s*$").fill_null(False)
        if c.strip() else pl.col(c).str.contains(r"\S").fill_null(False).not_()
        for c, name in zip(used, used)])
    keep_rows = pl.col(ROW).is_in(source.keep_rows) if source.keep_rows else pl.lit(False)
    headers_again = data.filter(repeated & ~keep_rows)
    for row in headers_again[ROW].to_list():
        problems.warning("the row repeats the header row; it was not counted", file=rel, row=row,
                         code="repeated-header", hint="remove the repeated header rows from the export")
    list_uncounted(account, headers_again, "repeated-header", money, cents_of, [h for h in table.header if h not in money])
    data = data.filter(~repeated | keep_rows)

    # Total and subtotal rows: left out only when proven (see begroot.read.rows).
    data = drop_subtotals(table, data, source, money, cents_of, status_of, account, problems)

    # Rows without any amount ("-", "n.v.t." or empty in every amount column).
    no_amount = pl.all_horizontal([pl.col(status_of[h]).fill_null("") == numbers.EMPTY for h in money])
    empty_rows = data.filter(no_amount)
    note(account, "no-amount", empty_rows.height)
    data = data.filter(~no_amount)
    account.counted = data.height
    account.listed.sort(key=lambda u: u.row)
    for column in account.columns:
        column.total = _sum(whole[cents_of[column.header]])
        column.counted = _sum(data[cents_of[column.header]])
        column.uncounted = column.total - column.counted
    if data.height == 0:
        problems.error(f"no line of the file is counted ({account.summary()})", file=rel, row=table.header_row + 1,
                       code="no-lines",
                       hint="check the filter, keep_rows and total_column settings in begroot.toml")
        return None
    parts = [(h, data, {} if source.layout == "long" else source.amounts[h].model_dump(exclude_none=True))
             for h in money]
    reported: set[tuple[int, str]] = set()  # (row, cause): one message per row and cause

    kind_values = {**DEFAULT_KIND_VALUES, **{k.lower(): v for k, v in source.kind_values.items()}}
    column_values = {**DEFAULT_COLUMN_VALUES, **{k.lower(): v for k, v in source.column_values.items()}}
    default_column = {"jaarstukken": "realisatie"}.get(edition.kind, "begroting")
    if edition.kind in ("voorjaarsnota", "najaarsnota"):
        default_column = "begroting_na_wijziging"

    frames: list[pl.DataFrame] = []
    for header, part, spec in parts:
        part = part.with_columns(pl.col(cents_of[header]).alias("cents"), pl.col(status_of[header]).alias("status"),
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
                fresh = bad.filter(~pl.col(ROW).is_in([r for r, c in reported if c == code]))
                _report(problems, table, fresh, header_name, message, hint, code)
                reported.update((r, code) for r in fresh[ROW].to_list())
                part = part.filter(~pl.col(ROW).is_in(bad[ROW].implode()))

        frames.append(part.select(
            pl.col("programme"), pl.col("taakveld"), pl.col("categorie"), pl.col("kind"),
            pl.col("year").cast(pl.Int32), pl.col("column"), pl.col("cents"),
            pl.lit(rel).alias("file"), pl.col(ROW).alias("row"),
        ))

    if saldo_headers:
        _check_saldo(table, data, source, saldo_headers, cents_of, problems)

    lines = pl.concat(frames) if frames else pl.DataFrame(schema=LINE_SCHEMA)
    lines = booked_baten(lines.cast(LINE_SCHEMA), source, table, mapped, problems)  # type: ignore[arg-type]
    if lines is None:
        return None
    exported = source.exported_at or table.modified
    return FinanceResult(lines=lines, rows=rows_read, exported_at=exported, headers=mapped, file=rel,
                         account=account)


def _decimal_of(table: Table, data: pl.DataFrame, header: str, source: FinanceSource,
                problems: Problems) -> str | None:
    """The decimal mark to read a column's text cells with: the setting, or what the cells prove.

    XLSX number cells need none (they are numbers, not text). None, with an error that names two
    cells and the setting, when the cells do not decide it.
    """
    if source.decimal != "auto":
        return source.decimal
    if header in table.numeric_columns:
        return "."
    texts = data[header]
    if header in table.mixed_columns:
        texts = texts.zip_with(~data[NUMERIC + header], pl.Series([None] * data.height, dtype=pl.String))
    notation = numbers.decide_notation(texts)
    if notation.decided:
        return notation.mark()
    rows: dict[str, int] = {}
    for value, row in data.select(pl.col(header).str.strip_chars(), ROW).iter_rows():
        rows.setdefault(value, row)
    if notation.conflict:
        a, b = notation.conflict
        problems.error(
            f"the column mixes two notations: '{a}' (row {rows.get(a)}) has ',' as its decimal mark and "
            f"'{b}' (row {rows.get(b)}) has '.'", file=table.file, row=rows.get(a), column=header,
            code="mixed-decimal",
            hint='set decimal = "," or decimal = "." for this file in begroot.toml: the cells in the other '
                 "notation are then reported one by one")
        return None
    examples = list(notation.ambiguous)
    shown = " and ".join(f"'{v}' (row {rows.get(v)})" for v in examples)
    body = re.sub(r"[^0-9.,]", "", examples[0])
    mark, other = body[-4], "." if body[-4] == "," else ","
    problems.error(
        f"the numbers can be read two ways: {shown} can be {body.replace(mark, '')} with '{mark}' separating "
        f"thousands, or {body[:-4]} {body[-3:]}/1000 with '{mark}' as the decimal mark; no cell of the column "
        "decides it", file=table.file, row=rows.get(examples[0]), column=header, code="ambiguous-decimal",
        hint=f'set decimal = "{other}" for this file in begroot.toml when \'{mark}\' separates thousands, '
             f'or decimal = "{mark}" when it is the decimal mark')
    return None


def _parse_column(table: Table, data: pl.DataFrame, header: str, source: FinanceSource,
                  decimal: str) -> pl.DataFrame:
    """Parse one amount column; XLSX number cells are always read with a decimal point."""
    rounding = source.round_to_cents
    if header in table.numeric_columns:
        return numbers.parse_amounts(data[header], decimal=".", unit=source.unit, round_to_cents=rounding)
    if header in table.mixed_columns:
        is_number = data[NUMERIC + header]
        as_text = numbers.parse_amounts(data[header], decimal=decimal, unit=source.unit, round_to_cents=rounding)
        as_number = numbers.parse_amounts(data[header], decimal=".", unit=source.unit, round_to_cents=rounding)
        return pl.DataFrame({
            "cents": as_number["cents"].zip_with(is_number, as_text["cents"]),
            "status": as_number["status"].zip_with(is_number, as_text["status"]),
        })
    return numbers.parse_amounts(data[header], decimal=decimal, unit=source.unit, round_to_cents=rounding)


def _check_saldo(table: Table, data: pl.DataFrame, source: FinanceSource, saldo_cols: list[str],
                 cents_of: dict[str, str], problems: Problems) -> None:
    """Wide files with a saldo column: each row's saldo must equal baten minus lasten."""
    kinds = {h: s.kind for h, s in source.amounts.items() if s.kind in ("lasten", "baten")}
    if not any(k == "lasten" for k in kinds.values()) or not any(k == "baten" for k in kinds.values()):
        return
    zero = pl.lit(0, dtype=pl.Int64)
    lasten = pl.sum_horizontal([pl.col(cents_of[h]).fill_null(0) for h, k in kinds.items() if k == "lasten"] + [zero])
    baten = pl.sum_horizontal([pl.col(cents_of[h]).fill_null(0) for h, k in kinds.items() if k == "baten"] + [zero])
    for header in saldo_cols:
        bad = data.filter(pl.col(cents_of[header]).is_not_null() & (pl.col(cents_of[header]) != baten - lasten))
        bad = bad.with_columns((baten - lasten).alias("expected"))
        for row, value, expected in bad.select(ROW, header, "expected").iter_rows():
            problems.error(
                f"saldo {value.strip()} is not baten minus lasten ({_euros(expected, source.unit)})",
                file=table.file, row=row, column=header, code="saldo-mismatch",
                hint="correct the saldo or the lasten and baten of this row")


def _euros(cents: int, unit: int) -> str:
    """An amount in the file's own unit, in Dutch notation and exact ("-7.977", "12,5")."""
    from decimal import Decimal

    from ..format import exact_number
    return exact_number(Decimal(cents).scaleb(-2) / unit)


def _sum(cents: pl.Series) -> int:
    """The exact sum of a column of cents (no 64-bit overflow)."""
    return int(cents.cast(pl.Int128).sum() or 0)


def _filter_hint(value: str, present: set[str]) -> str:
    """Suggest the value the file has: the official name of a municipality, or the nearest spelling."""
    import difflib

    from ..reference.names import matches

    same = sorted(p for p in present if matches(value, p))
    if same:
        return f"the file writes it '{same[0]}': set the filter to '{same[0]}'"
    close = difflib.get_close_matches(value, sorted(present), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'? (the filter compares the cell exactly)"
    some = ", ".join(f"'{p}'" for p in sorted(present)[:5])
    return f"check the filter value in begroot.toml; the column has for example {some}"
