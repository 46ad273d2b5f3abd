"""Hostile projects: every file an input names stays inside the project, the PDF loads nothing but
the site's own images, theme files never replace the site's own, and CSV downloads hold no formulas."""

import csv
import io
import os
import struct
import subprocess
import zlib
from importlib import resources
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from begroot.build import build
from begroot.errors import ProjectInvalid
from begroot.project import load_project

from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, needs_programs, write_project



def png(width: int = 3, height: int = 2, rgb: tuple = (200, 30, 40)) -> bytes:
    """A small valid PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def codes(problems, severity="error"):
    return [(p.code, p.file, p.column) for p in problems if p.severity.value == severity]


def pdf_images(path: Path) -> list[str]:
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[2:]


# 1. The PDF loads nothing but the site's own images --------------------------------------------

@needs_programs("pdfimages", "pdftotext")
@pytest.mark.parametrize("engine", ["typst", "weasyprint"])
def test_pdf_fetches_only_the_texts_images_never_a_local_file(tmp_path, capsys, engine):
    """Even HTML that got past the texts' checks cannot put a local file into the PDF: WeasyPrint's
    URL fetcher serves the texts' images from memory and refuses the rest, Typst's document names
    only the texts' images, in a root holding nothing else (and each says what it left out)."""
    from begroot.build import build_time
    from begroot.publish.pdf import write_pdf

    secret = tmp_path / "geheim"
    secret.mkdir()
    (secret / "foto.png").write_bytes(png(5, 5, (1, 2, 3)))
    (secret / "tekening.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20">'
                                         '<text y="15">GEHEIMETEKST</text></svg>', encoding="utf-8")
    project = write_project(tmp_path / "p", toml=f'[site]\npdf_engine = "{engine}"\n' + BASE_TOML + LONG_SOURCE,
                            finance=GOOD_FINANCE, files={
        "plaatjes/kaart.png": png(),
        "begroting-2024/teksten/1-doelstelling.md": "Een kaart: ![Kaart van de wijk](plaatjes/kaart.png)\n"})
    loaded = load_project(project)
    assert codes(loaded.problems) == []
    text = next(t for t in loaded.budget.edition("begroting-2024").texts if t.programme == "1")
    # what a hole in the sanitiser would let through: an absolute path, a path up and out, file: and data:
    text.html += (f'<img src="{secret}/foto.png" alt="a"><img src="../../../../geheim/tekening.svg" alt="b">'
                  f'<img src="file://{secret}/foto.png" alt="c"><img src="data:image/png;base64,iVBORw0KGgo=" alt="d">')
    target = tmp_path / "site" / "begroting-2024" / "downloads" / "begroting-2024.pdf"
    write_pdf(loaded.budget, loaded.figures, "begroting-2024", target, build_time())
    assert len(pdf_images(target)) == 1  # the text's own image, not the secret one
    pdf_text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "GEHEIMETEKST" not in pdf_text
    err = capsys.readouterr().err
    assert "begroting-2024.pdf: left out what is not a file of the site" in err
    assert f"{secret.as_uri()}/foto.png" in err and "data:image/png" in err


def test_texts_image_outside_the_project_stops_the_build(tmp_path):
    outside = tmp_path / "buiten.png"
    outside.write_bytes(png(4, 4, (9, 9, 9)))
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": f"Absoluut: ![foto]({outside})\n",
        # teksten/ -> begroting-2024/ -> p/ -> tmp: one step out of the project
        "begroting-2024/teksten/2-doelstelling.md": "Omhoog: ![foto](../../../buiten.png)\n",
        "begroting-2024/teksten/2.1-doelstelling.md": f'Html: <img src="file://{outside}" alt="x">\n'})
    with pytest.raises(ProjectInvalid) as exc:
        build(project, tmp_path / "site")
    found = codes(exc.value.problems)
    for n in ("1", "2", "2.1"):
        assert ("path-outside", f"begroting-2024/teksten/{n}-doelstelling.md", None) in found
    assert not (tmp_path / "site").exists()


# 2. Symlinks and settings leading out of the project ----------------------------------------------

