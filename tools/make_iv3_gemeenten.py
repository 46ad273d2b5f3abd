"""Write begroot's compact Iv3 figures of every municipality from CBS's national Iv3 files.

``begroot init DIR --gemeente NAME`` makes a project from these figures. Two files are written
into ``src/begroot/reference/data/gemeenten/``:

- ``gemeenten.csv``: per municipality and dataset its CBS code, name (as CBS writes it),
  inhabitants and size class;
- ``iv3.csv.gz``: per municipality and taakveld the lasten and baten of each dataset in € 1.000,
  as CBS wrote them (an empty cell is nothing; rows without any amount are left out). CBS's
  truncated taakveld names ("Resultaat van de rekening van bat..") become codes ("0.11"); the
  names come from begroot's Iv3 lists.

The CBS codes (``GM0193``) are not in CBS's Iv3 files: ``tools/gemeentecodes.tsv`` lists them
(CBS's municipality codes as of 1 January 2024, public), matched on the name, with or without
CBS's province mark ("Beek (L.)" is "Beek" in the Iv3 files).

    python tools/make_iv3_gemeenten.py [--source DIR] [--out DIR] [--check]

``--check`` writes nothing and exits 1 when the shipped files are not what the CBS files give.
Same input, same bytes (the gzip header has no time and no file name).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import sys
from pathlib import Path

from begroot.errors import Problems
from begroot.read.gemeenten import SHIPPED, Catalogue, compact_files, read_national

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "iv3-gemeenten"
DEFAULT_OUT = ROOT / "src" / "begroot" / "reference" / "data" / "gemeenten"
CODES = ROOT / "tools" / "gemeentecodes.tsv"


def codes_by_name(names) -> dict[str, str]:
    """The CBS code of each name in ``names``; exits when one has none."""
    def plain(name: str) -> str:
        return re.sub(r"\s*\([^)]*\)\s*$", "", name)

    with CODES.open(encoding="utf-8", newline="") as fh:
        listed = {rec["naam"]: rec["code"] for rec in csv.DictReader(fh, delimiter="\t")}
    by_plain: dict[str, list[str]] = {}
    for name, code in listed.items():
        by_plain.setdefault(plain(name), []).append(code)
    out, missing = {}, []
    for name in names:
        code = listed.get(name) or (by_plain[name][0] if len(by_plain.get(name, [])) == 1 else None)
        if code is None:
            missing.append(name)
        else:
            out[name] = code
    if missing:
        raise SystemExit(f"no CBS code in {CODES.name} for: {', '.join(missing)}")
    if len(set(out.values())) != len(out):
        raise SystemExit("two municipalities have the same CBS code")
    return out


def catalogue(source: Path) -> Catalogue:
    """The municipalities of the shipped datasets, read from CBS's national files in ``source``."""
    datasets = {}
    for kind, year in SHIPPED:
        path = source / f"{year}_{kind}.csv"
        problems = Problems()
        rows = read_national(path, problems, path.name)
        if rows is None:
            for p in problems:
                print(p.format(), file=sys.stderr)
            raise SystemExit(1)
        datasets[(kind, year)] = rows
    codes = codes_by_name(sorted({name for rows in datasets.values() for name in rows}))
    out = Catalogue()
    for (kind, year), rows in datasets.items():
        out.add(kind, year, f"CBS Iv3 {kind} {year}", rows, codes)
    return out


def files(source: Path) -> dict[str, bytes]:
    """The shipped files' names and bytes."""
    head, body = compact_files(catalogue(source))
    return {"gemeenten.csv": head.encode("utf-8"),
            "iv3.csv.gz": gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    made = files(args.source)
    if args.check:
        stale = [name for name, data in made.items() if not (args.out / name).is_file()
                 or _content(args.out / name) != _content_of(name, data)]
        if stale:
            print("not up to date: " + ", ".join(stale), file=sys.stderr)
            raise SystemExit(1)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in made.items():
        (args.out / name).write_bytes(data)
        print(f"{(args.out / name)}: {len(data):,} bytes")


def _content(path: Path) -> bytes:
    return _content_of(path.name, path.read_bytes())


def _content_of(name: str, data: bytes) -> bytes:
    """What a file holds (a .gz file unpacked: another zlib may pack the same text differently)."""
    return gzip.decompress(data) if name.endswith(".gz") else data


if __name__ == "__main__":
    main()
