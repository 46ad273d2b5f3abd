"""Open data of an edition: every finance line and the aggregates as CSV, XLSX, JSON, Parquet, and a
Fiscal Data Package (``datapackage.json`` with a ``mapping``).

Amounts are written exactly, in euros with two decimals and a decimal point (machine-readable;
the pages show the Dutch format). Files are written to ``<edition>/downloads/``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import polars as pl

from .. import reference
from ..figures import EditionFigures, euros_text, period_key
from ..errors import working_on
from ..model import Budget, EditionData
from .reuse import put, put_known

#: Above this many lines the workbook holds the aggregates only (the lines are in the CSV and
#: Parquet files): writing millions of cells cell by cell takes minutes, and Excel stops at 1,048,576.
XLSX_MAX_ROWS = 50_000

PHASE = {"begroting": "proposed", "begroting_na_wijziging": "adjusted", "meerjarenraming": "proposed",
         "realisatie": "executed"}


def cents_as_euros_text(cents: pl.Expr) -> pl.Expr:
    """Exact euros as text with two decimals, from integer cents (no float on the way)."""
    absolute = cents.abs()
    return (pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
            + (absolute // 100).cast(pl.String) + "." + (absolute % 100).cast(pl.String).str.zfill(2))


def _taakveld_names(year: int, level: str) -> dict[str, str]:
    """Code -> CBS name in ``year``'s list of the organisation's kind (none for a kind without lists)."""
    if not reference.has_lists(level):
        return {}
    return {c: v.name for c, v in reference.taakvelden(year, level).items()}


def lines_table(edition: EditionData, level: str) -> pl.DataFrame:
    """The finance lines as published; taakveld names from the lists of ``level`` (the organisation's kind)."""
    names = {code: p.title for code, p in edition.programmes.items()}
    lines = edition.lines
    # a line of another year may have a code of its own year's list (6.71a beside 2025's 6.711)
    tv_names = {}
    for year in sorted({y for y in lines["year"].unique().to_list() if y is not None} - {edition.config.year}):
        tv_names.update(_taakveld_names(year, level))
    tv_names.update(_taakveld_names(edition.config.year, level))
    return lines.select(
        pl.col("programme").alias("programma"),
        pl.col("programme").replace_strict(names, default=None, return_dtype=pl.String).alias("programma_naam"),
        pl.col("taakveld"),
        pl.col("taakveld").replace_strict(tv_names, default=None, return_dtype=pl.String).alias("taakveld_naam"),
        pl.col("categorie"),
        pl.col("kind").alias("soort"),
        pl.col("year").alias("jaar"),
        pl.col("column").alias("kolom"),
        cents_as_euros_text(pl.col("cents")).alias("bedrag"),
        pl.col("file").alias("bron_bestand"),
        pl.col("row").alias("bron_rij"),
    )


def programme_rows(edition: EditionData, fig: EditionFigures) -> list[dict]:
    rows = []
    for p in edition.programmes.values():
        for period in fig.periods_of(p.code):
            a = fig.programmes[p.code][period]
            rows.append({"code": p.code, "naam": p.title, "hoofdprogramma": p.parent or "", "soort": p.kind,
                         "jaar": period[0], "kolom": period[1], "lasten": euros_text(a.lasten),
                         "baten": euros_text(a.baten), "saldo": euros_text(a.saldo)})
    return rows


def taakveld_rows(edition: EditionData, fig: EditionFigures, level: str) -> list[dict]:
    names = _taakveld_names(edition.config.year, level)
    rows = []
    for code in sorted(fig.taakvelden, key=reference.sort_key):
        for period in sorted(fig.taakvelden[code], key=period_key):
            a = fig.taakvelden[code][period]
            # a code of another year's list (6.711 in the 2025 column of a begroting 2024): its year's name
            name = names.get(code) or _taakveld_names(period[0], level).get(code, "")
            rows.append({"taakveld": code, "naam": name, "jaar": period[0], "kolom": period[1],
                         "lasten": euros_text(a.lasten), "baten": euros_text(a.baten), "saldo": euros_text(a.saldo)})
    for period in sorted(fig.no_taakveld, key=period_key):  # lines booked without a taakveld
        a = fig.no_taakveld[period]
        rows.append({"taakveld": "", "naam": "(zonder taakveld)", "jaar": period[0], "kolom": period[1],
                     "lasten": euros_text(a.lasten), "baten": euros_text(a.baten), "saldo": euros_text(a.saldo)})
    return rows


def cell_text(value) -> str:
    """A value of a table as text in a CSV or JSON file: exact decimals without exponent, '' for none."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


#: What a spreadsheet takes for the start of a formula in a CSV cell (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def csv_safe(text: str) -> str:
    """A text cell a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+1+1``, ``@SUM``)
    with a single quote before it, so that it is shown as text; numbers (``-1234.56``) stay numbers."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER_RE.match(text):
        return "'" + text
    return text


