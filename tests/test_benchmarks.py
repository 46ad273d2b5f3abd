"""The benchmark harness (``python -m benchmarks``, ``make bench``) runs and reports every
measurement the performance issue asks for. Its numbers are reported, never judged here: the
quick city without the peers, one run, only to keep the command working."""

import re
import subprocess
import sys

from .conftest import ROOT


def test_the_benchmark_command_runs_and_writes_its_report(tmp_path):
    report = tmp_path / "performance.md"
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--no-peers", "--runs", "1",
                             "--work", str(tmp_path / "work"), "--output", str(report)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    text = report.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings == ["Machine", "The synthetic city", "Side by side", "begroot", "Bytes per page type",
                        "Where the time of a cold build goes", "Targets of the performance issue", "Reproduce"]
    number = r"[\d,.]+"
    for measured in (rf"full build: `begroot build CITY --out SITE --quiet`, PDFs included \(the default\), wall time[^|]*\| {number} s",
                     rf"full build again, after one text edit, with the build cache[^|]*\| {number} s",
                     rf"ingest from CSV: `load_project`[^|]*\| {number} lines/s",
                     rf"ingest from XLSX[^|]*\| {number} lines/s",
                     rf"an incremental build with `BuildState`[^|]*\| {number} ms",
                     rf"\| search index \(Pagefind, alongside the rest\) \| {number} \| \(alongside\) \|",
                     rf"\*\*Search index\*\* \(`pagefind/`, for {number} pages\): {number} files, {number} [KM]B in all\. "
                     rf"Before the first search a browser fetches {number} KB",
                     rf"full build without PDFs \(`pdf = false`\), wall time \| {number} s",
                     rf"one edition's PDF alone \(begroting-\d+, (typst|weasyprint);[^|]*\| {number} s \({number} s CPU\); "
                     rf"{number} pages; {number} bytes",
                     r"\| one edition's PDF \(\d+ pages\) ≤ 3 s \| (yes|\*\*no\*\*) \|",
                     r"\| cold full build without PDFs ≤ half of MkDocs's time \| – \| MkDocs not run \|",
                     r"\| serve rebuild after one text edit ≤ 200 ms \| (yes|\*\*no\*\*) \|"):
        assert re.search(measured, text), measured
    # the only JavaScript of a programme page: the script that makes its charts' PNG images
    script = (ROOT / "src" / "begroot" / "render" / "static" / "grafiek.js").stat().st_size
    assert re.search(rf"\| programme \| {number} \| {number} \| {number} \| {script:,} \|", text)
    # every phase of the profile was timed (a phase's row is there only when the build called
    # the function the profile times, so a renamed or bypassed one shows)
    section = text.split("## Where the time of a cold build goes")[1].split("\n## ")[0]
    phases = dict(re.findall(r"^\| ([^|]+) \| ([\d.]+) \| (?:\d+%|\(alongside\)) \|$", section, flags=re.M))
    assert {"read and check the exports and texts, compute the figures", "render HTML (Jinja2 templates, Babel formats)",
            "tables as workbooks (xlsxwriter)", "write the build cache (pickle and files)",
            "check each page's accessibility", "the editions' open data (CSV, Parquet, JSON, XLSX, FDP)",
            "search index (Pagefind, alongside the rest)", "the editions' PDFs"} <= set(phases), sorted(phases)
    assert not any("PNG" in phase for phase in phases)  # the browser makes a chart's PNG, not the build
    assert "peers not run" in text  # --no-peers says so instead of leaving the comparison out silently


def test_a_new_report_keeps_the_sections_written_by_hand():
    from benchmarks.__main__ import BY_HAND, kept_by_hand

    old = (f"# Performance\n\n## Measured\n\nfigures\n\n## The PDF\n\n{BY_HAND} (which rewrites the rest)*\n\n"
           "| a | b |\n\n## Later\n\nmore figures\n")
    kept = kept_by_hand(old)
    assert kept.startswith("\n## The PDF\n") and "| a | b |" in kept
    assert "Measured" not in kept and "Later" not in kept
    assert kept_by_hand("# Performance\n\n## Measured\n\nfigures\n") == ""
