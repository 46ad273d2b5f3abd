"""The Typst PDF's tables in its structure tree (publish/pdf_tags.py): the row headers ("Lasten",
"Baten", a programme's name; a th in a text's table body) are TH elements with scope Row, named by
the row's other cells, as the WeasyPrint PDF's ``<th scope="row">``; a structure tree that does
not match the document's tables stops the PDF with an internal error instead of a wrong one."""

from __future__ import annotations

import re

import pytest

pikepdf = pytest.importorskip("pikepdf")
pytest.importorskip("typst")


def _kids(element) -> list:
    kids = element.get("/K")
    kids = [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]
    return [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _walk(element):
    for kid in _kids(element):
        yield kid
        yield from _walk(kid)


def tables(pdf) -> list[list[tuple[str, list]]]:
    """Every Table element of the PDF: its rows as (part, cells), part "head", "body" or "foot"."""
    out = []
    for element in _walk(pdf.Root.StructTreeRoot):
        if element.S != "/Table":
            continue
        rows = []
        for kid in _kids(element):
            if kid.S == "/TR":
                rows.append(("body", _kids(kid)))
            elif kid.S in ("/THead", "/TBody", "/TFoot"):
                part = {"/THead": "head", "/TBody": "body", "/TFoot": "foot"}[str(kid.S)]
                rows.extend((part, _kids(tr)) for tr in _kids(kid) if tr.S == "/TR")
        out.append(rows)
    return out


def table_attributes(cell):
    attributes = cell.get("/A", pikepdf.Array())
    attributes = [attributes] if isinstance(attributes, pikepdf.Dictionary) else attributes
    return next(a for a in attributes if a.get("/O") == "/Table")


def is_row_header(cell) -> bool:
    return cell.S == "/TH" and table_attributes(cell).get("/Scope") == "/Row"


def headers(cell) -> list[str]:
    return [str(h) for h in table_attributes(cell).get("/Headers", [])]


def id_tree(pdf) -> dict:
    return dict(pikepdf.NameTree(pdf.Root.StructTreeRoot.IDTree).items())


@pytest.fixture(scope="module")
def typst_pdf_file(demo_built):
    """The demo's PDF, as the build makes it by default: with Typst."""
    site, _ = demo_built
    return site / "begroting-2024" / "downloads" / "begroting-2024.pdf"


def test_amounts_tables_row_headers_are_th_with_scope_row(typst_pdf_file):
    """The demo's tables are all tables of amounts: every body and footer row starts with its row
    header, which the row's other cells name; the column headers stay Typst's."""
    with pikepdf.open(typst_pdf_file) as pdf:
        assert str(pdf.docinfo.get("/Creator", "")).startswith("Typst")
        found, ids = tables(pdf), id_tree(pdf)
        assert len(found) > 10
        row_headers = 0
        for rows in found:
            assert rows[0][0] == "head" and all(c.S == "/TH" for c in rows[0][1])
            assert all(table_attributes(c).get("/Scope") == "/Column" for c in rows[0][1])
            for part, cells in rows[1:]:
                first, others = cells[0], cells[1:]
                assert is_row_header(first), (part, first.S, table_attributes(first))
                name = str(first.ID)
                assert ids[name].objgen == first.objgen  # the ID names this cell in the IDTree
                assert all(o.S == "/TD" and name in headers(o) for o in others)
                row_headers += 1
        # Lasten, Baten and Saldo of every programme, at least
        assert row_headers >= 3 * (len(found) - 1)


def _compile(markup: str, tables):
    from begroot.publish.pdf_typst import typst_pdf

    source = '#set document(title: "t")\n#heading(level: 1)[P]\n' + markup
    return typst_pdf(source, {}, tables, None)


def test_texts_tables_th_in_a_body_row_is_a_row_header(tmp_path):
    """A th in a text's table body heads its row (all the rows it spans), also in a table inside a
    cell; a th whose scope is its column does not; the cells keep their places."""
    from begroot.publish.typst_markup import Converter

    html = ('<table><thead><tr><th>Wat</th><th>2024</th><th>2025</th></tr></thead><tbody>'
            '<tr><th rowspan="2">Wegen</th><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr>'
            '<tr><td>gewoon</td><th scope="col">kolom</th><td>5</td></tr>'
            '<tr><th>Binnen</th><td colspan="2"><table><tr><th>x</th><th>y</th></tr>'
            '<tr><th scope="row">Rij</th><td>6</td></tr></table></td></tr></tbody></table>')
    converter = Converter()
    markup = converter.convert(html)
    path = tmp_path / "t.pdf"
    path.write_bytes(_compile(markup, converter.tables))
    with pikepdf.open(path) as pdf:
        outer, inner = tables(pdf)
    assert [part for part, _ in outer] == ["head", "body", "body", "body", "body"]
    wegen, spanned, plain, binnen = (cells for _, cells in outer[1:])
    assert is_row_header(wegen[0]) and len(wegen) == 3 and len(spanned) == 2
    name = str(wegen[0].ID)
    assert all(name in headers(c) for c in wegen[1:] + spanned)  # both rows it spans
    assert not any(is_row_header(c) for c in plain) and all(c.S == "/TD" for c in plain)
    assert is_row_header(binnen[0]) and str(binnen[0].ID) in headers(binnen[1])
    assert inner[0][0] == "head" and is_row_header(inner[1][1][0]) and inner[1][1][1].S == "/TD"


def test_a_structure_tree_that_does_not_match_stops_the_pdf():
    from begroot.errors import BegrootError
    from begroot.publish.typst_markup import Converter, amounts_table

    converter = Converter()
    markup = converter.convert('<table><tr><th>a</th><th>b</th></tr><tr><th>r</th><td>1</td></tr></table>')
    assert _compile(markup, converter.tables).startswith(b"%PDF")
    wrong = [  # a table too many; a row too many; a column too many; a row in the wrong part
        converter.tables + [amounts_table(2, 1, 0)], [amounts_table(2, 2, 0)], [amounts_table(3, 1, 0)],
        [amounts_table(2, 0, 1)]]
    for tables in wrong:
        with pytest.raises(BegrootError, match=r"internal error: the Typst PDF's tables do not match"):
            _compile(markup, tables)


def test_row_headers_keep_the_pdf_ua_identification_and_same_bytes(typst_pdf_file, tmp_path):
    from begroot.publish.typst_markup import Converter

    with pikepdf.open(typst_pdf_file) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1" and pdf.Root.MarkInfo.Marked
        assert pdf.Root.Lang and "/Suspects" not in pdf.Root.MarkInfo  # false is its default
    converter = Converter()
    markup = converter.convert('<table><tr><th>a</th><th>b</th></tr><tr><th>r</th><td>1</td></tr></table>')
    assert _compile(markup, converter.tables) == _compile(markup, converter.tables)
    assert re.match(rb"%PDF-1\.7", typst_pdf_file.read_bytes())


def test_a_text_as_deep_as_check_allows_makes_the_typst_pdf_with_its_tables_tagged(tmp_path):
    """Issue 15's nesting bound holds for Typst too: a text of MAX_TEXT_DEPTH levels (tables in
    quotes in tables) compiles, and each of its six tables has its row header."""
    from begroot.publish.typst_markup import Converter
    from begroot.read.texts import MAX_TEXT_DEPTH, nesting_depth, sanitise

    html = "<p><strong>diep</strong></p>"
    for level in range(6):
        html = (f'<table><tbody><tr><th scope="row">R{level}</th><td><blockquote>{html}</blockquote></td>'
                '</tr></tbody></table>')
    html = sanitise(html)
    assert nesting_depth(html) == MAX_TEXT_DEPTH
    converter = Converter()
    path = tmp_path / "t.pdf"
    path.write_bytes(_compile(converter.convert(html), converter.tables))
    with pikepdf.open(path) as pdf:
        found = tables(pdf)
    assert len(found) == 6 and [t.nested for t in converter.tables] == [True] * 5 + [False]
    assert all(is_row_header(rows[0][1][0]) and rows[0][1][1].S == "/TD" for rows in found)
