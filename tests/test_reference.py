"""Tests for begroot.reference: the shipped Iv3 reference lists and their small API."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from begroot.reference import (
    Code,
    categorieen,
    main_group_name,
    reference_year,
    shipped_years,
    sort_key,
    taakvelden,
)

from .conftest import SHARED_DATA

ACCOUNTS = {"lopende rekening": "LR", "financiele rekening": "FR", "interne verrekeningen": "IV"}


# --- (a) the shipped data equals the CBS definition files -----------------------------------
# These tests compare the shipped lists with CBS's files in ../shared/data (not part of the
# repository) and are skipped where that folder is absent. The tests in (b) and the other test
# files rely on the shipped lists alone.


CBS_DIR = SHARED_DATA / "cbs-iv3-definities"


def needs_cbs(why: str) -> pytest.MarkDecorator:
    return pytest.mark.shared("cbs-iv3-definities", why)


def _cbs_file(year: int) -> Path:
    path = CBS_DIR / f"iv3_definities_Gemeente_{year}.json"
    assert path.is_file(), f"no CBS definition file for {year}: {path}"
    return path


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _cbs_list(year: int, name: str) -> list[tuple[str, str, bool]]:
    """(code, name, has children) of every node of a CBS tree in tree order, without the Tot_ root."""
    tree = json.loads(_cbs_file(year).read_text(encoding="utf-8"))["codelijsten"][name]["codelijst"]
    out: list[tuple[str, str, bool]] = []

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            code = node["code"].strip()
            text = (node.get("omschrijving") or "").strip()
            children = node.get("subcodes") or []
            if not code.startswith("Tot_"):
                if not text:  # 2017-2019 name the account groups only by their code
                    code, text = ACCOUNTS[_plain(code)], code
                out.append((code, text, bool(children)))
            walk(children)

    walk(tree)
    return out


def _cbs_leaf(code: str, children: bool, codes: set[str]) -> bool:
    """Amounts are booked on a code without children that is not a subtotal such as 6.71 in
    2023-2024 (listed next to its parts 6.71a..6.71d)."""
    return not children and not any(o != code and o.startswith(code) and o[len(code):].isalpha() for o in codes)


@needs_cbs("the shipped years and taakvelden lists are compared with CBS's definition files")
def test_shipped_years_and_taakvelden_equal_cbs() -> None:
    """Every year CBS has a file for ships, with its taakvelden in CBS order, the same names,
    and as leaves exactly the codes amounts are booked on (the other test files, the crosswalk's
    among them, take the leaves from the shipped lists)."""
    years = sorted(int(p.stem.rsplit("_", 1)[1]) for p in CBS_DIR.glob("iv3_definities_Gemeente_*.json"))
    assert list(shipped_years()) == years
    for year in years:
        expected = _cbs_list(year, "taakveld")
        codes = {code for code, _, _ in expected}
        assert [(c.code, c.name) for c in taakvelden(year).values()] == [(c, n) for c, n, _ in expected], year
        assert [c.code for c in taakvelden(year).values() if c.leaf] == [
            c for c, _, children in expected if _cbs_leaf(c, children, codes)], year


@needs_cbs("the shipped categorieën lists are compared with CBS's definition files")
def test_categorieen_equal_cbs() -> None:
    for year in shipped_years():
        for kind in ("lasten", "baten"):
            expected = _cbs_list(year, f"categorie_{kind}")
            assert [(c.code, c.name) for c in categorieen(year, kind).values()] == [(c, n) for c, n, _ in expected], (
                year, kind)


@needs_cbs("the shipped taakveld groups are checked against the grey cells of CBS's definition files")
def test_groups_are_not_bookable_in_cbs() -> None:
    """Every intermediate taakveld group is a total: CBS greys out all its cells."""
    for year in shipped_years():
        definitions = json.loads(_cbs_file(year).read_text(encoding="utf-8"))
        groups = [c.code for c in taakvelden(year).values() if not c.leaf and c.parent is not None]
        for kind in ("lasten", "baten"):
            leaves = {c.code for c in categorieen(year, kind).values() if c.leaf}
            grey: dict[str, set[str]] = {}
            for cell in definitions["grijze_cellen"][kind]:
                grey.setdefault(cell["taakveld"], set()).add(cell["categorie"])
            for group in groups:
                assert grey.get(group, set()) >= leaves, (year, kind, group)


@needs_cbs("tools/make_reference.py is run on CBS's definition files, which the shipped lists are made from")
def test_data_files_up_to_date(tmp_path: Path) -> None:
    """tools/make_reference.py reproduces the shipped files byte for byte."""
    source = CBS_DIR
    import runpy

    root = Path(__file__).resolve().parents[1]
    tool = runpy.run_path(str(root / "tools" / "make_reference.py"))
    assert tool["main"](["--source", str(source), "--out", str(root / "src/begroot/reference/data"), "--check"]) == 0


# --- (b) known facts, no shared data needed --------------------------------------------------


def test_2024_codes() -> None:
    tv = taakvelden(2024)
    for code in ("0.10", "0.11", "6.71", "6.71a", "6.71d", "6.73a"):
        assert code in tv
    assert tv["0.1"] == Code("0.1", "Bestuur", "0.", True, "0")
    assert tv["6.71a"].parent == "6.71" and tv["6.71a"].leaf and tv["6.71a"].main == "6"
    assert tv["6.71"].parent == "6." and not tv["6.71"].leaf
    assert tv["6.73a"].parent == "6."
    assert tv["0."].parent is None and not tv["0."].leaf
    assert "Tot_TV" not in tv


def test_2025_renumbering() -> None:
    tv = taakvelden(2025)
    assert "6.711" in tv and tv["6.711"].name == "Huishoudelijke hulp (WMO)"
    assert "6.71a" not in tv and "6.71" not in tv and "6.2" not in tv
    assert tv["6.711"].parent == "6." and tv["6.711"].leaf


def test_order_is_cbs_order_groups_first() -> None:
    codes = list(taakvelden(2024))
    assert codes[:3] == ["0.", "0.1", "0.2"]
    assert codes.index("0.9") < codes.index("0.10") < codes.index("0.11") < codes.index("1.")
    for year in shipped_years():
        seen: set[str] = set()
        for code in taakvelden(year).values():
            assert code.parent is None or code.parent in seen
            seen.add(code.code)


def test_every_leaf_has_main_group() -> None:
    for year in shipped_years():
        tv = taakvelden(year)
        for code in tv.values():
            assert f"{code.main}." in tv
            assert code.code.startswith(f"{code.main}.")


def test_reference_year() -> None:
    years = shipped_years()
    assert years[0] == 2017 and 2024 in years and 2025 in years
    assert reference_year(2016) == 2017
    assert reference_year(1990) == 2017
    assert reference_year(2024) == 2024
    assert reference_year(years[-1] + 5) == years[-1]
    assert taakvelden(2016) == taakvelden(2017)
    assert categorieen(2016, "baten") == categorieen(2017, "baten")


def test_results_are_copies() -> None:
    taakvelden(2024).clear()
    assert "0.1" in taakvelden(2024)


def test_sort_key_examples() -> None:
    ordered = [
        "0.", "0.1", "0.2", "0.5", "0.61", "0.64", "0.7", "0.9", "0.10", "0.11",
        "1.", "1.1", "6.", "6.1", "6.21", "6.3", "6.6", "6.60", "6.71", "6.71a", "6.71b",
        "6.71d", "6.711", "6.714", "6.72", "6.72a", "6.73a", "6.81", "6.82b", "6.91", "8.3",
    ]
    assert sorted(reversed(ordered), key=sort_key) == ordered
    assert sort_key("0.2") < sort_key("0.10") < sort_key("0.11")
    assert sort_key("6.71") < sort_key("6.71a") < sort_key("6.71b") < sort_key("6.72")
    assert sort_key("6.71d") < sort_key("6.711") < sort_key("6.72")
    assert sort_key("3.8") < sort_key("4.1.1") < sort_key("4.3.9") < sort_key("4.5.1") < sort_key("5.1")
    assert sort_key("7.5") < sort_key("FR") < sort_key("IV") < sort_key("LR")
    assert sort_key(" 6.71A ") == sort_key("6.71a")


@pytest.mark.parametrize("year", [y for y in shipped_years() if y >= 2020])
def test_sort_key_reproduces_cbs_order(year: int) -> None:
    codes = list(taakvelden(year))
    assert sorted(codes, key=sort_key) == codes
    for kind in ("lasten", "baten"):
        leaves = [c.code for c in categorieen(year, kind).values() if c.leaf]
        assert sorted(leaves, key=sort_key) == leaves


def test_categorieen() -> None:
    lasten = categorieen(2024, "lasten")
    assert lasten["1.1"].name == "Salarissen en sociale lasten"
    assert lasten["1.1"] == Code("1.1", "Salarissen en sociale lasten", "LR", True, "1")
    assert lasten["LR"].parent is None and not lasten["LR"].leaf
    assert lasten["4.3.1"].main == "4"
    assert "1.1" not in categorieen(2024, "baten")
    assert "5.2" in categorieen(2024, "baten")
    assert "4.4.1" in lasten and "4.4.1" not in categorieen(2025, "lasten")
    assert "4.5.1" in categorieen(2025, "lasten")
    assert categorieen(2018, "lasten")["FR"].name == "Financiële Rekening"


@pytest.mark.parametrize("kind", ["Lasten", "uitgaven", "", "balans"])
def test_unknown_kind(kind: str) -> None:
    with pytest.raises(ValueError):
        categorieen(2024, kind)


def test_main_group_name() -> None:
    assert main_group_name(2024, "6") == "SOCIAAL DOMEIN"
    assert main_group_name(2024, "6.") == "SOCIAAL DOMEIN"
    assert main_group_name(2024, "6", sentence_case=True) == "Sociaal domein"
    assert main_group_name(2022, "8") == "VOLKSHUISVESTING, RUIMTELIJKE ORDENING EN STEDELIJKE VERNIEUWING"
    assert main_group_name(2023, "8", sentence_case=True) == (
        "Volkshuisvesting, leefomgeving en stedelijke vernieuwing"
    )
    with pytest.raises(KeyError):
        main_group_name(2024, "9")
