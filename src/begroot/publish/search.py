"""The full-text search index, built with Pagefind over the finished pages (Dutch stemming comes
from the pages' ``lang="nl"``). The index is static files under ``pagefind/``: searching needs no
server and no other host.

There is one Pagefind index per edition (``pagefind/editie/<edition id>/``) and one for the pages
of no edition (``pagefind/`` itself: the home page, the colophon; it holds Pagefind's script and
WebAssembly too). The search page loads the latter and merges the editions' into it in the
browser (Pagefind's ``mergeIndex``). Each index records a digest of the pages it was made from;
a build whose pages of an edition are the same bytes as those the previous site's index of that
edition was made from links that index's files instead of running Pagefind again, so an edit
re-indexes only the edition it touched."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import BegrootError
from .reuse import carry, put

# What the index leaves out, so that a result's excerpt is a sentence of the texts and not a run of
# figures: charts (their SVG titles are numbers), the figures in tables (a table's row and column
# headers, i.e. the names of programmes and taakvelden, stay findable), key figures, download
# links, the lists that repeat on every page of an edition (contents, the programmes beside a
# programme, previous/next, breadcrumbs), and the colophon's build time (without SOURCE_DATE_EPOCH
# it changes with every build, and would make the index of the pages of no edition again). The pages keep them; only the index does not see them.
NOT_INDEXED = ", ".join([
    "figure", "td.num", ".key-figures dd", "p.downloads", ".on-this-page", ".programme-aside", ".pager",
    ".section-nav", ".breadcrumbs", "p.built",
])

#: The folder of the editions' indexes in ``pagefind/`` (an edition id never names one of
#: Pagefind's own files or folders there).
EDITIONS_FOLDER = "editie"

#: In each index's folder: the digest of the pages it was made from (see :func:`pages_digest`).
DIGEST_FILE = "begroot-pages.sha256"

#: Beside Pagefind's index: the editions' indexes to merge, and which edition each indexed page
#: belongs to, by Pagefind's page id.
EDITIONS_FILE = "begroot-editions.json"

#: Changes when what an index is made from changes in a way the pages' bytes do not show.
FORMAT = "begroot search index 2"

#: Pagefind marks the pages to index with this attribute (pages without it are not indexed).
BODY = b"data-pagefind-body"

#: What an index merged into another needs (Pagefind's script, worker and WebAssembly are the
#: primary index's); Pagefind's ready-made search interfaces are not used at all.
INDEX_FILES = re.compile(r"pagefind-entry\.json|pagefind\.[^/]*\.pf_meta|(fragment|index|filter)/[^/]+")
PRIMARY_FILES = re.compile(r"pagefind\.js|pagefind-worker\.js|wasm\.[^/]*\.pagefind")


@dataclass
class Group:
    """The pages of one index: an edition's (``edition`` its id) or those of no edition."""

    folder: str          # inside pagefind/: "" or "editie/<id>"
    edition: str | None  # the edition's title
    pages: list[str]     # the pages Pagefind indexes, relative to the site, sorted
    digest: str


def index_site(site: Path, editions: dict[str, str], previous: Path | None = None) -> list[str]:
    """Write ``site/pagefind/``; raise BegrootError when Pagefind fails or is missing.

    ``editions`` maps each edition's id (its folder in the site) to its title. An index whose
    pages are unchanged since the index in ``previous/pagefind/`` (or in ``site/pagefind/`` when
    not given) was made is linked from there. Returns the folders of the indexes Pagefind made
    anew ("" for the pages of no edition).

    The index is written beside the old one and swapped in, so a served site never has a
    half-written index, and files of an old index do not linger.
    """
    fresh, old, final = site / ".pagefind-new", site / ".pagefind-old", site / "pagefind"
    before = (previous if previous is not None else site) / "pagefind"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    made: list[str] = []
    try:
        fresh.mkdir()
        todo, kept = [], []
        for group in groups(site, editions):
            (kept if _same_digest(before / group.folder, group.digest) else todo).append(group)

        def link_kept() -> None:
            for group in kept:
                _link_index(before / group.folder, fresh / group.folder)
            kept.clear()

        # the primary index first (Pagefind writes into its folder); the unchanged indexes are
        # linked while Pagefind makes the first edition's
        for group in todo:
            _pagefind(site, group, fresh / group.folder, meanwhile=link_kept if group.folder else None)
            put(fresh / group.folder / DIGEST_FILE, group.digest + "\n")
            made.append(group.folder)
        link_kept()
        write_editions(fresh, editions)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return made


def groups(site: Path, editions: dict[str, str]) -> list[Group]:
    """The pages of each index, with their digest: first those of no edition, then each edition's."""
    pages: dict[str | None, list[str]] = {}
    for folder, dirs, files in os.walk(site):
        rel = Path(folder).relative_to(site).as_posix()
        if rel == ".":
            rel = ""
            dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("pagefind", "static")]
        dirs.sort()
        top = rel.split("/")[0] if rel else None
        for name in sorted(files):
            if name.endswith(".html"):
                pages.setdefault(top if top in editions else None, []).append(f"{rel}/{name}" if rel else name)
    out = []
    for edition in [None, *sorted(editions)]:
        digest = hashlib.sha256(f"{FORMAT}\n{_pagefind_version()}\n{NOT_INDEXED}\n{edition}\n".encode())
        indexed = []
        for page in sorted(pages.get(edition, [])):
            data = (site / page).read_bytes()
            if BODY in data:
                indexed.append(page)
                digest.update(f"{page}\n".encode() + hashlib.sha256(_indexed_part(data)).digest())
        if indexed:
            out.append(Group(f"{EDITIONS_FOLDER}/{edition}" if edition else "",
                             editions[edition] if edition else None, indexed, digest.hexdigest()))
    return out


