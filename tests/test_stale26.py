"""A rebuild publishes nothing of an earlier input: after one input changed, the rebuilt site
(with the build cache, from the previous site, or under ``begroot serve``) is the site a cold
build of the changed project gives, byte for byte."""

import hashlib
import os
import struct
import zlib
from pathlib import Path

import pytest

from begroot.build import BuildState, build
from begroot.publish.reuse import put, reusing

from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, PROGRAMMES_CSV, write_project


def test_a_file_put_twice_with_the_old_sites_bytes_leaves_no_file_aside(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "index.html").write_text("<p>downloads</p>", encoding="utf-8")
    with reusing(new, old):
        put(new / "index.html", "<p>downloads</p>")  # a page written again once its files' sizes are known
        put(new / "index.html", "<p>downloads</p>")
    assert sorted(p.name for p in new.iterdir()) == ["index.html"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return write_project(tmp_path / "p", finance=GOOD_FINANCE, toml=BASE_TOML + LONG_SOURCE + OLD_EDITION, files={
        "begroting-2024/teksten/1-doelstelling.md": "Eerste tekst.\n",
        "begroting-2016/programmas.csv": PROGRAMMES_CSV, "begroting-2016/teksten/inleiding.md": "Oud.\n"})


OLD_EDITION = """
[[editions]]
id = "begroting-2016"
year = 2016
text_only = true
"""


def digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def folders(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir())


def served(project: Path, site: Path, change) -> BuildState:
    """Build as ``begroot serve`` does, change the project, and rebuild (background work done)."""
    state = BuildState()
    build(project, site, state=state)
    state.indexing and state.indexing.join()
    change()
    build(project, site, state=state)
    state.indexing and state.indexing.join()
    return state


def cold(project: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("BEGROOT_CACHE_DIR", "off")
    build(project, tmp_path / "cold")
    return tmp_path / "cold"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_serve_removes_the_pdfs_once_pdf_is_turned_off(project, tmp_path, monkeypatch):
    site = tmp_path / "site"
    served(project, site, lambda: edit(project / "begroot.toml", "[[editions]]", "[site]\npdf = false\n\n[[editions]]"))
    assert not (site / "begroting-2024" / "downloads" / "begroting-2024.pdf").exists()
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))


def test_serve_removes_the_downloads_and_folders_of_an_edition_removed(project, tmp_path, monkeypatch):
    site = tmp_path / "site"
    served(project, site, lambda: edit(project / "begroot.toml", OLD_EDITION, ""))
    assert not (site / "begroting-2016").exists()
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))
    assert folders(site) == folders(tmp_path / "cold")


def png(red: int) -> bytes:
    """A PNG of one pixel, of the same size for every ``red``."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = zlib.compress(bytes([0, red, 0, 0]), 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def test_serve_shows_an_image_replaced_under_the_same_name(project, tmp_path, monkeypatch):
    picture = project / "begroting-2024" / "teksten" / "kaart.png"
    picture.write_bytes(png(1))
    edit(project / "begroting-2024" / "teksten" / "1-doelstelling.md", "Eerste tekst.", "Eerste tekst.\n\n![Kaart](kaart.png)")
    site = tmp_path / "site"
    served(project, site, lambda: picture.write_bytes(png(2)))
    shown = [p.read_bytes() for p in (site / "media").iterdir()]
    assert shown == [png(2)]
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))


def test_serve_shows_an_image_once_its_file_is_added(project, tmp_path, monkeypatch):
    edit(project / "begroting-2024" / "teksten" / "1-doelstelling.md", "Eerste tekst.", "Eerste tekst.\n\n![Kaart](kaart.png)")
    site = tmp_path / "site"
    picture = project / "begroting-2024" / "teksten" / "kaart.png"
    served(project, site, lambda: picture.write_bytes(png(1)))
    assert [p.read_bytes() for p in (site / "media").iterdir()] == [picture.read_bytes()]
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))


def same_size_and_time(path: Path, old: str, new: str) -> None:
    """Other bytes in ``path``, of the same size and with the same modification time (an editor
    that keeps the time, a copy with ``cp -p``, a checkout within the clock's resolution)."""
    stamp = path.stat()
    edit(path, old, new)
    assert path.stat().st_size == stamp.st_size
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))


def test_serve_reads_a_finance_file_of_the_same_size_and_time_again(project, tmp_path, monkeypatch):
    site = tmp_path / "site"
    served(project, site, lambda: same_size_and_time(project / "begroting-2024" / "financien.csv",
                                                     "4.2;Lasten;3.000", "4.2;Lasten;9.000"))
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))


def test_serve_reads_a_text_of_the_same_size_and_time_again(project, tmp_path, monkeypatch):
    site = tmp_path / "site"
    served(project, site, lambda: same_size_and_time(project / "begroting-2024" / "teksten" / "1-doelstelling.md",
                                                     "Eerste", "Eeuwig"))
    assert "Eeuwig" in (site / "begroting-2024" / "programma" / "1-veiligheid" / "index.html").read_text("utf-8")
    assert digest(site) == digest(cold(project, tmp_path, monkeypatch))
