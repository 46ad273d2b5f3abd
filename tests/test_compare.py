"""Comparing editions: restructured programmes, taakveld groups, texts, and the real Groningen files."""

from __future__ import annotations

import csv
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from begroot.compare import KINDS, all_pairs, allocate, compare, pairs
from begroot.textdiff import word_diff
from begroot.project import load_project

TOML = """
[organisation]
name = "Gemeente Voorbeeld"
inhabitants = { 2024 = 1000, 2025 = 1100 }

[[editions]]
id = "begroting-2024"
year = 2024

[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
amount = "Bedrag"
programme = "Programma"

[[editions]]
id = "begroting-2025"
year = 2025

[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
amount = "Bedrag"
programme = "Programma"
"""

# 2024: programme 3 holds education and care; 2 and 4 are separate.
OLD_PROGRAMMES = """code;naam;hoofdprogramma;taakvelden;soort
1;Veiligheid;;1.*;programma
2;Economie;;3.*;programma
3;Sociaal;;4.* 6.*;programma
4;Cultuur;;5.*;programma
OH;Overhead;;0.4;overzicht
"""
OLD_FINANCE = """Taakveld;Programma;Soort;Bedrag
1.1;1;Lasten;1.000,00
1.2;1;Baten;200,00
3.1;2;Lasten;700,00
3.4;2;Baten;50,00
4.2;3;Lasten;3.000,00
6.1;3;Lasten;2.500,01
6.1;3;Baten;500,00
6.3;3;Lasten;999,99
5.3;4;Lasten;400,00
0.4;OH;Lasten;700,00
"""
# 2025: 2 and 4 merged into 2; 3 split into 3 (education) and 5 (care). One 6.1 line is booked
# on programme 3, the rest of 6.1 on 5, so taakveld 6.1 is held by two new programmes.
NEW_PROGRAMMES = """code;naam;hoofdprogramma;taakvelden;soort
1;Veiligheid;;1.*;programma
2;Economie en cultuur;;3.* 5.*;programma
3;Onderwijs;;4.*;programma
5;Zorg;;6.*;programma
OH;Overhead;;0.4;overzicht
"""
NEW_FINANCE = """Taakveld;Programma;Soort;Bedrag
1.1;1;Lasten;1.100,00
1.2;1;Baten;210,00
3.1;2;Lasten;650,00
3.4;2;Baten;60,00
5.3;2;Lasten;450,00
4.2;3;Lasten;3.100,00
6.1;5;Lasten;2.000,00
6.1;3;Lasten;1.000,00
6.1;5;Baten;520,00
6.3;5;Lasten;1.111,11
0.4;OH;Lasten;720,00
"""


def _project(root: Path, old: tuple[str, str] = (OLD_PROGRAMMES, OLD_FINANCE),
             new: tuple[str, str] = (NEW_PROGRAMMES, NEW_FINANCE)) -> Path:
    root.mkdir(parents=True)
    (root / "begroot.toml").write_text(TOML, encoding="utf-8")
    for edition, (programmes, finance) in (("begroting-2024", old), ("begroting-2025", new)):
        (root / edition).mkdir()
        (root / edition / "programmas.csv").write_text(programmes, encoding="utf-8")
        (root / edition / "financien.csv").write_text(finance, encoding="utf-8")
    return root


@pytest.fixture
def restructured(tmp_path):
    loaded = load_project(_project(tmp_path / "p"))
    assert loaded.problems.errors == [], [p.format() for p in loaded.problems.errors]
    budget, figures = loaded.budget, loaded.figures
    a, b = budget.edition("begroting-2024"), budget.edition("begroting-2025")
    return compare(a, figures[a.id], b, figures[b.id]), figures[a.id], figures[b.id]


def _cents(amounts, kind):
    return int(getattr(amounts, kind) * 100)


