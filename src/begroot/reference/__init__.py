"""The national Iv3 reference lists for Dutch municipalities, per year.

Iv3 ("Informatie voor derden") is the scheme in which every municipality reports its budget to
CBS. Two code lists matter for a budget website:

* **taakvelden** (policy areas): main groups ``0.`` .. ``8.`` such as ``6.`` "SOCIAAL DOMEIN",
  and below them codes such as ``0.1`` "Bestuur" or ``6.71a`` "Huishoudelijke hulp (WMO)";
* **economische categorieën** (economic categories), separately for *lasten* (expenses) and
  *baten* (income), e.g. ``1.1`` "Salarissen en sociale lasten", grouped in the accounts
  ``LR`` (Lopende Rekening), ``FR`` (Financiële Rekening) and ``IV`` (Interne Verrekeningen).

Each kind of organisation has its own lists (``[organisation] kind`` in ``begroot.toml``): a
province's ``0.1`` is "Uitkering provinciefonds", a municipality's "Bestuur". Every function takes
that kind as ``level`` (:data:`LEVELS`; default ``"gemeente"``); CBS publishes no Iv3 lists for
waterschappen, so a level without lists raises :class:`NoIv3Lists` (see :func:`has_lists`).

The lists change now and then (2023 split several social-domain taakvelden, 2025 renumbered
them), so every function takes the budget year. The data ships with the package
(``begroot/reference/data/*.json``) and is generated from the CBS definition files by
``tools/make_reference.py``; that script's docstring lists the few normalisations made.
Years outside the shipped range use the nearest shipped year, see :func:`reference_year`.
Which taakvelden of one year compare with which of another year: :mod:`begroot.reference.crosswalk`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

#: A taakveld code at the start of a cell: "6.71a", or "0.10 Mutaties reserves".
TAAKVELD_RE = r"^\s*(\d{1,2}\.\d{1,3}[a-z]?)(?:\s|$|[-–:])"
#: An economische categorie code at the start of a cell: "3.4.1", "1.1 Salarissen".
CATEGORIE_RE = r"^\s*(\d(?:\.\d{1,2}){0,3}[a-z]?)(?:\s|$|[-–:])"

__all__ = [
    "KINDS",
    "LEVELS",
    "Code",
    "NoIv3Lists",
    "categorieen",
    "has_lists",
    "main_group_name",
    "reference_year",
    "shipped_years",
    "sort_key",
    "taakvelden",
]

#: The kinds of economic categories: expenses and income.
KINDS = ("lasten", "baten")
#: The kinds of organisation (``[organisation] kind``) whose Iv3 lists ship.
LEVELS = ("gemeente", "provincie", "gemeenschappelijke regeling")
#: ``[organisation] kind`` -> CBS's name of the government layer (``overheidslaag`` of a delivery).
CBS_LAYER = {"gemeente": "Gemeente", "provincie": "Provincie", "gemeenschappelijke regeling": "GR",
             "waterschap": "Waterschap"}
_LEVEL = "gemeente"


class NoIv3Lists(ValueError):
    """Asked for the Iv3 lists of a kind of organisation that has none (a waterschap)."""

    def __init__(self, level: str) -> None:
        super().__init__(f"begroot has no Iv3 lists for kind {level!r}; CBS publishes them for "
                         f"{', '.join(LEVELS)}")
        self.level = level


#: How CBS writes an organisation's code, per ``[organisation] kind``: (prefix, digits, example).
CBS_CODES = {"gemeente": ("GM", 4, "GM0014"), "provincie": ("PV", 2, "PV21"),
             "waterschap": ("WS", 4, "WS0155"), "gemeenschappelijke regeling": ("GR", 4, "GR0001")}


def cbs_code_problem(code: str, kind: str) -> str | None:
    """None when ``code`` is written as CBS writes the code of a ``kind`` (``GM0014``, ``PV21``),
    else a sentence that says what is expected."""
    prefix, digits, example = CBS_CODES[kind]
    if re.fullmatch(rf"{prefix}\d{{{digits}}}", code):
        return None
    other = next((k for k, (p, n, _) in CBS_CODES.items() if re.fullmatch(rf"{p}\d{{{n}}}", code)), None)
    also = f"; {code} is how CBS writes the code of a {other}: check kind" if other else ""
    return (f"cbs_code {code!r} is not a CBS code of a {kind}: CBS writes it as '{prefix}' and {digits} digits, "
            f"e.g. '{example}'{also}")


def with_cbs_code_checked(organisation: Any) -> Any:
    """``organisation`` (``[organisation]`` of begroot.toml) when its ``cbs_code`` is unset or fits
    its ``kind``; else ValueError with :func:`cbs_code_problem`'s sentence."""
    code = organisation.cbs_code
    if code is not None and (problem := cbs_code_problem(code, organisation.kind)):
        raise ValueError(problem)
    return organisation


def has_lists(level: str) -> bool:
    """Whether Iv3 lists ship for the kind of organisation ``level``."""
    return level in LEVELS


@dataclass(frozen=True)
class Code:
    """One entry of an Iv3 code list.

    ``code`` is the CBS code (``"0."``, ``"0.1"``, ``"6.71a"``, ``"4.3.1"``, ``"LR"``) and ``name``
    its CBS description. ``parent`` is the code of the enclosing group (``None`` for top groups),
    ``leaf`` tells whether amounts are booked on this code itself (groups are not leaves).
    ``main`` is the top group: for taakvelden the main group number (``"6"`` for ``"6.71a"``),
    for categorieën the leading number of the code (``"4"`` for ``"4.3.1"``, the main economic
    category) or, for the account groups, the account code itself (``"LR"``).
    """

    code: str
    name: str
    parent: str | None
    leaf: bool
    main: str


