"""Never a silent wrong figure: messy exports, each read to the cent or stopped with its message.

Every case is an export in a shape real ones have (a column of "1,652" beside integers, subtotal
rows with and without a mapped description, real lines called "Totaal …", header-only files,
wrong encodings, sums beyond 64 bits, digits of other scripts) with its exact totals or its exact
messages. The property test at the end generates exports and checks that the published total and
the rows listed as not counted account for every number in the file, or that check stops.
"""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from begroot.cli import app
from begroot.project import load_project

from .conftest import BASE_TOML, LONG_SOURCE, write_project

DESCRIBED = BASE_TOML + """
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "Soort"
amount = "Bedrag"
description = "Omschrijving"
"""
WIDE = BASE_TOML + """
[[editions.finance]]
file = "financien.csv"
layout = "wide"
[editions.finance.columns]
taakveld = "Taakveld"
[editions.finance.amounts]
Lasten = { kind = "lasten" }
Baten = { kind = "baten" }
"""


def with_setting(toml: str, line: str) -> str:
    return toml.replace('file = "financien.csv"', 'file = "financien.csv"\n' + line, 1)


def load(tmp_path, finance, toml=BASE_TOML + LONG_SOURCE, **kw):
    return load_project(write_project(tmp_path / "p", toml=toml, finance=finance, **kw))


def totals(loaded) -> tuple[int, int]:
    lines = loaded.budget.editions[0].lines
    return (int(lines.filter(pl.col("kind") == "lasten")["cents"].sum()),
            int(lines.filter(pl.col("kind") == "baten")["cents"].sum()))


def messages(loaded) -> list[str]:
    return [p.format() for p in loaded.problems]


def account(loaded):
    return loaded.budget.editions[0].sources[0].account


# ---------------------------------------------------------------------------------------------
# 1. Decimal marks: proven by the column, never by the site's language

def test_a_column_of_1652_beside_integers_stops_with_the_setting_to_choose(tmp_path):
    loaded = load(tmp_path, "Taakveld;Soort;Bedrag\n6.1;Lasten;1,652\n6.2;Lasten;4,621\n4.2;Lasten;4271\n")
    assert messages(loaded) == [
        'error: begroting-2024/financien.csv, row 2, column "Bedrag": the numbers can be read two ways: '
        "'1,652' (row 2) and '4,621' (row 3) can be 1652 with ',' separating thousands, or 1 652/1000 with ',' "
        "as the decimal mark; no cell of the column decides it — hint: set decimal = \".\" for this file in "
        "begroot.toml when ',' separates thousands, or decimal = \",\" when it is the decimal mark"]


def test_the_same_column_with_its_setting_is_read_to_the_cent(tmp_path):
    body = "Taakveld;Soort;Bedrag\n6.1;Lasten;1,652\n6.2;Lasten;4,621\n4.2;Lasten;4271\n"
    loaded = load(tmp_path, body, toml=with_setting(BASE_TOML + LONG_SOURCE, 'decimal = "."'))
    assert messages(loaded) == [] and totals(loaded) == ((1652 + 4621 + 4271) * 100, 0)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_site_language_never_changes_a_figure(tmp_path, language):
    body = "Taakveld;Soort;Bedrag\n6.1;Lasten;1.331.787\n6.2;Lasten;1.234\n6.1;Baten;12,5\n"
    toml = f'[site]\nlanguage = "{language}"\n' + BASE_TOML + LONG_SOURCE  # [site] before [[editions]]
    loaded = load(tmp_path, body, toml=toml)
    assert messages(loaded) == [] and totals(loaded) == ((1331787 + 1234) * 100, 1250)


def test_two_notations_in_one_column_stop(tmp_path):
    loaded = load(tmp_path, "Taakveld;Soort;Bedrag\n6.1;Lasten;1.234,5\n6.2;Lasten;1,234.5\n")
    assert [p.code for p in loaded.problems] == ["mixed-decimal"]


