"""Shared fixtures: small projects written on the fly, the demo, the extracts of real data in
tests/data, and the shared data folder next to the project."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from begroot.cli import demo_project

# The build cache of the test session: its own folder (not the user's ~/.cache), shared by the
# tests and the commands they run, so that later builds of the same inputs read it.
os.environ["BEGROOT_CACHE_DIR"] = tempfile.mkdtemp(prefix="begroot-test-cache-")
atexit.register(shutil.rmtree, os.environ["BEGROOT_CACHE_DIR"], ignore_errors=True)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
# Small extracts of real public data (CBS Iv3 files, a Fiscal Data Package), written by
# tools/make_testdata.py from ../shared/data and committed: tests read these, not ../shared.
DATA = ROOT / "tests" / "data"

PROGRAMMES_CSV = """code;naam;hoofdprogramma;taakvelden;soort
1;Veiligheid;;1.*;programma
2;Sociaal;;;programma
2.1;Onderwijs;2;4.*;programma
2.2;Zorg;2;6.*;programma
AD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7;overzicht
OH;Overhead;;0.4;overzicht
"""

BASE_TOML = """
[organisation]
name = "Gemeente Voorbeeld"
cbs_code = "GM0999"
email = "begroting@example.org"   # the accessibility statement's contact (else check warns)

[[editions]]
id = "begroting-2024"
year = 2024
exported_at = 2023-10-01T12:00:00
"""

LONG_SOURCE = """
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
amount = "Bedrag"
"""

#: A long source booked on programmes, without taakvelden.
PROGRAMME_SOURCE = """
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
programme = "Programma"
kind = "Soort"
amount = "Bedrag"
"""


def write_project(root: Path, *, toml: str = BASE_TOML + LONG_SOURCE, finance: str | bytes | None = None,
                  programmes: str = PROGRAMMES_CSV, files: dict[str, str | bytes] | None = None) -> Path:
    """Write a small project; text is dedented, bytes are written as they are."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "begroot.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    edition = root / "begroting-2024"
    edition.mkdir(exist_ok=True)
    (edition / "programmas.csv").write_text(programmes, encoding="utf-8")
    if finance is not None:
        data = finance if isinstance(finance, bytes) else textwrap.dedent(finance).lstrip("\n").encode("utf-8")
        (edition / "financien.csv").write_bytes(data)
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def with_pdf_engine(budget, engine: str):
    """``budget`` with its PDFs made by ``engine`` ("typst", the default, or "weasyprint")."""
    import dataclasses

    site = budget.config.site.model_copy(update={"pdf_engine": engine})
    return dataclasses.replace(budget, config=budget.config.model_copy(update={"site": site}))


GOOD_FINANCE = """\
Taakveld;Soort;Bedrag
1.1 Crisisbeheersing en brandweer;Lasten;1.000,50
1.2;Baten;200
4.2;Lasten;3.000
6.1;Lasten;2.500
6.1;Baten;500
0.4 Overhead;Lasten;700
0.61;Baten;4.000
"""


@pytest.fixture
def good_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", finance=GOOD_FINANCE)


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return demo_project()


@pytest.fixture
def real_data() -> Path:
    """tests/data: the committed extracts of real data (same layout as ../shared/data)."""
    return DATA


#: Programs some tests run, and the Debian package that has each.
PACKAGES = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "pdfimages": "poppler-utils",
            "pdfinfo": "poppler-utils", "pdffonts": "poppler-utils", "chromium": "chromium"}
#: Skip reasons given for a missing program -> those programs (listed again at the end of the run).
MISSING_PROGRAM_REASONS: dict[str, tuple[str, ...]] = {}


def missing_programs_reason(missing: list[str] | tuple[str, ...], more: str = "") -> str:
    """The skip reason for tests that need ``missing`` programs: names them and how to install
    them, then ``more``."""
    packages = sorted({PACKAGES.get(Path(name).name, Path(name).name) for name in missing})
    reason = (f"needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not installed "
              f"(apt-get install -y {' '.join(packages)}){more}")
    MISSING_PROGRAM_REASONS[reason] = tuple(missing)
    return reason


def needs_programs(*names: str) -> pytest.MarkDecorator:
    """Skip the test, naming the program(s) and their package, when one of ``names`` is not on
    PATH. Under CI (``CI`` set) .ci/run installs them, so a missing program fails the test instead."""
    missing = [name for name in names if shutil.which(name) is None]
    if not missing or os.environ.get("CI"):
        return pytest.mark.skipif(False, reason="")
    return pytest.mark.skipif(True, reason=missing_programs_reason(missing))


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """At the end of the run: which programs were missing, how many tests that skipped, and
    how to install them (the individual reasons are in the short summary, ``-ra``)."""
    counts: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        reason = reason.removeprefix("Skipped: ")
        for program in MISSING_PROGRAM_REASONS.get(reason, ()):
            counts[program] = counts.get(program, 0) + 1
    if counts:
        packages = sorted({PACKAGES.get(Path(name).name, Path(name).name) for name in counts})
        terminalreporter.write_sep("=", "programs not installed", yellow=True)
        for program, n in sorted(counts.items()):
            terminalreporter.write_line(f"{program}: {n} test{'s' if n != 1 else ''} skipped")
        terminalreporter.write_line(f"install them with: apt-get install -y {' '.join(packages)}")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "shared(relative, why): the test reads ../shared/data/<relative> (its subject "
                            "is that file or folder itself) and is skipped, saying why, where it is absent")


@pytest.fixture(autouse=True)
def _shared_data_present(request) -> None:
    """Skips a test marked ``@pytest.mark.shared(relative, why)`` when ``../shared/data/<relative>``
    is absent, naming the path and why the test needs it (the test reads it through SHARED_DATA)."""
    marker = request.node.get_closest_marker("shared")
    if marker is not None:
        relative, why = marker.args
        path = SHARED_DATA / relative
        if not path.exists():
            shown = f"../shared/data/{relative}".rstrip("/")
            pytest.skip(f"{shown} is not present next to the project ({path}); {why}")


@pytest.fixture(autouse=True)
def _cache_switched_on_again():
    """``--no-cache`` turns the build cache off for the rest of the process (begroot.cache.disable);
    a test that runs the command in this process must not turn it off for the tests after it."""
    import begroot.cache

    yield
    begroot.cache._disabled = False


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, for the few tests whose subject is that folder itself (that what begroot
    ships or tests with equals it); skipped, with that reason, where it is absent."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"../shared/data is not present next to the project ({data}): this test compares "
                    "begroot's shipped data or tests/data with the full public files in it")
    return data


@pytest.fixture(scope="session")
def demo_built(tmp_path_factory, demo_dir: Path):
    """The demo built once for the whole session: (site folder, build result). Tests only read it."""
    from begroot.build import build

    site = tmp_path_factory.mktemp("demo-built") / "site"
    result = build(demo_dir, site)
    return site, result


def pytest_addoption(parser):
    parser.addoption("--update-snapshot", action="store_true",
                     help="record the demo site's digests anew (tests/test_site_snapshot.py)")
