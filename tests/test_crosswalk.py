"""Tests for begroot.reference.crosswalk: comparable taakveld groups between Iv3 years.

(a) against the taakvelden lists of 2017-2026 (the shipped reference lists, which
tests/test_reference.py compares with CBS's definition files): every leaf code of every year is in
exactly one group, amounts are neither lost nor counted twice, the known 2023 and 2025 changes;
and, against the CBS definition files in ../shared/data/cbs-iv3-definities (skipped without
them), that tools/make_crosswalk.py reproduces the shipped file;
(b) composition, direction, align() and the derivation rules of the tool.
"""

from __future__ import annotations

import itertools
import json
import runpy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from begroot.reference import crosswalk as crosswalk_module
from begroot.reference import shipped_years, taakvelden
from begroot.reference.crosswalk import Group, align, crosswalk

from .conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
YEARS = list(range(2017, 2027))
ALL_PAIRS = [(a, b) for a in YEARS for b in YEARS if a < b]
CONSECUTIVE_BOTH_WAYS = [(a, a + 1) for a in YEARS[:-1]] + [(a + 1, a) for a in YEARS[:-1]]


# --- helpers ---------------------------------------------------------------------------------


def cbs_leaves(year: int) -> list[str]:
    """Codes on which amounts are booked in ``year``, in CBS order: the leaves of the shipped list
    (test_reference.py checks they are CBS's codes without children, less subtotals such as 6.71
    in 2023-2024, listed next to its parts 6.71a..6.71d)."""
    return [code for code, entry in taakvelden(year).items() if entry.leaf]


def cbs_name(year: int, code: str) -> str:
    return taakvelden(year)[code].name


def group_of(groups: list[Group], code: str, side: str = "old") -> Group:
    found = [g for g in groups if code in getattr(g, side)]
    assert len(found) == 1, (code, side, found)
    return found[0]


def tool() -> dict:
    return runpy.run_path(str(ROOT / "tools" / "make_crosswalk.py"))


# --- (a) against the taakvelden lists of every year ---------------------------------------------


@pytest.mark.parametrize(("year_a", "year_b"), ALL_PAIRS + CONSECUTIVE_BOTH_WAYS[len(YEARS) - 1:])
def test_every_leaf_in_exactly_one_group(year_a: int, year_b: int) -> None:
    groups = crosswalk(year_a, year_b)
    old = [c for g in groups for c in g.old]
    new = [c for g in groups for c in g.new]
    assert sorted(old) == sorted(cbs_leaves(year_a)) and len(old) == len(set(old))
    assert sorted(new) == sorted(cbs_leaves(year_b)) and len(new) == len(set(new))
    # no one-sided groups: the crosswalk never needs one for the CBS lists 2017-2026
    assert all(g.old and g.new for g in groups)


@pytest.mark.parametrize(("year_a", "year_b"), ALL_PAIRS + CONSECUTIVE_BOTH_WAYS)
def test_amounts_neither_lost_nor_counted_twice(year_a: int, year_b: int) -> None:
    # Powers of two: any code lost or counted twice changes the sum.
    groups = crosswalk(year_a, year_b)
    for year, side in ((year_a, "old"), (year_b, "new")):
        amounts = {code: 2**i for i, code in enumerate(cbs_leaves(year))}
        per_group = [sum(amounts[c] for c in getattr(g, side)) for g in groups]
        assert sum(per_group) == sum(amounts.values())


def test_2024_2025_wmo_renumbering() -> None:
    groups = crosswalk(2024, 2025)
    for old, new in zip(("6.71a", "6.71b", "6.71c", "6.71d"), ("6.711", "6.712", "6.713", "6.714")):
        assert cbs_name(2024, old) == cbs_name(2025, new)  # the same taakveld under a new code
        group = group_of(groups, old)
        assert new in group.new and group.changed
        assert group.reason["nl"] and group.reason["en"]
    # personal budgets got their own code in 2025 and were booked with the care before: same group
    assert "6.791" in group_of(groups, "6.71a").new
    assert group_of(groups, "6.71a") is group_of(groups, "6.711", "new")


def test_2025_youth_care_regrouping_is_one_group() -> None:
    groups = crosswalk(2024, 2025)
    old = [c for c in cbs_leaves(2024) if c[:4] in ("6.72", "6.73", "6.74")]
    new = [c for c in cbs_leaves(2025) if c[:4] in ("6.75", "6.76")]
    assert len(old) == 10 and len(new) == 6
    group = group_of(groups, old[0])
    assert set(old) <= set(group.old) and set(new) <= set(group.new)
    assert "6.792" in group.new  # pgb Jeugd
    assert not set(group.new) & {"6.711", "6.791"}  # not joined with the Wmo
    assert "2025" in group.reason["nl"] and "2025" in group.reason["en"]


