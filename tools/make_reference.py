"""Build begroot's Iv3 reference lists from the CBS definition files.

Reads ``iv3_definities_<LAAG>_<YEAR>.json`` (the yearly Iv3 definition files CBS publishes for
municipalities (``Gemeente``), provinces (``Provincie``) and joint arrangements (``GR``,
gemeenschappelijke regelingen)) and writes two package data files in begroot's own compact format,
one section per kind of organisation (``gemeente``, ``provincie``, ``gemeenschappelijke regeling``:
the values of ``[organisation] kind``; CBS publishes no Iv3 lists for waterschappen):

* ``src/begroot/reference/data/taakvelden.json``::

      {"format": 1, "source": "...", "gemeente": {"2024": [{"code": "0.", "leaf": false,
       "main": "0", "name": "BESTUUR EN ONDERSTEUNING", "parent": null}, ...]},
       "provincie": {"2024": [{"code": "0.", ..., "name": "ALGEMENE DEKKINGSMIDDELEN", ...}, ...]},
       "gemeenschappelijke regeling": {...}}

* ``src/begroot/reference/data/categorieen.json``: the same rows, per year split into
  ``{"lasten": [...], "baten": [...]}``.

Rows are in the order of the CBS tree (depth first, parents before children). Group nodes are kept
(main groups such as ``0.``, intermediate groups such as ``6.71``, the accounts ``LR``/``FR``/``IV``
of the categorieën); the artificial roots (``Tot_TV``, ``Tot_cat_l``, ``Tot_cat_b``) are dropped.

Normalisations, so every year has the same shape:

* names are stripped of surrounding whitespace (CBS has e.g. ``"Jeugdbescherming "``);
* 2017-2019 give the account groups of the categorieën only as a code such as
  ``"Lopende Rekening"`` (no description); they get the codes used from 2020 on (``LR``, ``FR``,
  ``IV``) with that text as their name;
* 2023-2024 list ``6.71`` and ``6.71a``..``6.71d`` as siblings, although ``6.71`` is only a
  subtotal (CBS greys out all its cells). A code ``<stem><letters>`` whose stem is a sibling becomes
  a child of that stem, and the stem is then no leaf.

Usage::

    python tools/make_reference.py [--source DIR] [--out DIR] [--check]

``--check`` writes nothing and exits 1 when the data files are not up to date.
The output is deterministic: same input, same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = PROJECT.parent / "shared" / "data" / "cbs-iv3-definities"
DEFAULT_OUT = PROJECT / "src" / "begroot" / "reference" / "data"
LEVEL = "gemeente"
#: CBS's name of a government layer in its file names -> begroot's ``[organisation] kind``.
LEVELS = {"Gemeente": "gemeente", "Provincie": "provincie", "GR": "gemeenschappelijke regeling"}


def definition_files(source: Path, level: str) -> list[tuple[int, Path]]:
    """(year, path) of the definition files of ``level`` (a begroot kind) in ``source``, by year."""
    cbs = next(name for name, kind in LEVELS.items() if kind == level)
    pattern = re.compile(rf"^iv3_definities_{re.escape(cbs)}_(\d{{4}})\.json$")
    return sorted((int(m.group(1)), path) for path in source.iterdir() if (m := pattern.match(path.name)))
FORMAT = 1

# Account groups of the categorieën that 2017-2019 give only by name (normalised, see _plain).
ACCOUNT_CODES = {
    "lopende rekening": "LR",
    "financiele rekening": "FR",
    "interne verrekeningen": "IV",
}
_ALPHA_SUFFIX = re.compile(r"^(.*\d)([A-Za-z]+)$")

Row = dict[str, Any]


def _plain(text: str) -> str:
    """Lower case without accents or surrounding/double whitespace, for matching names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _is_root(code: str) -> bool:
    """The artificial totals at the top of a CBS tree (``Tot_TV``, ``Tot_cat_l``, ...)."""
    return code.lower().startswith("tot_")


def _account_code(name: str) -> str:
    """Code for an account group given only by name: known codes, else the word initials."""
    known = ACCOUNT_CODES.get(_plain(name))
    if known:
        return known
    return "".join(word[0] for word in name.split()).upper()


def _main(code: str) -> str:
    """Top group of a code: the number before the first dot, or the code itself if not numeric."""
    head = code.split(".", 1)[0]
    return head if head.isdigit() else code


