"""Goals, activities, indicator series and their status; overhead computed from the finance lines."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from begroot.config import Edition
from begroot.errors import Problems
from begroot.goals import Series, read_goal_sheet, read_goal_texts, status, worst
from begroot.project import load_project

from .conftest import GOOD_FINANCE, write_project

EDITION = Edition(id="begroting-2024", year=2024)
FRONT_MATTER = """---
programma: "2"
doelen:
  - code: 2.A
    titel: Meer kinderen halen een diploma
    tekst: Minder schooluitval.
    taakvelden: ["4.2"]
    indicatoren: ["Voortijdig schoolverlaters"]
    activiteiten:
      - titel: Coaching
        tekst: Een coach voor wie dreigt uit te vallen.
      - titel: Stages
  - code: 2.B
    programma: "2.2"
    titel: Zorg dichtbij
    taakvelden: ["6.1"]
---
"""
SHEET = """programma;code;soort;doel;titel;tekst;taakvelden;indicatoren
2;2.A;doel;;Meer kinderen halen een diploma;Minder schooluitval.;4.2;Voortijdig schoolverlaters
2;;activiteit;2.A;Coaching;Een coach voor wie dreigt uit te vallen.;;
2;;activiteit;2.A;Stages;;;
2.2;2.B;doel;;Zorg dichtbij;;6.1;
"""
INDICATORS = """programma;naam;eenheid;jaar;waarde;bron;bbv;soort;richting
2;Voortijdig schoolverlaters;%;2021;2,0;DUO;ja;nulmeting;lager
2;Voortijdig schoolverlaters;%;2023;1,8;DUO;ja;streefwaarde;lager
2;Voortijdig schoolverlaters;%;2023;1,9;DUO;ja;realisatie;lager
"""


def test_goals_from_markdown_and_from_a_spreadsheet_are_the_same_tree(tmp_path):
    md = write_project(tmp_path / "md", finance=GOOD_FINANCE, files={"begroting-2024/teksten/doelen.md": FRONT_MATTER})
    sheet = write_project(tmp_path / "sheet", finance=GOOD_FINANCE, files={"begroting-2024/doelen.csv": SHEET})
    problems = Problems()
    from_md = read_goal_texts(md, EDITION, problems)
    from_sheet = read_goal_sheet(sheet, EDITION, problems)
    assert problems.items == []

    def tree(goals):
        return [(g.programme, g.code, g.title, g.text, g.taakvelden, g.indicators,
                 [(a.title, a.text) for a in g.activities]) for g in goals]

    assert tree(from_md) == tree(from_sheet)
    assert tree(from_md)[0] == ("2", "2.A", "Meer kinderen halen een diploma", "Minder schooluitval.", ("4.2",),
                                ("Voortijdig schoolverlaters",),
                                [("Coaching", "Een coach voor wie dreigt uit te vallen."), ("Stages", "")])


def series(direction: str, target: str, actual: str) -> Series:
    return Series("1", "x", "%", direction, None, {2023: Decimal(target)}, {2023: Decimal(actual)}, "", False)


@pytest.mark.parametrize("direction, target, actual, expected", [
    ("hoger", "80", "80", "op koers"),            # exactly on target
    ("hoger", "80", "81", "op koers"),
    ("hoger", "80", "72", "aandacht nodig"),      # 10 % short: at the edge of the tolerance
    ("hoger", "80", "71.99", "niet op koers"),
    ("lager", "10", "10", "op koers"),            # lower is better
    ("lager", "10", "9", "op koers"),
    ("lager", "10", "11", "aandacht nodig"),
    ("lager", "10", "11.01", "niet op koers"),
    ("lager", "0", "0.1", "niet op koers"),       # a zero target leaves no tolerance
])
def test_status_at_its_edges(direction, target, actual, expected):
    assert status(series(direction, target, actual), Decimal("0.10")) == expected


def test_status_needs_a_year_with_both_and_goals_take_the_worst():
    only_target = Series("1", "x", "%", "hoger", None, {2024: Decimal(5)}, {2023: Decimal(4)}, "", False)
    assert status(only_target) is None
    assert worst(["op koers", None, "aandacht nodig"]) == "aandacht nodig"
    assert worst([None]) is None


def test_goal_problems(tmp_path):
    bad = FRONT_MATTER.replace('programma: "2.2"', 'programma: "9"').replace("Voortijdig", "Vroegtijdig")
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/doelen.md": bad, "begroting-2024/indicatoren.csv": INDICATORS})
    assert [p.format() for p in load_project(project).problems] == [
        "error: begroting-2024/teksten/doelen.md: goal 'Meer kinderen halen een diploma' names indicator "
        "'Vroegtijdig schoolverlaters', which programme 2 does not have — hint: add it to indicatoren.csv for this "
        "programme, or correct the name",
        "error: begroting-2024/teksten/doelen.md: goal 'Zorg dichtbij' is for programme 9, which is not in the "
        "programme list — hint: use the code of a programme in programmas.csv",
    ]


def test_overhead_share_of_the_demo_equals_the_hand_computed_figure(demo_dir):
    from begroot.goals import overhead_share

    loaded = load_project(demo_dir)
    edition = loaded.budget.edition("begroting-2024")
    # taakveld 0.4 Overhead: lasten 146.266 of all lasten 1.331.787 (x € 1.000, Iv3 begroting 2024)
    assert overhead_share(edition.lines, 2024, "begroting") == Decimal(146266) / Decimal(1331787)


def test_demo_goal_pages(demo_built):
    site = demo_built[0] / "begroting-2024"
    soup = BeautifulSoup((site / "doelen" / "index.html").read_text(encoding="utf-8"), "html5lib")
    rows = {tr.find("th").get_text(" ", strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in soup.find("tbody").find_all("tr")}
    assert rows["Minder kinderen groeien op in armoede"][1:] == ["aandacht nodig", "220.166"]
    assert rows["Alle kinderen gaan naar school"][1] == "niet op koers"
    assert rows["Hulp en zorg dichtbij huis"][1] == "op koers"
    assert "11,0 %" in soup.get_text()  # overhead as a share of all lasten
    page = BeautifulSoup((site / "programma" / "3-vitaal-en-sociaal" / "index.html").read_text(encoding="utf-8"),
                         "html5lib")
    goal = page.find("h3", string="Minder kinderen groeien op in armoede").find_parent("article")
    assert "Kindpakket" in goal.get_text() and "Schoolontbijt" in goal.get_text()
    assert goal.find("svg", class_="status-icon")["aria-hidden"] == "true"   # the icon, and the word:
    assert "aandacht nodig" in goal.find(class_="status").get_text()
    table = goal.find("table")
    assert [td.get_text() for td in table.find("tbody").find_all("td")] == ["9,0", "8,9", "8,4", "8,5", "8,0", "–"]


def test_target_outside_the_edition_and_spreadsheet_problems(tmp_path):
    indicators = INDICATORS + "2;Voortijdig schoolverlaters;%;2031;1,0;DUO;ja;streefwaarde;lager\n"
    sheet = SHEET + "2;;activiteit;2.Z;Zwevend;;;\n2;2.C;plan;;Onbekend soort;;;\n"
    project = write_project(tmp_path / "p", finance=GOOD_FINANCE, files={
        "begroting-2024/doelen.csv": sheet, "begroting-2024/indicatoren.csv": indicators})
    assert [p.format() for p in load_project(project).problems] == [
        "error: begroting-2024/doelen.csv, row 7, column \"soort\": 'plan' is not doel or activiteit — hint: write "
        "doel or activiteit",
        "error: begroting-2024/doelen.csv, row 6, column \"doel\": the activity belongs to goal '2.Z', which is not "
        "in the file — hint: use the code of a goal in column code",
        "error: begroting-2024/doelen.csv: indicator 'Voortijdig schoolverlaters' has a target for 2031, outside the "
        "years of begroting-2024 (2022–2027) — hint: set targets for the edition's years",
    ]


def test_an_indicator_with_one_value_has_no_chart(demo_built):
    """One value (a realisatie, no target yet) is a table row, not a chart of one bar."""
    site = demo_built[0] / "begroting-2024" / "programma"

    def indicator(programme: str, name: str):
        page = BeautifulSoup((site / programme / "index.html").read_text(encoding="utf-8"), "html5lib")
        return next(d for d in page.select(".indicator") if d.find(["h3", "h4"]).get_text(" ", strip=True).startswith(name))

    one = indicator("3-3-sociaal-domein", "Jongeren met een delict voor de rechter")
    assert [td.get_text() for td in one.find("tbody").find_all("td")] == ["–", "1,1"]
    assert one.find(class_="chart") is None and one.find("figure") is None
    assert indicator("5-veiligheid", "Verwijzingen Halt").find("div", class_="chart") is not None  # two values