@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "passwd"
    path.write_text("root:x:0:0:GEHEIM:/root:/bin/bash\n", encoding="utf-8")
    return path


def test_symlinked_text_to_a_file_outside_is_an_error_and_not_read(tmp_path, secret_file):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={"begroting-2024/teksten/x.md": "x",
                                                                         "notities/doel.md": "Tekst binnen.\n"})
    texts = project / "begroting-2024" / "teksten"
    (texts / "x.md").unlink()
    (texts / "1-doelstelling.md").symlink_to(secret_file)
    (texts / "2-doelstelling.docx").symlink_to(secret_file)
    (texts / "2.2-doelstelling.md").symlink_to(project / "notities" / "doel.md")  # inside the project: fine
    loaded = load_project(project)
    assert ("path-outside", "begroting-2024/teksten/1-doelstelling.md", None) in codes(loaded.problems)
    assert ("path-outside", "begroting-2024/teksten/2-doelstelling.docx", None) in codes(loaded.problems)
    assert not any("2.2-doelstelling" in (p.file or "") for p in loaded.problems.errors)
    htmls = [t.html for e in loaded.budget.editions for t in e.texts]
    assert not any("GEHEIM" in h for h in htmls) and any("Tekst binnen." in h for h in htmls)
    with pytest.raises(ProjectInvalid):
        build(project, tmp_path / "site")


@pytest.mark.parametrize("setting, value, column", [
    ("file", "{secret}", "edition 1 (begroting-2024), finance 1, file"),
    ("file", "file://{secret}", "edition 1 (begroting-2024), finance 1, file"),
    ("file", "../../passwd", "edition 1 (begroting-2024), finance 1, file"),
    ("programmes", "../../passwd", "edition 1 (begroting-2024), programmes"),
    ("indicators", "{secret}", "edition 1 (begroting-2024), indicators"),
    ("texts", "{outside_dir}", "edition 1 (begroting-2024), texts"),
    ("peers", "{secret}", "edition 1 (begroting-2024), peers"),
    ("folder", "../buiten", "edition 1 (begroting-2024), folder"),
    ("logo", "{secret}.png", "theme.logo"),
    ("logo", "../logo.png", "theme.logo"),
    ("fonts", "../font.woff2", "theme.fonts, item 1"),
])
def test_settings_name_only_files_inside_the_project(tmp_path, secret_file, setting, value, column):
    outside_dir = tmp_path / "buiten"
    outside_dir.mkdir()
    (tmp_path / "passwd.png").write_bytes(png())
    (tmp_path / "logo.png").write_bytes(png())
    value = value.format(secret=secret_file, outside_dir=outside_dir)
    toml = BASE_TOML + LONG_SOURCE
    if setting == "file":
        toml = toml.replace('file = "financien.csv"', f'file = "{value}"')
    elif setting in ("logo", "fonts"):
        toml = toml.replace("[[editions]]", f'[theme]\n{setting} = {[value] if setting == "fonts" else chr(34) + value + chr(34)}\n\n[[editions]]'.replace("'", '"'))
    else:
        toml = toml.replace("exported_at = 2023-10-01T12:00:00", f'exported_at = 2023-10-01T12:00:00\n{setting} = "{value}"')
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE)
    loaded = load_project(project)
    assert loaded.budget is None
    assert ("path-outside", "begroot.toml", column) in codes(loaded.problems), loaded.problems.items
    message = next(p for p in loaded.problems if p.code == "path-outside").format()
    assert value in message and "hint:" in message


def test_symlinked_finance_file_and_data_package_file_outside_are_errors(tmp_path, secret_file):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    finance = project / "begroting-2024" / "financien.csv"
    finance.unlink()
    finance.symlink_to(secret_file)
    loaded = load_project(project)
    assert ("path-outside", "begroot.toml", "edition 1 (begroting-2024), finance 1, file") in codes(loaded.problems)

    toml = BASE_TOML + '\n[[editions.finance]]\ndatapackage = "datapackage.json"\n'
    package = {"resources": [{"name": "r", "path": str(secret_file)}],
               "mapping": {"measures": {"bedrag": {"source": "Bedrag"}}}}
    project = write_project(tmp_path / "q", toml=toml, files={
        "begroting-2024/datapackage.json": __import__("json").dumps(package)})
    loaded = load_project(project)
    assert ("path-outside", "begroting-2024/datapackage.json", "resources[0].path") in codes(loaded.problems)


