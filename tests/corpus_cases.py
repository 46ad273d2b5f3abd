"""The bad-input corpus: small projects that each contain one thing real exports get wrong.

Each case is a function that writes its files into a fresh project folder. The expected
messages live in test_corpus.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .conftest import BASE_TOML, GOOD_FINANCE, LONG_SOURCE, PROGRAMME_SOURCE, PROGRAMMES_CSV, write_project

HEAD = "Taakveld;Soort;Bedrag\n"


def finance(body: str | bytes, *, toml: str = BASE_TOML + LONG_SOURCE, **kw):
    def make(root: Path) -> Path:
        data = body if isinstance(body, bytes) else body
        return write_project(root, toml=toml, finance=data, **kw)
    return make


def one(amount: str) -> str:
    return HEAD + f"6.1;Lasten;{amount}\n"


def xlsx(rows: list[list], *, sheet_state: str = "visible", formula: bool = False, sheet_name: str | None = None):
    def make(root: Path) -> Path:
        from openpyxl import Workbook

        toml = (BASE_TOML + LONG_SOURCE).replace('"financien.csv"', '"financien.xlsx"')
        if sheet_name:
            toml = toml.replace('file = "financien.xlsx"', f'file = "financien.xlsx"\nsheet = "{sheet_name}"')
        project = write_project(root, toml=toml)
        book = Workbook()
        ws = book.active
        ws.title = "Export"
        for r in rows:
            ws.append(r)
        if formula:
            ws["C3"] = "=C2*2"  # openpyxl saves formulas without a cached result
        if sheet_state != "visible":
            ws.sheet_state = sheet_state
            book.create_sheet("Anders").append(["Taakveld", "Soort", "Bedrag"])
        book.save(project / "begroting-2024" / "financien.xlsx")
        return project
    return make


def raw_xlsx(data: bytes):
    def make(root: Path) -> Path:
        toml = (BASE_TOML + LONG_SOURCE).replace('"financien.csv"', '"financien.xlsx"')
        project = write_project(root, toml=toml)
        (project / "begroting-2024" / "financien.xlsx").write_bytes(data)
        return project
    return make


def truncated_xlsx(root: Path) -> Path:
    project = xlsx([["Taakveld", "Soort", "Bedrag"], ["6.1", "Lasten", 5]])(root)
    path = project / "begroting-2024" / "financien.xlsx"
    path.write_bytes(path.read_bytes()[:600])
    return project


def zip_bomb(root: Path) -> Path:
    project = raw_xlsx(b"")(root)
    with zipfile.ZipFile(project / "begroting-2024" / "financien.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))  # limit lowered to 2 MB in the test
    return project


def huge_file(root: Path) -> Path:
    project = write_project(root, finance=GOOD_FINANCE)
    with (project / "begroting-2024" / "financien.csv").open("r+b") as fh:
        fh.truncate(200 * 1024 * 1024)  # a sparse 200 MB file: nothing is written to disk
    return project


def files(extra: dict, *, programmes: str = PROGRAMMES_CSV, toml: str = BASE_TOML + LONG_SOURCE):
    def make(root: Path) -> Path:
        return write_project(root, toml=toml, finance=GOOD_FINANCE, programmes=programmes, files=extra)
    return make


def config(text: str):
    def make(root: Path) -> Path:
        project = write_project(root, finance=GOOD_FINANCE)
        (project / "begroot.toml").write_text(text, encoding="utf-8")
        return project
    return make


def broken_docx(root: Path) -> Path:
    import docx

    project = write_project(root, finance=GOOD_FINANCE)
    path = project / "begroting-2024" / "teksten" / "1-doelstelling.docx"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_paragraph("Tekst.")
    document.save(path)
    path.write_bytes(path.read_bytes()[:2000])
    return project


WIDE = BASE_TOML + """
[[editions.finance]]
file = "financien.csv"
layout = "wide"
[editions.finance.columns]
taakveld = "Taakveld"
[editions.finance.amounts]
Lasten = { kind = "lasten" }
Baten = { kind = "baten" }
Saldo = { kind = "saldo" }
"""
WITH_YEAR = BASE_TOML + """
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
categorie = "Categorie"
kind = "Soort"
year = "Jaar"
amount = "Bedrag"
"""
PROGRAMME_COLUMN = BASE_TOML + PROGRAMME_SOURCE

#: name -> (what to write, whether the messages may include warnings only)
BAD = {
    "encoding-neither-utf8-nor-cp1252": finance(HEAD.encode() + b"6.1;Lasten;\x81\x8d\n"),
    "amount-letters": finance(one("12,3x")),
    "amount-word": finance(one("twaalf")),
    "amount-exponent": finance(one("1,5E+3")),
    "amount-too-large": finance(one("99999999999999999999")),
    "amount-more-precise-than-a-cent": finance(one("0,001")),
    "amount-date": finance(one("01-02-2024")),
    "amount-two-minus-signs": finance(one("(-5)")),
    "taakveld-unknown": finance(HEAD + "9.9;Lasten;5\n"),
    "taakveld-retired": finance(HEAD + "6.71a;Lasten;5\n", toml=(BASE_TOML + LONG_SOURCE).replace("year = 2024", "year = 2025")),
    "taakveld-not-a-code": finance(HEAD + "Algemeen;Lasten;5\n"),
    "taakveld-without-programme": finance(HEAD + "7.2;Lasten;5\n"),
    "kind-unknown": finance(HEAD + "6.1;Q;5\n"),
    "column-missing": finance("Taakveld;Soort;Waarde\n6.1;Lasten;5\n"),
    "header-below-a-title-row": finance("Begroting 2024;;\nTaakveld;Soort;Bedrag\n6.1;Lasten;5\n"),
    "row-with-extra-fields": finance(HEAD + "6.1;Lasten;5\n6.1;Lasten;5;extra\n"),
    "file-empty": finance(""),
    "file-only-bom": finance(b"\xef\xbb\xbf"),
    "file-missing": files({}, toml=(BASE_TOML + LONG_SOURCE).replace('"financien.csv"', '"ontbreekt.csv"')),
    "file-200-mb": huge_file,
    "file-old-xls": files({"begroting-2024/oud.xls": b"\xd0\xcf\x11\xe0"},
                          toml=(BASE_TOML + LONG_SOURCE).replace('"financien.csv"', '"oud.xls"')),
    "file-unknown-type": files({"begroting-2024/f.ods": b"x"},
                               toml=(BASE_TOML + LONG_SOURCE).replace('"financien.csv"', '"f.ods"')),
    "programme-duplicate": files({}, programmes=PROGRAMMES_CSV + "1;Veiligheid opnieuw;;;programma\n"),
    "programme-unknown-parent": files({}, programmes=PROGRAMMES_CSV + "9.1;Zwerver;9;;programma\n"),
    "programme-unknown-in-export": finance("Programma;Soort;Bedrag\n1;Lasten;5\n8;Lasten;5\n", toml=PROGRAMME_COLUMN),
    "text-unknown-programme": files({"begroting-2024/teksten/7-doelstelling.md": "Tekst.\n"}),
    "text-bad-front-matter": files({"begroting-2024/teksten/1-x.md": "---\ntitel: [open\n---\nTekst\n"}),
    "text-truncated-docx": broken_docx,
    "indicator-without-unit": files({"begroting-2024/indicatoren.csv":
                                     "programma;naam;eenheid;jaar;waarde;bron\n1;Inbraken;;2023;4;Politie\n"}),
    "total-differs-from-stated": files({}, toml=BASE_TOML + "\n[editions.expected]\nlasten = 1\nunit = 1000\n" + LONG_SOURCE),
    "saldo-not-baten-minus-lasten": finance("Taakveld;Lasten;Baten;Saldo\n6.1;10;4;-5\n", toml=WIDE),
    "categorie-unknown": finance("Taakveld;Categorie;Soort;Jaar;Bedrag\n6.1;9.9;Lasten;2024;5\n", toml=WITH_YEAR),
    "year-not-a-year": finance("Taakveld;Categorie;Soort;Jaar;Bedrag\n6.1;3.4.1;Lasten;twintig;5\n", toml=WITH_YEAR),
    "filter-matches-nothing": files({}, toml=(BASE_TOML + LONG_SOURCE).replace(
        'file = "financien.csv"', 'file = "financien.csv"\nfilter = { Soort = "Geen" }')),
    "ambiguous-decimal-mark": finance(one("1,652") + "6.2;Lasten;4,621\n6.1;Baten;4271\n"),
    "two-decimal-marks": finance(one("1.234,5") + "6.2;Lasten;1,234.5\n"),
    "digits-of-another-script": finance(one("١٢٣") + "6.2;Lasten;１２３\n"),
    "amount-beyond-the-bound": finance(one("9.999.999.999.999.999,99")),
    "edition-folder-missing": config(BASE_TOML.replace('year = 2024', 'year = 2024\nfolder = "elders"') + LONG_SOURCE),
    "config-not-toml": config("[organisation\nname = 'x'\n"),
    "config-unknown-setting": config(BASE_TOML + LONG_SOURCE + "\n[site]\nkleur = 'rood'\n"),
    "config-missing-name": config(BASE_TOML.replace('name = "Gemeente Voorbeeld"\n', "") + LONG_SOURCE),
    "xlsx-truncated": truncated_xlsx,
    "xlsx-not-a-workbook": raw_xlsx(b"Taakveld;Soort;Bedrag\n6.1;Lasten;5\n"),
    "xlsx-zip-bomb": zip_bomb,
    "xlsx-formula-without-result": xlsx([["Taakveld", "Soort", "Bedrag"], ["6.1", "Lasten", 5], ["6.2", "Lasten"]],
                                        formula=True),
    "xlsx-unknown-sheet": xlsx([["Taakveld", "Soort", "Bedrag"], ["6.1", "Lasten", 5]], sheet_name="Blad9"),
    "xlsx-date-in-amounts": xlsx([["Taakveld", "Soort", "Bedrag"], ["6.1", "Lasten", __import__("datetime").datetime(2024, 2, 1)]]),
}

#: Inputs that are accepted, each with a warning the user should see (exit 0, or 1 with --strict).
WARN = {
    "repeated-header-row": finance(HEAD + "6.1;Lasten;5\nTaakveld;Soort;Bedrag\n6.2;Lasten;7\n"),
    "subtotal-row": finance(HEAD + "6.1;Lasten;5\n6.2;Lasten;7\nTotaal programma 2;Lasten;12\n"),
    "hidden-sheet": xlsx([["Taakveld", "Soort", "Bedrag"], ["6.1", "Lasten", 5]], sheet_state="hidden",
                         sheet_name="Export"),
    "amount-on-a-group-taakveld": finance(HEAD + "6.71;Lasten;5\n"),
}

#: Inputs that are read exactly as they are meant: (what to write, total lasten in cents).
GOOD = {
    "utf8-with-bom": (finance(b"\xef\xbb\xbf" + one("5").encode()), 500),
    "cp1252": (finance(("Taakveld;Omschrijving;Soort;Bedrag\n6.1;Één café;Lasten;5\n").encode("cp1252")), 500),
    "utf16-excel-unicode-text": (finance("Taakveld\tSoort\tBedrag\n6.1\tLasten\t5\n".encode("utf-16")), 500),
    "comma-separated-english": (finance('Taakveld,Soort,Bedrag\n6.1,Lasten,"1,234.56"\n'), 123456),
    "pipe-separated": (finance("Taakveld|Soort|Bedrag\n6.1|Lasten|5\n"), 500),
    "crlf-line-ends": (finance(one("5").replace("\n", "\r\n")), 500),
    "dutch-thousands-and-decimals": (finance(one("1.234,56")), 123456),
    # a lone "1.234" reads two ways; a cell with a decimal comma in the column decides it
    "negative-in-parentheses": (finance(one("(1.234)") + "6.2;Lasten;0,50\n"), -123350),
    "negative-with-trailing-minus": (finance(one("1.234-") + "6.2;Lasten;12,5\n"), -122150),
    "euro-sign": (finance(one("€ 1.234") + "6.2;Lasten;€ 1.000.000\n"), 100123400),
    "decimal-mark-set-in-begroot-toml": (finance(one("1,652") + "6.2;Lasten;4271\n", toml=(BASE_TOML + LONG_SOURCE)
                                                 .replace('file = "financien.csv"', 'file = "financien.csv"\ndecimal = "."')),
                                         592300),
    "space-as-thousands-separator": (finance(one("1 234 567")), 123456700),
    "dash-means-no-amount": (finance(HEAD + "6.1;Lasten;-\n6.2;Lasten;5\n"), 500),
    "empty-amount": (finance(HEAD + "6.1;Lasten;\n6.2;Lasten;5\n"), 500),
    "nvt": (finance(HEAD + "6.1;Lasten;n.v.t.\n6.2;Lasten;5\n"), 500),
    "blank-rows": (finance(HEAD + "\n6.1;Lasten;5\n;;\n\n6.2;Lasten;5\n"), 1000),
    "quoted-separator-in-description": (finance('Taakveld;Omschrijving;Soort;Bedrag\n6.1;"Wijk; buurt";Lasten;5\n'), 500),
    "xlsx-numbers-and-dutch-text": (xlsx([["Taakveld", "Soort", "Bedrag"], ["6.1", "Lasten", 1234.56],
                                          ["6.2", "Lasten", "1.000,44"]]), 223500),
}
