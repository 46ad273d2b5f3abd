"""Build the Iv3 taakveld crosswalk between consecutive budget years from the CBS definition files.

For every pair of consecutive years (2017 -> 2018 ... 2025 -> 2026) the taakvelden on which amounts
are booked (the leaves of the CBS tree) are put into **comparable groups**: a set of codes of the
old year and a set of codes of the new year such that the money on the old codes corresponds to
the money on the new codes. Most groups are one code that exists in both years (1:1). Where CBS
split, merged, renumbered or regrouped codes, a group holds every code involved, so amounts are
compared at the finest grouping both years share and are never divided by guesswork.

How the groups are derived, in this order (every step only ever *joins* groups):

1. **Same code**: a leaf code of both years is one group. When its name changed (ignoring case,
   accents and punctuation), the group gets a reason that says so.
2. **Leaf became group, or group became leaf**: ``6.71`` was a leaf in 2022 and is a group with
   ``6.71a`` .. ``6.71d`` in 2023: the old code joins all leaves below the new group (and the
   other way round).
3. **Same name, new code**: a code that disappears and a code that appears with the same name
   (``6.71a`` and ``6.711`` "Huishoudelijke hulp (WMO)") are joined.
4. **Numbered below a code that disappeared**: a new code numbered as a part of an old code that
   disappeared (``6.21`` .. ``6.23`` below ``6.2``, ``6.60`` below ``6.6``; see
   ``begroot.reference.sort_key`` for how codes are numbered) joins all old leaves below that
   code; and the other way round for old codes below a new code.
5. **Explicit rules** (:data:`RULES`) for changes the lists do not show by themselves, each with
   its reason in Dutch and English.
6. **Fallback**: a code still without counterpart in the other year joins all leaves of the other
   year below its nearest group that exists in both years (the finest grouping that is still
   safe). This does not happen for the CBS lists 2017-2026; the script says so when it does.

Output: ``src/begroot/reference/data/crosswalk.json``, one section per kind of organisation (the
lists of municipalities, provinces and joint arrangements, see ``tools/make_reference.py``)::

    {"format": 1, "source": "...", "gemeente": {"2024-2025": [
      {"new": ["6.21", "6.22", "6.23"], "old": ["6.2"], "reason": {"en": "...", "nl": "..."}},
      ...]}, "provincie": {...}, "gemeenschappelijke regeling": {...}}

Only groups that differ from "the same code, unchanged" are written; every leaf code of the old
year that is in no written group exists unchanged in the new year (``begroot.reference.crosswalk``
relies on that). Codes within a group and the groups themselves are in CBS order.

Usage::

    python tools/make_crosswalk.py [--source DIR] [--out DIR] [--check]

``--check`` writes nothing and exits 1 when the data file is not up to date.
The output is deterministic: same input, same bytes.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
OUT_NAME = "crosswalk.json"
FORMAT = 1


def _load_make_reference() -> Any:
    """tools/make_reference.py as a module: it reads and normalises the CBS trees."""
    path = Path(__file__).resolve().with_name("make_reference.py")
    spec = importlib.util.spec_from_file_location("_begroot_make_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_REF = _load_make_reference()
DEFAULT_SOURCE, DEFAULT_OUT, LEVEL = _REF.DEFAULT_SOURCE, _REF.DEFAULT_OUT, _REF.LEVEL  # the same CBS files and folder
sys.path.insert(0, str(PROJECT / "src"))
from begroot.reference import sort_key  # noqa: E402  (the project's own CBS ordering)

Row = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    """Explicit knowledge about one change: these codes of ``year - 1`` and ``year`` belong together."""

    year: int
    old: tuple[str, ...]
    new: tuple[str, ...]
    nl: str
    en: str


#: Changes the code lists alone do not reveal. Each rule names *all* codes involved on both sides;
#: the derived steps may join more codes to the same group, never fewer.
RULES: tuple[Rule, ...] = (
    Rule(
        year=2023,
        old=("6.72", "6.82"),
        new=("6.72a", "6.72b", "6.72c", "6.72d", "6.73a", "6.73b", "6.73c", "6.74a", "6.74b", "6.74c",
             "6.82a", "6.82b"),
        nl="2023: de jeugdhulp is anders ingedeeld. Tot 2022 stond jeugdhulp onder 6.72 "
           "(maatwerkdienstverlening 18-) en 6.82 (geëscaleerde zorg 18-); vanaf 2023 zijn er aparte "
           "taakvelden voor jeugdhulp zonder verblijf (6.72a-d), met verblijf (6.73a-c), jeugd-ggz, "
           "crisis en gesloten plaatsing (6.74a-c), jeugdbescherming en jeugdreclassering (6.82a-b). "
           "Welk deel uit 6.72 en welk deel uit 6.82 komt, is niet bekend; daarom worden ze samen "
           "vergeleken.",
        en="2023: youth care was reorganised. Until 2022 it was booked on 6.72 (tailored services "
           "under 18) and 6.82 (escalated care under 18); from 2023 there are separate taakvelden for "
           "youth care without accommodation (6.72a-d), with accommodation (6.73a-c), youth mental "
           "health, crisis and secure placement (6.74a-c), child protection and juvenile probation "
           "(6.82a-b). Which part came from 6.72 and which from 6.82 is not known, so they are "
           "compared together.",
    ),
    Rule(
        year=2025,
        old=("6.6", "6.71a", "6.71b", "6.71c", "6.71d", "6.81a", "6.81b"),
        new=("6.60", "6.711", "6.712", "6.713", "6.714", "6.791", "6.811", "6.812", "6.91"),
        nl="2025: de Wmo-taakvelden zijn hernummerd, en persoonsgebonden budgetten (pgb Wmo, 6.791) "
           "en coördinatie en beleid (6.91) hebben een eigen taakveld. Tot 2024 vielen die bedragen "
           "onder de Wmo-taakvelden zelf (6.6, 6.71a-d, 6.81a-b); hoeveel per taakveld is niet "
           "bekend, daarom worden ze samen vergeleken.",
        en="2025: the Wmo (social support act) taakvelden were renumbered, and personal budgets "
           "(pgb Wmo, 6.791) and coordination and policy (6.91) got taakvelden of their own. Until "
           "2024 these amounts fell under the Wmo taakvelden themselves (6.6, 6.71a-d, 6.81a-b); "
           "how much per taakveld is not known, so they are compared together.",
    ),
    Rule(
        year=2025,
        old=("6.72a", "6.72b", "6.72c", "6.72d", "6.73a", "6.73b", "6.73c", "6.74a", "6.74b", "6.74c",
             "6.82a", "6.82b"),
        new=("6.751", "6.752", "6.753", "6.761", "6.762", "6.763", "6.792", "6.821", "6.822", "6.92"),
        nl="2025: de jeugdhulp is opnieuw ingedeeld, nu naar schaal (lokaal, regionaal, landelijk) "
           "in plaats van naar soort hulp; persoonsgebonden budgetten (pgb Jeugd, 6.792) en "
           "coördinatie en beleid (6.92) hebben een eigen taakveld. De oude en nieuwe indeling passen "
           "niet op elkaar, daarom worden ze als één geheel vergeleken.",
        en="2025: youth care was regrouped, now by scale (local, regional, national) instead of by "
           "kind of care; personal budgets (pgb Jeugd, 6.792) and coordination and policy (6.92) got "
           "taakvelden of their own. The old and new divisions do not fit onto each other, so they "
           "are compared as one whole.",
    ),
)


class _Union:
    """Union-find over hashable nodes."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def add(self, node: Any) -> None:
        self.parent.setdefault(node, node)

    def find(self, node: Any) -> Any:
        self.add(node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, *nodes: Any) -> None:
        roots = [self.find(n) for n in nodes]
        for other in roots[1:]:
            self.parent[self.find(other)] = self.find(roots[0])


