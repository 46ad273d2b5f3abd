"""The PDF of an edition: contents with page numbers, every programme, the grand totals, tagged
(PDF/UA) with embedded fonts; page 1 rendered to PNG with pdftoppm. Made by the default engine
(Typst, in the demo's build) and by WeasyPrint (``pdf_engine = "weasyprint"``)."""

import subprocess
import sys

import pytest

from .conftest import needs_programs


@pytest.fixture(scope="module")
def demo_pdf(demo_built):
    site, result = demo_built
    return site / "begroting-2024" / "downloads" / "begroting-2024.pdf", result


@pytest.fixture(scope="module")
def weasyprint_pdf(demo_built, tmp_path_factory):
    """The same edition's PDF made by WeasyPrint."""
    from begroot.build import build_time
    from begroot.publish.pdf import write_pdf

    from .conftest import with_pdf_engine

    _, result = demo_built
    budget = with_pdf_engine(result.loaded.budget, "weasyprint")
    target = tmp_path_factory.mktemp("weasyprint") / "begroting-2024.pdf"
    write_pdf(budget, result.loaded.figures, "begroting-2024", target, build_time())
    return target, result


@pytest.fixture(params=["typst", "weasyprint"])
def any_pdf(request):
    return request.getfixturevalue("demo_pdf" if request.param == "typst" else "weasyprint_pdf")


def test_the_demo_pdf_is_made_by_typst_by_default(demo_pdf, weasyprint_pdf):
    info = [subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
            for path in (demo_pdf[0], weasyprint_pdf[0])]
    assert "Creator:         Typst" in info[0] and "WeasyPrint" in info[1]


@needs_programs("pdftotext")
def test_pdf_has_contents_every_programme_and_the_totals(any_pdf):
    path, result = any_pdf
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Inhoud" in text
    edition = result.loaded.budget.edition("begroting-2024")
    for programme in edition.programmes.values():
        assert programme.title in text, programme.title
    assert "1.331.787" in text and "1.331.775" in text
    assert "Programma 3: Vitaal en Sociaal" in text and "802.980" in text
    # the contents give page numbers: "Programma 3: Vitaal en Sociaal ....... 10"
    # (WeasyPrint's leader is "......", Typst's ". . . ." and a word joiner)
    assert __import__("re").search(r"Programma 3: Vitaal en Sociaal\s*(\.\s*){3,}\S*\d+", text)
    # dated by its export, not by the build (so that the build cache can keep it)
    from begroot import format as fmt

    assert f"Gemaakt met de export van {fmt.stamp(edition.exported_at)}" in text and "gebouwd op" not in text


@needs_programs("pdfinfo", "pdffonts", "pdftoppm")
def test_pdf_is_tagged_with_embedded_fonts_and_renders(any_pdf, tmp_path):
    path, _ = any_pdf
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert int(__import__("re").search(r"Pages:\s+(\d+)", info).group(1)) > 10
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page-*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000


def test_downloads_page_links_the_pdf(demo_pdf):
    path, _ = demo_pdf
    html = (path.parent / "index.html").read_text(encoding="utf-8")
    assert 'href="begroting-2024.pdf"' in html and path.stat().st_size > 10_000


def test_pdf_command(tmp_path, demo_dir):
    from typer.testing import CliRunner

    from begroot.cli import app

    target = tmp_path / "b.pdf"
    result = CliRunner().invoke(app, ["pdf", str(demo_dir), "--edition", "begroting-2024", "--out", str(target)])
    assert result.exit_code == 0 and target.read_bytes()[:5] == b"%PDF-"
    assert CliRunner().invoke(app, ["pdf", str(demo_dir), "--edition", "x"]).exit_code == 1


def _write(path, text):
    path.write_text(text, encoding="utf-8")


def _fail():
    raise ValueError("job failed")


