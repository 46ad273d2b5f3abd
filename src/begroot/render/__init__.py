"""Render the site: one folder with an ``index.html`` per page, relative links, no other host.

The page list and every URL are made here, in one place; templates only lay out what they get.
Amounts are formatted through :mod:`begroot.render.format` (Babel), charts are inline SVG from
:mod:`begroot.render.charts`, and each chart's numbers are also in a table on the same page.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import multiprocessing as mp
import os
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Callable

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..errors import Problem, working_on
from ..figures import Amounts, EditionFigures, Period, compute, euros_text, execution, per_inhabitant
from ..read.rows import REASONS
from ..model import Budget, EditionData, Programme
from .. import compare
from . import charts, iv3
from .audit import AuditResult, audit_page
from .state import RenderState
from . import format as fmt
from .strings import strings

#: The folder in static/ of the project's own theme files (logo, fonts): they never replace the site's own.
THEME_FOLDER = "huisstijl"


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("begroot.render", "templates"),
        autoescape=select_autoescape(["html", "css"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_without_controls,
    )
    env.filters["css_string"] = css_string
    return env


_PAGE_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _without_controls(value):
    """Every value a template writes, without control characters (tab and line ends are kept):
    HTML cannot show them, and an ESC or a bell from a cell has no business on a page."""
    if isinstance(value, str) and _PAGE_CONTROLS.search(value):
        from markupsafe import Markup

        cleaned = _PAGE_CONTROLS.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned  # removing one makes no tag
    return value


def css_string(value) -> "Markup":
    """``value`` as a quoted CSS string, for a style sheet (or a <style> element, where HTML
    escapes are not read: "&amp;" would be printed as it is). Quotes, backslashes, angle brackets,
    ampersands and control characters are CSS escapes, so the value cannot end the string, the
    rule or the element."""
    from markupsafe import Markup

    out = []
    for ch in str(value):
        code = ord(ch)
        if ch in "\"'\\<>&" or code < 0x20 or 0x7f <= code <= 0x9f:
            out.append(f"\\{code:x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


@dataclass
class Page:
    """One page of the site, with the downloads written next to it.

    Every table of figures on a page is also a download. To give a new table its downloads:

    1. add its rows to ``tables`` under a stable name, a slug unique on the page (``cijfers``,
       ``deelprogrammas``, ``indicator-2``): one dict per row shown, in the order shown, with
       the keys as column names; values are ``str``, ``int``, ``Decimal`` or ``None``. Exact
       amounts are ``Decimal`` euros with cents (:func:`exact`), never floats; a total row is
       a row too, marked as such in a column (``soort``/``niveau`` = ``"totaal"``);
    2. in the template, put ``{{ table_downloads(name, caption) }}`` (from ``_macros.html``)
       right after the table; ``programme_table`` does it when given ``downloads=name``.

    The build writes each table as ``<name>.csv`` and ``<name>.json`` (decimals as exact text,
    "802980000.00") and as the sheet ``<name>`` of the page's workbook ``tabellen.xlsx`` (decimals
    as numbers), and each chart in ``charts`` as
    ``<name>.svg`` and ``<name>.png``; ``{{ chart_downloads(name, title) }}`` links them.
    Files of a table or chart that is gone are removed on the next build. tests/test_downloads.py
    checks that every table on every page has its downloads and that they hold what is shown.
    """

    path: str                 # folder path relative to the site root, "" for the home page
    template: str
    context: dict
    title: str
    edition: EditionData | None = None
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (label, path) above this page
    tables: dict[str, list[dict]] = field(default_factory=dict)  # name -> rows: <name>.csv/.json, a sheet of tabellen.xlsx
    charts: dict[str, str] = field(default_factory=dict)  # name -> chart SVG: <name>.svg/.png
    files: dict[str, str] = field(default_factory=dict)  # other text files in the page's folder

    @property
    def depth(self) -> int:
        return len([p for p in self.path.split("/") if p])


@dataclass
class PageSpec:
    path: str
    deps: str | None           # None: always rendered (pages that list warnings or audit results)
    make: Callable[[], Page]
    pure: bool = False         # building it needs no Polars: it may be rendered in a forked worker


#: Below this many pages to render, the work is not split over processes.
PARALLEL_MIN_PAGES = 200
_FORKED: tuple | None = None   # (renderer, specs, pure, out, claims of pages, of binaries) inherited by forked workers
_FORKED_JOBS: list | None = None  # the jobs of run_jobs, inherited by forked workers


def _run_jobs_in_worker(indices: list[int]) -> None:
    jobs = _FORKED_JOBS
    for i in indices:
        jobs[i]()


def run_jobs(jobs: list[Callable[[], object]]) -> None:
    """Run independent slow jobs (the PDFs of the editions), spread over forked workers when there
    are several jobs and cores; errors are raised here as if the jobs had run one by one."""
    global _FORKED_JOBS
    workers = min(os.cpu_count() or 1, 4, len(jobs))
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        for job in jobs:
            job()
        return
    _FORKED_JOBS = jobs
    shares = [list(range(k, len(jobs), workers)) for k in range(workers)]
    try:
        with mp.get_context("fork").Pool(workers - 1) as pool:
            pending = [pool.apply_async(_run_jobs_in_worker, (share,)) for share in shares[1:]]
            _run_jobs_in_worker(shares[0])
            for result in pending:
                result.get()
    finally:
        _FORKED_JOBS = None


#: The name of a table of a page: a file name and, unchanged, the name of its sheet in the page's workbook.
TABLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,30}")

#: Stand-ins for the build's time in a page kept in the build cache (characters of Unicode's
#: private use area, which no text of a page holds).
BUILT, BUILT_ISO = "\ue000built\ue000", "\ue000built-iso\ue000"


@dataclass
class CachedPage:
    """A page as made, as the build cache keeps it (see ``Renderer._page_made``)."""

    html: str                                 # with BUILT and BUILT_ISO for the build's time
    failures: list                            # its accessibility audit
    texts: dict[str, str]                     # file name -> content: CSV, JSON, SVG, other files
    names: list[str]                          # every file of the page but index.html
    tables: list[tuple[str, list[dict]]]      # made into the page's workbook by write_binaries
    pictures: list[tuple[str, str]]           # (name, standalone SVG): made into PNG images
    exported: dt.datetime | None              # the export's time: the workbooks' creation time


#: A page's files written after every page's HTML (so that the search index can start): (folder,
#: [(table name, rows)] made into the page's workbook, [(chart name, SVG)] made into PNG images, the
#: workbooks' creation time: the export's time when known, so that they are the same bytes from
#: build to build and come from the build cache; {file name: text} of the CSV, JSON and SVG files
#: when not written with the page).
Binaries = tuple[Path, list[tuple[str, list[dict]]], list[tuple[str, str]], dt.datetime, dict[str, str]]
Rendered = tuple[str, str | None, list, list[str], Binaries]   # path, deps, audit failures, files, binaries


class Claims:
    """Items of work shared by the processes of a build (a counter in shared memory): each process
    takes the next item when it is free, so that all finish at about the same time whatever
    each item costs. Made before the workers are forked."""

    def __init__(self, context):
        self._next = context.Value("q", 0)

    def take(self, count: int):
        """The indices 0..count-1 this process gets, one at a time."""
        while True:
            with self._next.get_lock():
                i = self._next.value
                if i >= count:
                    return
                self._next.value = i + 1
            yield i


def write_binaries(jobs: list[Binaries], claims: Claims | None = None) -> None:
    """Write the pages' workbooks (one per page, a sheet per table) and the PNG images of their
    charts; with ``claims``, those of the jobs this process takes while the others take theirs."""
    from .. import cache
    from ..publish.downloads import PAGE_WORKBOOK, tables_xlsx
    from ..publish.images import fonts_digest, svg_to_png

    for i in claims.take(len(jobs)) if claims is not None else range(len(jobs)):
        folder, tables, pictures, created, texts = jobs[i]
        _stop_if_orphaned()
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        if not tables and not pictures:
            continue
        # one entry of the build cache per page (fewer files to write and read than one per table or chart)
        address = cache.key("binaries", tables, pictures, created, fonts_digest() if pictures else "")
        files = cache.get_object("binaries", address)
        if not isinstance(files, dict):
            with working_on(f"the workbook and images in {folder}"):
                files = {PAGE_WORKBOOK: tables_xlsx(tables, created)} if tables else {}
                files.update((f"{name}.png", svg_to_png(svg)) for name, svg in pictures)
            cache.put_object("binaries", address, files)
        for name, data in files.items():
            (folder / name).write_bytes(data)


def _remove(files: list[Path], folder: Path | None = None) -> None:
    """Remove a page's files that are gone, and its ``folder`` once it is empty."""
    for file in files:
        file.unlink(missing_ok=True)
    if folder is not None and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


_PARENT: int | None = None  # in a forked render worker: the process id of the build that forked it


