"""Texts from Markdown and Word become sanitised HTML attached to the right programme and section."""

from bs4 import BeautifulSoup

from begroot.config import Edition
from begroot.errors import Problems
from begroot.read.indicators import read_indicators
from begroot.read.texts import read_texts, sanitise

EDITION = Edition(id="begroting-2024", year=2024)


def write(root, name, content):
    path = root / "begroting-2024" / "teksten" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_markdown_with_front_matter(tmp_path):
    write(tmp_path, "a.md", "---\nprogramma: 3\nsectie: Wat willen we bereiken\n---\n# Kop\n\nTekst met **nadruk**.\n")
    problems = Problems()
    [text] = read_texts(tmp_path, EDITION, {"3"}, problems)
    assert problems.items == []
    assert (text.programme, text.section, text.title) == ("3", "wat-willen-we-bereiken", "Wat willen we bereiken?")
    soup = BeautifulSoup(text.html, "html.parser")
    assert soup.find("h3").get_text() == "Kop"  # under the page's h1 and the section's h2
    assert soup.find("strong").get_text() == "nadruk"


def test_file_name_gives_programme_and_section(tmp_path):
    write(tmp_path, "3.1-ontwikkelingen.md", "Tekst.\n")
    write(tmp_path, "inleiding.md", "Over deze begroting.\n")
    texts = read_texts(tmp_path, EDITION, {"3", "3.1"}, Problems())
    assert sorted((t.programme or "", t.section) for t in texts) == [("", "inleiding"), ("3.1", "ontwikkelingen")]


