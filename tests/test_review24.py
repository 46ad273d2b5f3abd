"""Review 24: figures published wrong or missing on inputs begroot had not seen."""

from decimal import Decimal

from begroot.project import load_project

from .conftest import BASE_TOML, PROGRAMME_SOURCE, write_project

WIDE_YEARS = BASE_TOML + """
[[editions.finance]]
file = "financien.csv"
layout = "wide"
{unit}
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
[editions.finance.amounts]
"{header}" = {{ year = 2024, column = "begroting" }}
"""


def _wide(tmp_path, header: str, unit: str = ""):
    finance = f"Taakveld;Soort;{header}\n1.1;Lasten;120\n6.1;Lasten;80\n0.7;Baten;200\n"
    return write_project(tmp_path, toml=WIDE_YEARS.format(header=header, unit=unit), finance=finance)


def test_an_amount_header_that_states_thousands_stops_a_file_read_in_euros(tmp_path):
    # "2024 (x € 1.000)" with the default unit (1) published € 120 for € 120.000
    root = _wide(tmp_path, "Begroting 2024 (x € 1.000)")
    problems = [p for p in load_project(root).problems if p.code == "unit-stated"]
    assert [p.format() for p in problems] == [
        'error: begroting-2024/financien.csv, column "Begroting 2024 (x € 1.000)": the header says the '
        "amounts are in € 1.000, but the file is read with unit = 1 (euros)"
        " — hint: set unit = 1000 for this file in begroot.toml (or correct the header)"
    ]


def test_other_ways_of_stating_the_unit_in_a_header(tmp_path):
    cases = {"Lasten x1000": 1000, "Bedrag (€ 1.000)": 1000, "Begroting 2024 in duizenden euro's": 1000,
             "2024 x € 1 mln": 1_000_000, "Raming (x € 1.000.000)": 1_000_000, "Begroting 2024 (€ mln)": 1_000_000}
    for n, (header, unit) in enumerate(cases.items()):
        root = _wide(tmp_path / str(n), header)
        codes = [p.code for p in load_project(root).problems if p.severity.value == "error"]
        assert codes == ["unit-stated"], header
        # with the unit the header states, the file is read and its amounts scaled
        root = _wide(tmp_path / f"{n}-set", header, unit=f"unit = {unit}")
        loaded = load_project(root)
        assert [p.code for p in loaded.problems if p.severity.value == "error"] == [], header
        assert loaded.figures["begroting-2024"].grand().lasten == Decimal(200 * unit), header


def test_headers_that_state_no_unit_are_read_as_they_are(tmp_path):
    for n, header in enumerate(["Begroting 2024", "Begroting 2024 (bedragen in euro)", "Raming 2025-2028",
                                "Lasten 1000 dagen"]):
        loaded = load_project(_wide(tmp_path / str(n), header))
        assert [p.code for p in loaded.problems if p.severity.value == "error"] == [], header


def _site(root):
    import datetime as dt

    from begroot.render.site import Site

    loaded = load_project(root)
    assert loaded.budget is not None, [p.format() for p in loaded.problems.errors]
    built = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    return Site(loaded.budget, loaded.figures, build_time=built, warnings=[]), loaded


#: A wide source by taakveld and kind; its amount columns follow.
WIDE_SOURCE = """
[[editions.finance]]
file = "financien.csv"
layout = "wide"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
[editions.finance.amounts]
"""

#: One source booked on programmes only, one by programme and taakveld.
LEDGER = PROGRAMME_SOURCE + """
[[editions.finance]]
file = "taakvelden.csv"
[editions.finance.columns]
programme = "Programma"
taakveld = "Taakveld"
kind = "Soort"
amount = "Bedrag"
"""


def test_money_without_a_taakveld_is_a_row_of_the_taakvelden_page_and_download(tmp_path):
    # one source books on programmes only: its 450 lasten and 500 baten were in the page's total
    # but in none of its rows, nor in downloads/taakvelden.csv
    from begroot.publish.downloads import taakveld_rows
    from begroot.render.pages import taakvelden

    root = write_project(tmp_path, toml=BASE_TOML + LEDGER,
                         finance="Programma;Soort;Bedrag\n1;Lasten;100\n2.2;Lasten;350\nAD;Baten;500\n",
                         files={"begroting-2024/taakvelden.csv": "Programma;Taakveld;Soort;Bedrag\n1;1.2;Lasten;1000\n"})
    site, loaded = _site(root)
    edition = loaded.budget.editions[0]
    page = taakvelden.view(site, edition)
    rows = page.tables["taakvelden"]
    counted = [r for r in rows if r["niveau"] not in ("hoofdtaakveld", "totaal")]
    total = next(r for r in rows if r["niveau"] == "totaal")
    assert sum(r["lasten"] for r in counted) == total["lasten"] == Decimal("1450.00")
    assert sum(r["baten"] for r in counted) == total["baten"] == Decimal("500.00")
    assert counted[-1] == {"taakveld": "", "naam": "Zonder taakveld", "programmas": "1, 2.2, Algemene dekkingsmiddelen",
                           "niveau": "zonder-taakveld", "lasten": Decimal("450.00"), "baten": Decimal("500.00"),
                           "saldo": Decimal("50.00")}
    assert "Zonder taakveld" in site.render(page)
    download = taakveld_rows(edition, loaded.figures[edition.id], "gemeente")
    assert sum(Decimal(r["lasten"]) for r in download) == Decimal("1450")
    assert sum(Decimal(r["baten"]) for r in download) == Decimal("500")
    assert download[-1]["taakveld"] == "" and download[-1]["naam"] == "(zonder taakveld)"



