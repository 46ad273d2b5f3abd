"""Charts as inline SVG, drawn at build time: no JavaScript, no fonts or files from elsewhere.

Each chart is an ``<svg role="img">`` with its own ``<title>`` and ``<desc>`` (a one-sentence
summary); the page puts the same numbers in a table next to it. Labels and values are written
in the chart, and the second series is hatched, so nothing depends on colour alone. Colours come
from CSS custom properties of the site's stylesheet, so dark mode and themes apply. The output
is deterministic: the same figures give the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
import textwrap
from decimal import Decimal

from markupsafe import Markup
from markupsafe import escape as _escape

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def escape(value) -> Markup:
    """Text for the SVG, escaped, without the characters XML does not allow (an ESC in a cell
    would make the chart unreadable for the PNG renderer, and for a browser)."""
    return _escape(_NOT_XML.sub("", str(value)))

WIDTH = 400          # viewBox width: scaled to the container, close to 1:1 on a phone
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


def bar_list(chart_id: str, title: str, summary: str, bars: list[Bar]) -> Markup:
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


def paired_columns(chart_id: str, title: str, summary: str, groups: list[str],
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
    # tile): the same look, and resvg draws the PNG image a fifth faster.
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


#: Colours for a chart file on its own (on the site, the stylesheet's custom properties apply).
STANDALONE_STYLE = (
    "<style>text{font-family:DejaVu Sans,Arial,sans-serif;font-size:13px;fill:#1a1a1a}"
    ".chart-value{font-weight:600}.small{font-size:11px}.bar-1{fill:#01689b}.bar-2{fill:#8fcae7}"
    ".bar-outline{stroke:#01689b;stroke-width:1}.hatch{stroke:#0b3d5a}.axis{stroke:#545454;stroke-width:1}</style>"
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


#: The width of a chart file and of its PNG image, in pixels: the chart's own size (as on a phone).
#: The SVG scales without loss; a PNG twice as wide (2 * WIDTH) is sharper on a slide but takes
#: about 10 ms instead of 4 ms to make, which a large city's 1,400 charts feel in every build.
STANDALONE_WIDTH = WIDTH


def standalone(svg: str, primary: str = "#01689b") -> str:
    """A chart as a file of its own (for download, and the source of its PNG): with its colours,
    its size in pixels and an XML declaration."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + with_style(svg, primary, width=str(STANDALONE_WIDTH)) + "\n"


def linked(svg: str, hrefs: list[str]) -> Markup:
    """A :func:`bar_list` whose rows are links, in order (each bar to its page): the chart is then a
    group of links with its title and summary rather than one image, so that every link is
    reached and named by its label and value."""
    targets = iter(hrefs)
    body = re.sub(r'<g class="bar-row">.*?</g>',
                  lambda m: f'<a href="{escape(next(targets))}">{m.group(0)}</a>', str(svg))
    return Markup(body.replace('role="img"', 'role="group"', 1))