def test_merge_and_split_are_recognised(restructured):
    comparison, _, _ = restructured
    kinds = {(c.kind, tuple(c.old), tuple(c.new)) for c in comparison.changes}
    assert ("merged", ("2", "4"), ("2",)) in kinds
    assert ("split", ("3",), ("3", "5")) in kinds
    assert ("same", ("1",), ("1",)) in kinds
    assert ("same", ("OH",), ("OH",)) in kinds
    assert len(comparison.changes) == 4


def test_every_euro_is_attributed_and_totals_reconcile(restructured):
    comparison, fig_a, fig_b = restructured
    for kind in KINDS:
        # old money: the flows out of each old programme add up to its total, to the cent
        for p in ("1", "2", "3", "4", "OH"):
            out = sum(f.a[kind] for f in comparison.flows_from(p))
            assert out == _cents(fig_a.of(p), kind), (kind, p)
        for q in ("1", "2", "3", "5", "OH"):
            into = sum(f.b[kind] for f in comparison.flows_to(q))
            assert into == _cents(fig_b.of(q), kind), (kind, q)
        assert sum(f.a[kind] for f in comparison.flows) == _cents(fig_a.grand(), kind)
        assert sum(f.b[kind] for f in comparison.flows) == _cents(fig_b.grand(), kind)
    # the taakveld groups hold every euro too
    assert sum((g.a.lasten for g in comparison.groups), Decimal(0)) == fig_a.grand().lasten
    assert sum((g.b.baten for g in comparison.groups), Decimal(0)) == fig_b.grand().baten


def test_flows_of_the_split_and_the_merge(restructured):
    comparison, _, _ = restructured
    flows = {(f.old, f.new): f for f in comparison.flows}
    # old programme 3: education (4.2) went to 3 exactly
    assert flows[("3", "3")].a["lasten"] >= 300000
    # care: 6.1 is held by 3 (1.000,00) and 5 (2.000,00) in 2025, so the old 2.500,01 on 6.1 is
    # divided 1:2 (estimated); 6.3 (999,99) went to 5 exactly
    assert flows[("3", "3")].a["lasten"] == 300000 + 83334
    assert flows[("3", "5")].a["lasten"] == 166667 + 99999
    assert flows[("3", "5")].estimated and flows[("3", "3")].estimated
    # the merge: both old programmes' money ends up in the new programme 2, exactly
    assert flows[("2", "2")].a == {"lasten": 70000, "baten": 5000}
    assert flows[("4", "2")].a == {"lasten": 40000, "baten": 0}
    assert not flows[("2", "2")].estimated and not flows[("4", "2")].estimated
    # new money of the merged programme comes from both old ones
    assert flows[("2", "2")].b == {"lasten": 65000, "baten": 6000}
    assert flows[("4", "2")].b == {"lasten": 45000, "baten": 0}


def test_programme_rows_match_by_code_and_title(restructured):
    comparison, _, _ = restructured
    by_old = {r.old.code: r for r in comparison.programmes if r.old is not None}
    assert by_old["1"].new.code == "1" and by_old["1"].delta.lasten == Decimal("100.00")
    assert by_old["2"].new is None   # "Economie" became "Economie en cultuur": not the same programme
    assert by_old["3"].new is None   # "Sociaal" became "Onderwijs" under the same code: not the same
    only_new = {r.new.code for r in comparison.programmes if r.old is None}
    assert only_new == {"2", "3", "5"}


def test_allocate_is_exact_and_proportional():
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(-100, [1, 1, 1]) == [-33, -33, -34] or sum(allocate(-100, [1, 1, 1])) == -100
    assert sum(allocate(-100, [1, 1, 1])) == -100
    assert allocate(250001, [1, 2]) == [83334, 166667]
    assert allocate(7, [0, 5]) == [0, 7]