def test_digits_of_other_scripts_are_errors_never_no_amount(tmp_path):
    loaded = load(tmp_path, "Taakveld;Soort;Bedrag\n6.1;Lasten;١٢٣\n6.2;Lasten;１２３\n6.2;Lasten;5\n")
    assert [(p.code, p.row) for p in loaded.problems] == [("amount-other-digits", 2), ("amount-other-digits", 3)]


# ---------------------------------------------------------------------------------------------
# 2. Subtotals: left out only when proven

def test_a_real_line_called_totaal_is_counted_with_a_warning(tmp_path):
    body = ("Taakveld;Omschrijving;Soort;Bedrag\n2.1;Onderhoud wegen;Lasten;1.200.000\n"
            "2.1;Totaal onderhoud wegen en fietspaden;Lasten;5.670.000\n2.2;Parkeren;Lasten;300.000\n")
    loaded = load(tmp_path, body, toml=DESCRIBED, programmes="code;naam;hoofdprogramma;taakvelden;soort\n"
                                                            "2;Verkeer;;2.*;programma\n")
    assert messages(loaded) == [
        'warning: begroting-2024/financien.csv, row 3, column "Omschrijving": \'Totaal onderhoud wegen en '
        "fietspaden' (column \"Omschrijving\") starts with 'Totaal', but the row's amounts are not the sum of the "
        "rows above it, so it is counted as an ordinary line; compared with the rows above it since the start of the "
        'file that have the same "Soort" (row 2): "Bedrag" is 5.670.000 in the row and 1.200.000 in those rows, '
        "a difference of 4.470.000 — hint: if the row is a total of other rows, name its "
        "marker column as total_column in begroot.toml; otherwise nothing to do"]
    assert totals(loaded) == (717_000_000, 0)


def test_subtotals_in_an_unmapped_description_column_are_not_counted_twice(tmp_path):
    body = ("Taakveld;Omschrijving;Soort;Bedrag\n6.1;Wijkteams;Lasten;100\n6.2;Toegang;Lasten;50\n"
            ";Subtotaal sociaal;Lasten;150\n4.2;Scholen;Lasten;30\n;TOTAAL;Lasten;180\n")
    loaded = load(tmp_path, body)  # the description column is not named in begroot.toml
    assert totals(loaded) == (18_000, 0)
    assert [(p.code, p.row) for p in loaded.problems] == [("subtotal-row", 4), ("subtotal-row", 6)]
    assert "'Subtotaal sociaal' is the total of rows 2–3" in messages(loaded)[0]
    assert "'TOTAAL' is the total of rows 2–5" in messages(loaded)[1]
    acc = account(loaded)
    assert acc.summary() == "5 rows read, 3 counted, 2 not counted: 2 subtotals"
    assert [(u.row, u.reason, u.amounts) for u in acc.listed] == [
        (4, "subtotal", {"Bedrag": 15_000}), (6, "subtotal", {"Bedrag": 18_000})]


def test_nested_subtotals_and_a_grand_total_with_lasten_and_baten(tmp_path):
    body = ("Taakveld;Omschrijving;Soort;Bedrag\n6.1;a;Lasten;10\n6.1;b;Baten;4\n6.2;c;Lasten;5\n"
            ";Totaal lasten;Lasten;15\n;Totaal baten;Baten;4\n4.2;d;Lasten;1\n;Generaal totaal;Lasten;16\n")
    loaded = load(tmp_path, body, toml=DESCRIBED)
    assert totals(loaded) == (1_600, 400)
    assert [p.row for p in loaded.problems if p.code == "subtotal-row"] == [5, 6, 8]
    assert not loaded.problems.errors


def test_subtotal_rows_of_a_wide_file_are_proven_in_every_column(tmp_path):
    body = ("Taakveld;Lasten;Baten\n6.1;10;4\n6.2;5;1\nSubtotaal;15;5\n4.2;2;2\nTotaal;17;7\n"
            "Totaal parkeren;3;0\n")
    loaded = load(tmp_path, body, toml=WIDE)
    # "Totaal parkeren" is not the sum of anything: it is read as a line, and its taakveld cell holds no code
    assert sorted((p.row, p.code) for p in loaded.problems) == [
        (4, "subtotal-row"), (6, "subtotal-row"), (7, "bad-taakveld-format"), (7, "total-word-counted")]


