"""The XLSX reader (python-calamine, after a scan of the sheet's XML) gives what the openpyxl
reader it replaced gave: the same header, the same text of every cell (numbers in their shortest
exact form, dates, booleans, formulas' saved results, error values, empty cells), the same number
flags, formulas without a value, sheet choice and export time. Each workbook here is read both
ways: the openpyxl reader is still there, for sheets whose cells do not name their place, and is
chosen by making the scan give up."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

import pytest

from begroot.read import sheets, tables, xlsx, xlsx_scan
from begroot.read.tables import TableError, read_table

FIELDS = ("header", "sheet", "hidden", "numeric_columns", "mixed_columns", "formulas_without_value", "modified",
          "header_row")


def read_both(path: Path, monkeypatch, **options) -> tuple[tables.Table, tables.Table]:
    new = read_table(path, path.name, **options)
    with monkeypatch.context() as patch:
        patch.setattr(xlsx, "_reach_sheet", lambda *args: None)
        old = read_table(path, path.name, **options)
    return new, old


def assert_same(path: Path, monkeypatch, **options) -> tables.Table:
    new, old = read_both(path, monkeypatch, **options)
    for name in FIELDS:
        assert getattr(new, name) == getattr(old, name), name
    assert new.data.columns == old.data.columns
    for column in old.data.columns:
        assert new.data[column].to_list() == old.data[column].to_list(), column
    return new


def test_a_sheet_is_not_read_cell_by_cell_in_python(tmp_path, monkeypatch):
    """openpyxl parses about 26,000 cells a second (a 10 MB export: 85 s); a sheet as Excel and
    other programs write it is read by calamine. (So the comparisons below compare two readers,
    not one with itself.)"""
    def never(*args):
        raise AssertionError("read with openpyxl")

    monkeypatch.setattr(xlsx, "_rows_openpyxl", never)
    table = read_table(xlsxwriter_book(tmp_path), "xlsxwriter.xlsx")
    assert table.data.height == 30


def xlsxwriter_book(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "xlsxwriter.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Data")
    fmt = {name: book.add_format({"num_format": code}) for name, code in {
        "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "time": "hh:mm:ss", "duration": "[h]:mm:ss",
        "dutch": "[$-413]d mmmm yyyy;@", "month": "mmm-yy", "money": "#,##0.00", "euro": '"€" #,##0.00',
        "percent": "0.00%", "quoted": '#,##0.00 "d"', "escaped": "0\\h", "builtin14": 14, "builtin22": 22,
        "builtin45": 45, "builtin46": 46, "builtin47": 47,
    }.items()}
    header = ["Code", "Bedrag", "Tekst", "Datum", "Vlag", "Formule", "Opmaak"]
    ws.write_row(0, 0, header)
    ws.write_number(0, 7, 2024)  # a number as a header name
    rows = [
        ("1", 0.1, "abc", dt.datetime(2024, 1, 15), True, ("=B2*2", 0.2), ("date", 45000.0)),
        (2, 1234567.89, "", dt.datetime(2024, 1, 15, 13, 30, 5, 250000), False, ('="tekst"', "tekst"), ("datetime", 45000.123456789)),
        (3.0, 1e15, " spaties ", dt.time(12, 30), None, ("=1/0", "#DIV/0!"), ("time", 0.5)),
        (4, 123456789012345678, "0123", 0.75, "TRUE", ("=NA()", "#N/A"), ("duration", 1.75)),
        (5, -0.0, "regel\neen\ttab", 1e-7, 1, ('=IF(1,"",1)', ""), ("dutch", 44927.0)),
        (6, 2.675, "€ 1.234,56", 59, 0, ("=SUM(B2:B3)", 1234568.99), ("month", 44927.5)),
        (7, 1 / 3, None, 60, 1e16, ("=B2", None), ("money", 1234.5)),
        (8, 12345678901234.56, "x", 61, 1e308, ("=A1", "Code"), ("euro", -0.005)),
        (9, 99999999999999.99, "_x000D_", 0.0, -5e-324, ("=TRUE()", True), ("percent", 0.125)),
        (10, 1e-5, "😀 ĳ", 2958465.99999, 2 ** 53 + 1, ("=1.5", 1.5), ("quoted", 3.0)),
        (11, -1234.5, "=gelijk", 1.0, 9007199254740993, ("=2", 2), ("escaped", 7.0)),
        (12, 0.30000000000000004, "1e5", 45000.999999, -1e15, ("=3", 3), ("builtin14", 45001.0)),
        (13, 5e-5, "TRUE", 45000.5, 999999999999999.9, ("=4", 4), ("builtin22", 45001.25)),
        (14, 1.5e300, "#N/A", 1.5, 1e15 - 1, ("=5", 5), ("builtin45", 0.0416666)),
        (15, 100, "-", 0.999999999, 1e16 - 2, ("=6", 6), ("builtin46", 26.5)),
        (16, 7e22, "null", 45000.0000000001, 12345.678, ("=7", 7), ("builtin47", 0.00001)),
    ]
    date_formats = [fmt["date"], fmt["datetime"], fmt["time"], fmt["duration"]]
    for r, (code, amount, text, when, flag, (formula, value), (style, number)) in enumerate(rows, start=1):
        if isinstance(code, str):
            ws.write_string(r, 0, code)
        else:
            ws.write_number(r, 0, code)
        ws.write_number(r, 1, amount, fmt["money"])
        if text is not None:
            ws.write_string(r, 2, text)
        if isinstance(when, dt.datetime):
            ws.write_datetime(r, 3, when, fmt["datetime"])
        elif isinstance(when, dt.time):
            ws.write_datetime(r, 3, when, fmt["time"])
        else:
            ws.write_number(r, 3, when, date_formats[r % 4])
        if isinstance(flag, bool):
            ws.write_boolean(r, 4, flag)
        elif isinstance(flag, str):
            ws.write_string(r, 4, flag)
        elif flag is not None:
            ws.write_number(r, 4, flag)
        if value is None:
            ws.write_formula(r, 5, formula)  # no saved result (xlsxwriter writes 0 unless told)
        else:
            ws.write_formula(r, 5, formula, None, value)
        ws.write_number(r, 6, number, fmt[style])
    ws.write_rich_string(20, 2, "rijk ", book.add_format({"bold": True}), "vet", " en gewoon")
    ws.merge_range("A22:C22", "samengevoegd", None)
    ws.write_blank(23, 10, None, fmt["money"])  # a formatted empty cell right of the data
    ws.write_blank(30, 1, None, fmt["money"])   # and below it
    book.add_worksheet("Verborgen").hide()
    book.close()
    # xlsxwriter writes a value for every formula: make the one without a result have none
    return rewrite_sheet(path, "xl/worksheets/sheet1.xml",
                         lambda xml: re.sub(rb'(<c r="F8"[^>]*>)<f>B2</f><v>0</v>', rb"\1<f>B2</f>", xml))


def rewrite_sheet(path: Path, part: str, change) -> Path:
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            archive.writestr(info.filename, change(data) if info.filename == part else data)
    return path


def test_an_xlsxwriter_workbook_of_tricky_cells_reads_as_before(tmp_path, monkeypatch):
    table = assert_same(xlsxwriter_book(tmp_path), monkeypatch)
    # a few of the values, as the openpyxl reader gave them and the new one gives them
    data = table.data
    assert table.header[:8] == ["Code", "Bedrag", "Tekst", "Datum", "Vlag", "Formule", "Opmaak", "2024"]
    assert data["Bedrag"].to_list()[:3] == ["0.1", "1234567.89", "1000000000000000"]
    assert data["Bedrag"][5] == "2.675" and data["Bedrag"][6] == "0.3333333333333333"
    assert data["Datum"].to_list()[:2] == ["2024-01-15 00:00:00", "2024-01-15 13:30:05.250000"]
    assert data["Formule"].to_list()[:5] == ["0.2", "tekst", "#DIV/0!", "#N/A", None]
    assert data["Vlag"].to_list()[:2] == ["1", "0"]
    assert table.formulas_without_value == [(6, "Formule"), (8, "Formule")]  # (an empty result counts as none)
    assert "Tekst" not in table.numeric_columns and "Bedrag" in table.numeric_columns
    assert "Formule" in table.mixed_columns
    assert table.header[-1] == "kolom 11" and data.height == 30  # the formatted empty cells count


def test_a_header_lower_down_under_a_wider_title_reads_as_before(tmp_path, monkeypatch):
    import xlsxwriter

    path = tmp_path / "titel.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.merge_range("A1:M1", "Begroting 2025, alle lasten en baten", None)
    ws.write_row(3, 0, ["Taakveld", "Bedrag", None, "Soort"])
    ws.write_row(4, 0, ["0.1", 1234.5, None, "Lasten"])
    ws.write_row(6, 0, ["0.2", "n.v.t.", None, "Baten"])
    book.close()
    table = assert_same(path, monkeypatch, header_row=4)
    assert table.header == ["Taakveld", "Bedrag", "kolom 3", "Soort"]
    assert table.data["__row"].to_list() == [5, 6, 7]
    assert table.mixed_columns == {"Bedrag"}


def openpyxl_book(folder: Path, epoch_1904: bool = False) -> Path:
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = Workbook()
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    first = book.active
    first.title = "Oud"
    first.sheet_state = "hidden"
    first.append(["oud"])
    ws = book.create_sheet("Lijnen")
    ws.append(["Taakveld", "Bedrag", "Datum", "Formule", "Tekst"])
    ws.append(["0.1", 1234.5, dt.datetime(2024, 3, 1, 12, 0), "=B2*2", "a"])
    ws.append(["0.2", 10 ** 15, dt.date(2024, 3, 2), "=1+1", "b"])
    ws.append(["0.3", 1e15, dt.datetime(1904, 1, 2) if epoch_1904 else dt.datetime(1900, 3, 1), None, ""])
    ws.append(["0.4", 0.1 + 0.2, dt.time(23, 59, 59), "=SUM(B2:B4)", " "])
    ws.append([])
    ws.append(["0.6", -7, None, None, None])
    book.create_sheet("Leeg")
    path = folder / f"openpyxl{'-1904' if epoch_1904 else ''}.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_an_openpyxl_workbook_reads_as_before(tmp_path, monkeypatch, epoch_1904):
    table = assert_same(openpyxl_book(tmp_path, epoch_1904), monkeypatch)
    assert table.sheet == "Lijnen" and not table.hidden  # the first visible sheet
    assert table.formulas_without_value == [(2, "Formule"), (3, "Formule"), (5, "Formule")]
    assert table.data["Bedrag"].to_list() == ["1234.5", "1000000000000000", "1000000000000000",
                                               "0.3", None, "-7"]  # (openpyxl writes 15 digits)


def test_a_sheet_chosen_by_name_reads_as_before(tmp_path, monkeypatch):
    path = openpyxl_book(tmp_path)
    table = assert_same(path, monkeypatch, sheet="Oud")
    assert table.hidden and table.header == ["oud"] and table.data.height == 0
    with pytest.raises(TableError) as empty:
        read_table(path, path.name, sheet="Leeg")
    assert empty.value.message == "sheet 'Leeg' has no header row at row 1"
    with pytest.raises(TableError) as missing:
        read_table(path, path.name, sheet="Nee")
    assert missing.value.message == "no sheet named 'Nee'; the workbook has: Oud, Lijnen, Leeg"


def hand_written(folder: Path, sheet_data: str, shared: list[str] = (), name: str = "hand.xlsx") -> Path:
    """A workbook of one sheet with the given <sheetData> content, as other programs write them."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
        'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/'
                       'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet '
                           'name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                                      f'Type="{rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship '
                                      f'Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                                      "</Relationships>",
        "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst xmlns="{main}">'
                                + "".join(f"<si>{s}</si>" for s in shared) + "</sst>",
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>{sheet_data}'
                                    "</sheetData></worksheet>",
    }
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in parts.items():
            archive.writestr(part, text)
    return path