def test_slow_jobs_run_each_once_and_their_errors_reach_the_caller(tmp_path):
    """The PDFs of the editions are made by run_jobs, on several cores where there are."""
    import functools

    from begroot.publish.workers import run_jobs

    jobs = [functools.partial(_write, tmp_path / f"{i}.txt", str(i)) for i in range(5)]
    run_jobs(jobs)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{i}.txt" for i in range(5)]
    assert all((tmp_path / f"{i}.txt").read_text(encoding="utf-8") == str(i) for i in range(5))
    with pytest.raises(ValueError, match="job failed"):
        run_jobs([functools.partial(_write, tmp_path / "x.txt", "x"), _fail])
    run_jobs([])


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not picklable")


def _fail_unpicklable():
    raise _Unpicklable("lock held")


def _write_pid(path):
    import os

    path.write_text(str(os.getpid()), encoding="utf-8")


def test_jobs_started_in_processes_run_in_children_and_raise_the_first_jobs_error(tmp_path, monkeypatch):
    """A large build's Typst PDFs are made in forked processes of their own (start_in_processes):
    each job runs once, outside this process, and the first job's error is raised by the wait, as
    if the jobs had run one by one, after every job has ended."""
    import functools
    import os

    from begroot.publish import workers

    monkeypatch.setattr(workers, "worker_count", lambda: 2)
    jobs = [functools.partial(_write_pid, tmp_path / f"{i}.txt") for i in range(3)]
    workers.start_in_processes(jobs)()
    pids = {int((tmp_path / f"{i}.txt").read_text(encoding="utf-8")) for i in range(3)}
    assert len(pids) == 2 and os.getpid() not in pids  # two processes share the three jobs
    wait = workers.start_in_processes([functools.partial(_write, tmp_path / "a.txt", "a"), _fail,
                                       functools.partial(_write, tmp_path / "c.txt", "c")])
    with pytest.raises(ValueError, match="job failed"):
        wait()
    assert (tmp_path / "a.txt").exists() and (tmp_path / "c.txt").exists()
    with pytest.raises(RuntimeError, match="lock held"):  # an error that cannot be sent is named
        workers.start_in_processes([_fail_unpicklable])()
    workers.start_in_processes([])()


def _niceness_to(folder, jobs, claims):  # a Workers' write_binaries: where it runs, at what priority
    import os

    (folder / str(os.getpid())).write_text(str(os.getpriority(os.PRIO_PROCESS, 0)), encoding="utf-8")


@pytest.mark.skipif(not hasattr(__import__("os"), "getpriority"), reason="process priorities: POSIX")
def test_render_workers_give_way_to_the_pdfs_and_the_build_keeps_its_priority(tmp_path, monkeypatch):
    """While a large build's PDF is made in a process of its own, the forked render workers run at
    a lower priority (the PDF is the longest job and the build ends with it); the build's own
    process, which may be a caller's (as here), keeps its priority."""
    import functools
    import os

    from begroot.publish import workers

    monkeypatch.setattr(workers, "worker_count", lambda: 2)
    own = os.getpriority(os.PRIO_PROCESS, 0)
    pool = workers.Workers.fork(0, lambda k: None, functools.partial(_niceness_to, tmp_path))
    pool.give_way()
    assert pool.results() == []
    pool.share([])
    pool.finish()
    seen = {int(p.name): int(p.read_text(encoding="utf-8")) for p in tmp_path.iterdir()}
    assert seen.pop(os.getpid()) == own == os.getpriority(os.PRIO_PROCESS, 0)
    assert list(seen.values()) == [min(own + workers.GIVE_WAY, 19)]


