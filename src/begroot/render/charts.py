"""Charts drawn at build time: no JavaScript, no fonts or files from elsewhere.

On a page a chart is HTML and CSS (:meth:`Chart.__html__`): bars whose lengths are set by the
build, and labels and values in the page's own text, so that the text is the same size at every
width (an SVG scaled to its column would set 13 px as 9 px on a phone and 21 px on a desktop) and
long labels wrap. Each chart is a ``role="img"`` labelled by its title and a one-sentence summary;
the page puts the same numbers in a table next to it. The second series is hatched and named in a
legend, so nothing depends on colour alone; colours come from the stylesheet's custom properties,
so dark mode and themes apply.

As a file (:func:`standalone`, for download, and the source of the PNG image the reader's browser
makes of it: ``static/grafiek.js``) and in the PDF, the chart is an
SVG drawing (:meth:`Chart.drawing`); the file adds its title, unit and source, so that the image
says what it shows when it is used elsewhere. The output is deterministic: the same figures give
the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
import textwrap
from decimal import Decimal

from markupsafe import Markup
from markupsafe import escape as _escape

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def escape(value) -> Markup:
    """Text for the SVG, escaped, without the characters XML does not allow (an ESC in a cell
    would make the chart unreadable for the PNG renderer, and for a browser)."""
    return _escape(_NOT_XML.sub("", str(value)))

WIDTH = 400          # the drawing's width (the SVG file, the PNG image, the PDF)
ROW = 40             # height of one labelled bar in a bar list
BAR = 14
VALUE_ROOM = 76      # room right of the longest bar for its value label


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal          # what sets the bar's length (any unit)
    text: str               # the value as shown next to the bar, e.g. "60,0 %"


def _num(x: float | int | Decimal) -> str:
    """Coordinates with at most one decimal, without trailing zeros (stable output)."""
    q = Decimal(str(x)).quantize(Decimal("0.1"))
    s = format(q, "f").rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def _frame(chart_id: str, title: str, summary: str, height: int, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>'
        f"{body}</svg>"
    )


def _bar_list_svg(chart_id: str, title: str, summary: str, bars: list[Bar]) -> Markup:
    """Horizontal bars, each with its label above and its value beside it."""
    top = max((b.value for b in bars), default=Decimal(0))
    scale = (WIDTH - VALUE_ROOM) / top if top > 0 else Decimal(0)
    parts = []
    for i, bar in enumerate(bars):
        y = i * ROW
        length = max(Decimal(0), bar.value) * Decimal(scale)
        parts.append(
            f'<g class="bar-row"><text class="chart-label" x="0" y="{_num(y + 13)}">{escape(bar.label)}</text>'
            f'<rect class="bar bar-1" x="0" y="{_num(y + 18)}" width="{_num(length)}" height="{BAR}" rx="2"/>'
            f'<text class="chart-value" x="{_num(length + 6)}" y="{_num(y + 30)}">{escape(bar.text)}</text></g>'
        )
    height = max(ROW, len(bars) * ROW)
    return _frame(chart_id, title, summary, height, "".join(parts))


def _paired_columns_svg(chart_id: str, title: str, summary: str, groups: list[str],
                        series: list[tuple[str, list[Decimal], list[str]]]) -> Markup:
    """Vertical columns per group (a period), one per series (lasten, baten), with a legend.

    ``series`` holds (name, values, value texts). The second series is hatched.
    """
    group_w = WIDTH / max(1, len(groups))
    # labels wrap over lines that fit their group (six BBV columns leave ~66 px each); the values
    # above the columns are left out where they would collide (each column's title and the table
    # next to the chart hold them)
    show_values = group_w >= 90
    # about 7 px per character; narrow groups also set their labels smaller, so that a long word
    # (which is never broken) still fits
    lines = [textwrap.wrap(group, max(6, int(group_w / 7)), break_long_words=False) or [""] for group in groups]
    height, legend_h, value_h = 220, 26, 16 if show_values else 4
    label_h = 16 * max((len(x) for x in lines), default=1) + 18
    height += label_h - 34
    plot_top, plot_bottom = legend_h + value_h, height - label_h
    top = max((v for _, values, _ in series for v in values), default=Decimal(0))
    scale = (plot_bottom - plot_top) / top if top > 0 else Decimal(0)
    n_series = max(1, len(series))
    col_w = min(40, (group_w - 16) / n_series)
    # Diagonal stripes drawn diagonally in an upright tile (rather than upright lines in a rotated
    # tile): the same look, and cheaper to draw.
    defs = ('<defs><pattern id="{0}-hatch" patternUnits="userSpaceOnUse" width="8" height="8">'
            '<rect class="bar-2" width="8" height="8"/>'
            '<path class="hatch" d="M-2,2l4-4M0,8l8-8M6,10l4-4" stroke-width="2.8"/></pattern></defs>').format(chart_id)
    parts = [defs]
    # legend: a swatch and the series name, so colour is never the only cue
    x = 0
    for s, (name, _, _) in enumerate(series):
        fill = f'class="bar bar-1"' if s == 0 else f'fill="url(#{chart_id}-hatch)" class="bar-outline"'
        parts.append(f'<rect {fill} x="{_num(x)}" y="4" width="14" height="14"/>'
                     f'<text class="chart-label" x="{_num(x + 20)}" y="16">{escape(name)}</text>')
        x += 30 + 8 * len(name)
    for g, group in enumerate(groups):
        gx = g * group_w + (group_w - col_w * n_series) / 2
        for s, (name, values, texts) in enumerate(series):
            value = max(Decimal(0), values[g])
            h = Decimal(value) * Decimal(scale)
            cx = gx + s * col_w
            y = plot_bottom - h
            fill = 'class="bar bar-1"' if s == 0 else f'fill="url(#{chart_id}-hatch)" class="bar-outline"'
            parts.append(f'<rect {fill} x="{_num(cx + 1)}" y="{_num(y)}" width="{_num(col_w - 2)}" '
                         f'height="{_num(h)}"><title>{escape(name)} {escape(group)}: {escape(texts[g])}</title></rect>')
            if show_values:
                parts.append(f'<text class="chart-value small" x="{_num(cx + col_w / 2)}" y="{_num(y - 4)}" '
                             f'text-anchor="middle">{escape(texts[g])}</text>')
        mid = _num(g * group_w + group_w / 2)
        spans = "".join(f'<tspan x="{mid}" dy="{0 if i == 0 else 16}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines[g]))
        size = "" if show_values else " small"
        parts.append(f'<text class="chart-label{size}" x="{mid}" y="{_num(plot_bottom + 20)}" '
                     f'text-anchor="middle">{spans}</text>')
    parts.append(f'<line class="axis" x1="0" y1="{plot_bottom}" x2="{WIDTH}" y2="{plot_bottom}"/>')
    return _frame(chart_id, title, summary, height, "".join(parts))


@dataclass(frozen=True)
class Chart:
    """A chart: what it shows, drawn as HTML on a page (``{{ chart }}``) and as SVG in a file.

    ``kind`` is ``"bars"`` (``bars``: one bar per label) or ``"columns"`` (``groups`` with a value
    per series each; ``series`` holds (name, values, value texts)). ``unit`` says what the values
    are in and ``source`` where they come from: both are drawn in the chart's file and image."""

    id: str
    title: str
    summary: str
    kind: str
    bars: tuple[Bar, ...] = ()
    groups: tuple[str, ...] = ()
    series: tuple[tuple[str, tuple[Decimal, ...], tuple[str, ...]], ...] = ()
    unit: str = ""
    source: str = ""
    links: tuple[str, ...] = ()   # a bar chart's bars as links, in order (each to its page)

    def drawing(self) -> Markup:
        """The chart as an SVG drawing WIDTH wide (its viewBox), without its title drawn in it."""
        if self.kind == "bars":
            return _bar_list_svg(self.id, self.title, self.summary, list(self.bars))
        return _paired_columns_svg(self.id, self.title, self.summary, list(self.groups),
                                   [(name, list(values), list(texts)) for name, values, texts in self.series])

    def __html__(self) -> str:
        return str(self.html())

    def html(self) -> Markup:
        """The chart on a page: HTML whose text is the page's own (see the module's docstring)."""
        cid = escape(self.id)
        head = (f'<div class="chart chart-{escape(self.kind)}" role="img" aria-labelledby="{cid}-t {cid}-d">'
                f'<span id="{cid}-t" hidden>{escape(self.title)}</span><span id="{cid}-d" hidden>{escape(self.summary)}</span>')
        if self.kind == "bars":
            top = max((b.value for b in self.bars), default=Decimal(0))
            rows = [f'<span class="chart-label">{escape(b.label)}</span>'
                    f'<span class="chart-bar">{_html_bar(1, b.value, top)}<span class="chart-value">{escape(b.text)}</span></span>'
                    for b in self.bars]
            if self.links:
                # a group of links named by their label and value, rather than one image: every
                # link is reached (an image's content is not)
                head = head.replace('role="img"', 'role="group"', 1)
                rows = [f'<a class="chart-row" href="{escape(href)}">{row}</a>' for href, row in zip(self.links, rows)]
            else:
                rows = [f'<div class="chart-row">{row}</div>' for row in rows]
            return Markup(head + "".join(rows) + "</div>")
        top = max((v for _, values, _ in self.series for v in values), default=Decimal(0))
        legend = "".join(f'<span class="chart-key"><span class="swatch bar-{min(s, 1) + 1}"></span>{escape(name)}</span>'
                         for s, (name, _, _) in enumerate(self.series))
        groups = []
        for g, group in enumerate(self.groups):
            bars = "".join(f'<span class="chart-bar">{_html_bar(min(s, 1) + 1, values[g], top)}'
                           f'<span class="chart-value">{escape(texts[g])}</span></span>'
                           for s, (_, values, texts) in enumerate(self.series))
            groups.append(f'<div class="chart-row"><span class="chart-label">{escape(group)}</span>{bars}</div>')
        return Markup(head + f'<div class="chart-legend">{legend}</div>' + "".join(groups) + "</div>")


