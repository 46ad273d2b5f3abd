"""Which Iv3 taakvelden of one budget year compare with which taakvelden of another year.

The taakvelden list changes now and then: 2023 split 6.71, 6.72, 6.81 and 6.82 and reorganised
youth care, 2025 renumbered most of the social domain and gave personal budgets codes of their own.
Money on one code in one year therefore does not always correspond to money on the same code in
another year. This module puts the leaf codes (where amounts are booked) of two years into
**comparable groups**: the money on a group's ``old`` codes in the first year corresponds to the
money on its ``new`` codes in the second year. Most groups are a single code that did not change;
where codes were split, merged or regrouped, a group holds every code involved, so amounts are
compared at the finest level both years share and are never divided by guesswork.

The groups between consecutive years ship in ``data/crosswalk.json``, made by
``tools/make_crosswalk.py`` (its docstring and ``docs/comparison.md`` explain how). Any other pair
of years is composed from the consecutive steps. Each kind of organisation has its own lists and
steps: every function takes it as ``level`` (see :data:`begroot.reference.LEVELS`). Use :func:`crosswalk` for the full lists and
:func:`align` for the codes that two editions actually book on::

    for group in align(2024, codes_2024, 2025, codes_2025):
        before = sum(amount_2024[c] for c in group.old)
        after = sum(amount_2025[c] for c in group.new)
        note = group.reason.get("nl", "")
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from . import LEVELS, NoIv3Lists, reference_year, shipped_years, sort_key, taakvelden

__all__ = ["Group", "align", "crosswalk", "successors"]

_LEVEL = "gemeente"

# One reason as stored: (Dutch, English).
_Reason = tuple[str, str]


@dataclass(frozen=True)
class Group:
    """Codes of two years whose amounts compare with each other.

    ``old`` are codes of the first year, ``new`` codes of the second year, each in CBS order
    (:func:`begroot.reference.sort_key`). ``reason`` explains a change in Dutch and English
    (``{"nl": ..., "en": ...}``); it is empty for a code that exists unchanged in both years.
    A group returned by :func:`align` may have an empty side: codes booked in one edition only.
    """

    old: tuple[str, ...]
    new: tuple[str, ...]
    reason: dict[str, str] = field(default_factory=dict, hash=False)

    @property
    def changed(self) -> bool:
        """Whether this is anything but one code with the same meaning in both years.

        True when the codes differ (split, merged, renumbered, regrouped) or a reason is given
        (e.g. the same code under a new name).
        """
        return self.old != self.new or bool(self.reason)


class _Union:
    """Union-find over hashable nodes."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, node: Any) -> Any:
        parent = self.parent.setdefault(node, node)
        if parent == node:
            return node
        root = self.find(parent)
        self.parent[node] = root
        return root

    def union(self, first: Any, *others: Any) -> None:
        root = self.find(first)
        for other in others:
            other_root = self.find(other)
            if other_root != root:
                self.parent[other_root] = root


def _combine(reasons: Iterable[_Reason]) -> dict[str, str]:
    """One reason dict from several reasons: each text once, in the given order."""
    unique = [r for r in dict.fromkeys(reasons) if r[0] or r[1]]
    if not unique:
        return {}
    return {"nl": " ".join(nl for nl, _ in unique), "en": " ".join(en for _, en in unique)}


@cache
def _leaves(year: int, level: str = _LEVEL) -> tuple[str, ...]:
    """The leaf taakvelden of a shipped year, in CBS order."""
    return tuple(c.code for c in taakvelden(year, level).values() if c.leaf)


@cache
def _stored(level: str = _LEVEL) -> dict[str, list[dict[str, Any]]]:
    if level not in LEVELS:
        raise NoIv3Lists(level)
    text = (files(__package__) / "data" / "crosswalk.json").read_text(encoding="utf-8")
    return json.loads(text)[level]


@cache
def _step(year_a: int, year_b: int, level: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...], _Reason], ...]:
    """All groups between two consecutive shipped years: the stored ones plus the unchanged codes."""
    stored = _stored(level).get(f"{year_a}-{year_b}")
    if stored is None:
        raise RuntimeError(f"crosswalk.json has no step {year_a}-{year_b}; run tools/make_crosswalk.py")
    groups = []
    seen_a: set[str] = set()
    seen_b: set[str] = set()
    for entry in stored:
        reason = entry.get("reason") or {}
        groups.append((tuple(entry["old"]), tuple(entry["new"]), (reason.get("nl", ""), reason.get("en", ""))))
        seen_a.update(entry["old"])
        seen_b.update(entry["new"])
    leaves_b = set(_leaves(year_b, level))
    for code in _leaves(year_a, level):
        if code not in seen_a:
            if code not in leaves_b:
                raise RuntimeError(f"crosswalk.json is out of date: {code} ({year_a}) has no group towards "
                                   f"{year_b}; run tools/make_crosswalk.py")
            groups.append(((code,), (code,), ("", "")))
            seen_b.add(code)
    if seen_b != leaves_b:
        raise RuntimeError(f"crosswalk.json is out of date for {year_a}-{year_b}; run tools/make_crosswalk.py")
    return tuple(groups)


