"""The build cache on disk: a build that reads it writes the same site as one without it, an
input changed in any way is read again, and a damaged or disabled cache is no cache."""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil
import time
from pathlib import Path

import pytest

from begroot import cache
from begroot.build import build

from .conftest import needs_programs, write_project

FINANCE = """\
Taakveld;Soort;Bedrag
0.4;lasten;1.000,00
0.4;baten;200,00
1.1;lasten;5.432.000,00
4.1;lasten;3.000,00
6.1;lasten;7.000,00
0.5;baten;16.432.000,00
"""


def same_tree(a: Path, b: Path) -> list[str]:
    """The files that differ between two folders (missing on either side, or other bytes)."""
    names_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    differ = sorted(str(n) for n in names_a ^ names_b)
    differ += sorted(str(n) for n in names_a & names_b if not filecmp.cmp(a / n, b / n, shallow=False))
    return differ


def entries(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(root))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return root


def test_a_build_from_the_cache_is_the_same_site_and_reads_nothing_again(demo_dir, tmp_path, fresh_cache,
                                                                         monkeypatch):
    monkeypatch.setenv("BEGROOT_CACHE_DIR", "off")
    build(demo_dir, tmp_path / "without")
    assert not fresh_cache.exists()  # off: nothing written
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(fresh_cache))
    build(demo_dir, tmp_path / "cold")
    kinds = {p.relative_to(fresh_cache).parts[0] for p in entries(fresh_cache)}
    assert {"edition", "edition-downloads", "page", "binaries", "pdf"} <= kinds

    # the warm build may not read an export, write a workbook or draw a chart itself
    import begroot.project
    import begroot.publish.downloads

    def refuse(*args, **kwargs):
        raise AssertionError("computed again although it is in the cache")

    monkeypatch.setattr(begroot.project, "_load_core", refuse)
    monkeypatch.setattr(begroot.publish.downloads, "write_xlsx", refuse)
    import weasyprint

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", refuse)  # the PDFs: dated by their export, the same
    import begroot.publish.pdf_typst

    monkeypatch.setattr(begroot.publish.pdf_typst, "typst_pdf", refuse)  # (Typst, the default engine)
    from begroot.publish.site import SiteWriter

    page_made = SiteWriter.page_made

    def only_uncached(self, page):  # pages whose inputs are unchanged come from the cache
        if page.path != "over":     # (the colophon lists the build's warnings: always made)
            refuse()
        return page_made(self, page)

    monkeypatch.setattr(SiteWriter, "page_made", only_uncached)
    build(demo_dir, tmp_path / "warm")
    assert same_tree(tmp_path / "without", tmp_path / "cold") == []
    assert same_tree(tmp_path / "cold", tmp_path / "warm") == []


