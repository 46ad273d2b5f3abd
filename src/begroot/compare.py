"""Compare two editions: totals, programmes (also across a restructuring), taakvelden and texts.

Programmes are merged, split and renumbered between editions; Iv3 taakvelden are the stable
classification underneath. A comparison therefore works at the level of **comparable taakveld
groups** (:func:`begroot.reference.crosswalk.align`: the finest grouping both years share, so
codes that CBS renumbered or regrouped are compared as one group and never split by guesswork)
and attributes the money of every group to the programmes that hold it on either side:

* the **old money** (edition A) of an old programme goes to the new programmes that hold the same
  taakvelden in edition B;
* the **new money** (edition B) of a new programme comes from the old programmes that held its
  taakvelden in edition A.

All of it runs on integer cents. Where a group is held by one programme on the other side, the
attribution is exact. Where a group is held by several programmes on the other side, the amount
is divided in proportion to their shares of that group (largest remainder, to the cent) and the
flow is marked ``estimated``; the page says so. Either way every cent is attributed, so the flows
out of an old programme add up to its total, and the flows of all programmes to the grand total.

An edition without figures (only texts and a programme list, such as an old edition kept for its
texts) takes part through its programme list: each programme holds the taakvelden its patterns
claim, and the comparison shows where those taakvelden are now, with the other edition's money.

Texts are compared per programme and section as a readable word diff (:mod:`begroot.textdiff`).
"""

from __future__ import annotations

import dataclasses

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

import polars as pl

from . import reference
from .figures import Amounts, EditionFigures, Period, cents_to_euros
from .model import EditionData, Programme, slugify
from .check import programme_of_taakveld
from .textdiff import DiffCache, TextComparison, compare_texts

KINDS = ("lasten", "baten")
#: Publication order of the documents of one budget year (the begroting comes first).
EDITION_ORDER = {"begroting": 0, "voorjaarsnota": 1, "najaarsnota": 2, "jaarstukken": 3}
#: A flow counts for the label of a change (merged, split, ...) from this share of the money of
#: the old or the new programme; smaller flows are shown, but do not make a programme "split".
SIGNIFICANT = Decimal("0.10")
#: Titles at least this similar (difflib ratio of their slugs) name the same programme.
SAME_TITLE = 0.75
NO_TAAKVELD = ""   # key of the lines that have no taakveld



def chronological(editions: Iterable[EditionData]) -> list[EditionData]:
    """Editions in the order they are published: by year, then begroting … jaarstukken."""
    return sorted(editions, key=lambda e: (e.config.year, EDITION_ORDER.get(e.config.kind, 9), e.id))


def pairs(editions: Iterable[EditionData]) -> list[tuple[EditionData, EditionData]]:
    """The pairs (older, newer) the site suggests, newest first: each edition with the edition
    before it, with the latest earlier edition of the same kind (begroting with begroting), and
    jaarstukken or a nota with the begroting of the same year. That is at most three pairs per
    edition, linked from its overview; the site has a page for every pair (:func:`all_pairs`)."""
    ordered = chronological(editions)
    found: set[tuple[int, int]] = set()
    for j, b in enumerate(ordered):
        earlier = list(enumerate(ordered[:j]))
        if earlier:
            found.add((earlier[-1][0], j))
        same_kind = [i for i, a in earlier if a.config.kind == b.config.kind]
        if same_kind:
            found.add((same_kind[-1], j))
        if b.config.kind != "begroting":
            budget = [i for i, a in earlier if a.config.kind == "begroting" and a.config.year == b.config.year]
            if budget:
                found.add((budget[-1], j))
    return [(ordered[i], ordered[j]) for i, j in sorted(found, key=lambda ij: (ij[1], ij[0]), reverse=True)]


def all_pairs(editions: Iterable[EditionData]) -> list[tuple[EditionData, EditionData]]:
    """Every pair (older, newer) of editions, newest first: the site has a comparison page for
    each, so that a reader can compare any two (n editions give n·(n-1)/2 pages). :func:`pairs`
    are the ones an edition's pages suggest."""
    ordered = chronological(editions)
    return [(ordered[i], ordered[j]) for j in range(len(ordered) - 1, 0, -1) for i in range(j - 1, -1, -1)]