@cache
def _compose(first: int, last: int, level: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...], _Reason], ...]:
    """Groups from shipped year ``first`` to the later shipped year ``last``, via every year between."""
    years = [y for y in shipped_years(level) if first <= y <= last]
    union = _Union()
    reasons: list[tuple[Any, _Reason]] = []
    for year in (first, last):
        for code in _leaves(year, level):
            union.find((year, code))
    for year_a, year_b in zip(years, years[1:]):
        for old, new, reason in _step(year_a, year_b, level):
            nodes = [(year_a, c) for c in old] + [(year_b, c) for c in new]
            union.union(*nodes)
            if reason[0] or reason[1]:
                reasons.append((nodes[0], reason))
    members: dict[Any, tuple[list[str], list[str]]] = {}
    for code in _leaves(first, level):
        members.setdefault(union.find((first, code)), ([], []))[0].append(code)
    for code in _leaves(last, level):
        members.setdefault(union.find((last, code)), ([], []))[1].append(code)
    texts: dict[Any, list[_Reason]] = {}
    for node, reason in reasons:
        texts.setdefault(union.find(node), []).append(reason)
    out = []
    for root, (old, new) in members.items():
        combined = _combine(texts.get(root, []))
        out.append((tuple(old), tuple(new), (combined.get("nl", ""), combined.get("en", ""))))
    return tuple(out)


def _first_key(group: Group) -> tuple:
    codes = group.old or group.new
    return sort_key(codes[0]) if codes else (2,)


def crosswalk(year_a: int, year_b: int, level: str = _LEVEL) -> list[Group]:
    """The comparable groups between the leaf taakvelden of ``year_a`` and those of ``year_b``.

    Every leaf code of each year is in exactly one group, and no group has an empty side. Works
    for any two years: later or earlier (``crosswalk(2025, 2024)`` has the groups of
    ``crosswalk(2024, 2025)`` with ``old`` and ``new`` swapped), several years apart (the
    consecutive steps are composed, so a group holds every code that is linked through the years
    between), or the same year (every code alone, unchanged). Years outside the shipped range use
    the list of :func:`begroot.reference.reference_year`. Groups are in CBS order of their first
    ``old`` code. A fresh list: the caller may change it.
    """
    first, last = reference_year(year_a, level), reference_year(year_b, level)
    if first == last:
        return [Group((c,), (c,), {}) for c in _leaves(first, level)]
    forward = first < last
    steps = _compose(first, last, level) if forward else _compose(last, first, level)
    groups = []
    for old, new, (nl, en) in steps:
        reason = {"nl": nl, "en": en} if nl or en else {}
        groups.append(Group(old, new, reason) if forward else Group(new, old, reason))
    groups.sort(key=_first_key)
    return groups


def _below(year: int, code: str, level: str) -> list[str]:
    """The leaf taakvelden of ``year`` below the group ``code``."""
    tv = taakvelden(year, level)

    def under(current: str | None) -> bool:
        while current is not None:
            if current == code:
                return True
            current = tv[current].parent
        return False

    return [c for c in _leaves(reference_year(year, level), level) if under(c)]


