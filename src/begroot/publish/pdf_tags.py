"""The row headers of the Typst PDF's tables, tagged as such: Typst (publish/pdf_typst.py) tags
the cells of a ``table.header`` as TH with scope Column and every other cell as TD, because its
way to mark a row header (``pdf.header-cell``) needs a feature its Python package does not have.
The amounts tables head each row with its first cell ("Lasten", "Baten", a programme's name), as
the HTML's ``<th scope="row">``, and so do the texts' tables with a th in a body row. This module
changes exactly those cells, which the document's writer lists (typst_markup.TableTags), into TH
elements with the attribute ``/O /Table /Scope /Row`` and an ``/ID`` (in the structure tree's
IDTree), and adds that ID to the ``/Headers`` of the row's other cells, as Typst does for the
column headers.

The writer's tables are matched with the structure tree's Table elements in the document's order;
every table's rows (header, body, footer) and every row's cells are checked against the writer's
record, and the column headers' IDs (Typst's ``…x{column}y{row}``) against their places. If
anything differs, the PDF is not written (an internal error): a PDF with wrongly tagged tables is
worse than none. The PDF is saved with pikepdf (qpdf) with object streams, and its second /ID
computed from its content, so that the same document gives the same bytes; the first /ID, the
XMP metadata (PDF/UA-1 identification included) and everything else are kept as Typst wrote them.
"""

from __future__ import annotations

import io
import re

from ..errors import BegrootError
from .typst_markup import TableTags

#: Structure elements that hold no table (their content is text, a label or a link): not walked.
_LEAVES = frozenset({"/P", "/Span", "/Strong", "/Em", "/Link", "/Lbl", "/Reference", "/Caption", "/Code", "/TOC",
                     "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Formula", "/Note"})
_SECTIONS = {"/THead": "head", "/TBody": "body", "/TFoot": "foot"}
_PLACE = re.compile(r"x(\d+)y(\d+)$")


class TagMismatch(BegrootError):
    """The PDF's tables are not the ones the document's writer made: an error in begroot."""


def tag_row_headers(data: bytes, tables: list[TableTags]) -> bytes:
    """``data`` (Typst's PDF) with the row headers of ``tables`` tagged TH with scope Row."""
    if not any(cell[2] for table in tables for row in table.rows for cell in row):
        return data
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        found: list = []
        _find_tables(root, found, tables)
        if len(found) != len(tables):
            raise _mismatch(f"the PDF has {len(found)} tables, the document {len(tables)}")
        ids = dict(pikepdf.NameTree(root.IDTree).items()) if "/IDTree" in root else {}
        for number, (element, table) in enumerate(zip(found, tables), start=1):
            rows = _rows(element, table, number)
            for y, (row, cells) in enumerate(zip(rows, table.rows)):
                for index, (x, rowspan, header) in enumerate(cells):
                    if header:
                        _make_row_header(pdf, ids, number, rows, table, y, index, x, rowspan)
        # the IDTree again, one sorted array (qpdf's NameTree inserts one by one, 8 times slower)
        root.IDTree = pikepdf.Dictionary(Names=pikepdf.Array(
            [item for key in sorted(ids, key=_code_points) for item in (pikepdf.String(key), ids[key])]))
        mark = pdf.Root.get("/MarkInfo")
        if mark is not None and mark.get("/Suspects") is False:
            # false is the default; poppler (22.12) misreads it in an object stream and complains
            del mark["/Suspects"]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 fix_metadata_version=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def _find_tables(element, found: list, tables: list[TableTags]) -> None:
    """The Table elements under ``element``, in the document's order (a table inside a table's cell
    after the table); the cells of a table are looked into only when the writer put a table in
    one (``TableTags.nested``)."""
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else (kids,):
        if not isinstance(kid, pikepdf.Dictionary):
            continue  # a marked-content id
        kind = kid.get("/S")
        if kind is None or str(kind) in _LEAVES:
            continue
        if kind == "/Table":
            found.append(kid)
            if len(found) > len(tables) or not tables[len(found) - 1].nested:
                continue
        _find_tables(kid, found, tables)