def test_cell_types_as_other_programs_write_them_read_as_before(tmp_path, monkeypatch):
    shared = ['<t xml:space="preserve"> Taak veld </t>', "<t>Bedrag</t>", "<r><t>rijke </t></r><r><rPr><b/></rPr>"
              "<t>tekst</t></r>", "<t/>", "<t>regel&#10;twee</t>", "<t>A_x0042_C</t>"]
    rows = [
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Inline'
        '</t></is></c><c r="D1" t="str"><v>Formule</v></c><c r="E1"><v>5</v></c></row>',
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1.10</v></c><c r="C2" t="inlineStr"><is><r><t>a</t>'
        '</r><r><t>b</t></r></is></c><c r="D2" t="str"><f>A1&amp;""</f><v>x</v></c><c r="E2" t="b"><v>1</v></c></row>',
        '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>1E+3</v></c><c r="C3" t="e"><v>#REF!</v></c>'
        '<c r="D3"><f>1+1</f></c><c r="E3" t="b"><v>0</v></c></row>',
        '<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4"><v>-0.000001</v></c><c r="C4" t="e"><f>1/0</f>'
        '<v>#DIV/0!</v></c><c r="D4" t="str"><f>""</f><v></v></c><c r="E4"><v>12345678901234567890</v></c></row>',
        '<row r="5" spans="1:5"><c r="A5" t="s"><v>5</v></c><c r="B5"><v>4.35</v></c><c r="E5" t="n"><v>-17</v>'
        '</c></row>',
        '<row r="6"/><row r="8"><c r="B8" s="0"/></row>',
    ]
    table = assert_same(hand_written(tmp_path, "".join(rows), shared), monkeypatch)
    assert table.header == ["Taak veld", "Bedrag", "Inline", "Formule", "5"]
    assert table.data["Bedrag"].to_list() == ["1.1", "1000", "-1e-06", "4.35", None, None, None]
    assert table.data["Inline"].to_list()[:3] == ["ab", "#REF!", "#DIV/0!"]
    assert table.formulas_without_value == [(3, "Formule"), (4, "Formule")]  # an empty result counts as none
    assert table.data.height == 7  # down to the last row element


