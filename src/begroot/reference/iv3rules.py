"""CBS's rules for an Iv3 delivery of lasten and baten, per year: the forbidden taakveld ×
categorie cells (``grijze_cellen``), the checks that need only lasten and baten (PF005, PF006,
PF009) and CBS's messages for them and for codes that are not allowed (DF001, DF002).

The data ships with the package (``begroot/reference/data/iv3_rules.json``), made by
``tools/make_iv3_rules.py`` from CBS's definition files and ``fouten.json``. A year outside the
shipped range uses the nearest shipped year (:func:`begroot.reference.reference_year`). Each kind of
organisation (``level``, see :data:`begroot.reference.LEVELS`) has its own rules.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from . import _LEVEL, KINDS, LEVELS, NoIv3Lists, reference_year


@cache
def _data() -> dict[str, Any]:
    return json.loads((files(__package__) / "data" / "iv3_rules.json").read_text(encoding="utf-8"))


def _of_year(section: str, year: int, level: str) -> dict[str, Any]:
    if level not in LEVELS:
        raise NoIv3Lists(level)
    per_year = _data()[level][section]
    value = per_year.get(str(reference_year(year, level)), {})
    while isinstance(value, str):  # the same as that earlier year
        value = per_year[value]
    return value


@cache
def grey_cells(year: int, kind: str, level: str = _LEVEL) -> frozenset[tuple[str, str]]:
    """The (taakveld, categorie) cells in which ``kind`` (lasten or baten) may have no amount in
    ``year``, for the kind of organisation ``level``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be 'lasten' or 'baten', not {kind!r}")
    cells = _of_year("grijze_cellen", year, level).get(kind, {})
    return frozenset((tv, cat) for tv, cats in cells.items() for cat in cats.split())


def controles(year: int, level: str = _LEVEL) -> dict[str, dict[str, list]]:
    """The checks of ``year`` that begroot runs, by CBS code, with their periods (``periode``) and
    excluded taakvelden (``uitgesloten_taakvelden``); empty for years without checks (before 2020)."""
    return _of_year("controles", year, level)


def message(code: str, **slots: str) -> str:
    """CBS's message for ``code``, its slots (``<fout>``, ``<goed>``, ``<onderdeel>``, ``<extra>``)
    filled in; a slot not given is left out."""
    text = _data()["messages"][code]["melding"]
    for slot in ("onderdeel", "fout", "goed", "extra", "extra_fout"):
        text = text.replace(f"<{slot}>", slots.get(slot, ""))
    return " ".join(text.split())


def description(code: str) -> str:
    """CBS's short description of ``code`` (``"onjuiste categorie-code gebruikt"``)."""
    return _data()["messages"][code]["omschrijving"]
