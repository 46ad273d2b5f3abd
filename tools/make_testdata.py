"""Write the small extracts of public data that the tests read into ``tests/data/``.

Several tests check begroot against real, public budget data: the Iv3 figures CBS publishes for
every municipality, and a Fiscal Data Package of another government. The full files live next
to the repository in ``../shared/data`` (17 MB) and are not shipped. This tool writes the few
rows the tests use, in files of the same shape (so the tests still read them the way a user's
file is read), into ``tests/data/``; those files are committed, so a fresh clone runs every test.

What is kept, and why:

* ``iv3-gemeenten/<year>_<dataset>.csv`` from the national CBS files
  ``2023_begroting.csv``, ``2023_jaarrekening.csv`` and ``2024_begroting.csv``:

  - every row of **Groningen** (:data:`MUNICIPALITY`, the demo's municipality, 71 taakvelden):
    the demo, comparison and column-mapping tests add them up;
  - in ``2024_begroting.csv`` also the rows of taakvelden **5.4 and 6.3**
    (:data:`PEER_TAAKVELDEN`) of every municipality and of the "Nederland" sum row: the peer
    tests compute the national and size-class sums of those two by hand;
  - only the columns the tests read (:data:`IV3_COLUMNS`: ``Gemeenten``, ``Taakveld``,
    ``Baten``, ``Lasten``, ``Gemeentegrootte``, ``Inwonertal``), in CBS's column order.

  Rows stay in the order of the CBS file, values are written as CBS gives them (``"4361.0"``,
  empty cells, names CBS truncated with ``..``); ``;``-separated, UTF-8, ``\\n`` line ends.
* ``fdp/au-budget/``: the Australian federal budget 2015-16 as a Fiscal Data Package (one
  measure per year). Kept are the rows that make the package hard to read — an amount that is
  ``nfp`` ("not for publication"), empty, negative or has decimals (some are fractions of a
  cent once multiplied by 1000) — and the first row of every portfolio; the columns the
  package's ``mapping`` uses (the source-document columns are dropped, from the CSV and from
  the schema). ``datapackage.json`` is the original with its resource's ``bytes`` set to the
  extract's size and those fields removed.
* ``README.md``: what the files are, where they come from, their licence.

Usage::

    python tools/make_testdata.py [--source DIR] [--out DIR] [--check]

``--source`` is the shared data folder (default ``../shared/data``), ``--out`` the folder
written (default ``tests/data``). ``--check`` writes nothing and exits 1 when a file is not
up to date. The output is deterministic: same input, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from decimal import Decimal
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = PROJECT.parent / "shared" / "data"
DEFAULT_OUT = PROJECT / "tests" / "data"

#: The municipality whose rows are kept in full: the demo's.
MUNICIPALITY = "Groningen"
#: The CBS files read, and per file the taakvelden kept for every municipality (and Nederland).
IV3_FILES = {
    "2023_begroting.csv": (),
    "2023_jaarrekening.csv": (),
    "2024_begroting.csv": ("5.4", "6.3"),
}
PEER_TAAKVELDEN = IV3_FILES["2024_begroting.csv"]
#: The columns kept, in the order the CBS file has them.
IV3_COLUMNS = ("Gemeenten", "Taakveld", "Baten", "Lasten", "Gemeentegrootte", "Inwonertal")

FDP_PACKAGE = "au-budget"
#: The measures (one per budget year) of the Australian package.
FDP_MEASURES = ("2014-15", "2015-16", "2016-17", "2017-18", "2018-19")
#: Columns of the Australian package that its mapping does not use; dropped.
FDP_DROPPED = ("Source document", "Source table", "URL")

README = """\
# Test data: small extracts of public data

Written by `tools/make_testdata.py` from `../shared/data` (not part of this repository); do not
edit by hand: change the tool and run it again (`python tools/make_testdata.py`). Its docstring
says which rows and columns are kept and why. `tests/test_testdata.py` checks that these files
are what the tool makes (when `../shared/data` is present).

| file | what | rows | origin | licence |
| --- | --- | ---: | --- | --- |
{rows}

The Iv3 files are CBS's files "Gemeenten <jaar> onbewerkte Iv3-data" as aggregated in the public
repository michielsd/begrotingsanalysetool (commit 67cc06d8): amounts × € 1.000, `.` decimal
point, names truncated by CBS with `..`. The Fiscal Data Package is from the public repository
openspending/fiscal-data-package-demos (commit e9e0bb54).
"""


def _csv(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def _read_csv(path: Path, delimiter: str) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delimiter)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def iv3_extract(path: Path, taakvelden: tuple[str, ...]) -> tuple[str, int]:
    """The kept rows and columns of one national CBS Iv3 file, as text, and the number of rows."""
    header, rows = _read_csv(path, ";")
    missing = [c for c in IV3_COLUMNS if c not in header]
    if missing:
        raise SystemExit(f"{path}: columns {missing} not found; is this a national Iv3 file of CBS?")
    columns = [c for c in header if c in IV3_COLUMNS]
    kept = [r for r in rows
            if r["Gemeenten"] == MUNICIPALITY or r["Taakveld"].split(" ", 1)[0] in taakvelden]
    if not any(r["Gemeenten"] == MUNICIPALITY for r in kept):
        raise SystemExit(f"{path}: no rows of {MUNICIPALITY}")
    return _csv([columns] + [[r[c] for c in columns] for r in kept], ";"), len(kept)


def _hard_to_read(value: str) -> bool:
    return value in ("", "nfp") or "." in value or value.startswith("-")


def fdp_extract(folder: Path) -> tuple[dict[str, str], int]:
    """The Australian package trimmed: {relative path: text}, and the number of data rows."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = package["resources"]
    header, rows = _read_csv(folder / resource["path"], ",")
    columns = [c for c in header if c not in FDP_DROPPED]
    portfolios: set[str] = set()
    kept = []
    for row in rows:
        first = row["Portfolio"] not in portfolios
        portfolios.add(row["Portfolio"])
        if first or any(_hard_to_read(row[m]) for m in FDP_MEASURES):
            kept.append(row)
    data = _csv([columns] + [[r[c] for c in columns] for r in kept], ",")
    resource["bytes"] = len(data.encode("utf-8"))
    resource["schema"]["fields"] = [f for f in resource["schema"]["fields"] if f["name"] not in FDP_DROPPED]
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    return {"datapackage.json": text, resource["path"]: data}, len(kept)