def _stop_if_orphaned() -> None:
    """In a render worker whose build was killed: stop, so that nothing goes on writing into the
    build's folder while the next build removes it."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


def _render_in_worker(conn, parent: int) -> None:
    """A forked worker: render the pure pages it takes, send them back, then write the workbooks
    and images it takes of every page's (the parent sends the list) while the parent goes on
    with the search index and the open data, and then takes its share."""
    global _PARENT
    _PARENT = parent
    renderer, specs, pure, out, page_claims, binary_claims = _FORKED
    try:
        results = []
        for k in page_claims.take(len(pure)):
            _stop_if_orphaned()
            results.append((pure[k], renderer._render_and_write(specs[pure[k]], out)))
        conn.send(("pages", results))
        write_binaries(_Workers.receive(conn, "binaries"), binary_claims)
        conn.send(("done", None))
    except BaseException as exc:  # noqa: BLE001 - raised again in the parent
        try:
            conn.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            conn.send(("error", RuntimeError(repr(exc))))
    finally:
        conn.close()


class _Workers:
    """The forked render workers of one build and the workbooks and images of every page, which
    the parent and the workers share out (see :class:`Claims`)."""

    def __init__(self, processes: list, claims: Claims | None = None):
        self.processes, self.claims = processes, claims
        self.jobs: list[Binaries] = []

    @staticmethod
    def receive(conn, expected: str):
        try:
            kind, payload = conn.recv()
        except EOFError:
            raise RuntimeError("a render worker stopped unexpectedly") from None
        if kind == "error":
            raise payload
        assert kind == expected, kind
        return payload

    def pages(self) -> list[tuple[int, Rendered]]:
        return [r for _, conn in self.processes for r in self.receive(conn, "pages")]

    def share(self, jobs: list[Binaries]) -> None:
        """Every page's workbooks and images to make: the workers start on them at once."""
        self.jobs = jobs
        for _, conn in self.processes:
            conn.send(("binaries", jobs))

    def finish(self) -> None:
        """Write the workbooks and images the parent takes, and wait for the workers' (raising their error)."""
        write_binaries(self.jobs, self.claims if self.processes else None)
        for process, conn in self.processes:
            self.receive(conn, "done")
            process.join()

    def abort(self) -> None:
        for process, _ in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _texts_key(texts) -> tuple:
    return tuple(t.digest for t in texts)


def exact(euros: Decimal | None) -> Decimal | None:
    """An amount for a download: exact euros with two decimals (None stays None)."""
    return None if euros is None else euros.quantize(Decimal("0.01"))


def per_head(euros: Decimal | None) -> Decimal | None:
    """Euros per inhabitant for a download: six decimals (the page rounds the exact value to cents)."""
    return None if euros is None else euros.quantize(Decimal("0.000001"))


def share(fraction: Decimal | None) -> Decimal | None:
    """A share for a download: a fraction with six decimals (0.602938 = 60.2938 %)."""
    return None if fraction is None else fraction.quantize(Decimal("0.000001"))


def programme_path(edition: EditionData, programme: Programme) -> str:
    return f"{edition.id}/programma/{programme.slug}"


def compare_path(a: EditionData, b: EditionData) -> str:
    """The comparison of an older edition ``a`` with a newer ``b``: /vergelijk/<a>/<b>/."""
    return f"vergelijk/{a.id}/{b.id}"


def period_label(period: Period, language: str) -> str:
    year, column = period
    return strings(language)[f"period_{column}"].format(year=year)