def _html_bar(series: int, value: Decimal, top: Decimal) -> str:
    """A bar as long as its share of the longest (which leaves room for its value beside it)."""
    fraction = max(Decimal(0), value) / top if top > 0 else Decimal(0)
    return f'<span class="bar bar-{series}" style="--f:{_fraction(fraction)}"></span>'


def _fraction(x: Decimal) -> str:
    q = x.quantize(Decimal("0.0001"))
    s = format(q, "f").rstrip("0").rstrip(".")
    return s or "0"


def linked(chart: Chart, hrefs: list[str]) -> Chart:
    """A bar chart whose bars link, in order, to ``hrefs`` on the page (its file has no links:
    a chart's PNG is made from an SVG that refers to nothing outside itself)."""
    return replace(chart, links=tuple(hrefs))


def bar_list(chart_id: str, title: str, summary: str, bars: list[Bar], unit: str = "", source: str = "") -> Chart:
    """Horizontal bars, each with its label above and its value beside it."""
    return Chart(chart_id, title, summary, "bars", bars=tuple(bars), unit=unit, source=source)


def paired_columns(chart_id: str, title: str, summary: str, groups: list[str],
                   series: list[tuple[str, list[Decimal], list[str]]], unit: str = "", source: str = "") -> Chart:
    """Per group (a period), a bar per series (lasten, baten; target, actual), with a legend; as a
    drawing, vertical columns. ``series`` holds (name, values, value texts). The second series is hatched."""
    return Chart(chart_id, title, summary, "columns", groups=tuple(groups),
                 series=tuple((name, tuple(values), tuple(texts)) for name, values, texts in series),
                 unit=unit, source=source)