def test_2023_split_and_youth_care() -> None:
    groups = crosswalk(2022, 2023)
    assert group_of(groups, "6.71") == Group(("6.71",), ("6.71a", "6.71b", "6.71c", "6.71d"),
                                             group_of(groups, "6.71").reason)
    youth = group_of(groups, "6.72")
    assert youth.old == ("6.72", "6.82")
    assert {"6.72a", "6.73a", "6.74c", "6.82b"} <= set(youth.new)


def test_unchanged_code_is_one_to_one_without_reason() -> None:
    for year_a, year_b in ALL_PAIRS:
        group = group_of(crosswalk(year_a, year_b), "0.1")
        assert group == Group(("0.1",), ("0.1",), {})
        assert group.reason == {} and not group.changed


def test_renamed_code_keeps_its_group_with_a_reason() -> None:
    assert cbs_name(2022, "6.2") != cbs_name(2023, "6.2")
    group = group_of(crosswalk(2022, 2023), "6.2")
    assert group.old == group.new == ("6.2",) and group.changed
    assert cbs_name(2022, "6.2") in group.reason["nl"] and cbs_name(2023, "6.2") in group.reason["en"]
    # only punctuation changed (2020: "Maatwerkvoorziening WMO" -> "... (WMO)"): no reason
    assert cbs_name(2019, "6.6") != cbs_name(2020, "6.6")
    assert group_of(crosswalk(2019, 2020), "6.6") == Group(("6.6",), ("6.6",), {})


@pytest.mark.shared("cbs-iv3-definities", "tools/make_crosswalk.py is run on CBS's definition files, which the "
                    "shipped crosswalk is made from")
def test_tool_regenerates_the_shipped_file_without_fallbacks(tmp_path: Path) -> None:
    source = SHARED_DATA / "cbs-iv3-definities"
    main = tool()["main"]
    assert main(["--source", str(source), "--out", str(ROOT / "src/begroot/reference/data"), "--check"]) == 0
    assert main(["--source", str(source), "--out", str(tmp_path)]) == 0
    shipped = (ROOT / "src/begroot/reference/data/crosswalk.json").read_bytes()
    assert (tmp_path / "crosswalk.json").read_bytes() == shipped
    (tmp_path / "crosswalk.json").write_bytes(shipped.replace(b"6.791", b"6.799"))
    assert main(["--source", str(source), "--out", str(tmp_path), "--check"]) == 1
    # the CBS lists need no fallback: every change is derived by a rule
    _, notes = tool()["build"](source)
    assert notes == []


# --- (b) composition, direction, align() ------------------------------------------------------


def test_shipped_file_is_well_formed() -> None:
    stored = crosswalk_module._stored()
    years = shipped_years()
    assert sorted(stored) == [f"{a}-{b}" for a, b in zip(years, years[1:])]
    for step in stored.values():
        for entry in step:
            assert entry["old"] and entry["new"]
            assert entry["reason"]["nl"] and entry["reason"]["en"]
            assert not (entry["old"] == entry["new"] and len(entry["old"]) == 1 and not entry["reason"])


def _compose_by_merging(year_a: int, year_b: int) -> set[tuple[frozenset, frozenset]]:
    """An independent composition: merge blocks step by step (the oracle for crosswalk)."""
    blocks = [(frozenset([c]), frozenset([c])) for c in (g.old[0] for g in crosswalk(year_a, year_a))]
    for year in range(year_a, year_b):
        step = crosswalk(year, year + 1)
        merged: list[tuple[set, set]] = []
        for group in step:
            old_side: set = set()
            for first, last in blocks:
                if last & set(group.old):
                    old_side |= first
            merged.append((old_side, set(group.new)))
        changed = True
        while changed:  # blocks sharing an old code are one block
            changed = False
            for i, j in itertools.combinations(range(len(merged)), 2):
                if merged[i][0] & merged[j][0]:
                    merged[i] = (merged[i][0] | merged[j][0], merged[i][1] | merged[j][1])
                    del merged[j]
                    changed = True
                    break
        blocks = [(frozenset(o), frozenset(n)) for o, n in merged]
    return set(blocks)


@pytest.mark.parametrize(("year_a", "year_b"), [(2017, 2026), (2022, 2025), (2023, 2025), (2021, 2024)])
def test_composition_equals_step_by_step_merging(year_a: int, year_b: int) -> None:
    composed = {(frozenset(g.old), frozenset(g.new)) for g in crosswalk(year_a, year_b)}
    assert composed == _compose_by_merging(year_a, year_b)