def _children(element, kind: str | None = None) -> list:
    import pikepdf

    kids = element.get("/K")
    kids = [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k and (kind is None or k.S == kind)]


def _rows(element, table: TableTags, number: int) -> list[list]:
    """The table's TR elements' cells, checked against what the writer made."""
    parts: dict[str, list] = {"head": [], "body": [], "foot": []}
    for kid in _children(element):
        if kid.S == "/TR":
            parts["body"].append(kid)
        elif str(kid.S) in _SECTIONS:
            parts[_SECTIONS[str(kid.S)]].extend(_children(kid, "/TR"))
        elif kid.S != "/Caption":
            raise _mismatch(f"table {number} holds a {kid.S} element")
    expected = {"head": table.head, "body": len(table.rows) - table.head - table.foot, "foot": table.foot}
    for part, count in expected.items():
        if len(parts[part]) != count:
            raise _mismatch(f"table {number} has {len(parts[part])} {part} rows in the PDF, {count} in the document")
    rows = [_children(tr) for tr in parts["head"] + parts["body"] + parts["foot"]]
    for y, (cells, planned) in enumerate(zip(rows, table.rows)):
        if len(cells) != len(planned):
            raise _mismatch(f"table {number}, row {y + 1} has {len(cells)} cells in the PDF, "
                            f"{len(planned)} in the document")
        for cell, (x, _, _) in zip(cells, planned):
            kind = "/TH" if y < table.head else "/TD"
            if cell.S != kind:
                raise _mismatch(f"table {number}, row {y + 1}, column {x + 1} is a {cell.S}, not a {kind}")
            place = _PLACE.search(str(cell.get("/ID", ""))) if kind == "/TH" else None
            if kind == "/TH" and (place is None or (int(place[1]), int(place[2])) != (x, y)):
                raise _mismatch(f"table {number}: the header cell in row {y + 1}, column {x + 1} is "
                                f"{cell.get('/ID')} in the PDF")
    return rows


def _make_row_header(pdf, ids, number: int, rows: list[list], table: TableTags, y: int, index: int,
                     x: int, rowspan: int) -> None:
    import pikepdf

    cell = rows[y][index]
    name = f"begroot-t{number}x{x}y{y}"
    if name in ids:
        raise _mismatch(f"the ID {name} is in the PDF already")
    cell.S = pikepdf.Name.TH
    cell.ID = pikepdf.String(name)
    _table_attributes(cell).Scope = pikepdf.Name.Row
    ids[name] = cell
    for dy in range(rowspan):  # the header heads the cells after it in the rows it spans
        for other, (ox, _, header) in zip(rows[y + dy], table.rows[y + dy]):
            if ox > x and not header:
                attributes = _table_attributes(other)
                if "/Headers" not in attributes:
                    attributes.Headers = pikepdf.Array()
                attributes.Headers.append(pikepdf.String(name))


def _table_attributes(cell):
    """The cell's attribute dictionary of owner /Table (made when it has none)."""
    import pikepdf

    attributes = cell.get("/A")
    if attributes is None:
        attributes = cell.A = pikepdf.Array()
    elif isinstance(attributes, pikepdf.Dictionary):
        attributes = cell.A = pikepdf.Array([attributes])
    for entry in attributes:
        if isinstance(entry, pikepdf.Dictionary) and entry.get("/O") == pikepdf.Name.Table:
            return entry
    entry = pikepdf.Dictionary(O=pikepdf.Name.Table)
    attributes.append(entry)
    return attributes[len(attributes) - 1]


def _code_points(key: str) -> bytes:
    """A name tree's keys are in the order of their bytes (every ID here is ASCII)."""
    return key.encode("utf-16-be") if not key.isascii() else key.encode("ascii")


def _mismatch(what: str) -> TagMismatch:
    return TagMismatch(f"internal error: the Typst PDF's tables do not match the document ({what}); "
                       "the PDF is not written. Please report this, or set pdf_engine = \"weasyprint\" "
                       "under [site] in begroot.toml")
