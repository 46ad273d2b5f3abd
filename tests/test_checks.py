"""Readers and checks on small projects; every message is asserted verbatim."""

from decimal import Decimal

from begroot.errors import grouped_lines
from begroot.project import load_project

from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, PROGRAMMES_CSV, write_project


def messages(root):
    return [p.format() for p in load_project(root).problems]


def test_good_project_has_no_problems_and_adds_up(good_project):
    loaded = load_project(good_project)
    assert loaded.problems.items == []
    fig = loaded.figures["begroting-2024"]
    assert fig.grand().lasten == Decimal("7200.50")
    assert fig.grand().baten == Decimal("4700")
    assert fig.grand().saldo == Decimal("-2500.50")
    assert fig.of("2").lasten == Decimal("5500")  # rolled up from 2.1 and 2.2
    assert fig.of("2.2").baten == Decimal("500")
    assert fig.share_lasten("2") == Decimal("5500") / Decimal("7200.50")
    assert fig.reconciles()


def test_non_numeric_amount(tmp_path):
    root = write_project(tmp_path, finance=GOOD_FINANCE.replace("3.000", "3.000x"))
    assert messages(root) == [
        'error: begroting-2024/financien.csv, row 4, column "Bedrag": \'3.000x\' is not a number'
        " — hint: write amounts as 1.234,56 or 1234.56, without letters"
    ]


def test_unknown_taakveld(tmp_path):
    root = write_project(tmp_path, finance=GOOD_FINANCE.replace("6.1;Baten", "6.71a;Baten").replace(
        "4.2;Lasten", "4.9;Lasten"))
    msgs = messages(root)
    assert 'error: begroting-2024/financien.csv, row 4, column "Taakveld": taakveld 4.9 does not exist in the ' \
           "Iv3 list of 2024 — hint: use a taakveld of the Iv3 2024 list (see /taakvelden/ or the CBS Iv3 " \
           "definitions); 4.9 is a taakveld of the lists of a provincie: check kind under [organisation]" in msgs
    assert len(msgs) == 1  # 6.71a exists in 2024


def test_taakveld_of_another_year(tmp_path):
    toml = (BASE_TOML + LONG_SOURCE).replace("year = 2024", "year = 2025")
    root = write_project(tmp_path, toml=toml, finance=GOOD_FINANCE.replace("6.1;Baten", "6.71a;Baten"))
    assert messages(root) == [
        'error: begroting-2024/financien.csv, row 6, column "Taakveld": taakveld 6.71a does not exist in the '
        "Iv3 list of 2025 — hint: 6.71a was replaced by 6.711 in 2025"
    ]


def test_missing_column(tmp_path):
    root = write_project(tmp_path, finance=GOOD_FINANCE.replace("Bedrag", "Waarde"))
    assert messages(root) == [
        'error: begroting-2024/financien.csv, row 1: column "Bedrag" not found; the file has the columns: '
        "Taakveld, Soort, Waarde — hint: correct the column name in begroot.toml or in the file's header row"
    ]


def test_duplicate_programme(tmp_path):
    root = write_project(tmp_path, finance=GOOD_FINANCE, programmes=PROGRAMMES_CSV + "2.1;Nog eens;2;;programma\n")
    assert messages(root) == [
        'error: begroting-2024/programmas.csv, row 8, column "code": programme 2.1 is listed twice (first in row 4)'
        " — hint: give each programme its own code, or remove the duplicate row"
    ]


def test_text_for_a_programme_that_does_not_exist(tmp_path):
    root = write_project(tmp_path, finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/9-doelstelling.md": "Tekst.\n",
        "begroting-2024/teksten/intro.md": "---\nprogramma: '7'\nsectie: inleiding\n---\nTekst.\n",
    })
    assert messages(root) == [
        "error: begroting-2024/teksten/9-doelstelling.md: this text is for programme 9, which is not in the "
        "programme list — hint: correct 'programma' in the front matter or the file name, or add the programme",
        "error: begroting-2024/teksten/intro.md: this text is for programme 7, which is not in the programme "
        "list — hint: correct 'programma' in the front matter or the file name, or add the programme",
    ]


def test_words_owner_file_beside_an_open_text_is_not_read(tmp_path):
    # Word writes ~$<name>.docx beside a document it has open; it is not a document
    root = write_project(tmp_path, finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.md": "Tekst.\n",
        "begroting-2024/teksten/~$doelstelling.docx": b"\x08jan     \x00\x00",
    })
    assert messages(root) == []