@needs_programs("pdftotext")
def test_a_text_edit_makes_only_that_editions_pdf_document_again(demo_dir, tmp_path, fresh_cache, monkeypatch):
    """The Typst PDF's cache address is its document's source; the inputs the document is made of
    find it without making the source, so an edit makes the edited edition's document only, and
    its PDF shows the edit while the others keep their bytes."""
    import begroot.publish.pdf_typst as pdf_typst

    project = tmp_path / "demo"
    shutil.copytree(demo_dir, project)
    build(project, tmp_path / "first")
    made: list[str] = []
    original = pdf_typst.edition_typst

    def counted(budget, figures, edition_id, *args, **kwargs):
        made.append(edition_id)
        return original(budget, figures, edition_id, *args, **kwargs)

    monkeypatch.setattr(pdf_typst, "edition_typst", counted)
    build(project, tmp_path / "again")
    assert made == []  # nothing changed: every PDF found by its inputs
    text = next((project / "begroting-2024" / "teksten").glob("*.md"))
    text.write_text(text.read_text(encoding="utf-8") + "\nEen zin over zeventien zwaluwen.\n", encoding="utf-8")
    build(project, tmp_path / "edited")
    assert made == ["begroting-2024"]
    import subprocess

    words = subprocess.run(["pdftotext", str(tmp_path / "edited" / "begroting-2024" / "downloads" / "begroting-2024.pdf"),
                            "-"], capture_output=True, text=True, check=True).stdout
    assert "zeventien zwaluwen" in words
    others = sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").glob("*/downloads/*.pdf"))
    assert len(others) >= 2
    for pdf in others:
        same = filecmp.cmp(tmp_path / "first" / pdf, tmp_path / "edited" / pdf, shallow=False)
        assert same == (pdf.parts[0] != "begroting-2024"), pdf
    # a setting every document shows makes every document again
    made.clear()
    toml = project / "begroot.toml"
    settings = toml.read_text(encoding="utf-8")
    assert 'primary_color = "#01689b"' in settings
    toml.write_text(settings.replace('primary_color = "#01689b"', 'primary_color = "#123456"'), encoding="utf-8")
    build(project, tmp_path / "restyled")
    assert sorted(made) == sorted(p.parts[0] for p in others)


def test_changed_bytes_are_read_again_even_with_the_same_size_and_time(tmp_path, fresh_cache):
    project = write_project(tmp_path / "p", finance=FINANCE)
    finance = project / "begroting-2024" / "financien.csv"
    build(project, tmp_path / "site")
    assert "5.432" in (tmp_path / "site" / "begroting-2024" / "taakvelden" / "index.html").read_text()
    stat = finance.stat()
    finance.write_text(FINANCE.replace("5.432.000,00", "6.432.000,00"), encoding="utf-8")  # same size
    os.utime(finance, ns=(stat.st_atime_ns, stat.st_mtime_ns))                     # same time
    assert finance.stat().st_size == stat.st_size
    build(project, tmp_path / "site")
    page = (tmp_path / "site" / "begroting-2024" / "taakvelden" / "index.html").read_text()
    assert "6.432" in page and "5.432" not in page
    rows = (tmp_path / "site" / "begroting-2024" / "downloads" / "financien.csv").read_text()
    assert "6432000.00" in rows and "5432000.00" not in rows


def test_a_damaged_entry_is_a_miss(tmp_path, fresh_cache):
    project = write_project(tmp_path / "p", finance=FINANCE)
    build(project, tmp_path / "first")
    damaged = entries(fresh_cache)
    assert damaged
    for path in damaged:
        data = path.read_bytes()
        path.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))  # one bit pattern changed at the end
    build(project, tmp_path / "second")
    assert same_tree(tmp_path / "first", tmp_path / "second") == []
    assert all(cache.get(p.relative_to(fresh_cache).parts[0], p.name) is not None for p in entries(fresh_cache))


def test_no_cache_option_and_key_parts(tmp_path, fresh_cache):
    from typer.testing import CliRunner

    from begroot.cli import app

    project = write_project(tmp_path / "p", finance=FINANCE)
    try:
        result = CliRunner().invoke(app, ["build", str(project), "--out", str(tmp_path / "site"), "--no-cache", "-q"])
        assert result.exit_code == 0, result.output
        assert not fresh_cache.exists()
    finally:
        cache._disabled = False
    # the parts of a key are kept apart: ("ab", "c") is not ("a", "bc")
    assert cache.key("k", "ab", "c") != cache.key("k", "a", "bc")
    assert cache.key("k", "a") != cache.key("j", "a")


def test_prune_removes_entries_unused_for_weeks(fresh_cache):
    cache.put("png", "a" * 64, b"old")
    cache.put("png", "b" * 64, b"new")
    old = fresh_cache / "png" / "aa" / ("a" * 64)
    long_ago = old.stat().st_mtime - (cache.KEEP_DAYS + 1) * 86400
    os.utime(old, (long_ago, long_ago))
    cache.prune()
    assert not old.exists()
    assert cache.get("png", "b" * 64) == b"new"


def test_prune_keeps_the_cache_under_its_size_most_recently_used_first(fresh_cache):
    now = time.time()
    for n, letter in enumerate("abcd"):
        cache.put("page", letter * 64, bytes(1000))
        path = fresh_cache / "page" / (letter * 2) / (letter * 64)
        os.utime(path, (now - (4 - n) * 3600, now - (4 - n) * 3600))  # a oldest, d newest
    cache.prune(keep_bytes=2 * 1032 + 10, force=True)  # room for two entries (content + digest)
    assert [p.name[0] for p in sorted(entries(fresh_cache))] == ["c", "d"]


def test_an_export_time_taken_from_the_file_date_follows_the_file(tmp_path, fresh_cache, monkeypatch):
    """Without exported_at in begroot.toml the export's time is the file's date: the same bytes
    with a new date are the same lines, but the pages say the new time."""
    from .conftest import BASE_TOML, LONG_SOURCE

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000000000")  # 2033: the dates below are not clamped
    toml = BASE_TOML.replace("exported_at = 2023-10-01T12:00:00\n", "") + LONG_SOURCE
    project = write_project(tmp_path / "p", toml=toml, finance=FINANCE)
    finance = project / "begroting-2024" / "financien.csv"
    stamps = []
    for when in (dt.datetime(2023, 9, 1, 10, 0), dt.datetime(2023, 10, 2, 11, 30)):
        os.utime(finance, (when.timestamp(), when.timestamp()))
        build(project, tmp_path / "site")
        page = (tmp_path / "site" / "begroting-2024" / "taakvelden" / "index.html").read_text(encoding="utf-8")
        stamps.append(page)
    assert "export van 01/09/2023 10:00:00" in stamps[0]
    assert "export van 02/10/2023 11:30:00" in stamps[1]


def test_the_data_file_a_fiscal_data_package_names_is_an_input(tmp_path, fresh_cache):
    from begroot.project import load_project

    project = write_project(tmp_path / "p", finance=FINANCE)
    build(project, tmp_path / "site")
    package = tmp_path / "fdp"
    shutil.copytree(tmp_path / "site" / "begroting-2024" / "downloads", package / "begroting-2024" / "open-data")
    shutil.copyfile(project / "begroting-2024" / "programmas.csv", package / "begroting-2024" / "programmas.csv")
    (package / "begroot.toml").write_text(
        '[organisation]\nname = "Gemeente Voorbeeld"\n\n[[editions]]\nid = "begroting-2024"\nyear = 2024\n\n'
        '[[editions.finance]]\ndatapackage = "open-data/datapackage.json"\n', encoding="utf-8")
    before = load_project(package)
    assert before.problems.errors == []
    lines = package / "begroting-2024" / "open-data" / "financien.csv"
    text = lines.read_text(encoding="utf-8")
    assert "5432000.00" in text
    lines.write_text(text.replace("5432000.00", "6432000.00"), encoding="utf-8")  # same size
    after = load_project(package)
    assert after.figures["begroting-2024"].grand().lasten - before.figures["begroting-2024"].grand().lasten == 1_000_000


def test_a_later_build_without_source_date_epoch_makes_no_workbook_again(demo_dir, tmp_path, fresh_cache,
                                                                        monkeypatch):
    """Workbooks are dated by the export (for a comparison: the latest of its editions), not by
    the build, so a build at another time finds them all in the cache."""
    import datetime as dt

    import begroot.build
    import begroot.publish.downloads

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    monkeypatch.setattr(begroot.build, "build_time", lambda: dt.datetime(2030, 1, 1, 12, 0, 0))
    build(demo_dir, tmp_path / "first")
    monkeypatch.setattr(begroot.build, "build_time", lambda: dt.datetime(2030, 1, 2, 8, 30, 0))

    def refuse(*args, **kwargs):
        raise AssertionError("a workbook made again although its table did not change")

    monkeypatch.setattr(begroot.publish.downloads, "write_xlsx", refuse)
    build(demo_dir, tmp_path / "second")
    assert "gebouwd op 02/01/2030 08:30:00" in (tmp_path / "second" / "vergelijk" / "index.html").read_text(encoding="utf-8")


def test_an_edition_keeps_its_lines_exactly_in_the_cache():
    """An edition's lines go into the cache as Parquet and come back with the same values and
    types; lines that would come back with other types are a miss, never a changed frame."""
    import pickle

    import polars as pl

    from begroot.errors import Problems
    from begroot.model import LINE_SCHEMA
    from begroot.project import EditionCore

    lines = pl.DataFrame({"programme": ["1", None], "taakveld": ["0.4", "6.71a"], "categorie": [None, "3.4.1"],
                          "kind": ["lasten", "baten"], "year": [2024, 2025], "column": ["begroting", "realisatie"],
                          "cents": [-1, 9_223_372_036_854_775_807], "file": ["f.csv", "f.csv"], "row": [2, 3]},
                         schema=LINE_SCHEMA)
    core = EditionCore(programmes={}, lines=lines, indicators=[], sources=[], exported_at=None, problems=Problems())
    back = pickle.loads(pickle.dumps(core))
    assert back.lines.equals(lines) and back.lines.schema == lines.schema
    state = core.__getstate__()
    state["lines"] = (state["lines"][0], [(name, pl.Int64 if name == "year" else t) for name, t in lines.schema.items()])
    with pytest.raises(ValueError):
        EditionCore.__new__(EditionCore).__setstate__(state)


def test_a_fresh_process_does_not_parse_unchanged_texts_again(demo_dir, tmp_path, fresh_cache, monkeypatch):
    """The texts (and their goals) of an earlier build come from the build cache: a load with a new
    LoadCache, as a new process has, parses only the text whose bytes changed, and gives the same."""
    import begroot.goals
    import begroot.read.texts
    from begroot.project import LoadCache, load_project

    project = tmp_path / "demo"
    shutil.copytree(demo_dir, project)
    parsed: list[str] = []
    read_opened, goals_of_file = begroot.read.texts._read_opened, begroot.goals.goals_of_file

    def counted(project_, path, *args, **kwargs):
        parsed.append(path.name)
        return read_opened(project_, path, *args, **kwargs)

    goals_read: list[str] = []
    monkeypatch.setattr(begroot.read.texts, "_read_opened", counted)
    monkeypatch.setattr(begroot.goals, "goals_of_file",
                        lambda project_, path, problems: goals_read.append(path.name) or goals_of_file(project_, path, problems))

    def load():
        parsed.clear()
        goals_read.clear()
        loaded = load_project(project, cache=LoadCache())
        return loaded, [(e.id, e.texts, e.goals) for e in loaded.budget.editions]

    first, texts = load()
    assert len(parsed) == len(list(project.rglob("*.md"))) and goals_read
    again, same = load()
    assert parsed == [] and goals_read == [] and same == texts
    assert [str(p) for p in again.problems.items] == [str(p) for p in first.problems.items]

    text = project / "begroting-2016" / "teksten" / "inleiding.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEen nieuwe zin over zwembadtegels.\n", encoding="utf-8")
    _, edited = load()
    assert parsed == ["inleiding.md"] and goals_read == ["inleiding.md"]
    assert any("zwembadtegels" in t.html for _, ts, _ in edited for t in ts)
    _, edited_again = load()
    assert parsed == [] and edited_again == edited

    # a text that shows an image depends on the image's file too: it is always read afresh
    picture = project / "begroting-2016" / "teksten" / "plaatje.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 64)
    text.write_text(text.read_text(encoding="utf-8") + "\n![Een plaatje](plaatje.png)\n", encoding="utf-8")
    load()
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"2" * 64)
    _, shown = load()
    assert parsed == ["inleiding.md"]
    images = [data for _, ts, _ in shown for t in ts for _, data in t.images]
    assert images == [b"\x89PNG\r\n\x1a\n" + b"2" * 64]


def test_a_build_after_a_text_edit_reads_no_editions_lines(demo_dir, tmp_path, fresh_cache, monkeypatch):
    """The lines of an edition from the build cache are read into a frame only when used: after a
    text edit, nothing needs them (figures, pages, the comparisons' money and the downloads are
    in the cache or the previous site), and the site is still the one a build without the cache makes."""
    import pickle

    from begroot.model import StoredLines
    from begroot.project import EditionCore

    project, site = tmp_path / "demo", tmp_path / "site"
    shutil.copytree(demo_dir, project)
    build(project, site)
    text = project / "begroting-2016" / "teksten" / "inleiding.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEen nieuwe zin over zwembadtegels.\n", encoding="utf-8")
    read: list[bytes] = []
    frame = StoredLines.frame
    monkeypatch.setattr(StoredLines, "frame", lambda self: read.append(self.data) or frame(self))
    result = build(project, site)
    assert read == []
    # an unread edition stored again keeps its bytes as they were, and reads back to the same frame
    core = pickle.loads(pickle.dumps(EditionCore(programmes={}, lines=result.loaded.budget.editions[0].__dict__["_lines"],
                                                 indicators=[], sources=[], exported_at=None, problems=None)))
    assert read == [] and isinstance(core.__dict__["_lines"], StoredLines)
    assert core.lines.equals(result.loaded.budget.editions[0].lines) and len(read) == 2
    monkeypatch.setenv("BEGROOT_CACHE_DIR", "off")
    build(project, tmp_path / "without")
    assert same_tree(site, tmp_path / "without") == []


def test_serve_does_not_read_unchanged_texts_again_for_the_build_cache(demo_dir, tmp_path, fresh_cache, monkeypatch):
    """Under serve (one LoadCache for every rebuild) a text file unchanged since the last rebuild
    is known by its date and size, as before the build cache kept texts: not read, not looked up;
    the build cache's texts are looked up by the first load only (an edited text is read as
    without the build cache: looking every text up again cost a rebuild about 40 ms)."""
    import begroot.paths
    from begroot import cache as disk
    from begroot.project import LoadCache, load_project

    project = tmp_path / "demo"
    shutil.copytree(demo_dir, project)
    kept = LoadCache()
    load_project(project, cache=kept)
    opened: list[str] = []
    looked_up: list[str] = []
    read_inside, get_object = begroot.paths.read_inside, disk.get_object
    monkeypatch.setattr(begroot.paths, "read_inside", lambda root, path: opened.append(path.name) or read_inside(root, path))
    monkeypatch.setattr(disk, "get_object", lambda kind, address: looked_up.append(kind) or get_object(kind, address))
    load_project(project, cache=kept)
    assert [name for name in opened if name.endswith(".md")] == [] and "texts" not in looked_up
    text = project / "begroting-2016" / "teksten" / "inleiding.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEen nieuwe zin.\n", encoding="utf-8")
    loaded = load_project(project, cache=kept)
    assert [name for name in opened if name.endswith(".md")] == [] and "texts" not in looked_up
    assert any("Een nieuwe zin." in t.html for e in loaded.budget.editions for t in e.texts)
