"""The rows of every table that lists a programme's parts beside its total add up to that total,
to the cent: money booked on a programme itself (a taakveld its pattern claims and no
deelprogramma's does) is a row of its own, and the programmes together are a row of the overviews'
table that ends with the edition's total."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from bs4 import BeautifulSoup

from begroot.build import build

TOML = '''[organisation]
name = "Gemeente Voorbeeld"
kind = "gemeente"
[organisation.inhabitants]
2026 = 51000
[site]
unit = 1
pdf = false
[accessibility]
contact = "a@example.nl"
[[editions]]
id = "begroting-2026"
kind = "begroting"
year = 2026
peers = "none"
[[editions.finance]]
file = "financien.csv"
[editions.finance.columns]
taakveld = "Taakveld"
kind = "LB"
year = "Jaar"
column = "Kolom"
amount = "Bedrag"
'''
PROGRAMMES = """code;naam;hoofdprogramma;taakvelden;soort
6;Sociaal domein;;6.*;programma
6.1;Wmo;6;6.21 6.22 6.23 6.60 6.711 6.712;programma
6.2;Jeugd;6;6.751 6.752 6.753 6.761;programma
1;Overig;;0.1 0.2 0.3 1.* 2.* 3.* 4.* 5.* 7.* 8.*;programma
AD;Algemene dekkingsmiddelen;;0.5 0.61-0.64 0.7 0.8 0.9;overzicht
OH;Overhead;;0.4;overzicht
RES;Mutaties reserves;;0.10 0.11;overzicht
"""
# 6.1 and 6.3 are claimed by programme 6 ("6.*") and by none of its deelprogramma's
FINANCE = """Taakveld;LB;Jaar;Kolom;Bedrag
6.21;L;2025;begroting;1000,10
6.751;L;2025;begroting;3000,00
6.1;L;2025;begroting;400,05
6.3;B;2025;begroting;25,00
0.7;B;2025;begroting;4375,15
6.21;L;2026;begroting;1100,00
6.711;L;2026;begroting;2100,33
6.751;L;2026;begroting;3100,00
6.1;L;2026;begroting;500,01
6.3;B;2026;begroting;12,50
1.1;L;2026;begroting;99,99
0.4;L;2026;begroting;10,00
0.7;B;2026;begroting;6897,83
"""
AMOUNTS = ("lasten", "baten", "saldo", "lasten_vorig_jaar", "baten_vorig_jaar")


def _site(tmp_path: Path, finance: str = FINANCE) -> Path:
    project = tmp_path / "p"
    (project / "begroting-2026").mkdir(parents=True)
    (project / "begroot.toml").write_text(TOML, encoding="utf-8")
    (project / "begroting-2026" / "programmas.csv").write_text(PROGRAMMES, encoding="utf-8")
    (project / "begroting-2026" / "financien.csv").write_text(finance, encoding="utf-8")
    build(project, tmp_path / "site")
    return tmp_path / "site" / "begroting-2026"


def _adds_up(path: Path) -> int:
    """Assert that the rows of a table with a total row add up to it in every amount column;
    the number of columns checked."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    total = [r for r in rows if r.get("soort") == "totaal"]
    assert len(total) == 1 and rows[-1] is total[0], path
    checked = 0
    for column in AMOUNTS:
        if column in total[0] and total[0][column] != "":
            parts = sum(Decimal(r[column] or "0") for r in rows[:-1])
            assert parts == Decimal(total[0][column]), f"{path.name} {column}: rows {parts} != {total[0][column]}"
            checked += 1
    return checked


def test_every_table_of_a_programme_with_money_on_itself_adds_up(tmp_path):
    edition = _site(tmp_path)
    page = edition / "programma" / "6-sociaal-domein"
    with_total = [p for p in sorted(page.glob("*.csv")) if "totaal" in p.read_text(encoding="utf-8")]
    assert [p.name for p in with_total] == ["deelprogrammas.csv", "oogopslag.csv"]
    assert [_adds_up(p) for p in with_total] == [3, 4]  # the glance also has the year before
    own = [r for r in csv.DictReader((page / "deelprogrammas.csv").open(encoding="utf-8"))
           if r["soort"] == "rechtstreeks"]
    assert [(r["code"], r["naam"], r["lasten"], r["baten"]) for r in own] == [
        ("6", "Rechtstreeks op Sociaal domein (niet op een deelprogramma)", "500.01", "12.50")]
    # the page shows the row, in both tables, without a link (it is no page of its own)
    soup = BeautifulSoup((page / "index.html").read_text(encoding="utf-8"), "html.parser")
    heads = [th for th in soup.select("tbody th[scope=row]") if th.get_text().startswith("Rechtstreeks op")]
    assert len(heads) == 2 and not any(th.find("a") for th in heads)
    # the edition's overviews end with the edition's total: the programmes together are a row
    assert _adds_up(edition / "overzichten.csv") == 3


def test_a_programme_without_money_on_itself_has_no_extra_row(tmp_path):
    finance = "".join(line for line in FINANCE.splitlines(keepends=True) if not line.startswith(("6.1;", "6.3;")))
    page = _site(tmp_path, finance) / "programma" / "6-sociaal-domein"
    assert "Rechtstreeks op" not in (page / "index.html").read_text(encoding="utf-8")
    assert _adds_up(page / "deelprogrammas.csv") == 3
    assert [r["soort"] for r in csv.DictReader((page / "deelprogrammas.csv").open(encoding="utf-8"))] == [
        "programma", "programma", "totaal"]
