"""Markdown as HTML (CommonMark with tables and footnotes), and the namespace of a text's
footnotes: the ids a text may bring into a page (:data:`NOTE_ID`), for Markdown's ``[^1]`` and
Word's footnotes alike, so that two texts on one page never share an id."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

#: The ids a text may have: those of its footnotes and their references, in the text's own
#: namespace (:func:`note_prefix`), so that no two texts of a page, nor the page itself, share one.
NOTE_ID = re.compile(r"fn(?:ref)?-[0-9a-f]{8}-[A-Za-z0-9:-]{1,40}")


def note_prefix(rel: str) -> str:
    """The namespace of the footnotes of the text at ``rel`` (its path in the project): a short
    digest, the same in every build."""
    return hashlib.sha256(rel.encode("utf-8")).hexdigest()[:8]


@functools.cache
def _markdown():
    from markdown_it import MarkdownIt

    from mdit_py_plugins.footnote import footnote_plugin

    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable("table") \
        .use(footnote_plugin)


#: What the footnote plugin writes that a page shows otherwise: a second reference to a note
#: numbered "[1:1]" (shown "[1]"), and its back link's arrow with an emoji presentation selector.
_NOTE_CAPTION = re.compile(r'(<a href="#fn-[^"]*" id="fnref-[^"]*">)\[(\d+):\d+\]</a>')


def markdown_to_html(source: str, notes: str = "") -> str:
    """The Markdown as HTML; footnotes (``[^1]``) numbered in the namespace ``notes`` (see
    :func:`note_prefix`)."""
    html = _markdown().render(source, {"docId": notes} if notes else {})
    if "footnote" not in html:
        return html
    return _NOTE_CAPTION.sub(r"\1[\2]</a>", html).replace("\u21a9\ufe0e", "\u21a9")


def shows_a_file(path: Path, text, found) -> bool:
    """Whether a Markdown text shows an image (or names one it could not show): it depends on that
    file too, so ``begroot serve`` reads it again each time instead of keeping it by its own file's
    identity (as the build cache on disk leaves it out, see project.texts_from_disk)."""
    return path.suffix.lower() != ".docx" and (bool(text and text.images) or any(p.code == "text-image" for p in found))