_FORKED_BUILD = """
import os, sys
from pathlib import Path
from begroot.build import build
from begroot.cli import demo_project
from begroot.publish import workers
workers.PARALLEL_MIN_PAGES = 1
workers.worker_count = lambda: 2
seen = []
real = workers.Workers.give_way
def give_way(self):
    real(self)
    seen.extend(os.getpriority(os.PRIO_PROCESS, p.pid) for p, _ in self.processes)
workers.Workers.give_way = give_way
start = workers.start_in_processes
workers.start_in_processes = lambda jobs: (seen.append(len(jobs)), start(jobs))[1]
build(demo_project(), Path(sys.argv[1]))
print(seen, os.getpriority(os.PRIO_PROCESS, 0))
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "getpriority") or not sys.platform.startswith("linux"),
                    reason="process priorities and forked workers: Linux")
def test_a_large_build_makes_its_pdfs_in_processes_and_its_render_workers_give_way(tmp_path):
    """A build with enough pages to fork render workers (here: any) makes its Typst PDFs in
    processes of their own, and lowers its render workers' priority meanwhile, not its own."""
    import os

    from begroot.publish import workers

    env = {**os.environ, "BEGROOT_CACHE_DIR": "off"}
    done = subprocess.run([sys.executable, "-c", _FORKED_BUILD, str(tmp_path / "site")], capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    seen, own = done.stdout.strip().splitlines()[-1].rsplit(" ", 1)
    assert int(own) == os.getpriority(os.PRIO_PROCESS, 0)
    jobs, niceness = eval(seen)[0], eval(seen)[1:]  # [PDF jobs, each worker's niceness]
    assert jobs == len(list((tmp_path / "site").glob("*/downloads/*.pdf"))) >= 2
    assert niceness == [min(int(own) + workers.GIVE_WAY, 19)]


_KILLED_WITH_A_PDF_UNDER_WAY = """
import os, signal, sys, time
from pathlib import Path
from begroot.publish import workers
def job():
    Path(sys.argv[1]).write_text(str(os.getpid()))
    time.sleep(60)
    Path(sys.argv[1] + ".written").write_text("after its build was killed")
workers.start_in_processes([job])
while not Path(sys.argv[1]).exists():
    time.sleep(0.01)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a process killed with its parent: Linux")
def test_a_pdfs_process_ends_when_its_build_is_killed(tmp_path):
    """A build killed midway (SIGKILL) leaves no PDF process behind that could write into the
    build's folder after the next build removed it."""
    import os
    import time
    from pathlib import Path

    marker = tmp_path / "pid"
    subprocess.run([sys.executable, "-c", _KILLED_WITH_A_PDF_UNDER_WAY, str(marker)], timeout=60)
    pid = int(marker.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break  # ended, not yet reaped
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        pytest.fail("the PDF's process outlived its build")
    assert not (tmp_path / "pid.written").exists()


@needs_programs("pdftotext")
def test_jaarstukken_pdf_has_plan_against_realisation_and_the_explanations(demo_built):
    site, result = demo_built
    pdf = site / "jaarstukken-2023" / "downloads" / "jaarstukken-2023.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    edition = result.loaded.budget.edition("jaarstukken-2023")
    fig = result.loaded.figures["jaarstukken-2023"]
    assert "Begroting en realisatie 2023" in text
    # programme 3's realisation, as the page shows it (x € 1.000)
    from begroot.format import money
    assert money(fig.of("3", (2023, "realisatie")).lasten) in text
    # every explanation written for the jaarstukken is in the PDF, next to the figures
    explanations = [t for t in edition.texts if t.section == "toelichting"]
    assert explanations
    assert text.count("Toelichting op de verschillen") == len(explanations)


def test_pdf_document_has_no_id_twice(demo_dir):
    """Every programme's chart gets ids of its own in the one document (WeasyPrint warned
    "Anchor defined twice", and a tagged PDF's structure refers to them)."""
    import datetime as dt
    import re
    from collections import Counter

    from begroot.project import load_project
    from begroot.publish.pdf import edition_pdf_html

    loaded = load_project(demo_dir)
    for edition in loaded.budget.editions:
        html = edition_pdf_html(loaded.budget, loaded.figures, edition.id, dt.datetime(2024, 1, 1))
        ids = Counter(re.findall(r'\bid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == [], edition.id
        for ref in re.findall(r'url\(#([^)]+)\)', html):
            assert ids[ref] == 1, ref
        assert len([i for i in ids if i.startswith("lbs-")]) >= 3 * 5 or not edition.lines.height
