"""Write the site: every page's ``index.html`` with its downloads (CSV, SVG; the page's tables
as one JSON file and one workbook), the editions' open data and PDFs, the accessibility
statement and the static files, into one folder with relative links and no other host. A
chart's PNG image is not written: the reader's browser makes it from the chart's SVG file when
asked (``static/grafiek.js``).

The pages come from :mod:`begroot.render` (what is on a page); here is how they are written:
from the build cache when made before, in forked workers when there are many, and, under
``begroot serve``, only those whose inputs changed.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

from .. import compare
from ..errors import Problem, working_on
from ..figures import EditionFigures, compute
from ..model import Budget
from ..render.audit import AuditResult, audit_page
from ..render import charts
from ..render.page import TABLE_NAME, PageSpec, Page, compare_path, digest, environment, texts_key
from ..render import pages
from ..render.pages import about
from ..render.pages.downloads import SIZE_MARK
from ..render.site import Site
from ..render.state import RenderState
from . import workers as work
from .reuse import put


@dataclass
class CachedPage:
    """A page as made, as the build cache keeps it (see ``SiteWriter.page_made``)."""

    html: str                                 # with BUILT and BUILT_ISO for the build's time
    failures: list                            # its accessibility audit
    texts: dict[str, str]                     # file name -> content: CSV, tabellen.json, SVG, other files
    names: list[str]                          # every file of the page but index.html
    tables: list[tuple[str, list[dict]]]      # made into the page's workbook by write_binaries
    exported: dt.datetime | None              # the export's time: the workbooks' creation time


#: A page's files written after every page's HTML (so that the search index can start): (folder,
#: [(table name, rows)] made into the page's workbook, the workbook's creation time: the export's
#: time when known, so that it is the same bytes from build to build and comes from the build
#: cache; {file name: text} of the CSV, JSON and SVG files when not written with the page).
Binaries = tuple[Path, list[tuple[str, list[dict]]], dt.datetime, dict[str, str]]
Rendered = tuple[str, str | None, list, list[str], Binaries]   # path, deps, audit failures, files, binaries


def write_binaries(jobs: list[Binaries], claims: work.Claims | None = None) -> None:
    """Write the pages' workbooks (one per page, a sheet per table) and the text files not
    written with the page; with ``claims``, those of the jobs this process takes while the others
    take theirs."""
    from .. import cache
    from .downloads import PAGE_WORKBOOK, tables_xlsx

    for i in claims.take(len(jobs)) if claims is not None else range(len(jobs)):
        folder, tables, created, texts = jobs[i]
        work.stop_if_orphaned()
        for name, text in texts.items():
            put(folder / name, text)
        if not tables:
            continue
        # one entry of the build cache per page (fewer files to write and read than one per table)
        address = cache.key("binaries", tables, created)
        data = cache.get("binaries", address)
        if data is None:
            with working_on(f"the workbook in {folder}"):
                data = tables_xlsx(tables, created)
            cache.put("binaries", address, data)
        put(folder / PAGE_WORKBOOK, data)


def _remove(files: list[Path], folder: Path | None = None) -> None:
    """Remove a page's files that are gone, and its ``folder`` once it is empty."""
    for file in files:
        file.unlink(missing_ok=True)
    if folder is not None and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def write_page(out: Path, path: str, html: str) -> Path:
    target = out / path / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    return put(target, html)  # an existing page is replaced: readers never see a half-written page