def test_random_numbers_read_as_before(tmp_path, monkeypatch):
    """Floats of every size, written as Excel writes them (shortest repr) and as xlsxwriter does
    (%.16G): every one gives the same text both ways."""
    rng = random.Random(15)
    values = [rng.uniform(-1e6, 1e6) for _ in range(300)] + [round(rng.uniform(-1e9, 1e9), 2) for _ in range(300)]
    values += [rng.choice([1, -1]) * 10 ** rng.uniform(-12, 20) for _ in range(300)]
    values += [float(rng.randrange(-10 ** 17, 10 ** 17)) for _ in range(100)]
    cells = "".join(f'<row r="{i + 2}"><c r="A{i + 2}"><v>{v!r}</v></c><c r="B{i + 2}"><v>{v:.16G}</v></c></row>'
                    for i, v in enumerate(values))
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>repr</t></is></c><c r="B1" t="inlineStr"><is><t>G</t>' \
             "</is></c></row>"
    table = assert_same(hand_written(tmp_path, header + cells), monkeypatch)
    assert table.numeric_columns == {"repr", "G"}


def test_a_sheet_whose_cells_do_not_name_their_place_is_read_with_openpyxl(tmp_path, monkeypatch):
    """Cells without an r attribute are placed one after another: the scan does not follow them,
    and the sheet is read as before, a row at a time."""
    rows = ('<row><c t="inlineStr"><is><t>Taakveld</t></is></c><c t="inlineStr"><is><t>Bedrag</t></is></c></row>'
            '<row><c t="inlineStr"><is><t>0.1</t></is></c><c><v>12.5</v></c></row>')
    path = hand_written(tmp_path, rows)
    part = xlsx._workbook_parts(path).sheets[0].part
    assert xlsx_scan._scan_sheet(path, part, 1) is None
    table = read_table(path, path.name)
    assert table.header == ["Taakveld", "Bedrag"] and table.data["Bedrag"].to_list() == ["12.5"]


