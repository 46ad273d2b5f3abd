"""Tables in the writers' texts made accessible by default (WCAG 1.3.1), on the sanitised HTML of a
Markdown or Word text:

- a caption the writer gives: a paragraph right before the table that starts with "Tabel:" or
  "Table:" (the word, a colon, the caption) becomes the table's ``<caption>``; a numbered one,
  "Tabel 2: …" or "Tabel 2. …" (as Word's captions are), keeps its number;
- header cells get a scope: those in the table's head ``scope="col"``, those in its body
  ``scope="row"``;
- when every row of the body starts with a cell of words (not a number), those cells become the
  rows' header cells (``<th scope="row">``), as "Wijk" in a table of inhabitants per district.

A table without a caption stays as it is; :func:`begroot.render.audit.audit_fragment` finds it,
and ``begroot check`` warns the writer (``text-accessibility``).
"""

from __future__ import annotations

import html as html_lib
import re

_CAPTIONED = re.compile(r"<p>\s*((?:Tabel|Table)(?:\s+(\d+[a-z]?))?\s*[:.]\s*(.*?))\s*</p>\s*<table>(?!\s*<caption)",
                        re.S | re.I)
_TABLE = re.compile(r"<table>.*?</table>", re.S)
_BARE_TH = re.compile(r"<th>|<th (?![^>]*\bscope=)([^>]*)>")
_ROW = re.compile(r"<tr>(\s*)<td>(.*?)</td>", re.S)
_NUMBER = re.compile(r"[-+−€%\d\s.,()]*")
_TAGS = re.compile(r"<[^>]+>")


def _caption(match: re.Match) -> str:
    whole, number, rest = match.group(1), match.group(2), match.group(3)
    text = whole if number else rest
    if not _TAGS.sub("", text).strip():
        return match.group(0)  # "Tabel:" and nothing after it: no caption to give
    return f"<table>\n<caption>{text}</caption>"


def _scoped(part: str, scope: str) -> str:
    return _BARE_TH.sub(lambda m: f'<th scope="{scope}"{" " + m.group(1) if m.group(1) else ""}>', part)


def _one_table(match: re.Match) -> str:
    table = match.group(0)
    head, sep, body = table.partition("</thead>")
    if not sep:
        head, body = "", table
    body = _scoped(body, "row")
    rows = _ROW.findall(body)
    firsts = [html_lib.unescape(_TAGS.sub("", cell)).strip() for _, cell in rows]
    if (rows and len(rows) == body.count("<tr>") and body.count("<td") >= 2 * len(rows) and all(firsts)
            and not any(_NUMBER.fullmatch(f) for f in firsts)):
        body = _ROW.sub(r'<tr>\1<th scope="row">\2</th>', body)
    return _scoped(head, "col") + sep + body


def accessible_tables(html: str) -> str:
    """The text's HTML with captions from "Tabel: …" paragraphs and scoped header cells."""
    if "<table" not in html:
        return html
    return _TABLE.sub(_one_table, _CAPTIONED.sub(_caption, html))