class SiteWriter:
    """Writes the pages of a :class:`~begroot.render.site.Site` and everything beside them."""

    def __init__(self, site: Site):
        self.site = site
        self.budget, self.config = site.budget, site.config
        self.background: list | None = None  # slow jobs to run after the pages (set under serve)
        self.pages_written: Callable[[], None] | None = None  # called once every page's HTML is written
        # called before render workers are forked: under serve, waits for the previous rebuild's
        # background work (a thread inside WeasyPrint when the process forks could leave a lock
        # held in the child)
        self.before_fork: Callable[[], None] | None = None
        # the editions' Typst PDFs started early, by edition id, and the function that waits for them
        self._early_pdfs: tuple[set[str], Callable[[], None]] = (set(), lambda: None)

    # ----------------------------------------------------------------------------- one page
    def page_made(self, page: Page) -> CachedPage:
        """Everything a page writes, made: its HTML (with the build's time as placeholders), its
        text files (tables as CSV, all of them in one JSON file, charts as SVG, other files) and what
        :func:`write_binaries` makes from it (its workbook). A chart's PNG image is made by the
        reader's browser from its SVG file (``static/grafiek.js``), not here."""
        from .downloads import PAGE_TABLES_JSON, PAGE_WORKBOOK, table_csv, tables_json

        texts = dict(page.files)
        names = list(page.files)
        for name, rows in page.tables.items():
            if f"{name}.xlsx" == PAGE_WORKBOOK or not TABLE_NAME.fullmatch(name):
                raise ValueError(f"{page.path}: table name {name!r}: expected a slug of at most 31 characters"
                                 f" (a sheet name of the workbook) other than {PAGE_WORKBOOK[:-5]!r}")
            texts[f"{name}.csv"] = table_csv(rows)
            names.append(f"{name}.csv")
        if page.tables:  # one JSON file and one workbook per page, each with every table of the page
            texts[PAGE_TABLES_JSON] = tables_json(list(page.tables.items()))
            names += [PAGE_TABLES_JSON, PAGE_WORKBOOK]
        for name, chart in page.charts.items():
            texts[f"{name}.svg"] = charts.standalone(chart, self.config.theme.primary_color)
            names.append(f"{name}.svg")
        raw = self.site.render(page, placeholders=True)
        if page.edition is not None:
            exported = page.edition.exported_at
        else:  # a page of several editions (a comparison): the latest export, as its stamp says
            exported = max((e.exported_at for e in self.budget.editions if e.exported_at), default=None)
        return CachedPage(raw, audit_page(self.site.fill(raw)), texts, names, list(page.tables.items()), exported)

    def page_address(self, spec: PageSpec) -> str | None:
        """Where a page is in the build cache: by its dependencies and the bytes of every
        edition's data (the dependencies name files by date and size); None: not cached."""
        if spec.deps is None or any(e.content is None for e in self.budget.editions):
            return None
        from .. import cache

        return cache.key("page", spec.path, spec.deps, [(e.id, e.content) for e in self.budget.editions])

    def cached_page(self, spec: PageSpec, address: str | None = None) -> CachedPage | None:
        """The page from the build cache (at ``address`` when already known), or None."""
        from .. import cache

        address = address or self.page_address(spec)
        entry = cache.get_object("page", address) if address is not None else None
        return entry if isinstance(entry, CachedPage) else None

    def write_made(self, spec: PageSpec, made: CachedPage, out: Path) -> Rendered:
        """Write the page's HTML; its other files now under ``begroot serve`` (a rebuild shows
        them at once), else with its workbook once every page's HTML is there."""
        html = self.site.fill(made.html)
        folder = out / spec.path
        if SIZE_MARK.search(html):  # the downloads page: written again once its files are there
            self.sized.append((spec.path, html))
            html = self.with_sizes(html, folder)
        write_page(out, spec.path, html)
        later = made.texts
        if self.background is not None:
            for name, text in made.texts.items():
                put(folder / name, text)
            later = {}
        created = made.exported or self.site.build_time
        return spec.path, spec.deps, made.failures, made.names, (folder, made.tables, created, later)

    def with_sizes(self, html: str, folder: Path) -> str:
        """The page with the size of each file it lists, as found in ``folder`` (a dash for a
        file not written yet)."""
        def size(match) -> str:
            try:
                return self.site.fmt.file_size((folder / match[1]).stat().st_size)
            except OSError:
                return "–"
        return SIZE_MARK.sub(size, html)

    def write_sized(self, out: Path, pages: list[tuple[str, str]]) -> None:
        """Write the pages that list files' sizes again, now that the files are written."""
        for path, html in pages:
            write_page(out, path, self.with_sizes(html, out / path))

    def render_and_write(self, spec: PageSpec, out: Path) -> Rendered:
        """Make and write a page, or write it from the build cache when it is there."""
        with working_on(f"the page /{spec.path}/" if spec.path else "the home page"):
            address = self.page_address(spec)
            made = self.cached_page(spec, address)
            if made is None:
                made = self.page_made(spec.make())
                if address is not None:
                    from .. import cache

                    cache.put_object("page", address, made)
            return self.write_made(spec, made, out)

    # ----------------------------------------------------------------------------- every page
    def render_all(self, todo: list[PageSpec], out: Path,
                   after_fork: Callable[[work.Workers | None], None] = lambda workers: None
                   ) -> tuple[list[Rendered], work.Workers]:
        """Render and write pages; with many pages, the pure ones are shared with a forked worker
        per extra core (each process takes the next page when free; the parent first makes the
        pages that need Polars). Returns the pages in the order of ``todo``, and the workers, to
        whom ``share()`` then gives every page's workbook and text files. The output does not depend
        on how the work was shared. ``after_fork(workers)`` is called once the workers are forked
        (None when there are none)."""
        pure = [i for i, spec in enumerate(todo) if spec.pure]
        if work.worker_count() < 2 or len(pure) < work.PARALLEL_MIN_PAGES or not work.can_fork():
            after_fork(None)
            return [self.render_and_write(spec, out) for spec in todo], work.Workers([], write_binaries)
        if self.before_fork is not None:
            self.before_fork()
        pool = work.Workers.fork(len(pure), lambda k: self.render_and_write(todo[pure[k]], out), write_binaries)
        after_fork(pool)
        try:
            is_pure = set(pure)
            results = [(i, self.render_and_write(spec, out)) for i, spec in enumerate(todo) if i not in is_pure]
            results += [(pure[k], self.render_and_write(todo[pure[k]], out)) for k in pool.take(len(pure))]
            results += [(pure[k], rendered) for k, rendered in pool.results()]
        except BaseException:
            pool.abort()
            raise
        return [r for _, r in sorted(results, key=lambda r: r[0])], pool

    def _downloads_todo(self, out: Path, previous: RenderState | None) -> list[tuple]:
        """The editions whose downloads are made (again): (edition, its open data?, its PDF?); under
        serve only what changed: the open data with the edition's data or the settings, the PDF
        also with its texts (a text edit makes the PDF again, not the open data). Worked out once
        a build (:meth:`start_pdfs` asks first, :meth:`write_downloads` after it)."""
        if self._todo is not None:
            return self._todo
        old = previous.downloads if previous is not None else {}
        old_made = previous.made if previous is not None else {}
        todo = self._todo = []
        for edition in self.budget.editions:
            folder = out / edition.id / "downloads"
            data_key = digest(self.config.model_dump_json(), edition.version)
            pdf_key = digest(data_key, texts_key(edition.texts))
            data = self.site.has_figures(edition)
            pdf = self.config.site.pdf
            if data:
                self.state.downloads[edition.id] = data_key
                data = old.get(edition.id) != data_key or not (folder / "datapackage.json").exists()
                if not data:  # kept: its files are those written before (written again: see write_downloads)
                    self.state.made[edition.id] = [n for n in old_made.get(edition.id, []) if n != f"{edition.id}.pdf"]
            if pdf:
                self.state.downloads[edition.id + "#pdf"] = pdf_key
                pdf = old.get(edition.id + "#pdf") != pdf_key or not (folder / f"{edition.id}.pdf").exists()
                self.state.made.setdefault(edition.id, []).append(f"{edition.id}.pdf")
            if data or pdf:
                todo.append((edition, data, pdf))
        return todo

    def _pdf_job(self, out: Path, edition) -> Callable[[], object]:
        from .pdf import write_pdf

        return functools.partial(write_pdf, self.budget, self.site.figures, edition.id,
                                 out / edition.id / "downloads" / f"{edition.id}.pdf", self.site.build_time)

    def start_pdfs(self, out: Path, previous: RenderState | None, workers: work.Workers | None = None) -> None:
        """Start the editions' Typst PDFs to be made alongside the pages instead of after them: a
        large edition's PDF is the longest single job of a build. When the pages are rendered by
        forked ``workers`` too (a large build), each PDF is made in a forked process of its own,
        whose Python work (the document's source, the tagging of its tables) does not wait for this
        process's lock, and the render workers give way to it (they have time until the PDFs are
        done); otherwise on threads of this process (Typst works outside Python's lock).
        Not under serve, which makes them after the pages are shown, nor with WeasyPrint, which
        holds Python's lock and runs in forked workers. Called once the render workers are forked:
        a process that has used Typst forks no worker (nor a process for a PDF: after a build
        on threads, as under serve, the PDFs stay on threads)."""
        if self.background is not None or not self.config.site.pdf or self.config.site.pdf_engine != "typst":
            return
        editions = [edition for edition, _, pdf in self._downloads_todo(out, previous) if pdf]
        for edition in editions:
            (out / edition.id / "downloads").mkdir(parents=True, exist_ok=True)
        from .pdf_typst import used_here

        in_processes = workers is not None and bool(editions) and not used_here()
        start = work.start_in_processes if in_processes else work.start_on_threads
        self._early_pdfs = ({e.id for e in editions}, start([self._pdf_job(out, e) for e in editions]))
        if in_processes:
            workers.give_way()

    def write_downloads(self, out: Path, previous: RenderState | None) -> None:
        """The open data of each edition, and its PDF (unless started early, see :meth:`start_pdfs`)."""
        from .downloads import write_edition_downloads

        started, wait = self._early_pdfs
        pdfs = []
        try:
            for edition, data, pdf in self._downloads_todo(out, previous):
                if data:
                    with working_on(f"the open data of edition {edition.id}"):
                        files = write_edition_downloads(self.budget, edition, self.site.figures[edition.id], out,
                                                        created=edition.exported_at or self.site.build_time)
                    self.state.made.setdefault(edition.id, [])[:0] = [file.name for file in files]
                if pdf and edition.id not in started:
                    job = self._pdf_job(out, edition)
                    if self.background is not None:
                        self.background.append(job)  # under serve: made after the pages are shown
                    else:
                        pdfs.append(job)
            work.run_jobs(pdfs, threads=self.config.site.pdf_engine == "typst")
        finally:
            self._early_pdfs = (set(), lambda: None)
            wait()  # the PDFs started early: done, or their error raised here
        # the files of an edition's downloads no longer made (an edition removed, the PDF turned off)
        self._discard(sorted(out / edition / "downloads" / name
                             for edition, names in (previous or self.state).made.items()
                             for name in set(names) - set(self.state.made.get(edition, []))))

    def _discard(self, files: list[Path], folder: Path | None = None) -> None:
        """Remove files of pages that are gone (and ``folder`` once empty); under serve, after
        the background work still to come, which may write them."""
        if self.background is not None:
            self.background.append(functools.partial(_remove, files, folder))
        else:
            _remove(files, folder)

    def _finish_pages(self, out: Path, results: list[Rendered], hits: list, workers: work.Workers,
                      old_files: dict, written: list[Path], previous: RenderState | None) -> None:
        """After the pages are made: the pages from the build cache, the accessibility statement,
        the search index (started), the editions' open data, and every page's workbook and text
        files (shared with the workers, who start on them at once)."""
        results += [self.write_made(spec, made, out) for spec, made in hits]
        jobs = [r[4] for r in results]
        if self.background is not None and not workers.processes:
            # under serve: the preview's workbooks are made after the pages are shown
            self.background.append(functools.partial(write_binaries, jobs))
            jobs = []
        workers.share(jobs)
        stale = []  # the files of a table or chart a page no longer has
        for path, deps, failures, files, _ in results:
            self.state.pages[path] = (deps, failures)
            self.state.files[path] = files
            stale += [out / path / name for name in set(old_files.get(path, [])) - set(files)]
            written.append(out / path / "index.html")
        self._discard(sorted(stale))
        for path in sorted(self.state.pages, key=lambda p: (p.count("/"), p)):
            self.audit.add_known("/" + (path + "/" if path else ""), self.state.pages[path][1])
        # The statement reports the audit of every page, itself included (its layout does not
        # depend on the results, so a draft of it is audited first).
        draft = self.site.render(about.statement(self.site, self.audit))
        self.audit.add("/over/toegankelijkheid/", draft)
        statement = about.statement(self.site, self.audit)
        written.append(write_page(out, statement.path, self.site.render(statement)))
        if self.pages_written is not None:
            self.pages_written()  # every page is there: the search index can be built meanwhile
        self.write_downloads(out, previous)
        # the downloads pages with their files' sizes (under serve after the PDFs, made meanwhile)
        sized = functools.partial(self.write_sized, out, list(self.sized))
        if self.background is not None:
            self.background.append(sized)
        else:
            sized()
        workers.finish()

    def _prepare(self, todo: list[PageSpec], previous: RenderState | None) -> None:
        """Before forking: what the pages to write need that needs Polars (the money of the
        compared editions, the programme matches the programme pages link), or what the
        previous build into this folder computed and still holds."""
        site = self.site
        if previous is not None:
            site.sides, site.matches = dict(previous.sides), dict(previous.matches)
            site.compared = dict(previous.compared)
            site.diffs = compare.DiffCache(previous.diffs)
        for a, b in compare.all_pairs(self.budget.editions):
            if any(spec.path == compare_path(a, b) for spec in todo):
                site.side(a), site.side(b)
        written_editions = {spec.path.split("/")[0] for spec in todo if "/programma/" in spec.path}
        for edition in self.budget.editions:
            if edition.id in written_editions:
                for other in self.budget.editions:
                    if other.id != edition.id:
                        site.same_programmes(edition, other)

    def write(self, out: Path, previous: RenderState | None = None) -> list[Path]:
        """Write the site into ``out``. With ``previous`` (the state of the last build into the
        same folder), pages whose dependencies did not change are left as they are."""
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        seen: set[str] = set()
        self.audit = AuditResult()
        self.state = RenderState()
        self._todo: list[tuple] | None = None  # see _downloads_todo
        self.sized: list[tuple[str, str]] = []  # (path, HTML with the marks of files' sizes)
        old = previous.pages if previous is not None else {}
        old_files = previous.files if previous is not None else {}
        todo: list[PageSpec] = []
        for spec in pages.specs(self.site):
            if spec.path in seen:
                raise RuntimeError(f"two pages would be written to /{spec.path}/; give the programmes "
                                   "different codes or titles")
            seen.add(spec.path)
            kept = old.get(spec.path)
            if spec.deps is not None and kept is not None and kept[0] == spec.deps \
                    and (out / spec.path / "index.html").exists():
                self.state.pages[spec.path] = kept
                self.state.files[spec.path] = old_files.get(spec.path, [])
            else:
                todo.append(spec)
        # Pages the build cache holds as made by an earlier build with the same inputs (not in an
        # incremental rebuild, which writes only the pages whose inputs changed). The programme
        # pages are looked up where they are written, spread over the workers; the others here,
        # so that what they would need to be made is only computed when they are not there.
        hits = []
        if not old:
            for spec in todo:
                if "/programma/" in spec.path:
                    continue
                made = self.cached_page(spec)
                if made is not None:
                    hits.append((spec, made))
            if hits:
                cached = {spec.path for spec, _ in hits}
                todo = [spec for spec in todo if spec.path not in cached]
        self._prepare(todo, previous)
        results, workers = self.render_all(todo, out, after_fork=lambda workers: self.start_pdfs(out, previous, workers))
        try:
            self._finish_pages(out, results, hits, workers, old_files, written, previous)
        except BaseException:
            workers.abort()
            raise
        # pages that no longer exist (a programme was removed), and the folders that held only such
        # pages (an edition's programma/), the deepest first: a folder emptied is removed
        gone = set(old) - seen
        above = {path.rsplit("/", k)[0] for path in gone for k in range(1, path.count("/") + 1)} - seen
        for path in sorted(gone | above, key=lambda path: (-path.count("/"), path)):
            (out / path / "index.html").unlink(missing_ok=True)  # (none in a folder that was no page)
            self._discard([out / path / name for name in old_files.get(path, [])], out / path)
        written += self._write_static(out)
        written += self._write_warnings(out)
        return written

    def _write_warnings(self, out: Path) -> list[Path]:
        """Every warning of the build as CSV beside the colophon, which shows only the first of each kind."""
        target = out / "over" / about.WARNINGS_FILE
        if not self.site.warnings:
            target.unlink(missing_ok=True)
            return []
        from .downloads import table_csv

        target.parent.mkdir(parents=True, exist_ok=True)
        return [put(target, table_csv(about.warnings_rows(self.site)))]

    def _write_static(self, out: Path) -> list[Path]:
        """The site's style sheets, search script and icon, and the theme's style sheet."""
        static = out / "static"
        static.mkdir(exist_ok=True)
        for name in ("begroot.css", "zoeken.js", "vergelijk.js", "grafiek.js", "favicon.svg"):
            put(static / name, (resources.files("begroot.render") / "static" / name).read_bytes())
        theme_css = environment().get_template("theme.css").render(theme=self.config.theme,
                                                                    font_faces=self.site.font_faces())
        put(static / "theme.css", theme_css)
        return [static / "begroot.css", static / "theme.css"]


