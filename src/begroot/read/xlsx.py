"""Read an XLSX sheet into a :class:`~begroot.read.sheets.Table`: with python-calamine (Rust)
where the workbook is plain, after the sheet's XML is scanned for how far its cells reach
(:mod:`begroot.read.xlsx_scan`), and with openpyxl, a row at a time, where it is not. Each cell
becomes the text openpyxl gave: numbers in their shortest exact form, dates, booleans."""

from __future__ import annotations

import datetime as dt
import operator
import re
import zipfile
import zlib
from dataclasses import dataclass
from collections import deque
from itertools import compress, repeat
from pathlib import Path

import polars as pl

from . import sheets
from .sheets import MAX_XLSX_CELLS, MIN_OPENPYXL_CELLS, MIN_XLSX_CELLS, NUMERIC, OPENPYXL_BYTES_PER_CELL, ROW, \
    XLSX_BYTES_PER_CELL, Table, TableError, check_zip, unique_header
from .xlsx_scan import _CELL_ROW, _VALUE_CELL, _SheetScan, _formulas_without_value, _letters, _reach_sheet, \
    _sheet_details


def _cell_text(value) -> str | None:
    """A cell's value as text; numbers in their shortest exact decimal form."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_value(value):
    """A value from python-calamine as openpyxl gives it (the reader this one replaced), so that
    :func:`_cell_text` and the number flags see the same thing: no value is None, a whole day is a
    datetime at midnight, a whole number an int (calamine reads every number as a float)."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        # openpyxl gives an int for "1234" (no point or exponent): Excel, xlsxwriter and openpyxl
        # write whole numbers below 10^16 so
        return int(value) if value.is_integer() and abs(value) < 1e16 else value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


@dataclass
class _Sheet:
    name: str
    state: str          # "visible", "hidden" or "veryHidden"
    part: str | None    # the sheet's XML in the archive; None for a chart sheet


@dataclass
class _Workbook:
    sheets: list[_Sheet]
    modified: dt.datetime | None  # when it was saved (its core properties)
    shared: str                   # its part of shared strings
    plain: bool                   # every part is where calamine looks for it, and only there


def _workbook_parts(path: Path) -> _Workbook:
    """The sheets of a workbook (name, state, XML part) in workbook order, when it was saved and
    its shared strings, found as calamine finds them. ``plain`` is False for a workbook that
    leaves room for doubt about which part calamine reads (two relationships or sheets of one
    name, a path with "..", a part named twice but for case, parts where calamine does not
    look): the sheet scanned must be the sheet calamine reads, so such a workbook is read with
    openpyxl."""
    import posixpath
    from xml.etree import ElementTree

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    ns_pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        plain = len({name.lower() for name in names}) == len(names)

        def rels_of(part: str) -> list[tuple[str, str, str]]:
            if part not in names:
                return []
            return [(rel.get("Id", ""), rel.get("Type", ""), rel.get("Target", ""))
                    for rel in ElementTree.fromstring(archive.read(part)).iter(ns_pkg + "Relationship")]

        documents = [target for _, kind, target in rels_of("_rels/.rels") if kind.endswith("/officeDocument")]
        plain = plain and len(documents) == 1
        book_part = documents[-1].lstrip("/") if documents else "xl/workbook.xml"
        folder = book_part[: book_part.rfind("/") + 1]  # calamine's "xl/"
        plain = plain and book_part == "xl/workbook.xml"  # where every version of calamine looks
        rels = rels_of(posixpath.join(folder, "_rels", "workbook.xml.rels"))
        plain = plain and len({rel_id for rel_id, _, _ in rels}) == len(rels)
        targets = {rel_id: (kind, target[1:] if target.startswith("/") else folder + target)
                   for rel_id, kind, target in rels}
        sheets = []
        for element in ElementTree.fromstring(archive.read(book_part)).iter(ns_main + "sheet"):
            kind, target = targets.get(element.get(ns_rel + "id", ""), ("", ""))
            worksheet = kind.endswith("/worksheet") and target in names
            plain = plain and (worksheet or kind.endswith("/chartsheet")) and "\\" not in target and not (
                {".", ".."} & set(target.split("/")))
            sheets.append(_Sheet(element.get("name", ""), element.get("state", "visible"),
                                 target if worksheet else None))
        plain = plain and len({sheet.name for sheet in sheets}) == len(sheets)
        modified = None
        if "docProps/core.xml" in names:
            core = ElementTree.fromstring(archive.read("docProps/core.xml"))
            modified = w3cdtf(core.findtext("{http://purl.org/dc/terms/}modified") or "")
    return _Workbook(sheets, modified, folder + "sharedStrings.xml", plain)