def test_a_sum_row_without_any_label_is_a_proven_subtotal(tmp_path):
    body = "Taakveld;Soort;Bedrag\n6.1;Lasten;10\n6.2;Lasten;5\n;;15\n"
    loaded = load(tmp_path, body)
    assert totals(loaded) == (1_500, 0) and [p.code for p in loaded.problems] == ["subtotal-row"]


def test_a_label_less_row_that_does_not_add_up_is_an_error_not_a_skip(tmp_path):
    loaded = load(tmp_path, "Taakveld;Soort;Bedrag\n6.1;Lasten;10\n6.2;Lasten;5\n;Lasten;14\n")
    assert [(p.code, p.row) for p in loaded.problems] == [("bad-taakveld-format", 4)]


def test_totals_marked_by_the_export_and_rows_kept_on_purpose(tmp_path):
    body = ("Regel;Taakveld;Omschrijving;Soort;Bedrag\nD;6.1;a;Lasten;10\nT;6.1;b;Lasten;99\nD;6.2;c;Lasten;5\n"
            ";6.2;Totaal;Lasten;15\n")
    toml = with_setting(BASE_TOML + LONG_SOURCE, 'total_column = "Regel"\ntotal_values = ["T"]\nkeep_rows = [5]')
    loaded = load(tmp_path, body, toml=toml)
    # row 3 is marked (not counted though it adds up to nothing); row 5 adds up but is kept on purpose
    assert totals(loaded) == (3_000, 0)
    acc = account(loaded)
    assert [(u.row, u.reason) for u in acc.listed] == [(3, "subtotal")] and acc.kept == [5]
    assert [(p.code, p.row) for p in loaded.problems] == [("subtotal-row", 3)]


def test_repeated_headers_blank_rows_and_subtotals_are_all_accounted_for(tmp_path):
    body = ("Taakveld;Soort;Bedrag\n6.1;Lasten;10\n\nTaakveld;Soort;Bedrag\n6.2;Lasten;5\n;;\n"
            "Totaal;Lasten;15\n6.1;Lasten;-\n")
    loaded = load(tmp_path, body)
    acc = account(loaded)
    assert acc.summary() == ("7 rows read, 2 counted, 5 not counted: 1 subtotal, 1 repeated header, "
                             "1 row without an amount, 2 blank rows")
    column = acc.columns[0]
    assert (column.total, column.counted, column.uncounted) == (3_000, 1_500, 1_500) and acc.balanced()
    result = CliRunner().invoke(app, ["check", str(tmp_path / "p")], catch_exceptions=False)
    assert "begroting-2024/financien.csv: 7 rows read, 2 counted, 5 not counted: 1 subtotal" in result.output


# ---------------------------------------------------------------------------------------------
# 3. Files without lines, wrong encodings, filters

def test_an_export_with_a_header_and_no_lines_is_an_error(tmp_path):
    loaded = load(tmp_path, "Taakveld;Soort;Bedrag\n;;\n")
    assert messages(loaded) == [
        "error: begroting-2024/financien.csv, row 2: the file has a header but no lines — hint: export the lines "
        "again; for an edition without figures, remove its [[editions.finance]] and set text_only = true"]
    assert CliRunner().invoke(app, ["check", str(tmp_path / "p")]).exit_code == 1


def test_utf16_without_a_byte_order_mark_is_read(tmp_path):
    body = "Taakveld\tSoort\tBedrag\n6.1\tLasten\t12,5\n".encode("utf-16-le")
    loaded = load(tmp_path, body)
    assert messages(loaded) == [] and totals(loaded) == (1_250, 0)