def _top(programmes: dict[str, Programme], code: str | None) -> str | None:
    """The top-level programme a (deel)programme belongs to; None for an unknown code."""
    if code not in programmes:
        return None
    node = code
    while programmes[node].parent is not None and programmes[node].parent in programmes:
        node = programmes[node].parent
    return node


@dataclass
class Side:
    """One edition in a comparison, with its money per top-level programme and taakveld."""

    edition: EditionData
    period: Period | None                              # compared period; None: no figures
    money: dict[str, dict[tuple[str | None, str], int]]  # kind -> (top programme, taakveld) -> cents
    members: dict[str, str]                            # taakveld -> top programme (editions without figures)
    level: str = "gemeente"                            # the organisation's kind: whose Iv3 lists

    @property
    def has_figures(self) -> bool:
        return self.period is not None

    @property
    def year(self) -> int:
        return self.edition.config.year

    def codes(self) -> set[str]:
        if self.has_figures:
            return {tv for kind in KINDS for (_, tv) in self.money[kind]}
        return set(self.members)

    def weights(self, codes: Iterable[str], kinds: Iterable[str] = KINDS) -> dict[str | None, int]:
        """How much of a taakveld group each programme holds: its money of ``kinds`` (absolute
        cents) or, without figures, the number of the group's codes it claims."""
        wanted = set(codes)
        out: dict[str | None, int] = {}
        if self.has_figures:
            for kind in kinds:
                for (prog, tv), cents in self.money[kind].items():
                    if tv in wanted:
                        out[prog] = out.get(prog, 0) + abs(cents)
        else:
            for tv in wanted:
                if tv in self.members:
                    out[self.members[tv]] = out.get(self.members[tv], 0) + 1
        return out

    def amounts(self, codes: Iterable[str]) -> Amounts:
        wanted = set(codes)
        cents = {kind: sum(c for (_, tv), c in self.money[kind].items() if tv in wanted) for kind in KINDS}
        return Amounts(cents_to_euros(cents["lasten"]), cents_to_euros(cents["baten"]))

    def programme_total(self, code: str | None) -> Amounts:
        cents = {kind: sum(c for (prog, _), c in self.money[kind].items() if prog == code) for kind in KINDS}
        return Amounts(cents_to_euros(cents["lasten"]), cents_to_euros(cents["baten"]))

    def total(self) -> Amounts:
        cents = {kind: sum(self.money[kind].values()) for kind in KINDS}
        return Amounts(cents_to_euros(cents["lasten"]), cents_to_euros(cents["baten"]))