#: Colours for a chart file on its own (on the site, the stylesheet's custom properties apply).
STANDALONE_STYLE = (
    "<style>text{font-family:DejaVu Sans,Arial,sans-serif;font-size:13px;fill:#1a1a1a}"
    ".chart-value{font-weight:600}.small{font-size:11px}.bar-1{fill:#01689b}.bar-2{fill:#8fcae7}"
    ".bar-outline{stroke:#01689b;stroke-width:1}.hatch{stroke:#0b3d5a}.axis{stroke:#545454;stroke-width:1}"
    ".chart-title{font-size:15px;font-weight:700}.chart-unit,.chart-source{font-size:12px;fill:#545454}</style>"
)


def renamed(svg: str, old: str, new: str) -> Markup:
    """The chart with its ids (``<old>-t``, ``<old>-d``, ``<old>-hatch``) and the references to
    them renamed: for documents that hold several charts made with the same id (the PDF)."""
    return Markup(re.sub(rf'(["#\s]){re.escape(old)}-', lambda m: f"{m.group(1)}{new}-", str(svg)))


def with_style(svg: str, primary: str = "#01689b", width: str = "") -> str:
    """The chart with its colours inside it, for places without the site's stylesheet. With a
    ``width`` (in pixels), the height follows from the chart's viewBox."""
    head, rest = str(svg).split(">", 1)
    if width:
        _, _, box_w, box_h = (Decimal(v) for v in re.search(r'viewBox="([^"]*)"', head).group(1).split())
        head += f' width="{width}" height="{_num(box_h * Decimal(width) / box_w)}"'
    return head + ">" + STANDALONE_STYLE.replace("#01689b", primary) + rest