class Renderer:
    """Collects the pages of a budget and writes them."""

    def __init__(self, budget: Budget, figures: dict[str, EditionFigures], *, build_time: dt.datetime,
                 warnings: list[Problem], colophon_html: str = ""):
        self.budget = budget
        self.figures = figures
        self.build_time = build_time
        self.warnings = warnings
        self.colophon_html = colophon_html
        self.config = budget.config
        self.language = budget.config.site.language
        self.t = strings(self.language)
        self.unit = budget.config.site.unit
        self.unit_label = fmt.unit_label(self.unit, self.language)
        self.background: list | None = None  # slow jobs to run after the pages (set under serve)
        self.sides: dict[str, tuple[str, compare.Side]] = {}  # see side()
        self.matches: dict = {}                                # see same_programmes()
        self.diffs = compare.DiffCache()
        self.pages_written: Callable[[], None] | None = None  # called once every page's HTML is written
        # called before render workers are forked: under serve, waits for the previous rebuild's
        # background work (a thread inside resvg or WeasyPrint when the process forks could
        # leave a lock held in the child)
        self.before_fork: Callable[[], None] | None = None

    # formatting shortcuts used by templates
    def money(self, euros: Decimal | None) -> str:
        return fmt.money(euros, self.unit, self.language)

    def pct(self, fraction: Decimal | None) -> str:
        return fmt.pct(fraction, self.language)

    def number(self, value: Decimal | int) -> str:
        return fmt.number(value, self.language)

    @functools.cached_property
    def _font_faces(self) -> list[dict]:
        kinds = {".woff2": "woff2", ".woff": "woff", ".ttf": "truetype", ".otf": "opentype"}
        faces = []
        for name in self.config.theme.fonts:
            path = Path(name)
            stem = path.stem.lower()
            faces.append({"file": f"{THEME_FOLDER}/{path.name}", "format": kinds.get(path.suffix.lower(), "woff2"),
                          "weight": 700 if "bold" in stem else 400, "style": "italic" if "italic" in stem else "normal"})
        return faces

    def font_faces(self) -> list[dict]:
        return self._font_faces

    def has_figures(self, edition: EditionData) -> bool:
        """False for a text-only edition (or one without any finance line): its pages show no amounts."""
        return bool(self.figures[edition.id].periods)

    def site_title(self) -> str:
        return self.config.site.title or self.config.organisation.name

    def editions_sorted(self) -> list[EditionData]:
        return sorted(self.budget.editions, key=lambda e: (e.config.year, e.config.kind, e.id), reverse=True)

    # ----------------------------------------------------------------------------- page list
    def page_specs(self) -> list[PageSpec]:
        """Every page with what it depends on, built only when needed.

        A page's dependencies are the site as a whole (configuration, the list of editions and
        their data), its edition's data, and the texts it shows. Under ``begroot serve`` a page
        whose dependencies did not change is not rendered again.
        """
        site = _digest(self.config.model_dump_json(), [(e.id, e.version) for e in self.budget.editions])
        specs = [PageSpec("", site, self.home_page), PageSpec("over", None, self.about_page),
                 PageSpec("zoeken", site, self.search_page)]
        for edition in self.editions_sorted():
            base = (site, edition.version)
            specs.append(PageSpec(edition.id, _digest(base, _texts_key(edition.texts_for(None))),
                                  functools.partial(self.edition_page, edition)))
            if self.has_figures(edition):
                specs.append(PageSpec(f"{edition.id}/taakvelden", _digest(base),
                                      functools.partial(self.taakvelden_page, edition)))
            if self.has_figures(edition) or self.config.site.pdf:
                specs.append(PageSpec(f"{edition.id}/downloads", _digest(base),
                                      functools.partial(self.downloads_page, edition)))
            if any(source.account is not None for source in edition.sources):
                specs.append(PageSpec(f"{edition.id}/verantwoording", _digest(base),
                                      functools.partial(self.account_page, edition)))
            if edition.goals:
                specs.append(PageSpec(f"{edition.id}/doelen", _digest(base, repr(edition.goals)),
                                      functools.partial(self.goals_page, edition)))
            for programme in edition.programmes.values():
                own_goals = repr([g for g in edition.goals if g.programme == programme.code])
                specs.append(PageSpec(programme_path(edition, programme),
                                      _digest(base, _texts_key(edition.texts_for(programme.code)), own_goals),
                                      functools.partial(self.programme_page, edition, programme), pure=True))
        pairs = compare.pairs(self.budget.editions)
        if pairs:
            specs.append(PageSpec("vergelijk", site, self.compare_index_page))
        texts = {e.id: _digest(_texts_key(e.texts)) for e in {e.id: e for pair in pairs for e in pair}.values()}
        for a, b in pairs:  # the figures, and on a page of its own the texts (a text edit rewrites only that)
            specs.append(PageSpec(compare_path(a, b), site, functools.partial(self.compare_page, a, b), pure=True))
            specs.append(PageSpec(compare_path(a, b) + "/teksten", _digest(site, texts[a.id], texts[b.id]),
                                  functools.partial(self.compare_texts_page, a, b)))  # in the parent: see diffs
        return specs

    def pages(self) -> list[Page]:
        return [spec.make() for spec in self.page_specs()]

    def home_page(self) -> Page:
        rows = []
        for edition in self.editions_sorted():
            fig = self.figures[edition.id]
            rows.append({"edition": edition, "path": edition.id, "period": period_label(fig.main, self.language),
                         "amounts": fig.grand(), "has_figures": self.has_figures(edition)})
        return Page("", "home.html", {"rows": rows}, self.site_title())

    def about_page(self) -> Page:
        editions = [{"edition": e, "sources": e.sources} for e in self.editions_sorted()]
        return Page("over", "about.html", {
            "editions": editions, "warnings": [w.format() for w in self.warnings],
            "colophon_html": self.colophon_html,
        }, self.t["colophon"], crumbs=[(self.t["home"], "")])

    def _programme_rows(self, edition: EditionData, programmes: list[Programme]) -> list[dict]:
        fig = self.figures[edition.id]
        return [{
            "programme": p, "path": programme_path(edition, p), "amounts": fig.of(p.code),
            "share_lasten": fig.share_lasten(p.code), "share_baten": fig.share_baten(p.code),
            "label": self.programme_label(p, edition),
        } for p in programmes]

    def programme_table_rows(self, rows: list[dict], total: Amounts | None = None, shares: bool = True,
                             inhabitants: int | None = None) -> list[dict]:
        """The download of a ``programme_table``: its rows (from :meth:`_programme_rows`) and total;
        with ``inhabitants``, also the exact lasten and baten per inhabitant the table shows."""
        def row(code: str, name: str, kind: str, a: Amounts, share_lasten, share_baten) -> dict:
            out = {"code": code, "naam": name, "soort": kind, "lasten": exact(a.lasten)}
            if shares:
                out["aandeel_lasten"] = share(share_lasten)
            out["baten"] = exact(a.baten)
            if shares:
                out["aandeel_baten"] = share(share_baten)
            out["saldo"] = exact(a.saldo)
            if inhabitants:
                out["lasten_per_inwoner"] = per_head(per_inhabitant(a.lasten, inhabitants))
                out["baten_per_inwoner"] = per_head(per_inhabitant(a.baten, inhabitants))
            return out

        out = [row(r["programme"].code, r["programme"].title, r["programme"].kind, r["amounts"],
                   r["share_lasten"], r["share_baten"]) for r in rows]
        if total is not None:
            out.append(row("", self.t["total"], "totaal", total, None, None))
        return out

    def programme_label(self, p: Programme, edition: EditionData) -> str:
        if p.is_overview:
            return p.title
        key = "deelprogramma_title" if p.parent else "programme_title"
        return self.t[key].format(code=p.code, title=p.title)

    def edition_page(self, edition: EditionData) -> Page:
        fig = self.figures[edition.id]
        tops = edition.top_level()
        programmes = self._programme_rows(edition, [p for p in tops if not p.is_overview])
        overviews = self._programme_rows(edition, [p for p in tops if p.is_overview])
        period = period_label(fig.main, self.language)
        has_figures = self.has_figures(edition)
        plan = self.execution_view(fig, None, edition) if has_figures else None
        plan_rows = self._execution_rows(edition, fig, programmes + overviews) if has_figures else []
        share_charts = [self._share_chart(kind, programmes + overviews, period) if has_figures else None
                        for kind in ("lasten", "baten")]
        share_charts = [dict(c, name=f"grafiek-{kind}") for kind, c in zip(("lasten", "baten"), share_charts)
                        if c is not None]
        inhabitants = self.config.organisation.inhabitants.get(edition.config.year)
        grand = fig.grand()
        per_head = {
            "lasten": fmt.euro(per_inhabitant(grand.lasten, inhabitants), self.language),
            "baten": fmt.euro(per_inhabitant(grand.baten, inhabitants), self.language),
        } if inhabitants else None
        return Page(edition.id, "edition.html", {
            "fig": fig, "grand": grand, "period": period, "programmes": programmes, "overviews": overviews,
            "charts": share_charts, "texts": edition.texts_for(None),
            "tree": self._programme_tree(edition), "inhabitants": inhabitants, "per_head": per_head,
            "compact": {k: fmt.compact(getattr(grand, k), self.language) for k in ("lasten", "baten")},
            "has_goals": bool(edition.goals),
            "execution": plan, "execution_rows": plan_rows,
            # the programme tables' per-inhabitant columns: euros with cents (none without inhabitants)
            "per_head_cell": self.per_head_cell(inhabitants),
            "has_figures": has_figures, "has_downloads": has_figures or self.config.site.pdf,
            "has_account": any(s.account is not None for s in edition.sources),
        }, f"{edition.config.display_title} {self.t['at_a_glance']}", edition=edition,
            crumbs=[(self.t["home"], "")],
            charts={c["name"]: c["svg"] for c in share_charts},
            tables={"programmas": self.programme_table_rows(programmes, inhabitants=inhabitants),
                    **({"overzichten": self.programme_table_rows(overviews, total=grand, inhabitants=inhabitants)}
                       if overviews else {}),
                    **({"begroting-en-realisatie": self._execution_download(plan)} if plan else {}),
                    **({"uitvoering-programmas": [{k: v for k, v in r.items() if k != "pad"} for r in plan_rows]}
                       if plan_rows else {})}
            if has_figures else {})

    def per_head_cell(self, inhabitants: int | None) -> Callable[[Decimal], str] | None:
        """Formats an amount per inhabitant, for the per-inhabitant columns of programme tables."""
        if not inhabitants:
            return None
        return lambda euros: fmt.euro_cents(per_inhabitant(euros, inhabitants), self.language)

    def execution_view(self, fig: EditionFigures, code: str | None, edition: EditionData) -> dict | None:
        """Plan against realisation in the edition's year (jaarstukken), as table rows."""
        plan = execution(fig, code, edition.config.year)
        if plan is None:
            return None
        year = edition.config.year
        columns = [(self.t["execution_primitief"].format(year=year), plan.primitief)]
        if plan.na_wijziging is not None:
            columns.append((self.t["period_begroting_na_wijziging"].format(year=year), plan.na_wijziging))
        columns.append((self.t["period_realisatie"].format(year=year), plan.realisatie))
        keys = ("lasten", "baten", "saldo")
        # a row per BBV column and one for the difference; lasten, baten and saldo as the columns
        table = [(label, {key: getattr(a, key) if a is not None else None for key in keys}) for label, a in columns]
        table.append((self.t["compare_difference"], {key: plan.difference(key) for key in keys}))
        sentences = []
        for key in keys:
            diff, favourable = plan.difference(key), plan.favourable(key)
            if not diff:
                sentences.append(self.t["execution_same"].format(what=self.t[key]))
                continue
            sentences.append(self.t["execution_more" if diff > 0 else "execution_less"].format(
                what=self.t[key], amount=self.money(abs(diff)),
                pct=self.pct(abs(plan.fraction(key))) if plan.fraction(key) is not None else "–",
                verdict=self.t["favourable" if favourable else "unfavourable"]))
        return {"keys": [self.t[key] for key in keys], "table": table, "sentences": sentences, "year": year,
                "against": self.t["execution_against_na_wijziging" if plan.na_wijziging is not None
                                  else "execution_against_primitief"], "explanation": []}

    def _execution_rows(self, edition: EditionData, fig: EditionFigures, rows: list[dict]) -> list[dict]:
        """Per programme: the lasten planned and realised, as the edition page's table and its download."""
        out = []
        for r in rows:
            plan = execution(fig, r["programme"].code, edition.config.year)
            if plan is not None:
                out.append({"naam": r["label"], "code": r["programme"].code, "pad": r["path"],
                            "lasten_begroot": exact(plan.plan.lasten), "lasten_realisatie": exact(plan.realisatie.lasten),
                            "verschil_lasten": exact(plan.difference("lasten")),
                            "verschil_pct": share(plan.fraction("lasten"))})
        return out

    @staticmethod
    def _execution_download(view: dict) -> list[dict]:
        """The plan-against-realisation table as rows of exact amounts: one per BBV column, then the
        difference."""
        return [{"naam": label, **{key: exact(value) for key, value in values.items()}}
                for label, values in view["table"]]

    def search_page(self) -> Page:
        items = []
        for edition in self.editions_sorted():
            items.append({"path": edition.id, "title": f"{edition.config.display_title} {self.t['at_a_glance']}",
                          "edition": None})
            for p in edition.programmes.values():
                items.append({"path": programme_path(edition, p), "title": self.programme_label(p, edition),
                              "edition": edition.config.display_title})
        return Page("zoeken", "search.html", {"all_pages": items}, self.t["search"],
                    crumbs=[(self.t["home"], "")])

    def downloads_page(self, edition: EditionData) -> Page:
        files = [
            ("financien.csv", "CSV", self.t["dl_lines"]), ("financien.parquet", "Parquet", self.t["dl_lines"]),
            ("begroting.xlsx", "XLSX", self.t["dl_xlsx"]), ("begroting.json", "JSON", self.t["dl_json"]),
            ("programmas.csv", "CSV", self.t["dl_programmes"]), ("taakvelden.csv", "CSV", self.t["dl_taakvelden"]),
            ("datapackage.json", "Fiscal Data Package", self.t["dl_fdp"]),
        ]
        has_figures = self.has_figures(edition)
        if not has_figures:
            files = []  # a text-only edition: only the PDF
        if self.config.site.pdf:
            files.insert(0, (f"{edition.id}.pdf", "PDF", self.t["dl_pdf"]))
        title = self.t["downloads_title" if has_figures else "downloads_title_text_only"]
        return Page(f"{edition.id}/downloads", "downloads.html", {"files": files, "has_figures": has_figures},
                    title.format(edition=edition.config.display_title), edition=edition,
                    crumbs=[(self.t["home"], ""), (edition.config.display_title, edition.id)])

    #: Rows not counted shown on the page per file; all of them are in the page's CSV and workbook.
    ACCOUNT_ROWS_SHOWN = 500

    def account_page(self, edition: EditionData) -> Page:
        """Verantwoording van de cijfers: per finance file every row read, counted or not, and why."""
        t = self.t
        files, tables = [], {}
        for n, source in enumerate(s for s in edition.sources if s.account is not None):
            acc = source.account
            euros = lambda cents: Decimal(cents).scaleb(-2)  # noqa: E731
            # download columns: amounts in euros with cents as the page shows them (euro_...)
            slug = lambda h: "euro_" + re.sub(r"[^a-z0-9]+", "_", h.lower()).strip("_")  # noqa: E731
            columns = [{"naam": c.header, "euro_totaal": euros(c.total), "euro_geteld": euros(c.counted),
                        "euro_niet_geteld": euros(c.uncounted)} for c in acc.columns]

            def detail(u) -> str:
                if u.closes:
                    return t["account_closes"].format(first=u.closes[0], last=u.closes[1])
                return t["account_marked"].format(column=u.marker) if u.marker else ""

            listed = [{"rij": u.row, "reden": t["account_reason_" + u.reason.replace("-", "_")],
                       "toelichting": detail(u), "tekst": u.label,
                       **{slug(c.header): euros(u.amounts[c.header]) if c.header in u.amounts else None
                          for c in acc.columns}} for u in acc.listed]
            name = f"bestand-{n + 1}"
            tables[f"{name}-kolommen"] = columns
            if listed:
                tables[f"{name}-niet-geteld"] = listed
            reasons = [(t["account_reason_" + r.replace("-", "_")], acc.reasons[r])
                       for r in REASONS if acc.reasons.get(r)]
            files.append({
                "file": source.file, "name": name, "account": acc, "reasons": reasons,
                "columns": acc.columns, "listed": acc.listed[: self.ACCOUNT_ROWS_SHOWN],
                "more": max(0, len(acc.listed) - self.ACCOUNT_ROWS_SHOWN),
                "filtered": [(h, euros(v)) for h, v in acc.filtered_sums.items()],
                "euros": euros,
            })
        title = t["account_title"].format(edition=edition.config.display_title)
        return Page(f"{edition.id}/verantwoording", "account.html", {"files": files}, title, edition=edition,
                    crumbs=[(t["home"], ""), (edition.config.display_title, edition.id)], tables=tables)

    def _share_chart(self, kind: str, rows: list[dict], period: str) -> dict | None:
        """The bar chart of each programme's share in the lasten or baten (None without programmes)."""
        if not rows:
            return None
        key = f"share_{kind}"
        biggest = max(rows, key=lambda r: (r["amounts"].lasten if kind == "lasten" else r["amounts"].baten))
        title = self.t[f"chart_share_{kind}_title"].format(period=period)
        bars = [charts.Bar(r["programme"].title if r["programme"].is_overview
                           else f'{r["programme"].code}. {r["programme"].title}',
                           r[key] or Decimal(0), self.pct(r[key])) for r in rows]
        summary = self.t[f"chart_share_{kind}_summary"].format(name=biggest["programme"].title,
                                                              share=self.pct(biggest[key]))
        return {"title": title, "svg": charts.bar_list(f"aandeel-{kind}", title, summary, bars)}

    def _programme_tree(self, edition: EditionData) -> list[dict]:
        """Every programme of the edition as nested links (programmes first, then the overviews)."""
        def node(p: Programme) -> dict:
            return {"label": self.programme_label(p, edition), "path": programme_path(edition, p),
                    "children": [node(edition.programmes[c]) for c in p.children if c in edition.programmes]}
        tops = edition.top_level()
        return [node(p) for p in tops if not p.is_overview] + [node(p) for p in tops if p.is_overview]

    def taakvelden_page(self, edition: EditionData) -> Page:
        fig = self.figures[edition.id]
        year = edition.config.year
        known = iv3.names(year)
        by_tv: dict[str, list[str]] = {}
        lines = edition.lines
        if not lines.is_empty():
            for tv, prog in lines.select("taakveld", "programme").unique().sort(["taakveld", "programme"]).iter_rows():
                if tv is not None and prog is not None:
                    by_tv.setdefault(tv, []).append(prog)
        groups: dict[str, dict] = {}
        for code in sorted(fig.taakvelden, key=iv3.sort_key):
            if code not in known and fig.main not in fig.taakvelden[code]:
                continue  # a code of another year's list, only in another year's column (6.71a beside 2025)
            amounts = fig.taakvelden[code].get(fig.main, Amounts())
            main = code.split(".")[0]
            group = groups.setdefault(main, {
                "main": main, "name": iv3.main_group_name(year, main), "rows": [], "total": Amounts()})
            progs = [edition.programmes[c] for c in by_tv.get(code, []) if c in edition.programmes]
            group["rows"].append({
                "code": code, "name": known.get(code, ""), "amounts": amounts,
                "programmes": [{"label": p.code if not p.is_overview else p.title,
                                "title": p.title, "path": programme_path(edition, p)} for p in progs],
            })
            group["total"] = group["total"] + amounts
        from .peers import comparison

        period = period_label(fig.main, self.language)
        peers = comparison(edition.peers, self.config.organisation.inhabitants.get(year), list(groups.values()),
                           fig.grand(), name=self.config.organisation.name, period=period, language=self.language)
        tables = {"taakvelden": self._taakvelden_table(list(groups.values()), fig.grand())}
        if peers is not None:
            tables["per-inwoner"] = peers["download"]
        from ..peers import missing_auto

        missing = missing_auto(self.config, edition.config) if peers is None and edition.peers is None else None
        peers_missing = self.t["peers_missing"].format(dataset=self.t[f"dataset_{missing[0]}"], year=missing[1]) \
            if missing else None
        return Page(f"{edition.id}/taakvelden", "taakvelden.html", {
            "fig": fig, "groups": list(groups.values()), "grand": fig.grand(), "period": period, "peers": peers,
            "peers_missing": peers_missing,
        }, self.t["taakvelden_title"].format(edition=edition.config.display_title), edition=edition,
            crumbs=[(self.t["home"], ""), (edition.config.display_title, edition.id)], tables=tables)

    def _taakvelden_table(self, groups: list[dict], grand: Amounts) -> list[dict]:
        """The taakvelden table as shown: each main group's row, then its taakvelden; the total last."""
        def row(code: str, name: str, programmes: str, level: str, a: Amounts) -> dict:
            return {"taakveld": code, "naam": name, "programmas": programmes, "niveau": level,
                    "lasten": exact(a.lasten), "baten": exact(a.baten), "saldo": exact(a.saldo)}

        out = []
        for group in groups:
            out.append(row(group["main"], group["name"], "", "hoofdtaakveld", group["total"]))
            out += [row(r["code"], r["name"], ", ".join(p["label"] for p in r["programmes"]), "taakveld", r["amounts"])
                    for r in group["rows"]]
        out.append(row("", self.t["total"], "", "totaal", grand))
        return out

    # ----------------------------------------------------------------------------- goals
    def series_view(self, series, chart_id: str) -> dict:
        from ..goals import status

        years = series.years
        labels = [str(y) for y in years]
        fmt_value = lambda v: self.number(v) if v is not None else fmt.DASH  # noqa: E731
        targets = [series.targets.get(y) for y in years]
        actuals = [series.actuals.get(y) for y in years]
        chart = None
        if years:
            chart = charts.paired_columns(
                chart_id, self.t["chart_indicator_title"].format(name=series.name),
                self.t["chart_indicator_summary"].format(name=series.name, unit=series.unit),
                labels,
                [(self.t["target"], [v or Decimal(0) for v in targets], [fmt_value(v) for v in targets]),
                 (self.t["actual"], [v or Decimal(0) for v in actuals], [fmt_value(v) for v in actuals])])
        return {
            "series": series, "status": status(series, self.config.goals.tolerance), "chart": chart,
            "rows": [{"year": y, "target": fmt_value(t), "actual": fmt_value(a)}
                     for y, t, a in zip(years, targets, actuals)],
            "download": [{"indicator": series.name, "eenheid": series.unit, "jaar": y, "streefwaarde": t,
                          "realisatie": a} for y, t, a in zip(years, targets, actuals)],
            "baseline": (series.baseline[0], self.number(series.baseline[1])) if series.baseline else None,
        }

    def goal_views(self, edition: EditionData, code: str | None = None) -> list[dict]:
        from ..goals import worst

        fig = self.figures[edition.id]
        views = []
        for n, goal in enumerate(g for g in edition.goals if code is None or g.programme == code):
            own = fig.programme_taakvelden.get(goal.programme, {})
            cost = sum((own[tv].lasten for tv in goal.taakvelden if tv in own), Decimal(0)) if goal.taakvelden else None
            indicators = [self.series_view(edition.series[(goal.programme, name)], f"ind-{n}-{i}")
                          for i, name in enumerate(goal.indicators) if (goal.programme, name) in edition.series]
            views.append({"goal": goal, "cost": cost, "indicators": indicators,
                          "status": worst([i["status"] for i in indicators]),
                          "programme": edition.programmes[goal.programme],
                          "path": programme_path(edition, edition.programmes[goal.programme])})
        return views

    def goals_page(self, edition: EditionData) -> Page:
        from ..goals import overhead_share

        fig = self.figures[edition.id]
        goals = self.goal_views(edition)
        return Page(f"{edition.id}/doelen", "goals.html", {
            "goals": goals, "period": period_label(fig.main, self.language),
            "overhead": overhead_share(edition.lines, *fig.main),
        }, self.t["goals_title"].format(edition=edition.config.display_title), edition=edition,
            crumbs=[(self.t["home"], ""), (edition.config.display_title, edition.id)],
            tables={"doelen": [{"doel": g["goal"].title, "programma": g["programme"].code,
                                "programma_naam": g["programme"].title, "status": g["status"],
                                "kosten": exact(g["cost"])} for g in goals]})

    def programme_page(self, edition: EditionData, programme: Programme) -> Page:
        if not self.has_figures(edition):
            return self._programme_page_text_only(edition, programme)
        fig = self.figures[edition.id]
        periods = fig.periods_of(programme.code) or [fig.main]
        own = fig.programmes.get(programme.code, {})
        table = [{"period": p, "label": period_label(p, self.language), "amounts": own.get(p, Amounts())}
                 for p in periods]
        main_amounts = fig.of(programme.code)
        period = period_label(fig.main, self.language)
        chart = charts.paired_columns(
            "lbs", self.t["chart_periods_title"].format(name=programme.title),
            self.t["chart_periods_summary"].format(name=programme.title, lasten=self.money(main_amounts.lasten),
                                                   baten=self.money(main_amounts.baten), period=period,
                                                   unit=self.unit_label),
            [row["label"] for row in table],
            [(self.t["lasten"], [r["amounts"].lasten for r in table], [self.money(r["amounts"].lasten) for r in table]),
             (self.t["baten"], [r["amounts"].baten for r in table], [self.money(r["amounts"].baten) for r in table])],
        )
        children = self._programme_rows(edition, [edition.programmes[c] for c in programme.children])
        known = iv3.names(edition.config.year)
        taakvelden = [{"code": tv, "name": known.get(tv, ""), "amounts": a}
                      for tv, a in sorted(fig.programme_taakvelden.get(programme.code, {}).items(),
                                          key=lambda kv: iv3.sort_key(kv[0]))
                      if tv is not None]
        crumbs = self._programme_crumbs(edition, programme)
        in_goals = {name for g in edition.goals if g.programme == programme.code for name in g.indicators}
        indicators = [self.series_view(s, f"ind-x-{n}") for n, s in enumerate(
            s for (code, name), s in sorted(edition.series.items()) if code == programme.code and name not in in_goals)]
        goals = self.goal_views(edition, programme.code)
        tables = {"cijfers": [{"jaar": r["period"][0], "kolom": r["period"][1], "lasten": exact(r["amounts"].lasten),
                               "baten": exact(r["amounts"].baten), "saldo": exact(r["amounts"].saldo)} for r in table]}
        page_charts = {"grafiek": chart}
        people = self.config.organisation.inhabitants
        inhabitants = people.get(edition.config.year)
        if children:
            tables["deelprogrammas"] = self.programme_table_rows(children, total=main_amounts, inhabitants=inhabitants)
        # every column per inhabitant, each by the inhabitants of its own year (where known)
        per_head_rows = [{"jaar": r["period"][0], "kolom": r["period"][1],
                          "lasten_per_inwoner": per_head(per_inhabitant(r["amounts"].lasten, people.get(r["period"][0]))),
                          "baten_per_inwoner": per_head(per_inhabitant(r["amounts"].baten, people.get(r["period"][0])))}
                         for r in table]
        if any(people.get(r["period"][0]) for r in table):
            tables["per-inwoner"] = per_head_rows
        else:
            per_head_rows = []
        if taakvelden:
            tables["taakvelden"] = [{"taakveld": tv["code"], "naam": tv["name"], "lasten": exact(tv["amounts"].lasten),
                                     "baten": exact(tv["amounts"].baten), "saldo": exact(tv["amounts"].saldo)}
                                    for tv in taakvelden]
        # the indicators in the order the page shows them: those of the goals first
        for n, view in enumerate([v for g in goals for v in g["indicators"]] + indicators, start=1):
            view["table"], tables[f"indicator-{n}"] = f"indicator-{n}", view["download"]
            if view["chart"] is not None:
                view["chart_name"] = f"grafiek-indicator-{n}"
                page_charts[view["chart_name"]] = view["chart"]
        texts = edition.texts_for(programme.code)
        plan = self.execution_view(fig, programme.code, edition)
        if plan is not None:  # the explanation of the differences stands next to them
            plan["explanation"] = [t for t in texts if t.section == "toelichting"]
            texts = [t for t in texts if t.section != "toelichting"]
            tables["begroting-en-realisatie"] = self._execution_download(plan)
        return Page(programme_path(edition, programme), "programme.html", {
            "programme": programme, "fig": fig, "table": table, "chart": chart, "children": children,
            "taakvelden": taakvelden, "texts": texts, "indicators": indicators, "execution": plan,
            "per_head_rows": per_head_rows, "per_head_cell": self.per_head_cell(inhabitants),
            "goals": goals,
            "main": main_amounts, "period": period, "has_figures": True,
            "share_lasten": fig.share_lasten(programme.code), "share_baten": fig.share_baten(programme.code),
            "parent": edition.programmes[programme.parent] if programme.parent else None,
            "parent_path": programme_path(edition, edition.programmes[programme.parent]) if programme.parent else None,
        }, self.programme_label(programme, edition), edition=edition, crumbs=crumbs, tables=tables,
            charts=page_charts)

    # ----------------------------------------------------------------------------- comparisons
    def compare_index_page(self) -> Page:
        rows = [{"a": a, "b": b, "path": compare_path(a, b)} for a, b in compare.pairs(self.budget.editions)]
        return Page("vergelijk", "compare_index.html", {"rows": rows}, self.t["compare"],
                    crumbs=[(self.t["home"], "")])

    def side(self, edition: EditionData) -> compare.Side:
        """An edition's money per programme and taakveld, for its comparisons: computed once per
        version of its data (kept between serve rebuilds), before pages are rendered in forked
        workers (it is the part that needs Polars)."""
        known = self.sides.get(edition.id)
        if known is None or known[0] != edition.version:
            known = (edition.version, compare.side(edition, self.figures.get(edition.id)))
            self.sides[edition.id] = known
        return known[1]

    def comparison(self, a: EditionData, b: EditionData, texts: bool = False) -> compare.Comparison:
        labels = {"added": self.t["compare_added"], "removed": self.t["compare_removed"],
                  "folded": self.t["compare_folded"]}
        return compare.compare(a, self.figures.get(a.id), b, self.figures.get(b.id), labels=labels,
                               sides=(self.side(a), self.side(b)), diffs=self.diffs, texts=texts)

    def compare_texts_page(self, a: EditionData, b: EditionData) -> Page:
        """What changed in the texts of two editions, programme by programme and section by section."""
        c = self.comparison(a, b, texts=True)
        texts = [{
            "title": (self.t["compare_edition_texts"] if t.old is None and t.new is None else
                      " → ".join(x for x in (self.programme_label(t.old, a) if t.old else None,
                                             self.programme_label(t.new, b) if t.new else None) if x)),
            "changed": t.changed, "sections": t.sections,
            "new_path": programme_path(b, t.new) if t.new is not None else b.id,
        } for t in c.texts]
        title = self.t["compare_texts_title"].format(a=a.config.display_title, b=b.config.display_title)
        return Page(compare_path(a, b) + "/teksten", "compare_texts.html", {"texts": texts}, title,
                    crumbs=[(self.t["home"], ""), (self.t["compare"], "vergelijk"),
                            (self.t["compare_title"].format(a=a.config.display_title, b=b.config.display_title),
                             compare_path(a, b))])

    def same_programmes(self, edition: EditionData, other: EditionData) -> dict[str, str]:
        """Programme code of ``edition`` -> the same programme's code in ``other``; computed once
        per version of the two editions' data (kept between serve rebuilds)."""
        versions = (edition.version, other.version)
        known = self.matches.get((edition.id, other.id))
        if known is None or known[0] != versions:
            known = (versions, compare.match_programmes(edition.programmes.values(), other.programmes.values()))
            self.matches[(edition.id, other.id)] = known
        return known[1]

    def _flow_rows(self, comparison: compare.Comparison, old_codes: list[str]) -> list[dict]:
        """The flows out of some old programmes (or, without old figures, into the new ones)."""
        a, b = comparison.a.edition, comparison.b.edition
        rows = []
        for code in old_codes:
            for f, share in comparison.shares_from(code):
                rows.append({
                    "old": a.programmes.get(f.old), "new": b.programmes.get(f.new) if f.new else None,
                    "old_path": programme_path(a, a.programmes[f.old]) if f.old in a.programmes else None,
                    "new_path": programme_path(b, b.programmes[f.new]) if f.new in b.programmes else None,
                    "a": f.amounts("a") if comparison.a.has_figures else None,
                    "b": f.amounts("b") if comparison.b.has_figures else None,
                    "share": share,
                    "codes": f.codes, "estimated": f.estimated,
                })
        return rows

    def compare_page(self, a: EditionData, b: EditionData) -> Page:
        c = self.comparison(a, b)
        label_a, label_b = a.config.display_title, b.config.display_title

        def delta_pct(x: Decimal | None, y: Decimal | None) -> Decimal | None:
            return None if x is None or y is None or x == 0 else (y - x) / abs(x)

        totals: list[dict] = []      # the totals, and their download rows
        per_head_rows: list[dict] = []  # the same per inhabitant, when both years' inhabitants are known
        if c.a.has_figures or c.b.has_figures:
            ta = c.a.total() if c.a.has_figures else None
            tb = c.b.total() if c.b.has_figures else None
            people = self.config.organisation.inhabitants
            heads = (people.get(a.config.year), people.get(b.config.year))
            for key in ("lasten", "baten", "saldo"):
                x = getattr(ta, key) if ta is not None else None
                y = getattr(tb, key) if tb is not None else None
                # a change in % of a saldo (often near zero) says nothing
                totals.append({"naam": self.t[key], "bedrag_oud": exact(x), "bedrag_nieuw": exact(y),
                               "verschil": exact(y - x) if x is not None and y is not None else None,
                               "verschil_pct": share(delta_pct(x, y)) if key != "saldo" else None})
            if all(heads) and ta is not None and tb is not None:  # each year by that year's inhabitants
                for key in ("lasten", "baten"):
                    x = per_inhabitant(getattr(ta, key), heads[0])
                    y = per_inhabitant(getattr(tb, key), heads[1])
                    per_head_rows.append({"naam": self.t[key], "per_inwoner_oud": per_head(x),
                                          "per_inwoner_nieuw": per_head(y), "verschil_per_inwoner": per_head(y - x),
                                          "verschil_pct": share(delta_pct(x, y))})
        programmes = [{
            "old": r.old, "new": r.new, "a": r.a, "b": r.b, "delta": r.delta,
            "old_label": self.programme_label(r.old, a) if r.old else None,
            "new_label": self.programme_label(r.new, b) if r.new else None,
            "old_path": programme_path(a, r.old) if r.old else None,
            "new_path": programme_path(b, r.new) if r.new else None,
            "pct": delta_pct(r.a.lasten if r.a else None, r.b.lasten if r.b else None),
        } for r in c.programmes]
        figures = bool(totals)
        tables: dict[str, list[dict]] = {}
        if figures:
            tables["totalen"] = totals
        if per_head_rows:
            tables["per-inwoner"] = per_head_rows
        tables["programmas"] = [{
            "naam": r["new_label"] or r["old_label"], "code_nieuw": r["new"].code if r["new"] else "",
            "programma_oud": r["old_label"] or "", "code_oud": r["old"].code if r["old"] else "",
            **({"lasten_oud": exact(r["a"].lasten) if r["a"] else None,
                "lasten_nieuw": exact(r["b"].lasten) if r["b"] else None,
                "verschil_lasten": exact(r["delta"].lasten) if r["delta"] else None,
                "verschil_pct": share(r["pct"])} if figures else {}),
        } for r in programmes]
        changes = [{
            "kind": ch.kind, "label": self.t[f"change_{ch.kind}"],
            "old": [self.programme_label(a.programmes[x], a) for x in ch.old],
            "new": [self.programme_label(b.programmes[x], b) for x in ch.new],
            "flows": self._flow_rows(c, ch.old),
        } for ch in c.changes if ch.kind != "same"]
        for n, ch in enumerate(changes, start=1):
            if ch["flows"]:
                ch["table"] = f"indeling-{n}"
                tables[ch["table"]] = [{
                    "naam": f'{f["old"].code} {f["old"].title}' if f["old"] else self.t["compare_nowhere"],
                    "naar": f'{f["new"].code} {f["new"].title}' if f["new"] else self.t["compare_nowhere"],
                    "taakvelden": f["codes"],
                    **({"lasten_oud": exact(f["a"].lasten)} if c.a.has_figures else {}),
                    **({"lasten_nieuw": exact(f["b"].lasten)} if c.b.has_figures else {}),
                    "aandeel_oud_programma": share(f["share"]), "geschat": "ja" if f["estimated"] else "nee",
                } for f in ch["flows"]]
        year_a, year_b = a.config.year, b.config.year
        known_a, known_b = iv3.names(year_a), iv3.names(year_b)
        groups = [{
            "old": [(code, known_a.get(code, "")) for code in g.old],
            "new": [(code, known_b.get(code, "")) for code in g.new],
            "changed": g.changed_codes, "reason": g.reason.get(self.language, ""),
            "a": g.a, "b": g.b, "delta": g.delta,
            "label": (f'{", ".join(g.old)} → {", ".join(g.new)}' if g.changed_codes else
                      " ".join(x for x in ((g.new or g.old)[0], (known_b if g.new else known_a).get((g.new or g.old)[0], "")) if x)),
        } for g in c.groups]
        title = self.t["compare_title"].format(a=label_a, b=label_b)
        if figures:
            tables["taakvelden"] = [{
                "naam": g["label"], "taakvelden_oud": " ".join(code for code, _ in g["old"]),
                "taakvelden_nieuw": " ".join(code for code, _ in g["new"]),
                "lasten_oud": exact(g["a"].lasten) if g["a"] else None,
                "lasten_nieuw": exact(g["b"].lasten) if g["b"] else None,
                "verschil_lasten": exact(g["delta"].lasten) if g["delta"] else None,
                "baten_oud": exact(g["a"].baten) if g["a"] else None,
                "baten_nieuw": exact(g["b"].baten) if g["b"] else None,
                "verschil_baten": exact(g["delta"].baten) if g["delta"] else None,
            } for g in groups]
        return Page(compare_path(a, b), "compare.html", {
            "a": a, "b": b, "label_a": label_a, "label_b": label_b, "c": c,
            "period_a": period_label(c.a.period, self.language) if c.a.period else None,
            "period_b": period_label(c.b.period, self.language) if c.b.period else None,
            "totals": totals, "per_head": per_head_rows, "programmes": programmes, "changes": changes,
            "groups": groups, "texts_path": compare_path(a, b) + "/teksten",
            "any_estimated": any(f.estimated for f in c.flows),
        }, title, crumbs=[(self.t["home"], ""), (self.t["compare"], "vergelijk")], tables=tables)

    def signed(self, euros: Decimal | None) -> str:
        return fmt.signed_money(euros, self.unit, self.language)

    def change_pct(self, fraction: Decimal | None) -> str:
        return fmt.change(fraction, self.language)

    def euro_cents(self, euros: Decimal | None, signed: bool = False) -> str:
        return fmt.euro_cents(euros, self.language, signed)

    def _programme_crumbs(self, edition: EditionData, programme: Programme) -> list[tuple[str, str]]:
        crumbs = [(self.t["home"], ""), (edition.config.display_title, edition.id)]
        ancestors = []
        node = programme.parent
        while node is not None:
            ancestors.append(edition.programmes[node])
            node = edition.programmes[node].parent
        for anc in reversed(ancestors):
            crumbs.append((self.programme_label(anc, edition), programme_path(edition, anc)))
        return crumbs

    def _programme_page_text_only(self, edition: EditionData, programme: Programme) -> Page:
        """A programme of an edition without figures: its texts, its deelprogramma's and the Iv3
        taakvelden its patterns cover; no amounts."""
        from ..read.programmes import match_taakveld
        from .. import reference

        year = reference.reference_year(edition.config.year)
        patterns, todo = [], [programme.code]
        while todo:  # the programme's own patterns and those of its deelprogramma's
            node = edition.programmes[todo.pop()]
            patterns.extend(node.taakvelden)
            todo.extend(c for c in node.children if c in edition.programmes)
        covered = [{"code": code, "name": tv.name} for code, tv in reference.taakvelden(year).items()
                   if tv.leaf and any(match_taakveld(code, p) for p in patterns)]
        covered.sort(key=lambda r: iv3.sort_key(r["code"]))
        children = [{"label": self.programme_label(edition.programmes[c], edition),
                     "path": programme_path(edition, edition.programmes[c])}
                    for c in programme.children if c in edition.programmes]
        parent = edition.programmes[programme.parent] if programme.parent else None
        return Page(programme_path(edition, programme), "programme.html", {
            "programme": programme, "has_figures": False, "texts": edition.texts_for(programme.code),
            "children": children, "covered": covered, "covered_year": year, "table": [], "chart": None,
            "main": None, "share_lasten": None, "share_baten": None, "execution": None,
            "per_head_rows": [], "per_head_cell": None,
            "goals": self.goal_views(edition, programme.code), "indicators": [], "taakvelden": [],
            "parent": parent, "parent_path": programme_path(edition, parent) if parent else None,
        }, self.programme_label(programme, edition), edition=edition,
            crumbs=self._programme_crumbs(edition, programme))

    # ----------------------------------------------------------------------------- writing
    def stamp(self, page: Page, built: str | None = None) -> str:
        built = built or fmt.stamp(self.build_time)
        if page.edition is not None:
            exported = page.edition.exported_at
            if exported is None and not self.has_figures(page.edition):
                return self.t["stamp_no_export"].format(built=built)
        else:
            known = [e.exported_at for e in self.budget.editions if e.exported_at]
            exported = max(known) if known else None
        if exported is None:
            return self.t["stamp_unknown"].format(built=built)
        return self.t["stamp"].format(built=built, exported=fmt.stamp(exported))

    def navigation(self, page: Page) -> dict:
        """Links between editions: an edition's comparisons, and a programme in other editions
        (the same code and a similar title, or the same title under another code)."""
        comparisons: list[dict] = []
        elsewhere: list[dict] = []
        if page.edition is not None and page.template == "edition.html":
            for a, b in compare.pairs(self.budget.editions):
                if page.edition.id in (a.id, b.id):
                    other = b if a.id == page.edition.id else a
                    comparisons.append({"label": self.t["compare_with"].format(edition=other.config.display_title),
                                        "path": compare_path(a, b)})
        elif page.edition is not None and page.template == "programme.html":
            programme = page.context["programme"]
            for other in self.editions_sorted():
                if other.id == page.edition.id:
                    continue
                found = self.same_programmes(page.edition, other).get(programme.code)
                if found is not None:
                    elsewhere.append({"edition": other.config.display_title,
                                      "label": self.programme_label(other.programmes[found], other),
                                      "path": programme_path(other, other.programmes[found])})
        return {"comparisons": comparisons, "elsewhere": elsewhere}

    def render(self, page: Page, placeholders: bool = False) -> str:
        """The page's HTML; with ``placeholders``, the build's time is left as placeholders that
        :meth:`fill` replaces (the page cache keeps pages without the time they were built)."""
        from ..read.texts import with_media

        root = "../" * page.depth
        template = environment().get_template(page.template)
        return with_media(template.render(
            page=page, root=root, t=self.t, lang=self.language, site_title=self.site_title(),
            organisation=self.config.organisation, all_editions=self.editions_sorted(), theme=self.config.theme,
            unit_label=self.unit_label, money=self.money, pct=self.pct,
            stamp=self.stamp(page, BUILT if placeholders else None),
            build_iso=BUILT_ISO if placeholders else fmt.iso(self.build_time),
            url=lambda path: root + (path + "/" if path else ""),
            logo=f"{THEME_FOLDER}/{Path(self.config.theme.logo).name}" if self.config.theme.logo else None,
            number=self.number, fmt_stamp=fmt.stamp, build_time=self.build_time, font_faces=self.font_faces(),
            signed=self.signed, change_pct=self.change_pct, euro_cents=self.euro_cents,
            **self.navigation(page), **page.context,
        ), root)  # the texts' images, in the site's media/

    def statement_page(self, result: AuditResult) -> Page:
        settings = self.config.accessibility
        return Page("over/toegankelijkheid", "statement.html", {
            "status": settings.status, "audited": settings.audited,
            "contact": settings.contact or self.config.organisation.email,
            "audit_rows": result.rows(self.language), "audit_pages": result.pages, "audit_passed": result.passed,
            "date": self.build_time.date(),
        }, self.t["statement"], crumbs=[(self.t["home"], ""), (self.t["colophon"], "over")])

    @staticmethod
    def _write_page(out: Path, path: str, html: str) -> Path:
        target = out / path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(".index.html.tmp")
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, target)  # readers never see a half-written page
        return target

    def fill(self, html: str) -> str:
        """Put the build's time in the placeholders of a page rendered with ``placeholders``."""
        return html.replace(BUILT, fmt.stamp(self.build_time)).replace(BUILT_ISO, fmt.iso(self.build_time))

    def _page_made(self, page: Page) -> CachedPage:
        """Everything a page writes, made: its HTML (with the build's time as placeholders), its
        text files (tables as CSV and JSON, charts as SVG, other files) and what
        :func:`write_binaries` makes from it (workbooks, PNG images)."""
        from ..publish.downloads import PAGE_WORKBOOK, table_csv, table_json

        texts = dict(page.files)
        names = list(page.files)
        for name, rows in page.tables.items():
            if f"{name}.xlsx" == PAGE_WORKBOOK or not TABLE_NAME.fullmatch(name):
                raise ValueError(f"{page.path}: table name {name!r}: expected a slug of at most 31 characters"
                                 f" (a sheet name of the workbook) other than {PAGE_WORKBOOK[:-5]!r}")
            texts[f"{name}.csv"], texts[f"{name}.json"] = table_csv(rows), table_json(rows)
            names += [f"{name}.csv", f"{name}.json"]
        if page.tables:
            names.append(PAGE_WORKBOOK)
        pictures = []
        for name, svg in page.charts.items():
            texts[f"{name}.svg"] = text = charts.standalone(svg, self.config.theme.primary_color)
            pictures.append((name, text))
            names += [f"{name}.svg", f"{name}.png"]
        raw = self.render(page, placeholders=True)
        if page.edition is not None:
            exported = page.edition.exported_at
        else:  # a page of several editions (a comparison): the latest export, as its stamp says
            exported = max((e.exported_at for e in self.budget.editions if e.exported_at), default=None)
        return CachedPage(raw, audit_page(self.fill(raw)), texts, names, list(page.tables.items()), pictures,
                          exported)

    def _page_address(self, spec: PageSpec) -> str | None:
        """Where a page is in the build cache: by its dependencies and the bytes of every
        edition's data (the dependencies name files by date and size); None: not cached."""
        if spec.deps is None or any(e.content is None for e in self.budget.editions):
            return None
        from .. import cache

        return cache.key("page", spec.path, spec.deps, [(e.id, e.content) for e in self.budget.editions])

    def cached_page(self, spec: PageSpec, address: str | None = None) -> CachedPage | None:
        """The page from the build cache (at ``address`` when already known), or None."""
        from .. import cache

        address = address or self._page_address(spec)
        entry = cache.get_object("page", address) if address is not None else None
        return entry if isinstance(entry, CachedPage) else None

    def _write_made(self, spec: PageSpec, made: CachedPage, out: Path) -> Rendered:
        """Write the page's HTML; its other files now under ``begroot serve`` (a rebuild shows
        them at once), else with its workbooks and images once every page's HTML is there."""
        self._write_page(out, spec.path, self.fill(made.html))
        folder = out / spec.path
        later = made.texts
        if self.background is not None:
            for name, text in made.texts.items():
                (folder / name).write_text(text, encoding="utf-8")
            later = {}
        created = made.exported or self.build_time
        return spec.path, spec.deps, made.failures, made.names, (folder, made.tables, made.pictures, created, later)

    def _render_and_write(self, spec: PageSpec, out: Path) -> Rendered:
        """Make and write a page, or write it from the build cache when it is there."""
        with working_on(f"the page /{spec.path}/" if spec.path else "the home page"):
            return self._make_and_write(spec, out)

    def _make_and_write(self, spec: PageSpec, out: Path) -> Rendered:
        address = self._page_address(spec)
        made = self.cached_page(spec, address)
        if made is None:
            made = self._page_made(spec.make())
            if address is not None:
                from .. import cache

                cache.put_object("page", address, made)
        return self._write_made(spec, made, out)

    def _render_all(self, todo: list[PageSpec], out: Path) -> tuple[list[Rendered], _Workers]:
        """Render and write pages; with many pages, the pure ones are shared with a forked worker
        per extra core (each process takes the next page when free; the parent first makes the
        pages that need Polars). Returns the pages in the order of ``todo``, and the workers, to
        whom ``share()`` then gives every page's workbooks and images. The output does not depend
        on how the work was shared."""
        workers = min(os.cpu_count() or 1, 4)
        pure = [i for i, spec in enumerate(todo) if spec.pure]
        if workers < 2 or len(pure) < PARALLEL_MIN_PAGES or "fork" not in mp.get_all_start_methods():
            return [self._render_and_write(spec, out) for spec in todo], _Workers([])
        from ..publish.images import options

        options()  # the fonts of the PNG images, loaded once for every process
        if self.before_fork is not None:
            self.before_fork()
        global _FORKED
        context = mp.get_context("fork")
        page_claims, binary_claims = Claims(context), Claims(context)
        _FORKED = (self, todo, pure, out, page_claims, binary_claims)
        processes = []
        try:
            for _ in range(workers - 1):
                conn, theirs = context.Pipe(duplex=True)
                process = context.Process(target=_render_in_worker, args=(theirs, os.getpid()), daemon=True)
                process.start()
                theirs.close()
                processes.append((process, conn))
            pool = _Workers(processes, binary_claims)
            try:
                is_pure = set(pure)
                results = [(i, self._render_and_write(spec, out)) for i, spec in enumerate(todo) if i not in is_pure]
                results += [(pure[k], self._render_and_write(todo[pure[k]], out)) for k in page_claims.take(len(pure))]
                results += pool.pages()
            except BaseException:
                pool.abort()
                raise
        finally:
            _FORKED = None
        return [r for _, r in sorted(results, key=lambda r: r[0])], pool

    def _write_downloads(self, out: Path, previous: RenderState | None) -> None:
        """The open data of each edition; under serve only when the edition's data changed."""
        from ..publish.downloads import write_edition_downloads

        old = previous.downloads if previous is not None else {}
        pdfs = []
        for edition in self.budget.editions:
            # the PDF holds the texts too, so they are part of what the downloads depend on
            key = _digest(self.config.model_dump_json(), edition.version,
                          _texts_key(edition.texts) if self.config.site.pdf else ())
            has_figures = self.has_figures(edition)
            if not has_figures and not self.config.site.pdf:
                continue  # a text-only edition without a PDF has nothing to download
            sentinel = "datapackage.json" if has_figures else f"{edition.id}.pdf"
            if old.get(edition.id) == key and (out / edition.id / "downloads" / sentinel).exists():
                self.state.downloads[edition.id] = key
                continue
            if has_figures:
                with working_on(f"the open data of edition {edition.id}"):
                    write_edition_downloads(self.budget, edition, self.figures[edition.id], out,
                                            created=edition.exported_at or self.build_time)
            if self.config.site.pdf:
                from ..publish.pdf import write_pdf

                job = functools.partial(write_pdf, self.budget, self.figures, edition.id,
                                        out / edition.id / "downloads" / f"{edition.id}.pdf", self.build_time)
                if self.background is not None:
                    self.background.append(job)  # under serve: made after the pages are shown
                else:
                    pdfs.append(job)
            self.state.downloads[edition.id] = key
        run_jobs(pdfs)

    def _discard(self, files: list[Path], folder: Path | None = None) -> None:
        """Remove files of pages that are gone (and ``folder`` once empty); under serve, after
        the background work still to come, which may write them."""
        if self.background is not None:
            self.background.append(functools.partial(_remove, files, folder))
        else:
            _remove(files, folder)

    def _finish_pages(self, out: Path, results: list[Rendered], hits: list, workers: _Workers,
                      old_files: dict, written: list[Path], previous: RenderState | None) -> None:
        """After the pages are made: the pages from the build cache, the accessibility statement,
        the search index (started), the editions' open data, and every page's workbooks and
        images (shared with the workers, who start on them at once)."""
        results += [self._write_made(spec, made, out) for spec, made in hits]
        jobs = [r[4] for r in results]
        if self.background is not None and not workers.processes:
            # under serve: the preview's workbooks and images are made after the pages are shown
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
        draft = self.render(self.statement_page(self.audit))
        self.audit.add("/over/toegankelijkheid/", draft)
        statement = self.statement_page(self.audit)
        written.append(self._write_page(out, statement.path, self.render(statement)))
        if self.pages_written is not None:
            self.pages_written()  # every page is there: the search index can be built meanwhile
        self._write_downloads(out, previous)
        workers.finish()

    def write(self, out: Path, previous: RenderState | None = None) -> list[Path]:
        """Write the site into ``out``. With ``previous`` (the state of the last build into the
        same folder), pages whose dependencies did not change are left as they are."""
        out.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        seen: set[str] = set()
        self.audit = AuditResult()
        self.state = RenderState()
        old = previous.pages if previous is not None else {}
        old_files = previous.files if previous is not None else {}
        todo: list[PageSpec] = []
        for spec in self.page_specs():
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
        if previous is not None:  # what the previous build into this folder computed and still holds
            self.sides, self.matches = dict(previous.sides), dict(previous.matches)
            self.diffs = compare.DiffCache(previous.diffs)
        for a, b in compare.pairs(self.budget.editions):  # before forking: only those the pages to write need
            if any(spec.path == compare_path(a, b) for spec in todo):
                self.side(a), self.side(b)
        written_editions = {spec.path.split("/")[0] for spec in todo if "/programma/" in spec.path}
        for edition in self.budget.editions:  # likewise the programme matches the programme pages link
            if edition.id in written_editions:
                for other in self.budget.editions:
                    if other.id != edition.id:
                        self.same_programmes(edition, other)
        results, workers = self._render_all(todo, out)
        try:
            self._finish_pages(out, results, hits, workers, old_files, written, previous)
        except BaseException:
            workers.abort()
            raise
        for path in sorted(set(old) - seen):  # pages that no longer exist (a programme was removed)
            (out / path / "index.html").unlink(missing_ok=True)
            self._discard([out / path / name for name in old_files.get(path, [])], out / path)
        static = out / "static"
        static.mkdir(exist_ok=True)
        css = resources.files("begroot.render") / "static" / "begroot.css"
        with resources.as_file(css) as css_path:
            shutil.copyfile(css_path, static / "begroot.css")
        for name in ("zoeken.js", "favicon.svg"):
            with resources.as_file(resources.files("begroot.render") / "static" / name) as path:
                shutil.copyfile(path, static / name)
        theme_css = environment().get_template("theme.css").render(theme=self.config.theme,
                                                                    font_faces=self.font_faces())
        (static / "theme.css").write_text(theme_css, encoding="utf-8")
        written += [static / "begroot.css", static / "theme.css"]
        return written


