"""Iv3 taakveld names and order for the pages, with a fallback when the reference lists are absent.

The national lists live in :mod:`begroot.reference`. Pages must still render without them (the
code alone is then shown), so the import is guarded here, in one place. Every lookup takes the
organisation's kind (``level``: ``[organisation] kind``): a province's taakvelden have names of
their own, and a kind without Iv3 lists (a waterschap) gets the codes alone.
"""

from __future__ import annotations

import re

try:  # pragma: no cover - exercised by whichever branch the installation has
    from .. import reference as _reference
except ImportError:  # pragma: no cover
    _reference = None


def names(year: int, level: str) -> dict[str, str]:
    """Taakveld code -> CBS name for budget ``year`` in the lists of the kind of organisation
    ``level`` (empty when the lists are not available, or that kind has none)."""
    if _reference is None or not _reference.has_lists(level):
        return {}
    return {code: entry.name for code, entry in _reference.taakvelden(year, level).items()}


def main_group_name(year: int, main: str, level: str) -> str:
    """Name of a main group ('6' -> 'Sociaal domein'), or the number itself when unknown."""
    if _reference is None or not _reference.has_lists(level):
        return main
    try:
        return _reference.main_group_name(year, main, sentence_case=True, level=level)
    except KeyError:
        return main


def _natural(code: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.findall(r"\d+|[^\d.]+", code))


def sort_key(code: str | None) -> tuple:
    """Sort taakveld codes the way CBS lists them (natural order without the lists)."""
    code = code or ""
    if _reference is None:
        return _natural(code)
    return _reference.sort_key(code)
