"""Lines of another year than the edition's: checked against their own year's Iv3 lists, and given
the programme of the code that replaced them (a begroting 2025 with the 2024 column beside it)."""

from decimal import Decimal

from begroot.project import load_project

from .conftest import BASE_TOML, write_project

TOML_2025 = BASE_TOML.replace("year = 2024", "year = 2025") + """
[[editions.finance]]
file = "financien.csv"
decimal = ","  # "1.000" alone reads two ways
[editions.finance.columns]
taakveld = "Taakveld"
categorie = "Categorie"
kind = "Soort"
year = "Jaar"
amount = "Bedrag"
"""

# Programme patterns in the codes of 2025, the edition's year.
PROGRAMMES_2025 = """code;naam;hoofdprogramma;taakvelden;soort
1;Veiligheid;;1.*;programma
2;Wmo;;6.60 6.711-6.714 6.791 6.811-6.812 6.91;programma
3;Jeugd;;6.751-6.763 6.792 6.821-6.822 6.92;programma
4;Meedoen;;6.1 6.21-6.23 6.3-6.5;programma
AD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7;overzicht
"""

# The 2024 lines in 2024 codes, the 2025 lines in 2025 codes; 4.4.1 is a categorie of 2024 only (and
# 4.5.1 of 2025), each on a taakveld where CBS allows it (no grijze cel).
FINANCE_TWO_YEARS = """\
Taakveld;Categorie;Soort;Jaar;Bedrag
1.1;4.5.1;Lasten;2025;1.000
1.1;4.4.1;Lasten;2024;900
6.711;3.8;Lasten;2025;500
6.71a;3.8;Lasten;2024;450
6.751;3.8;Lasten;2025;320
6.72a;3.8;Lasten;2024;300
6.22;3.8;Lasten;2025;210
6.2;3.8;Lasten;2024;200
6.60;3.8;Lasten;2025;120
6.6;3.8;Lasten;2024;100
0.61;;Baten;2025;4.000
0.61;;Baten;2024;3.900
"""


def messages(root):
    return [p.format() for p in load_project(root).problems]


def test_lines_of_the_previous_year_are_checked_against_their_own_year_and_find_their_programme(tmp_path):
    root = write_project(tmp_path, toml=TOML_2025, programmes=PROGRAMMES_2025, finance=FINANCE_TWO_YEARS)
    loaded = load_project(root)
    assert loaded.problems.items == []
    fig = loaded.figures["begroting-2024"]
    prog = fig.programmes
    assert prog["2"][(2025, "begroting")].lasten == Decimal("620")   # 6.711 + 6.60
    assert prog["2"][(2024, "begroting")].lasten == Decimal("550")   # 6.71a -> 6.711, 6.6 -> 6.60
    assert prog["3"][(2024, "begroting")].lasten == Decimal("300")   # 6.72a: all its successors are youth care
    assert prog["4"][(2024, "begroting")].lasten == Decimal("200")   # 6.2 -> 6.21, 6.22, 6.23
    assert prog["4"][(2025, "begroting")].lasten == Decimal("210")
    assert fig.total[(2024, "begroting")].lasten == Decimal("1950")
    assert fig.total[(2025, "begroting")].lasten == Decimal("2150")
    assert fig.total[(2024, "begroting")].baten == Decimal("3900")
    assert fig.reconciles()