def render_site(budget: Budget, figures: dict[str, EditionFigures], out: Path, *, build_time: dt.datetime,
                warnings: list[Problem], colophon_html: str = "", audit: list | None = None,
                state: RenderState | None = None, background: list | None = None,
                pages_written: Callable[[], None] | None = None,
                before_fork: Callable[[], None] | None = None) -> list[Path]:
    """Write every page of the site into ``out``; returns the files written.

    When ``audit`` is a list, the accessibility failures found in the pages are appended to it
    as (page, check, detail). ``state`` (kept by ``begroot serve``) is the state of the previous
    build into ``out``; it is updated in place, and unchanged pages are not written again.
    ``pages_written`` is called as soon as every page's HTML is written, before the slower
    downloads (workbooks, PNG images, the editions' open data) are finished. ``before_fork`` is
    called before render workers are forked (see ``Renderer.before_fork``).
    """
    renderer = Renderer(budget, figures, build_time=build_time, warnings=warnings, colophon_html=colophon_html)
    renderer.background = background
    renderer.pages_written = pages_written
    renderer.before_fork = before_fork
    written = renderer.write(out, previous=state)
    if state is not None:
        state.pages = renderer.state.pages
        state.downloads = renderer.state.downloads
        state.sides, state.matches, state.diffs = renderer.sides, renderer.matches, renderer.diffs.used
        state.files = renderer.state.files
    if audit is not None:
        for key, items in sorted(renderer.audit.failures.items()):
            audit.extend((page, key, detail) for page, detail in items)
    return written


def page_urls(budget: Budget, figures: dict[str, EditionFigures] | None = None) -> list[str]:
    """The URL of every page ('/', '/begroting-2024/', ...) in the order they are written,
    the accessibility statement last. Figures are computed when not given."""
    renderer = Renderer(budget, figures if figures is not None else {e.id: compute(e) for e in budget.editions},
                        build_time=dt.datetime(2000, 1, 1), warnings=[])
    return ["/" + spec.path + "/" if spec.path else "/" for spec in renderer.page_specs()] + ["/over/toegankelijkheid/"]
