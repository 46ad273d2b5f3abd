"""Several editions: BBV columns on a begroting, plan against realisation in the jaarstukken."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from begroot.figures import execution
from begroot.project import load_project
from tests.test_end_to_end import run, soup_of

EDITION = """
[[editions]]
id = "{id}"
kind = "{kind}"
year = {year}
[[editions.finance]]
file = "financien.csv"
decimal = ","
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
amount = "Bedrag"
year = "Jaar"
column = "Kolom"
"""
TOML = """
[organisation]
name = "Gemeente Voorbeeld"
inhabitants = { 2022 = 900, 2024 = 800 }

[site]
unit = 1
""" + EDITION.format(id="begroting-2024", kind="begroting", year=2024) \
    + EDITION.format(id="jaarstukken-2023", kind="jaarstukken", year=2023)
PROGRAMMES = """code;naam;hoofdprogramma;taakvelden;soort
1;Veiligheid;;1.*;programma
2;Sociaal;;6.*;programma
"""
# A begroting with the BBV columns: realisatie T-2, begroting T-1 na wijziging, begroting T and
# the meerjarenraming T+1..T+3.
BEGROTING = """Taakveld;Soort;Jaar;Kolom;Bedrag
1.1;Lasten;2022;realisatie;900
1.1;Lasten;2023;begroting na wijziging;950
1.1;Lasten;2024;begroting;1.000
1.1;Lasten;2025;meerjarenraming;1.010
1.1;Lasten;2026;meerjarenraming;1.020
1.1;Lasten;2027;meerjarenraming;1.030
6.1;Lasten;2024;begroting;2.000
6.1;Baten;2024;begroting;500
"""
JAARSTUKKEN = """Taakveld;Soort;Jaar;Kolom;Bedrag
1.1;Lasten;2023;begroting;1.000
1.1;Lasten;2023;begroting na wijziging;1.100
1.1;Lasten;2023;realisatie;1.045
1.2;Baten;2023;begroting;100
1.2;Baten;2023;begroting na wijziging;100
1.2;Baten;2023;realisatie;130
6.1;Lasten;2023;begroting;2.000
6.1;Lasten;2023;begroting na wijziging;2.000
6.1;Lasten;2023;realisatie;2.200
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("editions") / "p"
    root.mkdir()
    (root / "begroot.toml").write_text(TOML, encoding="utf-8")
    for edition, finance in (("begroting-2024", BEGROTING), ("jaarstukken-2023", JAARSTUKKEN)):
        (root / edition / "teksten").mkdir(parents=True)
        (root / edition / "programmas.csv").write_text(PROGRAMMES, encoding="utf-8")
        (root / edition / "financien.csv").write_text(finance, encoding="utf-8")
    (root / "jaarstukken-2023" / "teksten" / "1-toelichting.md").write_text(
        "De lasten waren 55 lager dan na de wijziging begroot.\n", encoding="utf-8")
    (root / "jaarstukken-2023" / "teksten" / "1-doelstelling.md").write_text(
        "Een veilige gemeente.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("editions-site") / "site"
    result = run("build", str(project), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_execution_figures(project):
    loaded = load_project(project)
    fig = loaded.figures["jaarstukken-2023"]
    plan = execution(fig, "1", 2023)
    assert plan.primitief.lasten == Decimal(1000) and plan.na_wijziging.lasten == Decimal(1100)
    assert plan.realisatie.lasten == Decimal(1045)
    assert plan.difference("lasten") == Decimal(-55)       # against the last plan, na wijziging
    assert plan.fraction("lasten") == Decimal(-55) / Decimal(1100)
    assert plan.favourable("lasten") is True and plan.favourable("baten") is True
    assert execution(fig, "2", 2023).favourable("lasten") is False
    # a begroting has no realisation for its own year
    assert execution(loaded.figures["begroting-2024"], "1", 2024) is None


def test_a_difference_that_rounds_to_nothing_is_slight():
    """A realisation 40 euros under a saldo of 4,000 (unit 1000) was "Saldo: 0 lager dan begroot
    (1,0 %)"; it is "iets lager"; a difference the unit shows keeps its amount."""
    from begroot.format import Formats
    from begroot.render.parts import execution_sentence
    from begroot.render.strings import strings

    class Plan:
        def __init__(self, diff, fraction):
            self.diff, self.frac = Decimal(diff), Decimal(fraction)

        def difference(self, key):
            return self.diff

        def fraction(self, key):
            return self.frac

        def favourable(self, key):
            return False

    nl, en, thousands = strings("nl"), strings("en"), Formats("nl", 1000)
    assert execution_sentence(nl, thousands, Plan(-40, "-0.01"), "saldo") == "Saldo: iets lager dan begroot (1,0 %), nadelig."
    assert execution_sentence(nl, thousands, Plan(499, "0.02"), "baten") == "Baten: iets hoger dan begroot (2,0 %), nadelig."
    assert execution_sentence(nl, thousands, Plan(-500, "-0.05"), "lasten") == "Lasten: 1 lager dan begroot (5,0 %), nadelig."
    assert execution_sentence(nl, Formats("nl", 1), Plan(-40, "-0.01"), "saldo") == "Saldo: 40 lager dan begroot (1,0 %), nadelig."
    assert execution_sentence(en, Formats("en", 1000), Plan(-40, "-0.01"), "saldo").endswith("slightly lower than budgeted (1.0 %), unfavourable.")


def test_bbv_columns_in_order(site):
    soup = soup_of(site / "begroting-2024" / "programma" / "1-veiligheid" / "index.html")
    table = soup.find(id="lbs").find_parent("section").find("table")
    headers = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    assert headers == ["Realisatie 2022", "Begroting 2023 na wijziging", "Begroting 2024",
                       "Raming 2025", "Raming 2026", "Raming 2027"]
    lasten = [td.get_text(strip=True) for td in table.find("tbody").find("tr").find_all("td")]
    assert lasten == ["900", "950", "1.000", "1.010", "1.020", "1.030"]
    # the trend chart has a bar pair per column, and its text alternative
    chart = soup.find(id="lbs").find_parent("section").find("div", class_="chart")
    assert chart is not None and chart["role"] == "img" and soup.find(id=chart["aria-labelledby"].split()[0])
    labels = [k.get_text(strip=True) for k in chart.select(".chart-key")] + \
        [r.find(class_="chart-label").get_text(strip=True) for r in chart.select(".chart-row")]
    assert labels == ["Lasten", "Baten"] + headers        # the legend, then each column's label
    assert len(chart.select(".bar.bar-1")) == len(chart.select(".bar.bar-2")) == len(headers)
    # in the chart's file, six labels in 400 px: each wraps over lines short enough for its ~66 px
    from xml.etree import ElementTree
    drawn = ElementTree.fromstring((site / "begroting-2024" / "programma" / "1-veiligheid" / "grafiek.svg").read_bytes())
    lines = [t.text for t in drawn.iter("{http://www.w3.org/2000/svg}tspan")]
    assert all(len(line) <= 10 for line in lines) and len(lines) > len(headers)


def test_jaarstukken_show_plan_against_realisation(site):
    soup = soup_of(site / "jaarstukken-2023" / "programma" / "1-veiligheid" / "index.html")
    section = soup.find(id="uitvoering").find_parent("section")
    headers = [th.get_text(strip=True) for th in section.find("thead").find_all("th")]
    assert headers == ["Lasten", "Baten", "Saldo"]
    rows = [[tr.find("th").get_text(strip=True)] + [td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in section.find("tbody").find_all("tr")]
    # one row per column of the BBV, then the difference against the last plan (na wijziging)
    assert rows == [["Begroting 2023 primitief", "1.000", "100", "-900"],
                    ["Begroting 2023 na wijziging", "1.100", "100", "-1.000"],
                    ["Realisatie 2023", "1.045", "130", "-915"],
                    ["Verschil", "-55", "30", "85"]]
    # the difference in words, with its percentage and whether it is favourable
    sentences = [li.get_text(" ", strip=True) for li in section.find("ul").find_all("li")]
    assert sentences == ["Lasten: 55 lager dan begroot (5,0 %), voordelig.",
                         "Baten: 30 hoger dan begroot (30,0 %), voordelig.",
                         "Saldo: 85 hoger dan begroot (8,5 %), voordelig."]
    # the explanation stands next to the figures, not among the other texts
    assert "55 lager" in section.get_text()
    assert soup.find(string="Toelichting op de verschillen") is not None
    overview = soup_of(site / "jaarstukken-2023" / "index.html")
    per_programme = overview.find(id="uitvoering-programmas").find_parent("table")
    cells = [td.get_text(strip=True) for td in per_programme.find("tbody").find_all("tr")[1].find_all("td")]
    assert cells[3] == "+10,0 %"   # Sociaal: 2.200 against 2.000


def test_comparison_of_the_two_editions(site):
    soup = soup_of(site / "vergelijk" / "jaarstukken-2023" / "begroting-2024" / "index.html")
    assert "Jaarstukken 2023 en Begroting 2024 vergeleken" in soup.find("h1").get_text()
    assert "Realisatie 2023" in soup.get_text() and "Begroting 2024" in soup.get_text()


def test_every_bbv_column_per_inhabitant(site):
    soup = soup_of(site / "begroting-2024" / "programma" / "1-veiligheid" / "index.html")
    table = soup.find(id="lbs-per-inwoner").find_parent("table")
    rows = {tr.find("th").get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in table.find("tbody").find_all("tr")}
    # 900 / 900 inhabitants in 2022, 1.000 / 800 in 2024; no inhabitants known for the other years
    assert rows["Lasten"] == ["€\xa01,00", "–", "€\xa01,25", "–", "–", "–"]
    assert rows["Baten"] == ["€\xa00,00", "–", "€\xa00,00", "–", "–", "–"]
