"""Read a CSV or XLSX file into a table of strings that remembers where each cell came from.

Every cell is kept as text; typing (amounts, years, codes) happens later with the column
mapping, so that a bad value can be reported with its file, row and column. Rows are numbered
as a spreadsheet shows them: the header is row ``header_row`` (1 by default) and the first data
row is the next one; blank lines keep their number.
"""

from __future__ import annotations

import codecs
import io
import re
from pathlib import Path

import polars as pl

from .sheets import DELIMITERS, NUMERIC, ROW, Table, TableError, check_size, check_zip, clean_table, \
    file_identity, report_invisible, report_missing_column, unique_header
from .xlsx import read_xlsx

__all__ = ["NUMERIC", "ROW", "Table", "TableError", "check_zip", "file_identity", "read_csv", "read_table",
           "read_xlsx", "report_invisible", "report_missing_column", "sniff_delimiter"]


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
    # every mark starts with "â" or "Ã": a text without either (most files) needs no regex search
    # (which took 0.23 s of the 2 s that reading a million lines may take)
    match = GARBLED_RE.search(text) if "â" in text or "Ã" in text else None
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


def _first_ragged_row(text: str, sep: str, header_row: int) -> tuple[int, int, int, bool] | None:
    """The first row with more fields than the header (as a spreadsheet numbers rows), and whether
    it starts the table: the rows after it have as many fields as it has (the header row given is
    then a title above the real header)."""
    import csv

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    expected, ragged, after = None, None, []
    try:
        for number, fields in enumerate(reader, start=1):
            if number < header_row:
                continue
            if ragged is not None:
                if any(f.strip() for f in fields):
                    after.append(len(fields))
                if len(after) == 5:
                    break
            elif expected is None:
                expected = len(fields)
            elif len(fields) > expected:
                ragged = (number, len(fields))
    except csv.Error:
        return None  # the general message is given instead
    if ragged is None:
        return None
    return (*ragged, expected, bool(after) and all(n == ragged[1] for n in after))


def read_csv(path: Path, file: str, *, delimiter: str = "auto", encoding: str = "auto",
             header_row: int = 1) -> Table:
    check_size(path, file)
    raw = path.read_bytes()
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # a zip (.xlsx, .ods) or an old Office file
        kind = "an Excel workbook (.xlsx)" if raw.startswith(b"PK") else "an old Excel workbook (.xls)"
        raise TableError(file, f"this is not CSV text: the file is {kind} with a {path.suffix} name",
                         "open it in Excel and save it as 'CSV UTF-8' (or, for an .xlsx, name the file "
                         ".xlsx in begroot.toml)") from None
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
            row, found, expected, starts_table = ragged
            if starts_table:  # a title block above the header
                raise TableError(file, f"this row has {found} fields, as the rows after it have, but the header "
                                       f"row (row {header_row}) has {expected}: the header seems to be row {row}",
                                 f"set header_row = {row} for this file in begroot.toml", row=row) from None
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


def read_table(path: Path, file: str, *, sheet: str | None = None, delimiter: str = "auto",
               encoding: str = "auto", header_row: int = 1, root: Path | None = None) -> Table:
    """Read a CSV/TXT/TSV or XLSX file by its extension, without invisible controls in its cells
    (``table.invisible`` says where they were; the caller reports them with report_invisible).
    With ``root`` (the project folder) the file is opened only if it lies inside it when it is
    opened (begroot.paths.opened_inside), whatever it was when the settings were checked."""
    from ..paths import SWAPPED, OutsideProject, missing_file_hint, opened_inside

    if not path.is_file():
        raise TableError(file, "file not found", missing_file_hint(path, "check the file name in begroot.toml"))
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        if suffix == ".xls":
            raise TableError(file, "old Excel .xls files are not supported", "save the file as .xlsx or CSV")
        raise TableError(file, f"unknown file type '{suffix}'", "use .csv or .xlsx")
    from contextlib import ExitStack

    with ExitStack() as stack:
        try:
            opened = stack.enter_context(opened_inside(root, path))
        except OutsideProject:
            raise TableError(file, SWAPPED, "name a file inside the project folder") from None
        except OSError as exc:
            raise TableError(file, f"cannot be opened: {exc.strerror or exc}",
                             "check the file's permissions") from None
        if suffix in (".xlsx", ".xlsm"):
            return clean_table(read_xlsx(opened, file, sheet=sheet, header_row=header_row))
        return clean_table(read_csv(opened, file, delimiter=delimiter, encoding=encoding, header_row=header_row))
