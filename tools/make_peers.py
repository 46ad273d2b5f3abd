"""Write begroot's compact peer files from the national Iv3 files of CBS.

A peer file holds, per taakveld, the sums of lasten and baten of all municipalities and of each
CBS size class, with the inhabitants and the number of municipalities behind each sum (public
figures; see :mod:`begroot.peers`). It is a few tens of KB, where the CBS file is 3 MB; the
CBS files themselves are not shipped.

    python tools/make_peers.py [--source DIR] [--out DIR] [--check]
    python tools/make_peers.py FILE.csv --output peers.json     # one file, e.g. for a project

Without FILE, the datasets of the demo (begroting 2023, jaarrekening 2023, begroting 2024) are
written into ``src/begroot/reference/data/peers/`` as ``<dataset>-<year>.json``. ``--check``
writes nothing and exits 1 when those files are not up to date. Same input, same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from begroot.errors import Problems
from begroot.peers import load_peers

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "iv3-gemeenten"
DEFAULT_OUT = ROOT / "src" / "begroot" / "reference" / "data" / "peers"
DATASETS = ["2023_begroting.csv", "2023_jaarrekening.csv", "2024_begroting.csv"]


def compact(source: Path) -> str:
    """The compact peer file of one national CBS file; exits with the problems when it is bad."""
    problems = Problems()
    data = load_peers(source, problems, source.name)
    if data is None:
        for p in problems:
            print(p.format(), file=sys.stderr)
        raise SystemExit(1)
    return data.to_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="one national CBS file (default: the demo's datasets)")
    parser.add_argument("--output", type=Path, help="with FILE: where to write its peer file")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    if args.file is not None:
        text = compact(args.file)
        target = args.output or args.file.with_suffix(".json")
        target.write_text(text, encoding="utf-8")
        print(f"{target}: {len(text.encode('utf-8')):,} bytes")
        return
    stale = []
    for name in DATASETS:
        year, dataset = Path(name).stem.split("_")
        target = args.out / f"{dataset}-{year}.json"
        text = compact(args.source / name)
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"{target.relative_to(ROOT)}: {len(text.encode('utf-8')):,} bytes")
    if stale:
        print("not up to date: " + ", ".join(str(p) for p in stale), file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
