"""An edition's downloads: the PDF and the open data (CSV, Parquet, XLSX, JSON, Fiscal Data Package)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import EditionData
from ..page import Page, PageSpec

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec(f"{e.id}/downloads", site.edition_digest(e), lambda e=e: view(site, e))
            for e in site.editions_sorted() if site.has_figures(e) or site.config.site.pdf]


def view(site: Site, edition: EditionData) -> Page:
    t = site.t
    files = [
        ("financien.csv", "CSV", t["dl_lines"]), ("financien.parquet", "Parquet", t["dl_lines"]),
        ("begroting.xlsx", "XLSX", t["dl_xlsx"]), ("begroting.json", "JSON", t["dl_json"]),
        ("programmas.csv", "CSV", t["dl_programmes"]), ("taakvelden.csv", "CSV", t["dl_taakvelden"]),
        ("datapackage.json", "Fiscal Data Package", t["dl_fdp"]),
    ]
    has_figures = site.has_figures(edition)
    if not has_figures:
        files = []  # a text-only edition: only the PDF
    if site.config.site.pdf:
        files.insert(0, (f"{edition.id}.pdf", "PDF", t["dl_pdf"]))
    title = t["downloads_title" if has_figures else "downloads_title_text_only"]
    return Page(f"{edition.id}/downloads", "downloads.html", {"files": files, "has_figures": has_figures},
                title.format(edition=edition.config.display_title), edition=edition,
                crumbs=site.home_crumbs(edition))