def test_pairs_are_chronological():
    class E:
        def __init__(self, id, year, kind):
            self.id = id
            self.config = type("C", (), {"year": year, "kind": kind})()
    b23, j23, b24 = E("b23", 2023, "begroting"), E("j23", 2023, "jaarstukken"), E("b24", 2024, "begroting")
    assert [(x.id, y.id) for x, y in pairs([b24, j23, b23])] == [
        ("j23", "b24"), ("b23", "b24"), ("b23", "j23")]
    # six begrotingen: each with the one before it only (not all 15 pairs)
    years = [E(f"b{y}", y, "begroting") for y in range(2021, 2027)]
    assert [(x.id, y.id) for x, y in pairs(years)] == [(f"b{y - 1}", f"b{y}") for y in range(2026, 2021, -1)]
    # a voorjaarsnota between: compared with the jaarstukken before it and its own begroting
    v24 = E("v24", 2024, "voorjaarsnota")
    assert {(x.id, y.id) for x, y in pairs([b23, j23, b24, v24]) if y.id == "v24"} == {("b24", "v24")}
    assert {(x.id, y.id) for x, y in pairs([b23, j23, b24, v24])} == {
        ("b23", "j23"), ("j23", "b24"), ("b23", "b24"), ("b24", "v24")}


def test_word_diff_marks_added_and_removed_words():
    html, added, removed = word_diff("<p>We bouwen 100 woningen.</p><p>Een oud stuk.</p>",
                                     "<p>We bouwen 120 woningen.</p><p>Een <b>nieuw</b> stuk.</p><p>Erbij.</p>",
                                     {"added": "toegevoegd", "removed": "verwijderd"})
    assert (added, removed) == (3, 2)
    assert '<del><span class="visually-hidden">verwijderd: </span>100</del>' in html
    assert '<ins><span class="visually-hidden">toegevoegd: </span>120</ins>' in html
    assert html.count("<p>") == 3
    assert "<p>Erbij.</p>" not in html and "Erbij.</ins></p>" in html
    # text is escaped, never passed through
    html, _, _ = word_diff("", "<p>a &lt;script&gt; b</p>", {"added": "+", "removed": "-"})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_begroot_diff_prints_the_comparison(tmp_path):
    from tests.test_end_to_end import run

    project = _project(tmp_path / "p")
    result = run("diff", str(project), "begroting-2024", "begroting-2025", "--words")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    # in English, as every other message of the CLI (the project's site is Dutch)
    assert "Begroting 2024 and Begroting 2025 compared" in text
    assert "Merged: 2 Economie, 4 Cultuur → 2 Economie en cultuur" in text
    assert "Split: 3 Sociaal → 3 Onderwijs, 5 Zorg" in text
    assert "3 → 5 Zorg: expenditure 3, 41.0 % *" in text   # 2.666,66 of the 6.499,99 lasten, pro rata
    assert "vergeleken" not in text and "Gesplitst" not in text
    assert "Traceback" not in result.stderr
    bad = run("diff", str(project), "begroting-2024", "begroting-2030")
    assert bad.returncode == 2 and "no edition 'begroting-2030'" in bad.stderr


def test_comparison_page(tmp_path):
    from tests.test_end_to_end import run, soup_of

    project = _project(tmp_path / "p")
    site = tmp_path / "site"
    result = run("build", str(project), "--out", str(site))
    assert result.returncode == 0, result.stderr
    soup = soup_of(site / "vergelijk" / "begroting-2024" / "begroting-2025" / "index.html")
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h3")]
    assert "Samengevoegd: Programma 2: Economie, Programma 4: Cultuur → Programma 2: Economie en cultuur" in headings
    assert "Gesplitst: Programma 3: Sociaal → Programma 3: Onderwijs, Programma 5: Zorg" in headings
    assert soup.find(id="geschat") is not None   # the pro-rata flows are explained
    per_head = {tr.find("th").get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
                for tr in soup.find(id="per-inwoner").find_parent("table").find("tbody").find_all("tr")}
    # 9.300,00 / 1.000 and 10.131,11 / 1.100 = 9,21009..., each year by its own inhabitants
    assert per_head["Lasten"] == ["€\xa09,30", "€\xa09,21", "€\xa0-0,09", "-1,0 %"]
    index = soup_of(site / "vergelijk" / "index.html")
    assert index.find("a", href="../vergelijk/begroting-2024/begroting-2025/") is not None
    # the page's table downloads hold the taakveld groups with exact amounts
    rows = list(csv.DictReader((site / "vergelijk" / "begroting-2024" / "begroting-2025" / "taakvelden.csv")
                               .read_text(encoding="utf-8").splitlines()))
    six_one = next(r for r in rows if r["taakvelden_oud"] == "6.1")
    assert (six_one["lasten_oud"], six_one["lasten_nieuw"]) == ("2500.01", "3000.00")


