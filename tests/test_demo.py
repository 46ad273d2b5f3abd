"""The bundled demo: four Groningen editions, one of them text-only, checked against the CBS files."""

from __future__ import annotations

import csv
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from begroot.errors import Problems
from begroot.config import load_config
from begroot.project import load_project

from .conftest import BASE_TOML, LONG_SOURCE, needs_programs, write_project

EDITIONS = {"begroting-2024", "begroting-2023", "jaarstukken-2023", "begroting-2016"}
# An amount as the site shows it (1.331.787, -12, 60,3 %) or a money sign: none may appear on a
# page of the text-only edition outside the header and footer.
AMOUNT = re.compile(r"€|\d{1,3}(?:\.\d{3})+|\d+,\d+\s*%")


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


def main_text(path: Path) -> str:
    return " ".join(soup_of(path).find("main").get_text(" ").split())


def test_demo_checks_without_errors_or_warnings(demo_dir):
    loaded = load_project(demo_dir)
    assert [p.format() for p in loaded.problems.errors] == []
    assert [p.format() for p in loaded.problems.warnings] == []
    assert {e.id for e in loaded.budget.editions} == EDITIONS
    text_only = loaded.budget.edition("begroting-2016")
    assert text_only.config.text_only and text_only.lines.is_empty()
    assert "4" in text_only.programmes
    assert text_only.programmes["4"].title == "Welzijn, gezondheid, zorg en vernieuwing sociaal domein"
    sections = {t.section for t in text_only.texts_for("4")}
    assert {"doelstelling", "ontwikkelingen", "wat-willen-we-bereiken", "wat-gaan-we-daarvoor-doen"} <= sections
    jaarstukken = loaded.budget.edition("jaarstukken-2023")
    for code in ("3", "4"):
        assert "toelichting" in {t.section for t in jaarstukken.texts_for(code)}
    assert loaded.budget.config.organisation.inhabitants == {2023: 238147, 2024: 243768}