#: Room around the drawing in a chart's file, and the height of a line of its title, unit and source.
MARGIN = 12
TITLE_LINE = 19
NOTE_LINE = 16

#: The width of a chart file in pixels: the drawing (as on a phone) and its margins. The SVG
#: scales without loss; the PNG the reader's browser makes of it is twice as wide (sharp on a slide).
STANDALONE_WIDTH = WIDTH + 2 * MARGIN


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True) or [""]


def standalone(chart: Chart, primary: str = "#01689b") -> str:
    """A chart as a file of its own (for download, and the source of the PNG image the reader's
    browser makes): its title, unit and source drawn above and below the drawing, with its
    colours, its size in pixels and an XML declaration."""
    head, rest = str(chart.drawing()).split(">", 1)
    # the drawing's own <title> and <desc> stay first in the file (they label it), then what is drawn
    labels, rest = rest.split("</desc>", 1)
    drawn = rest.rsplit("</svg>", 1)[0]
    box_h = Decimal(re.search(r'viewBox="([^"]*)"', head).group(1).split()[3])
    # about 8.5 px per character of the 15 px bold title, 7 px of the 12 px notes
    y = MARGIN
    parts = []
    for line in _lines(chart.title, WIDTH * 10 // 85):
        y += TITLE_LINE
        parts.append(f'<text class="chart-title" x="{MARGIN}" y="{y - 4}">{escape(line)}</text>')
    for line in _lines(chart.unit, WIDTH // 7) if chart.unit else []:
        y += NOTE_LINE
        parts.append(f'<text class="chart-unit" x="{MARGIN}" y="{y - 3}">{escape(line)}</text>')
    y += MARGIN
    parts.append(f'<g transform="translate({MARGIN},{y})">{drawn}</g>')
    y += box_h + MARGIN
    for line in _lines(chart.source, WIDTH // 7) if chart.source else []:
        y += NOTE_LINE
        parts.append(f'<text class="chart-source" x="{MARGIN}" y="{_num(y - 3)}">{escape(line)}</text>')
    height = _num(y + MARGIN)
    attrs = re.sub(r'\sviewBox="[^"]*"', "", head[len("<svg"):])
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg{attrs} viewBox="0 0 {STANDALONE_WIDTH} {height}" width="{STANDALONE_WIDTH}" height="{height}">'
            f'{labels}</desc>' + STANDALONE_STYLE.replace("#01689b", primary) + "".join(parts) + "</svg>\n")