def side(edition: EditionData, figures: EditionFigures | None, level: str = "gemeente") -> Side:
    """The money of an edition in its main period, per top-level programme and taakveld (by ``level``'s lists)."""
    money: dict[str, dict[tuple[str | None, str], int]] = {kind: {} for kind in KINDS}
    lines = edition.lines
    period = figures.main if figures is not None and figures.periods and not lines.is_empty() else None
    members: dict[str, str] = {}
    if period is not None:
        grouped = (lines.filter((pl.col("year") == period[0]) & (pl.col("column") == period[1]))
                   .group_by(["programme", "taakveld", "kind"]).agg(pl.col("cents").sum()))
        for prog, tv, kind, cents in grouped.iter_rows():
            key = (_top(edition.programmes, prog), tv or NO_TAAKVELD)
            money[kind][key] = money[kind].get(key, 0) + int(cents)
    elif reference.has_lists(level):
        for code, entry in reference.taakvelden(edition.config.year, level).items():
            if entry.leaf:
                best, _ = programme_of_taakveld(code, edition.programmes)
                if best is not None:
                    members[code] = _top(edition.programmes, best)
    return Side(edition, period, money, members, level)


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Divide integer ``amount`` over ``weights`` (non-negative, not all zero) in proportion, to
    the unit: the parts add up to ``amount`` exactly (largest remainder, ties to the first)."""
    total = sum(weights)
    base = [amount * w // total for w in weights]
    rest = amount - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-((amount * weights[i]) % total), i))
    for i in order[:rest]:
        base[i] += 1
    return base


@dataclass
class GroupRow:
    """One comparable taakveld group with its amounts on both sides (None: that side has no figures)."""

    old: tuple[str, ...]
    new: tuple[str, ...]
    reason: dict[str, str]
    a: Amounts | None
    b: Amounts | None

    @property
    def changed_codes(self) -> bool:
        """Codes that differ between the years (not a code that has money in one edition only)."""
        return bool(self.old) and bool(self.new) and self.old != self.new

    @property
    def delta(self) -> Amounts | None:
        return self.b - self.a if self.a is not None and self.b is not None else None


@dataclass
class Flow:
    """Money that moved from an old programme to a new one through their taakvelden.

    ``a`` is old money (edition A) and ``b`` new money (edition B), per kind in cents; ``codes``
    counts the taakveld groups that link the two; ``estimated`` is set when part of it was divided
    pro rata inside a group held by several programmes.
    """

    old: str | None
    new: str | None
    a: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    b: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    codes: int = 0
    estimated: bool = False

    def amounts(self, which: str) -> Amounts:
        cents = self.a if which == "a" else self.b
        return Amounts(cents_to_euros(cents["lasten"]), cents_to_euros(cents["baten"]))

    def size(self, which: str | None) -> int:
        if which is None:
            return self.codes
        cents = self.a if which == "a" else self.b
        return sum(abs(c) for c in cents.values())


@dataclass
class Change:
    """A set of old and new programmes linked by their taakvelden, and what happened to them."""

    kind: str                 # same | renamed | merged | split | regrouped | new | discontinued
    old: list[str]
    new: list[str]


@dataclass
class ProgrammeRow:
    """A top-level programme of A and/or B with its totals (None: not in that edition or no figures)."""

    old: Programme | None
    new: Programme | None
    a: Amounts | None
    b: Amounts | None

    @property
    def delta(self) -> Amounts | None:
        return self.b - self.a if self.a is not None and self.b is not None else None


@dataclass
class Comparison:
    a: Side
    b: Side
    groups: list[GroupRow]
    flows: list[Flow]
    changes: list[Change]
    programmes: list[ProgrammeRow]
    texts: list[TextComparison]

    @property
    def money_basis(self) -> str | None:
        """Whose money sizes the flows: 'a', 'b', or None when neither edition has figures."""
        return "a" if self.a.has_figures else ("b" if self.b.has_figures else None)

    def flows_from(self, old: str | None) -> list[Flow]:
        return [f for f in self.flows if f.old == old]

    def flows_to(self, new: str | None) -> list[Flow]:
        return [f for f in self.flows if f.new == new]

    def shares_from(self, old: str | None) -> list[tuple[Flow, Decimal | None]]:
        """The flows out of an old programme, each with its share of the old programme: of the
        lasten (else of all its money; without figures on either side, of its taakvelden)."""
        basis = self.money_basis
        flows = [f for f in self.flows_from(old) if f.size(basis) or f.codes]
        measures: list[Callable[[Flow], int]] = [lambda f: f.size(None)]
        if basis is not None:
            measures = [lambda f: abs(getattr(f, basis)["lasten"]), lambda f: f.size(basis)]
        for measure in measures:
            total = sum(measure(f) for f in flows)
            if total:
                return [(f, Decimal(measure(f)) / Decimal(total)) for f in flows]
        return [(f, None) for f in flows]


def _align(a: Side, b: Side, align: Callable | None) -> list[tuple[tuple[str, ...], tuple[str, ...], dict]]:
    if align is None:
        from .reference.crosswalk import align
    codes_a, codes_b = a.codes(), b.codes()
    out = [(tuple(g.old), tuple(g.new), dict(g.reason))
           for g in align(a.year, sorted(codes_a - {NO_TAAKVELD}), b.year, sorted(codes_b - {NO_TAAKVELD}), a.level)]
    if NO_TAAKVELD in codes_a or NO_TAAKVELD in codes_b:
        out.append(((NO_TAAKVELD,) if NO_TAAKVELD in codes_a else (),
                    (NO_TAAKVELD,) if NO_TAAKVELD in codes_b else (), {}))
    return out


def _flows(a: Side, b: Side, groups, matched: dict[str, str]) -> list[Flow]:
    """Attribute each group's money. A programme that is in both editions (``matched``) and
    holds the group on both sides keeps its own money: nothing moved. The rest goes to the
    holders on the other side; when there are several, preferably to those that do not continue
    a holder of this side (they are the ones that took something over), in proportion."""
    flows: dict[tuple[str | None, str | None], Flow] = {}
    previous = {new: old for old, new in matched.items()}

    def flow(old: str | None, new: str | None) -> Flow:
        return flows.setdefault((old, new), Flow(old, new))

    for old_codes, new_codes, _ in groups:
        w_a = {p: w for p, w in a.weights(old_codes).items() if w}
        w_b = {p: w for p, w in b.weights(new_codes).items() if w}
        for p in w_a:
            for q in w_b:
                flow(p, q).codes += 1
        # old money goes where the group's taakvelden are now; new money comes from where they were
        for mine, side_, other_side, other_codes, all_weights, attr, same, holders in (
                (a, old_codes, b, new_codes, w_b, "a", matched, w_a),
                (b, new_codes, a, old_codes, w_a, "b", previous, w_b)):
            if not mine.has_figures:
                continue
            wanted = set(side_)
            continuing = {same[p] for p in holders if p in same}  # the other side's holders that continue one of ours
            for kind in KINDS:
                # lasten are divided by the other side's lasten, baten by its baten; when the
                # other side has none of this kind in the group, by all it holds of the group
                weights = {p: w for p, w in other_side.weights(other_codes, (kind,)).items() if w} or all_weights
                fresh = {p: w for p, w in weights.items() if p not in continuing}
                per_prog: dict[str | None, int] = {}
                for (prog, tv), cents in mine.money[kind].items():
                    if tv in wanted:
                        per_prog[prog] = per_prog.get(prog, 0) + cents
                for prog, cents in sorted(per_prog.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
                    if cents == 0:
                        continue
                    pool = fresh or weights
                    others = sorted(pool, key=lambda p: (p is None, p or ""))
                    if same.get(prog) in all_weights:
                        parts = {same[prog]: cents}   # still held by the same programme
                    elif not others:
                        parts = {None: cents}
                    else:
                        parts = dict(zip(others, allocate(cents, [pool[o] for o in others])))
                    for other, part in parts.items():
                        f = flow(prog, other) if attr == "a" else flow(other, prog)
                        getattr(f, attr)[kind] += part
                        if len(parts) > 1:
                            f.estimated = True
    return sorted(flows.values(), key=lambda f: (f.old is None, _code_key(f.old), f.new is None, _code_key(f.new)))


def _code_key(code: str | None) -> tuple:
    text = code or ""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def _similar(x: str, y: str) -> bool:
    sx, sy = slugify(x), slugify(y)
    return sx == sy or difflib.SequenceMatcher(None, sx, sy).ratio() >= SAME_TITLE


def match_programmes(olds: Iterable[Programme], news: Iterable[Programme]) -> dict[str, str]:
    """Old programme code -> new one for programmes that are the same: the same code and a
    similar title, or else the same title under another code (renumbered)."""
    olds, news = list(olds), list(news)
    found: dict[str, str] = {}
    taken: set[str] = set()
    for p in olds:
        q = next((q for q in news if q.code == p.code and q.code not in taken and _similar(p.title, q.title)), None)
        if q is not None:
            found[p.code] = q.code
            taken.add(q.code)
    for p in olds:
        if p.code in found:
            continue
        q = next((q for q in news if q.code not in taken and slugify(q.title) == slugify(p.title)), None)
        if q is not None:
            found[p.code] = q.code
            taken.add(q.code)
    return found


def _matches(a: Side, b: Side) -> dict[str, str]:
    return match_programmes(a.edition.top_level(), b.edition.top_level())


def _changes(a: Side, b: Side, flows: list[Flow], basis: str | None, matched: dict[str, str]) -> list[Change]:
    olds = [p.code for p in a.edition.top_level()]
    news = [p.code for p in b.edition.top_level()]
    out_size: dict[str, int] = {}
    in_size: dict[str, int] = {}
    for f in flows:
        if f.old is not None:
            out_size[f.old] = out_size.get(f.old, 0) + f.size(basis)
        if f.new is not None:
            in_size[f.new] = in_size.get(f.new, 0) + f.size(basis)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for node in [f"a:{c}" for c in olds] + [f"b:{c}" for c in news]:
        find(node)
    for f in flows:
        if f.old is None or f.new is None or f.size(basis) == 0:
            continue
        size = Decimal(f.size(basis))
        if size >= SIGNIFICANT * out_size[f.old] or size >= SIGNIFICANT * in_size[f.new]:
            parent[find(f"a:{f.old}")] = find(f"b:{f.new}")
    for old, new in matched.items():  # the same programme by code and title is one change
        parent[find(f"a:{old}")] = find(f"b:{new}")
    components: dict[str, tuple[list[str], list[str]]] = {}
    for code in olds:
        components.setdefault(find(f"a:{code}"), ([], []))[0].append(code)
    for code in news:
        components.setdefault(find(f"b:{code}"), ([], []))[1].append(code)
    changes = []
    for old, new in components.values():
        if not new:
            kind = "discontinued"
        elif not old:
            kind = "new"
        elif len(old) == 1 and len(new) == 1:
            kind = "same" if matched.get(old[0]) == new[0] else "renamed"
        elif len(new) == 1:
            kind = "merged"
        elif len(old) == 1:
            kind = "split"
        else:
            kind = "regrouped"
        changes.append(Change(kind, old, new))
    order = {c: i for i, c in enumerate(olds)}
    border = {c: i for i, c in enumerate(news)}
    changes.sort(key=lambda c: (order[c.old[0]] if c.old else len(order) + border[c.new[0]]))
    return changes


def compare(a: EditionData, fig_a: EditionFigures | None, b: EditionData, fig_b: EditionFigures | None, *,
            labels: dict[str, str] | None = None, align: Callable | None = None,
            sides: tuple[Side, Side] | None = None, diffs: DiffCache | None = None,
            texts: bool = True, figures: Comparison | None = None, level: str = "gemeente") -> Comparison:
    """Compare edition ``a`` (older) with ``b`` (newer). ``sides`` are the editions' :func:`side`
    when already computed (a site compares each edition with several others); ``texts=False``
    leaves the texts out (the figures do not depend on them); ``figures``: the comparison of the
    same sides without texts, made before (a text edit does not change it), to add the texts to;
    ``level``: the organisation's kind, whose Iv3 lists and crosswalk apply."""
    labels = labels or {"added": "added", "removed": "removed"}
    sa, sb = sides if sides is not None else (side(a, fig_a, level), side(b, fig_b, level))
    if figures is not None and figures.a is sa and figures.b is sb:
        return _with_texts(dataclasses.replace(figures, texts=[]), a, b, labels, diffs, dict(_matches(sa, sb)))
    raw_groups = _align(sa, sb, align)
    groups = [GroupRow(old, new, reason, sa.amounts(old) if sa.has_figures else None,
                       sb.amounts(new) if sb.has_figures else None) for old, new, reason in raw_groups]
    matched = _matches(sa, sb)
    flows = _flows(sa, sb, raw_groups, matched)
    comparison = Comparison(sa, sb, groups, flows, [], [], [])
    comparison.changes = _changes(sa, sb, flows, comparison.money_basis, matched)

    new_of = dict(matched)
    rows: list[ProgrammeRow] = []
    listed_new: set[str] = set()
    for p in a.top_level():
        q = b.programmes.get(new_of[p.code]) if p.code in new_of else None
        rows.append(ProgrammeRow(p, q, sa.programme_total(p.code) if sa.has_figures else None,
                                 sb.programme_total(q.code) if (q is not None and sb.has_figures) else None))
        if q is not None:
            listed_new.add(q.code)
    for q in b.top_level():
        if q.code not in listed_new:
            rows.append(ProgrammeRow(None, q, None, sb.programme_total(q.code) if sb.has_figures else None))
    comparison.programmes = rows
    return _with_texts(comparison, a, b, labels, diffs, new_of) if texts else comparison


def _with_texts(comparison: Comparison, a: EditionData, b: EditionData, labels, diffs, new_of) -> Comparison:
    """The texts compared: the edition's own texts, then each old programme with its successor (the
    same programme, else the one that received most of its taakvelden)."""
    basis, flows = comparison.money_basis, comparison.flows
    found = [compare_texts(a, None, b, None, labels, diffs)]
    for p in a.top_level():
        if p.is_overview:
            continue
        target = new_of.get(p.code)
        if target is None:
            candidates = [f for f in flows if f.old == p.code and f.new is not None and f.size(basis) > 0]
            if candidates:
                target = max(candidates, key=lambda f: (f.size(basis), -len(f.new or ""))).new
        found.append(compare_texts(a, p, b, b.programmes[target] if target else None, labels, diffs))
    comparison.texts = [t for t in found if t.sections]
    return comparison