def test_utf8_read_as_cp1252_hints_at_the_encoding(tmp_path):
    body = "Taakveld;Omschrijving;Soort;Bedrag\n6.1;Één café € 5;Lasten;5\n".encode("utf-8")
    loaded = load(tmp_path, body, toml=with_setting(BASE_TOML + LONG_SOURCE, 'encoding = "cp1252"'))
    assert [(p.code, p.row) for p in loaded.problems] == [("garbled-text", 2)]
    assert 'set encoding = "utf-8"' in loaded.problems.items[0].hint and "â‚¬" in loaded.problems.items[0].message


def test_a_filter_value_that_matches_nothing_names_the_value_in_the_file(tmp_path):
    body = "Gemeente;Taakveld;Soort;Bedrag\n's-Gravenhage;6.1;Lasten;5\nUtrecht (gemeente);6.1;Lasten;7\n"
    loaded = load(tmp_path, body, toml=with_setting(BASE_TOML + LONG_SOURCE, 'filter = { Gemeente = "Den Haag" }'))
    assert messages(loaded) == [
        'error: begroting-2024/financien.csv, column "Gemeente": no row has \'Den Haag\' in column "Gemeente" — '
        "hint: the file writes it ''s-Gravenhage': set the filter to ''s-Gravenhage'"]


def test_rows_filtered_out_are_summed_in_the_account(tmp_path):
    body = "Gemeente;Taakveld;Soort;Bedrag\nA;6.1;Lasten;5\nB;6.1;Lasten;7\nB;6.2;Lasten;1\n"
    loaded = load(tmp_path, body, toml=with_setting(BASE_TOML + LONG_SOURCE, 'filter = { Gemeente = "A" }'))
    acc = account(loaded)
    assert totals(loaded) == (500, 0) and acc.reasons == {"filtered": 2} and acc.filtered_sums == {"Bedrag": 800}


# ---------------------------------------------------------------------------------------------
# 4. Arithmetic that cannot overflow

def test_ten_lines_beyond_the_bound_are_ten_errors_not_a_negative_total(tmp_path):
    body = "Taakveld;Soort;Bedrag\n" + "6.1;Lasten;9.999.999.999.999.999,99\n" * 10
    loaded = load(tmp_path, body)
    assert [p.code for p in loaded.problems] == ["amount-too-large"] * 10


def test_an_edition_whose_sum_leaves_64_bits_stops(tmp_path):
    # each line is within the bound of one cell (EUR 10^12), the edition's sum (2,000 x EUR 10^12) is not
    body = "Taakveld;Soort;Bedrag\n" + "6.1;Lasten;1.000.000.000.000\n" * 2000
    loaded = load(tmp_path, body)
    assert [p.code for p in loaded.problems] == ["edition-too-large"]
    assert loaded.problems.items[0].message.startswith("the amounts of edition begroting-2024 add up to more than")


def test_expected_totals_are_compared_and_reported_exactly_in_dutch(tmp_path):
    toml = BASE_TOML + "\n[editions.expected]\nlasten = 100448\nunit = 1000\n" + LONG_SOURCE
    loaded = load(tmp_path, "Taakveld;Soort;Bedrag\n6.1;Lasten;100.448.316,92\n", toml=toml)
    assert messages(loaded) == [
        'error: begroot.toml, column "editions.begroting-2024.expected.lasten": total lasten of begroting-2024 is '
        "100.448,31692 (× € 1.000), but begroot.toml expects 100.448: a difference of 0,31692 — hint: find the "
        "missing or extra lines in the export, or correct the expected total"]


def test_a_missing_programme_list_is_one_error(tmp_path):
    project = write_project(tmp_path / "p", finance="Taakveld;Soort;Bedrag\n6.1;Lasten;5\n6.2;Lasten;5\n4.2;Lasten;1\n",
                            files={"begroting-2024/teksten/1-doelstelling.md": "Tekst.\n"})
    (project / "begroting-2024" / "programmas.csv").unlink()
    assert [p.code for p in load_project(project).problems] == ["programmes-unreadable"]


# ---------------------------------------------------------------------------------------------
# 4b. Baten booked as negative numbers (credits): never published as negative income

