"""Typst markup from begroot's texts: every piece of text becomes a Typst *string literal*
(``#"…"``), never markup, so no character of a text (``#``, ``$``, ``*``, ``_``, ``<``, ``@``,
``]``, ``\\``, …) can start Typst code, a label, a reference or a formula. The only characters a
string literal gives meaning to, ``\\`` and ``"``, are escaped (control characters are left out).

The texts' HTML has passed begroot's allowlist sanitiser (read/texts.py ``ALLOWED_TAGS``); an
element outside that list is kept as its text. Each element becomes one Typst function call whose
content is again made of string literals and calls, written next to each other with nothing
between them, so that nothing the text holds is ever parsed as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

#: Elements that have no end tag.
_VOID = frozenset({"br", "hr", "img"})
#: Elements that are blocks: they end the paragraph before them.
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "table", "details",
                     "summary",
                     "figure", "figcaption", "dl", "dt", "dd", "hr", "caption", "thead", "tbody", "tfoot", "tr",
                     "th", "td"})
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_SPACE = re.compile(r"[ \t\n\r\f]+")
#: Link targets the PDF may point at (others stay plain text: a relative link has no page in it).
_LINKABLE = re.compile(r"^(https?://|mailto:)", re.I)


def string(text: str) -> str:
    """``text`` as a Typst string literal: in code, a value; after ``#`` in markup, plain text.
    Control characters and Unicode non-characters are left out, as the site's pages leave them
    out: no font shows them, and a PDF/UA-1 document may not show a missing glyph."""
    out = _CONTROL.sub("", text)
    out = out.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{out}"'


def text(value: str) -> str:
    """``value`` as markup that shows exactly those characters (an embedded string literal)."""
    return "#" + string(value) if value else ""


@dataclass(frozen=True)
class TableTags:
    """One table as the PDF's structure tree holds it, for publish/pdf_tags.py: its rows (``head``
    in ``table.header``, ``foot`` in ``table.footer``, the rest the body), each row's cells as
    ``(column, rows spanned, row header?)`` in the order Typst places them. Typst tags the header
    rows' cells TH (scope Column) and every other cell TD; the cells marked row header here are
    made TH with scope Row afterwards (Typst's own way, ``pdf.header-cell``, is not in its Python
    package)."""
    head: int
    foot: int
    rows: tuple[tuple[tuple[int, int, bool], ...], ...]
    #: whether a cell holds a table (which comes after this one in the document's order)
    nested: bool = False


def amounts_table(columns: int, body: int, foot: int) -> TableTags:
    """A table of amounts (publish/pdf_typst.py): one header row, each later row headed by its first cell."""
    header = tuple((x, 1, False) for x in range(columns))
    row = tuple((x, 1, x == 0) for x in range(columns))
    return TableTags(1, foot, (header,) + (row,) * (body + foot))


class Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str] | None = None):
        self.tag, self.attrs, self.children = tag, attrs or {}, []


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("body")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):  # close up to the matching open element, if any
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


class Converter:
    """HTML (sanitised) to Typst markup. ``image(src, alt)`` gives the Typst code of a text's
    image (or None to leave it out). The texts' headings stay out of the contents and bookmarks;
    their levels follow each other without a gap below the heading the text is under (PDF/UA-1
    requires it, and Typst refuses a PDF/UA document that skips a level)."""

    def __init__(self, image=None, tables: list | None = None):
        self.image = image or (lambda src, alt: None)
        self.level = 2
        #: every table written, in the order of the document (see TableTags)
        self.tables: list[TableTags | None] = tables if tables is not None else []

    def convert(self, html: str, level: int = 2) -> str:
        """The text's markup, under a heading of ``level``."""
        self.base = self.level = level
        return self.blocks(parse(html).children)

    # -- blocks -----------------------------------------------------------------------------
    def blocks(self, children: list) -> str:
        """A sequence of block elements and loose inline content (made paragraphs), blank lines apart."""
        parts: list[str] = []
        run: list = []

        def flush():
            if any(not isinstance(c, str) or c.strip() for c in run):
                parts.append(self.inline(_trimmed(run)))
            run.clear()

        for child in children:
            if isinstance(child, Node) and child.tag in _BLOCKS:
                flush()
                block = self.block(child)
                if block:
                    parts.append(block)
            else:
                run.append(child)
        flush()
        return "\n\n".join(parts)

    def block(self, node: Node) -> str:
        tag = node.tag
        if tag == "p":
            return self.inline(_trimmed(node.children))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = max(self.base + 1, min(int(tag[1]), self.level + 1))
            self.level = level
            return f"#heading(level: {level}, outlined: false, bookmarked: false)[{self.inline(_trimmed(node.children))}]"
        if tag in ("ul", "ol"):
            items = [f"[{self.blocks(li.children)}]" for li in node.children if isinstance(li, Node)]
            if not items:
                return ""
            if tag == "ol":
                start = node.attrs.get("start", "")
                first = f"start: {int(start)}, " if start.isdigit() and len(start) < 9 else ""
                return f"#enum(tight: true, {first}{', '.join(items)})"
            return f"#list(tight: true, {', '.join(items)})"
        if tag == "li":  # outside a list
            return self.blocks(node.children)
        if tag == "blockquote":
            return f"#quote(block: true)[{self.blocks(node.children)}]"
        if tag == "pre":
            return f"#block(raw({string(_plain(node))}, block: true))"
        if tag == "hr":
            return "#line(length: 100%, stroke: 0.5pt + gray)"
        if tag == "table":
            return self.table(node)
        if tag == "figure":
            caption = [c for c in node.children if isinstance(c, Node) and c.tag == "figcaption"]
            body = self.blocks([c for c in node.children if c not in caption])
            if caption:
                body += f"\n\n#block(strong[{self.inline(_trimmed(caption[0].children))}])"
            return f"#block[{body}]"
        if tag == "summary":  # a details' title: on paper everything is open
            return f"#block(strong[{self.inline(_trimmed(node.children))}])"
        if tag == "dl":
            parts = []
            for child in node.children:
                if isinstance(child, Node) and child.tag == "dt":
                    parts.append(f"#block(strong[{self.inline(_trimmed(child.children))}])")
                elif isinstance(child, Node) and child.tag == "dd":
                    parts.append(f"#pad(left: 6mm)[{self.blocks(child.children)}]")
            return "\n\n".join(parts)
        # dt, dd, figcaption, caption or table parts out of place: their content as blocks
        return self.blocks(node.children)

    def table(self, node: Node) -> str:
        caption = ""
        header: list[Node] = []
        body: list[Node] = []
        footer: list[Node] = []
        for child in node.children:
            if not isinstance(child, Node):
                continue
            if child.tag == "caption":
                caption = self.inline(_trimmed(child.children))
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows = [r for r in child.children if isinstance(r, Node) and r.tag == "tr"]
                (header if child.tag == "thead" else footer if child.tag == "tfoot" else body).extend(rows)
            elif child.tag == "tr":
                body.append(child)
        if not header and body and all(isinstance(c, Node) and c.tag == "th"
                                       for c in body[0].children if isinstance(c, Node)):
            header = [body.pop(0)]
        columns, places = _grid([header, body, footer])
        if columns == 0:
            return ""
        # the table's place in the document's order comes before the tables its cells may hold
        index = len(self.tables)
        self.tables.append(None)
        head, foot = places[:len(header)], places[len(header) + len(body):]
        cells = []
        if header:
            cells.append(f"table.header({', '.join(self.cells(header, head))})")
        cells.extend(self.cells(body, places[len(header):len(header) + len(body)]))
        if footer:
            cells.append(f"table.footer(repeat: false, {', '.join(self.cells(footer, foot))})")
        self.tables[index] = TableTags(len(header), len(footer), tuple(
            tuple((x, rowspan, tag == "th" and y >= len(header)) for x, _, rowspan, tag in row)
            for y, row in enumerate(places)), nested=len(self.tables) > index + 1)
        table = f"table(columns: {columns}, {', '.join(cells)})"
        if caption:
            return f"#figure(kind: table, supplement: none, numbering: none, caption: [{caption}], {table})"
        return "#" + table

    def cells(self, rows: list[Node], places: list[list[tuple[int, int, int, str]]]) -> list[str]:
        """The rows' cells, each row filled up to the table's width with empty cells (``places``:
        every cell's place and spans, the empty ones' included, see :func:`_grid`)."""
        out = []
        for row, placed in zip(rows, places):
            cells = iter(c for c in row.children if isinstance(c, Node) and c.tag in ("td", "th"))
            for _, colspan, rowspan, tag in placed:
                if not tag:
                    out.append("[]")
                    continue
                content = self.blocks(next(cells).children)
                if tag.startswith("th"):
                    content = f"#strong[{content}]"
                spans = ((f", colspan: {colspan}" if colspan > 1 else "")
                         + (f", rowspan: {rowspan}" if rowspan > 1 else ""))
                out.append(f"table.cell([{content}]{spans})" if spans else f"[{content}]")
        return out

    # -- inline -----------------------------------------------------------------------------
    def inline(self, children: list) -> str:
        out: list[str] = []
        for child in children:
            if isinstance(child, str):
                out.append(text(_SPACE.sub(" ", child)))
            elif child.tag in _BLOCKS:  # a block inside inline content: its text, in line
                out.append(self.inline(child.children))
            else:
                out.append(self.inline_element(child))
        return "".join(out)

    def inline_element(self, node: Node) -> str:
        tag, inner = node.tag, self.inline(node.children)
        if tag in ("strong", "b"):
            return f"#strong[{inner}]"
        if tag in ("em", "i"):
            return f"#emph[{inner}]"
        if tag == "u":
            return f"#underline[{inner}]"
        if tag == "s":
            return f"#strike[{inner}]"
        if tag == "sub":
            return f"#sub[{inner}]"
        if tag == "sup":
            return f"#super[{inner}]"
        if tag == "code":
            return f"#raw({string(_plain(node))})"
        if tag == "br":
            return "#linebreak()"
        if tag == "a":
            href = node.attrs.get("href", "")
            if _LINKABLE.match(href) and inner:
                return f"#link({string(href)})[{inner}]"
            return inner
        if tag == "img":
            return self.image(node.attrs.get("src", ""), node.attrs.get("alt", "")) or ""
        return inner  # span, abbr and anything else: the text


