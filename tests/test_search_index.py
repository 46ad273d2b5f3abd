"""The search index: one Pagefind index per edition and one for the pages of no edition, merged
by the search page; which edition each indexed page belongs to; and after an edit only the
index of the edition whose pages changed is made again."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

from begroot.build import build
from begroot.publish import search

TITLES = {"begroting-2016": "Begroting 2016", "begroting-2023": "Begroting 2023",
          "jaarstukken-2023": "Jaarstukken 2023", "begroting-2024": "Begroting 2024"}


def fragments(index: Path) -> dict[str, str]:
    """{page id: URL} of one index's pages."""
    urls = {}
    for fragment in (index / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        urls[fragment.name.removesuffix(".pf_fragment")] = data["url"]
    return urls


def test_each_edition_has_an_index_of_its_own_pages_merged_by_the_search_page(demo_built):
    site, _ = demo_built
    info = json.loads((site / "pagefind" / search.EDITIONS_FILE).read_text(encoding="utf-8"))
    assert info["indexes"] == {f"editie/{edition}/": title for edition, title in TITLES.items()}
    mapped = {}
    for edition, title in TITLES.items():
        urls = fragments(site / "pagefind" / "editie" / edition)
        assert urls and all(url.startswith(f"/{edition}/") for url in urls.values()), urls
        mapped.update({page_id: title for page_id in urls})
        # an edition's index is merged into the first: Pagefind's script and WebAssembly are not repeated
        assert not list((site / "pagefind" / "editie" / edition).glob("*.js"))
    assert info["pages"] == mapped
    # the pages of no edition are in the index the search page loads first
    rest = fragments(site / "pagefind")
    assert "/" in rest.values() and "/over/" in rest.values()
    assert not any(url.strip("/").split("/")[0] in TITLES for url in rest.values())
    assert (site / "pagefind" / "pagefind.js").is_file() and not (site / "pagefind" / "pagefind-ui.js").exists()
    # comparisons are not indexed: each text would be found again in every comparison with its edition
    assert not any(url.startswith("/vergelijk/") and url != "/vergelijk/" for url in rest.values())
    assert "/vergelijk/" in rest.values()


def index_files(site: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(site / "pagefind").as_posix(): (p.stat().st_ino, p.read_bytes())
            for p in sorted((site / "pagefind").rglob("*")) if p.is_file()}


def test_after_an_edit_only_the_edited_editions_index_is_made_again(demo_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(tmp_path / "cache"))
    project, site = tmp_path / "demo", tmp_path / "site"
    shutil.copytree(demo_dir, project)
    made: list[list[str]] = []
    index_site = search.index_site
    monkeypatch.setattr("begroot.build.index_site", lambda *a, **k: made.append(index_site(*a, **k)) or made[-1])

    build(project, site)
    assert made[-1] == ["", *(f"editie/{e}" for e in sorted(TITLES))]  # a first build makes every index
    before = index_files(site)
    text = project / "begroting-2016" / "teksten" / "inleiding.md"
    original = text.read_text(encoding="utf-8")
    text.write_text(original + "\nEen nieuwe zin over zwembadtegels.\n", encoding="utf-8")
    build(project, site)
    assert made[-1] == ["editie/begroting-2016"]  # Pagefind ran once, for the edited edition
    after = index_files(site)
    for name, (inode, data) in after.items():
        if name.startswith("editie/begroting-2016/") or name == search.EDITIONS_FILE:
            continue
        assert before[name] == (inode, data), name  # the other indexes are the previous site's files
    edited = {n for n in after if n.startswith("editie/begroting-2016/fragment/")}
    assert edited != {n for n in before if n.startswith("editie/begroting-2016/fragment/")}
    assert any(b"zwembadtegels" in gzip.decompress(after[n][1]) for n in edited)

    # the same input gives the same index, whether made anew or partly linked
    text.write_text(original, encoding="utf-8")
    build(project, site)
    assert made[-1] == ["editie/begroting-2016"]
    again = index_files(site)
    assert {n: d for n, (_, d) in again.items()} == {n: d for n, (_, d) in before.items()}
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(tmp_path / "other-cache"))
    build(project, tmp_path / "fresh")
    assert made[-1] == ["", *(f"editie/{e}" for e in sorted(TITLES))]
    assert {n: d for n, (_, d) in index_files(tmp_path / "fresh").items()} == {n: d for n, (_, d) in before.items()}