CREDITS = "Taakveld;Soort;Bedrag\n1.1;Lasten;1.000,00\n0.4;Lasten;500\n1.2;Baten;-200\n0.61;Baten;-1.300,00\n"


def test_baten_adding_up_to_less_than_zero_stop_with_the_setting_to_choose(tmp_path):
    loaded = load(tmp_path, CREDITS)
    [error] = [p for p in loaded.problems.errors]
    assert (error.code, error.file, error.row, error.column) == ("baten-negative", "begroting-2024/financien.csv",
                                                                  4, "Bedrag")
    assert "2 of its 2 baten lines are negative, e.g. rows 4, 5" in error.message
    assert 'baten_booked = "negative"' in error.hint and 'baten_booked = "positive"' in error.hint


def test_baten_booked_negative_are_turned_and_positive_ones_kept(tmp_path):
    turned = load(tmp_path / "a", CREDITS, toml=with_setting(BASE_TOML + LONG_SOURCE, 'baten_booked = "negative"'))
    assert turned.problems.errors == [] and totals(turned) == (150000, 150000)
    fig = turned.figures["begroting-2024"].grand()
    assert (str(fig.baten), str(fig.saldo)) == ("1500.00", "0.00")
    kept = load(tmp_path / "b", CREDITS, toml=with_setting(BASE_TOML + LONG_SOURCE, 'baten_booked = "positive"'))
    assert kept.problems.errors == [] and totals(kept) == (150000, -150000)
    # a single negative baten line (a correction) in a file whose baten are positive: read as booked
    mixed = load(tmp_path / "c", CREDITS.replace("-1.300,00", "1.300,00"))
    assert mixed.problems.errors == [] and totals(mixed) == (150000, 110000)


def test_baten_booked_negative_with_signed_is_refused(tmp_path):
    toml = BASE_TOML + '[[editions.finance]]\nfile = "financien.csv"\nsigned = true\nbaten_booked = "negative"\n' \
        '[editions.finance.columns]\ntaakveld = "Taakveld"\namount = "Bedrag"\n'
    loaded = load(tmp_path, "Taakveld;Bedrag\n1.1;1000\n0.61;-1300\n", toml=toml)
    assert [p.code for p in loaded.problems.errors] == ["baten-booked-signed"]


# ---------------------------------------------------------------------------------------------
# 5. The property: every number accounted for, or check stops naming the place

NOTATIONS = {
    "nl": lambda c: _grouped(c, ".", ","), "en": lambda c: _grouped(c, ",", "."),
    "nl-plain": lambda c: _plain(c, ","), "en-plain": lambda c: _plain(c, "."),
}


def _plain(cents: int, mark: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}{mark}{frac:02d}" if frac else f"{sign}{whole}"