@pytest.mark.parametrize("cells", [
    '<c r="A1"><v>1</v></c><c r="XFD1048576"><v>2</v></c>',                         # two corners
    '<c r="A1"><v>1</v></c><c r="Z1"><v>2</v></c></row><row r="2"><c r="A1048576"><v>3</v></c>'
    '<c r="A2"><v>4</v></c>',                                                         # a cell out of order
    '<c r="A1"><v>1</v></c><c r="Z000001048576"><v>2</v></c>',                       # leading zeros
])
def test_cells_far_apart_are_refused_before_they_are_read(tmp_path, monkeypatch, cells):
    """python-calamine holds a sheet as a full grid from its first to its last cell (two cells in
    opposite corners: 17 billion): the scan finds how far the cells reach before."""
    def never(*args):
        raise AssertionError("the sheet was read")

    monkeypatch.setattr(xlsx, "_columns_calamine", never)
    path = hand_written(tmp_path, f'<row r="1">{cells}</row>')
    with pytest.raises(TableError) as refused:
        read_table(path, path.name)
    assert f"has more than {xlsx.cell_limit(path.stat().st_size):,} cells" in refused.value.message


def test_a_small_file_may_not_hold_a_sheet_of_millions_of_cells(tmp_path, monkeypatch):
    """Reading costs about 1.6 µs and 75 bytes a cell of the sheet's grid however well the file
    packs it: a file of under 10 MB may have at most 5 million cells (not 20 million, which took
    35 s and 1.6 GB), so any input of up to 10 MB is read within 10 s and 1 GB; the limit grows
    with the file (one cell for every 2 bytes) up to 20 million."""
    def never(*args):
        raise AssertionError("the sheet was read")

    monkeypatch.setattr(xlsx, "_columns_calamine", never)
    path = hand_written(tmp_path, '<row r="1"><c r="A1"><v>1</v></c><c r="T1"><v>2</v></c></row>'
                                  '<row r="300000"><c r="A300000"><v>3</v></c></row>')  # 20 × 300,000
    assert path.stat().st_size < 10_000
    with pytest.raises(TableError) as refused:
        read_table(path, path.name)
    message = refused.value.message
    assert "has more than 5,000,000 cells" in message and "a larger file may have more, up to 20,000,000" in message
    assert refused.value.row == 250_001
    assert [xlsx.cell_limit(n * 10**6) for n in (1, 10, 30, 100)] == [5_000_000, 5_000_000, 15_000_000, 20_000_000]


