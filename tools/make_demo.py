"""Write the demo's finance export and programme list from the CBS Iv3 file.

The bundled demo is Groningen, begroting 2024, with the real CBS Iv3 figures per taakveld
(public figures, x € 1.000). This script writes them into the demo project in begroot's own
format: a ``;``-separated export with Dutch number formatting, as a financial system would
produce it. Run it only to regenerate the demo (the output is committed):

    python tools/make_demo.py [--source ../shared/data/iv3-gemeenten/2024_begroting.csv]
"""

from __future__ import annotations

import argparse
import csv
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_decimal

from begroot.reference import sort_key, taakvelden

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "src" / "begroot" / "demo" / "project" / "begroting-2024"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "iv3-gemeenten" / "2024_begroting.csv"

# code; naam; hoofdprogramma; taakvelden; soort — the illustrative grouping of the demo.
PROGRAMMES = [
    ("1", "Wonen en leefomgeving", "", "8.*", "programma"),
    ("2", "Economie en bereikbaarheid", "", "", "programma"),
    ("2.1", "Bereikbaarheid", "2", "2.*", "programma"),
    ("2.2", "Economie", "2", "3.*", "programma"),
    ("3", "Vitaal en Sociaal", "", "", "programma"),
    ("3.1", "Onderwijs", "3", "4.*", "programma"),
    ("3.2", "Sport, cultuur en recreatie", "3", "5.*", "programma"),
    ("3.3", "Sociaal domein", "3", "6.*", "programma"),
    ("4", "Schoon en gezond", "", "7.*", "programma"),
    ("5", "Veiligheid", "", "1.*", "programma"),
    ("6", "Bestuur en dienstverlening", "", "0.1 0.2 0.3", "programma"),
    ("AD", "Algemene dekkingsmiddelen", "", "0.5 0.61-0.64 0.7", "overzicht"),
    ("OH", "Overhead", "", "0.4", "overzicht"),
    ("VPB", "Heffing vennootschapsbelasting", "", "0.9", "overzicht"),
    ("ONV", "Onvoorzien en overige baten en lasten", "", "0.8", "overzicht"),
    ("RES", "Mutaties reserves", "", "0.10 0.11", "overzicht"),
]


def dutch(value: Decimal) -> str:
    return format_decimal(value, format="#,##0.###", locale="nl_NL")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--gemeente", default="Groningen")
    args = parser.parse_args()

    names = taakvelden(2024)
    rows = []
    with args.source.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            if rec["Gemeenten"] != args.gemeente:
                continue
            code = rec["Taakveld"].split(" ", 1)[0]
            lasten, baten = Decimal(rec["Lasten"] or "0"), Decimal(rec["Baten"] or "0")
            if lasten == 0 and baten == 0:
                continue  # empty taakvelden (and the 6.71/6.72/6.81/6.82 subtotal codes) are left out
            rows.append((code, names[code].name, lasten, baten))
    rows.sort(key=lambda r: sort_key(r[0]))

    DEMO.mkdir(parents=True, exist_ok=True)
    with (DEMO / "financien.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(["Taakveld", "Omschrijving", "Lasten", "Baten", "Saldo"])
        for code, name, lasten, baten in rows:
            writer.writerow([code, name, dutch(lasten), dutch(baten), dutch(baten - lasten)])
    with (DEMO / "programmas.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(["code", "naam", "hoofdprogramma", "taakvelden", "soort"])
        writer.writerows(PROGRAMMES)
    total_l = sum(r[2] for r in rows)
    total_b = sum(r[3] for r in rows)
    print(f"{len(rows)} taakvelden; lasten {dutch(total_l)}, baten {dutch(total_b)} (x € 1.000)")


if __name__ == "__main__":
    main()