def align(year_a: int, codes_a: Iterable[str], year_b: int, codes_b: Iterable[str],
          level: str = _LEVEL) -> list[Group]:
    """Comparable groups for the taakvelden two editions actually book on.

    ``codes_a`` are the taakveld codes in the finance lines of an edition of budget year
    ``year_a``, ``codes_b`` those of an edition of ``year_b`` (repeats are fine). Every given code
    is in exactly one returned group; ``old`` holds only codes of ``codes_a`` and ``new`` only codes
    of ``codes_b``, so summing the amounts of a group's codes on each side compares like with like.

    * Codes of the Iv3 list of their year are grouped by :func:`crosswalk`.
    * A group code of the list (``6.71`` in 2024, or a main group such as ``6.``) stands for all
      leaves below it: the groups of those leaves are merged, and the reason says so.
    * A code not in its year's list is matched with the same code of the other year (given, or
      in the other year's list); otherwise it stands alone, in a group with one empty side.

    For a kind of organisation without Iv3 lists (``level`` a waterschap) no code is in a list.

    Groups whose codes appear in neither input are left out. A merged group's reason combines
    the reasons of its parts. Codes are compared exactly as given (no trimming).
    """
    given_a = list(dict.fromkeys(codes_a))
    given_b = list(dict.fromkeys(codes_b))
    if level in LEVELS:
        lists = {"a": taakvelden(year_a, level), "b": taakvelden(year_b, level)}
        base = crosswalk(year_a, year_b, level)
    else:  # a kind without Iv3 lists (a waterschap): each code with the same code of the other edition
        lists, base = {"a": {}, "b": {}}, []
    years = {"a": year_a, "b": year_b}
    union = _Union()
    for index, group in enumerate(base):
        union.union(("g", index), *(("a", c) for c in group.old), *(("b", c) for c in group.new))
    notes: list[tuple[Any, _Reason]] = []

    def attach(side: str, code: str, booked: bool) -> bool:
        """Join a code of the side's list to its leaves; False if the list does not know it."""
        entry = lists[side].get(code)
        if entry is None:
            return False
        union.find((side, code))
        if not entry.leaf:
            union.union((side, code), *((side, leaf) for leaf in _below(years[side], code, level)))
            if booked:
                year = years[side]
                notes.append(((side, code), (
                    f"In {year} is geboekt op de groepscode {code}; daarom vergeleken met alle "
                    f"taakvelden eronder samen.",
                    f"In {year}, amounts were booked on the group code {code}, so it is compared with "
                    f"all taakvelden below it together.",
                )))
        return True

    unknown = {
        "a": [c for c in given_a if not attach("a", c, booked=True)],
        "b": [c for c in given_b if not attach("b", c, booked=True)],
    }
    given = {"a": set(given_a), "b": set(given_b)}
    for side, other in (("a", "b"), ("b", "a")):
        for code in unknown[side]:
            union.find((side, code))
            if code in given[other] or attach(other, code, booked=False):
                union.union((side, code), (other, code))

    old: dict[Any, list[str]] = {}
    new: dict[Any, list[str]] = {}
    for code in given_a:
        old.setdefault(union.find(("a", code)), []).append(code)
    for code in given_b:
        new.setdefault(union.find(("b", code)), []).append(code)
    texts: dict[Any, list[_Reason]] = {}
    for index, group in enumerate(base):
        if group.reason:
            texts.setdefault(union.find(("g", index)), []).append((group.reason["nl"], group.reason["en"]))
    for node, reason in notes:
        texts.setdefault(union.find(node), []).append(reason)

    groups = [
        Group(
            tuple(sorted(old.get(root, []), key=sort_key)),
            tuple(sorted(new.get(root, []), key=sort_key)),
            _combine(texts.get(root, [])),
        )
        for root in dict.fromkeys([*old, *new])
    ]
    groups.sort(key=_first_key)
    return groups


def _plain_name(name: str) -> str:
    """A taakveld name for comparing: lower case, without accents, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def successors(code: str, year: int, other_year: int, level: str = _LEVEL) -> tuple[str, ...]:
    """The taakvelden of ``other_year`` that stand for taakveld ``code`` of ``year``.

    For a later ``other_year``, the codes that replaced it; for an earlier one, the codes it
    replaced. Of the code's comparable group (:func:`crosswalk`), the codes with the same name
    (6.71a "Huishoudelijke hulp (WMO)" of 2024 is 6.711 in 2025), else the codes numbered below it
    (6.2 of 2024 is 6.21, 6.22 and 6.23 in 2025; 6.71 of 2022 is 6.71a–d in 2023) or above it
    (the other way round), else every code of the group on the other side. In CBS order. Empty
    when ``code`` is not a leaf of ``year``'s list, and ``(code,)`` when the code is a leaf of
    both years' lists.
    """
    first, last = reference_year(year, level), reference_year(other_year, level)
    if code not in _leaves(first, level):
        return ()
    if code in _leaves(last, level):
        return (code,)
    group = next(g for g in crosswalk(first, last, level) if code in g.old)
    name = _plain_name(taakvelden(first, level)[code].name)
    other = taakvelden(last, level)
    same = tuple(c for c in group.new if _plain_name(other[c].name) == name)
    if same:
        return same
    below = tuple(c for c in group.new if c.startswith(code) and len(c) > len(code))
    if below:
        return below
    above = tuple(c for c in group.new if code.startswith(c))
    return above or group.new
