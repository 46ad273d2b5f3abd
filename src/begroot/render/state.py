"""What a build remembers about the pages it wrote (for incremental rebuilds under serve)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RenderState:
    """Per page path: the digest of what it was rendered from, its accessibility failures, and the
    files written next to its ``index.html`` (downloads of its tables and charts)."""

    pages: dict[str, tuple[str | None, list]] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)
    downloads: dict[str, str] = field(default_factory=dict)  # edition id -> digest of what was written
    # edition id -> the names of the files in its downloads folder that are not a page's (open data,
    # PDF): those no longer made (an edition removed, the PDF turned off) are removed
    made: dict[str, list[str]] = field(default_factory=dict)
    # edition id -> (its data version, its money per programme and taakveld for comparisons): a
    # text edit does not change the figures, so a rebuild reuses them
    sides: dict[str, tuple[str, object]] = field(default_factory=dict)
    # (edition id, other edition id) -> (their data versions, programme code -> the same programme's code)
    matches: dict[tuple[str, str], tuple[tuple[str, str], dict[str, str]]] = field(default_factory=dict)
    diffs: dict = field(default_factory=dict)   # word diffs of texts (textdiff.DiffCache)
    # (edition id, other edition id) -> (their data versions, their comparison without texts)
    compared: dict = field(default_factory=dict)
