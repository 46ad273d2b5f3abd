"""The report of the benchmarks: docs/performance.md as Markdown, and the table printed at the end.

Every figure comes from the measurements ``benchmarks.__main__`` collects in one dict; the targets
of the performance issues are shown as met or not, never asserted.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shlex
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .generate import Size

#: The first line of a section of the report written by hand, which a new report keeps.
BY_HAND = "*Written by hand, not by `make bench`"


def kept_by_hand(old_report: str) -> str:
    """The sections of an earlier report written by hand (their first line after the heading is
    :data:`BY_HAND`), to be appended to the new report, which would otherwise drop them."""
    sections = old_report.split("\n## ")[1:]
    return "".join("\n## " + section.rstrip("\n") + "\n" for section in sections
                   if section.split("\n\n", 1)[-1].startswith(BY_HAND))


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


# --- the report -----------------------------------------------------------------------------------

def dur(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def kb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"


def targets(r: dict) -> list[tuple[str, bool | None, str]]:
    """The targets of the performance issues: (target, met (None: not measured), measured).

    The build is the site as shipped (PDFs on, the default); the earlier targets against Hugo and
    MkDocs were set for the site without PDFs, and are judged on that build."""
    b, mk, hu, csv = r["build"], r.get("mkdocs"), r.get("hugo"), r["ingest_csv"]
    nopdf, warm, pdf = r.get("build_nopdf"), r.get("build_warm"), r.get("pdf")
    serve = r.get("rebuild_state" if r["serve_state"] else "rebuild_plain")
    prog = r["bytes"].get("programme", {}).get("max")
    big = csv["lines"] >= 1_000_000

    def against(mine, peer, name: str, factor: float = 1.0) -> tuple[bool | None, str]:
        if mine is None or peer is None:
            return None, f"{name} not run" if peer is None else "not measured"
        return mine.wall <= factor * peer.wall, f"begroot {mine.wall:.2f} s, {name} {peer.wall:.2f} s: {mine.wall / peer.wall:.2f} ×"

    return [
        (f"one edition's PDF ({pdf['pages'] if pdf else '?'} pages) ≤ 3 s", pdf and pdf["wall"] <= 3,
         f"{pdf['wall']:.2f} s ({pdf['cpu']:.2f} s CPU), {pdf['engine']}" if pdf else "not measured"),
        ("full build with the build cache after one text edit, PDFs included, ≤ 2 s", warm and warm.wall <= 2,
         f"{warm.wall:.2f} s" if warm else "not measured"),
        ("cold full build with PDFs ≤ MkDocs's time", *against(b, mk, "MkDocs")),
        ("cold full build without PDFs ≤ half of MkDocs's time", *against(nopdf, mk, "MkDocs", 0.5)),
        ("serve rebuild after one text edit ≤ 200 ms", serve and serve["wall"] <= 0.2,
         (f"{dur(serve['wall'])} ({'incremental, with BuildState' if r['serve_state'] else 'full rebuild: serve keeps no BuildState'})"
          if serve else "not measured")),
        ("1,000,000 finance lines read and checked from CSV ≤ 2 s", csv["wall"] <= 2 if big else None,
         f"{csv['lines']:,} lines in {csv['wall']:.2f} s"),
        ("… with peak memory ≤ 1 GB", csv["rss_mb"] <= 1024 if big else None, f"{csv['rss_mb']:.0f} MB"),
        ("earlier: full build without PDFs ≤ 2 × Hugo's wall time", *against(nopdf, hu, "Hugo", 2.0)),
        ("earlier: full build without PDFs ≥ 10 × faster than MkDocs", *against(nopdf, mk, "MkDocs", 0.1)),
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
          f"Hugo {r.get('hugo_version', 'not installed')}, pandas {version('pandas')}, "
          f"Typst {version('typst')}, WeasyPrint {version('weasyprint')} |", ""]
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
    nopdf = r.get("build_nopdf")
    peers = ((mk, "MkDocs", f"MkDocs {version('mkdocs')} (`mkdocs build -q`)"),
             (hu, "Hugo", f"Hugo {r.get('hugo_version', '')} (`hugo --quiet`)"))
    for mine, what, with_command in ((b, "full build, PDFs included", True), (nopdf, "full build without PDFs", True),
                                     (r.get("build_warm"), "full build with the build cache, after one text edit", False)):
        for peer, name, command in peers:
            if mine is not None and peer:
                L.append(f"| {what}, vs {command if with_command else name} | {mine.wall:.2f} s | {peer.wall:.2f} s "
                         f"| {mine.wall / peer.wall:.2f} |")
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
          f"| full build: `begroot build CITY --out SITE --quiet`, PDFs included (the default), wall time (spread over the runs) | "
          f"{b.wall:.2f} s" + (f" ({b.spread})" if b.spread else "") + " |",
          f"| full build: peak memory, largest process / sum over the process tree | {b.max_rss:.0f} MB / "
          f"{b.tree_rss:.0f} MB |"]
    if nopdf:
        L.append(f"| full build without PDFs (`pdf = false`), wall time | {nopdf.wall:.2f} s"
                 + (f" ({nopdf.spread})" if nopdf.spread else "") + f"; {nopdf.max_rss:.0f} MB peak |")
    pdf = r.get("pdf")
    if pdf:
        L.append(f"| one edition's PDF alone ({pdf['edition']}, {pdf['engine']}; the project read first, untimed; "
                 f"no build cache) | {pdf['wall']:.2f} s ({pdf['cpu']:.2f} s CPU); {pdf['pages'] or '?'} pages; "
                 f"{pdf['bytes']:,} bytes; peak {pdf['rss_mb']:.0f} MB ({pdf['before_mb']:.0f} MB before) |")
    elif "pdf_error" in r:
        L.append(f"| one edition's PDF alone | failed: `{r['pdf_error']}` |")
    if r.get("site_pdfs"):
        L.append("| the site's PDFs, bytes each | " + ", ".join(f"{name} {size:,}" for name, size in r["site_pdfs"].items())
                 + " |")
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
    table.add_row("full build, PDFs included", f"{b.wall:.2f} s, {b.max_rss:.0f} MB", "")
    if "build_nopdf" in r:
        table.add_row("full build without PDFs", f"{r['build_nopdf'].wall:.2f} s", "")
    if "pdf" in r:
        pdf = r["pdf"]
        table.add_row(f"one edition's PDF ({pdf['pages']} pages, {pdf['engine']})",
                      f"{pdf['wall']:.2f} s, {pdf['rss_mb']:.0f} MB, {pdf['bytes']:,} bytes", "")
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