def _groningen(path: Path) -> dict[str, tuple[Decimal, Decimal]]:
    """Lasten and baten per taakveld code (x € 1.000) of Groningen, straight from a CBS file."""
    out = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            if rec["Gemeenten"] == "Groningen":
                code = rec["Taakveld"].split(" ", 1)[0]
                out[code] = (Decimal(rec["Lasten"] or "0"), Decimal(rec["Baten"] or "0"))
    return out


def test_groningen_2023_against_2024_from_the_real_files(tmp_path, real_data, demo_dir):
    """Per comparable taakveld group, the comparison's amounts and differences equal the CBS files'."""
    import shutil

    project = tmp_path / "groningen"
    toml = '[organisation]\nname = "Gemeente Groningen"\n'
    for year in (2023, 2024):
        folder = project / f"begroting-{year}"
        folder.mkdir(parents=True)
        shutil.copyfile(demo_dir / "begroting-2024" / "programmas.csv", folder / "programmas.csv")
        shutil.copyfile(real_data / "iv3-gemeenten" / f"{year}_begroting.csv", folder / "iv3.csv")
        toml += textwrap.dedent(f"""
            [[editions]]
            id = "begroting-{year}"
            year = {year}
            [[editions.finance]]
            file = "iv3.csv"
            layout = "wide"
            unit = 1000
            filter = {{ Gemeenten = "Groningen" }}
            [editions.finance.columns]
            taakveld = "Taakveld"
            [editions.finance.amounts]
            Lasten = {{ kind = "lasten" }}
            Baten = {{ kind = "baten" }}
            """)
    (project / "begroot.toml").write_text(toml, encoding="utf-8")
    loaded = load_project(project)
    assert loaded.problems.errors == [], [p.format() for p in loaded.problems.errors]
    a, b = loaded.budget.edition("begroting-2023"), loaded.budget.edition("begroting-2024")
    comparison = compare(a, loaded.figures[a.id], b, loaded.figures[b.id])
    old = _groningen(real_data / "iv3-gemeenten" / "2023_begroting.csv")
    new = _groningen(real_data / "iv3-gemeenten" / "2024_begroting.csv")
    thousand = Decimal(1000)
    seen_old, seen_new = set(), set()
    for g in comparison.groups:
        for i, kind in enumerate(KINDS):
            want_a = sum((old[c][i] for c in g.old), Decimal(0)) * thousand
            want_b = sum((new[c][i] for c in g.new), Decimal(0)) * thousand
            assert getattr(g.a, kind) == want_a, (g.old, kind)
            assert getattr(g.b, kind) == want_b, (g.new, kind)
            assert getattr(g.delta, kind) == want_b - want_a, (g.old, g.new, kind)
        assert not (seen_old & set(g.old)) and not (seen_new & set(g.new))  # each code in one group
        seen_old |= set(g.old)
        seen_new |= set(g.new)
    # every code with money is in a group, and the groups add up to the files' totals
    assert {c for c, v in old.items() if any(v)} <= seen_old
    assert {c for c, v in new.items() if any(v)} <= seen_new
    total_new = sum((v[0] for v in new.values()), Decimal(0)) * thousand
    assert sum((g.b.lasten for g in comparison.groups), Decimal(0)) == total_new == Decimal(1_331_787_000)
    # the programmes are the same in both (same list), and each one's difference is its own
    same = [ch for ch in comparison.changes if ch.kind == "same"]
    assert len(same) == len(a.top_level())