def _grouped(cents: int, sep: str, mark: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    text = f"{whole:,}".replace(",", sep)
    return f"{sign}{text}{mark}{frac:02d}" if frac else f"{sign}{text}"


row_kinds = st.sampled_from(["line", "line", "line", "line", "blank", "header", "subtotal", "fake-total"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notation=st.sampled_from(sorted(NOTATIONS)),
       rows=st.lists(st.tuples(row_kinds, st.integers(-10**9, 10**9), st.sampled_from(["6.1", "6.2", "4.2"])),
                     min_size=1, max_size=25))
def test_every_number_is_counted_or_listed_or_check_stops(tmp_path_factory, notation, rows):
    write = NOTATIONS[notation]
    lines, block, numbers_in_file = ["Taakveld;Omschrijving;Soort;Bedrag"], 0, []
    for kind, cents, tv in rows:
        if kind == "line":
            lines.append(f"{tv};regel;Lasten;{write(cents)}")
            block += cents
            numbers_in_file.append(cents)
        elif kind == "blank":
            lines.append(";;;")
        elif kind == "header":
            lines.append("Taakveld;Omschrijving;Soort;Bedrag")
        elif kind == "subtotal":
            lines.append(f";Subtotaal;Lasten;{write(block)}")
            numbers_in_file.append(block)
            block = 0
        else:  # a real line whose text starts with "Totaal"
            lines.append(f"{tv};Totaal {tv};Lasten;{write(cents)}")
            block += cents
            numbers_in_file.append(cents)
    project = write_project(tmp_path_factory.mktemp("prop") / "p", finance="\n".join(lines) + "\n")
    loaded = load_project(project)
    if loaded.problems.errors:
        # the only acceptable stop names the place: a file and a row or a column
        assert all(p.file and (p.row or p.column) for p in loaded.problems.errors), messages(loaded)
        return
    acc = account(loaded)
    published = int(loaded.budget.editions[0].lines["cents"].sum())
    listed = sum(u.amounts.get("Bedrag", 0) for u in acc.listed)
    assert published + listed == sum(numbers_in_file)
    assert acc.columns[0].total == sum(numbers_in_file) and acc.balanced()
    # and no figure was misread: the counted lines are the file's numbers less the rows listed
    counted = Counter(loaded.budget.editions[0].lines["cents"].to_list())
    assert counted == Counter(numbers_in_file) - Counter(u.amounts["Bedrag"] for u in acc.listed if u.amounts)


# ---------------------------------------------------------------------------------------------
# 6. The verantwoording on the site

def test_the_site_publishes_every_row_not_counted_with_its_amounts(tmp_path):
    from bs4 import BeautifulSoup

    from begroot.build import build

    body = ("Taakveld;Omschrijving;Soort;Bedrag\n6.1;Wijkteams;Lasten;100,25\n6.2;Toegang;Lasten;50\n"
            ";Subtotaal sociaal;Lasten;150,25\nTaakveld;Omschrijving;Soort;Bedrag\n4.2;Scholen;Lasten;30\n")
    project = write_project(tmp_path / "p", toml="[site]\npdf = false\n" + BASE_TOML + LONG_SOURCE, finance=body)
    build(project, tmp_path / "site")
    html = (tmp_path / "site" / "begroting-2024" / "verantwoording" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert "5 regels gelezen, 3 geteld, 2 niet geteld." in soup.get_text(" ")
    # the file's heading may break after its folder (not "begroting- / 2024/financien.csv" on a phone)
    assert str(soup.find("h2").code) == "<code>begroting-2024/<wbr/>financien.csv</code>"
    def cells(table):
        return [[c.get_text(" ", strip=True).replace("\xa0", " ") for c in tr.find_all(["th", "td"])]
                for tr in table.tbody.find_all("tr")]

    sums = cells(soup.find_all("table")[0])
    assert sums == [["Bedrag", "€ 330,50", "€ 180,25", "€ 150,25"]]
    listed = cells(soup.find_all("table")[1])
    assert listed == [["4", "subtotaal (de som van rij 2 tot en met 3)", "Subtotaal sociaal · Lasten", "€ 150,25"],
                      ["5", "herhaalde kopregel", "Taakveld · Omschrijving · Soort", "–"]]
    csv = (tmp_path / "site" / "begroting-2024" / "verantwoording" / "bestand-1-niet-geteld.csv").read_text("utf-8")
    assert "150.25" in csv
    edition = (tmp_path / "site" / "begroting-2024" / "index.html").read_text(encoding="utf-8")
    assert 'href="verantwoording/"' in edition or "verantwoording/" in edition


def test_the_share_chart_names_the_largest_share_when_baten_are_negative(tmp_path):
    """Baten published as booked (negative): the chart's sentence names the programme with the
    largest share, as its bars show, not the one with the largest (least negative) amount."""
    from begroot.build import build

    project = write_project(tmp_path / "p", toml=with_setting(BASE_TOML + LONG_SOURCE, 'baten_booked = "positive"'),
                            finance=CREDITS)
    build(project, tmp_path / "site")
    page = (tmp_path / "site" / "begroting-2024" / "index.html").read_text(encoding="utf-8")
    assert "Algemene dekkingsmiddelen heeft het grootste aandeel in de baten: 86,7 %." in page