def test_a_small_file_read_with_openpyxl_may_hold_fewer_cells(tmp_path, monkeypatch):
    """openpyxl (cells that do not name their place) costs about 4.5 µs a cell: 2 million in a
    file of up to 10 MB (here 2,000), checked as the rows are read."""
    assert [xlsx.cell_limit(n * 10**6, openpyxl=True) for n in (1, 10, 50, 200)] == [
        2_000_000, 2_000_000, 10_000_000, 20_000_000]
    monkeypatch.setattr(xlsx, "MIN_OPENPYXL_CELLS", 2_000)
    rows = "".join("<row>" + "".join(f"<c><v>{i}</v></c>" for i in range(20)) + "</row>" for _ in range(300))
    path = hand_written(tmp_path, rows)
    with pytest.raises(TableError) as refused:
        read_table(path, path.name)
    assert "has more than 2,000 cells" in refused.value.message and refused.value.row == 101


def test_the_extent_is_found_across_chunks(tmp_path, monkeypatch):
    """A cell further right or down than the ones before it is found in whichever chunk it is."""
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(1, 400))
    rows += '<row r="400"><c r="A400"><v>1</v></c><c r="AB400"><v>2</v></c></row><row r="401"><c r="A9000">' \
            "<v>3</v></c></row>"
    path = hand_written(tmp_path, rows)
    part = xlsx._workbook_parts(path).sheets[0].part
    monkeypatch.setattr(sheets, "UNZIP_CHUNK", 97)
    scan = xlsx_scan._scan_sheet(path, part, 1)
    assert (scan.width, scan.last_row) == (28, 9000)


