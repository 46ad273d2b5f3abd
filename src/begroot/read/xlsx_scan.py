"""Scans of an XLSX sheet's XML, a chunk at a time: how far its cells reach (before calamine,
which holds a sheet as a full grid, reads it), and what calamine does not report or reports
otherwise than openpyxl (formulas without a value, error values, texts with spaces at their ends,
``_x000D_`` escapes, ISO dates of a day, whole numbers from 10^15)."""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path


from . import sheets


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
            chunk = member.read(sheets.UNZIP_CHUNK)
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
            chunk = member.read(sheets.UNZIP_CHUNK)
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
            chunk = member.read(sheets.UNZIP_CHUNK)
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


