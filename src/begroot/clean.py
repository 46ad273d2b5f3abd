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