# 3. Theme files never replace the site's own -------------------------------------------------------

def test_theme_files_go_in_their_own_folder_and_must_be_images_or_fonts(tmp_path):
    toml = BASE_TOML.replace("[[editions]]", '[theme]\nlogo = "huisstijl/favicon.svg"\n\n[[editions]]') + LONG_SOURCE
    mine = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><title>eigen</title></svg>'
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE, files={"huisstijl/favicon.svg": mine})
    build(project, tmp_path / "site")
    static = tmp_path / "site" / "static"
    own = resources.files("begroot.render") / "static" / "favicon.svg"
    assert (static / "favicon.svg").read_bytes() == own.read_bytes()  # the site's own, untouched
    assert (static / "huisstijl" / "favicon.svg").read_text(encoding="utf-8") == mine
    page = BeautifulSoup((tmp_path / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("img", class_="logo")["src"] == "static/huisstijl/favicon.svg"

    for line, expected in (('logo = "huisstijl/zoeken.js"', "theme.logo: the logo must be an image file"),
                           ('fonts = ["huisstijl/zoeken.js"]', "is not a font file"),
                           ('logo = "a/x.png"\nfonts = ["b/X.PNG.woff2", "c/x.png.woff2"]', "same name")):
        toml = BASE_TOML.replace("[[editions]]", f"[theme]\n{line}\n\n[[editions]]") + LONG_SOURCE
        project = write_project(tmp_path / "q", toml=toml, finance=GOOD_FINANCE)
        loaded = load_project(project)
        assert loaded.budget is None
        assert any(p.code == "config-invalid" and expected in p.message for p in loaded.problems), loaded.problems.items


# 4. The writers' images -----------------------------------------------------------------------------

def _docx_with_image(path: Path, image: bytes, alt: str) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Tekst met een foto.")
    source = path.parent / "bron.png"
    source.write_bytes(image)
    shape = document.add_picture(str(source))
    shape._inline.docPr.set("descr", alt)
    source.unlink()
    document.save(str(path))


def _replace_media(path: Path, data: bytes) -> None:
    """The same Word document with its images' bytes replaced (by something that is no image)."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        items = {i.filename: src.read(i.filename) for i in src.infolist()}
    with zipfile.ZipFile(path, "w") as out:
        for name, content in items.items():
            out.writestr(name, data if name.startswith("word/media/") else content)


def test_texts_images_are_published_from_the_project_with_their_alt_text(tmp_path):
    kaart, foto, word = png(3, 2, (10, 20, 30)), png(2, 2, (40, 50, 60)), png(6, 6, (70, 80, 90))
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "plaatjes/kaart.png": kaart,                 # relative to the project
        "begroting-2024/teksten/foto.png": foto,     # next to the text
        "begroting-2024/teksten/1-doelstelling.md":
            "![Kaart van de wijk](plaatjes/kaart.png)\n\n![Foto van het plein](foto.png)\n"})
    _docx_with_image(project / "begroting-2024" / "teksten" / "2-doelstelling.docx", word, "Grafiek uit Word")
    result = build(project, tmp_path / "site")
    assert [w for w in codes(result.problems, "warning") if w[0] in ("image-alt", "text-image")] == []
    site = tmp_path / "site"
    shown = {}
    for page in ("begroting-2024/programma/1-veiligheid", "begroting-2024/programma/2-sociaal"):
        path = site / page / "index.html"
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for img in soup.select(".prose img"):
            shown[img["alt"]] = (path.parent / img["src"]).resolve().read_bytes()
    assert shown == {"Kaart van de wijk": kaart, "Foto van het plein": foto, "Grafiek uit Word": word}
    assert all(p.parent == site / "media" for p in (site / "media").iterdir())


def test_images_without_alt_or_not_raster_are_reported(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "plaatjes/kaart.png": png(),
        "plaatjes/tekening.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "plaatjes/nep.png": "<html>geen plaatje</html>",
        "begroting-2024/teksten/1-doelstelling.md":
            "![](plaatjes/kaart.png)\n\n![Tekening](plaatjes/tekening.svg)\n\n![Nep](plaatjes/nep.png)\n"
            "\n![Weg](plaatjes/bestaat-niet.png)\n"})
    _docx_with_image(project / "begroting-2024" / "teksten" / "2-doelstelling.docx", png(), "")
    bad = project / "begroting-2024" / "teksten" / "2.1-doelstelling.docx"
    _docx_with_image(bad, png(), "Foto")
    _replace_media(bad, b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    loaded = load_project(project)
    warnings = codes(loaded.problems, "warning")
    assert ("text-image", "begroting-2024/teksten/2.1-doelstelling.docx", None) in warnings
    assert ("image-alt", "begroting-2024/teksten/1-doelstelling.md", None) in warnings
    assert ("image-alt", "begroting-2024/teksten/2-doelstelling.docx", None) in warnings
    assert warnings.count(("text-image", "begroting-2024/teksten/1-doelstelling.md", None)) == 3
    text = next(t for t in loaded.budget.edition("begroting-2024").texts if t.programme == "1")
    assert text.html.count("<img") == 1 and len(text.images) == 1  # only the real PNG
    # warned, and shown with an empty alt text (read past by a screen reader), from Markdown as from
    # Word: an <img> without any alt attribute makes a screen reader read out its file name
    for source in ("1-doelstelling.md", "2-doelstelling.docx"):
        text = next(t for t in loaded.budget.edition("begroting-2024").texts if t.source.endswith(source))
        [img] = BeautifulSoup(text.html, "html.parser").find_all("img")
        assert img.get("alt") == "", (source, str(img))


def test_word_images_that_are_not_raster_are_left_out(tmp_path):
    from begroot.read.texts import docx_to_html

    path, bad = tmp_path / "t.docx", tmp_path / "bad.docx"
    _docx_with_image(path, png(), "Foto")
    _docx_with_image(bad, png(), "Foto")
    _replace_media(bad, b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    images: dict = {}
    html, messages = docx_to_html(bad, images)
    assert images == {} and "<img" not in html
    assert any("left out" in m for m in messages)
    html, _ = docx_to_html(path, images)
    assert len(images) == 1 and 'alt="Foto"' in html


# 5. CSV downloads hold no formulas --------------------------------------------------------------------

def test_csv_downloads_neutralise_formulas_and_keep_numbers(tmp_path):
    programmes = ("code;naam;hoofdprogramma;taakvelden;soort\n"
                  '1;"=HYPERLINK(""https://evil.example"",""klik"")";;1.*;programma\n'
                  "2;@SUM(A1);;;programma\n2.1;+Onderwijs;2;4.*;programma\n2.2;-Zorg;2;6.*;programma\n"
                  "AD;\tAlgemene dekkingsmiddelen;;0.5 0.61-0.64 0.7;overzicht\nOH;Overhead;;0.4;overzicht\n")
    finance = GOOD_FINANCE + "6.1;Lasten;-1.234,56\n"
    indicators = ("programma;naam;eenheid;jaar;waarde;bron\n"
                  "1;=1+1;%;2022;12,5;CBS\n1;=1+1;%;2023;-3;=cmd|' /C calc'!A0\n")
    project = write_project(tmp_path / "p", finance=finance, programmes=programmes,
                            files={"begroting-2024/indicatoren.csv": indicators})
    build(project, tmp_path / "site")
    site = tmp_path / "site"
    cells = []
    for path in sorted(site.rglob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        cells += [(path.name, cell) for row in rows for cell in row]
    dangerous = [(name, c) for name, c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")
                 and not __import__("re").fullmatch(r"-?\d+(\.\d+)?", c)]
    assert dangerous == []
    texts = {c for _, c in cells}
    assert "'=HYPERLINK(\"https://evil.example\",\"klik\")" in texts and "'@SUM(A1)" in texts
    assert "'+Onderwijs" in texts and "'-Zorg" in texts and "'=1+1" in texts
    assert "-1234.56" in {c for name, c in cells if name == "financien.csv"}  # a number stays a number
    lines = list(csv.DictReader(io.StringIO((site / "begroting-2024/downloads/financien.csv").read_text("utf-8"))))
    assert {r["programma_naam"] for r in lines} >= {"'=HYPERLINK(\"https://evil.example\",\"klik\")", "'-Zorg"}
    assert any(r["bedrag"] == "-1234.56" for r in lines)
    programmes_csv = list(csv.DictReader(io.StringIO(
        (site / "begroting-2024/downloads/programmas.csv").read_text("utf-8"))))
    first = next(r for r in programmes_csv if r["code"] == "1")
    assert first["saldo"] == "-800.50" and first["naam"].startswith("'=HYPERLINK")  # baten 200 - lasten 1000.50


def test_csv_safe_unit():
    from begroot.publish.downloads import csv_safe

    assert csv_safe("=1+1") == "'=1+1" and csv_safe("\t=1") == "'\t=1" and csv_safe("\r=1") == "'\r=1"
    assert csv_safe("-1234.56") == "-1234.56" and csv_safe("+12") == "+12" and csv_safe("-") == "'-"
    assert csv_safe("Veiligheid = prioriteit") == "Veiligheid = prioriteit"


def test_chart_files_refer_to_nothing_outside_themselves():
    """A chart's SVG file (from which the reader's browser draws its PNG) refers to nothing
    outside itself: a linked chart's links stay on the page, and the hatch pattern is a fragment."""
    import re

    from decimal import Decimal

    from begroot.render import charts

    bars = charts.linked(charts.bar_list("b", "Titel", "S.", [charts.Bar("Een", Decimal(1), "1")]),
                         ["../programma/1-een/"])
    columns = charts.paired_columns("p", "Titel", "S.", ["2024"], [("Lasten", [Decimal(10)], ["10"]),
                                                                   ("Baten", [Decimal(4)], ["4"])])
    assert 'href="../programma/1-een/"' in str(bars.__html__())
    for chart in (bars, columns):
        svg = charts.standalone(chart)
        refs = re.findall(r"""\bhref\s*=\s*["']([^"']*)|url\(\s*["']?([^)"']*)""", svg)
        assert [r for r in map("".join, refs) if not r.startswith("#")] == [], svg
    assert "url(#p-hatch)" in charts.standalone(columns)


def test_word_picture_linked_to_a_file_outside_is_never_read(tmp_path):
    """A .docx can link a picture to a file (r:link, TargetMode External) instead of holding it."""
    import zipfile

    from begroot.read.texts import docx_to_html

    secret = tmp_path / "geheim.png"
    secret.write_bytes(png(3, 3, (7, 7, 7)))
    path = tmp_path / "t.docx"
    _docx_with_image(path, png(), "Foto")
    with zipfile.ZipFile(path) as src:
        items = {i.filename: src.read(i.filename) for i in src.infolist()}
    rels = items["word/_rels/document.xml.rels"].decode()
    rid = __import__("re").search(r'Id="(rId\d+)"[^>]*Target="media/', rels) or \
        __import__("re").search(r'Target="media/[^"]*"[^>]*Id="(rId\d+)"', rels)
    rels = __import__("re").sub(r'Target="media/[^"]*"', f'Target="{secret.as_uri()}" TargetMode="External"', rels)
    items["word/_rels/document.xml.rels"] = rels.encode()
    items["word/document.xml"] = items["word/document.xml"].replace(b"r:embed=", b"r:link=")
    with zipfile.ZipFile(path, "w") as out:
        for name, data in items.items():
            out.writestr(name, data)
    assert rid is not None
    images, left_out = {}, []
    try:
        html, _ = docx_to_html(path, images, left_out)
    except Exception as exc:  # an older mammoth: the document is refused as a whole
        assert "outside itself" in str(exc)
        return
    assert images == {} and "<img" not in html and left_out
