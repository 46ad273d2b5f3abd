"""Hostile input gets bounded work: deep nesting, zip bombs and oversized sheets are refused
with a message by ``begroot check``, and an unexpected error names where it happened.

The tests assert on the limits reached and on the work done (bytes unpacked, sanitiser calls),
never on time."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

import pytest

from begroot import cli
from begroot.project import load_project
from begroot.read import programmes as programmes_module
from begroot.read import sheets, tables, texts, xlsx

from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, write_project

MB = 1024 * 1024


def codes(loaded) -> list[str]:
    return [p.code for p in loaded.problems.errors]


def text_project(root: Path, name: str, body: str) -> Path:
    return write_project(root, finance=GOOD_FINANCE,
                         files={f"begroting-2024/teksten/{name}": "---\nprogramma: \"1\"\nsectie: diep\n---\n" + body})


# --- nesting of texts --------------------------------------------------------------------------

def nested_quotes(levels: int) -> str:
    return "Inleiding.\n\n" + "<blockquote>" * levels + "citaat" + "</blockquote>" * levels + "\n"


def test_a_text_of_150_nested_blockquotes_is_a_check_error(tmp_path):
    project = text_project(tmp_path / "p", "1-diep.md", nested_quotes(150))
    [problem] = load_project(project).problems.errors
    assert problem.code == "text-too-deep"
    assert problem.file == "begroting-2024/teksten/1-diep.md"
    assert problem.row == 7  # the line of the quotes (four lines of front matter, the introduction, a blank line)
    assert f"at most {texts.MAX_TEXT_DEPTH}" in problem.message and problem.hint


def test_a_build_of_a_deeply_nested_text_fails_cleanly_naming_the_file(tmp_path, monkeypatch, capsys):
    project = text_project(tmp_path / "p", "1-diep.md", nested_quotes(150))
    err = run_main(monkeypatch, capsys, "build", str(project), "--out", str(tmp_path / "site"))
    assert "error: begroting-2024/teksten/1-diep.md, line 7: the text nests" in err
    assert "RecursionError" not in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_a_text_of_thousands_of_levels_is_refused_before_it_is_sanitised(tmp_path, monkeypatch):
    """The sanitiser's time grows with the square of the nesting: such a text never reaches it."""
    project = text_project(tmp_path / "p", "1-diep.md", nested_quotes(100_000))
    calls = []
    real = texts.sanitise
    monkeypatch.setattr(texts, "sanitise", lambda html: calls.append(len(html)) or real(html))
    [problem] = load_project(project).problems.errors
    assert problem.code == "text-too-deep" and f"more than {texts.MAX_RAW_DEPTH} levels" in problem.message
    assert calls == []


def test_markdown_and_word_nesting_of_honest_texts_is_accepted(tmp_path):
    body = ("> - een\n>   - twee\n>     - drie\n>       > **vier** *vijf* [zes](https://example.org)\n\n"
            + "<table><tr><td><ul><li><p><strong><em>diep</em></strong></p></li></ul></td></tr></table>\n")
    project = text_project(tmp_path / "p", "1-genest.md", body)
    loaded = load_project(project)
    assert loaded.problems.errors == []
    [text] = [t for t in loaded.budget.editions[0].texts if t.section == "diep"]
    assert texts.nesting_depth(text.html) >= 8


def test_nesting_depth_counts_elements_not_void_tags_or_attribute_text():
    assert texts.nesting_depth('<p>a<br>b<img src="x.png"></p>') == 1
    assert texts.nesting_depth('<a title="x><b>">y</a>') == 1
    assert texts.nesting_depth("<ul><li><ul><li>x</li></ul></li></ul>") == 4
    # raw HTML: elements whose end tag may be left out do not count as open
    assert texts.nesting_depth("<p>a<p>b<p>c", rough=True) == 0


# --- depth of the programme tree ---------------------------------------------------------------

def chain(levels: int) -> str:
    rows = ["code;naam;hoofdprogramma;taakvelden;soort", "1;Alles;;0.* 1.* 2.* 3.* 4.* 5.* 6.* 7.* 8.*;programma"]
    rows += [f"{i};Programma {i};{i - 1};;programma" for i in range(2, levels + 1)]
    return "\n".join(rows) + "\n"


