"""Text from the input without the characters that hide or disguise it.

A cell, a text or a name may hold characters nobody sees: C0 and C1 control characters (a
terminal obeys ESC; a spreadsheet or a page cannot show them) and the Unicode bidirectional
controls, which reorder what is shown around them ("Trojan Source": an override can make
``Lasten 100`` read ``001 netsaL``). They are removed where a file is read (every table in
``read.tables.read_table``, every text in ``read.texts``), so no download, page, PDF or terminal
line gets them, and each removal is reported (``invisible-characters``). Tab, newline and carriage
return are kept (a cell or text may have them; each writer handles them), and so are the letters
of every script: Dutch diacritics, Arabic and Hebrew stay as they are; only the invisible
controls go.

:func:`svg_active_content` tells whether an SVG file (a logo) holds what a browser would run or
load when the file is opened by itself.
"""

from __future__ import annotations

import re
import unicodedata

#: (first, last) code points of what is removed.
RANGES = (
    (0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F),  # C0 but tab, newline, carriage return; DEL; C1
    (0x061C, 0x061C),  # ARABIC LETTER MARK
    (0x200E, 0x200F),  # LEFT-TO-RIGHT MARK, RIGHT-TO-LEFT MARK
    (0x202A, 0x202E),  # embeddings, overrides, POP DIRECTIONAL FORMATTING
    (0x2066, 0x2069),  # isolates, POP DIRECTIONAL ISOLATE
)

#: The class for Python's ``re``.
INVISIBLE = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in RANGES) + "]")
#: The same class for Polars (Rust's regex syntax).
INVISIBLE_RUST = "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in RANGES) + "]"


def clean(text: str) -> str:
    """``text`` without its invisible controls."""
    return INVISIBLE.sub("", text)


def describe(text: str, limit: int = 3) -> str:
    """The invisible controls in ``text``, named: ``U+202E RIGHT-TO-LEFT OVERRIDE, U+001B (a
    control character)``; at most ``limit`` different ones, then "and N more"."""
    found = sorted(set(INVISIBLE.findall(text)))
    names = [f"U+{ord(c):04X} " + (unicodedata.name(c, "") or "(a control character)") for c in found[:limit]]
    if len(found) > limit:
        names.append(f"and {len(found) - limit} more")
    return ", ".join(names)


#: The message and hint of every removal.
MESSAGE = "invisible control characters were removed: {what}"
HINT = ("they can make text show otherwise than it reads (a right-to-left override reverses it) or "
        "disturb a terminal; remove them in the source (they often come with text copied from elsewhere)")


def without_invisible(text: str, rel: str, problems, first_row: int | None) -> str:
    """``text`` without invisible controls (begroot.clean), each line that had them reported
    (``invisible-characters`` in ``problems``, by its row when ``first_row`` numbers the lines: a
    Markdown text)."""
    if not INVISIBLE.search(text):
        return text
    if first_row is None:
        problems.warning(MESSAGE.format(what=describe(text)), file=rel, code="invisible-characters", hint=HINT)
        return clean(text)
    lines = [(first_row + i, line) for i, line in enumerate(text.split("\n")) if INVISIBLE.search(line)]
    for row, line in lines[:10]:
        problems.warning(MESSAGE.format(what=describe(line)), file=rel, row=row, code="invisible-characters",
                         hint=HINT)
    if len(lines) > 10:
        problems.warning(MESSAGE.format(what=f"the same on {len(lines) - 10} more lines"), file=rel,
                         code="invisible-characters", hint=HINT)
    return clean(text)


def without_invisible_settings(raw, problems, file: str, where: str = ""):
    """The parsed settings (``begroot.toml``) with every string's invisible controls removed,
    each setting that had them reported (``invisible-characters``, its dotted name as the column):
    a name or title reaches the pages, the PDF and the open data."""
    if isinstance(raw, dict):
        return {k: without_invisible_settings(v, problems, file, f"{where}.{k}" if where else str(k)) for k, v in raw.items()}
    if isinstance(raw, list):
        return [without_invisible_settings(v, problems, file, f"{where}[{i + 1}]") for i, v in enumerate(raw)]
    if isinstance(raw, str) and INVISIBLE.search(raw):
        problems.warning(MESSAGE.format(what=describe(raw)), file=file, column=where, code="invisible-characters",
                         hint=HINT)
        return clean(raw)
    return raw


#: What an SVG image may not hold when it is published as a file of the site (a logo): opened
#: directly, a browser runs its scripts and event handlers on the site's address, and loads what
#: it refers to elsewhere. (As an ``<img>`` on a page it could do neither.)
_SVG_ACTIVE = [
    (re.compile(r"<\s*script\b", re.I), "a script"),
    (re.compile(r"<\s*foreignObject\b", re.I), "a foreignObject (HTML inside the drawing)"),
    (re.compile(r"<!\s*(DOCTYPE|ENTITY)\b", re.I), "a DOCTYPE or ENTITY declaration"),
    (re.compile(r"[\s\"'/]on[a-z]+\s*=", re.I), "an event handler (an on... attribute)"),
    (re.compile(r"javascript\s*:", re.I), "a javascript: address"),
    (re.compile(r"""\bhref\s*=\s*["']?\s*(?!#)[^"'\s>]""", re.I), "a link or reference to something outside it"),
    (re.compile(r"""url\(\s*["']?\s*(?!#)[^)"'\s]""", re.I), "a reference to something outside it (url(...))"),
    (re.compile(r"@import\b", re.I), "a style sheet import"),
]


def svg_active_content(data: bytes) -> str | None:
    """What in an SVG file would run or load something when the file is opened by itself (see
    :data:`_SVG_ACTIVE`), or None for a plain drawing. Undecodable bytes count as such content."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "bytes that are not UTF-8 text"
    return next((what for pattern, what in _SVG_ACTIVE if pattern.search(text)), None)
