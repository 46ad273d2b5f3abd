"""The edition PDF made with Typst (``[site] pdf_engine = "typst"``, publish/pdf_typst.py): tagged
(PDF/UA-1), fonts embedded, contents with page numbers, every programme; a text's characters that
mean something to Typst are shown as they are and start no code; the same input gives the same bytes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import needs_programs

typst = pytest.importorskip("typst")

#: Typst code and markup characters a text may hold. The Markdown escapes (\*, \_, &lt;) keep
#: Markdown from reading them, so that the text's HTML holds the characters themselves.
HOSTILE_MD = (r'Let op: #import "@preview/cetz:0.2.2": \* en #read("/etc/passwd") en $x + 1$ '
              r'en a\*b\*c en x\_y\_z en &lt;label&gt; en @ref en ] [ en \\ en = kop en `#eval("1")`.')
#: What the PDF's text shows for it (pdftotext joins the words the same way).
HOSTILE_SHOWN = ['#import "@preview/cetz:0.2.2": *', '#read("/etc/passwd")', "$x + 1$", "a*b*c", "x_y_z",
                 "<label>", "@ref", "] [", '#eval("1")']


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def typst_project(tmp_path_factory, demo_dir: Path) -> Path:
    project = tmp_path_factory.mktemp("typst") / "project"
    shutil.copytree(demo_dir, project)
    toml = project / "begroot.toml"
    toml.write_text(toml.read_text("utf-8").replace("[site]\n", '[site]\npdf_engine = "typst"\n', 1), "utf-8")
    text = project / "begroting-2024" / "teksten" / "1-doelstelling.md"
    text.write_text(text.read_text("utf-8") + "\n" + HOSTILE_MD + "\n\n![Een rood vlak](rood.png)\n", "utf-8")
    (text.parent / "rood.png").write_bytes(_png(3, 2))
    return project


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _pdf(project: Path, out: Path) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, "-m", "begroot", "pdf", str(project), "--edition", "begroting-2024",
                           "--out", str(out), "--quiet"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def typst_pdf_file(typst_project: Path, tmp_path_factory) -> Path:
    return _pdf(typst_project, tmp_path_factory.mktemp("typst-pdf") / "begroting-2024.pdf")


@needs_programs("pdftotext")
def test_typst_pdf_shows_typst_syntax_literally_and_reads_no_file(typst_pdf_file: Path):
    text = _text(typst_pdf_file)
    flat = re.sub(r"\s+", " ", text)
    for shown in HOSTILE_SHOWN:
        assert shown in flat, shown
    assert "root:x:" not in text and "/bin/" not in text  # /etc/passwd's first line (had #read run, its text would be here)


@needs_programs("pdftotext", "pdfinfo", "pdffonts", "pdfimages")
def test_typst_pdf_is_tagged_ua_with_fonts_embedded_and_every_programme(typst_pdf_file: Path, typst_project: Path):
    info = subprocess.run(["pdfinfo", str(typst_pdf_file)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1)) > 10
    assert "Creator:         Typst" in info
    raw = typst_pdf_file.read_bytes()
    assert b"pdfuaid:part" in raw  # the XMP metadata declares PDF/UA-1
    fonts = subprocess.run(["pdffonts", str(typst_pdf_file)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # the "emb" column of every font
    assert any("DejaVuSans" in row[0] for row in rows)

    from begroot.project import load_project

    text = _text(typst_pdf_file)
    edition = load_project(typst_project).budget.edition("begroting-2024")
    for programme in edition.programmes.values():
        assert programme.title in text, programme.title
    # the contents give page numbers, the grand totals and Dutch characters are there
    assert re.search(r"Programma 3: Vitaal en Sociaal\s*(\.\s*){3,}\S*\d+", text)
    assert "1.331.787" in text and "1.331.775" in text and "één oogopslag" in text
    # the text's image, from the site's media (the charts are vector drawings, not images)
    images = subprocess.run(["pdfimages", "-list", str(typst_pdf_file)], capture_output=True, text=True,
                            check=True).stdout
    assert re.search(r"^\s*\d+\s+\d+\s+image\s+3\s+2\s", images, re.M), images


def test_typst_pdf_same_input_same_bytes(typst_pdf_file: Path, typst_project: Path, tmp_path):
    cache_dir = tmp_path / "cache"  # a cache of its own: the second PDF is made again, not read
    old = os.environ.get("BEGROOT_CACHE_DIR")
    os.environ["BEGROOT_CACHE_DIR"] = str(cache_dir)
    try:
        again = _pdf(typst_project, tmp_path / "again.pdf")
    finally:
        if old is None:
            del os.environ["BEGROOT_CACHE_DIR"]
        else:
            os.environ["BEGROOT_CACHE_DIR"] = old
    assert cache_dir.exists() and any(cache_dir.rglob("*"))  # it was made (and stored) here
    assert again.read_bytes() == typst_pdf_file.read_bytes()


def test_typst_reads_no_file_outside_its_root():
    """The second wall: even Typst code that would read a file finds only the (empty) root."""
    from begroot.errors import BegrootError
    from begroot.publish.pdf_typst import typst_pdf

    with pytest.raises(BegrootError, match="Typst could not make the PDF"):
        typst_pdf('#set document(title: "x")\n#read("/etc/passwd")\n', {}, [], None)


def test_html_to_typst_escapes_every_text():
    from begroot.publish.typst_markup import Converter, string

    assert string('a"b\\c\n#') == '"a\\"b\\\\c\\n#"'
    html = ('<p>#import "x" $y$ *b* _i_ &lt;l&gt; @r ] [ \\ // /* `c` ~ = - +</p>'
            '<table><caption>#c</caption><tr><th>#h</th></tr><tr><td colspan="2">#d</td></tr></table>'
            '<ul><li>#l</li></ul><p><a href="javascript:x">#a</a> <a href="https://e.nl/#x">#b</a></p>')
    markup = Converter().convert(html)
    # outside string literals, only begroot's own calls: every text sits in "..."
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', markup)
    assert not re.search(r"[$*_<>@`~\\/]", code)
    assert "javascript" not in markup and '#link("https://e.nl/#x")' in markup
    assert "colspan: 2" in markup  # a cell two columns wide


def test_unknown_pdf_engine_is_refused(tmp_path, demo_dir: Path):
    project = tmp_path / "p"
    shutil.copytree(demo_dir, project)
    toml = project / "begroot.toml"
    toml.write_text(toml.read_text("utf-8").replace("[site]\n", '[site]\npdf_engine = "latex"\n', 1), "utf-8")
    done = subprocess.run([sys.executable, "-m", "begroot", "check", str(project), "--quiet"],
                          capture_output=True, text=True)
    assert done.returncode != 0 and "'weasyprint' or 'typst'" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


@needs_programs("pdftotext")
def test_every_allowed_element_makes_a_pdf_ua_document(tmp_path):
    """Each element the sanitiser lets through converts to Typst that compiles as PDF/UA-1, also a
    text whose headings skip levels (h3 to h5) and a table whose rows are short or span."""
    from begroot.publish.pdf_typst import typst_pdf
    from begroot.publish.typst_markup import Converter
    from begroot.read.texts import sanitise

    html = sanitise(
        '<h3>Kop é</h3><h5>Diep</h5><p>Tekst <strong>vet <em>schuin</em></strong> <a href="https://x.nl">link</a>'
        '<br>regel <sub>2</sub><sup>3</sup> <code>#x</code> <abbr title="t">AB</abbr> <span lang="en">en</span>'
        ' <u>u</u> <s>s</s> <b>b</b> <i>i</i></p><blockquote><p>citaat</p></blockquote><ol start="3"><li>drie'
        '<ul><li>in</li></ul></li><li><p>vier</p></li></ol><pre>code #[ x]</pre><hr><dl><dt>term</dt><dd>uitleg'
        '</dd></dl><figure><p>fig</p><figcaption>Bijschrift</figcaption></figure><table><caption>Tabel €</caption>'
        '<thead><tr><th>A</th><th>B</th><th>C</th></tr></thead><tbody><tr><td rowspan="2">r</td>'
        '<td colspan="2">cc</td></tr><tr><td>1</td><td>2</td></tr><tr><td>kort</td></tr></tbody>'
        '<tfoot><tr><td>f</td><td></td><td>3</td></tr></tfoot></table><h4>Vier</h4><p></p><ul></ul><table></table>')
    converter = Converter()
    markup = converter.convert(html)
    assert "level: 3" in markup and "level: 4" in markup and "level: 5" not in markup  # h5 after h3: one down
    source = '#set document(title: "t")\n#heading(level: 1)[P]\n#heading(level: 2)[T]\n' + markup
    path = tmp_path / "t.pdf"
    path.write_bytes(typst_pdf(source, {}, converter.tables, None))
    text = re.sub(r"\s+", " ", _text(path))
    for shown in ("Kop é", "Diep", "vet schuin link", "citaat", "3. drie", "4. vier", "code #[ x]", "uitleg",
                  "Bijschrift", "Tabel €", "cc", "kort", "Vier"):
        assert shown in text, shown


def test_typst_pdf_replaces_its_file_instead_of_writing_into_it(typst_project: Path, tmp_path):
    """As every file of the site: a PDF already there may be a hard link to the previous site's,
    which must keep its bytes."""
    target = tmp_path / "begroting-2024.pdf"
    target.write_bytes(b"the previous site's PDF")
    previous = tmp_path / "previous.pdf"
    os.link(target, previous)
    _pdf(typst_project, target)
    assert previous.read_bytes() == b"the previous site's PDF"
    assert target.read_bytes().startswith(b"%PDF") and not os.path.samefile(target, previous)


def test_control_characters_are_left_out_of_the_typst_document():
    """As the site's pages: no font shows them, and a PDF/UA-1 document may not show a missing glyph
    (Typst refused the whole PDF for an ESC in a programme's name)."""
    from begroot.publish.typst_markup import string, text

    assert string("a\x1b[31mb\x07c\x9b\ufffe\td") == '"a[31mbc\td"'
    assert text("\x1b") == '#""'


@needs_programs("pdftotext")
def test_a_character_no_font_has_is_shown_as_a_replacement_and_said(tmp_path, capsys):
    """U+0378 is in no font (it is unassigned): the PDF shows U+FFFD there, and the build says so,
    where Typst alone refuses the document."""
    from begroot.build import build_time
    from begroot.project import load_project
    from begroot.publish.pdf import write_pdf

    from .conftest import GOOD_FINANCE, write_project

    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": "Het teken \u0378 staat hier.\n"})
    loaded = load_project(project)
    pdf = write_pdf(loaded.budget, loaded.figures, "begroting-2024", tmp_path / "b.pdf", build_time())
    assert "Het teken \ufffd staat hier." in _text(pdf)
    assert ("b.pdf: no font here has \u0378 (U+0378) (in begroting-2024/teksten/1-doelstelling.md); the PDF shows "
            "\ufffd instead") in capsys.readouterr().err


@needs_programs("pdftotext")
def test_emoji_are_replaced_at_once_and_named_with_their_text(tmp_path, capsys):
    """A text full of emoji (joined ones too: a family is four code points) makes the PDF with
    each emoji shown as one U+FFFD, in one more compilation instead of one per code point (which
    stopped the build after twelve), and the warning names them, their code points and the text,
    with no U+FFFD of its own."""
    from begroot.build import build_time
    from begroot.project import load_project
    from begroot.publish.pdf import write_pdf

    from .conftest import GOOD_FINANCE, write_project

    emoji = ["\U0001F389", "\U0001F469\u200d\U0001F469\u200d\U0001F467", "\U0001F44D\U0001F3FD"] + [
        chr(0x1F600 + i) for i in range(12)]
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": "Feest " + " en ".join(emoji) + " voor iedereen.\n"})
    loaded = load_project(project)
    pdf = write_pdf(loaded.budget, loaded.figures, "begroting-2024", tmp_path / "b.pdf", build_time())
    assert "Feest \ufffd en \ufffd en \ufffd en" in _text(pdf)
    err = capsys.readouterr().err
    assert "U+1F469 U+200D U+1F469 U+200D U+1F467" in err and "(in begroting-2024/teksten/1-doelstelling.md)" in err
    assert "\ufffd" not in err.split("; the PDF shows")[0]


def test_too_many_characters_no_font_has_stop_the_pdf_with_a_hint():
    from begroot.errors import BegrootError
    from begroot.publish.pdf_typst import MAX_MISSING, typst_pdf
    from begroot.publish.typst_markup import text

    # unassigned code points, and private ones of plane 16: in no font
    unassigned = "\u0378\u0379\u0380\u0381\u0382\u0383\u038b\u038d\u03a2\u0530" + "".join(
        chr(0x10FFF0 + i) for i in range(4))
    assert len(unassigned) > MAX_MISSING
    missing: list[str] = []
    typst_pdf('#set document(title: "t")\n' + text(unassigned[:MAX_MISSING]), {}, [], None, missing)
    assert missing == list(unassigned[:MAX_MISSING])
    with pytest.raises(BegrootError, match="no font here has these characters: .*install a font that has them"):
        typst_pdf('#set document(title: "t")\n' + text(unassigned), {}, [], None)


def test_typst_pdfs_run_on_threads_in_a_process_that_used_typst_before(tmp_path):
    """A process that has used Typst cannot fork a worker that uses it again (the child waits
    forever for the parent's thread pool): the build's PDFs made with Typst run on threads. Run in
    a process of its own, with a time limit, so that a hang fails the test instead of the suite."""
    script = (
        "from begroot.publish import workers\n"
        "from begroot.publish.pdf_typst import typst_pdf\n"
        "workers.worker_count = lambda: 2\n"
        "typst_pdf('#set document(title: \"a\")\\n#\"een\"', {}, [], None)\n"
        "out = []\n"
        "jobs = [lambda i=i: out.append(typst_pdf(f'#set document(title: \"b\")\\n#\"{i}\"', {}, [], None))\n"
        "        for i in range(2)]\n"
        "workers.run_jobs(jobs, threads=True)\n"
        "assert len(out) == 2 and all(pdf.startswith(b'%PDF') for pdf in out)\n"
        "print('made')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "made" in done.stdout, done.stderr


@pytest.mark.parametrize("engine", ["typst", "weasyprint"])
def test_the_build_runs_typst_pdfs_on_threads_and_weasyprint_ones_in_processes(tmp_path, monkeypatch, engine):
    """Typst's PDFs start on threads once the page workers are forked, alongside the pages (a large
    edition's PDF is the build's longest job); WeasyPrint's run after the pages, in processes."""
    from begroot.build import build
    from begroot.publish import site as site_writer
    from begroot.publish import workers

    from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, write_project

    seen = []
    started = workers.start_on_threads
    monkeypatch.setattr(workers, "run_jobs", lambda jobs, threads=False: seen.append(("after the pages", len(jobs), threads)))

    def early(jobs):
        seen.append(("alongside the pages", len(jobs), True))
        return started(jobs)

    monkeypatch.setattr(workers, "start_on_threads", early)
    render = site_writer.SiteWriter.render_and_write

    def page(self, spec, out):  # the pages are made after the PDFs were started (Typst)
        seen.append("page") if "page" not in seen else None
        return render(self, spec, out)

    monkeypatch.setattr(site_writer.SiteWriter, "render_and_write", page)
    toml = f'[site]\npdf_engine = "{engine}"\n' + BASE_TOML + LONG_SOURCE
    site = tmp_path / "site"
    build(write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE), site)
    if engine == "typst":
        assert seen == [("alongside the pages", 1, True), "page", ("after the pages", 0, True)]
        assert (site / "begroting-2024" / "downloads" / "begroting-2024.pdf").read_bytes().startswith(b"%PDF")
    else:
        assert seen == ["page", ("after the pages", 1, False)]


def test_pdfs_on_threads_start_with_the_newest_edition_and_raise_in_the_editions_order(monkeypatch):
    """The newest edition (the last in the settings) is the one most often edited: its PDF, made
    again while the others are found in the build cache, starts first; with two failing jobs the
    first one's error is still the one raised."""
    import threading

    from begroot.publish import workers

    monkeypatch.setattr(workers, "worker_count", lambda: 1)
    ran: list[int] = []
    gate = threading.Event()

    def job(number: int, fails: bool = False):
        def run():
            gate.wait(10)
            ran.append(number)
            if fails:
                raise ValueError(number)
        return run

    wait = workers.start_on_threads([job(1), job(2, fails=True), job(3), job(4, fails=True)])
    gate.set()
    with pytest.raises(ValueError) as raised:
        wait()
    assert ran == [4, 3, 2, 1] and raised.value.args == (2,)


_BUILD_IN_PROCESSES = """
import sys
from pathlib import Path
from begroot import cache
from begroot.build import build
from begroot.publish import workers
from begroot.publish.pdf_typst import typst_pdf
cache.disable()  # the PDF made, not taken from the build cache
if sys.argv[3] == "typst-used":
    typst_pdf('#set document(title: "a")\\n#"een"', {}, [], None)
started = workers.start_in_processes
workers.start_in_processes = lambda jobs: print("in processes", len(jobs)) or started(jobs)
workers.worker_count = lambda: 2
workers.PARALLEL_MIN_PAGES = 1
build(Path(sys.argv[1]), Path(sys.argv[2]))
print("built")
"""


@pytest.mark.parametrize("before", ["fresh", "typst-used"])
def test_a_build_with_forked_page_workers_makes_its_typst_pdf_in_a_process_of_its_own(tmp_path, monkeypatch, before):
    """When the pages are shared with forked workers (a large build), the Typst PDF is made in a
    forked process of its own (its Python work then does not wait for the lock of the process
    that renders pages), and is the PDF a build on threads writes; unless the process has used
    Typst before (a child would wait forever for Typst's threads): then on threads. In a process
    of its own, with a time limit, so that a hang fails the test instead of the suite."""
    from begroot import cache
    from begroot.build import build

    from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, write_project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = write_project(tmp_path / "p", toml=BASE_TOML + LONG_SOURCE, finance=GOOD_FINANCE)
    done = subprocess.run([sys.executable, "-c", _BUILD_IN_PROCESSES, str(project), str(tmp_path / "forked"), before],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "built" in done.stdout, done.stderr
    assert ("in processes 1" in done.stdout) == (before == "fresh")
    monkeypatch.setattr(cache, "_disabled", True)
    build(project, tmp_path / "threads")
    pdf = Path("begroting-2024") / "downloads" / "begroting-2024.pdf"
    assert (tmp_path / "forked" / pdf).read_bytes() == (tmp_path / "threads" / pdf).read_bytes()
