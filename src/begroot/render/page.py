"""What a page is: its address, template, context, tables and charts (:class:`Page`); what it
depends on (:class:`PageSpec`); the Jinja environment its template is rendered in; and the small
rules every view shares (the addresses of programme and comparison pages, exact values in
downloads)."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Callable

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..clean import INVISIBLE
from ..model import EditionData, Programme

if TYPE_CHECKING:
    from markupsafe import Markup

    from .charts import Chart

#: The folder in static/ of the project's own theme files (logo, fonts): they never replace the site's own.
THEME_FOLDER = "huisstijl"

#: The name of a table of a page: a file name and, unchanged, the name of its sheet in the page's workbook.
TABLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,30}")


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
    env.filters["text_tables"] = text_tables
    return env


_PAGE_CONTROLS = INVISIBLE  # control characters and the bidirectional controls (begroot.clean)


def _without_controls(value):
    """Every value a template writes, without control characters (tab and line ends are kept):
    HTML cannot show them, and an ESC or a bell from a cell has no business on a page; nor the
    bidirectional controls, which would reorder what the page shows. (Cells and texts lose them
    where they are read; this also covers names from begroot.toml and file names.)"""
    if isinstance(value, str) and _PAGE_CONTROLS.search(value):
        from markupsafe import Markup

        cleaned = _PAGE_CONTROLS.sub("", value)
        return Markup(cleaned) if isinstance(value, Markup) else cleaned  # removing one makes no tag
    return value


def css_string(value) -> Markup:
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


_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


def text_tables(html: str, label: str) -> Markup:
    """A text's (sanitised) HTML with each of its tables in a region of its own that scrolls
    sideways and takes the keyboard's focus, as the site's own tables are: a writer's table of
    twelve columns made a phone's page scroll sideways by 1,736 px. The region is named by the
    table's caption, else by ``label``."""
    import html as html_lib

    from markupsafe import Markup, escape

    out, depth, start, done = [], 0, 0, 0
    for tag in _TABLE_TAG.finditer(html):
        if not tag.group(1):
            if depth == 0:
                start = tag.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:  # the end of a table that is not inside another
                table = html[start:tag.end()]
                caption = _CAPTION.search(table)
                name = " ".join(html_lib.unescape(_TAGS.sub("", caption.group(1))).split()) if caption else ""
                out += [html[done:start], f'<div class="table-scroll" role="region" aria-label="{escape(name or label)}"'
                        ' tabindex="0">', table, "</div>"]
                done = tag.end()
    out.append(html[done:])
    return Markup("".join(out))


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

    The build writes each table as ``<name>.csv``, under the key ``<name>`` of the page's
    ``tabellen.json`` (decimals as exact text, "802980000.00") and as the sheet ``<name>`` of the
    page's workbook ``tabellen.xlsx`` (decimals as numbers), and each chart in ``charts`` as
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
    tables: dict[str, list[dict]] = field(default_factory=dict)  # name -> rows: <name>.csv, key/sheet of tabellen.json/.xlsx
    charts: dict[str, Chart] = field(default_factory=dict)  # name -> chart: <name>.svg/.png
    files: dict[str, str] = field(default_factory=dict)  # other text files in the page's folder

    @property
    def depth(self) -> int:
        return len([p for p in self.path.split("/") if p])


@dataclass
class PageSpec:
    """A page to build: where, what it depends on, and how it is made (only when needed)."""

    path: str
    deps: str | None           # None: always rendered (pages that list warnings or audit results)
    make: Callable[[], Page]
    pure: bool = False         # building it needs no Polars: it may be rendered in a forked worker


def digest(*parts) -> str:
    """A digest of what a page depends on."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def texts_key(texts) -> tuple:
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