def flatten(nodes: list[dict[str, Any]]) -> list[Row]:
    """Flatten one CBS code tree into rows in tree order (see the module docstring)."""
    rows: list[Row] = []

    def walk(items: list[dict[str, Any]], parent: str | None) -> None:
        for node in items:
            code = str(node["code"]).strip()
            name = str(node.get("omschrijving") or "").strip()
            children = node.get("subcodes") or []
            if _is_root(code):
                walk(children, parent)
                continue
            if not name and not code[:1].isdigit():
                name, code = code, _account_code(code)
            rows.append({"code": code, "name": name, "parent": parent, "main": _main(code)})
            walk(children, code)

    walk(nodes, None)

    seen: set[str] = set()
    for row in rows:
        if row["code"] in seen:
            raise ValueError(f"duplicate code {row['code']!r}")
        seen.add(row["code"])

    # Lettered codes next to their stem (2023-2024: "6.71", "6.71a".."6.71d") belong under it.
    by_code = {row["code"]: row for row in rows}
    for row in rows:
        match = _ALPHA_SUFFIX.match(row["code"])
        if match:
            stem = by_code.get(match.group(1))
            if stem is not None and stem["parent"] == row["parent"]:
                row["parent"] = stem["code"]

    parents = {row["parent"] for row in rows}
    for row in rows:
        row["leaf"] = row["code"] not in parents
    return rows


def read_year(path: Path) -> tuple[list[Row], dict[str, list[Row]]]:
    """Taakvelden and categorieën (lasten, baten) of one definition file."""
    lists = json.loads(path.read_text(encoding="utf-8"))["codelijsten"]

    def tree(name: str) -> list[dict[str, Any]]:
        try:
            return lists[name]["codelijst"]
        except KeyError as exc:
            raise ValueError(f"{path.name}: no codelijsten.{name}.codelijst") from exc

    taakvelden = flatten(tree("taakveld"))
    categorieen = {"lasten": flatten(tree("categorie_lasten")), "baten": flatten(tree("categorie_baten"))}
    return taakvelden, categorieen


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _render(data: dict[str, Any]) -> str:
    """JSON with one row per line: small, yet readable in a diff. Keys are sorted at every level."""

    def render(value: Any, indent: int) -> str:
        pad = " " * indent
        if isinstance(value, dict) and value and any(isinstance(v, (dict, list)) for v in value.values()):
            items = [f'{pad} {_dump(k)}:{render(value[k], indent + 1)}' for k in sorted(value)]
            return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(value, list) and value:
            items = [pad + " " + _dump(item) for item in value]
            return "[\n" + ",\n".join(items) + "\n" + pad + "]"
        return _dump(value)

    text = render(data, 0) + "\n"
    if json.loads(text) != data:  # pragma: no cover - guards the hand-made writer
        raise AssertionError("rendered JSON does not round-trip")
    return text


def build(source: Path) -> dict[str, str]:
    """File name -> file text for all data files, from the definition files in ``source``."""
    note = ("CBS Iv3 definitiebestanden iv3_definities_<Gemeente|Provincie|GR>_<jaar>.json; "
            "built by tools/make_reference.py")
    taakvelden: dict[str, Any] = {}
    categorieen: dict[str, Any] = {}
    for level in LEVELS.values():
        files = definition_files(source, level)
        if not files:
            raise SystemExit(f"no Iv3 definition files for {level} (iv3_definities_<LAAG>_<YEAR>.json) in {source}")
        taakvelden[level], categorieen[level] = {}, {}
        for year, path in files:
            taakvelden[level][str(year)], categorieen[level][str(year)] = read_year(path)
    return {
        "taakvelden.json": _render({"format": FORMAT, "source": note, **taakvelden}),
        "categorieen.json": _render({"format": FORMAT, "source": note, **categorieen}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder with the CBS files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the data files")
    parser.add_argument("--check", action="store_true", help="only check the data files are up to date")
    args = parser.parse_args(argv)

    return write_or_check(build(args.source), args.out, args.check)


def write_or_check(outputs: dict[str, str], out: Path, check: bool) -> int:
    """Write the data files into ``out``; with ``check``, write nothing and return 1 when one of
    them differs from what is there (tools/make_crosswalk.py uses this too)."""
    stale = [name for name, text in outputs.items()
             if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != text]
    if check:
        for name in stale:
            print(f"out of date: {out / name}", file=sys.stderr)
        return 1 if stale else 0
    out.mkdir(parents=True, exist_ok=True)
    for name, text in outputs.items():
        (out / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"{'wrote' if name in stale else 'unchanged'} {out / name} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