def _words(name: str) -> str:
    """A name for comparison: lower case, no accents, punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[0-9a-z]+", plain))


def numbered_below(code: str, stem: str) -> bool:
    """Whether ``code`` is numbered as a part of ``stem`` (``6.21`` of ``6.2``, ``6.711`` of ``6.71``).

    Follows the CBS numbering of :func:`begroot.reference.sort_key`: only the last segment grows, by
    digits; a two-digit segment starting with 1 is a number of its own (``0.10`` is not part of
    ``0.1``). Letter suffixes (``6.71a``) are handled by the tree, not here.
    """
    head, _, last = code.rpartition(".")
    stem_head, _, stem_last = stem.rpartition(".")
    if head != stem_head or not stem_last or len(last) <= len(stem_last):
        return False
    if not (last.isdigit() and stem_last.isdigit() and last.startswith(stem_last)):
        return False
    return not (len(last) == 2 and last[0] == "1")


def _join(codes: list[str], nl: bool) -> str:
    """``a, b en c`` / ``a, b and c``."""
    if len(codes) == 1:
        return codes[0]
    return ", ".join(codes[:-1]) + (" en " if nl else " and ") + codes[-1]


class _Step:
    """The derivation for one pair of consecutive years; see the module docstring."""

    def __init__(self, year_a: int, rows_a: list[Row], year_b: int, rows_b: list[Row],
                 rules: tuple[Rule, ...] = ()) -> None:
        self.year_a, self.year_b = year_a, year_b
        self.rules = rules
        self.a = {r["code"]: r for r in rows_a}
        self.b = {r["code"]: r for r in rows_b}
        self.leaves_a = [c for c, r in self.a.items() if r["leaf"]]
        self.leaves_b = [c for c, r in self.b.items() if r["leaf"]]
        self.union = _Union()
        for code in self.leaves_a:
            self.union.add(("a", code))
        for code in self.leaves_b:
            self.union.add(("b", code))
        # (node, nl, en, explicit): reasons attached to the group that will hold the node
        self.reasons: list[tuple[tuple[str, str], str, str, bool]] = []
        self.fallbacks: list[str] = []

    def leaves_below(self, side: str, code: str) -> list[str]:
        rows = self.a if side == "a" else self.b
        leaves = self.leaves_a if side == "a" else self.leaves_b

        def under(c: str) -> bool:
            while c is not None:
                if c == code:
                    return True
                c = rows[c]["parent"]
            return False

        return [c for c in leaves if under(c)]

    def reason(self, node: tuple[str, str], nl: str, en: str, explicit: bool = False) -> None:
        self.reasons.append((node, nl, en, explicit))

    def derive(self) -> None:
        a, b, yb = self.a, self.b, self.year_b
        # 1. same code, leaf in both years
        for code in self.leaves_a:
            if code in b and b[code]["leaf"]:
                self.union.union(("a", code), ("b", code))
                old, new = a[code]["name"], b[code]["name"]
                if _words(old) != _words(new):
                    self.reason(("a", code), f"Vanaf {yb} heet {code} ‘{new}’ (was ‘{old}’).",
                                f"From {yb} on, {code} is called ‘{new}’ (was ‘{old}’).")
        # 2. leaf became group, group became leaf
        for code in self.leaves_a:
            if code in b and not b[code]["leaf"]:
                parts = self.leaves_below("b", code)
                self.union.union(("a", code), *(("b", p) for p in parts))
                self.reason(("a", code), f"Vanaf {yb} is {code} verdeeld over {_join(parts, True)}.",
                            f"From {yb} on, {code} is split into {_join(parts, False)}.")
        for code in self.leaves_b:
            if code in a and not a[code]["leaf"]:
                parts = self.leaves_below("a", code)
                self.union.union(("b", code), *(("a", p) for p in parts))
                self.reason(("b", code), f"Vanaf {yb} zijn {_join(parts, True)} samengevoegd tot {code}.",
                            f"From {yb} on, {_join(parts, False)} are merged into {code}.")
        # 3. same name under a new code
        gone = [c for c in self.leaves_a if c not in b]
        new = [c for c in self.leaves_b if c not in a]
        matched: set[str] = set()
        for old_code in gone:
            for new_code in new:
                if _words(a[old_code]["name"]) == _words(b[new_code]["name"]):
                    self.union.union(("a", old_code), ("b", new_code))
                    matched |= {old_code, new_code}
                    self.reason(("a", old_code), f"Vanaf {yb} heeft {old_code} de code {new_code}.",
                                f"From {yb} on, {old_code} has the code {new_code}.")
        # 4. numbered below a code that disappeared (or appeared)
        for stem in [c for c in a if c not in b]:
            parts = [c for c in new if c not in matched and numbered_below(c, stem)]
            if parts:
                olds = self.leaves_below("a", stem)
                self.union.union(*(("a", o) for o in olds), *(("b", p) for p in parts))
                self.reason(("b", parts[0]), f"Vanaf {yb} is {stem} verdeeld over {_join(parts, True)}.",
                            f"From {yb} on, {stem} is split into {_join(parts, False)}.")
        for stem in [c for c in b if c not in a]:
            parts = [c for c in gone if c not in matched and numbered_below(c, stem)]
            if parts:
                news = self.leaves_below("b", stem)
                self.union.union(*(("b", n) for n in news), *(("a", p) for p in parts))
                self.reason(("a", parts[0]), f"Vanaf {yb} zijn {_join(parts, True)} samengevoegd tot {stem}.",
                            f"From {yb} on, {_join(parts, False)} are merged into {stem}.")
        # 5. explicit rules
        for rule in self.rules:
            if rule.year != yb:
                continue
            for side, codes, year, known in (("a", rule.old, self.year_a, a), ("b", rule.new, yb, b)):
                for code in codes:
                    if code not in known or not known[code]["leaf"]:
                        raise SystemExit(f"rule for {rule.year}: {code} is no leaf taakveld in {year}")
            self.union.union(*(("a", c) for c in rule.old), *(("b", c) for c in rule.new))
            self.reason(("a", rule.old[0]), rule.nl, rule.en, explicit=True)
        # 6. fallback: join the leaves below the nearest group both years share
        for side, other in (("a", "b"), ("b", "a")):
            rows, other_rows = (a, b) if side == "a" else (b, a)
            other_roots = {self.union.find((other, c)) for c in (self.leaves_b if other == "b" else self.leaves_a)}
            for code in self.leaves_a if side == "a" else self.leaves_b:
                if self.union.find((side, code)) in other_roots:
                    continue
                group = rows[code]["parent"]
                while group is not None and (group not in other_rows or other_rows[group]["leaf"]):
                    group = rows[group]["parent"]
                if group is None:
                    raise SystemExit(f"{self.year_a}->{yb}: {code} has no counterpart and no shared group; add a rule")
                self.union.union((side, code), *((other, p) for p in self.leaves_below(other, group)))
                other_roots = {self.union.find((other, c)) for c in (self.leaves_b if other == "b" else self.leaves_a)}
                self.fallbacks.append(code)
                if side == "a":
                    nl = (f"{code} bestaat vanaf {yb} niet meer en heeft geen duidelijke opvolger; daarom "
                          f"vergeleken met alle taakvelden onder {group}.")
                    en = (f"{code} no longer exists from {yb} on and has no clear successor, so it is compared "
                          f"with all taakvelden under {group}.")
                else:
                    nl = (f"{code} is nieuw in {yb} en heeft geen duidelijke voorganger; daarom vergeleken met "
                          f"alle taakvelden onder {group}.")
                    en = (f"{code} is new in {yb} and has no clear predecessor, so it is compared with all "
                          f"taakvelden under {group}.")
                self.reason((side, code), nl, en)

    def groups(self) -> list[dict[str, Any]]:
        """The groups that are not simply the same code unchanged, in CBS order."""
        members: dict[Any, tuple[list[str], list[str]]] = {}
        for code in self.leaves_a:
            members.setdefault(self.union.find(("a", code)), ([], []))[0].append(code)
        for code in self.leaves_b:
            members.setdefault(self.union.find(("b", code)), ([], []))[1].append(code)
        texts: dict[Any, list[tuple[str, str, bool]]] = {}
        for node, nl, en, explicit in self.reasons:
            texts.setdefault(self.union.find(node), []).append((nl, en, explicit))
        out = []
        for root, (old, new) in members.items():
            if not old or not new:  # pragma: no cover - the fallback prevents this
                raise SystemExit(f"{self.year_a}->{self.year_b}: one-sided group {old} / {new}")
            parts = texts.get(root, [])
            if any(explicit for _, _, explicit in parts):
                parts = [p for p in parts if p[2]]
            unique = list(dict.fromkeys((nl, en) for nl, en, _ in parts))
            if old == new and len(old) == 1 and not unique:
                continue
            out.append({
                "old": sorted(old, key=sort_key),
                "new": sorted(new, key=sort_key),
                "reason": {"nl": " ".join(nl for nl, _ in unique), "en": " ".join(en for _, en in unique)},
            })
        out.sort(key=lambda g: sort_key(g["old"][0]))
        return out


def build(source: Path) -> tuple[str, list[str]]:
    """The text of crosswalk.json (one section per kind of organisation), and notes about codes
    that needed the fallback. :data:`RULES` concern the taakvelden of municipalities, which joint
    arrangements (GR) use too; provinces have their own list and get only the derived groups."""
    sections: dict[str, Any] = {}
    notes: list[str] = []
    for level in _REF.LEVELS.values():
        years = _REF.definition_files(source, level)
        if not years:
            raise SystemExit(f"no Iv3 definition files for {level} in {source}")
        lists = {year: _REF.read_year(path)[0] for year, path in years}
        sections[level], level_notes = _level_steps(lists, RULES if level != "provincie" else ())
        notes += [f"{level} {line}" for line in level_notes]
    note = ("CBS Iv3 definitiebestanden iv3_definities_<Gemeente|Provincie|GR>_<jaar>.json; groups that "
            "differ from 'same code, unchanged'; built by tools/make_crosswalk.py")
    return _REF._render({"format": FORMAT, "source": note, **sections}), notes


def _level_steps(lists: dict[int, list[Row]], rules: tuple[Rule, ...]) -> tuple[dict[str, Any], list[str]]:
    """The steps between consecutive years of one kind of organisation's lists."""
    known = sorted(lists)
    for rule in rules:
        if rule.year not in known or rule.year - 1 not in known:
            raise SystemExit(f"rule for {rule.year}: no definition files for {rule.year - 1} and {rule.year}")
    steps: dict[str, Any] = {}
    notes: list[str] = []
    for year_a, year_b in zip(known, known[1:]):
        step = _Step(year_a, lists[year_a], year_b, lists[year_b], rules)
        step.derive()
        steps[f"{year_a}-{year_b}"] = step.groups()
        notes += [f"{year_a}->{year_b}: {code} needed the fallback" for code in step.fallbacks]
    return steps, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder with the CBS files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the data file")
    parser.add_argument("--check", action="store_true", help="only check the data file is up to date")
    args = parser.parse_args(argv)

    text, notes = build(args.source)
    for line in notes:
        print(f"note: {line}", file=sys.stderr)
    return _REF.write_or_check({OUT_NAME: text}, args.out, args.check)


if __name__ == "__main__":
    sys.exit(main())