def test_a_text_of_a_type_begroot_does_not_read_is_reported(tmp_path):
    root = write_project(tmp_path, finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-doelstelling.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "begroting-2024/teksten/1-ambitie.odt": b"PK\x03\x04",
        "begroting-2024/teksten/plaatjes/kaart.png": b"\x89PNG\r\n\x1a\n",
    })
    assert messages(root) == [
        "warning: begroting-2024/teksten/1-ambitie.odt: begroot does not read .odt files: this text is not on "
        "the site — hint: save it as a Word document (.docx), or write it as Markdown (.md)",
        "warning: begroting-2024/teksten/1-doelstelling.doc: begroot does not read .doc files: this text is not "
        "on the site — hint: save it as a Word document (.docx), or write it as Markdown (.md)",
    ]


def test_a_workbook_whose_figures_are_on_a_later_sheet_names_the_sheets(tmp_path):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Toelichting"
    book.active["A1"] = "Zie blad Data"
    data = book.create_sheet("Data")
    for row in [("Taakveld", "Soort", "Bedrag"), ("6.1", "Lasten", 2500), ("6.1", "Baten", 500)]:
        data.append(row)
    out = io.BytesIO()
    book.save(out)
    toml = BASE_TOML + LONG_SOURCE.replace("financien.csv", "financien.xlsx")
    root = write_project(tmp_path, toml=toml, files={"begroting-2024/financien.xlsx": out.getvalue()})
    assert messages(root)[0] == (
        "error: begroting-2024/financien.xlsx, row 1: column \"Taakveld\" not found; sheet 'Toelichting' has the "
        "columns: Zie blad Data — hint: correct the column name in begroot.toml or in the file's header row; or, "
        "if the data is on another sheet of the workbook, set sheet = \"Data\" for this file in begroot.toml")
    # following the hint reads the figures
    (root / "begroot.toml").write_text(toml.replace('file = "financien.xlsx"', 'file = "financien.xlsx"\nsheet = "Data"'),
                                       encoding="utf-8")
    assert not [m for m in messages(root) if m.startswith("error")]


def test_an_empty_text_is_reported_and_left_off_the_site(tmp_path):
    # an empty file, or front matter only: the programme page showed the heading with nothing under it
    root = write_project(tmp_path, finance=GOOD_FINANCE, files={
        "begroting-2024/teksten/1-ambitie.md": "",
        "begroting-2024/teksten/1-beleid.md": "---\nprogramma: '1'\n---\n\n",
        "begroting-2024/teksten/1-doelstelling.md": "Tekst.\n",
    })
    budget = load_project(root)
    assert [p.format() for p in budget.problems] == [
        f"warning: begroting-2024/teksten/{name}: the text is empty; it is not on the site — hint: write it, "
        "or delete it" for name in ("1-ambitie.md", "1-beleid.md")]
    assert [t.source for t in budget.budget.editions[0].texts] == ["begroting-2024/teksten/1-doelstelling.md"]


def test_a_programme_taakveld_of_no_iv3_code_is_reported(tmp_path):
    # a typo in programmas.csv (9.9 for 0.9) was accepted without a word
    root = write_project(tmp_path, finance=GOOD_FINANCE, programmes=PROGRAMMES_CSV + "VPB;Vennootschapsbelasting;;9.9;overzicht\n")
    assert messages(root) == [
        "warning: begroting-2024/programmas.csv, row 8, column \"taakvelden\": '9.9' in the taakvelden of programme "
        "VPB is no taakveld of the Iv3 lists — hint: correct the code (see /taakvelden/ or the CBS Iv3 "
        "definitions)"]


def test_taakveld_that_no_programme_takes(tmp_path):
    root = write_project(tmp_path, finance=GOOD_FINANCE + "7.2;Lasten;10\n7.2;Baten;12\n")
    assert messages(root) == [
        "error: begroting-2024/financien.csv: taakveld 7.2 (rows 9, 10) belongs to no programme, so the site's "
        "totals would not reconcile with the export — hint: add 7.2 to the taakvelden of a programme in "
        "begroting-2024/programmas.csv"
    ]


def test_total_that_does_not_reconcile_with_the_stated_total(tmp_path):
    toml = BASE_TOML + "\n[editions.expected]\nlasten = 7.2\nbaten = 4.7\nunit = 1000\n" + LONG_SOURCE
    root = write_project(tmp_path, toml=toml, finance=GOOD_FINANCE)
    assert messages(root) == [
        'error: begroot.toml, column "editions.begroting-2024.expected.lasten": total lasten of begroting-2024 is '
        "7,2005 (× € 1.000), but begroot.toml expects 7,2: a difference of 0,0005 — hint: find the missing or "
        "extra lines in the export, or correct the expected total"
    ]