def _groningen(data: Path, name: str) -> tuple[Decimal, Decimal]:
    lasten = baten = Decimal(0)
    with (data / "iv3-gemeenten" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            if rec["Gemeenten"] == "Groningen":
                lasten += Decimal(rec["Lasten"] or "0")
                baten += Decimal(rec["Baten"] or "0")
    return lasten * 1000, baten * 1000


def test_totals_per_edition_equal_groningen_in_the_cbs_files(demo_dir, real_data):
    loaded = load_project(demo_dir, readability=False)
    fig = loaded.figures
    b2024, b2023, r2023 = (_groningen(real_data, n) for n in ("2024_begroting", "2023_begroting",
                                                                  "2023_jaarrekening"))
    assert b2024 == (Decimal(1331787000), Decimal(1331775000))  # the figures the README and tests cite

    def pair(edition: str, period: tuple[int, str]) -> tuple[Decimal, Decimal]:
        amounts = fig[edition].grand(period)
        return amounts.lasten, amounts.baten

    assert fig["begroting-2024"].main == (2024, "begroting")
    assert pair("begroting-2024", (2024, "begroting")) == b2024
    assert pair("begroting-2024", (2023, "begroting")) == b2023
    assert fig["begroting-2024"].periods == [(2023, "begroting"), (2024, "begroting")]
    assert pair("begroting-2023", (2023, "begroting")) == b2023
    assert fig["jaarstukken-2023"].main == (2023, "realisatie")
    assert pair("jaarstukken-2023", (2023, "realisatie")) == r2023
    assert pair("jaarstukken-2023", (2023, "begroting")) == b2023
    assert fig["begroting-2016"].periods == []


def test_toelichting_figures_match_the_jaarstukken(demo_dir):
    """The example toelichting texts quote plan and realisation in € million: they must be right."""
    loaded = load_project(demo_dir, readability=False)
    fig = loaded.figures["jaarstukken-2023"]
    edition = loaded.budget.edition("jaarstukken-2023")

    def million(value: Decimal) -> str:
        return f"€ {value / 1_000_000:.1f}".replace(".", ",") + " miljoen"

    for code in ("3", "4"):
        plan, real = fig.of(code, (2023, "begroting")), fig.of(code, (2023, "realisatie"))
        html = next(t.html for t in edition.texts_for(code) if t.section == "toelichting")
        for value in (real.lasten, plan.lasten, real.lasten - plan.lasten,
                      real.baten, plan.baten, real.baten - plan.baten):
            assert million(value) in html, (code, million(value))


def test_every_edition_is_on_the_home_page(demo_built):
    site, _ = demo_built
    soup = soup_of(site / "index.html")
    links = {a["href"].strip("/").split("/")[-1] for a in soup.find("main").find_all("a")}
    assert EDITIONS <= links
    home = main_text(site / "index.html")
    for figure in ("1.331.787", "1.190.501", "1.397.890"):
        assert figure in home
    assert "Alleen teksten, geen cijfers" in home


def test_begroting_2024_programme_pages_show_the_2023_column(demo_built):
    site, _ = demo_built
    page = next((site / "begroting-2024" / "programma").glob("3-vitaal-en-sociaal/index.html"))
    table = soup_of(page).find("section", attrs={"aria-labelledby": "lbs"}).find("table")
    headers = [" ".join(th.get_text(" ").split()) for th in table.find("thead").find_all("th")]
    assert headers == ["Begroting 2023", "Begroting 2024"]
    cells = [td.get_text().strip() for td in table.find("tbody").find("tr").find_all("td")]
    assert cells == ["728.007", "802.980"]  # lasten of 4.x, 5.x and 6.x, begroting 2023 and 2024


def test_text_only_edition_renders_without_any_amount(demo_built):
    site, result = demo_built
    folder = site / "begroting-2016"
    pages = sorted(folder.rglob("index.html"))
    assert len(pages) == 1 + 15 + 1  # edition, every programme, downloads
    for page in pages:
        soup = soup_of(page)
        main = soup.find("main")
        text = " ".join(main.get_text(" ").split())
        assert not AMOUNT.search(text), (page, AMOUNT.search(text).group(0))
        assert main.find("svg") is None and main.find(class_="chart") is None, page
        if page.parent.name == "downloads":  # a table of files: only the PDF
            assert [a["href"] for a in main.find("table").find_all("a")] == ["begroting-2016.pdf"]
        else:
            assert main.find("table") is None, page
        assert "cijfers.csv" not in str(main), page
    assert "Deze editie heeft geen cijfers" in main_text(folder / "index.html")
    assert not (folder / "taakvelden").exists()
    assert not list(folder.rglob("cijfers.*")) and not list(folder.rglob("*.svg"))
    assert sorted(p.name for p in (folder / "downloads").iterdir()) == ["begroting-2016.pdf", "index.html"]
    programme_4 = folder / "programma" / "4-welzijn-gezondheid-zorg-en-vernieuwing-sociaal-domein" / "index.html"
    text = main_text(programme_4)
    for heading in ("Doelstelling", "Ontwikkelingen", "Wat willen we bereiken?", "Wat gaan we daarvoor doen?",
                    "Deelprogramma's", "Iv3-taakvelden van dit programma"):
        assert heading in text
    # the taakvelden of its deelprogramma's, from the 2017 list (6.71 is a leaf there, not in 2024)
    assert "6.71 Maatwerkdienstverlening 18+" in text and "7.1 Volksgezondheid" in text
    assert "6.71a" not in text


@needs_programs("pdftotext")
def test_text_only_pdf_has_the_texts_and_no_amounts(demo_built):
    site, _ = demo_built
    pdf = site / "begroting-2016" / "downloads" / "begroting-2016.pdf"
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Welzijn, gezondheid, zorg en vernieuwing sociaal domein" in text
    assert "Deze editie heeft geen cijfers" in text
    assert "€" not in text and not re.search(r"\d{1,3}(?:\.\d{3})+", text)


def test_text_only_is_a_setting_not_a_warning(tmp_path):
    toml = BASE_TOML + "text_only = true\n"
    project = write_project(tmp_path / "text", toml=toml)
    loaded = load_project(project, readability=False)
    assert not loaded.problems.errors and not loaded.problems.warnings
    # Without the setting, an edition without finance files is still reported.
    plain = write_project(tmp_path / "plain", toml=BASE_TOML)
    codes = [p.code for p in load_project(plain, readability=False).problems.warnings]
    assert codes == ["no-finance"]
    # text_only with a finance file, or with expected totals, is a contradiction.
    both = write_project(tmp_path / "both", toml=BASE_TOML + "text_only = true\n" + LONG_SOURCE)
    problems = Problems()
    assert load_config(both, problems) is None
    assert any("text_only" in p.message for p in problems.errors)


def test_init_copies_the_demo_and_it_checks_clean(tmp_path):
    from typer.testing import CliRunner

    from begroot.cli import app

    target = tmp_path / "nieuw"
    result = CliRunner().invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir() if p.is_dir()) == sorted(EDITIONS)
    result = CliRunner().invoke(app, ["check", str(target)])
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output.lower() and "0 errors, 0 warnings" in result.output
    assert "begroting-2016: text only" in result.output
