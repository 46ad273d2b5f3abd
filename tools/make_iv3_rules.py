"""Build begroot's Iv3 delivery rules from CBS's definition files and its list of messages.

Reads ``iv3_definities_<Gemeente|Provincie|GR>_<YEAR>.json`` and ``fouten.json`` (CBS, public repository
statistiekcbs/iv3_definities) and writes ``src/begroot/reference/data/iv3_rules.json`` in
begroot's own compact format, trimmed to what begroot checks in lasten and baten::

    {"format": 1, "source": "...",
     "messages": {"DF002": {"omschrijving": "...", "melding": "..."}, ...},
     "gemeente": {
       "grijze_cellen": {"2023": {"lasten": {"0.1": "3.1 3.4.1 ..."}, "baten": {...}},
                         "2024": "2023", ...},
       "controles": {"2020": {"PF005": {"periode": [1, 2, 3, 4, 5], "uitgesloten_taakvelden": ["0.5"]},
                              "PF006": {"periode": [0, 5]}, ...}, "2021": "2020", ...}},
     "provincie": {...}, "gemeenschappelijke regeling": {...}}

One section per kind of organisation, as in ``tools/make_reference.py``.

A year whose value is a year (a string) has the same rules as that earlier year (CBS repeats
its lists unchanged: 2017-2019, 2023-2024, 2025-2026), so each distinct set ships once.

Kept: the forbidden taakveld × categorie cells (``grijze_cellen``) of lasten and baten (not those
of the balance); the checks (``controles``) that need only lasten and baten — PF005 (categorie
6.1 outside the financial balance), PF006 (total lasten = total baten), PF009 (categorieën 4.3.9
and 4.4.9 in realisations) — with their periods and excluded taakvelden; the messages of those
checks and of DF001/DF002 (a taakveld or categorie code not allowed). Checks of the balance
(PF001-PF004, PF007, PF008) are left out: begroot has no balance.

Usage::

    python tools/make_iv3_rules.py [--source DIR] [--out DIR] [--check]

``--check`` writes nothing and exits 1 when the data file is not up to date. Deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
import runpy
import sys
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = PROJECT.parent / "shared" / "data" / "cbs-iv3-definities"
DEFAULT_OUT = PROJECT / "src" / "begroot" / "reference" / "data"
FORMAT = 1
KINDS = ("lasten", "baten")
#: The checks of the definition files that need only lasten and baten.
CONTROLES = ("PF005", "PF006", "PF009")
#: The codes whose CBS message begroot shows.
MESSAGES = ("DF001", "DF002", *CONTROLES)
#: The keys of a check's calculation that concern lasten and baten.
CALCULATION_KEYS = ("periode", "uitgesloten_taakvelden")

_reference = runpy.run_path(str(Path(__file__).with_name("make_reference.py")))


def grey_cells(definitions: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per kind, per taakveld, the categorieën of its forbidden cells (sorted, separated by spaces:
    one line per taakveld in the file)."""
    out: dict[str, dict[str, str]] = {}
    for kind in KINDS:
        cells: dict[str, set[str]] = {}
        for cell in definitions.get("grijze_cellen", {}).get(kind, []):
            cells.setdefault(str(cell["taakveld"]).strip(), set()).add(str(cell["categorie"]).strip())
        out[kind] = {tv: " ".join(sorted(cats)) for tv, cats in sorted(cells.items())}
    return out


def controles(definitions: dict[str, Any]) -> dict[str, dict[str, list]]:
    """The checks of :data:`CONTROLES` with the parts of their calculation that concern lasten and baten."""
    out: dict[str, dict[str, list]] = {}
    for check in definitions.get("controles", []):
        code = check.get("foutcode")
        if code not in CONTROLES:
            continue
        merged: dict[str, set] = {}
        for calculation in check.get("calculaties", []):
            for key in CALCULATION_KEYS:
                if key in calculation:
                    merged.setdefault(key, set()).update(calculation[key])
        out[code] = {key: sorted(values) for key, values in sorted(merged.items())}
    return out


def _shared(per_year: dict[str, Any]) -> dict[str, Any]:
    """A year equal to an earlier year becomes that year's number (see the module docstring)."""
    out: dict[str, Any] = {}
    for year, value in per_year.items():
        same = next((earlier for earlier, other in out.items() if other == value), None)
        out[year] = same if same is not None else value
    return out


def build(source: Path) -> dict[str, str]:
    sections: dict[str, Any] = {}
    for level in _reference["LEVELS"].values():
        files = _reference["definition_files"](source, level)
        if not files:
            raise SystemExit(f"no Iv3 definition files for {level} in {source}")
        cells: dict[str, Any] = {}
        checks: dict[str, Any] = {}
        for year, path in files:
            definitions = json.loads(path.read_text(encoding="utf-8"))
            cells[str(year)] = grey_cells(definitions)
            checks[str(year)] = controles(definitions)
        sections[level] = {"grijze_cellen": _shared(cells), "controles": _shared(checks)}
    faults = json.loads((source / "fouten.json").read_text(encoding="utf-8"))["fouten_overzicht"]
    messages = {f["foutcode"]: {"melding": " ".join(f["melding"].split()), "omschrijving": f["omschrijving"].strip()}
                for f in faults if f["foutcode"] in MESSAGES}
    note = ("CBS Iv3 definitiebestanden iv3_definities_<Gemeente|Provincie|GR>_<jaar>.json and fouten.json; "
            "built by tools/make_iv3_rules.py")
    data = {"format": FORMAT, "source": note, "messages": messages, **sections}
    return {"iv3_rules.json": _reference["_render"](data)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder with the CBS files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the data file")
    parser.add_argument("--check", action="store_true", help="only check the data file is up to date")
    args = parser.parse_args(argv)
    return _reference["write_or_check"](build(args.source), args.out, args.check)


if __name__ == "__main__":
    sys.exit(main())
