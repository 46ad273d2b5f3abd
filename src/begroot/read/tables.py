"""Read a CSV or XLSX file into a table of strings that remembers where each cell came from.

Every cell is kept as text; typing (amounts, years, codes) happens later with the column
mapping, so that a bad value can be reported with its file, row and column. Rows are numbered
as a spreadsheet shows them: the header is row ``header_row`` (1 by default) and the first data
row is the next one; blank lines keep their number.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import operator
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from collections import deque
from itertools import compress, repeat
from pathlib import Path

import polars as pl

from ..errors import BegrootError

ROW = "__row"  # name of the row-number column added to every table
NUMERIC = "__numeric__"  # prefix of XLSX columns that flag which cells held numbers

#: Files larger than this are refused with a message (a finance export of a large city with
#: a million lines is about 25 MB).
MAX_FILE_BYTES = 100 * 1024 * 1024
#: XLSX and DOCX files are zip archives: refuse ones that unpack to more than this in all. A
#: finance export of a million lines as XLSX (about 30 MB) unpacks to about 300 MB.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: ... or with a part that unpacks to more than this many times its packed size (an XLSX sheet
#: packs about 10:1, highly repetitive XML up to about 40:1; a zip bomb 1000:1), for parts that
#: unpack to more than RATIO_MIN_BYTES (small parts pack well and cost nothing).
MAX_RATIO = 100
RATIO_MIN_BYTES = 1024 * 1024
#: The parts are unpacked by this much at a time when their unpacked size is measured.
UNZIP_CHUNK = 1024 * 1024

#: An XLSX sheet may have at most this many cells (rows × the widest row): a million finance
#: lines of 20 columns. A sheet's cells are held in memory while it is read (about 60 bytes each).
MAX_XLSX_CELLS = 20_000_000

#: Separators tried when the delimiter is "auto", in order of preference on a tie.
DELIMITERS = [";", ",", "\t", "|"]


class TableError(BegrootError):
    """A file that cannot be read as a table at all."""

    def __init__(self, file: str, message: str, hint: str | None = None, row: int | None = None):
        self.file, self.message, self.hint, self.row = file, message, hint, row
        super().__init__(f"{file}: {message}")


@dataclass
class Table:
    file: str                      # path relative to the project, for messages
    header: list[str]              # column names as in the file (made unique)
    data: pl.DataFrame             # all columns pl.String, plus ROW (Int64)
    header_row: int = 1
    sheet: str | None = None
    numeric_columns: set[str] = field(default_factory=set)  # XLSX columns holding only numbers
    formulas_without_value: list[tuple[int, str]] = field(default_factory=list)  # XLSX (row, column)
    hidden: bool = False                                    # an XLSX sheet hidden in Excel
    mixed_columns: set[str] = field(default_factory=set)    # XLSX columns with numbers and text
    modified: dt.datetime | None = None                     # export time found in the file
    garbled: tuple[int, str, str] | None = None              # (row, sample, hint): text of a wrong encoding


def file_identity(path: Path) -> tuple:
    """What tells a changed file from an unchanged one in the caches of ``begroot serve``."""
    try:
        stat = path.stat()
        return (path.as_posix(), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return (path.as_posix(), None, None)


def report_missing_column(problems, table: Table, name: str, hint: str) -> None:
    """The one message for a column that a file lacks."""
    problems.error(f'column "{name}" not found; the file has the columns: {", ".join(table.header)}',
                   file=table.file, row=table.header_row, code="missing-column", hint=hint)


def decode(raw: bytes, encoding: str, file: str) -> str:
    """Decode bytes: 'auto' understands BOMs, UTF-16 from Excel, UTF-8 and cp1252."""
    if encoding != "auto":
        try:
            return raw.decode(encoding)
        except LookupError:
            raise TableError(file, f"unknown encoding '{encoding}'", "use auto, utf-8 or cp1252") from None
        except UnicodeDecodeError as exc:
            raise TableError(file, f"the file is not valid {encoding} (byte {exc.start})",
                             "set encoding = \"auto\" or save the file as UTF-8") from None
    utf16 = _utf16_without_bom(raw)
    if utf16:
        try:
            return raw.decode(utf16)
        except UnicodeDecodeError:
            raise TableError(file, f"the file looks like {utf16.upper()} text without a byte-order mark, but is not "
                                   "valid", "save the file as CSV UTF-8") from None
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise TableError(file, "the file starts like UTF-16 but is not valid UTF-16") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TableError(file, f"the file is neither UTF-8 nor cp1252 text (byte {exc.start})",
                         "save the file as CSV UTF-8") from None


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for UTF-16 text without a byte-order mark (ASCII text in UTF-16 has a
    zero byte in every other place), else None."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)) or len(raw) < 4:
        return None
    head = raw[:4096]
    even, odd = head[0::2], head[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / max(len(odd), 1)
    if zeros_odd > 0.6 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.6 and zeros_odd < 0.05:
        return "utf-16-be"
    return None


#: Text that is UTF-8 read as cp1252 or Latin-1 ("â‚¬" for "€", "Ã©" for "é", "â€™" for "’").
GARBLED_RE = re.compile("â‚¬|â€[\u0080-\u203a™œ\u0153\u201c\u201d˜¦]|Ã[\u00a0-\u00bf\u0152-\u2122]")


def garbled(text: str, header_row: int, encoding: str) -> tuple[int, str, str] | None:
    """(row, sample, hint) when decoded text shows the marks of a wrong encoding."""
    match = GARBLED_RE.search(text)
    if not match:
        return None
    row = text.count("\n", 0, match.start()) + 1
    begin = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.start())
    line = text[begin: end if end >= 0 else len(text)].rstrip("\r")
    at = match.start() - begin
    sample = line[max(0, at - 20): at + 30]
    if encoding not in ("auto", "utf-8", "utf-8-sig"):
        hint = f'the file seems to be UTF-8 read as {encoding}: set encoding = "utf-8" (or "auto") in begroot.toml'
    else:
        hint = ("the text was saved with the wrong encoding before it was exported (UTF-8 read as cp1252): "
                "export it again as CSV UTF-8, or correct the text in the source system")
    return max(row, header_row), sample, hint


def _count_outside_quotes(line: str, sep: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            count += 1
    return count


def sniff_delimiter(text: str, header_row: int) -> str:
    """Pick the separator that splits the header row (and the rows after it) most consistently."""
    head = text[: 1 << 16] if header_row < 100 else text  # enough for the header and 20 rows
    lines = [ln for ln in head.splitlines()[header_row - 1: header_row + 20] if ln.strip()]
    if not lines:
        return ";"
    best, best_score = ";", (0, 0)
    for sep in DELIMITERS:
        counts = [_count_outside_quotes(ln, sep) for ln in lines]
        head = counts[0]
        if head == 0:
            continue
        consistent = sum(1 for c in counts if c == head)
        score = (consistent, head)
        if score > best_score:
            best, best_score = sep, score
    return best


def _first_ragged_row(text: str, sep: str, header_row: int) -> tuple[int, int, int] | None:
    """The first row with more fields than the header (as a spreadsheet numbers rows)."""
    import csv

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    expected = None
    try:
        for number, fields in enumerate(reader, start=1):
            if number < header_row:
                continue
            if expected is None:
                expected = len(fields)
            elif len(fields) > expected:
                return number, len(fields), expected
    except csv.Error:
        return None  # the general message is given instead
    return None


def check_size(path: Path, file: str) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TableError(file, f"the file is {size / 1024 / 1024:.0f} MB; begroot reads files up to "
                               f"{MAX_FILE_BYTES / 1024 / 1024:.0f} MB",
                         "split the export (one file per edition or per year), or leave out columns you do not use")


def check_zip(path: Path, file: str, kind: str) -> None:
    """Refuse archives that are not what they claim, or that unpack to far more than they are.

    First by what the archive declares (the total unpacked size, and each part's ratio of
    unpacked to packed size), then by unpacking every part once, a chunk at a time and keeping
    nothing, counting the bytes and stopping as soon as the total passes MAX_UNPACKED_BYTES. A
    part that unpacks to more than it declares fails its CRC check (Python's zipfile never gives
    more than the declared size), so the readers that unpack the file after this check (openpyxl,
    mammoth) do at most the work measured here."""
    limit = MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_declared(infos, file)
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                with archive.open(info) as member:
                    while chunk := member.read(UNZIP_CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise _too_large(file, total, "more than ")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
            RuntimeError, zlib.error):
        raise TableError(file, f"cannot be opened as {kind}: the file is damaged, or it is not {kind}",
                         "open it and save it again, or export it again") from None


def _too_large(file: str, size: int, more: str = "") -> TableError:
    return TableError(file, f"the file unpacks to {more}{size / 1024 / 1024:.0f} MB, more than begroot accepts "
                            f"({MAX_UNPACKED_BYTES / 1024 / 1024:.0f} MB); it may be a zip bomb",
                      "export the data again from the source system")


def _check_declared(infos: list[zipfile.ZipInfo], file: str) -> None:
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _too_large(file, unpacked)
    for info in infos:
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TableError(file, f"its part {info.filename} unpacks to {info.file_size / 1024 / 1024:.0f} MB "
                                   f"from {max(info.compress_size, 1) / 1024:.0f} KB, more than {MAX_RATIO} times "
                                   "its packed size; it may be a zip bomb",
                             "export the data again from the source system")


def unique_header(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = (name or "").strip() or f"kolom {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def read_csv(path: Path, file: str, *, delimiter: str = "auto", encoding: str = "auto",
             header_row: int = 1) -> Table:
    check_size(path, file)
    raw = path.read_bytes()
    text = decode(raw, encoding, file)
    if not text.strip():
        raise TableError(file, "the file is empty", "export the data again")
    sep = sniff_delimiter(text, header_row) if delimiter == "auto" else delimiter
    if sep in ("\\t", "tab"):
        sep = "\t"
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            separator=sep,
            has_header=False,
            infer_schema=False,
            skip_rows=header_row - 1,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        ragged = _first_ragged_row(text, sep, header_row)
        if ragged is not None:
            row, found, expected = ragged
            raise TableError(file, f"this row has {found} fields but the header row has {expected}",
                             f"check the separators and quotes in row {row}, or export the file again",
                             row=row) from None
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise TableError(file, f"cannot be read as CSV with separator '{sep}': {first}",
                         "check that every row has the same number of fields as the header") from None
    if frame.height == 0:
        raise TableError(file, f"no header row at row {header_row}")
    header = unique_header([v if v is not None else "" for v in frame.row(0)])
    data = frame.slice(1)
    data.columns = header
    data = data.with_columns(
        pl.int_range(header_row + 1, header_row + 1 + data.height, dtype=pl.Int64).alias(ROW)
    )
    return Table(file=file, header=header, data=data, header_row=header_row,
                 garbled=garbled(text, header_row, encoding))


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
        _check_cells(file, title, header_row, scan.last_row, scan.widest)
        try:
            columns = _columns_calamine(path, file, title, header_row, scan, book.shared)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
            raise _unreadable(file, title, exc) from None
    if columns is None:
        rows, width = _rows_openpyxl(path, file, title, header_row)
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
    )


def _unreadable(file: str, title: str, exc: BaseException) -> TableError:
    return TableError(file, f"sheet '{title}' cannot be read ({type(exc).__name__}); the file may be "
                            "truncated", "save it again as .xlsx from Excel, or export CSV")


def _check_cells(file: str, title: str, header_row: int, last_row: int, width: int) -> None:
    """Refuse a sheet of more than MAX_XLSX_CELLS cells (rows from the header row × the widest row)."""
    if width and (last_row - header_row + 1) * width > MAX_XLSX_CELLS:
        raise _too_many_cells(file, title, header_row + MAX_XLSX_CELLS // width)


def _too_many_cells(file: str, title: str, row: int) -> TableError:
    return TableError(file, f"sheet '{title}' has more than {MAX_XLSX_CELLS:,} cells (rows × columns) by row "
                            f"{row}; begroot reads sheets up to {MAX_XLSX_CELLS:,} cells",
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
            chunk = member.read(UNZIP_CHUNK)
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


def _rows_openpyxl(path: Path, file: str, title: str, header_row: int) -> tuple[list, int]:
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
                if len(rows) * width > MAX_XLSX_CELLS:
                    raise _too_many_cells(file, title, header_row + len(rows) - 1)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
            raise _unreadable(file, title, exc) from None
    finally:
        book.close()
    return rows, width


@dataclass
class _SheetScan:
    last_row: int = 0        # the last row (a <row> element or a cell), as a spreadsheet numbers rows
    widest: int = 0          # columns up to the right-most cell of any row
    width: int = 0           # ... of the rows from the header row on
    part: str = ""           # the sheet's XML in the archive
    formulas: list[tuple[int, int]] = field(default_factory=list)   # (row, column index) without a value
    #: (row, column index) -> text of cells that calamine reads as empty: error values ("#N/A")
    #: and texts that are empty (not the same as no value: openpyxl gave "")
    texts: dict[tuple[int, int], str] = field(default_factory=dict)


#: cells and rows whose reference is not their first attribute (or that have none)
_ODD_CELL = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="))')
_ODD_ROW = re.compile(rb'<row(?:[>/\t\n\r]| (?!r="))')
#: a value with whitespace at an end: openpyxl reads " 12 " as a number, calamine as text
_SPACED_VALUES = (b"<v> ", b"<v>\n", b"<v>\t", b"<v>\r", b" </v>", b"\n</v>", b"\t</v>", b"\r</v>")
_COLON_ELEMENT = re.compile(rb":(?:c|row)[\s>/]")  # a quick search first, then the precise one
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s>/]")
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]+)')
_CELL_ROW = re.compile(rb'<(?:c r="[A-Z]+|row r=")(\d+)"')
_ROW_AT = re.compile(rb'<row r="(\d+)"')
_ISO_DAY_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="d"[^>]*>\s*<v>(\d{4}-\d\d-\d\d)</v>')
_VALUE_CELL = re.compile(rb'<c r="[A-Z]{1,3}\d+"[^>]*>(?:<f\b[^>]*(?:/>|>[^<]*</f>))?<v>([^<]*)</v>')
_TEXT_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="(inlineStr|str)"[^>]*>(.*?)</c>', re.S)
_SHARED_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="s"[^>]*>\s*<v>(\d+)</v>')
_SHARED_ITEM = re.compile(rb"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(.*?)</c>', re.S)
_MAX_CARRY = 16 * 1024 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _letters(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


def _greater(digits: str, alphabet: str) -> str:
    """A regular expression for the strings of uppercase letters (``alphabet`` "A") or digits
    ("0") that are longer than ``digits`` or as long and greater (digits without leading zeros)."""
    cls = "[A-Z]" if alphabet == "A" else "[0-9]"
    last = "Z" if alphabet == "A" else "9"
    options = [f"[{'A' if alphabet == 'A' else '1'}-{last}]{cls}{{{len(digits)},}}"]
    for i, ch in enumerate(digits):
        if ch != last:
            options.append(f"{re.escape(digits[:i])}[{chr(ord(ch) + 1)}-{last}]{cls}{{{len(digits) - i - 1}}}")
    return "(?:" + "|".join(options) + ")"


def _pieces(archive: zipfile.ZipFile, part: str):
    """The XML of a sheet a chunk at a time, each cut after a whole cell or row or before a row
    (the rest waits for the next chunk); None, and no more, when no such place comes within
    _MAX_CARRY bytes."""
    with archive.open(part) as member:
        rest = b""
        while True:
            chunk = member.read(UNZIP_CHUNK)
            data = rest + chunk
            if not chunk:
                yield data
                return
            cuts = [at + len(end) for end in (b"</c>", b"</row>") if (at := data.rfind(end)) >= 0]
            cuts += [at for at in (data.rfind(b"<row "),) if at > 0]
            if not cuts:
                if len(data) > _MAX_CARRY:
                    yield None
                    return
                rest = data
                continue
            yield data[:max(cuts)]
            rest = data[max(cuts):]


def _scan_sheet(path: Path, part: str, header_row: int, shared: str | None = None) -> _SheetScan | None:
    """:func:`_reach_sheet`, then :func:`_sheet_details` (``begroot`` runs the second while
    calamine reads the sheet); None for a sheet to read with openpyxl."""
    scan = _reach_sheet(path, part, header_row)
    return scan if scan is not None and _sheet_details(path, scan, shared) else None


def _reach_sheet(path: Path, part: str, header_row: int) -> _SheetScan | None:
    """How far the cells of a sheet reach, scanned from its XML a chunk at a time (nothing of the
    size of the sheet is kept), before calamine reads it as a grid of that size.

    None for a sheet written in a form this scan does not follow (a cell or row without its
    reference as first attribute, prefixed element names): it is then read with openpyxl.
    Each chunk is searched for references past the extent found so far (rows come in order, so
    the last reference of a chunk is its furthest); only a chunk that has one is looked at cell
    by cell."""
    scan = _SheetScan(part=part)
    before_header = header_row > 1
    with zipfile.ZipFile(path) as archive:
        for piece in _pieces(archive, part):
            if (piece is None or _ODD_CELL.search(piece) or _ODD_ROW.search(piece)
                    or (_COLON_ELEMENT.search(piece) and _PREFIXED.search(piece))):
                return None
            if before_header:
                at = next((m.start() for m in _ROW_AT.finditer(piece) if int(m.group(1)) >= header_row), None)
                head, piece = (piece, b"") if at is None else (piece[:at], piece[at:])
                scan.widest, scan.last_row = _reach(head, scan.widest, scan.last_row)
                before_header = at is None
            if piece:
                scan.width, scan.last_row = _reach(piece, scan.width, scan.last_row)
                scan.widest = max(scan.widest, scan.width)
    return scan


def _sheet_details(path: Path, scan: _SheetScan, shared: str | None) -> bool:
    """Add to ``scan`` what calamine does not tell or tells otherwise than openpyxl: formulas
    without a saved value, error values, texts (see :func:`_needs_openpyxl_text`), ISO dates of a
    day. False for a sheet with a value with whitespace at an end (openpyxl reads " 12" as a
    number, calamine as text): it is read with openpyxl."""
    with zipfile.ZipFile(path) as archive:
        shared_fixes = _shared_fixes(archive, shared) if shared else {}
        for piece in _pieces(archive, scan.part):
            if piece is None:
                return False
            # found on a copy in which whitespace, ";" and "&" are one byte and <v> is <t>: a few
            # searches, not twenty
            folded = piece.translate(_FOLD)
            marked = any(mark in folded for mark in _FOLDED_MARKS)
            if marked and any(mark in piece for mark in _SPACED_VALUES):
                return False
            if b"<f" in piece:
                _scan_formulas(piece.decode("utf-8", "replace"), scan.formulas)
            if b't="e"' in piece:
                for m in _ERROR_CELL.finditer(piece):
                    value = re.search(rb"<v>([^<]*)</v>", m.group(3))
                    if value:
                        scan.texts[(int(m.group(2)), _column_number(m.group(1)) - 1)] = \
                            value.group(1).decode("utf-8", "replace")
            if marked and any(mark in piece for mark in _TEXT_MARKS):
                cells = {piece.rfind(b'<c r="', 0, mark.start()) for mark in _TEXT_MARK.finditer(piece)}
                for m in (_TEXT_CELL.match(piece, at) for at in sorted(cells - {-1})):
                    if m is None or not _needs_openpyxl_text(m.group(4)):
                        continue
                    if m.group(3) == b"str":  # a formula's text: openpyxl took the <v> as it is
                        value = re.search(rb"<v>([^<]*)</v>", m.group(4))
                        text = _text_as_openpyxl(b"<is><t>" + value.group(1) + b"</t></is>", False) if value else None
                        text = text or None
                    else:
                        inline = re.search(rb"<is\b.*?(?:</is>|/>)", m.group(4), re.S)
                        text = _text_as_openpyxl(inline.group(0), False) if inline else None
                    if text is not None:
                        scan.texts[(int(m.group(2)), _column_number(m.group(1)) - 1)] = text
            if b't="d"' in piece:  # an ISO date of a day: openpyxl gave a date, not a datetime
                for m in _ISO_DAY_CELL.finditer(piece):
                    scan.texts[(int(m.group(2)), _column_number(m.group(1)) - 1)] = m.group(3).decode()
            if shared_fixes:
                for m in _SHARED_CELL.finditer(piece):
                    if (text := shared_fixes.get(int(m.group(3)))) is not None:
                        scan.texts[(int(m.group(2)), _column_number(m.group(1)) - 1)] = text
    return True


def _text_as_openpyxl(xml: bytes, shared: bool) -> str | None:
    """The text of an ``<is>`` or ``<si>`` element as openpyxl gives it (the runs' text joined,
    whitespace kept, ``_x000D_`` left as it is); None if it cannot be read."""
    from xml.etree import ElementTree

    simple = _ONE_TEXT.fullmatch(xml)
    if simple:  # one plain text (most are): its characters, as an XML parser gives them
        import html

        raw = (simple.group(1) or b"").decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
        text = html.unescape(raw) if "&" in raw else raw
        return text.replace("x005F_", "") if shared else text

    from openpyxl.cell.text import Text

    try:
        element = ElementTree.fromstring(b'<x xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                         + xml + b"</x>")[0]
        text = Text.from_tree(element).content
    except Exception:  # noqa: BLE001 - an element openpyxl could not read either: calamine's text stays
        return None
    return text.replace("x005F_", "") if shared else text


def _needs_openpyxl_text(xml: bytes) -> bool:
    """Whether calamine may read a text element otherwise than openpyxl: an empty text, whitespace
    at an end of a text not marked xml:space="preserve" (calamine drops it), or an escape such as
    ``_x000D_`` (calamine unescapes it). (A quick test on bytes first.)"""
    return any(mark in xml for mark in _TEXT_MARKS) and bool(_TEXT_MARK.search(xml))


_FOLD = bytes.maketrans(b" \t\n\r;&v", b"\x01\x01\x01\x01\x01\x01t")
_FOLDED_MARKS = (b"<t>\x01", b"\x01</t>", b"></t>", b"<t/>", b"_x", b"<is/>", b'preserte"/>')
_ONE_TEXT = re.compile(rb'<(?:si|is)>\s*(?:<t(?: xml:space="preserve")?>'
                       rb'([^<&]*(?:&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);[^<&]*)*)</t>'
                       rb'|<t(?: xml:space="preserve")?/>)?\s*</(?:si|is)>|<(?:si|is)/>')
_TEXT_MARKS = (b"></t>", b"<t/>", b"<is/>", b"<si/>", b'preserve"/>', b"_x", b"<t> ", b"<t>\n", b"<t>\t", b"<t>\r",
               b" </t>", b"\n</t>", b"\t</t>", b"\r</t>", b"<t>&#", b";</t>")
_TEXT_MARK = re.compile(rb"></t>|<t\b[^>]*/>|<(?:si|is)\b[^>]*/>|_x[0-9A-Fa-f]{4}_|<t>(?:\s|&#)|(?:\s|;)</t>")


def _shared_fixes(archive: zipfile.ZipFile, part: str) -> dict[int, str]:
    """The shared strings (by number) that calamine may read otherwise than openpyxl, with their
    text as openpyxl reads it. The table is read a chunk at a time; only a chunk that has such a
    string is looked at string by string."""
    found: dict[int, str] = {}
    if part not in archive.namelist():
        return found
    with archive.open(part) as member:
        rest, index = b"", 0
        while True:
            chunk = member.read(UNZIP_CHUNK)
            data = rest + chunk
            # cut after a whole string (a "/>" may be inside one: <si><t/></si>)
            ends = ([at + len(end) for end in (b"</si>", b"<si/>") if (at := data.rfind(end)) >= 0] if chunk
                    else [len(data)])
            if not ends:
                if len(data) > _MAX_CARRY:
                    return found
                rest = data
                continue
            piece, rest = data[:max(ends)], data[max(ends):]
            if _needs_openpyxl_text(piece):
                for m in _SHARED_ITEM.finditer(piece):
                    if _needs_openpyxl_text(m.group(0)) and (text := _text_as_openpyxl(m.group(0), True)) is not None:
                        found[index] = text
                    index += 1
            else:
                index += len(_SHARED_ITEM.findall(piece))
            if not chunk:
                return found


def _reach(piece: bytes, columns: int, rows: int) -> tuple[int, int]:
    """The widest column number and the last row number that the cells and rows of ``piece``
    name, at least ``columns`` and ``rows``."""
    last = [m.group(1) for at in (piece.rfind(b'<c r="'), piece.rfind(b'<row r="')) if at >= 0
            and (m := _CELL_ROW.match(piece, at))]
    rows = max([rows, *map(int, last)])
    further = re.compile(rb' r="(?:' + _greater(_letters(columns), "A").encode() + rb"\d|[A-Z]*(?:0|"
                         + _greater(str(rows), "0").encode() + rb')")')
    if further.search(piece):  # out of order, or a row wider than those before: cell by cell
        columns = max([columns, *map(_column_number, set(_CELL_COLUMN.findall(piece)))])
        rows = max([rows, *map(int, _CELL_ROW.findall(piece))])
    return columns, rows


_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _formulas_without_value(path: Path, sheet_xml: str) -> list[tuple[int, int]]:
    """(row, column index) of formula cells that have no saved result (Excel never computed them).
    The sheet's XML is scanned a chunk at a time (it may be hundreds of MB)."""
    found = []
    with zipfile.ZipFile(path) as archive, archive.open(sheet_xml.lstrip("/")) as member:
        rest, decoder = "", codecs.getincrementaldecoder("utf-8")("replace")
        while True:
            chunk = member.read(UNZIP_CHUNK)
            text = rest + decoder.decode(chunk, final=not chunk)
            cut = text.rfind("</row>") + len("</row>") if chunk else len(text)
            if chunk and cut < len("</row>"):
                rest = text  # no whole row yet
                continue
            _scan_formulas(text[:cut], found)
            rest = text[cut:]
            if not chunk:
                return found


def _scan_formulas(xml: str, found: list[tuple[int, int]]) -> None:
    for m in _CELL.finditer(xml):
        inner = m.group(3) or ""
        if "<f" in inner and not re.search(r"<v>[^<]+</v>", inner):
            col = 0
            for ch in m.group(1):
                col = col * 26 + (ord(ch) - 64)
            found.append((int(m.group(2)), col - 1))


def read_table(path: Path, file: str, *, sheet: str | None = None, delimiter: str = "auto",
               encoding: str = "auto", header_row: int = 1) -> Table:
    """Read a CSV/TXT/TSV or XLSX file by its extension."""
    if not path.is_file():
        raise TableError(file, "file not found", "check the file name in begroot.toml")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, file, sheet=sheet, header_row=header_row)
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, file, delimiter=delimiter, encoding=encoding, header_row=header_row)
    if suffix == ".xls":
        raise TableError(file, "old Excel .xls files are not supported", "save the file as .xlsx or CSV")
    raise TableError(file, f"unknown file type '{suffix}'", "use .csv or .xlsx")