def test_money_without_a_taakveld_is_named_in_the_comparison_by_taakveld(tmp_path):
    # the comparison's table per taakveld had a row without a name for it
    from begroot.render.pages import compare as compare_page

    from .conftest import PROGRAMMES_CSV

    older = """
[[editions]]
id = "begroting-2023"
year = 2023
""" + LEDGER
    root = write_project(tmp_path, toml=BASE_TOML + LEDGER + older,
                         finance="Programma;Soort;Bedrag\n1;Lasten;100\n",
                         files={"begroting-2024/taakvelden.csv": "Programma;Taakveld;Soort;Bedrag\n1;1.2;Lasten;1000\n",
                                "begroting-2023/financien.csv": "Programma;Soort;Bedrag\n1;Lasten;70\n",
                                "begroting-2023/taakvelden.csv": "Programma;Taakveld;Soort;Bedrag\n1;1.2;Lasten;900\n",
                                "begroting-2023/programmas.csv": PROGRAMMES_CSV})
    site, loaded = _site(root)
    old, new = sorted(loaded.budget.editions, key=lambda e: e.config.year)
    rows = compare_page.view(site, old, new).tables["taakvelden"]
    assert [(r["naam"], r["lasten_oud"], r["lasten_nieuw"], r["verschil_lasten"]) for r in rows] == [
        ("1.2 Openbare orde en veiligheid", Decimal("900.00"), Decimal("1000.00"), Decimal("100.00")),
        ("Zonder taakveld", Decimal("70.00"), Decimal("100.00"), Decimal("30.00")),
    ]


def test_a_taakveld_of_another_years_list_is_named_in_the_taakvelden_download(tmp_path):
    # a begroting 2024 with the 2025 column in 2025's codes: downloads/taakvelden.csv had 6.711 without a name
    from begroot.publish.downloads import taakveld_rows

    toml = BASE_TOML + WIDE_SOURCE + ('"Begroting 2024" = { year = 2024, column = "begroting" }\n'
                                      '"Raming 2025" = { year = 2025, column = "meerjarenraming" }\n')
    root = write_project(tmp_path, toml=toml, finance="Taakveld;Soort;Begroting 2024;Raming 2025\n"
                         "6.71a;Lasten;60;\n6.711;Lasten;;70\n0.7;Baten;200;200\n")
    loaded = load_project(root)
    edition = loaded.budget.editions[0]
    names = {r["taakveld"]: r["naam"] for r in taakveld_rows(edition, loaded.figures[edition.id], "gemeente")}
    assert names["6.71a"] == names["6.711"] == "Huishoudelijke hulp (WMO)"


def test_an_edition_without_lines_of_its_own_period_is_warned_and_counts_that_periods_inhabitants(tmp_path):
    # a begroting 2024 whose file holds only the 2023 column: the site showed the begroting 2023 as its
    # figures, without a word, and divided them by the inhabitants of 2024 (€ 917 per inhabitant, not € 1.100)
    from begroot.render.pages import edition as edition_page
    from begroot.render.pages import programme as programme_page

    toml = (BASE_TOML.replace("[organisation]", "[organisation]\ninhabitants = { 2023 = 1000, 2024 = 1200 }")
            + WIDE_SOURCE + '"Begroting 2023" = { year = 2023, column = "begroting" }\n')
    root = write_project(tmp_path, toml=toml, finance="Taakveld;Soort;Begroting 2023\n1.1;Lasten;1100\n"
                         "4.1;Lasten;300\n6.1;Lasten;200\n0.7;Baten;1600\n")
    loaded = load_project(root)
    assert [p.format() for p in loaded.problems if p.code == "main-period-missing"] == [
        'warning: begroot.toml, column "editions.begroting-2024": edition begroting-2024 (begroting 2024) '
        "has no amounts of the begroting of 2024; its pages show the begroting of 2023 instead"
        " — hint: check the year and column of the amounts in [[editions.finance]] (constants, columns or amounts),"
        " or the edition's year"
    ]
    site, loaded = _site(root)
    edition = loaded.budget.editions[0]
    rows = edition_page.view(site, edition).tables["programmas"]
    assert {r["code"]: r["lasten_per_inwoner"] for r in rows} == {"1": Decimal("1.100000"), "2": Decimal("0.500000")}
    deel = programme_page.view(site, edition, edition.programmes["2"]).tables["deelprogrammas"]
    assert [r["lasten_per_inwoner"] for r in deel][:2] == [Decimal("0.300000"), Decimal("0.200000")]
    # compared with itself under another id, the same figures of 2023 are the same per inhabitant
    from begroot.render.pages import compare as compare_page

    twin = BASE_TOML.replace('"begroting-2024"', '"begroting-2023"').replace("year = 2024", "year = 2023")
    twin = toml + twin[twin.index("[[editions]]"):] + toml[toml.index("[[editions.finance]]"):]
    root = write_project(tmp_path / "twin", toml=twin, finance="Taakveld;Soort;Begroting 2023\n1.1;Lasten;1100\n0.7;Baten;1100\n",
                         files={"begroting-2023/financien.csv": "Taakveld;Soort;Begroting 2023\n1.1;Lasten;1100\n0.7;Baten;1100\n",
                                "begroting-2023/programmas.csv": open(root / "begroting-2024" / "programmas.csv").read()})
    site, loaded = _site(root)
    old, new = sorted(loaded.budget.editions, key=lambda e: e.config.year)
    heads = compare_page.view(site, old, new).tables["per-inwoner"]
    assert [(r["per_inwoner_oud"], r["per_inwoner_nieuw"], r["verschil_per_inwoner"]) for r in heads] == [
        (Decimal("1.100000"), Decimal("1.100000"), Decimal("0.000000"))] * 2
