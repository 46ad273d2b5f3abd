"""Measure begroot against the limits of the "safe with hostile input" issue: time and peak memory
of ``begroot check`` on inputs of about 10 MB (a CSV export, an XLSX export, a Markdown text), of
``begroot check`` on a 100 MB CSV export, and of ``begroot build`` (PDF included) of an edition with
2,000 programmes. Prints one line per case; numbers are reported, never asserted.

    python -m benchmarks.limits [--out benchmarks/out/limits] [--only csv-10mb,pdf-2000]

Each case runs as a subprocess (``python -m begroot ...``) with an empty build cache; the peak
memory is the kernel's peak RSS of the largest process of the command (``wait4``), the time is
wall time, and the CPU time that of the command and the processes it waited for (on a shared
machine, a steadier measure of the work than wall time). The inputs are written once into ``--out`` (made by :mod:`benchmarks.generate`'s writers)
and reused. ``--runs N`` measures each case N times; the load average before each run is shown.

A build writes into a folder of its own that is removed only when every case is measured (see
:class:`benchmarks.__main__.Outputs`): on an ext4 disk, files made within a minute of removing
many others are several times slower to make (the inode allocator passes over the recently
freed ones), so removing one build's 18,000 files before the next measured that removal, not the
build (17 s of system time instead of 4 s). For the same reason, leave a minute between two
invocations.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import generate as g

MB = 1024 * 1024
#: Targets of the issue: (seconds, MB of peak RSS).
TARGETS = {"10 MB input": (10, 1024), "100 MB CSV": (None, 1536), "2,000 programmes": (30, None)}


def ingest(folder: Path, lines: int, seed: int = 7) -> Path:
    """A one-edition project whose finance CSV has ``lines`` lines (about 49 bytes each)."""
    if (folder / "begroot.toml").exists():
        return folder
    size = g.Size(programmes=25, deel=6, editions=1, lines=lines, words=100, xlsx_lines=0, seed=seed)
    g.write_ingest(folder, size, log=lambda *_: None)
    return folder


def xlsx_project(folder: Path, lines: int) -> Path:
    if (folder / "begroot.toml").exists():
        return folder
    source = ingest(folder.with_name(folder.name + "-csv"), lines)
    csv_file = next(source.glob("begroting-*/financien.csv"))
    g.write_xlsx(csv_file, folder, lines, log=lambda *_: None)
    return folder


def markdown_project(folder: Path, megabytes: int) -> Path:
    """The small ingest project with one Markdown text of ``megabytes`` MB of plain paragraphs."""
    if (folder / ".done").exists():
        return folder
    ingest(folder, 1000)
    rng = random.Random(1)
    text_folder = next(folder.glob("begroting-*")) / "teksten"
    text_folder.mkdir(exist_ok=True)
    with (text_folder / "1-ontwikkelingen.md").open("w", encoding="utf-8") as fh:
        written = 0
        while written < megabytes * MB:
            paragraph = g.paragraph(rng, 120) + "\n\n"
            written += fh.write(paragraph)
    (folder / ".done").write_text("", encoding="utf-8")
    return folder


def programmes_project(folder: Path, programmes: int, deel: int) -> Path:
    """A one-edition city of ``programmes × (1 + deel)`` programmes with short texts, PDF on."""
    if (folder / ".done").exists():
        return folder
    size = g.Size(programmes=programmes, deel=deel, editions=1, lines=100_000, words=80, xlsx_lines=0)
    g.write_city(folder, size, log=lambda *_: None)
    toml = folder / "begroot.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("pdf = false", "pdf = true"), encoding="utf-8")
    (folder / ".done").write_text("", encoding="utf-8")
    return folder


def run(args: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user and system, of the command and the processes it waited
    for: what a loaded machine does not inflate as much as wall time), peak RSS in MB (largest
    process), exit code of ``python -m begroot ARGS``."""
    env = dict(os.environ, BEGROOT_CACHE_DIR=tempfile.mkdtemp(prefix="begroot-limits-cache-"))
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "begroot", *args], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode("utf-8", "replace").strip().splitlines()
    process.stderr.close()
    shutil.rmtree(env["BEGROOT_CACHE_DIR"], ignore_errors=True)
    if process.returncode != 0 and error:
        print("    " + error[-1][:200])
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode


def size_of(project: Path) -> str:
    biggest = max((p for p in project.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    return f"{biggest.relative_to(project)} {biggest.stat().st_size / MB:.1f} MB"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.limits", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/limits"))
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--runs", type=int, default=1, help="measure each case this many times")
    args = parser.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    site = Path(tempfile.mkdtemp(prefix="begroot-limits-site-"))
    cases = {
        # (target, project maker, command)
        "csv-10mb": ("10 MB input", lambda: ingest(out / "csv-10mb", 205_000), ["check", "--quiet"]),
        "xlsx-10mb": ("10 MB input", lambda: xlsx_project(out / "xlsx-10mb", 310_000), ["check", "--quiet"]),
        "markdown-10mb": ("10 MB input", lambda: markdown_project(out / "markdown-10mb", 10), ["check", "--quiet"]),
        "csv-100mb": ("100 MB CSV", lambda: ingest(out / "csv-100mb", 2_050_000), ["check", "--quiet"]),
        "build-2000": ("2,000 programmes", lambda: programmes_project(out / "programmes-2000", 400, 4),
                       ["build", "--quiet", "--no-cache", "--out", "{site}"]),
    }
    only = {c for c in args.only.split(",") if c}
    print(f"{'case':<15} {'input':<42} {'seconds':>8} {'CPU s':>8} {'peak MB':>8} {'load':>5}  target")
    try:
        for name, (target, make, command) in cases.items():
            if only and name not in only:
                continue
            project = make()
            for i in range(args.runs):
                argv_ = [command[0], str(project), *(str(site / f"{name}-{i}") if a == "{site}" else a
                                                     for a in command[1:])]
                load = os.getloadavg()[0]
                seconds, cpu, peak, code = run(argv_)
                limit_s, limit_mb = TARGETS[target]
                met = (limit_s is None or seconds <= limit_s) and (limit_mb is None or peak <= limit_mb)
                goal = " and ".join(x for x in (f"≤ {limit_s} s" if limit_s else "",
                                                f"≤ {limit_mb} MB" if limit_mb else "") if x)
                print(f"{name:<15} {size_of(project):<42} {seconds:8.1f} {cpu:8.1f} {peak:8.0f} {load:5.1f}  "
                      f"{target}: {goal} {'met' if met else 'NOT met'}{'' if code == 0 else f' (exit {code})'}",
                      flush=True)
    finally:
        shutil.rmtree(site, ignore_errors=True)  # every run's site, once all are measured


if __name__ == "__main__":
    main()