def test_a_chain_of_300_programmes_is_a_check_error(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, programmes=chain(300))
    loaded = load_project(project)
    assert set(codes(loaded)) == {"programme-too-deep"}
    first = loaded.problems.errors[0]
    limit = programmes_module.MAX_PROGRAMME_DEPTH
    # programme 1 is level 1: programme limit + 1 is the first too deep, in the file's row limit + 2
    assert (first.file, first.row, first.column) == ("begroting-2024/programmas.csv", limit + 2, "hoofdprogramma")
    assert f"programme {limit + 1} " in first.message and f"at most {limit}" in first.message

def test_a_build_of_a_chain_of_programmes_fails_cleanly(tmp_path, monkeypatch, capsys):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, programmes=chain(300))
    err = run_main(monkeypatch, capsys, "build", str(project), "--out", str(tmp_path / "site"))
    assert "error: begroting-2024/programmas.csv, row 7" in err and "Build failed" in err
    assert "RecursionError" not in err and "Traceback" not in err


def test_a_programme_tree_at_the_limit_builds(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE,
                            programmes=chain(programmes_module.MAX_PROGRAMME_DEPTH))
    assert codes(load_project(project)) == []


# --- an unexpected error names the file or page ------------------------------------------------

def run_main(monkeypatch, capsys, *args: str) -> str:
    monkeypatch.setattr(sys, "argv", ["begroot", *args])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 1
    return capsys.readouterr().err


def test_an_internal_error_while_reading_names_the_file(tmp_path, monkeypatch, capsys):
    project = text_project(tmp_path / "p", "1-tekst.md", "Gewone tekst.\n")

    def broken(source, *notes):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(texts, "markdown_to_html", broken)
    err = run_main(monkeypatch, capsys, "check", str(project))
    assert "internal error while working on begroting-2024/teksten/1-tekst.md: RecursionError" in err.replace("\n", " ")
    assert "Traceback" not in err


@pytest.mark.parametrize("engine", ["typst", "weasyprint"])
def test_an_internal_error_in_the_pdf_names_the_edition(tmp_path, monkeypatch, capsys, engine):
    from begroot.publish import pdf, pdf_typst

    from .conftest import BASE_TOML, LONG_SOURCE

    toml = f'[site]\npdf_engine = "{engine}"\n' + BASE_TOML + LONG_SOURCE
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE)

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pdf, "edition_pdf_html", broken)
    monkeypatch.setattr(pdf_typst, "edition_typst", broken)
    pytest.importorskip(engine)
    err = run_main(monkeypatch, capsys, "pdf", str(project), "-e", "begroting-2024", "-o", str(tmp_path / "b.pdf"))
    assert "internal error while working on the PDF of edition begroting-2024" in err.replace("\n", " ")


def test_an_internal_error_while_rendering_names_the_page(tmp_path, monkeypatch, capsys):
    from begroot.publish import workers
    from begroot.render.pages import programme as programme_page

    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    real = programme_page.view

    def broken(site, edition, programme):
        if programme.code == "2.1":
            raise KeyError("boom")
        return real(site, edition, programme)

    monkeypatch.setattr(programme_page, "view", broken)
    monkeypatch.setattr(workers, "PARALLEL_MIN_PAGES", 10**9)  # in this process
    err = run_main(monkeypatch, capsys, "build", str(project), "--out", str(tmp_path / "site"), "--no-cache")
    assert re.search(r"internal error while working on the page /begroting-2024/programma/2-1[^ ]*/: KeyError",
                     err.replace("\n", " ")), err
    assert "Traceback" not in err


def test_an_internal_error_while_reading_the_goal_sheet_names_it(tmp_path, monkeypatch, capsys):
    from begroot.read import tables

    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/doelen.csv": "programma;code;soort;doel;titel\n2;2.A;doel;;Diploma\n"})
    real = tables.read_csv

    def broken(path, file, **kwargs):
        if file.endswith("doelen.csv"):
            raise ZeroDivisionError("boom")
        return real(path, file, **kwargs)

    monkeypatch.setattr(tables, "read_csv", broken)
    err = run_main(monkeypatch, capsys, "check", str(project))
    assert "internal error while working on begroting-2024/doelen.csv: ZeroDivisionError" in err.replace("\n", " ")
    assert "Traceback" not in err


