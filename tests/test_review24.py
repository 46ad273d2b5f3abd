"""Review 24: figures published wrong or missing on inputs begroot had not seen."""

from decimal import Decimal

from begroot.project import load_project

from .conftest import BASE_TOML, write_project

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