def test_word_document(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Kop in Word", level=1)
    document.add_paragraph("Een alinea over de bibliotheek.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Jaar", "Bezoekers"
    table.cell(1, 0).text, table.cell(1, 1).text = "2023", "12.000"
    path = write(tmp_path, "3-ontwikkelingen.docx", b"")
    document.save(path)
    problems = Problems()
    [text] = read_texts(tmp_path, EDITION, {"3"}, problems)
    assert problems.errors == []
    soup = BeautifulSoup(text.html, "html.parser")
    assert (text.programme, text.section) == ("3", "ontwikkelingen")
    assert soup.find("h3").get_text() == "Kop in Word"
    assert [th.get_text() for th in soup.find_all("th")] == ["Jaar", "Bezoekers"]
    assert all(th.get("scope") == "col" for th in soup.find_all("th"))


def test_broken_word_document_is_an_error(tmp_path):
    write(tmp_path, "3-doelstelling.docx", b"PK\x03\x04broken")
    problems = Problems()
    assert read_texts(tmp_path, EDITION, {"3"}, problems) == []
    [p] = problems.errors
    assert p.format() == ("error: begroting-2024/teksten/3-doelstelling.docx: cannot be opened as a Word document: the "
                          "file is damaged, or it is not a Word document — hint: open it and save it again, or export "
                          "it again")


def test_bad_front_matter_is_an_error_with_its_line(tmp_path):
    write(tmp_path, "x.md", "---\nprogramma: 3\nsectie: [kapot\n---\nTekst\n")
    problems = Problems()
    read_texts(tmp_path, EDITION, {"3"}, problems)
    [p] = problems.errors
    assert p.file == "begroting-2024/teksten/x.md" and p.code == "front-matter"


def test_hostile_html_is_made_inert():
    html = sanitise('<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">b</a>'
                    '<a href="https://example.org">c</a><img src="https://tracker.example/p.gif" alt="t">'
                    '<img src="beeld.png" alt="lokaal"><style>body{}</style><iframe src="x"></iframe></p>')
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("style") is None and soup.find("iframe") is None
    assert soup.find("p").get("onclick") is None
    links = soup.find_all("a")
    assert links[0].get("href") is None
    assert links[1]["href"] == "https://example.org" and links[1]["rel"] == ["noopener", "noreferrer"]
    assert [img.get("src") for img in soup.find_all("img")] == [None, "beeld.png"]


def test_indicators(tmp_path):
    folder = tmp_path / "begroting-2024"
    folder.mkdir()
    (folder / "indicatoren.csv").write_text(
        "programma;naam;eenheid;jaar;waarde;bron;bbv\n3;Absoluut verzuim;per 1.000 leerlingen;2023;1,5;DUO;ja\n"
        "9;Iets;%;2023;1;x;nee\n3;Zonder eenheid;;2023;1;x;nee\n3;Raar;%;23;1;x;nee\n3;Tekst;%;2023;veel;x;nee\n",
        encoding="utf-8")
    problems = Problems()
    [ind] = read_indicators(tmp_path, EDITION, {"3"}, problems)
    assert (ind.name, str(ind.value), ind.year, ind.bbv) == ("Absoluut verzuim", "1.5", 2023, True)
    assert [p.format() for p in problems] == [
        'error: begroting-2024/indicatoren.csv, row 3, column "programma": programme 9 is not in the programme '
        "list — hint: use the code of a programme in programmas.csv",
        "error: begroting-2024/indicatoren.csv, row 4, column \"eenheid\": indicator 'Zonder eenheid' has no unit"
        " — hint: fill in a unit such as %, aantal or € per inwoner",
        "error: begroting-2024/indicatoren.csv, row 5, column \"jaar\": '23' is not a year — hint: write the year "
        "as four digits, e.g. 2024",
        "error: begroting-2024/indicatoren.csv, row 6, column \"waarde\": 'veel' is not a number — hint: write the "
        "value as a number, e.g. 12,5",
    ]


TABLE_MD = """Aantal inwoners per wijk.

{caption}| Wijk | Inwoners |
|------|---------:|
| Noord | 1.200 |
| Zuid | 900 |
"""


def test_a_markdown_table_gets_its_caption_and_scoped_header_cells(tmp_path):
    write(tmp_path, "3-ontwikkelingen.md", TABLE_MD.format(caption="Tabel: Inwoners per wijk, 1 januari 2024\n\n"))
    problems = Problems()
    [text] = read_texts(tmp_path, EDITION, {"3"}, problems)
    soup = BeautifulSoup(text.html, "html.parser")
    table = soup.find("table")
    assert table.find("caption").get_text() == "Inwoners per wijk, 1 januari 2024"
    assert [p.get_text() for p in soup.find_all("p")] == ["Aantal inwoners per wijk."]  # the paragraph became the caption
    assert [(th.get_text(), th["scope"]) for th in table.find_all("th")] == [
        ("Wijk", "col"), ("Inwoners", "col"), ("Noord", "row"), ("Zuid", "row")]
    from begroot.render.audit import audit_fragment

    assert audit_fragment(text.html) == []


def test_a_numbered_caption_and_a_table_of_numbers(tmp_path):
    write(tmp_path, "3-ontwikkelingen.md", "Tabel 2. Bezoekers per jaar\n| Jaar | Bezoekers |\n|---|---|\n| 2023 | 12.000 |\n")
    [text] = read_texts(tmp_path, EDITION, {"3"}, Problems())
    table = BeautifulSoup(text.html, "html.parser").find("table")
    assert table.find("caption").get_text() == "Tabel 2. Bezoekers per jaar"
    # a first column of numbers is no row header
    assert [(th.get_text(), th["scope"]) for th in table.find_all("th")] == [("Jaar", "col"), ("Bezoekers", "col")]


def test_a_word_table_gets_the_caption_before_it(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Tabel 1: Bezoekers van de bibliotheek")
    table = document.add_table(rows=3, cols=2)
    for row, (a, b) in enumerate([("Vestiging", "Bezoekers"), ("Centrum", "12.000"), ("Noord", "3.000")]):
        table.cell(row, 0).text, table.cell(row, 1).text = a, b
    path = write(tmp_path, "3-ontwikkelingen.docx", b"")
    document.save(path)
    [text] = read_texts(tmp_path, EDITION, {"3"}, Problems())
    table = BeautifulSoup(text.html, "html.parser").find("table")
    assert table.find("caption").get_text() == "Tabel 1: Bezoekers van de bibliotheek"
    assert [(th.get_text(), th["scope"]) for th in table.find_all("th")] == [
        ("Vestiging", "col"), ("Bezoekers", "col"), ("Centrum", "row"), ("Noord", "row")]


def test_check_reports_what_the_build_would_publish_in_the_statement(tmp_path):
    """A table without a caption, a skipped heading and a link without words in a text: `begroot
    check` names the file, what fails and what to do, before a build puts it in the statement."""
    from typer.testing import CliRunner

    from begroot.build import build
    from begroot.cli import app

    from .conftest import GOOD_FINANCE, write_project

    project = write_project(tmp_path / "project", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-ontwikkelingen.md": TABLE_MD.format(caption="") + "\n# Kop\n\n### Te diep\n\n[](https://example.org)\n",
    })
    result = CliRunner().invoke(app, ["check", str(project)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert ("warning: begroting-2024/teksten/1-ontwikkelingen.md: accessibility check 'tables' fails in this text: "
            "a table has no caption") in output
    assert "hint: give the table a caption: a paragraph 'Tabel: what the table shows' right before it" in output
    assert "accessibility check 'headings' fails in this text: h3 is followed by h5" in output
    assert "accessibility check 'links' fails in this text" in output
    # the build's page audit finds the same things on the programme's page
    build(project, tmp_path / "site")
    assert tables_row(tmp_path / "site").startswith("Niet in orde")
    # with a caption, nothing is left to report about the table, in check or in the statement
    (project / "begroting-2024/teksten/1-ontwikkelingen.md").write_text(
        TABLE_MD.format(caption="Tabel: Inwoners per wijk\n"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(project)], catch_exceptions=False)
    assert "text-accessibility" not in result.output and "fails in this text" not in result.output, result.output
    build(project, tmp_path / "site2")
    assert tables_row(tmp_path / "site2") == "In orde"


def tables_row(site):
    """What the accessibility statement says about the tables."""
    soup = BeautifulSoup((site / "over" / "toegankelijkheid" / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = soup.find("th", string="Elke tabel heeft een bijschrift en kopcellen met scope").parent
    return row.find_all("td")[-1].get_text(strip=True)


def _docx_with_footnote(path, text: str, note: str) -> None:
    """A Word document whose paragraph has a footnote (python-docx writes none: the parts are added)."""
    import zipfile

    import docx

    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    notes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
             f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>{note}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    parts["word/footnotes.xml"] = notes.encode()
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        f"<w:t>{text}</w:t></w:r>".encode(), f'<w:t>{text}</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r>'.encode())
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.footnotes+xml"/></Types>')
    with zipfile.ZipFile(path, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_footnotes_of_markdown_and_word_link_to_their_notes_and_no_two_texts_share_an_id(tmp_path):
    """``[^1]`` in Markdown and Word's footnotes: a numbered reference that links to its note and
    back, each text's ids in a namespace of its own (two texts of one page both have a note 1)."""
    import re

    from begroot.build import build

    from .conftest import GOOD_FINANCE, write_project

    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": "Een bewering[^1] en nog een[^1] en[^x].\n\n"
                                                     "[^1]: De bron.\n[^x]: Twee.\n",
        "begroting-2024/teksten/1-ontwikkelingen.md": "Ook een bewering[^1].\n\n[^1]: Een andere bron.\n"})
    _docx_with_footnote(project / "begroting-2024" / "teksten" / "1-wat-mag-het-kosten.docx",
                        "Een zin uit Word.", "De noot uit Word.")
    build(project, tmp_path / "site")
    html = (tmp_path / "site" / "begroting-2024" / "programma" / "1-veiligheid" / "index.html").read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    ids = [tag["id"] for tag in soup.select("[id]")]
    assert len(ids) == len(set(ids))
    refs = soup.select('.prose sup a[href^="#fn-"]')
    assert [a.get_text() for a in refs] == ["[1]", "[1]", "[2]", "[1]", "[1]"]
    for a in refs:  # each reference leads to its note, and the note leads back to it
        note = soup.find(id=a["href"][1:])
        assert note is not None and note.name == "li"
        assert note.find("a", href="#" + a["id"]) is not None
    notes = [soup.find(id=a["href"][1:]).get_text(" ", strip=True) for a in refs]
    assert [re.sub(r"\s*[↩↑]", "", n) for n in notes] == ["De bron.", "De bron.", "Twee.", "Een andere bron.",
                                                         "De noot uit Word."]
    assert "[^1]" not in html and "\ufe0e" not in html


def test_details_keep_their_summary_apart_on_the_page_and_in_the_pdf():
    """<details><summary>Meer</summary>…</details> from a writer: kept on the page (it was stripped
    and its words ran together: "MeerVerborgen tekst"); in the PDF the summary is a line of its own."""
    from begroot.publish.typst_markup import Converter

    html = sanitise("<details><summary>Meer</summary><p>Verborgen tekst</p></details>")
    assert html == "<details><summary>Meer</summary><p>Verborgen tekst</p></details>"
    markup = Converter().convert(html)
    assert markup == '#block(strong[#"Meer"])\n\n#"Verborgen tekst"'