def test_an_internal_error_in_the_open_data_names_the_files(tmp_path, monkeypatch, capsys):
    from begroot.publish import downloads

    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)

    def broken(budget, edition):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(downloads, "datapackage", broken)
    err = run_main(monkeypatch, capsys, "build", str(project), "--out", str(tmp_path / "site"), "--no-cache")
    assert re.search(r"internal error while working on begroting-2024/downloads \(programmas, [^)]*\): "
                     "ZeroDivisionError", err.replace("\n", " ")), err
    assert "Traceback" not in err


# --- zip bombs ---------------------------------------------------------------------------------

class Unpacked:
    """Counts every byte Python's zipfile unpacks (openpyxl and mammoth use it too)."""

    def __init__(self, monkeypatch):
        self.bytes = 0
        real = zipfile.ZipExtFile.read

        def read(member, n=-1):
            data = real(member, n)
            self.bytes += len(data)
            return data

        monkeypatch.setattr(zipfile.ZipExtFile, "read", read)


def zeros_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """A part of ``size`` zero bytes, written a megabyte at a time (it packs about 1000:1)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        block = b"\0" * MB
        for _ in range(size // MB):
            member.write(block)


def workbook_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for r in rows:
        book.active.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(data: bytes, replace: dict[str, bytes] | None = None, bombs: dict[str, int] | None = None) -> bytes:
    """A copy of a zip archive with parts replaced, and parts of zeros (name -> size) added or replacing."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.compresslevel = 9
        for info in source.infolist():
            if bombs and info.filename in bombs:
                continue
            archive.writestr(info.filename, (replace or {}).get(info.filename, source.read(info)))
        for name, size in (bombs or {}).items():
            zeros_member(archive, name, size)
    return out.getvalue()


def xlsx_project(root: Path, data: bytes) -> Path:
    toml = (BASE_TOML + LONG_SOURCE).replace('"financien.csv"', '"financien.xlsx"')
    project = write_project(root, toml=toml)
    (project / "begroting-2024" / "financien.xlsx").write_bytes(data)
    return project


def test_an_xlsx_zip_bomb_is_refused_by_its_ratio_before_it_is_unpacked(tmp_path, monkeypatch):
    data = with_parts(workbook_bytes([["Taakveld", "Soort", "Bedrag"]]), bombs={"xl/worksheets/sheet1.xml": 300 * MB})
    assert len(data) < 1 * MB
    project = xlsx_project(tmp_path / "p", data)
    counter = Unpacked(monkeypatch)
    [problem] = load_project(project).problems.errors
    assert problem.file == "begroting-2024/financien.xlsx"
    assert "part xl/worksheets/sheet1.xml unpacks to 300 MB" in problem.message
    assert f"more than {sheets.MAX_RATIO} times its packed size; it may be a zip bomb" in problem.message
    assert counter.bytes == 0  # refused by what it declares: nothing was unpacked


def test_a_docx_zip_bomb_is_refused(tmp_path, monkeypatch):
    import docx

    document = docx.Document()
    document.add_paragraph("Tekst.")
    buffer = io.BytesIO()
    document.save(buffer)
    data = with_parts(buffer.getvalue(), bombs={"word/media/image1.png": 300 * MB})
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={"begroting-2024/teksten/1-bom.docx": data})
    counter = Unpacked(monkeypatch)
    [problem] = load_project(project).problems.errors
    assert (problem.code, problem.file) == ("docx-unreadable", "begroting-2024/teksten/1-bom.docx")
    assert "it may be a zip bomb" in problem.message
    assert counter.bytes == 0