def test_saldo_column_must_be_baten_minus_lasten(tmp_path):
    from .corpus_cases import WIDE as toml

    finance = "Taakveld;Lasten;Baten;Saldo\n1.1;100;40;-60\n6.1;10;5;5\n"
    root = write_project(tmp_path, toml=toml, finance=finance)
    assert messages(root) == [
        'error: begroting-2024/financien.csv, row 3, column "Saldo": saldo 5 is not baten minus lasten (-5)'
        " — hint: correct the saldo or the lasten and baten of this row"
    ]


def test_5000_bad_rows_print_four_lines(tmp_path):
    finance = "Taakveld;Soort;Bedrag\n" + "6.1;Lasten;x\n" * 5000
    root = write_project(tmp_path, finance=finance)
    problems = load_project(root).problems
    assert len(problems.errors) == 5000
    lines = grouped_lines(problems.items)
    assert len(lines) == 4
    assert lines[3] == ('error: … and 4997 more of the same problem in begroting-2024/financien.csv, '
                        'column "Bedrag" (rows 5–5001)')


def test_unknown_kind_year_and_categorie_values(tmp_path):
    toml = BASE_TOML + """
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
categorie = "Categorie"
kind = "Soort"
year = "Jaar"
amount = "Bedrag"
"""
    finance = ("Taakveld;Categorie;Soort;Jaar;Bedrag\n6.1;3.4.1;L;2024;10\n6.1;3.4.1;Q;2024;10\n"
               "6.1;3.4.1;B;twintig;10\n6.1;9.9;L;2024;10\n")
    root = write_project(tmp_path, toml=toml, finance=finance)
    assert messages(root) == [
        "error: begroting-2024/financien.csv, row 3, column \"Soort\": 'Q' is not lasten or baten — hint: use "
        "Lasten/Baten (or L/B), or add the value to kind_values in begroot.toml",
        "error: begroting-2024/financien.csv, row 4, column \"Jaar\": 'twintig' is not a year — hint: write the "
        "year as four digits, e.g. 2024",
        'error: begroting-2024/financien.csv, row 5, column "Categorie": categorie 9.9 is not an Iv3 lasten '
        "categorie of 2024 — hint: use an economische categorie from the Iv3 list for that year",
    ]


def test_config_errors_name_the_setting(tmp_path):
    toml = BASE_TOML.replace('cbs_code = "GM0999"', 'cbs_code = "GM0999"\ncolour = "red"') + """
[[editions.finance]]
file = "financien.csv"
layout = "diagonal"
"""
    root = write_project(tmp_path, toml=toml, finance=GOOD_FINANCE)
    assert messages(root) == [
        "error: begroot.toml: organisation.colour: unknown setting — hint: run 'begroot docs project-format' "
        "for every setting",
        "error: begroot.toml: edition 1 (begroting-2024), finance 1, layout: 'diagonal' is not allowed; the "
        "allowed values are 'long' or 'wide' — hint: run 'begroot docs project-format' for every setting",
    ]


def test_iv3_style_file_with_filter_code_name_column_and_english_decimals(tmp_path):
    toml = BASE_TOML + """
[[editions.finance]]
file = "iv3.csv"
layout = "wide"
unit = 1000
filter = { Gemeenten = "Voorbeeld" }
[editions.finance.columns]
taakveld = "Taakveld"
[editions.finance.amounts]
Lasten = { kind = "lasten" }
Baten = { kind = "baten" }
"""
    iv3 = ("Gemeenten;Taakveld;Baten;Lasten\nAnders;1.1 Crisisbeheersing;1.0;999.0\n"
           "Voorbeeld;1.1 Crisisbeheersing en brandweer;17.0;24727.0\n"
           "Voorbeeld;6.1 Samenkracht en burgerparticipatie;7724.5;23540.0\n")
    root = write_project(tmp_path, toml=toml, files={"begroting-2024/iv3.csv": iv3})
    loaded = load_project(root)
    assert loaded.problems.items == []
    fig = loaded.figures["begroting-2024"]
    assert fig.grand().lasten == Decimal("48267000")
    assert fig.grand().baten == Decimal("7741500")