_W3CDTF = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?")


def w3cdtf(text: str) -> dt.datetime | None:
    """The time in a document's properties (``2024-09-15T09:30:00Z``), as openpyxl reads it: the
    zone left out, milliseconds at most; None for anything else, or for none (openpyxl gave the
    time of reading then, which made two builds differ)."""
    match = _W3CDTF.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                           int(float(fraction) * 1_000_000) if fraction else 0)
    except ValueError:
        return None


def read_xlsx(path: Path, file: str, *, sheet: str | None = None, header_row: int = 1) -> Table:
    """Read one sheet of an XLSX workbook (cached values of formulas).

    The sheet's XML is scanned first (:func:`_scan_sheet`), a chunk at a time, for how far its
    cells reach, formulas without a saved value and error values; the cells are then read with
    python-calamine (Rust), which holds the sheet as a full grid of its extent, so the extent is
    bounded before. A sheet written in an unusual form (cells without their reference) is read with
    openpyxl instead, as it is, a row at a time."""
    check_zip(path, file, "an Excel workbook")
    size = path.stat().st_size
    try:
        book = _workbook_parts(path)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        raise TableError(file, f"cannot be opened as an Excel workbook ({type(exc).__name__})",
                         "save it again as .xlsx from Excel, or export CSV") from None
    sheets, modified = book.sheets, book.modified
    names = [s.name for s in sheets]
    if sheet is None:
        chosen = next((s for s in sheets if s.state == "visible" and s.part), None)
        if chosen is None:
            raise TableError(file, "the workbook has no visible sheet")
    elif sheet in names:
        chosen = sheets[names.index(sheet)]
        if chosen.part is None:
            raise TableError(file, f"sheet '{sheet}' is a chart, not a table", "set sheet to a sheet with the data")
    else:
        raise TableError(file, f"no sheet named '{sheet}'; the workbook has: {', '.join(names)}",
                         "set sheet to one of these names")
    title, hidden = chosen.name, chosen.state != "visible"
    try:
        scan = _reach_sheet(path, chosen.part, header_row) if book.plain else None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
        raise _unreadable(file, title, exc) from None
    columns = None
    if scan is not None:
        if scan.last_row < header_row:
            raise TableError(file, f"sheet '{title}' has no header row at row {header_row}")
        _check_cells(file, title, header_row, scan.last_row, scan.widest, cell_limit(size))
        try:
            columns = _columns_calamine(path, file, title, header_row, scan, book.shared)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
            raise _unreadable(file, title, exc) from None
    if columns is None:
        rows, width = _rows_openpyxl(path, file, title, header_row, cell_limit(size, openpyxl=True))
        formulas = _formulas_without_value(path, chosen.part) if any(v is None for r in rows[1:] for v in r) else []
        if not rows:
            raise TableError(file, f"sheet '{title}' has no header row at row {header_row}")
        head = list(rows[0])
        cells = [[r[i] if i < len(r) else None for r in rows[1:]] for i in range(width)]
        texts = [[_cell_text(v) for v in column] for column in cells]
        numbers = [[isinstance(v, (int, float)) and not isinstance(v, bool) for v in column] for column in cells]
    else:
        head, texts, numbers = columns
        width, formulas = scan.width, scan.formulas
    header = unique_header([_cell_text(v) or "" for v in head] + [""] * (width - len(head)))
    columns = dict(zip(header, texts))
    is_number = dict(zip(header, numbers))
    numeric, mixed = set(), set()
    for name in header:
        if any(is_number[name]):  # ... and a cell with text (not empty) that is not a number
            has_text = any(compress(columns[name], map(operator.not_, is_number[name])))
            (mixed if has_text else numeric).add(name)
    data = pl.DataFrame({name: pl.Series(name, vals, dtype=pl.String) for name, vals in columns.items()})
    if mixed:
        data = data.with_columns(
            [pl.Series(NUMERIC + name, is_number[name], dtype=pl.Boolean) for name in sorted(mixed)])
    data = data.with_columns(
        pl.int_range(header_row + 1, header_row + 1 + data.height, dtype=pl.Int64).alias(ROW)
    )
    formulas = [(row, header[col]) for row, col in formulas if row > header_row and col < len(header)]
    return Table(
        file=file, header=header, data=data, header_row=header_row, sheet=title,
        numeric_columns=numeric, mixed_columns=mixed, formulas_without_value=formulas, hidden=hidden,
        modified=modified if isinstance(modified, dt.datetime) else None,
        other_sheets=[s.name for s in sheets if s.part and s.name != title] if sheet is None else [],
    )


