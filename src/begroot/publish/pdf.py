"""The whole edition as one PDF (WeasyPrint): cover, table of contents with page numbers, every
programme with its texts, tables and charts, page numbers, tagged for accessibility (PDF/UA-1),
fonts embedded. Nothing is fetched from another host, and no file: the HTML is self-contained
but for the texts' images, which WeasyPrint gets from memory (:func:`pdf_fetcher`); it is refused
every other URL (a local file, a data: URL, a web address), and such refusals are reported."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from ..errors import BegrootError, working_on
from ..model import Budget
from ..figures import EditionFigures


def edition_pdf_html(budget: Budget, figures: dict[str, EditionFigures], edition_id: str,
                     build_time: dt.datetime) -> str:
    from markupsafe import Markup

    from ..render.charts import renamed, with_style
    from ..render.page import environment
    from ..render.pages import programme as programme_page
    from ..render.site import Site

    site = Site(budget, figures, build_time=build_time, warnings=[])
    edition = budget.edition(edition_id)
    fig = figures[edition_id]
    programmes = []
    for programme in edition.programmes.values():
        page = programme_page.view(site, edition, programme)
        ctx = page.context
        programmes.append({"programme": programme, "label": page.title, "anchor": f"p-{programme.slug}",
                           "texts": ctx["texts"], "table": ctx["table"], "main": ctx["main"],
                           # WeasyPrint does not apply the page's CSS inside SVG: the colours go in it
                           # one id per programme's chart in the one document
                           "chart": Markup(with_style(renamed(ctx["chart"].drawing(), "lbs", f"lbs-{programme.slug}"),
                                                      budget.config.theme.primary_color))
                           if ctx["chart"] is not None else None, "covered": ctx.get("covered", []),
                           "share_lasten": ctx["share_lasten"], "share_baten": ctx["share_baten"],
                           "execution": ctx["execution"]})
    from ..read.texts import with_media
    from ..render.strings import period_label

    # the texts' images come from memory (see PdfFetcher), not from a folder
    return with_media(environment().get_template("pdf.html").render(
        lang=site.language, t=site.t, edition=edition, organisation=budget.config.organisation,
        theme=budget.config.theme, unit_label=site.unit_label, money=site.fmt.money, pct=site.fmt.pct,
        signed=site.fmt.signed, change_pct=site.fmt.change_pct,
        programmes=programmes, grand=fig.grand(), edition_texts=edition.texts_for(None),
        has_figures=site.has_figures(edition),
        period=period_label(fig.main, site.language),
        stamp=pdf_stamp(site, edition),
    ), MEDIA_SCHEME)


def pdf_stamp(site, edition) -> str:
    """The document's date: its export's, not the build's (the same inputs make the same PDF,
    which the build cache can then keep, as it does the workbooks)."""
    from .. import format as fmt

    if edition.exported_at is not None:
        return site.t["pdf_stamp"].format(exported=fmt.stamp(edition.exported_at))
    return site.t["pdf_stamp" + ("_unknown" if site.has_figures(edition) else "_no_export")]


#: What to do when WeasyPrint cannot load (most often: the system has no Pango libraries).
PANGO_HINT = ("Install the Pango libraries WeasyPrint needs (Debian, Ubuntu: sudo apt-get install libpango-1.0-0 "
              "libpangoft2-1.0-0; other systems: WeasyPrint's installation guide), or build the site without "
              "PDFs: set pdf = false under [site] in begroot.toml")


def write_pdf(budget: Budget, figures: dict[str, EditionFigures], edition_id: str, target: Path,
              build_time: dt.datetime) -> Path:
    if budget.config.site.pdf_engine == "typst":  # [site] pdf_engine: see publish/pdf_typst.py
        from .pdf_typst import write_pdf_typst

        return write_pdf_typst(budget, figures, edition_id, target, build_time, pdf_stamp, fonts_digest())
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango libraries are missing
        raise BegrootError(f"the PDF cannot be made: WeasyPrint is not usable here ({exc}). {PANGO_HINT}") from None
    with working_on(f"the PDF of edition {edition_id} ({target.name})"):
        return _write_pdf(budget, figures, edition_id, target, build_time, HTML)


def _write_pdf(budget: Budget, figures: dict[str, EditionFigures], edition_id: str, target: Path,
               build_time: dt.datetime, HTML) -> Path:
    from .. import cache

    html = edition_pdf_html(budget, figures, edition_id, build_time)
    target.parent.mkdir(parents=True, exist_ok=True)
    # by the document's HTML (every text, figure and setting it shows), the fonts it embeds and
    # the system's Pango, which lays out the text (WeasyPrint's own version is in every address)
    address = cache.key("pdf", html, edition_id, fonts_digest(), _pango_version())
    data = cache.get("pdf", address)
    if data is None:
        refused: list[str] = []
        media = {name: image for text in budget.edition(edition_id).texts for name, image in text.images}
        # no base URL: nothing in the document is a file to be found relative to somewhere
        with lean_weasyprint():
            data = HTML(string=html, url_fetcher=pdf_fetcher(media, refused)).write_pdf(
                pdf_variant="pdf/ua-1", pdf_identifier=edition_id.encode("utf-8"), uncompressed_pdf=False)
        if refused:  # reported on every build until it is gone: such a PDF is not kept
            shown = ", ".join(sorted(set(refused))[:5])
            sys.stderr.write(f"warning: {target.name}: left out what is not a file of the site: {shown}\n")
        else:
            cache.put("pdf", address, data)
    from .reuse import put

    return put(target, data)


_GC_LOCK = threading.Lock()
#: PDFs being made in this process with the collector paused, and whether it ran before the first.
_GC_PAUSE = {"count": 0, "was_enabled": True}


@contextmanager
def lean_weasyprint():
    """Make a PDF without two costs that grow faster than the document:

    - pydyf (WeasyPrint's PDF writer) builds the tuple of every page's reference anew each time
      its ``page_references`` is read, and WeasyPrint's tagging reads it once for every element
      of the structure tree: work in pages × elements, minutes for a 2,000-page document. Here
      the tuple is made once per number of pages (see :func:`install_page_references_cache`).
    - Python's cyclic garbage collector walks the growing heap again and again while WeasyPrint
      builds the millions of objects that live until the document is written (a third of the
      time of a large PDF). It is paused while the PDF is made; one collection follows.
    """
    install_page_references_cache()
    with _GC_LOCK:
        if _GC_PAUSE["count"] == 0:
            _GC_PAUSE["was_enabled"] = gc.isenabled()
            gc.disable()
        _GC_PAUSE["count"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSE["count"] -= 1
            last = _GC_PAUSE["count"] == 0
            if last and _GC_PAUSE["was_enabled"]:
                gc.enable()
        if last:
            gc.collect()  # the document's cycles, at once rather than at some later allocation


def install_page_references_cache() -> None:
    """Replace pydyf's ``PDF.page_references`` (a property that builds a tuple of every page's
    reference on each read) by one that keeps the tuple while the number of pages stays the
    same: the same values, made once per page added instead of once per read. Installed once;
    it wraps whatever getter pydyf has, and does nothing on a pydyf without the property."""
    try:
        import pydyf
    except ImportError:
        return
    current = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(current, property) or getattr(current.fget, "_begroot_cached", False):
        return
    build = current.fget

    def page_references(self):
        count = len(self.pages["Kids"])
        kept = self.__dict__.get("_begroot_page_references")
        if kept is None or kept[0] != count:
            kept = (count, build(self))
            self.__dict__["_begroot_page_references"] = kept
        return kept[1]

    page_references._begroot_cached = True
    pydyf.PDF.page_references = property(page_references, doc=current.__doc__)


#: How the PDF's HTML names the texts' images (``begroot-media:media/<name>``), served by pdf_fetcher.
MEDIA_SCHEME = "begroot-media:"

_IMAGE_MIME = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def pdf_fetcher(media: dict[str, bytes], refused: list[str]):
    """A URL fetcher for WeasyPrint that serves the texts' images (``media``: by their media name)
    and nothing else: any other URL (a file, http(s), data:) is refused and added to ``refused``."""
    from ..read.texts import MEDIA_FOLDER

    prefix = f"{MEDIA_SCHEME}{MEDIA_FOLDER}/"

    def lookup(url: str) -> tuple[bytes, str]:
        name = url[len(prefix):] if url.startswith(prefix) else None
        if name is None or name not in media:
            refused.append(url if len(url) <= 120 else url[:117] + "...")
            raise ValueError(f"begroot does not let the PDF load {url[:120]}: it is not a file of the site")
        return media[name], _IMAGE_MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream")

    try:
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:  # WeasyPrint before 66: a function that returns a dict
        def fetch(url: str) -> dict:
            data, mime = lookup(url)
            return {"string": data, "mime_type": mime, "redirected_url": url}
        return fetch

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            data, mime = lookup(url)
            return URLFetcherResponse(url, data, {"Content-Type": mime})

    return Fetcher()


@functools.cache
def fonts_digest() -> str:
    """What tells the fonts WeasyPrint can embed apart (the document names no font files of its
    own): every font file in the usual font folders, by name, size and date (reading their
    bytes would take longer than making some PDFs)."""
    import hashlib

    from .pdf_typst import FONT_DIRS

    h = hashlib.sha256()
    for folder in FONT_DIRS:
        root = Path(os.path.expanduser(folder))
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            try:
                st = path.stat()
            except OSError:
                continue
            if path.is_file():
                h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _pango_version() -> int | None:
    try:
        from weasyprint.text.ffi import pango

        return int(pango.pango_version())
    except Exception:  # noqa: BLE001 - another WeasyPrint: the address just lacks it
        return None