def test_long_file_with_years_columns_and_signed_amounts(tmp_path):
    toml = BASE_TOML + """
[[editions.finance]]
file = "grootboek.csv"
signed = true
[editions.finance.columns]
programme = "Programma"
year = "Jaar"
column = "Kolom"
amount = "Bedrag"
"""
    ledger = ("Programma,Jaar,Kolom,Bedrag\n1,2024,Begroting,\"1,000.00\"\n1,2024,Begroting,-250.25\n"
              "2.1,2025,Meerjarenraming,300\n2.1,2022,Realisatie,(40)\n")
    root = write_project(tmp_path, toml=toml, files={"begroting-2024/grootboek.csv": ledger})
    loaded = load_project(root)
    assert loaded.problems.items == []
    fig = loaded.figures["begroting-2024"]
    assert fig.periods == [(2022, "realisatie"), (2024, "begroting"), (2025, "meerjarenraming")]
    assert fig.of("1").lasten == Decimal("1000.00") and fig.of("1").baten == Decimal("250.25")
    assert fig.of("2", (2025, "meerjarenraming")).lasten == Decimal("300")
    assert fig.of("2", (2022, "realisatie")).baten == Decimal("40")


def test_xlsx_finance_file(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["Taakveld", "Soort", "Bedrag"])
    ws.append(["6.1", "Lasten", 1234.56])
    ws.append(["0.4", "Baten", "2.000,25"])
    ws.append(["1.2", "Lasten", "twee"])
    toml = (BASE_TOML + LONG_SOURCE).replace('"financien.csv"', '"financien.xlsx"')
    root = write_project(tmp_path, toml=toml)
    book.save(root / "begroting-2024" / "financien.xlsx")
    loaded = load_project(root)
    assert [p.format() for p in loaded.problems] == [
        'error: begroting-2024/financien.xlsx, row 4, column "Bedrag": \'twee\' is not a number — hint: write '
        "amounts as 1.234,56 or 1234.56, without letters"
    ]
    fig = loaded.figures["begroting-2024"]
    assert fig.grand().lasten == Decimal("1234.56")
    assert fig.grand().baten == Decimal("2000.25")


def test_group_taakveld_with_an_amount_is_a_warning(tmp_path):
    root = write_project(tmp_path, finance=GOOD_FINANCE + "6.71;Lasten;5\n")
    problems = load_project(root).problems
    assert [p.format() for p in problems] == [
        'warning: begroting-2024/financien.csv, row 9, column "Taakveld": amount booked on taakveld 6.71, which is '
        "a group in 2024 — hint: book it on one of 6.71a, 6.71b, 6.71c, 6.71d"
    ]
    assert not problems.has_errors() and problems.has_errors(strict=True)


def test_a_project_without_an_accessibility_contact_is_warned_with_the_key_to_set(tmp_path):
    no_email = BASE_TOML.replace('email = "begroting@example.org"', "")
    root = write_project(tmp_path / "none", toml=no_email + LONG_SOURCE, finance=GOOD_FINANCE)
    assert messages(root) == [
        "warning: begroot.toml: the accessibility statement gives readers no address to report a problem to "
        '— hint: set contact = "toegankelijkheid@gemeente.nl" (or the https:// address of a contact form) '
        "under [accessibility], or email under [organisation]"]
    for contact in ("toegankelijkheid@gemeente.nl", "https://www.gemeente.nl/contact"):
        toml = f'[accessibility]\ncontact = "{contact}"\n' + no_email + LONG_SOURCE
        root = write_project(tmp_path / contact.split("/")[-1], toml=toml, finance=GOOD_FINANCE)
        assert messages(root) == [], contact


def test_an_accessibility_contact_must_be_an_email_or_web_address(tmp_path):
    toml = '[accessibility]\ncontact = "bel ons"\n' + BASE_TOML + LONG_SOURCE
    root = write_project(tmp_path, toml=toml, finance=GOOD_FINANCE)
    assert messages(root) == [
        "error: begroot.toml: accessibility.contact: 'bel ons' is neither an e-mail address (name@gemeente.nl) "
        "nor a web address (https://www.gemeente.nl/contact) — hint: run 'begroot docs project-format' for "
        "every setting"]


def test_an_unknown_programme_in_a_wide_file_is_reported_once_per_row(tmp_path):
    """A row of a wide file is a line per amount column: its unknown programme is one error, not three."""
    from begroot.project import load_project

    from .conftest import BASE_TOML, write_project

    toml = BASE_TOML + ('[[editions.finance]]\nfile = "financien.csv"\nlayout = "wide"\n[editions.finance.columns]\n'
                        'programme = "Programma"\n[editions.finance.amounts]\nLasten = { kind = "lasten" }\n'
                        'Baten = { kind = "baten" }\n"Lasten 2025" = { kind = "lasten", year = 2025 }\n')
    finance = "Programma;Lasten;Baten;Lasten 2025\n1;100;20;110\n9;5;1;6\n"
    loaded = load_project(write_project(tmp_path / "p", toml=toml, finance=finance))
    unknown = [(p.code, p.row) for p in loaded.problems.errors if p.code == "unknown-programme"]
    assert unknown == [("unknown-programme", 3)]
