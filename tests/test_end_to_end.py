"""End to end: the CLI as a user runs it, and the built site parsed as HTML."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import GOOD_FINANCE, ROOT, write_project

FIXTURES = Path(__file__).parent / "fixtures"
EPOCH = "1700000000"  # 14/11/2023 22:13:20 UTC
STAMP_RE = re.compile(
    r"Deze pagina is gebouwd op (\d\d/\d\d/\d{4} \d\d:\d\d:\d\d) met de export van (\d\d/\d\d/\d{4} \d\d:\d\d:\d\d)")


#: exported_at of each edition of the demo, as the page footers show it
EXPORTED = {"begroting-2024": "11/07/2023 15:35:31", "begroting-2023": "12/07/2022 14:20:05",
            "jaarstukken-2023": "16/04/2024 10:12:45"}


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "TZ": "UTC", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "begroot", *args], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=120)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def section_with_heading(soup: BeautifulSoup, heading: str):
    """The element (section) that holds a heading with this text."""
    for h in soup.find_all(re.compile(r"^h[1-6]$")):
        if text_of(h) == heading:
            return h.find_parent(["section", "article", "figure", "div"]) or h.parent
    raise AssertionError(f"no heading {heading!r}")


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("demo")
    result = run("init", str(base / "project"))
    assert result.returncode == 0, result.stderr
    result = run("build", str(base / "project"), "--out", str(base / "site"))
    assert result.returncode == 0, result.stderr
    return base / "site"


def programme_page(site: Path, code: str) -> Path:
    prefix = code.replace(".", "-") + "-"
    found = sorted(p for p in (site / "begroting-2024" / "programma").glob(f"{prefix}*/index.html")
                   if not re.match(r"\d", p.parent.name[len(prefix):]))
    assert found, f"no page for programme {code}"
    return found[0]


def test_demo_overview_shows_the_grand_totals(demo_site):
    soup = soup_of(demo_site / "begroting-2024" / "index.html")
    main = soup.find("main")
    strings = {s.strip() for s in main.stripped_strings}
    assert "1.331.787" in strings
    assert "1.331.775" in strings
    assert "x € 1.000" in text_of(main)


def test_demo_programme_3_lasten_and_share(demo_site):
    soup = soup_of(programme_page(demo_site, "3"))
    assert text_of(soup.find("h1")) == "Programma 3: Vitaal en Sociaal"
    share = section_with_heading(soup, "Aandeel in het totaal")
    strings = [s.strip() for s in share.stripped_strings]
    # 4.x, 5.x and 6.x of Groningen's Iv3 begroting 2024: 802.980 of 1.331.787 lasten
    assert "802.980" in strings and "60,3 %" in strings
    assert "246.805" in strings and "18,5 %" in strings


def test_every_page_has_the_stamp_lang_and_one_h1(demo_site):
    all_pages = pages(demo_site)
    assert len(all_pages) >= 15
    for page in all_pages:
        soup = soup_of(page)
        assert soup.html.get("lang") == "nl", page
        assert len(soup.find_all("h1")) == 1, page
        footer = text_of(soup.find("footer"))
        edition = page.relative_to(demo_site).parts[0]
        if edition == "begroting-2016":  # the text-only edition has no export
            assert "Deze pagina is gebouwd op 14/11/2023 22:13:20; deze editie heeft geen export met cijfers" in footer, page
            continue
        stamp = STAMP_RE.search(footer)
        assert stamp, page
        assert stamp.group(1) == "14/11/2023 22:13:20"  # SOURCE_DATE_EPOCH
        # exported_at of the page's edition; pages of the whole site show the latest export
        assert stamp.group(2) == EXPORTED.get(edition, "16/04/2024 10:12:45"), page


def test_no_url_to_another_host(demo_site):
    external = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
    for page in pages(demo_site):
        soup = soup_of(page)
        for tag in soup.find_all(True):
            for attr in ("href", "src", "action", "srcset", "poster", "data", "xlink:href", "formaction"):
                value = tag.get(attr)
                if value:
                    assert not external.match(value.strip()), f"{page}: {tag.name} {attr}={value}"
    for css in demo_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:[a-z]+:)?//", css.read_text(encoding="utf-8")), css
        assert "@import" not in css.read_text(encoding="utf-8")


def test_every_programme_and_the_taakvelden_and_colophon_pages_exist(demo_site):
    for code in ["1", "2", "2.1", "2.2", "3", "3.1", "3.2", "3.3", "4", "5", "6", "ad", "oh", "vpb", "onv", "res"]:
        programme_page(demo_site, code)
    tv = soup_of(demo_site / "begroting-2024" / "taakvelden" / "index.html")
    assert "6.71a" in {s.strip() for s in tv.stripped_strings}
    over = soup_of(demo_site / "over" / "index.html")
    assert "financien.csv" in text_of(over)
    assert "voorbeeld" in text_of(over).lower()  # the colophon says the grouping is illustrative
    home = soup_of(demo_site / "index.html")
    assert "Gemeente Groningen" in text_of(home)


def test_seed_fidelity(tmp_path):
    site = tmp_path / "site"
    result = run("build", str(FIXTURES / "seed-2024"), "--out", str(site))
    assert result.returncode == 0, result.stderr
    soup = soup_of(programme_page(site, "3"))
    share = section_with_heading(soup, "Aandeel in het totaal")
    strings = [s.strip() for s in share.stripped_strings]
    for expected in ["799.099", "60,0 %", "265.028", "19,9 %"]:
        assert expected in strings, (expected, strings)


def test_real_iv3_file_read_through_a_column_mapping(tmp_path, real_data, demo_dir):
    from begroot.project import load_project

    project = tmp_path / "iv3"
    (project / "begroting-2024").mkdir(parents=True)
    shutil.copyfile(demo_dir / "begroting-2024" / "programmas.csv", project / "begroting-2024" / "programmas.csv")
    shutil.copyfile(real_data / "iv3-gemeenten" / "2024_begroting.csv", project / "begroting-2024" / "iv3.csv")
    (project / "begroot.toml").write_text("""
