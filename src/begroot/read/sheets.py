"""What every table begroot reads has in common: a table of strings that remembers where each
cell came from (:class:`Table`), its errors, and the checks of a file's size and of a zip
archive's members (XLSX, Word) before they are unpacked."""

from __future__ import annotations

import datetime as dt
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
#: ... and a file of up to 10 MB at most this many: a sheet's cells cost about 1.6 µs of CPU and 75
#: bytes each while python-calamine reads them, however well the file packs them, so this keeps
#: any input of up to 10 MB within 10 s and 1 GB (4.98 million cells in 9.5 MB: 8.2 s CPU, 438 MB).
#: An honest export has about 0.22 cells a byte of the file (a 10 MB export: 2.2 million cells);
#: the limit grows with the file, one cell for every XLSX_BYTES_PER_CELL bytes, up to MAX_XLSX_CELLS.
MIN_XLSX_CELLS = 5_000_000
XLSX_BYTES_PER_CELL = 2
#: The same for a sheet read with openpyxl (a workbook that is not plain; cells that do not name
#: their place), which costs about 4.5 µs a cell (2.5 million cells in 4 MB: 11.6 s CPU, 365 MB).
MIN_OPENPYXL_CELLS = 2_000_000
OPENPYXL_BYTES_PER_CELL = 5

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
    invisible: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, what): removed controls
    other_sheets: list[str] = field(default_factory=list)  # XLSX read without `sheet`: its other table sheets


def file_identity(path: Path) -> tuple:
    """What tells a changed file from an unchanged one in the caches of ``begroot serve``: besides
    its modification time and size (which an editor or ``cp -p`` may keep for other bytes), the
    time its inode last changed, which writing or replacing the file always sets, and its inode."""
    try:
        stat = path.stat()
        return (path.as_posix(), stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns, stat.st_ino)
    except OSError:
        return (path.as_posix(), None, None, None, None)


#: At most this many cells with invisible controls are named one by one; the rest are counted.
MAX_INVISIBLE_NAMED = 10


def clean_table(table: Table) -> Table:
    """The table without invisible controls (see begroot.clean) in its header and cells; each cell
    that had them is noted in ``table.invisible``. The cells are searched column by column in Polars
    (a million-line export costs a fraction of a second); only the rows that have them are visited."""
    from ..clean import INVISIBLE, INVISIBLE_RUST, clean, describe

    found: list[tuple[int, str, str]] = []
    header = [clean(name) for name in table.header]
    for old, new in zip(table.header, header):
        if old != new:
            found.append((table.header_row, new, describe(old)))
    if header != table.header:
        header = unique_header(header)
        names = {a: b for a, b in zip(table.header, header) if a != b}
        table.data = table.data.rename({**{a: b for a, b in names.items() if a in table.data.columns},
                                        **{NUMERIC + a: NUMERIC + b for a, b in names.items()
                                           if NUMERIC + a in table.data.columns}})
        table.numeric_columns = {names.get(c, c) for c in table.numeric_columns}
        table.mixed_columns = {names.get(c, c) for c in table.mixed_columns}
        table.formulas_without_value = [(r, names.get(c, c)) for r, c in table.formulas_without_value]
        table.header = header
    schema = table.data.schema  # (made anew each time it is asked for: once, for a sheet of 16,384 columns)
    columns = [c for c in header if schema.get(c) == pl.String]
    if columns:
        # by their series, not pl.col(name): a header may be "*" or "^…$", which pl.col reads as a
        # wildcard or a regular expression
        index = {c: i for i, c in enumerate(table.data.columns)}
        # (a series keeps its name, which its methods read as pl.col does: each is renamed first)
        series = lambda frame, c: frame.to_series(index[c]).rename("cell")  # noqa: E731
        marks = {c: series(table.data, c).str.contains(INVISIBLE_RUST).fill_null(False) for c in columns}
        dirty = [c for c in columns if marks[c].any()]
        if dirty:
            hit = pl.Series([False] * table.data.height)
            for c in dirty:
                hit = hit | marks[c]
            rows = table.data.filter(hit)
            for values in zip(rows.to_series(index[ROW]), *(series(rows, c) for c in dirty)):
                found.extend((values[0], c, describe(v)) for c, v in zip(dirty, values[1:])
                             if v is not None and INVISIBLE.search(v))
            for c in dirty:
                table.data.replace_column(index[c], series(table.data, c).str.replace_all(INVISIBLE_RUST, "").rename(c))
    table.invisible = sorted(found)
    return table


def report_invisible(problems, table: Table) -> None:
    """A warning (``invisible-characters``) for each cell whose invisible controls were removed."""
    from ..clean import HINT, MESSAGE

    for row, column, what in table.invisible[:MAX_INVISIBLE_NAMED]:
        problems.warning(MESSAGE.format(what=what), file=table.file, row=row, column=column,
                         code="invisible-characters", hint=HINT)
    more = len(table.invisible) - MAX_INVISIBLE_NAMED
    if more > 0:
        problems.warning(MESSAGE.format(what=f"the same in {more} more cells"), file=table.file,
                         code="invisible-characters", hint=HINT)


def report_missing_column(problems, table: Table, name: str, hint: str) -> None:
    """The one message for a column that a file lacks."""
    where = "the file has"
    if table.other_sheets:  # the data may be on another sheet than the one read
        where = f"sheet '{table.sheet}' has"
        named = (f'set sheet = "{table.other_sheets[0]}"' if len(table.other_sheets) == 1
                 else f"set sheet to its name ({', '.join(table.other_sheets)})")
        hint += f"; or, if the data is on another sheet of the workbook, {named} for this file in begroot.toml"
    problems.error(f'column "{name}" not found; {where} the columns: {", ".join(table.header)}',
                   file=table.file, row=table.header_row, code="missing-column", hint=hint)


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