def test_unknown_codes_are_named_against_the_lines_year_with_the_code_that_replaced_them(tmp_path):
    finance = """\
    Taakveld;Categorie;Soort;Jaar;Bedrag
    6.71a;3.8;Lasten;2025;10
    6.2;3.8;Lasten;2025;20
    6.99;3.8;Lasten;2024;30
    6.711;3.8;Lasten;2024;40
    1.1;4.4.1;Lasten;2025;50
    1.1;4.5.1;Lasten;2024;60
    """
    root = write_project(tmp_path, toml=TOML_2025, programmes=PROGRAMMES_2025, finance=finance)
    assert messages(root) == [
        'error: begroting-2024/financien.csv, row 2, column "Taakveld": taakveld 6.71a does not exist in the Iv3 '
        "list of 2025 — hint: 6.71a was replaced by 6.711 in 2025",
        'error: begroting-2024/financien.csv, row 3, column "Taakveld": taakveld 6.2 does not exist in the Iv3 '
        "list of 2025 — hint: 6.2 was replaced by 6.21, 6.22 and 6.23 in 2025: book each amount on the one "
        "that fits",
        'error: begroting-2024/financien.csv, row 4, column "Taakveld": taakveld 6.99 does not exist in the Iv3 '
        "lists of 2024 (the line's year) and 2025 — hint: use a taakveld of the Iv3 2024 list (see /taakvelden/ "
        "or the CBS Iv3 definitions)",
        # row 5: a 2024 line restated in the edition's 2025 code is accepted
        'error: begroting-2024/financien.csv, row 6, column "Categorie": categorie 4.4.1 is not an Iv3 lasten '
        "categorie of 2025 — hint: use an economische categorie from the Iv3 list for that year",
        # row 7: 4.5.1 (a 2025 categorie) on a 2024 line is accepted likewise
    ]


def test_a_future_code_on_a_line_of_an_earlier_edition_names_the_code_of_that_year(tmp_path):
    toml = BASE_TOML + TOML_2025.split(BASE_TOML.replace("year = 2024", "year = 2025"))[1]
    finance = "Taakveld;Categorie;Soort;Jaar;Bedrag\n6.711;3.8;Lasten;2024;10\n6.1;3.8;Lasten;2024;5\n"
    root = write_project(tmp_path, toml=toml, finance=finance)
    assert messages(root) == [
        'error: begroting-2024/financien.csv, row 2, column "Taakveld": taakveld 6.711 does not exist in the Iv3 '
        "list of 2024 — hint: 6.711 exists from 2025 on; in 2024 the code was 6.71a: check the line's year, or "
        "use that code",
    ]


def test_an_old_code_whose_successors_fall_under_several_programmes_is_reported_not_guessed(tmp_path):
    programmes = PROGRAMMES_2025.replace("6.811-6.812 6.91", "6.811-6.812 6.91 6.21").replace(
        "6.821-6.822 6.92", "6.821-6.822 6.92 6.22").replace("6.21-6.23", "6.23")
    finance = "Taakveld;Categorie;Soort;Jaar;Bedrag\n6.23;3.8;Lasten;2025;10\n6.2;3.8;Lasten;2024;200\n"
    root = write_project(tmp_path, toml=TOML_2025, programmes=programmes, finance=finance)
    assert messages(root) == [
        "error: begroting-2024/financien.csv: taakveld 6.2 of 2024 (row 3) belongs to no programme: in 2025 it "
        "is 6.21, 6.22 and 6.23, which fall under programmes 2, 3 and 4: its money cannot be divided among them "
        "without guessing, so the site's totals would not reconcile with the export — hint: add 6.2 to the "
        "taakvelden of one programme in begroting-2024/programmas.csv",
    ]
    # Naming the old code in one programme settles it.
    write_project(tmp_path, toml=TOML_2025, programmes=programmes.replace("6.1 6.23", "6.1 6.2 6.23"), finance=finance)
    loaded = load_project(root)
    assert loaded.problems.items == []
    assert loaded.figures["begroting-2024"].programmes["4"][(2024, "begroting")].lasten == Decimal("200")


def test_successors_follow_names_then_numbering_then_the_group():
    from begroot.reference.crosswalk import successors

    assert successors("6.71a", 2024, 2025) == ("6.711",)          # same name
    assert successors("6.711", 2025, 2024) == ("6.71a",)          # and back
    assert successors("6.2", 2024, 2025) == ("6.21", "6.22", "6.23")  # numbered below it
    assert successors("6.71", 2022, 2023) == ("6.71a", "6.71b", "6.71c", "6.71d")
    assert successors("6.21", 2025, 2024) == ("6.2",)              # numbered above it
    assert successors("6.72a", 2024, 2025) == ("6.751", "6.752", "6.753", "6.761", "6.762", "6.763",
                                               "6.792", "6.821", "6.822", "6.92")  # the whole group
    assert successors("1.1", 2024, 2025) == ("1.1",)
    assert successors("9.9", 2024, 2025) == ()