def _unreadable(file: str, title: str, exc: BaseException) -> TableError:
    return TableError(file, f"sheet '{title}' cannot be read ({type(exc).__name__}); the file may be "
                            "truncated", "save it again as .xlsx from Excel, or export CSV")


def cell_limit(size: int, openpyxl: bool = False) -> int:
    """How many cells a sheet of an XLSX file of ``size`` bytes may have (see sheets.MIN_XLSX_CELLS),
    read with python-calamine or (``openpyxl``) with openpyxl."""
    if openpyxl:
        return min(MAX_XLSX_CELLS, max(MIN_OPENPYXL_CELLS, size // OPENPYXL_BYTES_PER_CELL))
    return min(MAX_XLSX_CELLS, max(MIN_XLSX_CELLS, size // XLSX_BYTES_PER_CELL))


def _check_cells(file: str, title: str, header_row: int, last_row: int, width: int, limit: int) -> None:
    """Refuse a sheet of more than ``limit`` cells (rows from the header row × the widest row)."""
    if width and (last_row - header_row + 1) * width > limit:
        raise _too_many_cells(file, title, header_row + limit // width, limit)


def _too_many_cells(file: str, title: str, row: int, limit: int) -> TableError:
    larger = (f" in a file of this size (a larger file may have more, up to {MAX_XLSX_CELLS:,})"
              if limit < MAX_XLSX_CELLS else "")
    return TableError(file, f"sheet '{title}' has more than {limit:,} cells (rows × columns) by row "
                            f"{row}; begroot reads sheets up to {limit:,} cells{larger}",
                      "export CSV instead, leave out columns you do not use, or clear cells far "
                      "to the right or below the data", row=row)


def _grid(path: Path, title: str) -> list[list] | None:
    """The sheet's cells as calamine reads them, row by row from A1; None if it cannot."""
    import python_calamine

    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            return book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except Exception:  # noqa: BLE001 - CalamineError: a value calamine does not take
        return None
    except BaseException as exc:  # a panic in the Rust code (pyo3's PanicException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return None


def _columns_calamine(path: Path, file: str, title: str, header_row: int, scan: _SheetScan,
                      shared: str | None = None) -> tuple[list, list[list[str | None]], list[list[bool]]] | None:
    """The header row's values (as openpyxl gives them), and for each of ``scan.width`` columns
    the texts of its cells below the header (see :func:`_cell_text`) and whether each held a
    number, down to the sheet's last row. None for a sheet to read with openpyxl.

    calamine reads the sheet in another thread (its Rust code lets go of the interpreter) while
    :func:`_sheet_details` scans the sheet's XML for what calamine does not tell."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(_grid, path, title)
        plain = _sheet_details(path, scan, shared)
        grid = reading.result()
    if grid is None or not plain:
        return None
    width = scan.width
    first = grid[header_row - 1][:width] if len(grid) >= header_row else []
    head = [_xlsx_value(v) for v in first]
    # numbers from 10^15 on: their text as openpyxl made it from the file's (an int for
    # "1234...", a float for "1.2E+15" or "1234....0"), not from the float
    large = {(header_row, i) for i, v in enumerate(first) if type(v) is float and not -1e15 < v < 1e15}
    body = grid[header_row:]
    lines = max(scan.last_row - header_row, len(body))
    cells = list(zip(*body)) if body else []
    del grid, body
    texts, numbers = [], []
    for i in range(width):
        column = cells[i] if i < len(cells) else ()
        kinds = set(map(type, column))
        if kinds <= {str}:  # text only (and empty cells): the common case
            texts.append([v or None for v in column])
            numbers.append([False] * len(column))
        elif kinds == {float}:  # numbers only
            float_texts, far = _float_texts(list(column))
            large.update((header_row + 1 + n, i) for n in far)
            texts.append(float_texts)
            numbers.append([True] * len(column))
        else:
            # calamine reads every number as a float (C-level loops: a sheet may have millions)
            flags = list(map(operator.is_, map(type, column), repeat(float)))
            float_texts, far = _float_texts(list(compress(column, flags)))
            at = list(compress(range(len(column)), flags))
            large.update((header_row + 1 + at[n], i) for n in far)
            if kinds <= {str, float}:
                column_texts = [v or None for v in column]  # the numbers' places are filled in below
            else:
                column_texts = [(v or None) if type(v) is str else _cell_text(_xlsx_value(v)) for v in column]
            deque(map(column_texts.__setitem__, at, float_texts), maxlen=0)
            texts.append(column_texts)
            numbers.append(flags if int not in kinds else [type(v) is float or type(v) is int for v in column])
        texts[-1].extend([None] * (lines - len(column)))
        numbers[-1].extend([False] * (lines - len(column)))
    if large:
        from openpyxl.worksheet._reader import _cast_number

        for (row, col), raw in _raw_values(path, scan.part, set(large)).items():
            try:
                value = _cast_number(raw)
            except ValueError:
                continue
            if row == header_row:
                head[col] = value
            else:
                texts[col][row - header_row - 1] = _cell_text(value)
    for (row, col), text in scan.texts.items():  # calamine reads these as empty
        if row == header_row and col < len(head):
            head[col] = text
        elif row > header_row and col < width:
            texts[col][row - header_row - 1] = text
    return head, texts, numbers


def _float_texts(values: list[float]) -> tuple[list[str], list[int]]:
    """The texts of numbers as :func:`_cell_text` makes them (a whole number as an integer, else
    the shortest decimal that reads back as the same float: Python's repr), made by Polars, whose
    shortest form is the same digits, for numbers from 0.0001 to 10^15 (outside, the notation with
    an exponent differs: there Python makes them); and the places of the numbers from 10^15 on."""
    if not values:
        return [], []
    series = pl.Series(values, dtype=pl.Float64)
    size = series.abs()
    whole = (series == series.floor()) & (size < 1e15)
    plain = ~whole & (size >= 1e-4) & (size < 1e15)
    texts = pl.select(pl.when(whole).then(series.cast(pl.Int64, strict=False).cast(pl.String))
                      .when(plain).then(series.cast(pl.String))).to_series().to_list()
    far = []
    for n in (~(whole | plain)).arg_true().to_list():
        value = values[n]
        texts[n] = _cell_text(_xlsx_value(value))
        if not -1e15 < value < 1e15:
            far.append(n)
    return texts, far


def _raw_values(path: Path, part: str, cells: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The text of the <v> of some cells (row, column index), found in the sheet's XML a chunk at a
    time (rows come in order: each cell is looked for in the chunk that reaches its row)."""
    wanted = sorted(cells)
    found: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(path) as archive, archive.open(part) as member:
        rest = b""
        while wanted:
            chunk = member.read(sheets.UNZIP_CHUNK)
            data = rest + chunk
            cut = data.rfind(b"</c>") + len(b"</c>") if chunk else len(data)
            if chunk and cut < len(b"</c>"):
                rest = data
                continue
            piece, rest = data[:cut], data[cut:]
            last = _CELL_ROW.match(piece, max(0, piece.rfind(b'<c r="')))
            reach = int(last.group(1)) if last else 0
            still = []
            for row, col in wanted:
                at = piece.find(b'<c r="%s%d"' % (_letters(col + 1).encode(), row)) if row <= reach or not chunk else -1
                m = _VALUE_CELL.match(piece, at) if at >= 0 else None
                if m:
                    found[(row, col)] = m.group(1).decode("ascii", "replace")
                elif chunk:
                    still.append((row, col))
            wanted = still
            if not chunk:
                break
    return found


def _rows_openpyxl(path: Path, file: str, title: str, header_row: int, limit: int) -> tuple[list, int]:
    """The rows from the header row on, read with openpyxl a row at a time (for sheets whose
    cells do not all name their place), and the widest row's width."""
    import openpyxl  # imported here: only such sheets pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableError(file, f"cannot be opened as an Excel workbook ({type(exc).__name__})",
                         "save it again as .xlsx from Excel, or export CSV") from None
    try:
        ws = book[title]
        # the rows as they are in the file: not padded to the size the sheet declares (a sheet
        # that declares A1:XFD1048576 would otherwise be read as 17 billion empty cells)
        ws.reset_dimensions()
        try:
            rows, width = [], 0
            for r in ws.iter_rows(min_row=header_row, values_only=True):
                rows.append(r)
                width = max(width, len(r))
                if len(rows) * width > limit:
                    raise _too_many_cells(file, title, header_row + len(rows) - 1, limit)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
            raise _unreadable(file, title, exc) from None
    finally:
        book.close()
    return rows, width