def csv_safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`csv_safe` for every text column of a frame."""
    starts = "^[" + re.escape("".join(FORMULA_START)) + "]"
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(starts) & ~pl.col(name).str.contains(_PLAIN_NUMBER))
        .then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name)).alias(name)
        for name, dtype in frame.schema.items() if dtype == pl.String)


def table_csv(rows: list[dict]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_safe(str(name)) for name in rows[0]])
    writer.writerows([csv_safe(cell_text(v)) for v in r.values()] for r in rows)
    return out.getvalue()


def _json_value(value) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def table_json(rows: list[dict]) -> str:
    """The rows as a JSON array; exact decimals (amounts) as strings, none as null."""
    return json.dumps(rows, ensure_ascii=False, indent=1, default=_json_value) + "\n"


def exact_double(value: Decimal) -> float | None:
    """The decimal as a double when the double reads back as exactly that decimal, else None.

    Spreadsheets store numbers as doubles: amounts up to 15 significant digits (ten trillion
    euros with cents) survive the trip; a value that would not is written as text instead.
    """
    number = float(value)
    if Decimal(repr(number)) != value or float(f"{number:.16g}") != number:  # xlsxwriter writes %.16g
        return None
    return number


def _sheet_names(names) -> list[str]:
    """Valid, unique worksheet names: at most 31 characters, none of []:*?/\\ (Excel's rules)."""
    result: list[str] = []
    for name in names:
        base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Blad1"
        unique, n = base, 1
        while unique.lower() in (r.lower() for r in result):
            n += 1
            unique = f"{base[:31 - len(str(n)) - 1]}-{n}"
        result.append(unique)
    return result


def write_xlsx(path: Path | io.BytesIO, sheets: dict[str, list[dict] | pl.DataFrame], created=None, small: bool = False) -> None:
    """One sheet per table, with a bold, frozen header row.

    Decimals (and the text amounts of the columns bedrag, lasten, baten, saldo) are written as
    numbers with as many decimals as they have, when a double holds them exactly (see
    :func:`exact_double`); otherwise as their exact text. ``small``: the workbook is assembled in
    memory (faster for a few rows; large tables stream through temporary files).
    """
    import xlsxwriter

    options = {"in_memory": True} if small else {"constant_memory": True}
    book = xlsxwriter.Workbook(path if isinstance(path, io.BytesIO) else str(path),
                               {**options, "strings_to_numbers": False})
    if created is not None:
        book.set_properties({"created": created})  # reproducible: no clock time in the file
    bold = book.add_format({"bold": True, "bottom": 1})
    formats: dict[int, object] = {}

    def number_format(places: int):
        if places not in formats:
            formats[places] = book.add_format({"num_format": "#,##0" + ("." + "0" * places if places else "")})
        return formats[places]

    for name, table in zip(_sheet_names(sheets), sheets.values()):
        if isinstance(table, pl.DataFrame):
            columns, records = table.columns, table.iter_rows()
        else:
            columns = list(table[0]) if table else []
            records = (tuple(r.values()) for r in table)
        sheet = book.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for c, title in enumerate(columns):
            sheet.write_string(0, c, title, bold)
            sheet.set_column(c, c, max(12, len(title) + 2))
        amount_cols = {c for c, title in enumerate(columns) if title in ("bedrag", "lasten", "baten", "saldo")}
        for r, record in enumerate(records, start=1):
            for c, value in enumerate(record):
                if value is None or value == "":
                    continue  # a blank cell
                if c in amount_cols and isinstance(value, str):
                    value = Decimal(value)
                if isinstance(value, Decimal):
                    number = exact_double(value)
                    if number is None:
                        sheet.write_string(r, c, format(value, "f"))
                    else:
                        places = max(0, -value.as_tuple().exponent)
                        sheet.write_number(r, c, number, number_format(places))
                elif isinstance(value, int):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()


#: The workbook next to a page that holds each of the page's tables on a sheet of its own, named
#: as the table (``cijfers``); no table of a page may have this name. One workbook per page, not
#: one per table: a workbook has a fixed cost (about ten zipped XML parts), which one per table
#: made the largest part of a build's time (see benchmarks/README.md).
PAGE_WORKBOOK = "tabellen.xlsx"


#: The JSON file next to a page that holds each of the page's tables, under its name, in the
#: page's order: ``{"cijfers": [...], ...}``, each table as :func:`table_json` writes it. One
#: file per page, not one per table, like :data:`PAGE_WORKBOOK`: creating a file has a fixed cost
#: that a large site's thousands of tables made part of a build's time (issue 18).
PAGE_TABLES_JSON = "tabellen.json"


def tables_json(tables: list[tuple[str, list[dict]]]) -> str:
    """The tables of a page as one JSON object: {table name: rows} in the tables' order, each
    table's rows as :func:`table_json` writes them (exact decimals as strings, none as null)."""
    return json.dumps(dict(tables), ensure_ascii=False, indent=1, default=_json_value) + "\n"


def tables_xlsx(tables: list[tuple[str, list[dict]]], created=None) -> bytes:
    """The tables of a page as one workbook, a sheet per table (see :func:`write_xlsx`)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, dict(tables), created=created, small=True)
    return buffer.getvalue()


def datapackage(budget: Budget, edition: EditionData) -> dict:
    """A Fiscal Data Package describing financien.csv, with the mapping of measures and dimensions."""
    org = budget.config.organisation
    return {
        "name": f"{(org.cbs_code or 'begroot').lower()}-{edition.id}",
        "title": f"{org.name}: {edition.config.display_title}",
        "licenses": [{"name": "CC0-1.0", "title": "Creative Commons Zero v1.0"}],
        "resources": [{
            "name": "financien",
            "path": "financien.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"fields": [
                {"name": "programma", "type": "string"},
                {"name": "programma_naam", "type": "string"},
                {"name": "taakveld", "type": "string"},
                {"name": "taakveld_naam", "type": "string"},
                {"name": "categorie", "type": "string"},
                {"name": "soort", "type": "string", "constraints": {"enum": ["lasten", "baten"]}},
                {"name": "jaar", "type": "year"},
                {"name": "kolom", "type": "string",
                 "constraints": {"enum": ["realisatie", "begroting", "begroting_na_wijziging", "meerjarenraming"]}},
                {"name": "bedrag", "type": "number", "decimalChar": ".", "groupChar": ""},
                {"name": "bron_bestand", "type": "string"},
                {"name": "bron_rij", "type": "integer"},
            ]},
        }],
        # The mapping in the shape OpenSpending's Fiscal Data Packages use: measures and dimensions
        # with their attributes; direction (expenditure/revenue) and phase come from two columns.
        "mapping": {
            "measures": {"bedrag": {"source": "bedrag", "currency": budget.config.site.currency, "factor": 1,
                                    "direction": {"source": "soort", "values": {"lasten": "expenditure",
                                                                               "baten": "revenue"}},
                                    "phase": {"source": "kolom", "values": PHASE}}},
            "dimensions": {
                "activity": {"dimensionType": "activity", "primaryKey": ["programma"],
                             "attributes": {"programma": {"source": "programma"},
                                            "programma_naam": {"source": "programma_naam", "labelfor": "programma"}}},
                "functional-classification": {
                    "dimensionType": "classification", "classificationType": "functional", "primaryKey": ["taakveld"],
                    "attributes": {"taakveld": {"source": "taakveld"},
                                   "taakveld_naam": {"source": "taakveld_naam", "labelfor": "taakveld"}}},
                "economic-classification": {
                    "dimensionType": "classification", "classificationType": "economic", "primaryKey": ["categorie"],
                    "attributes": {"categorie": {"source": "categorie"}}},
                "direction": {"dimensionType": "other", "primaryKey": ["soort"],
                              "attributes": {"soort": {"source": "soort"}},
                              "description": "lasten = expenditure, baten = revenue"},
                "date": {"dimensionType": "datetime", "primaryKey": ["jaar"],
                         "attributes": {"jaar": {"source": "jaar"}}},
                "phase": {"dimensionType": "other", "primaryKey": ["kolom"],
                          "attributes": {"kolom": {"source": "kolom"}},
                          "description": "; ".join(f"{k} = {v}" for k, v in PHASE.items())},
            },
        },
    }


def write_edition_downloads(budget: Budget, edition: EditionData, fig: EditionFigures, out: Path,
                            created=None) -> list[Path]:
    """Write the edition's open data into ``<edition>/downloads/``; from the build cache when the
    edition's data, the settings and ``created`` are those of an earlier build."""
    from .. import cache

    folder = out / edition.id / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    address = None
    with working_on(f"{edition.id}/downloads/financien.csv and financien.parquet"):
        written, lines = _reuse_lines(edition, folder), None
        if written is None:
            lines = lines_table(edition, budget.config.organisation.kind)
            made = _write_lines(lines, folder)
            written = [folder / name for name in made]
            if edition.content is not None:  # what they were, for the next build (see _reuse_lines)
                cache.put_object("edition-lines-files", cache.key("edition-lines-files", edition.content), made)
    if edition.content is not None:
        address = cache.key("edition-downloads", budget.config.model_dump_json(), edition.content, created)
        files = cache.get_object("edition-downloads", address)
        if isinstance(files, dict):
            for name, data in files.items():
                put(folder / name, data)
            return written + [folder / name for name in files]
    with working_on(f"{edition.id}/downloads (programmas, taakvelden, begroting.json, begroting.xlsx, "
                    "datapackage.json)"):
        if lines is None:
            lines = lines_table(edition, budget.config.organisation.kind)
        made = _make_edition_downloads(budget, edition, fig, folder, created, lines)
    if address is not None:
        cache.put_object("edition-downloads", address, {p.name: p.read_bytes() for p in made})
    return written + made


def _reuse_lines(edition: EditionData, folder: Path) -> list[Path] | None:
    """financien.csv and financien.parquet linked from the site being replaced, without making
    them, when the build cache knows what an earlier build made from the same data (the files'
    sizes and SHA-256 digests) and the previous site's files are those bytes (see
    reuse.put_known); None when they must be made. A build into the previous build's folder
    then needs no edition's lines for its downloads: only an edition whose data changed."""
    from .. import cache

    if edition.content is None:
        return None
    known = cache.get_object("edition-lines-files", cache.key("edition-lines-files", edition.content))
    names = ("financien.csv", "financien.parquet")
    if not isinstance(known, dict) or sorted(known) != sorted(names):
        return None
    if not all(put_known(folder / name, *known[name]) for name in names):
        return None  # (a file linked already is replaced when both are written)
    return [folder / name for name in names]


def _write_lines(lines: pl.DataFrame, folder: Path) -> dict[str, tuple[int, str]]:
    """Every finance line as CSV and Parquet; returns each file's size and SHA-256 digest by its
    name (what the build cache records, see :func:`_reuse_lines`). The files themselves are not
    kept in the build cache: a copy there would double the bytes a build writes (20 MB per
    edition of a large city)."""
    # made in memory, then written (or linked from the previous site when the same bytes)
    buffer = io.BytesIO()
    csv_safe_frame(lines).write_csv(buffer, line_terminator="\n")
    files = {"financien.csv": buffer.getvalue()}
    # In one chunk and with a set row group size: Polars splits a Parquet file along the frame's
    # chunks, which differ between lines read from the export and lines from the build cache.
    buffer = io.BytesIO()
    lines.with_columns(pl.col("bedrag").cast(pl.Decimal(20, 2))).rechunk().write_parquet(
        buffer, compression="zstd", statistics=False, row_group_size=PARQUET_ROW_GROUP)
    files["financien.parquet"] = buffer.getvalue()
    for name, data in files.items():
        put(folder / name, data)
    return {name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in files.items()}


#: Rows per row group of financien.parquet.
PARQUET_ROW_GROUP = 500_000


def _make_edition_downloads(budget: Budget, edition: EditionData, fig: EditionFigures, folder: Path,
                            created, lines: pl.DataFrame) -> list[Path]:
    """The edition's other open data: the aggregates as CSV, JSON and a workbook, the package."""
    programmes, taakvelden = programme_rows(edition, fig), taakveld_rows(edition, fig, budget.config.organisation.kind)
    written = []

    def write(name: str, text: str) -> None:
        written.append(put(folder / name, text))

    write("programmas.csv", table_csv(programmes))
    write("taakvelden.csv", table_csv(taakvelden))
    org = budget.config.organisation
    write("begroting.json", json.dumps({
        "organisatie": {"naam": org.name, "cbs_code": org.cbs_code},
        "editie": {"id": edition.id, "soort": edition.config.kind, "jaar": edition.config.year,
                   "titel": edition.config.display_title},
        "eenheid": budget.config.site.currency, "programmas": programmes, "taakvelden": taakvelden,
    }, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    sheets: dict = {"Programma's": programmes, "Taakvelden": taakvelden}
    if lines.height <= XLSX_MAX_ROWS:
        sheets = {"Regels": lines, **sheets}
    else:
        sheets["Regels"] = [{"toelichting": f"{lines.height:,} regels: zie financien.csv of financien.parquet"
                                            .replace(",", ".")}]
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets, created=created)
    written.append(put(folder / "begroting.xlsx", buffer.getvalue()))
    write("datapackage.json", json.dumps(datapackage(budget, edition), ensure_ascii=False, indent=1) + "\n")
    return written