def test_an_index_changed_since_its_digest_is_not_linked(tmp_path):
    """The digest decides: an index whose recorded digest is not that of the pages is made anew."""
    site = tmp_path / "site"
    (site / "begroting-2024").mkdir(parents=True)
    page = '<html lang="nl"><body><main data-pagefind-body><h1>{}</h1><p>{}</p></main></body></html>'
    (site / "index.html").write_text(page.format("Home", "Welkom"), encoding="utf-8")
    (site / "begroting-2024" / "index.html").write_text(page.format("Begroting", "Zwembad"), encoding="utf-8")
    editions = {"begroting-2024": "Begroting 2024"}
    assert search.index_site(site, editions) == ["", "editie/begroting-2024"]
    assert search.index_site(site, editions) == []
    digest = site / "pagefind" / "editie" / "begroting-2024" / search.DIGEST_FILE
    digest.write_text("0" * 64 + "\n", encoding="utf-8")
    assert search.index_site(site, editions) == ["editie/begroting-2024"]
    (site / "begroting-2024" / "index.html").write_text(page.format("Begroting", "Sporthal"), encoding="utf-8")
    assert search.index_site(site, editions) == ["editie/begroting-2024"]
    assert not any(p.name.startswith(".pagefind") for p in site.iterdir())
    assert os.listdir(site / "pagefind" / "editie") == ["begroting-2024"]


def test_the_build_time_in_the_footer_does_not_make_an_index_again(tmp_path):
    # without SOURCE_DATE_EPOCH every page's footer says when it was built; Pagefind does not index it
    site = tmp_path / "site"
    (site / "begroting-2024").mkdir(parents=True)
    page = ('<html lang="nl"><body><main data-pagefind-body><h1>{}</h1></main>'
            '<footer>gebouwd op {}</footer></body></html>')
    (site / "index.html").write_text(page.format("Home", "1"), encoding="utf-8")
    (site / "begroting-2024" / "index.html").write_text(page.format("Begroting", "1"), encoding="utf-8")
    editions = {"begroting-2024": "Begroting 2024"}
    assert search.index_site(site, editions) == ["", "editie/begroting-2024"]
    (site / "begroting-2024" / "index.html").write_text(page.format("Begroting", "2"), encoding="utf-8")
    assert search.index_site(site, editions) == []


def test_the_colophons_build_time_does_not_make_the_index_of_no_edition_again(demo_dir, tmp_path, monkeypatch):
    # without SOURCE_DATE_EPOCH the colophon (/over/) says when the site was built, in its body
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("BEGROOT_CACHE_DIR", str(tmp_path / "cache"))
    project, site = tmp_path / "demo", tmp_path / "site"
    shutil.copytree(demo_dir, project)
    made: list[list[str]] = []
    index_site = search.index_site
    monkeypatch.setattr("begroot.build.index_site", lambda *a, **k: made.append(index_site(*a, **k)) or made[-1])
    monkeypatch.setattr("begroot.build.build_time", lambda: dt.datetime(2024, 5, 1, 10, 0, 0))
    build(project, site)
    assert made[-1][0] == ""
    text = project / "begroting-2016" / "teksten" / "inleiding.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nEen nieuwe zin over zwembadtegels.\n", encoding="utf-8")
    monkeypatch.setattr("begroot.build.build_time", lambda: dt.datetime(2024, 5, 1, 10, 0, 7))
    build(project, site)
    assert "2024-05-01T10:00:07" in (site / "over" / "index.html").read_text(encoding="utf-8")
    assert made[-1] == ["editie/begroting-2016"]  # not "" too: the colophon changed only in its build time


def test_the_unchanged_indexes_are_linked_while_pagefind_makes_the_edited_editions(tmp_path, monkeypatch):
    site = tmp_path / "site"
    page = '<html lang="nl"><body><main data-pagefind-body><h1>{}</h1><p>{}</p></main></body></html>'
    editions = {"begroting-2023": "Begroting 2023", "begroting-2024": "Begroting 2024"}
    for folder in ["", *editions]:
        (site / folder).mkdir(parents=True, exist_ok=True)
        (site / folder / "index.html").write_text(page.format(folder or "Home", "Zwembad"), encoding="utf-8")
    assert search.index_site(site, editions) == ["", "editie/begroting-2023", "editie/begroting-2024"]
    before = index_files(site)
    (site / "begroting-2024" / "index.html").write_text(page.format("Begroting", "Sporthal"), encoding="utf-8")
    events: list[str] = []
    popen, link = search.subprocess.Popen, search._link_index

    class Recorded(popen):
        def communicate(self, *args, **kwargs):
            events.append("Pagefind waited for")
            return super().communicate(*args, **kwargs)

    monkeypatch.setattr(search.subprocess, "Popen", lambda *a, **k: events.append("Pagefind started") or Recorded(*a, **k))
    monkeypatch.setattr(search, "_link_index", lambda old, target: events.append(f"linked {old.name}") or link(old, target))
    assert search.index_site(site, editions) == ["editie/begroting-2024"]
    assert events == ["Pagefind started", "linked pagefind", "linked begroting-2023", "Pagefind waited for"]
    after = index_files(site)
    unchanged = [n for n in before if not n.startswith("editie/begroting-2024/") and n != search.EDITIONS_FILE]
    assert {n: after[n] for n in unchanged} == {n: before[n] for n in unchanged}  # the same files (inodes)
