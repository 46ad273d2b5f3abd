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