def test_texts_that_calamine_reads_otherwise_are_taken_as_openpyxl_read_them(tmp_path, monkeypatch):
    """calamine drops whitespace at the ends of a text not marked xml:space="preserve" (joining
    "a " and "b" to "ab"), reads an empty text as no value and unescapes _x000D_; the reader gives
    the texts as before, in shared strings and in cells."""
    shared = ["<t>Taakveld</t>", "<t>ruimte </t>", "<r><t>a </t></r><r><t>b</t></r>", "<t/>", "<t>A_x000D_B</t>",
              "<t>&#10;x</t>", '<t xml:space="preserve"> bewaard </t>']
    cells = [f'<c r="A{n + 2}" t="s"><v>{n + 1}</v></c>' for n in range(len(shared) - 1)]
    inline = ["<is><t> links</t></is>", "<is><t></t></is>", "<is/>", "<is><t>_x0041_</t></is>",
              "<is><r><t>c </t></r><r><t>d</t></r></is>", "<is><t>gewoon</t></is>"]
    cells = [c + f'<c r="B{n + 2}" t="inlineStr">{text}</c>' for n, (c, text) in enumerate(zip(cells, inline))]
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Tekst </t></is></c>'
            '<c r="C1" t="str"><v>Som_x0020_</v></c></row>'
            + "".join(f'<row r="{n + 2}">{c}<c r="C{n + 2}" t="str"><f>A1</f><v> {n}_x0031_</v></c></row>'
                      for n, c in enumerate(cells)))
    path = hand_written(tmp_path, rows, shared)
    table = assert_same(path, monkeypatch)
    assert table.header == ["Taakveld", "Tekst", "Som_x0020_"]
    assert table.data["Taakveld"].to_list() == ["ruimte ", "a b", "", "A_x000D_B", "\nx", " bewaard "]
    assert table.data["Tekst"].to_list() == [" links", "", "", "_x0041_", "c d", "gewoon"]
    assert table.data["Som_x0020_"].to_list()[:2] == [" 0_x0031_", " 1_x0031_"]


@pytest.mark.parametrize("value", ['<c r="A2"><v> 12.5 </v></c>', '<c r="A2" t="n"><v>12.5 </v></c>',
                                   '<c r="A2" t="b"><v> 1</v></c>', '<c r="A2" t="e"><v>#N/A </v></c>'])
def test_a_value_with_spaces_is_read_as_before(tmp_path, monkeypatch, value):
    """openpyxl takes " 12.5 " as a number; calamine as text, or not at all: such a sheet is read
    with openpyxl."""
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>Kolom</t></is></c></row><row r="2">{value}</row>'
    path = hand_written(tmp_path, rows)
    assert xlsx_scan._scan_sheet(path, xlsx._workbook_parts(path).sheets[0].part, 1) is None
    table = assert_same(path, monkeypatch)
    assert table.data["Kolom"].to_list() == [{"b": "1", "e": "#N/A "}.get(value[13], "12.5")]


def test_large_numbers_are_read_from_the_text_in_the_file(tmp_path, monkeypatch):
    """From 10^15 on a float does not tell "1000000000000000" (an int for openpyxl) from
    "1E+15" or "1000000000000000.0" (floats): those cells are read from the file, in any chunk."""
    values = ["1000000000000000", "1E+15", "1000000000000000.0", "12345678901234567890", "-4.5E+20", "999", "1e300"]
    rows = '<row r="1"><c r="A1"><v>1E+16</v></c><c r="B1" t="inlineStr"><is><t>B</t></is></c></row>'
    rows += "".join(f'<row r="{n + 2}"><c r="A{n + 2}"><v>{n}</v></c><c r="B{n + 2}"><v>{values[n % len(values)]}</v>'
                    "</c></row>" for n in range(200))
    monkeypatch.setattr(sheets, "UNZIP_CHUNK", 500)
    table = assert_same(hand_written(tmp_path, rows), monkeypatch)
    assert table.header == ["1e+16", "B"]
    assert table.data["B"].to_list()[:7] == ["1000000000000000", "1000000000000000.0", "1000000000000000.0",
                                             "12345678901234567890", "-4.5e+20", "999", "1e+300"]


@pytest.mark.parametrize("value, text", [('<c r="A2" t="b"><v>2</v></c>', "1"),
                                         ('<c r="A2" t="e"><v>#FOO</v></c>', "#FOO"),
                                         ('<c r="A2" t="x"><v>1</v></c>', "1")])
def test_a_sheet_calamine_refuses_is_read_with_openpyxl(tmp_path, monkeypatch, value, text):
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>Kolom</t></is></c></row><row r="2">{value}</row>'
    path = hand_written(tmp_path, rows)
    assert xlsx_scan._scan_sheet(path, xlsx._workbook_parts(path).sheets[0].part, 1) is not None
    assert assert_same(path, monkeypatch).data["Kolom"].to_list() == [text]


