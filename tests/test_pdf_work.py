"""The PDF's work grows with the document, not faster: WeasyPrint's tagging reads pydyf's
``page_references`` (a tuple of every page, built anew on each read) once per element of the
structure tree, which made a 2,000-page PDF take minutes; and Python's garbage collector kept
walking the growing heap while WeasyPrint built the document. Asserted on work counted, not time."""

import datetime as dt
import gc

import pytest

pydyf = pytest.importorskip("pydyf")
pytest.importorskip("weasyprint")

from .conftest import with_pdf_engine  # noqa: E402


def test_cached_page_references_are_the_same_as_pydyfs_as_pages_are_added():
    from begroot.publish.pdf import install_page_references_cache

    install_page_references_cache()
    pdf = pydyf.PDF()
    for n in range(1, 6):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference}))
        expected = tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])
        assert pdf.page_references == expected and len(expected) == n
        assert pdf.page_references is pdf.page_references  # kept while the pages stay the same


def test_edition_pdf_builds_the_page_references_once_per_page_with_the_collector_paused(
        demo_dir, tmp_path, monkeypatch):
    from begroot import cache
    from begroot.project import load_project
    from begroot.publish.pdf import write_pdf

    monkeypatch.setattr(cache, "get", lambda kind, address: None)  # made, not taken from the cache
    monkeypatch.setattr(cache, "put", lambda kind, address, data: None)
    builds: list[tuple[int, bool]] = []  # (pages then, collector enabled then), per tuple built
    original = pydyf.PDF.page_references

    def counting(self):
        builds.append((len(self.pages["Kids"]) // 3, gc.isenabled()))
        return original.fget(self)

    monkeypatch.setattr(pydyf.PDF, "page_references", property(counting))
    loaded = load_project(demo_dir)
    assert gc.isenabled()
    budget = with_pdf_engine(loaded.budget, "weasyprint")  # WeasyPrint's work, measured here
    target = write_pdf(budget, loaded.figures, "begroting-2024", tmp_path / "b.pdf", dt.datetime(2024, 1, 1))
    assert target.read_bytes().startswith(b"%PDF-")  # tagged: see test_pdf.py
    pages = max(p for p, _ in builds)
    # once per number of pages seen (tagging and the outline read it thousands of times: before
    # this, each read built it)
    assert pages >= 10 and len(builds) <= len({p for p, _ in builds}) <= pages + 1
    assert not any(enabled for _, enabled in builds)  # the collector was paused while the PDF was made
    assert gc.isenabled()  # and runs again afterwards


def test_collector_stays_off_when_it_was_off():
    from begroot.publish.pdf import lean_weasyprint

    gc.disable()
    try:
        with lean_weasyprint():
            with lean_weasyprint():  # a second PDF made meanwhile (serve's background thread)
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with lean_weasyprint():
        with lean_weasyprint():
            pass
        assert not gc.isenabled()  # the outer PDF is still being made
    assert gc.isenabled()
