"""What every page's view shares: the budget and its figures, the site's language, strings and
display formats, the labels of editions and programmes, the comparisons between editions
(computed once), and the rendering of a :class:`~begroot.render.page.Page` into HTML with the
site's frame (navigation, footer stamp)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Callable

from .. import compare
from ..errors import Problem
from ..figures import EditionFigures
from ..model import Budget, EditionData, Programme
from .. import format as fmt
from . import navigation
from .page import THEME_FOLDER, Page, compare_path, digest, environment, programme_path
from .strings import in_currency, period_label, strings

#: Stand-ins for the build's time in a page kept in the build cache (characters of Unicode's
#: private use area, which no text of a page holds).
BUILT, BUILT_ISO = "\ue000built\ue000", "\ue000built-iso\ue000"


class Site:
    """The site being built: what the views read, and the frame every page is rendered in."""

    def __init__(self, budget: Budget, figures: dict[str, EditionFigures], *, build_time: dt.datetime,
                 warnings: list[Problem], colophon_html: str = ""):
        self.budget = budget
        self.figures = figures
        self.build_time = build_time
        self.warnings = warnings
        self.colophon_html = colophon_html
        self.config = budget.config
        self.language = budget.config.site.language
        self.t = in_currency(strings(self.language), self.language, budget.config.site.currency)
        self.fmt = fmt.Formats(self.language, budget.config.site.unit, budget.config.site.currency)
        self.unit_label = self.fmt.unit_label
        self.sides: dict[str, tuple[str, compare.Side]] = {}  # see side()
        self.matches: dict = {}                                # see same_programmes()
        self.compared: dict = {}                               # see comparison()
        self.diffs = compare.DiffCache()
        self._series: dict[str, tuple[dict, dict]] = {}        # see series_of()

    # ----------------------------------------------------------------------------- dependencies
    @functools.cached_property
    def site_digest(self) -> str:
        """What every page depends on: the configuration and the version of each edition's data."""
        return digest(self.config.model_dump_json(), [(e.id, e.version) for e in self.budget.editions])

    def edition_digest(self, edition: EditionData, *more) -> str:
        """What a page of ``edition`` depends on: the site, the edition's data, and ``more``."""
        return digest((self.site_digest, edition.version), *more)

    def series_of(self, edition: EditionData, code: str) -> list[tuple[str, object]]:
        """The edition's indicator series of programme ``code``: (name, series) in the order of
        their names. Sorted once per edition (each programme's page and the PDF ask: sorting
        every series for each of 2,000 programmes took seconds)."""
        kept = self._series.get(edition.id)
        if kept is None or kept[0] is not edition.series:
            found: dict[str, list] = {}
            for (programme, name), series in sorted(edition.series.items()):
                found.setdefault(programme, []).append((name, series))
            kept = self._series[edition.id] = (edition.series, found)
        return kept[1].get(code, [])

    # ----------------------------------------------------------------------------- labels
    def has_figures(self, edition: EditionData) -> bool:
        """False for a text-only edition (or one without any finance line): its pages show no amounts."""
        return bool(self.figures[edition.id].periods)

    def site_title(self) -> str:
        return self.config.site.title or self.config.organisation.name

    def editions_sorted(self) -> list[EditionData]:
        return sorted(self.budget.editions, key=lambda e: (e.config.year, e.config.kind, e.id), reverse=True)

    def programme_label(self, p: Programme, edition: EditionData) -> str:
        if p.is_overview:
            return p.title
        key = "deelprogramma_title" if p.parent else "programme_title"
        return self.t[key].format(code=p.code, title=p.title)

    def period(self, period: tuple[int, str]) -> str:
        """'Begroting 2024', 'Realisatie 2022' in the site's language."""
        return period_label(period, self.language)

    def home_crumbs(self, edition: EditionData | None = None) -> list[tuple[str, str]]:
        """The breadcrumbs of a page under the home page (and under ``edition``'s overview)."""
        crumbs = [(self.t["home"], "")]
        if edition is not None:
            crumbs.append((edition.config.display_title, edition.id))
        return crumbs

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

    # ----------------------------------------------------------------------------- comparisons
    def side(self, edition: EditionData) -> compare.Side:
        """An edition's money per programme and taakveld, for its comparisons: computed once per
        version of its data (kept between serve rebuilds), before pages are rendered in forked
        workers (it is the part that needs Polars)."""
        known = self.sides.get(edition.id)
        if known is None or known[0] != edition.version:
            known = (edition.version, _side(edition, self.figures.get(edition.id), self.config.organisation.kind))
            self.sides[edition.id] = known
        return known[1]

    def comparison(self, a: EditionData, b: EditionData, texts: bool = False) -> compare.Comparison:
        """The two editions compared; the figures once per version of their data (kept between
        serve rebuilds: a text edit compares the texts again, not the money)."""
        labels = {"added": self.t["compare_added"], "removed": self.t["compare_removed"],
                  "folded": self.t["compare_folded"]}
        sides = (self.side(a), self.side(b))
        known = self.compared.get((a.id, b.id))
        if known is None or known[0] != (a.version, b.version):
            known = ((a.version, b.version), compare.compare(a, self.figures.get(a.id), b, self.figures.get(b.id),
                                                             labels=labels, sides=sides, texts=False))
            self.compared[(a.id, b.id)] = known
        if not texts:
            return known[1]
        return compare.compare(a, None, b, None, labels=labels, sides=sides, diffs=self.diffs, figures=known[1])

    def same_programmes(self, edition: EditionData, other: EditionData) -> dict[str, str]:
        """Programme code of ``edition`` -> the same programme's code in ``other``; computed once
        per version of the two editions' data (kept between serve rebuilds)."""
        versions = (edition.version, other.version)
        known = self.matches.get((edition.id, other.id))
        if known is None or known[0] != versions:
            known = (versions, compare.match_programmes(edition.programmes.values(), other.programmes.values()))
            self.matches[(edition.id, other.id)] = known
        return known[1]

    # ----------------------------------------------------------------------------- the frame
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
        (the same code and a similar title, or the same title under another code); the sections
        of the page's edition, and on a programme page the other programmes (see :mod:`.navigation`)."""
        comparisons: list[dict] = []
        elsewhere: list[dict] = []
        programme_nav = None
        if page.edition is not None and page.template == "edition.html":
            for a, b in compare.pairs(self.budget.editions):
                if page.edition.id in (a.id, b.id):
                    other = b if a.id == page.edition.id else a
                    comparisons.append({"label": self.t["compare_with"].format(edition=other.config.display_title),
                                        "path": compare_path(a, b)})
        elif page.edition is not None and page.template == "programme.html":
            programme = page.context["programme"]
            programme_nav = navigation.programme_nav(self, page.edition, programme)
            for other in self.editions_sorted():
                if other.id == page.edition.id:
                    continue
                found = self.same_programmes(page.edition, other).get(programme.code)
                if found is not None:
                    elsewhere.append({"edition": other.config.display_title,
                                      "label": self.programme_label(other.programmes[found], other),
                                      "path": programme_path(other, other.programmes[found])})
        return {"comparisons": comparisons, "elsewhere": elsewhere, "programme_nav": programme_nav,
                "sections": navigation.sections(self, page)}

    def format_functions(self) -> dict[str, Callable]:
        """The display formats as templates call them."""
        f = self.fmt
        return {"money": f.money, "pct": f.pct, "number": f.number, "signed": f.signed,
                "change_pct": f.change_pct, "euro_cents": f.euro_cents}

    def render(self, page: Page, placeholders: bool = False) -> str:
        """The page's HTML; with ``placeholders``, the build's time is left as placeholders
        (:data:`BUILT`, :data:`BUILT_ISO`) that :meth:`fill` replaces (the page cache keeps pages
        without the time they were built)."""
        from ..read.texts import with_media

        root = "../" * page.depth
        template = environment().get_template(page.template)
        return with_media(navigation.with_contents(template.render(
            page=page, root=root, t=self.t, lang=self.language, site_title=self.site_title(),
            organisation=self.config.organisation, all_editions=self.editions_sorted(), theme=self.config.theme,
            unit_label=self.unit_label, **self.format_functions(),
            stamp=self.stamp(page, BUILT if placeholders else None),
            build_iso=BUILT_ISO if placeholders else fmt.iso(self.build_time),
            url=lambda path: root + (path + "/" if path else ""),
            logo=f"{THEME_FOLDER}/{Path(self.config.theme.logo).name}" if self.config.theme.logo else None,
            fmt_stamp=fmt.stamp, build_time=self.build_time, font_faces=self.font_faces(),
            draft=self.config.site.draft,
            **self.navigation(page), **page.context,
        ), self.t["on_this_page"]), root)  # the texts' images, in the site's media/

    def fill(self, html: str) -> str:
        """Put the build's time in the placeholders of a page rendered with ``placeholders``."""
        return html.replace(BUILT, fmt.stamp(self.build_time)).replace(BUILT_ISO, fmt.iso(self.build_time))


def _side(edition: EditionData, figures, level: str = "gemeente") -> compare.Side:
    """:func:`compare.side`, from the build cache when an earlier build computed it from the same
    data (``EditionData.content``): a build after a text edit then reads no unchanged edition's
    lines for the comparisons of the edited edition's texts."""
    from .. import cache

    address = cache.key("compare-side", edition.content, level) if edition.content is not None else None
    stored = cache.get_object("compare-side", address) if address is not None else None
    if isinstance(stored, tuple) and len(stored) == 3:
        return compare.Side(edition, *stored)
    side = compare.side(edition, figures, level)
    if address is not None:
        cache.put_object("compare-side", address, (side.period, side.money, side.members))
    return side
