"""Rebuilds under serve re-read and re-render only what changed, and end up identical to a full build."""

import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from begroot.build import BuildState, build

from .conftest import GOOD_FINANCE, PROGRAMMES_CSV, write_project


def digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": "Eerste tekst.\n",
        "begroting-2024/teksten/2.1-doelstelling.md": "Onderwijs.\n"})


def test_text_edit_rewrites_only_its_page_and_matches_a_full_build(project, tmp_path):
    state, site = BuildState(), tmp_path / "site"
    build(project, site, state=state)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("index.html")}
    (project / "begroting-2024" / "teksten" / "1-doelstelling.md").write_text("Tweede tekst.\n", encoding="utf-8")
    result = build(project, site, state=state)
    changed = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                     if p.stat().st_mtime_ns != before[p])
    # the programme page, the downloads page (the PDF holds the texts: its size is shown again),
    # plus the two pages that are always written (colophon, statement)
    assert changed == ["begroting-2024/downloads/index.html", "begroting-2024/programma/1-veiligheid/index.html",
                       "over/index.html", "over/toegankelijkheid/index.html"]
    assert "Tweede tekst." in (site / "begroting-2024/programma/1-veiligheid/index.html").read_text(encoding="utf-8")
    assert result.pages == len(before)
    state.indexing.join()  # the served site's search index is rebuilt in the background
    build(project, tmp_path / "full")
    assert digest(site) == digest(tmp_path / "full")


def test_finance_edit_and_removed_programme(project, tmp_path):
    state, site = BuildState(), tmp_path / "site"
    build(project, site, state=state)
    (project / "begroting-2024" / "financien.csv").write_text(GOOD_FINANCE.replace("2.500", "2.600"), encoding="utf-8")
    (project / "begroting-2024" / "programmas.csv").write_text(
        PROGRAMMES_CSV.replace("OH;Overhead;;0.4;overzicht\n", "OH;Overhead en ondersteuning;;0.4;overzicht\n"),
        encoding="utf-8")
    build(project, site, state=state)
    assert not (site / "begroting-2024/programma/oh-overhead/index.html").exists()
    assert (site / "begroting-2024/programma/oh-overhead-en-ondersteuning/index.html").exists()
    state.indexing.join()
    build(project, tmp_path / "full")
    assert digest(site) == digest(tmp_path / "full")


def test_unchanged_inputs_are_not_read_again(project, tmp_path, monkeypatch):
    state, site = BuildState(), tmp_path / "site"
    build(project, site, state=state)
    import begroot.project as project_module

    calls = []
    original = project_module._load_core
    monkeypatch.setattr(project_module, "_load_core", lambda *a: calls.append(a) or original(*a))
    (project / "begroting-2024" / "teksten" / "1-doelstelling.md").write_text("Derde.\n", encoding="utf-8")
    build(project, site, state=state)
    assert calls == []  # only the text was read again


def test_a_table_that_is_gone_leaves_no_files(project, tmp_path):
    """A page that loses a table (here its deelprogramma's) loses that table's downloads too."""
    state, site = BuildState(), tmp_path / "site"
    build(project, site, state=state)
    page = site / "begroting-2024" / "programma" / "2-sociaal"
    assert sorted(p.name for p in page.glob("deelprogrammas.*")) == ["deelprogrammas.csv"]
    assert "deelprogrammas" in load_workbook(page / "tabellen.xlsx", read_only=True).sheetnames
    assert "deelprogrammas" in json.loads((page / "tabellen.json").read_text(encoding="utf-8"))
    (project / "begroting-2024" / "programmas.csv").write_text(
        PROGRAMMES_CSV.replace("2.1;Onderwijs;2;", "2.1;Onderwijs;;").replace("2.2;Zorg;2;", "2.2;Zorg;;"),
        encoding="utf-8")
    build(project, site, state=state)
    state.indexing.join()  # under serve, the workbooks and images are made in the background, and
    # the files that are gone removed after that work (which could write them)
    assert list(page.glob("deelprogrammas.*")) == []
    assert (page / "grafiek.svg").exists()
    assert load_workbook(page / "tabellen.xlsx", read_only=True).sheetnames == ["cijfers"]
    assert list(json.loads((page / "tabellen.json").read_text(encoding="utf-8"))) == ["cijfers"]
    build(project, tmp_path / "full")
    assert digest(site) == digest(tmp_path / "full")


def test_comparisons_reuse_each_editions_money_after_a_text_edit(tmp_path, monkeypatch):
    """A text edit re-renders the comparison pages of its edition, but each edition's money per
    programme and taakveld (a pass over all its lines) is kept; a data edit computes it again."""
    from tests.test_compare import _project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = _project(tmp_path / "p")
    (project / "begroting-2025" / "teksten").mkdir()
    text = project / "begroting-2025" / "teksten" / "1-doelstelling.md"
    text.write_text("Veilig wonen.\n", encoding="utf-8")
    state, site = BuildState(), tmp_path / "site"
    build(project, site, state=state)
    before = {k: v[1] for k, v in state.render.sides.items()}
    assert set(before) == {"begroting-2024", "begroting-2025"}
    text.write_text("Veilig wonen en werken.\n", encoding="utf-8")
    build(project, site, state=state)
    page = (site / "vergelijk" / "begroting-2024" / "begroting-2025" / "teksten" / "index.html").read_text(encoding="utf-8")
    assert "werken" in page                                        # the texts' page was rendered again
    assert all(state.render.sides[k][1] is v for k, v in before.items())  # with the same sides
    finance = project / "begroting-2025" / "financien.csv"
    finance.write_text(finance.read_text(encoding="utf-8").replace("1.100,00", "1.200,00"), encoding="utf-8")
    build(project, site, state=state)
    assert state.render.sides["begroting-2025"][1] is not before["begroting-2025"]
    assert state.render.sides["begroting-2024"][1] is before["begroting-2024"]
    state.indexing.join()   # the search index, workbooks and images of a preview are made in the background
    full = tmp_path / "full"
    build(project, full)
    assert digest(site) == digest(full)                            # and the result is a full build's