def test_composed_groups_and_reasons() -> None:
    wmo = group_of(crosswalk(2022, 2025), "6.71")
    assert wmo.old == ("6.6", "6.71", "6.81")
    assert {"6.60", "6.711", "6.791", "6.811", "6.91"} <= set(wmo.new)
    # reasons of every step on the way, in year order
    assert wmo.reason["en"].index("6.71 is split") < wmo.reason["en"].index("2025:")


def test_direction_same_year_and_years_outside_the_range() -> None:
    forward = {(g.old, g.new, tuple(sorted(g.reason.items()))) for g in crosswalk(2024, 2025)}
    backward = {(g.new, g.old, tuple(sorted(g.reason.items()))) for g in crosswalk(2025, 2024)}
    assert forward == backward
    same = crosswalk(2024, 2024)
    assert [g.old for g in same] == [(c,) for c, e in taakvelden(2024).items() if e.leaf]
    assert all(g.old == g.new and not g.changed for g in same)
    assert crosswalk(2010, 2030) == crosswalk(2017, 2026)
    assert crosswalk(2030, 2031) == crosswalk(2026, 2026)


def test_groups_are_hashable_and_lists_fresh() -> None:
    groups = crosswalk(2024, 2025)
    assert len(set(groups)) == len(groups)
    groups.clear()
    assert crosswalk(2024, 2025)


def test_align_group_code_merges_its_members() -> None:
    groups = align(2023, ["6.71", "6.72a", "0.1"], 2024, ["6.71a", "6.71c", "0.1"])
    assert [(g.old, g.new) for g in groups] == [
        (("0.1",), ("0.1",)),
        (("6.71",), ("6.71a", "6.71c")),
        (("6.72a",), ()),
    ]
    assert "6.71" in groups[1].reason["nl"] and "group code" in groups[1].reason["en"]
    assert groups[0].reason == {} and groups[2].reason == {}


def test_align_group_code_joins_the_crosswalk() -> None:
    groups = align(2024, ["6.71", "6.6", "6.2"], 2025, ["6.711", "6.60", "6.791", "6.21", "6.23"])
    assert [(g.old, g.new) for g in groups] == [
        (("6.2",), ("6.21", "6.23")),
        (("6.6", "6.71"), ("6.60", "6.711", "6.791")),
    ]
    assert "2025" in groups[1].reason["nl"] and "groepscode 6.71" in groups[1].reason["nl"]


def test_align_unknown_codes() -> None:
    groups = align(2024, ["9.9", "X", "6.711", "6.71a"], 2025, ["9.9", "6.711", "6.712", "6.71a", "Y"])
    pairs = [(g.old, g.new) for g in groups]
    assert (("9.9",), ("9.9",)) in pairs  # unknown in both lists: matched by equal code
    assert (("X",), ()) in pairs and ((), ("Y",)) in pairs  # unknown, no match: alone
    # 6.711 is unknown in 2024 but a 2025 code; 6.71a unknown in 2025 but a 2024 code: both join the
    # Wmo group of the crosswalk, together with the 2025 codes that really are there
    assert (("6.71a", "6.711"), ("6.71a", "6.711", "6.712")) in pairs
    assert len(pairs) == 4
    # matched with a code of the other year's list even when the other edition does not book on it
    only_list = align(2024, ["6.791", "6.73"], 2025, ["6.711", "6.761"])
    assert [(g.old, g.new) for g in only_list] == [(("6.73",), ()), ((), ("6.761",)), (("6.791",), ("6.711",))]


def test_align_repeats_and_empty_inputs() -> None:
    groups = align(2024, ["0.1", "0.1", "0.2"], 2024, ["0.1"])
    assert [(g.old, g.new) for g in groups] == [(("0.1",), ("0.1",)), (("0.2",), ())]
    assert align(2024, [], 2025, []) == []


def _codes(year: int) -> list[str]:
    return list(taakvelden(year)) + ["9.9", "X1", "6.711", "6.71a", "6.73"]


@settings(max_examples=150, deadline=None)
@given(
    years=st.sampled_from([(2022, 2023), (2024, 2025), (2022, 2025), (2025, 2023), (2019, 2019)]),
    data=st.data(),
)
def test_align_partitions_any_input(years: tuple[int, int], data: st.DataObject) -> None:
    year_a, year_b = years
    codes_a = data.draw(st.lists(st.sampled_from(_codes(year_a)), max_size=40))
    codes_b = data.draw(st.lists(st.sampled_from(_codes(year_b)), max_size=40))
    groups = align(year_a, codes_a, year_b, codes_b)
    old = [c for g in groups for c in g.old]
    new = [c for g in groups for c in g.new]
    assert sorted(old) == sorted(set(codes_a)) and sorted(new) == sorted(set(codes_b))
    assert all(g.old or g.new for g in groups)
    # amounts: every side sums to its total
    amounts = {code: 2**i for i, code in enumerate(dict.fromkeys(codes_a + codes_b))}
    assert sum(sum(amounts[c] for c in g.old) for g in groups) == sum(amounts[c] for c in set(codes_a))
    assert sum(sum(amounts[c] for c in g.new) for g in groups) == sum(amounts[c] for c in set(codes_b))
    # align never splits what the crosswalk joins
    for group in crosswalk(year_a, year_b):
        touched = [g for g in groups if set(g.old) & set(group.old) or set(g.new) & set(group.new)]
        assert len(touched) <= 1


