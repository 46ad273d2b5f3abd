"""A rebuild into the folder of a previous site links the files whose bytes did not change from it
(begroot.publish.reuse), writes the others, never writes into a file the old site holds, and
gives the same site as a cold build."""

import errno
import hashlib
import os
from pathlib import Path

import pytest

from begroot.build import BuildState, build

from .conftest import GOOD_FINANCE, write_project

TEXT = "begroting-2024/teksten/1-doelstelling.md"
PAGE = "begroting-2024/programma/1-veiligheid/index.html"


def digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        TEXT: "Eerste tekst.\n", "begroting-2024/teksten/2.1-doelstelling.md": "Onderwijs.\n"})


def cold(project: Path, tmp_path: Path, monkeypatch) -> Path:
    """The site built from nothing: a new folder and an empty build cache."""
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(tmp_path / "cold-cache"))
    build(project, tmp_path / "cold")
    return tmp_path / "cold"


def test_rebuild_links_unchanged_files_and_writes_the_edited_page(project, tmp_path, monkeypatch):
    site = tmp_path / "site"
    build(project, site)
    before, old = inodes(site), digest(site)
    os.link(site / PAGE, tmp_path / "old-page.html")  # a name of its own for the old page's file
    (project / TEXT).write_text("Tweede tekst.\n", encoding="utf-8")
    build(project, site)
    after, new = inodes(site), digest(site)
    same = {name for name in new if old.get(name) == new[name]}
    linked = {name for name in same if after[name] == before[name]}
    # every unchanged file of the site is the old site's file, but those of the edited edition's
    # search index, which Pagefind made anew (the index of the pages of no edition is linked)
    assert same - linked == {name for name in same if name.startswith("pagefind/editie/begroting-2024/")}
    assert "pagefind/pagefind.js" in linked
    assert len(linked) > 50 and f"begroting-2024/downloads/financien.csv" in linked
    assert after[PAGE] != before[PAGE] and "Tweede tekst." in (site / PAGE).read_text(encoding="utf-8")
    # the old site's file was replaced, not written into
    assert "Eerste tekst." in (tmp_path / "old-page.html").read_text(encoding="utf-8")
    assert new == digest(cold(project, tmp_path, monkeypatch))


def test_a_file_changed_by_hand_in_the_old_site_is_not_carried_over(project, tmp_path, monkeypatch):
    site = tmp_path / "site"
    build(project, site)
    table = next(site.glob("begroting-2024/*.csv"))
    name = table.relative_to(site).as_posix()
    original = table.read_bytes()
    # the same size, changed where it stands (the file's time kept): only its bytes tell
    stamp = table.stat()
    with open(table, "r+b") as f:
        f.write(b"X")
    os.utime(table, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    changed_ino = table.stat().st_ino
    build(project, site)
    assert (site / name).read_bytes() == original
    assert (site / name).stat().st_ino != changed_ino
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))


def test_when_linking_fails_every_file_is_written(project, tmp_path, monkeypatch):
    site = tmp_path / "site"
    build(project, site)
    before = inodes(site)

    def refuse(*args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    build(project, site)
    after = inodes(site)
    assert not set(after.items()) & set(before.items())
    monkeypatch.undo()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))


def test_serve_rebuild_replaces_files_instead_of_writing_into_them(project, tmp_path):
    """Under serve the site is updated where it stands: a file shared with another folder (as one
    linked from a previous site is) must keep its bytes there."""
    state, site = BuildState(), tmp_path / "site"
    build(project, site, state=state)
    state.indexing and state.indexing.join()
    table = next(site.glob("begroting-2024/programma/1-veiligheid/*.csv"))
    os.link(table, tmp_path / "shared.csv")
    kept = table.read_bytes()
    (project / "begroting-2024" / "financien.csv").write_text(GOOD_FINANCE.replace("1.000,50", "1.100,50"), encoding="utf-8")
    build(project, site, state=state)
    if state.indexing is not None:
        state.indexing.join()
    assert table.read_bytes() != kept  # the page's table changed...
    assert (tmp_path / "shared.csv").read_bytes() == kept  # ...in a new file


def test_unchanged_lines_files_are_linked_without_being_made(project, tmp_path, monkeypatch):
    """financien.csv and financien.parquet of an edition whose data did not change are linked from
    the previous site by the sizes and digests the build cache recorded, without making them; a
    file changed by hand since is made again."""
    import begroot.publish.downloads as downloads

    made: list[str] = []
    write_lines = downloads._write_lines
    monkeypatch.setattr(downloads, "_write_lines", lambda lines, folder: made.append(folder.parent.name)
                        or write_lines(lines, folder))
    site = tmp_path / "site"
    build(project, site)
    assert made == ["begroting-2024"]
    before = inodes(site)
    (project / TEXT).write_text("Tweede tekst.\n", encoding="utf-8")
    made.clear()
    build(project, site)
    assert made == []
    csv = "begroting-2024/downloads/financien.csv"
    assert inodes(site)[csv] == before[csv]
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))

    # the same size, changed where it stands: its digest tells, and it is made again
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(tmp_path / "cache"))
    build(project, site)
    original = (site / csv).read_bytes()
    with open(site / csv, "r+b") as f:
        f.write(b"X")
    made.clear()
    build(project, site)
    assert made == ["begroting-2024"] and (site / csv).read_bytes() == original