def test_iso_dates_read_as_before(tmp_path, monkeypatch):
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Datum</t></is></c></row>'
            '<row r="2"><c r="A2" t="d"><v>2024-03-01</v></c></row>'
            '<row r="3"><c r="A3" t="d"><v>2024-03-01T12:30:15</v></c></row>')
    table = assert_same(hand_written(tmp_path, rows), monkeypatch)
    assert table.data["Datum"].to_list() == ["2024-03-01", "2024-03-01 12:30:15"]


@pytest.mark.parametrize("text", ["2024-09-15T09:30:00Z", "2024-09-15T09:30:00.123Z", "2024-09-15T09:30:00.5+02:00",
                                  "2024-09-15T09:30Z", "2024-09-15", "2024-09-15 09:30:00", "09:30:00", "", "gisteren"])
def test_the_export_time_is_read_as_openpyxl_read_it(text):
    from openpyxl.utils.datetime import from_ISO8601

    try:
        expected = from_ISO8601(text)
    except ValueError:
        expected = None
    assert xlsx.w3cdtf(text) == (expected if isinstance(expected, dt.datetime) else None)


def test_a_workbook_without_an_export_time_has_none(tmp_path):
    """openpyxl gave the time of reading, so that two builds of the same input differed."""
    path = hand_written(tmp_path, '<row r="1"><c r="A1" t="inlineStr"><is><t>Bedrag</t></is></c></row>')
    assert read_table(path, path.name).modified is None


def test_numbers_become_the_same_text_as_with_python():
    """Polars makes the texts of most numbers (much faster): the same texts as Python makes, for
    floats of every bit pattern and of every size."""
    import struct

    rng = random.Random(16)
    values = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(50_000)]
    values += [rng.choice([1, -1]) * 10 ** rng.uniform(-8, 20) for _ in range(50_000)]
    values += [round(rng.uniform(-1e9, 1e9), rng.randrange(0, 4)) for _ in range(50_000)]
    values += [0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e15, -1e15, 999999999999999.9, 1e16, 5e-324, 2.675, 0.1 + 0.2]
    values = [v for v in values if v == v and abs(v) != float("inf")]
    texts, far = xlsx._float_texts(values)
    assert texts == [xlsx._cell_text(xlsx._xlsx_value(v)) for v in values]
    assert far == [n for n, v in enumerate(values) if not -1e15 < v < 1e15]


def add_parts(path: Path, parts: dict[str, bytes], change: dict | None = None) -> Path:
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            archive.writestr(info.filename, (change or {}).get(info.filename, lambda d: d)(data))
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


CORNERS = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>')


@pytest.mark.parametrize("doubt", ["relationship", "sheet name", "case"])
def test_a_workbook_that_leaves_doubt_which_part_is_the_sheet_is_read_with_openpyxl(tmp_path, monkeypatch, doubt):
    """The part scanned must be the part calamine reads: with two relationships of one id, two
    sheets of one name or two parts whose names differ only in case, the scan could measure one
    sheet and calamine read another (two cells in opposite corners: a grid of 17 billion)."""
    def never(*args):
        raise AssertionError("read with calamine")

    monkeypatch.setattr(xlsx, "_columns_calamine", never)
    path = hand_written(tmp_path, '<row r="1"><c r="A1" t="inlineStr"><is><t>Bedrag</t></is></c></row>')
    rel = b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/' \
          b'worksheet" Target="/xl/worksheets/sheet2.xml"/>'
    if doubt == "relationship":
        change = {"xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", rel + b"</Relationships>")}
        add_parts(path, {"xl/worksheets/sheet2.xml": CORNERS}, change)
    elif doubt == "sheet name":
        change = {"xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", rel.replace(b"rId1", b"rId9")
                                                                    + b"</Relationships>"),
                  "xl/workbook.xml": lambda d: d.replace(b"</sheets>", b'<sheet name="Blad1" sheetId="2" r:id="rId9"/>'
                                                                       b"</sheets>")}
        add_parts(path, {"xl/worksheets/sheet2.xml": CORNERS}, change)
    else:
        add_parts(path, {"xl/worksheets/SHEET1.xml": CORNERS})
    assert not xlsx._workbook_parts(path).plain
    try:
        read_table(path, path.name)
    except TableError:
        pass  # openpyxl may refuse it, with a message