def test_stale_data_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = json.loads(json.dumps(crosswalk_module._stored()))
    stored["2024-2025"] = [g for g in stored["2024-2025"] if "6.2" not in g["old"]]
    monkeypatch.setattr(crosswalk_module, "_stored", lambda level="gemeente": stored)
    crosswalk_module._step.cache_clear()
    crosswalk_module._compose.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="make_crosswalk"):
            crosswalk(2024, 2025)
    finally:
        crosswalk_module._step.cache_clear()
        crosswalk_module._compose.cache_clear()


# --- the derivation rules of tools/make_crosswalk.py, on small made-up lists ------------------


def _rows(*entries: tuple[str, str, str | None]) -> list[dict]:
    parents = {p for _, _, p in entries}
    return [{"code": c, "name": n, "parent": p, "leaf": c not in parents, "main": c.split(".")[0]}
            for c, n, p in entries]


def _groups(old: list[dict], new: list[dict]) -> list[dict]:
    step = tool()["_Step"](2030, old, 2031, new)
    step.derive()
    return step.groups()


def test_tool_numbered_below() -> None:
    numbered_below = tool()["numbered_below"]
    assert numbered_below("6.21", "6.2") and numbered_below("6.711", "6.71") and numbered_below("6.60", "6.6")
    assert not numbered_below("0.10", "0.1") and not numbered_below("0.11", "0.1")
    assert not numbered_below("6.2", "6.2") and not numbered_below("7.21", "6.2") and not numbered_below("6.3", "6.2")


def test_tool_rules_on_made_up_lists() -> None:
    old = _rows(("1.", "EEN", None), ("1.1", "Alpha", "1."), ("1.2", "Beta", "1."), ("1.3", "Gamma", "1."),
                ("1.4", "Delta", "1."), ("2.", "TWEE", None), ("2.1", "Epsilon", "2."))
    new = _rows(("1.", "EEN", None), ("1.1", "Alpha!", "1."), ("1.21", "Beta noord", "1."),
                ("1.22", "Beta zuid", "1."), ("1.5", "Gamma", "1."), ("2.", "TWEE", None), ("2.1", "Zeta", "2."),
                ("2.2", "Eta", "2."))
    groups = {(tuple(g["old"]), tuple(g["new"])): g["reason"] for g in _groups(old, new)}
    # 1.2 split by numbering; 1.3 renumbered by name; 1.4 vanished without successor, so it joins
    # all remaining codes of 1. (also 1.1, whose name only changed in punctuation); 2.1 renamed;
    # 2.2 new without predecessor, so with all codes of 2.
    assert set(groups) == {
        (("1.1", "1.2", "1.3", "1.4"), ("1.1", "1.21", "1.22", "1.5")),
        (("2.1",), ("2.1", "2.2")),
    }
    reason = groups[(("1.1", "1.2", "1.3", "1.4"), ("1.1", "1.21", "1.22", "1.5"))]
    assert "1.21" in reason["en"] and "1.5" in reason["en"] and "no clear successor" in reason["en"]
    assert "Zeta" in groups[(("2.1",), ("2.1", "2.2"))]["nl"]


def test_tool_leaf_becomes_group_and_back() -> None:
    old = _rows(("6.", "ZES", None), ("6.7", "Zorg", "6."), ("6.8", "Groep", "6."), ("6.8a", "Deel a", "6.8"),
                ("6.8b", "Deel b", "6.8"))
    new = _rows(("6.", "ZES", None), ("6.7", "Zorg", "6."), ("6.7a", "Zorg a", "6.7"), ("6.7b", "Zorg b", "6.7"),
                ("6.8", "Groep", "6."))
    groups = {(tuple(g["old"]), tuple(g["new"])) for g in _groups(old, new)}
    assert groups == {(("6.7",), ("6.7a", "6.7b")), (("6.8a", "6.8b"), ("6.8",))}


def test_docs_list_every_explicit_rule() -> None:
    doc = (ROOT / "docs" / "comparison.md").read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| 20")]
    rules = tool()["RULES"]
    assert sorted(row.split("|")[1].strip() for row in rows) == sorted(f"{r.year - 1} → {r.year}" for r in rules)
