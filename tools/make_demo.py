"""Write the demo's finance exports and programme lists from the CBS Iv3 files.

The bundled demo is Groningen with four editions: begroting 2024 (with the begroting 2023 as a
second column), begroting 2023, jaarstukken 2023 (begroting and realisatie) and a text-only
begroting 2016. The figures are the real CBS Iv3 figures per taakveld (public figures,
x € 1.000). This script writes Groningen's rows into the demo project in begroot's own format:
a ``;``-separated export with Dutch number formatting, as a financial system would produce it.
The shared source files themselves are not copied. Run it only to regenerate the demo (the
output is committed):

    python tools/make_demo.py [--source-dir ../shared/data/iv3-gemeenten]

It also prints the totals and inhabitants to put in begroot.toml.
"""

from __future__ import annotations

import argparse
import csv
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_decimal

from begroot.reference import sort_key, taakvelden

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "src" / "begroot" / "demo" / "project"
DEFAULT_SOURCE_DIR = ROOT.parent / "shared" / "data" / "iv3-gemeenten"

# code; naam; hoofdprogramma; taakvelden; soort — the illustrative grouping of the demo (2023, 2024).
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

# The 2016 edition has no figures. Its programme list is a plausible short list in which
# programme 4 "Welzijn, gezondheid, zorg en vernieuwing sociaal domein" exists, as in Groningen's
# begroting 2016. Iv3 taakvelden did not exist yet in 2016: the codes below are those of 2017,
# the first Iv3 year, and say which taakvelden each programme would have covered.
PROGRAMMES_2016 = [
    ("1", "Werk en inkomen", "", "6.3 6.4 6.5", "programma"),
    ("2", "Economie en werkgelegenheid", "", "3.*", "programma"),
    ("3", "Onderwijs", "", "4.*", "programma"),
    ("4", "Welzijn, gezondheid, zorg en vernieuwing sociaal domein", "", "", "programma"),
    ("4.1", "Welzijn en meedoen", "4", "6.1 6.2", "programma"),
    ("4.2", "Zorg en ondersteuning", "4", "6.6 6.71 6.81", "programma"),
    ("4.3", "Jeugd", "4", "6.72 6.82", "programma"),
    ("4.4", "Gezondheid", "4", "7.1", "programma"),
    ("5", "Sport en cultuur", "", "5.*", "programma"),
    ("6", "Verkeer", "", "2.*", "programma"),
    ("7", "Wonen en leefomgeving", "", "7.2-7.5 8.*", "programma"),
    ("8", "Veiligheid", "", "1.*", "programma"),
    ("9", "Bestuur en dienstverlening", "", "0.1 0.2 0.3", "programma"),
    ("AD", "Algemene dekkingsmiddelen", "", "0.5 0.61-0.64 0.7 0.8 0.9 0.10 0.11", "overzicht"),
    ("OH", "Overhead", "", "0.4", "overzicht"),
]


def dutch(value: Decimal) -> str:
    return format_decimal(value, format="#,##0.###", locale="nl_NL")


def read_iv3(path: Path, gemeente: str, year: int) -> tuple[dict[str, tuple[Decimal, Decimal]], int | None]:
    """One municipality's lasten and baten per taakveld, and its inhabitants, from a CBS Iv3 file."""
    names = taakvelden(year)
    found: dict[str, tuple[Decimal, Decimal]] = {}
    inhabitants = None
    with path.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            if rec["Gemeenten"] != gemeente:
                continue
            if rec.get("Inwonertal"):
                inhabitants = int(Decimal(rec["Inwonertal"]))
            code = rec["Taakveld"].split(" ", 1)[0]
            lasten, baten = Decimal(rec["Lasten"] or "0"), Decimal(rec["Baten"] or "0")
            if not names[code].leaf:
                # 6.71/6.72/6.81/6.82 are groups (the amounts are on 6.71a etc.): skip them, but
                # never silently drop money.
                if lasten or baten:
                    raise SystemExit(f"{path.name}: group taakveld {code} holds an amount")
                continue
            found[code] = (lasten, baten)
    if not found:
        raise SystemExit(f"{path.name}: no rows for {gemeente}")
    return found, inhabitants


def write_csv(path: Path, header: list[str], rows: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_begroting(path: Path, figures: dict[str, tuple[Decimal, Decimal]], year: int) -> None:
    """A begroting export: one row per taakveld with lasten, baten and saldo (empty taakvelden left out)."""
    names = taakvelden(year)
    rows = [(code, names[code].name, dutch(lb[0]), dutch(lb[1]), dutch(lb[1] - lb[0]))
            for code, lb in sorted(figures.items(), key=lambda kv: sort_key(kv[0])) if lb[0] or lb[1]]
    write_csv(path, ["Taakveld", "Omschrijving", "Lasten", "Baten", "Saldo"], rows)


def write_jaarstukken(path: Path, plan: dict, actual: dict, year: int) -> None:
    """A jaarstukken export: per taakveld the begroting and the realisatie, side by side."""
    names = taakvelden(year)
    rows = []
    for code in sorted(set(plan) | set(actual), key=sort_key):
        pl_, pb = plan.get(code, (Decimal(0), Decimal(0)))
        rl, rb = actual.get(code, (Decimal(0), Decimal(0)))
        if pl_ or pb or rl or rb:
            rows.append((code, names[code].name, dutch(pl_), dutch(pb), dutch(rl), dutch(rb)))
    write_csv(path, ["Taakveld", "Omschrijving", "Lasten begroting", "Baten begroting",
                     "Lasten realisatie", "Baten realisatie"], rows)


def totals(figures: dict[str, tuple[Decimal, Decimal]]) -> str:
    return (f"lasten {dutch(sum(v[0] for v in figures.values()))}, "
            f"baten {dutch(sum(v[1] for v in figures.values()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=DEFAULT_SOURCE_DIR)
    parser.add_argument("--gemeente", default="Groningen")
    args = parser.parse_args()

    b2024, inh2024 = read_iv3(args.source_dir / "2024_begroting.csv", args.gemeente, 2024)
    b2023, inh2023 = read_iv3(args.source_dir / "2023_begroting.csv", args.gemeente, 2023)
    r2023, _ = read_iv3(args.source_dir / "2023_jaarrekening.csv", args.gemeente, 2023)

    write_begroting(PROJECT / "begroting-2024" / "financien.csv", b2024, 2024)
    write_begroting(PROJECT / "begroting-2024" / "financien-2023.csv", b2023, 2023)
    write_begroting(PROJECT / "begroting-2023" / "financien.csv", b2023, 2023)
    write_jaarstukken(PROJECT / "jaarstukken-2023" / "financien.csv", b2023, r2023, 2023)
    header = ["code", "naam", "hoofdprogramma", "taakvelden", "soort"]
    for edition in ("begroting-2024", "begroting-2023", "jaarstukken-2023"):
        write_csv(PROJECT / edition / "programmas.csv", header, PROGRAMMES)
    write_csv(PROJECT / "begroting-2016" / "programmas.csv", header, PROGRAMMES_2016)

    print(f"begroting 2024: {totals(b2024)} (x € 1.000), {inh2024} inhabitants")
    print(f"begroting 2023: {totals(b2023)} (x € 1.000), {inh2023} inhabitants")
    print(f"realisatie 2023: {totals(r2023)} (x € 1.000)")


if __name__ == "__main__":
    main()