def test_word_diff_folds_unchanged_paragraphs():
    old = "".join(f"<p>Alinea {i} blijft.</p>" for i in range(5)) + "<p>Oud slot.</p>"
    new = "".join(f"<p>Alinea {i} blijft.</p>" for i in range(5)) + "<p>Nieuw slot.</p>"
    html, added, removed = word_diff(old, new, {"added": "+", "removed": "-", "folded": "({n} weggelaten)"})
    assert (added, removed) == (1, 1)
    assert "Alinea" not in html                         # the unchanged paragraphs are not repeated
    assert '<p class="folded">(5 weggelaten)</p>' in html
    assert html.index("folded") < html.index("Nieuw")


def test_a_rewritten_text_is_not_diffed():
    old = "<p>" + " ".join(f"oud{i}" for i in range(50)) + "</p>"
    new = "<p>" + " ".join(f"nieuw{i}" for i in range(40)) + " oud1 oud2</p>"
    html, added, removed = word_diff(old, new, {"added": "+", "removed": "-"}, rewritten=0.4)
    assert html is None and (added, removed) == (40, 48)
    html, _, _ = word_diff(old, new, {"added": "+", "removed": "-"})   # without the threshold: a diff
    assert "<del>" in html


def test_a_shared_taakveld_stays_with_the_programmes_that_continue(tmp_path):
    """Taakveld 0.1 is booked on programmes 1 and 2 in both years: nothing moved between them;
    the new programme 9 that also books on 0.1 takes its new money from both, pro rata."""
    programmes = "code;naam;hoofdprogramma;taakvelden;soort\n1;Bestuur;;;programma\n2;Dienstverlening;;;programma\n"
    old = "Taakveld;Programma;Soort;Bedrag\n0.1;1;Lasten;600\n0.1;2;Lasten;400\n"
    new = "Taakveld;Programma;Soort;Bedrag\n0.1;1;Lasten;700\n0.1;2;Lasten;300\n0.1;9;Lasten;100\n"
    project = _project(tmp_path / "p", (programmes, old),
                       (programmes + "9;Participatie;;;programma\n", new))
    loaded = load_project(project)
    assert loaded.problems.errors == []
    a, b = loaded.budget.edition("begroting-2024"), loaded.budget.edition("begroting-2025")
    c = compare(a, loaded.figures[a.id], b, loaded.figures[b.id])
    flows = {(f.old, f.new): f for f in c.flows}
    assert flows[("1", "1")].a["lasten"] == 60000 and not flows[("1", "1")].estimated
    assert flows[("2", "2")].a["lasten"] == 40000
    assert flows[("1", "1")].b["lasten"] == 70000 and flows[("2", "2")].b["lasten"] == 30000
    assert flows[("1", "9")].b["lasten"] == 6000 and flows[("2", "9")].b["lasten"] == 4000
    assert flows[("1", "9")].a["lasten"] == 0 and flows[("1", "9")].estimated
    assert {(ch.kind, tuple(ch.old), tuple(ch.new)) for ch in c.changes} == {
        ("same", ("1",), ("1",)), ("same", ("2",), ("2",)), ("new", (), ("9",))}


def test_a_taakveld_in_one_edition_only_is_a_plain_row(tmp_path):
    from begroot.compare import GroupRow
    from begroot.figures import Amounts

    only_old = GroupRow(("0.11",), (), {}, Amounts(Decimal(5), Decimal(0)), Amounts())
    assert not only_old.changed_codes and only_old.delta == Amounts(Decimal(-5), Decimal(0))
    assert GroupRow(("6.71a",), ("6.711",), {}, None, None).changed_codes


def test_demo_texts_compared_across_the_restructuring(demo_built):
    """The old programme 4 of 2016 went mostly to programme 3 "Vitaal en Sociaal": its texts are
    compared with that programme's, on the comparison's texts page."""
    from tests.test_end_to_end import soup_of

    site, _ = demo_built
    soup = soup_of(site / "vergelijk" / "begroting-2016" / "begroting-2023" / "teksten" / "index.html")
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    assert ("Teksten van Programma 4: Welzijn, gezondheid, zorg en vernieuwing sociaal domein → "
            "Programma 3: Vitaal en Sociaal") in headings
    figures = soup_of(site / "vergelijk" / "begroting-2016" / "begroting-2023" / "index.html")
    assert figures.find("a", href="../../../vergelijk/begroting-2016/begroting-2023/teksten/") is not None