def test_a_chart_sheet_is_passed_over_and_named_when_chosen(tmp_path, monkeypatch):
    import xlsxwriter

    path = tmp_path / "grafiek.xlsx"
    book = xlsxwriter.Workbook(str(path))
    chart_sheet = book.add_chartsheet("Grafiek")
    data = book.add_worksheet("Data")
    data.write_row(0, 0, ["Taakveld", "Bedrag"])
    data.write_row(1, 0, ["0.1", 12.5])
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Data!$B$2:$B$2"})
    chart_sheet.set_chart(chart)
    chart_sheet.activate()
    book.close()
    assert assert_same(path, monkeypatch).sheet == "Data"  # the first visible sheet with cells
    with pytest.raises(TableError) as chosen:
        read_table(path, path.name, sheet="Grafiek")
    assert chosen.value.message == "sheet 'Grafiek' is a chart, not a table"


@pytest.mark.parametrize("xml", [b"<is><t>Baten </t></is>", b'<is><t xml:space="preserve"> a&amp;b &#10;</t></is>',
                                 b"<is/>", b"<is><t/></is>", b"<si><t>A_x005F_x000D_B</t></si>",
                                 b"<is><t>r\r\nn\rx</t></is>", b"<is><t>&#x41;&lt;&gt;&quot;&apos;</t></is>",
                                 b"<is>\n<t>x</t>\n</is>", b"<is><r><t>a </t></r><r><t>b</t></r></is>",
                                 b'<si><t>x</t><rPh sb="0" eb="1"><t>y</t></rPh></si>'])
@pytest.mark.parametrize("shared", [False, True])
def test_a_text_is_taken_as_openpyxl_takes_it(xml, shared):
    """A plain text is taken without openpyxl (14 µs a cell: a sheet of sloppy texts would take
    half a minute), the same as openpyxl takes it."""
    from xml.etree import ElementTree

    from openpyxl.cell.text import Text

    element = ElementTree.fromstring(b'<x xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                     + xml + b"</x>")[0]
    expected = Text.from_tree(element).content
    assert xlsx_scan._text_as_openpyxl(xml, shared) == (expected.replace("x005F_", "") if shared else expected)


def test_shared_strings_are_counted_across_chunks(tmp_path, monkeypatch):
    """The shared strings are read a chunk at a time: a chunk is cut only between strings (an
    empty text or a bold run inside one has a "/>" too), so each keeps its number."""
    shared = []
    for n in range(60):
        shared += ["<r><rPr><b/></rPr><t>vet</t></r><r><t> en </t></r>", "<t/>", f"<t>tekst {n} </t>"]
    rows = "".join(f'<row r="{n + 1}"><c r="A{n + 1}" t="s"><v>{n}</v></c></row>' for n in range(len(shared)))
    path = hand_written(tmp_path, rows, shared)
    monkeypatch.setattr(sheets, "UNZIP_CHUNK", 61)
    table = assert_same(path, monkeypatch)
    assert table.header == ["vet en"] and table.data["vet en"].to_list()[:5] == ["", "tekst 0 ", "vet en ", "", "tekst 1 "]


def test_a_misnamed_column_of_a_workbook_with_a_mixed_column_is_a_message(tmp_path):
    """A column of numbers and numbers stored as text (common in exports) has a helper column of
    flags beside it in the table read; the search for the header lower down looked at those flags
    too and stopped the check with an internal error. Now: the usual message, with its place."""
    import xlsxwriter

    from begroot.project import load_project

    from .conftest import BASE_TOML, write_project

    toml = BASE_TOML + ('[[editions.finance]]\nfile = "e.xlsx"\n[editions.finance.columns]\n'
                        'taakveld = "Taakveld"\nkind = "Soort"\namount = "Bedragen"\n')
    project = write_project(tmp_path / "p", toml=toml)
    book = xlsxwriter.Workbook(str(project / "begroting-2024" / "e.xlsx"))
    sheet = book.add_worksheet()
    for r, row in enumerate([("Taakveld", "Soort", "Bedrag"), ("0.1", "Lasten", 100), ("0.7", "Baten", "1.234,56")]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    loaded = load_project(project)
    [problem] = [p for p in loaded.problems.errors if p.file == "begroting-2024/e.xlsx"]
    assert 'column "Bedragen" not found' in problem.message
