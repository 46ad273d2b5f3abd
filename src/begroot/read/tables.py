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
import re
import zipfile
import zlib
from dataclasses import dataclass, field
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


def read_xlsx(path: Path, file: str, *, sheet: str | None = None, header_row: int = 1) -> Table:
    """Read one sheet of an XLSX workbook (cached values of formulas)."""
    import openpyxl  # imported here: only XLSX projects pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    check_zip(path, file, "an Excel workbook")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableError(file, f"cannot be opened as an Excel workbook ({type(exc).__name__})",
                         "save it again as .xlsx from Excel, or export CSV") from None
    try:
        if sheet is None:
            visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
            if not visible:
                raise TableError(file, "the workbook has no visible sheet")
            ws = visible[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise TableError(file, f"no sheet named '{sheet}'; the workbook has: {', '.join(book.sheetnames)}",
                             "set sheet to one of these names")
        # the rows as they are in the file: not padded to the size the sheet declares (a sheet
        # that declares A1:XFD1048576 would otherwise be read as 17 billion empty cells)
        ws.reset_dimensions()
        try:
            rows, width = [], 0
            for r in ws.iter_rows(min_row=header_row, values_only=True):
                rows.append(r)
                width = max(width, len(r))
                if len(rows) * width > MAX_XLSX_CELLS:
                    raise TableError(file, f"sheet '{ws.title}' has more than {MAX_XLSX_CELLS:,} cells (rows × "
                                           f"columns) by row {header_row + len(rows) - 1}; begroot reads sheets "
                                           f"up to {MAX_XLSX_CELLS:,} cells",
                                     "export CSV instead, leave out columns you do not use, or clear cells far "
                                     "to the right or below the data", row=header_row + len(rows) - 1)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
            raise TableError(file, f"sheet '{ws.title}' cannot be read ({type(exc).__name__}); the file may be "
                                   "truncated", "save it again as .xlsx from Excel, or export CSV") from None
        modified = book.properties.modified
        hidden = ws.sheet_state != "visible"
        sheet_xml = getattr(ws, "_worksheet_path", None)
    finally:
        book.close()
    if not rows:
        raise TableError(file, f"sheet '{ws.title}' has no header row at row {header_row}")
    header = unique_header([_cell_text(v) or "" for v in rows[0]] + [""] * (width - len(rows[0])))
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    is_number: dict[str, list[bool]] = {name: [] for name in header}
    for r in rows[1:]:
        for i, name in enumerate(header):
            value = r[i] if i < len(r) else None
            columns[name].append(_cell_text(value))
            is_number[name].append(isinstance(value, (int, float)) and not isinstance(value, bool))
    numeric, mixed = set(), set()
    for name in header:
        texts = [v is not None and v != "" and not n for v, n in zip(columns[name], is_number[name])]
        if any(is_number[name]):
            (mixed if any(texts) else numeric).add(name)
    data = pl.DataFrame({name: pl.Series(name, vals, dtype=pl.String) for name, vals in columns.items()})
    if mixed:
        data = data.with_columns(
            [pl.Series(NUMERIC + name, is_number[name], dtype=pl.Boolean) for name in sorted(mixed)])
    data = data.with_columns(
        pl.int_range(header_row + 1, header_row + 1 + data.height, dtype=pl.Int64).alias(ROW)
    )
    formulas = []
    if sheet_xml and any(v is None for r in rows[1:] for v in r):
        formulas = [(row, header[col]) for row, col in _formulas_without_value(path, sheet_xml)
                    if row > header_row and col < len(header)]
    return Table(
        file=file, header=header, data=data, header_row=header_row, sheet=ws.title,
        numeric_columns=numeric, mixed_columns=mixed, formulas_without_value=formulas, hidden=hidden,
        modified=modified if isinstance(modified, dt.datetime) else None,
    )


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