def write_site(budget: Budget, figures: dict[str, EditionFigures], out: Path, *, build_time: dt.datetime,
               warnings: list[Problem], colophon_html: str = "", audit: list | None = None,
               state: RenderState | None = None, background: list | None = None,
               pages_written: Callable[[], None] | None = None,
               before_fork: Callable[[], None] | None = None) -> list[Path]:
    """Write every page of the site into ``out``; returns the files written.

    When ``audit`` is a list, the accessibility failures found in the pages are appended to it
    as (page, check, detail). ``state`` (kept by ``begroot serve``) is the state of the previous
    build into ``out``; it is updated in place, and unchanged pages are not written again.
    ``pages_written`` is called as soon as every page's HTML is written, before the slower
    downloads (workbooks, the editions' open data) are finished. ``before_fork`` is
    called before render workers are forked (see ``SiteWriter.before_fork``).
    """
    site = Site(budget, figures, build_time=build_time, warnings=warnings, colophon_html=colophon_html)
    writer = SiteWriter(site)
    writer.background = background
    writer.pages_written = pages_written
    writer.before_fork = before_fork
    written = writer.write(out, previous=state)
    if state is not None:
        state.pages = writer.state.pages
        state.downloads = writer.state.downloads
        state.made = writer.state.made
        state.sides, state.matches, state.diffs = site.sides, site.matches, site.diffs.used
        state.compared = site.compared
        state.files = writer.state.files
    if audit is not None:
        for key, items in sorted(writer.audit.failures.items()):
            audit.extend((page, key, detail) for page, detail in items)
    return written


def page_urls(budget: Budget, figures: dict[str, EditionFigures] | None = None) -> list[str]:
    """The URL of every page ('/', '/begroting-2024/', ...) in the order they are listed, the
    accessibility statement last. Figures are computed when not given."""
    site = Site(budget, figures if figures is not None else {e.id: compute(e) for e in budget.editions},
                build_time=dt.datetime(2000, 1, 1), warnings=[])
    return ["/" + spec.path + "/" if spec.path else "/" for spec in pages.specs(site)] + ["/over/toegankelijkheid/"]