def test_every_pair_of_editions_is_compared():
    class E:
        def __init__(self, id, year, kind):
            self.id = id
            self.config = type("C", (), {"year": year, "kind": kind})()
    b16, b23, j23, b24 = (E("b16", 2016, "begroting"), E("b23", 2023, "begroting"), E("j23", 2023, "jaarstukken"),
                          E("b24", 2024, "begroting"))
    assert [(x.id, y.id) for x, y in all_pairs([b24, j23, b16, b23])] == [
        ("j23", "b24"), ("b23", "b24"), ("b16", "b24"), ("b23", "j23"), ("b16", "j23"), ("b16", "b23")]
    years = [E(f"b{y}", y, "begroting") for y in range(2015, 2025)]
    assert len(all_pairs(years)) == 45 and all(x.config.year < y.config.year for x, y in all_pairs(years))
    # the suggested pairs are some of them
    assert set(pairs([b24, j23, b16, b23])) <= set(all_pairs([b24, j23, b16, b23]))


def test_demo_compares_any_two_editions(demo_built):
    """/vergelijk/ has a form to choose two editions (GET; without JavaScript it leads to the list of
    every comparison on the same page) and that list; every pair has its page, 2016 → 2024 too."""
    from tests.test_end_to_end import soup_of

    site, _ = demo_built
    soup = soup_of(site / "vergelijk" / "index.html")
    form = soup.find("form", class_="compare-form")
    assert (form["method"], form["action"]) == ("get", "#alle-vergelijkingen")
    ids = ["begroting-2016", "begroting-2023", "jaarstukken-2023", "begroting-2024"]
    for name in ("van", "naar"):
        select = form.find("select", attrs={"name": name})
        assert [o["value"] for o in select.find_all("option")] == ids
        assert soup.find("label", attrs={"for": select["id"]}) is not None
    listed = [a["href"] for a in soup.find(id="alle-vergelijkingen").find_all("a")]
    expected = [f"../vergelijk/{a}/{b}/" for j, b in reversed(list(enumerate(ids))) for a in reversed(ids[:j])]
    assert listed == expected and len(listed) == 6
    for href in listed:
        assert (site / "vergelijk" / href.split("/vergelijk/")[1] / "index.html").exists(), href
    page = soup_of(site / "vergelijk" / "begroting-2016" / "begroting-2024" / "index.html")
    assert page.find("h1").get_text(strip=True) == "Begroting 2016 en Begroting 2024 vergeleken"


@pytest.mark.parametrize("pair", [("begroting-2016", "begroting-2023"), ("begroting-2016", "begroting-2024"),
                                  ("begroting-2023", "begroting-2024")])
def test_programme_table_columns_hold_what_their_header_says(demo_built, pair):
    """In "Per programma", a column headed by an edition holds only that edition's programmes: a
    programme that exists only in the older edition is not under the newer edition's header."""
    from tests.test_end_to_end import soup_of

    site, _ = demo_built
    soup = soup_of(site / "vergelijk" / pair[0] / pair[1] / "index.html")
    table = soup.find(id="programmas").find_parent("section").find("table")
    headers = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    titles = {"begroting-2016": "Begroting 2016", "begroting-2023": "Begroting 2023", "begroting-2024": "Begroting 2024"}
    assert headers[0] == "Programma"
    checked = 0
    for row in table.find("tbody").find_all("tr"):
        cells = row.find_all(["th", "td"])
        for header, cell in zip(headers[:2], cells[:2]):
            for a in cell.find_all("a"):
                edition = a["href"].split("../")[-1].split("/")[0]
                if header in titles.values():
                    assert titles[edition] == header, (header, cell.get_text(" ", strip=True))
                    checked += 1
        if "alleen in" in cells[0].get_text():
            assert cells[1].find("a") is not None  # its own edition's column names it
    assert checked > 0
