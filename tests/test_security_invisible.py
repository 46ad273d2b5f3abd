"""Invisible characters from the input ("Trojan Source"): the Unicode bidirectional controls and
the C0/C1 control characters in a cell or a text never reach a download, a page or the terminal;
each removal is a warning naming the file, row and column. Letters of every script stay."""

import csv
import io
import json
import subprocess
import sys
import zipfile

import polars as pl

from begroot.build import build
from begroot.clean import INVISIBLE, clean, describe
from begroot.project import load_project

from .conftest import GOOD_FINANCE, write_project

RLO, LRI, PDI, LRM, ALM = "\u202e", "\u2066", "\u2069", "\u200e", "\u061c"
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]

PROGRAMMES = ("code;naam;hoofdprogramma;taakvelden;soort\n"
              f"1;Veiligheid {RLO}001 netsaL;;1.*;programma\n"
              f"2;Sociaal\x1b[31m rood;;;programma\n"
              f"2.1;Onderwijs in het Arabisch (عربي) en Hebreeuws (עברית), één café;2;4.*;programma\n"
              "2.2;Zorg;2;6.*;programma\n"
              "AD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7;overzicht\nOH;Overhead;;0.4;overzicht\n")
INDICATORS = ("programma;naam;eenheid;jaar;waarde;bron\n"
              f"2;School{LRI}verlaters{PDI};%;2022;2,0;DUO\n2;School{LRI}verlaters{PDI};%;2023;1,8;DUO\n")
GOALS = ("programma;code;soort;doel;titel;tekst;taakvelden;indicatoren\n"
         f"2;2.A;doel;;Diploma{ALM} voor iedereen;Minder {LRM}uitval\x07.;4.2;\n")
TEXT = f"---\ntitel: Wat willen we{RLO} bereiken\n---\n\nDe tekst.\n\nEen regel met {RLO}gedraaide\x1b]0;titel\x07 tekst.\n"


def _project(tmp_path):
    return write_project(tmp_path / "p", finance=GOOD_FINANCE + f"6.1 Zorg{RLO};Lasten;10\n", programmes=PROGRAMMES,
                         files={"begroting-2024/indicatoren.csv": INDICATORS, "begroting-2024/doelen.csv": GOALS,
                                "begroting-2024/teksten/2-doelstelling.md": TEXT})


def test_clean_removes_only_the_invisible_controls():
    assert all(clean(f"a{c}b") == "ab" for c in BIDI + CONTROLS)
    keep = "Tab\there,\nnew line\r\n, één, ’s-Hertogenbosch, عربي, עברית, 中文, 👩‍👩‍👧 (ZWJ), €"
    assert clean(keep) == keep
    assert describe(f"x{RLO}y\x1b") == "U+001B (a control character), U+202E RIGHT-TO-LEFT OVERRIDE"


def test_invisible_characters_in_cells_and_texts_are_removed_and_reported(tmp_path):
    loaded = load_project(_project(tmp_path))
    assert loaded.budget is not None, loaded.problems.items
    found = {(p.file, p.row, p.column) for p in loaded.problems.warnings if p.code == "invisible-characters"}
    assert found == {
        ("begroting-2024/programmas.csv", 2, "naam"), ("begroting-2024/programmas.csv", 3, "naam"),
        ("begroting-2024/financien.csv", 9, "Taakveld"),
        ("begroting-2024/indicatoren.csv", 2, "naam"), ("begroting-2024/indicatoren.csv", 3, "naam"),
        ("begroting-2024/doelen.csv", 2, "titel"), ("begroting-2024/doelen.csv", 2, "tekst"),
        ("begroting-2024/teksten/2-doelstelling.md", 2, None), ("begroting-2024/teksten/2-doelstelling.md", 7, None),
    }, loaded.problems.items
    message = next(p for p in loaded.problems.warnings if p.row == 2 and p.column == "naam").format()
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in message and "hint:" in message
    edition = loaded.budget.editions[0]
    names = {p.code: p.title for p in edition.programmes.values()}
    assert names["1"] == "Veiligheid 001 netsaL" and names["2"] == "Sociaal[31m rood"
    assert names["2.1"] == "Onderwijs in het Arabisch (عربي) en Hebreeuws (עברית), één café"  # letters kept


def test_no_download_page_or_terminal_line_gets_an_invisible_control(tmp_path):
    project = _project(tmp_path)
    site = tmp_path / "site"
    build(project, site)
    seen = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.suffix in (".html", ".csv", ".json", ".svg", ".txt", ".xml"):
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                text = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
        elif path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            text = "".join(str(v) for c in frame.columns if frame.schema[c] == pl.String for v in frame[c])
        else:
            continue
        seen.append(path.suffix)
        bad = [c for c in INVISIBLE.findall(text) if c not in "\t\n\r"]
        assert not bad, (path.relative_to(site), sorted(set(bad)))
    assert {".html", ".csv", ".json", ".xlsx", ".parquet"} <= set(seen)
    rows = list(csv.DictReader(io.StringIO((site / "begroting-2024/downloads/programmas.csv").read_text("utf-8"))))
    assert "Veiligheid 001 netsaL" in {r["naam"] for r in rows}
    package = json.loads((site / "begroting-2024/downloads/datapackage.json").read_text("utf-8"))
    assert package["resources"]
    result = subprocess.run([sys.executable, "-m", "begroot", "check", str(project)], capture_output=True,
                            text=True, env={**__import__("os").environ, "COLUMNS": "300"})
    assert "invisible-characters" in result.stdout + result.stderr or "invisible control" in result.stdout + result.stderr
    assert not INVISIBLE.search((result.stdout + result.stderr).replace("\n", "").replace("\r", ""))


def test_names_in_the_settings_lose_their_invisible_controls_and_are_reported(tmp_path):
    """An organisation's name or an edition's title from begroot.toml reaches the pages, the PDF
    and the open data (datapackage.json, begroting.json): cleaned where begroot.toml is read."""
    from begroot.errors import Problems
    from begroot.config import load_config

    from .conftest import BASE_TOML, LONG_SOURCE

    assert 'name = "Gemeente Voorbeeld"' in BASE_TOML
    toml = BASE_TOML.replace('name = "Gemeente Voorbeeld"', f'name = "Gemeente {RLO}dleebrooV"', 1) + LONG_SOURCE
    project = write_project(tmp_path / "p", toml=toml, finance=GOOD_FINANCE)
    problems = Problems()
    config = load_config(project, problems)
    assert config.organisation.name == "Gemeente dleebrooV"
    found = [p for p in problems.warnings if p.code == "invisible-characters"]
    assert [(p.file, p.column) for p in found] == [("begroot.toml", "organisation.name")]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in found[0].message
    site = tmp_path / "site"
    build(project, site)
    for name in ("datapackage.json", "begroting.json"):
        text = (site / "begroting-2024" / "downloads" / name).read_text(encoding="utf-8")
        assert "Gemeente dleebrooV" in text and RLO not in text
