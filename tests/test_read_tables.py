import codecs

import pytest

from begroot.read.tables import TableError, read_csv, read_table, sniff_delimiter

ROWS = "Taakveld;Omschrijving;Bedrag\n0.1;Bestuur en één;1.234,5\n\n0.2;\"Burger;zaken\";5\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "f.csv"
    path.write_bytes(ROWS.encode(encoding))
    table = read_csv(path, "f.csv")
    assert table.header == ["Taakveld", "Omschrijving", "Bedrag"]
    assert table.data["Omschrijving"].to_list() == ["Bestuur en één", None, "Burger;zaken"]


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(ROWS, encoding="utf-8")
    table = read_csv(path, "f.csv")
    # header is row 1; the blank line keeps its number
    assert table.data["__row"].to_list() == [2, 3, 4]


def test_header_row_can_be_lower_down(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Export van 11-07-2023\n\n" + ROWS, encoding="utf-8")
    table = read_csv(path, "f.csv", header_row=3)
    assert table.header[0] == "Taakveld"
    assert table.data["__row"].to_list()[0] == 4


@pytest.mark.parametrize("text, sep", [
    ("a;b;c\n1,5;2;3\n", ";"), ("a,b,c\n1,2,3\n", ","), ("a\tb\n1\t2\n", "\t"), ('"a;x",b\n1,2\n', ","),
])
def test_delimiter_sniffing(text, sep):
    assert sniff_delimiter(text, 1) == sep


def test_duplicate_and_empty_header_names_are_made_unique(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Bedrag;;Bedrag\n1;2;3\n", encoding="utf-8")
    assert read_csv(path, "f.csv").header == ["Bedrag", "kolom 2", "Bedrag (2)"]


def test_empty_and_missing_files_raise_table_errors(tmp_path):
    (tmp_path / "e.csv").write_bytes(codecs.BOM_UTF8)
    with pytest.raises(TableError) as exc:
        read_table(tmp_path / "e.csv", "e.csv")
    assert str(exc.value) == "e.csv: the file is empty"
    with pytest.raises(TableError) as exc:
        read_table(tmp_path / "x.csv", "x.csv")
    assert str(exc.value) == "x.csv: file not found"
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(TableError) as exc:
        read_table(tmp_path / "old.xls", "old.xls")
    assert exc.value.message == "old Excel .xls files are not supported"


def test_xlsx_numbers_and_text_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    hidden = book.active
    hidden.title = "Verborgen"
    hidden.sheet_state = "hidden"
    ws = book.create_sheet("Data")
    ws.append(["Taakveld", "Bedrag", "Tekst"])
    ws.append(["6.1", 1234.5, "1.234,50"])
    ws.append(["6.2", 0.1, None])
    ws.append(["6.3", 7, "x"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    table = read_table(path, "f.xlsx")
    assert table.sheet == "Data"  # the first *visible* sheet
    assert table.data["Bedrag"].to_list() == ["1234.5", "0.1", "7"]
    assert table.numeric_columns == {"Bedrag"}
    assert table.data["__row"].to_list() == [2, 3, 4]
    with pytest.raises(TableError) as exc:
        read_table(path, "f.xlsx", sheet="Nope")
    assert exc.value.message == "no sheet named 'Nope'; the workbook has: Verborgen, Data"


def test_broken_xlsx_is_reported(tmp_path):
    path = tmp_path / "kapot.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TableError) as exc:
        read_table(path, "kapot.xlsx")
    assert exc.value.message == "cannot be opened as an Excel workbook: the file is damaged, or it is not an Excel workbook"


def test_a_header_that_polars_would_read_as_a_wildcard_or_a_pattern_is_a_plain_name(tmp_path):
    """A header cell "*" or "^…$" is a column's name: it was taken for Polars' wildcard (every
    column, the row numbers too) and stopped the check with an internal error."""
    path = tmp_path / "f.csv"
    path.write_text("*;^Bedrag$;Taakveld\nx\u202ey;1;6.1\n", encoding="utf-8")
    table = read_table(path, "f.csv")
    assert table.header == ["*", "^Bedrag$", "Taakveld"]
    assert table.data.get_column("*").to_list() == ["xy"] and table.invisible[0][:2] == (2, "*")


def test_a_title_block_above_the_header_points_at_header_row(tmp_path):
    # a financial system's export: a title and a date above the header, one field each
    path = tmp_path / "f.csv"
    path.write_bytes(("Gemeente Voorbeeld export\r\nDatum: 01-02-2025\r\n\r\n"
                      "Taakveld;Omschrijving;Lasten/baten;Bedrag\r\n0.1;Bestuur;Lasten;1.234,56\r\n"
                      "0.5;Treasury;Baten;2.000,00\r\n").encode("cp1252"))
    with pytest.raises(TableError) as caught:
        read_csv(path, "f.csv")
    assert caught.value.row == 4
    assert "the header seems to be row 4" in caught.value.message
    assert caught.value.hint == "set header_row = 4 for this file in begroot.toml"
    # following the hint reads the file
    assert read_csv(path, "f.csv", header_row=4).header[0] == "Taakveld"


def test_one_row_with_an_extra_field_still_points_at_the_separators(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("Taakveld;Soort;Bedrag\n6.1;Lasten;5\n6.1;Lasten;5;extra\n6.2;Lasten;5\n", encoding="utf-8")
    with pytest.raises(TableError) as caught:
        read_csv(path, "f.csv")
    assert caught.value.row == 3 and "check the separators" in caught.value.hint


@pytest.mark.parametrize("magic, kind", [(b"PK\x03\x04", "an Excel workbook (.xlsx)"),
                                         (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel workbook (.xls)")])
def test_a_workbook_with_a_csv_name_is_named_as_one(tmp_path, magic, kind):
    # some systems export a workbook as 'export.csv'; it was reported as 'empty CSV' or not cp1252
    path = tmp_path / "export.csv"
    path.write_bytes(magic + bytes(range(256)) * 4)
    with pytest.raises(TableError) as caught:
        read_csv(path, "export.csv")
    assert caught.value.message == f"this is not CSV text: the file is {kind} with a .csv name"
    assert "save it as 'CSV UTF-8'" in caught.value.hint