def municipality_totals(source: Path) -> tuple[str, int]:
    """Per municipality (Nederland left out) and CBS file: the sum of its lasten and baten over every
    row, exact, in CBS's unit (€ 1.000): what a site made from CBS's figures must show (the tests of
    ``begroot init --gemeente`` compare with it). begroot's own format: ``gemeente;bestand;lasten;baten``."""
    rows = []
    for name in IV3_FILES:
        _, records = _read_csv(source / "iv3-gemeenten" / name, ";")
        sums: dict[str, list[Decimal]] = {}
        for r in records:
            if r["Gemeenten"] == "Nederland":
                continue
            total = sums.setdefault(r["Gemeenten"], [Decimal(0), Decimal(0)])
            total[0] += Decimal(r["Lasten"] or "0")
            total[1] += Decimal(r["Baten"] or "0")
        rows += [[town, name[:-4], _plain(lasten), _plain(baten)] for town, (lasten, baten) in sorted(sums.items())]
    return _csv([["gemeente", "bestand", "lasten", "baten"]] + rows, ";"), len(rows)


def _plain(value: Decimal) -> str:
    """An exact decimal as plain text, without an exponent or trailing zeros ("1234.5", "0")."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def build(source: Path) -> dict[str, str]:
    """Every file of the test data folder: {path relative to it: text}."""
    if not source.is_dir():
        raise SystemExit(f"{source} not found: the tool reads the shared data folder (see --source)")
    outputs: dict[str, str] = {}
    table = []
    for name, taakvelden in IV3_FILES.items():
        text, n = iv3_extract(source / "iv3-gemeenten" / name, taakvelden)
        outputs[f"iv3-gemeenten/{name}"] = text
        what = f"CBS Iv3 {name[5:-4]} {name[:4]}: {MUNICIPALITY}"
        if taakvelden:
            what += f"; taakvelden {', '.join(taakvelden)} of every municipality and of Nederland"
        table.append(f"| `iv3-gemeenten/{name}` | {what} | {n} | CBS | Apache-2.0 |")
    text, n = municipality_totals(source)
    outputs["iv3-gemeenten/totalen.csv"] = text
    table.append(f"| `iv3-gemeenten/totalen.csv` | per municipality and CBS file above: its lasten and baten summed "
                 f"over every row (× € 1.000) | {n} | CBS | Apache-2.0 |")
    files, n = fdp_extract(source / "fdp" / FDP_PACKAGE)
    for path, text in files.items():
        outputs[f"fdp/{FDP_PACKAGE}/{path}"] = text
    table.append(f"| `fdp/{FDP_PACKAGE}/` | Fiscal Data Package, Australian federal budget 2015-16: rows with "
                 f"`nfp`, empty, negative or fractional amounts and the first of every portfolio | {n} | "
                 "Australian Government (data.gov.au) | none stated |")
    outputs["README.md"] = README.format(rows="\n".join(table))
    return dict(sorted(outputs.items()))


def write_or_check(outputs: dict[str, str], out: Path, check: bool) -> int:
    """Write the files into ``out``; with ``check``, write nothing and return 1 when one of them
    differs from what is there, or ``out`` holds a file the tool does not make."""
    stale = [name for name, text in outputs.items()
             if not (out / name).is_file() or (out / name).read_bytes() != text.encode("utf-8")]
    extra = sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                   if p.is_file() and p.relative_to(out).as_posix() not in outputs) if out.is_dir() else []
    if check:
        for name in stale:
            print(f"out of date: {out / name}", file=sys.stderr)
        for name in extra:
            print(f"not made by this tool: {out / name}", file=sys.stderr)
        return 1 if stale or extra else 0
    for name, text in outputs.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        print(f"{'wrote' if name in stale else 'unchanged'} {target} ({len(text.encode('utf-8')):,} bytes)")
    for name in extra:
        print(f"not made by this tool (left alone): {out / name}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the test data")
    parser.add_argument("--check", action="store_true", help="only check the test data is up to date")
    args = parser.parse_args(argv)
    return write_or_check(build(args.source), args.out, args.check)


if __name__ == "__main__":
    sys.exit(main())