def _indexed_part(data: bytes) -> bytes:
    """What of a page Pagefind reads: its ``<html>`` tag (the language) and its body, from the
    element marked ``data-pagefind-body`` (with its metadata) to ``</main>``. The footer, which
    says when the page was built, is not part of it: an edition's pages built again from the
    same input are the same for the index even without SOURCE_DATE_EPOCH."""
    html = data.find(b"<html")
    start = data[html:data.find(b">", html) + 1] if html >= 0 else b""
    at = data.find(BODY)
    end = data.rfind(b"</main>")
    # the figures in tables are left out of the index (NOT_INDEXED: td.num), so they are left out
    # here too: the downloads page shows its files' sizes once they are written, which may be
    # after the index was made (under serve, after the PDF)
    return _BUILT.sub(b"", _FIGURE_CELL.sub(rb"\1\2", start + data[at:end if end > at else len(data)]))


#: A table cell of figures (``<td class="num">…</td>``), as NOT_INDEXED's ``td.num`` selects it.
_FIGURE_CELL = re.compile(rb'(<td\b[^>]*\bclass="(?:[^"]*\s)?num(?:\s[^"]*)?"[^>]*>).*?(</td>)', re.S)

#: The colophon's build time (``<p class="built">…</p>``), as NOT_INDEXED's ``p.built`` selects it.
_BUILT = re.compile(rb'<p class="built">.*?</p>', re.S)


def _pagefind_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind_bin")
    except PackageNotFoundError:
        return "unknown"


def _glob(pages: list[str]) -> str:
    """A Pagefind glob that matches exactly these pages."""
    return "{" + ",".join(re.sub(r"([\\{}\[\]*?,!])", r"\\\1", p) for p in pages) + "}"


def _pagefind(site: Path, group: Group, target: Path, meanwhile: Callable[[], None] | None = None) -> None:
    """Index the group's pages into ``target`` with Pagefind; keep only the files the search
    page uses. ``meanwhile`` is done while Pagefind runs."""
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", _glob(group.pages),
             "--output-path", str(target), "--exclude-selectors", NOT_INDEXED, "--silent"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise BegrootError(f"the search index could not be built: {exc}") from None
    try:
        if meanwhile is not None:
            meanwhile()
        stdout, stderr = process.communicate(timeout=900)
    except subprocess.TimeoutExpired as exc:
        raise BegrootError(f"the search index could not be built: {exc}") from None
    finally:
        if process.poll() is None:  # an error meanwhile, or the time is up: Pagefind is done with the folder
            process.kill()
            process.communicate()
    if process.returncode != 0:
        detail = (stderr or stdout).strip().splitlines()
        raise BegrootError("the search index could not be built: " + (detail[-1] if detail else "pagefind failed")
                           + " (is the package pagefind[bin] installed?)")
    for path in _files(target):
        name = path.relative_to(target).as_posix()
        if not (INDEX_FILES.fullmatch(name) or (not group.folder and PRIMARY_FILES.fullmatch(name))):
            path.unlink()


def _files(folder: Path) -> list[Path]:
    """The files of one index (not those of the indexes in its sub-folders)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and p.relative_to(folder).parts[0] not in (EDITIONS_FOLDER, EDITIONS_FILE))


def _same_digest(old: Path, digest: str) -> bool:
    """Whether the index in ``old`` was made from the same pages (its digest is ``digest``)."""
    try:
        return (old / DIGEST_FILE).read_text(encoding="utf-8").strip() == digest
    except OSError:
        return False


def _link_index(old: Path, target: Path) -> None:
    """Link the files of the index in ``old`` (and its digest) into ``target``."""
    for path in _files(old):
        name = path.relative_to(old)
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        carry(path, target / name)


def write_editions(index: Path, editions: dict[str, str]) -> None:
    """Write ``begroot-editions.json``: the editions' indexes to merge ({folder: edition title})
    and {page id: edition title}, so that the search page can put the newest edition first and
    search one edition.

    (Pagefind's own filters would do this too, but their files differ from one run to the next,
    and the same input must give the same site.)"""
    indexes, pages = {}, {}
    for edition_id, title in sorted(editions.items()):
        folder = index / EDITIONS_FOLDER / edition_id
        if not (folder / "pagefind-entry.json").is_file():
            continue
        indexes[f"{EDITIONS_FOLDER}/{edition_id}/"] = title
        for fragment in sorted((folder / "fragment").glob("*.pf_fragment")):
            pages[fragment.name.removesuffix(".pf_fragment")] = title
    put(index / EDITIONS_FILE, json.dumps({"indexes": indexes, "pages": pages}, ensure_ascii=False,
                                          sort_keys=True, indent=0) + "\n")