def test_the_unpacked_size_is_counted_while_unpacking(tmp_path, monkeypatch):
    """Parts that each pack well within the ratio but together unpack past the limit: unpacking
    stops at the limit (plus one chunk), whatever the archive declares."""
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 8 * MB)
    monkeypatch.setattr(sheets, "_check_declared", lambda infos, file: None)  # as if it declared nothing
    part = bytes(range(256)) * 4096  # 1 MB, stored as it is (1:1)
    data = with_added(workbook_bytes([["Taakveld", "Soort", "Bedrag"]]), {f"xl/media/part{i}.bin": part for i in range(40)})
    project = xlsx_project(tmp_path / "p", data)
    counter = Unpacked(monkeypatch)
    [problem] = load_project(project).problems.errors
    assert "the file unpacks to more than 8 MB" in problem.message and "zip bomb" in problem.message
    assert counter.bytes <= 8 * MB + sheets.UNZIP_CHUNK


def with_added(data: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_STORED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_part_that_unpacks_to_more_than_it_declares_is_read_no_further(tmp_path, monkeypatch):
    """A bomb may declare a small size in the central directory: it is unpacked only that far,
    and then fails its check."""
    data = with_parts(workbook_bytes([["Taakveld", "Soort", "Bedrag"]]), bombs={"xl/media/zeros.bin": 64 * MB})
    # the central directory entry of the bomb: say it unpacks to 64 KB
    entry = data.rindex(b"PK\x01\x02", 0, data.rindex(b"xl/media/zeros.bin"))
    header = bytearray(data)
    size_at = entry + 24  # uncompressed size (zip64: 0xFFFFFFFF, the real size in the extra field)
    extra_len = int.from_bytes(header[entry + 30: entry + 32], "little")
    name_len = int.from_bytes(header[entry + 28: entry + 30], "little")
    extra = entry + 46 + name_len
    if header[size_at: size_at + 4] == b"\xff\xff\xff\xff":
        assert header[extra: extra + 2] == b"\x01\x00" and extra_len >= 12
        header[extra + 4: extra + 12] = (64 * 1024).to_bytes(8, "little")
    else:
        header[size_at: size_at + 4] = (64 * 1024).to_bytes(4, "little")
    project = xlsx_project(tmp_path / "p", bytes(header))
    counter = Unpacked(monkeypatch)
    [problem] = load_project(project).problems.errors
    assert "cannot be opened as an Excel workbook: the file is damaged" in problem.message
    assert counter.bytes < 1 * MB


# --- sheets that are far larger than their file ------------------------------------------------

def test_a_sheet_is_read_as_its_rows_are_not_as_large_as_it_declares(tmp_path):
    data = workbook_bytes([["Taakveld", "Soort", "Bedrag"], ["6.1", "Lasten", 5]])
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    bloated = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:ZZ200000"', sheet)
    assert bloated != sheet
    table = tables.read_table(write_file(tmp_path, with_parts(data, replace={"xl/worksheets/sheet1.xml": bloated})),
                              "financien.xlsx")
    assert table.header == ["Taakveld", "Soort", "Bedrag"]
    assert table.data.height == 1


def write_file(folder: Path, data: bytes) -> Path:
    path = folder / "financien.xlsx"
    path.write_bytes(data)
    return path


def test_a_sheet_with_too_many_cells_is_refused_with_its_row(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_XLSX_CELLS", 300)
    rows = [["Taakveld", "Soort", "Bedrag"]] + [["6.1", "Lasten", i] for i in range(200)]
    with pytest.raises(tables.TableError) as refused:
        tables.read_table(write_file(tmp_path, workbook_bytes(rows)), "financien.xlsx")
    assert "has more than 300 cells" in refused.value.message and refused.value.row == 101


def test_formulas_without_a_value_are_found_across_chunks(tmp_path, monkeypatch):
    """The sheet's XML is scanned a chunk at a time: a cell cut by a chunk's end is still found."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["Taakveld", "Soort", "Bedrag"])
    for i in range(300):
        ws.append(["6.1", "Lasten", "=1+1" if i % 97 == 5 else i])
    path = tmp_path / "f.xlsx"
    book.save(path)
    monkeypatch.setattr(sheets, "UNZIP_CHUNK", 333)
    table = tables.read_table(path, "f.xlsx")
    assert table.formulas_without_value == [(7, "Bedrag"), (104, "Bedrag"), (201, "Bedrag"), (298, "Bedrag")]
