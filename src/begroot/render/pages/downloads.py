"""An edition's downloads: the PDF and the open data (CSV, Parquet, XLSX, JSON, Fiscal Data Package)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...model import EditionData
from ..page import Page, PageSpec, texts_key

if TYPE_CHECKING:
    from ..site import Site


#: Where a file's size goes on the page. The files are written after the pages (the PDF takes
#: longest), so the writer fills the sizes in when it writes the page and again once the files are
#: there (:meth:`begroot.publish.site.SiteWriter.write_made`); the page cache keeps the marks.
SIZE = "\ue000size:{}\ue000"
SIZE_MARK = re.compile("\ue000size:([^\ue000/]+)\ue000")


def specs(site: Site) -> list[PageSpec]:
    # Not pure: the parent process writes it, and writes it again once the files are there. Its
    # dependencies are those of the files (the PDF holds the texts), so that it is written again
    # whenever they are.
    pdf = site.config.site.pdf
    return [PageSpec(f"{e.id}/downloads", site.edition_digest(e, texts_key(e.texts) if pdf else ()),
                     lambda e=e: view(site, e))
            for e in site.editions_sorted() if site.has_figures(e) or pdf]


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
    files = [(name, kind, what, SIZE.format(name)) for name, kind, what in files]
    title = t["downloads_title" if has_figures else "downloads_title_text_only"]
    return Page(f"{edition.id}/downloads", "downloads.html", {"files": files, "has_figures": has_figures},
                title.format(edition=edition.config.display_title), edition=edition,
                crumbs=site.home_crumbs(edition))