@cache
def _file(name: str) -> dict[str, Any]:
    """One data file, parsed once."""
    return json.loads((files(__name__) / "data" / name).read_text(encoding="utf-8"))


def _data(name: str, level: str = _LEVEL) -> dict[str, Any]:
    """The section of ``level`` of one data file; :class:`NoIv3Lists` for a level without lists."""
    if level not in LEVELS:
        raise NoIv3Lists(level)
    return _file(name)[level]


def _codes(rows: list[dict[str, Any]]) -> tuple[Code, ...]:
    return tuple(
        Code(code=r["code"], name=r["name"], parent=r["parent"], leaf=r["leaf"], main=r["main"])
        for r in rows
    )


@cache
def _taakvelden(year: int, level: str) -> tuple[Code, ...]:
    return _codes(_data("taakvelden.json", level)[str(year)])


@cache
def _categorieen(year: int, kind: str, level: str) -> tuple[Code, ...]:
    return _codes(_data("categorieen.json", level)[str(year)][kind])


@cache
def shipped_years(level: str = _LEVEL) -> tuple[int, ...]:
    """The budget years for which ``level``'s reference lists ship, ascending (gemeente 2017 ..
    2026, provincie and gemeenschappelijke regeling 2018 .. 2026)."""
    return tuple(sorted(int(year) for year in _data("taakvelden.json", level)))


def reference_year(year: int, level: str = _LEVEL) -> int:
    """The year whose lists are used for budget year ``year``.

    That is ``year`` itself if it ships, else the nearest shipped year: years before the first
    shipped year use the first, years after the last use the last (on a tie, the earlier year).
    """
    years = shipped_years(level)
    if year in years:
        return year
    return min(years, key=lambda shipped: (abs(shipped - year), shipped))


def taakvelden(year: int, level: str = _LEVEL) -> dict[str, Code]:
    """All taakvelden (main groups, intermediate groups and leaves) valid in budget ``year`` for
    the kind of organisation ``level``.

    Keyed by code, in the order CBS lists them (each group before its members). Uses the list of
    :func:`reference_year`. The returned dict is a fresh copy that the caller may change.
    """
    return {c.code: c for c in _taakvelden(reference_year(year, level), level)}


def categorieen(year: int, kind: str, level: str = _LEVEL) -> dict[str, Code]:
    """The economic categories of budget ``year`` for ``kind`` ``"lasten"`` or ``"baten"``.

    Keyed by code, in CBS order, account groups (``LR``, ``FR``, ``IV``) included. Uses the list
    of :func:`reference_year`. Raises :class:`ValueError` for any other ``kind``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'lasten' or 'baten', not {kind!r}")
    return {c.code: c for c in _categorieen(reference_year(year, level), kind, level)}


_TOKEN = re.compile(r"(\d+)|([^\d]+)")


def _segment_key(segment: str, first: bool) -> tuple[tuple[int, ...], str]:
    """Sort key of one dot-separated segment: (numbers, letter suffix)."""
    digits = ""
    rest = ""
    for number, other in _TOKEN.findall(segment):
        if number and not rest:
            digits += number
        else:
            rest += number or other
    if not digits:
        return (), rest.lower()
    if first or (len(digits) == 2 and digits[0] == "1"):
        return (int(digits),), rest.lower()
    return tuple(int(d) for d in digits), rest.lower()


def sort_key(code: str) -> tuple:
    """Key that sorts taakveld and categorie codes the way CBS lists them.

    The code is split at the dots, and each segment into its digits and a letter suffix. The
    first segment is a plain number. In later segments the first digit is the number and
    further digits subdivide it (``0.61`` is part 1 of 6, so it sorts between ``0.5`` and
    ``0.7``; ``6.711`` comes after ``6.71`` and ``6.71d`` and before ``6.72``), except that a
    two-digit segment starting with 1 is a number of its own (``0.10``, ``0.11`` follow ``0.9``;
    x.1 is never subdivided). A letter suffix sorts after the bare code and alphabetically
    (``6.71`` < ``6.71a`` < ``6.71b`` < ``6.711``). A group such as ``0.`` sorts before its members.
    Codes that do not start with a digit (``LR``, ``FR``, ``IV``) sort after all numeric codes,
    alphabetically. Examples, ascending::

        0.  0.1  0.2  0.5  0.61  0.64  0.7  0.9  0.10  0.11  1.  1.1
        6.6  6.60  6.71  6.71a  6.71d  6.711  6.714  6.72  6.81  6.9  6.91
        3.1  3.4.1  3.8  4.3.9  4.5.1
    """
    text = code.strip()
    if not text[:1].isdigit():
        return (1, text.lower())
    segments = text.split(".")
    return (0, *(_segment_key(seg, i == 0) for i, seg in enumerate(segments)))


def _sentence_case(text: str) -> str:
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


def main_group_name(year: int, main: str, *, sentence_case: bool = False, level: str = _LEVEL) -> str:
    """Name of taakveld main group ``main`` (``"6"``; ``"6."`` and ``6`` work too) in ``year``.

    By default the CBS text, which is in capitals (``"SOCIAAL DOMEIN"``). With
    ``sentence_case=True`` it is written the Dutch way, only the first letter capitalised
    (``"Sociaal domein"``, ``"Volkshuisvesting, leefomgeving en stedelijke vernieuwing"``).
    Raises :class:`KeyError` for an unknown main group.
    """
    number = str(main).strip().rstrip(".")
    entry = taakvelden(year, level).get(f"{number}.")
    if entry is None or entry.parent is not None:
        raise KeyError(f"no taakveld main group {main!r} in {reference_year(year, level)} ({level})")
    return _sentence_case(entry.name) if sentence_case else entry.name