[organisation]
name = "Gemeente Groningen"

[[editions]]
id = "begroting-2024"
year = 2024

[[editions.finance]]
file = "iv3.csv"
layout = "wide"
unit = 1000
filter = { Gemeenten = "Groningen" }
[editions.finance.columns]
taakveld = "Taakveld"
[editions.finance.amounts]
Lasten = { kind = "lasten" }
Baten = { kind = "baten" }
""", encoding="utf-8")
    loaded = load_project(project)
    assert loaded.problems.errors == []
    fig = loaded.figures["begroting-2024"]
    assert fig.grand().lasten == 1_331_787_000
    assert fig.grand().baten == 1_331_775_000
    assert fig.of("3").lasten == 802_980_000
    assert fig.reconciles()


@pytest.mark.parametrize("change, expected", [
    (("3.000", "drie"), 'begroting-2024/financien.csv, row 4, column "Bedrag": \'drie\' is not a number'),
    (("4.2;", "4.99;"), 'begroting-2024/financien.csv, row 4, column "Taakveld": taakveld 4.99 does not exist'),
    (("Bedrag", "Waarde"), 'begroting-2024/financien.csv, row 1: column "Bedrag" not found'),
])
def test_bad_input_exits_1_with_a_message_and_writes_nothing(tmp_path, change, expected):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE.replace(*change))
    site = tmp_path / "site"
    result = run("build", str(project), "--out", str(site))
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not site.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "p"] == []  # no temporary folder left behind


def test_failed_build_leaves_the_previous_site_intact(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    site = tmp_path / "site"
    assert run("build", str(project), "--out", str(site)).returncode == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (project / "begroting-2024" / "financien.csv").write_text(GOOD_FINANCE.replace("700", "7OO"), encoding="utf-8")
    result = run("build", str(project), "--out", str(site))
    assert result.returncode == 1
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_build_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE)
    precious = tmp_path / "documenten"
    precious.mkdir()
    (precious / "brief.txt").write_text("niet weggooien", encoding="utf-8")
    result = run("build", str(project), "--out", str(precious))
    assert result.returncode == 1
    assert "is not empty and was not made by begroot" in result.stderr
    assert (precious / "brief.txt").read_text(encoding="utf-8") == "niet weggooien"


def test_same_input_and_epoch_give_identical_sites(tmp_path, demo_dir):
    def digest(site: Path) -> dict[str, str]:
        return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(site.rglob("*")) if p.is_file()}

    # without the build cache, so that the second build makes everything again (test_cache.py
    # checks that a build from the cache is the same)
    assert run("build", str(demo_dir), "--out", str(tmp_path / "a"), "--no-cache").returncode == 0
    assert run("build", str(demo_dir), "--out", str(tmp_path / "b"), "--no-cache").returncode == 0
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    files = digest(tmp_path / "a")  # the workbooks and drawings of the tables and charts too, and the PDFs
    assert {"begroting-2024/tabellen.xlsx", "begroting-2024/grafiek-geld.svg",
            "begroting-2024/programma/3-vitaal-en-sociaal/grafiek.svg",
            "begroting-2024/downloads/begroting-2024.pdf"} <= set(files)


def test_check_exit_codes(tmp_path, demo_dir):
    assert run("check", str(demo_dir)).returncode == 0
    bad = write_project(tmp_path / "bad", finance=GOOD_FINANCE.replace("200", "twee"))
    result = run("check", str(bad))
    assert result.returncode == 1
    assert "row 3" in result.stderr and "Traceback" not in result.stderr
    assert run("check").returncode == 2
    assert run("check", str(bad), "--no-such-option").returncode == 2
    warn = write_project(tmp_path / "warn", finance=GOOD_FINANCE + "6.71;Lasten;5\n")
    assert run("check", str(warn)).returncode == 0
    assert run("check", "--strict", str(warn)).returncode == 1


def test_init_refuses_a_non_empty_folder_unless_forced(tmp_path):
    target = tmp_path / "nieuw"
    target.mkdir()
    (target / "iets.txt").write_text("x", encoding="utf-8")
    result = run("init", str(target))
    assert result.returncode == 1 and "is not empty" in result.stderr
    assert run("init", "--force", str(target)).returncode == 0
    assert (target / "begroot.toml").is_file()
    assert (target / "begroting-2024" / "financien.csv").is_file()


def test_help_on_every_command():
    for command in ["init", "check", "build", "serve", "demo"]:
        result = run(command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout, command


def test_makefile_and_ci_run_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_page_is_valid_html5(demo_site):
    import html5lib

    for page in pages(demo_site):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        parser.parse(page.read_text(encoding="utf-8"))  # raises on any parse error


def test_charts_have_a_text_alternative_and_a_table(demo_site):
    for page in pages(demo_site):
        soup = soup_of(page)
        for svg in soup.find_all("svg"):
            if svg.get("aria-hidden") == "true" and "status-icon" in svg.get("class", []):
                continue  # a decorative status icon, always next to its word
            assert svg.get("role") == "img", page
            ids = svg.get("aria-labelledby").split()
            assert svg.find("title")["id"] == ids[0] and svg.find("desc")["id"] == ids[1]
            assert text_of(svg.find("desc")), page
            figure = svg.find_parent("figure")
            assert figure is not None and figure.find_next("table") is not None, page
        for chart in soup.select("div.chart"):
            # an image, or (where its bars link to their programmes) a group of links, each named
            links = chart.find_all("a")
            assert chart.get("role") == ("group" if links else "img"), page
            assert all(text_of(a) for a in links), page
            title, summary = (soup.find(id=i) for i in chart["aria-labelledby"].split())
            assert text_of(title) and text_of(summary), page
            figure = chart.find_parent("figure")
            assert figure is not None and figure.find_next("table") is not None, page
        for table in soup.find_all("table"):
            assert table.find("caption") is not None, page
            assert all(th.get("scope") for th in table.find_all("th")), page
