"""Readability of the texts for writers: Flesch-Douma, long sentences and long words (language level B1).

Flesch-Douma is the Dutch adaptation of Flesch reading ease:
``206.835 − 0.93 × (words per sentence) − 77 × (syllables per word)``. Higher is easier; about
60 and above reads as B1 ("redelijk makkelijk"). Syllables are counted with Pyphen's Dutch
hyphenation patterns. The score is a signal for writers, not a verdict: ``begroot check``
reports texts below the configured level as warnings, and ``--report`` lists what to look at.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html.parser import HTMLParser

from .config import Readability
from .errors import Problems
from .model import Text

BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "blockquote", "figcaption",
          "caption", "br", "tr", "details", "summary"}
WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+(?=[A-Z0-9À-Ý\"'“‘(])")


class _Blocks(HTMLParser):
    """Plain text of HTML, one string per block element (a list item is a sentence of its own)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = [""]

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.blocks.append("")

    def handle_data(self, data):
        self.blocks[-1] += data


@cache
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="nl_NL")


@lru_cache(maxsize=200_000)
def _syllables(word: str) -> int:
    return len(_hyphenator().positions(word)) + 1


def syllables(word: str) -> int:
    """Dutch syllables by Pyphen's hyphenation patterns (cached: texts repeat their words)."""
    return _syllables(word.lower())


def sentences_of(html: str) -> list[str]:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    out = []
    for block in parser.blocks:
        block = " ".join(block.split())
        if block:
            out.extend(s.strip() for s in SENTENCE_END_RE.split(block) if WORD_RE.search(s))
    return out


@dataclass
class Score:
    source: str
    programme: str | None
    section: str
    title: str
    sentences: int
    words: int
    syllables: int
    long_sentences: list[tuple[int, str]] = field(default_factory=list)   # (words, sentence)
    long_words: list[tuple[int, str]] = field(default_factory=list)       # (syllables, word)

    @property
    def flesch_douma(self) -> float | None:
        if not self.words or not self.sentences:
            return None
        return 206.835 - 0.93 * (self.words / self.sentences) - 77 * (self.syllables / self.words)

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences if self.sentences else 0.0


def score_text(text: Text, settings: Readability) -> Score:
    result = Score(text.source, text.programme, text.section, text.title, 0, 0, 0)
    # each distinct word is looked up once per text (a long text repeats its words: 10 MB of
    # text holds 1.7 million words, a few thousand of them distinct)
    every: list[str] = []
    for sentence in sentences_of(text.html):
        words = WORD_RE.findall(sentence)
        result.sentences += 1
        every += words
        if len(words) > settings.max_sentence_words:
            result.long_sentences.append((len(words), sentence))
    result.words = len(every)
    long_words: dict[str, int] = {}
    for w, times in Counter(every).items():
        n = syllables(w)
        result.syllables += n * times
        if n >= settings.long_word_syllables:
            long_words[w] = n
    result.long_words = sorted(((n, w) for w, n in long_words.items()), key=lambda x: (-x[0], x[1]))
    return result


def check_readability(texts: list[Text], settings: Readability, problems: Problems,
                      cache: dict | None = None) -> list[Score]:
    """Score every text; texts below the configured level become warnings for their writers."""
    scores = []
    for t in texts:
        key = (t.source, t.title, t.html, settings)
        if cache is not None and key in cache:
            scores.append(cache[key])
            continue
        scores.append(score_text(t, settings))
        if cache is not None:
            cache[key] = scores[-1]
    for s in scores:
        fd = s.flesch_douma
        if fd is None or fd >= settings.min_score:
            continue
        detail = []
        if s.long_sentences:
            detail.append(f"{len(s.long_sentences)} sentence{'s' * (len(s.long_sentences) != 1)} over "
                          f"{settings.max_sentence_words} words")
        if s.long_words:
            detail.append(f"{len(s.long_words)} word{'s' * (len(s.long_words) != 1)} of "
                          f"{settings.long_word_syllables}+ syllables")
        problems.warning(
            f"section '{s.title}' scores {fd:.0f} on Flesch-Douma, below {settings.min_score} (language level B1)"
            + (f": {', '.join(detail)}" if detail else ""),
            file=s.source, code="readability",
            hint="write shorter sentences and shorter words; 'begroot check --report report.html' lists them")
    return scores