def _trimmed(children: list) -> list:
    """The children without the white space at the start of the first text and the end of the last."""
    out = list(children)
    if out and isinstance(out[0], str):
        out[0] = out[0].lstrip()
    if out and isinstance(out[-1], str):
        out[-1] = out[-1].rstrip()
    return out


def _plain(node: Node) -> str:
    return "".join(c if isinstance(c, str) else _plain(c) for c in node.children)


def _span(value: str | None) -> int:
    return max(1, min(int(value), 100)) if value and value.isdigit() and len(value) < 4 else 1


_MAX_COLUMNS = 100


def _grid(sections: list[list[Node]]) -> tuple[int, list[list[tuple[int, int, int, str]]]]:
    """The width of the grid the rows make (header, body and footer rows, whose row spans stay in
    their part: Typst's table.header and table.footer hold their cells; at most 100 columns), and
    each row's cells as ``(column, columns spanned, rows spanned, tag)`` in the order Typst places
    them: the row's td and th ("th-col": a th whose scope is its column), then the empty cells
    (tag "") that fill it up to the width."""
    taken: set[tuple[int, int]] = set()
    placed: list[list[tuple[int, int, int, str]]] = []
    y = 0
    for rows in sections:
        end = y + len(rows)
        for row in rows:
            x, out = 0, []
            for cell in row.children:
                if not isinstance(cell, Node) or cell.tag not in ("td", "th"):
                    continue
                while (y, x) in taken:
                    x += 1
                if x >= _MAX_COLUMNS:
                    break
                colspan = min(_span(cell.attrs.get("colspan")), _MAX_COLUMNS - x)
                rowspan = min(_span(cell.attrs.get("rowspan")), end - y)
                taken.update((y + dy, x + dx) for dy in range(rowspan) for dx in range(colspan))
                scope = cell.attrs.get("scope", "").strip().lower()
                out.append((x, colspan, rowspan, "th-col" if cell.tag == "th" and scope in ("col", "colgroup")
                            else cell.tag))
                x += colspan
            placed.append(out)
            y += 1
    width = max((x + 1 for _, x in taken), default=0)
    for y, out in enumerate(placed):  # the empty cells Typst places in the row's free columns
        out.extend((x, 1, 1, "") for x in range(width) if (y, x) not in taken)
    return width, placed
