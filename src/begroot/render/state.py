"""What a build remembers about the pages it wrote (for incremental rebuilds under serve)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RenderState:
    """Per page path: the digest of what it was rendered from, and its accessibility failures."""

    pages: dict[str, tuple[str | None, list]] = field(default_factory=dict)
    downloads: dict[str, str] = field(default_factory=dict)  # edition id -> digest of what was written
