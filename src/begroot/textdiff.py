"""What changed in the texts of two editions: per programme and section, a readable word diff of
the sanitised HTML (removed words in ``<del>``, added in ``<ins>``, unchanged paragraphs folded),
or "rewritten" where a diff would be unreadable."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html.parser import HTMLParser

from markupsafe import Markup, escape

from .model import EditionData, Programme

#: Below this share of words in common (difflib ratio), a text counts as rewritten: a word diff of
#: it would be unreadable, so the page says so and points to the new text instead.
REWRITTEN = 0.4


@dataclass
class SectionChange:
    section: str
    title: str
    status: str               # added | removed | changed | rewritten | unchanged
    added: int                # words added
    removed: int              # words removed
    html: Markup              # the section's text with <ins> and <del> marks


@dataclass
class TextComparison:
    old: Programme | None     # None: the edition's own texts (inleiding)
    new: Programme | None
    sections: list[SectionChange]

    @property
    def changed(self) -> bool:
        return any(s.status != "unchanged" for s in self.sections)


_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "div", "blockquote", "dt", "dd", "caption"}


class _TextBlocks(HTMLParser):
    """Plain text of sanitised HTML, one string per block (paragraph, list item, heading)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        self._current.append(data)

    def close(self):
        super().close()
        self._flush()


def text_blocks(html: str) -> list[str]:
    parser = _TextBlocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


_BREAK = "\n"


def _tokens(blocks: list[str]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if out:
            out.append(_BREAK)
        out.extend(block.split())
    return out


def word_diff(old_html: str, new_html: str, labels: dict[str, str],
              rewritten: float = 0.0) -> tuple[Markup | None, int, int]:
    """A readable diff of two texts: the paragraphs of the new text that changed, with removed
    words in ``<del>`` and added words in ``<ins>`` (each run starting with a hidden label for
    screen readers); runs of unchanged paragraphs are folded into one line (``labels["folded"]``,
    with ``{n}`` paragraphs). Returns the HTML and the numbers of words added and removed; the
    HTML is None when both texts have words but less than ``rewritten`` of them in common."""
    old, new = _tokens(text_blocks(old_html)), _tokens(text_blocks(new_html))
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if old and new and rewritten and matcher.ratio() < rewritten:
        count = lambda words: len([w for w in words if w != _BREAK])  # noqa: E731
        same = sum(size for _, _, size in matcher.get_matching_blocks())
        return None, count(new) - same, count(old) - same
    paragraphs: list[list[str]] = [[]]
    added = removed = 0

    def emit(words: list[str], tag: str | None) -> None:
        chunks: list[list[str]] = [[]]
        for w in words:
            if w == _BREAK:
                chunks.append([])
            else:
                chunks[-1].append(w)
        for i, chunk in enumerate(chunks):
            if i:
                paragraphs.append([])
            if not chunk:
                continue
            text = str(escape(" ".join(chunk)))
            if tag is None:
                paragraphs[-1].append(text)
            else:
                label = labels["removed"] if tag == "del" else labels["added"]
                paragraphs[-1].append(f'<{tag}><span class="visually-hidden">{escape(label)}: </span>{text}</{tag}>')

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            emit(new[j1:j2], None)
            continue
        if op in ("delete", "replace"):
            words = [w for w in old[i1:i2] if w != _BREAK]
            removed += len(words)
            emit(words, "del")
        if op in ("insert", "replace"):
            inserted = new[j1:j2]
            added += len([w for w in inserted if w != _BREAK])
            emit(inserted, "ins")
    shown: list[str] = []
    folded = 0
    for p in (p for p in paragraphs if p):
        if any(part.startswith(("<del>", "<ins>")) for part in p):
            if folded:
                shown.append(f'<p class="folded">{escape(labels.get("folded", "…").format(n=folded))}</p>')
                folded = 0
            shown.append(f"<p>{' '.join(p)}</p>")
        else:
            folded += 1
    if folded and shown:
        shown.append(f'<p class="folded">{escape(labels.get("folded", "…").format(n=folded))}</p>')
    return Markup("".join(shown)), added, removed


class DiffCache:
    """Word diffs of pairs of texts, kept between the rebuilds of ``begroot serve``: after one text
    edit, only the diffs of that text are computed again. ``used`` holds what this build needed
    (the next build starts from it, so the cache never outgrows the site)."""

    def __init__(self, known: dict | None = None):
        self.known = known or {}
        self.used: dict = {}

    def diff(self, old_html: str, new_html: str, labels: dict[str, str]) -> tuple[Markup | None, int, int]:
        key = (old_html, new_html, tuple(sorted(labels.items())))
        found = self.known.get(key)
        if found is None:
            found = word_diff(old_html, new_html, labels, REWRITTEN)
        self.used[key] = found
        return found


def compare_texts(a: EditionData, old: Programme | None, b: EditionData, new: Programme | None,
                  labels: dict[str, str], diffs: DiffCache | None = None) -> TextComparison:
    """Section by section: what changed in the texts of a programme (or of the edition as a whole)."""
    texts_a = a.texts_for(old.code if old is not None else None) if (old is not None or new is None) else []
    texts_b = b.texts_for(new.code if new is not None else None) if (new is not None or old is None) else []
    by_a = {t.section: t for t in texts_a}
    by_b = {t.section: t for t in texts_b}
    order = [t.section for t in texts_b] + [t.section for t in texts_a if t.section not in by_b]
    sections = []
    for key in order:
        ta, tb = by_a.get(key), by_b.get(key)
        if ta is not None and tb is not None and ta.html == tb.html:
            sections.append(SectionChange(key, tb.title, "unchanged", 0, 0, Markup("")))
            continue
        if diffs is not None:
            html, added, removed = diffs.diff(ta.html if ta else "", tb.html if tb else "", labels)
        else:
            html, added, removed = word_diff(ta.html if ta else "", tb.html if tb else "", labels, REWRITTEN)
        if ta is None:
            status = "added"
        elif tb is None:
            status = "removed"
        elif html is None:
            status = "rewritten"
        else:
            status = "changed" if added or removed else "unchanged"
        sections.append(SectionChange(key, (tb or ta).title, status, added, removed, html or Markup("")))
    return TextComparison(old, new, sections)
