"""A synthetic large city: a budget project of realistic size and shape, for benchmarks.

Default size: 25 programmes × 6 deelprogramma's × 6 editions (begroting 2021–2026; 1,056 pages
with the edition pages), about 600 words of text per programme page, 1,000,000 finance lines in
all, indicators. Codes come from each year's real Iv3 lists, so the project passes
``begroot check``. The same pages are also written as plain Markdown for the peers (MkDocs,
Hugo), with the same text and a table of the same figures. Deterministic for a given seed.

    python -m benchmarks.generate OUT [--programmes 25] [--deel 6] [--editions 6] [--lines 1000000]
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from begroot.reference import categorieen, taakvelden

WORDS = (
    "gemeente inwoners wijk buurt school zorg jeugd werk inkomen woning straat fiets bus groen park water "
    "afval energie klimaat sport cultuur bibliotheek museum veiligheid politie brandweer ondernemer bedrijf "
    "economie armoede schulden hulp ouderen kinderen jongeren gezin vrijwilliger vereniging dorp stad plein "
    "onderhoud plan budget kosten baten lasten reserve belasting bijdrage subsidie project samenwerking "
    "partners regio provincie rijk wet regels afspraken doelen resultaten meten verbeteren investeren bouwen "
    "renoveren isoleren verduurzamen ondersteunen begeleiden voorkomen verminderen vergroten versterken "
    "we willen de het een en van voor met op in aan door naar bij om te dat dit die wordt worden zijn is "
    "komend jaar nieuwe goede betere meer minder samen snel dichtbij betaalbaar veilig gezond schoon"
).split()
SECTIONS = ["doelstelling", "ontwikkelingen"]


@dataclass(frozen=True)
class Size:
    programmes: int = 25
    deel: int = 6
    editions: int = 6
    lines: int = 1_000_000
    words: int = 600
    first_year: int = 2021
    seed: int = 2024

    @property
    def key(self) -> str:
        return f"p{self.programmes}-d{self.deel}-e{self.editions}-l{self.lines}-w{self.words}-s{self.seed}"

    @property
    def pages(self) -> int:
        return 2 + self.editions * (2 + self.programmes * (1 + self.deel))


def dutch(cents: int) -> str:
    """1234567 cents -> '12.345,67' (written out by hand on purpose: this is test data)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph_text(rng: random.Random, words: int) -> str:
    out, count = [], 0
    while count < words:
        n = rng.randint(7, 16)
        out.append(sentence(rng, n))
        count += n
    return " ".join(out)


def codes_for_year(year: int) -> tuple[list[str], list[str], list[str]]:
    tv = [c for c, v in taakvelden(year).items() if v.leaf]
    cat_l = [c for c, v in categorieen(year, "lasten").items() if v.leaf and c[0].isdigit()]
    cat_b = [c for c, v in categorieen(year, "baten").items() if v.leaf and c[0].isdigit()]
    return tv, cat_l, cat_b


def write_edition(folder: Path, year: int, size: Size, rng: random.Random, n_lines: int,
                  sums: dict | None = None, texts: bool = True, with_indicators: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tv, cat_l, cat_b = codes_for_year(year)
    leaves = []
    with (folder / "programmas.csv").open("w", encoding="utf-8") as fh:
        fh.write("code;naam;hoofdprogramma;taakvelden;soort\n")
        for p in range(1, size.programmes + 1):
            fh.write(f"{p};Programma {p} {WORDS[p % len(WORDS)]};;;programma\n")
            for d in range(1, size.deel + 1):
                fh.write(f"{p}.{d};Deelprogramma {p}.{d} {WORDS[(p * 7 + d) % len(WORDS)]};{p};;programma\n")
                leaves.append(f"{p}.{d}")
    # each deelprogramma books on a few taakvelden, as in real life
    taakveld_of = {leaf: rng.sample(tv, k=min(3, len(tv))) for leaf in leaves}
    periods = [(year - 2, "Realisatie"), (year, "Begroting")] + [(year + k, "Meerjarenraming") for k in (1, 2, 3)]
    weights = [1, 3, 2, 2, 2]
    with (folder / "financien.csv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("Programma;Taakveld;Categorie;Soort;Jaar;Kolom;Bedrag\n")
        buf = []
        for i in range(n_lines):
            leaf = leaves[i % len(leaves)] if i < len(leaves) else rng.choice(leaves)
            lasten = rng.random() < 0.55
            cents = int(math.exp(rng.gauss(9.5, 2.0)) * 100)
            if rng.random() < 0.05:
                cents = -cents
            y, col = rng.choices(periods, weights)[0]
            cat = rng.choice(cat_l if lasten else cat_b)
            kind = "Lasten" if lasten else "Baten"
            buf.append(f"{leaf};{rng.choice(taakveld_of[leaf])};{cat};{kind};{y};{col};{dutch(cents)}\n")
            if sums is not None and y == year and col == "Begroting":
                key = (leaf, kind)
                sums[key] = sums.get(key, 0) + cents
            if len(buf) >= 50_000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf))
    if texts:
        tdir = folder / "teksten"
        tdir.mkdir(exist_ok=True)
        codes = [str(p) for p in range(1, size.programmes + 1)] + leaves
        for code in codes:
            for section in SECTIONS:
                body = "\n\n".join(paragraph_text(rng, size.words // len(SECTIONS) // 3) for _ in range(3))
                (tdir / f"{code}-{section}.md").write_text(
                    f'---\nprogramma: "{code}"\nsectie: {section}\n---\n{body}\n', encoding="utf-8")
    if with_indicators:
        with (folder / "indicatoren.csv").open("w", encoding="utf-8") as fh:
            fh.write("programma;naam;eenheid;jaar;waarde;bron;bbv\n")
            for p in range(1, size.programmes + 1):
                for k in range(3):
                    for y in (year - 2, year - 1):
                        fh.write(f"{p};Indicator {k + 1};%;{y};{rng.randint(1, 999)},{rng.randint(0, 9)};"
                                 f"Synthetisch;nee\n")


TOML_HEAD = """[organisation]
name = "Gemeente Grootstad (synthetisch)"
cbs_code = "GM0999"

[organisation.inhabitants]
{inhabitants}

[site]
unit = 1000
title = "Begroting Grootstad (benchmark)"

[readability]
enabled = false
"""
TOML_EDITION = """
[[editions]]
id = "begroting-{year}"
year = {year}
exported_at = {year_before}-11-01T09:00:00

[[editions.finance]]
file = "financien.csv"
decimal = ","
[editions.finance.columns]
programme = "Programma"
taakveld = "Taakveld"
categorie = "Categorie"
kind = "Soort"
year = "Jaar"
column = "Kolom"
amount = "Bedrag"
"""


def write_city(root: Path, size: Size) -> dict[str, dict]:
    """The large city (several editions) and its sums per edition, for the peer corpus."""
    rng = random.Random(size.seed)
    years = [size.first_year + i for i in range(size.editions)]
    per_edition = size.lines // size.editions
    inhabitants = "\n".join(f"{y} = {600_000 + 3_000 * i}" for i, y in enumerate(years))
    toml = TOML_HEAD.format(inhabitants=inhabitants)
    all_sums = {}
    for y in years:
        toml += TOML_EDITION.format(year=y, year_before=y - 1)
        sums: dict = {}
        write_edition(root / f"begroting-{y}", y, size, rng, per_edition, sums)
        all_sums[f"begroting-{y}"] = sums
    (root / "begroot.toml").write_text(toml, encoding="utf-8")
    return all_sums


def write_ingest(root: Path, size: Size, lines: int, xlsx_lines: int | None = None) -> None:
    """A one-edition project with all finance lines in one CSV (and optionally an XLSX twin)."""
    rng = random.Random(size.seed + 1)
    year = size.first_year + size.editions - 1
    write_edition(root / f"begroting-{year}", year, size, rng, lines, texts=False, with_indicators=False)
    toml = TOML_HEAD.format(inhabitants=f"{year} = 600000") + TOML_EDITION.format(year=year, year_before=year - 1)
    (root / "begroot.toml").write_text(toml, encoding="utf-8")
    if xlsx_lines:
        xroot = root.parent / (root.name + "-xlsx")
        edition = xroot / f"begroting-{year}"
        edition.mkdir(parents=True, exist_ok=True)
        (edition / "programmas.csv").write_bytes((root / f"begroting-{year}" / "programmas.csv").read_bytes())
        import xlsxwriter

        book = xlsxwriter.Workbook(str(edition / "financien.xlsx"), {"constant_memory": True})
        sheet = book.add_worksheet("Export")
        with (root / f"begroting-{year}" / "financien.csv").open(encoding="utf-8") as fh:
            for r, line in enumerate(fh):
                if r > xlsx_lines:
                    break
                cells = line.rstrip("\n").split(";")
                for c, value in enumerate(cells):
                    if r and c == 4:
                        sheet.write_number(r, c, int(value))
                    elif r and c == 6:
                        sheet.write_number(r, c, float(Decimal(value.replace(".", "").replace(",", "."))))
                    else:
                        sheet.write_string(r, c, value)
        book.close()
        (xroot / "begroot.toml").write_text(toml.replace('file = "financien.csv"', 'file = "financien.xlsx"')
                                            .replace('decimal = ","\n', ""), encoding="utf-8")


def write_peers(root: Path, city: Path, size: Size, sums: dict[str, dict]) -> int:
    """The same pages as Markdown for MkDocs and Hugo: text plus a table of the page's figures."""
    docs, content = root / "mkdocs" / "docs", root / "hugo" / "content"
    pages = 0

    def table(rows: list[tuple[str, int, int]]) -> str:
        lines = ["| Programma | Lasten | Baten | Saldo |", "| --- | ---: | ---: | ---: |"]
        for name, lasten, baten in rows:
            lines.append(f"| {name} | {dutch(lasten)} | {dutch(baten)} | {dutch(baten - lasten)} |")
        return "\n".join(lines)

    def emit(rel: str, title: str, body: str) -> None:
        nonlocal pages
        for base in (docs, content):
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            front = f"---\ntitle: \"{title}\"\n---\n" if base is content else ""
            target.write_text(f"{front}# {title}\n\n{body}\n", encoding="utf-8")
        pages += 1

    emit("index.md", "Begroting Grootstad", "Alle edities van de begroting.")
    emit("over.md", "Over deze site", "Colofon.")
    for edition, edition_sums in sums.items():
        folder = city / edition
        progs = [line.split(";") for line in (folder / "programmas.csv").read_text(encoding="utf-8").splitlines()[1:]]
        totals: dict[str, list[int]] = {}
        for (leaf, kind), cents in edition_sums.items():
            for code in (leaf, leaf.split(".")[0]):
                t = totals.setdefault(code, [0, 0])
                t[0 if kind == "Lasten" else 1] += cents
        rows = [(name, *totals.get(code, [0, 0])) for code, name, parent, *_ in progs if not parent]
        emit(f"{edition}/index.md", f"{edition} in één oogopslag", table(rows))
        emit(f"{edition}/taakvelden.md", f"{edition} per taakveld", table(rows))
        for code, name, parent, *_ in progs:
            texts = []
            for section in SECTIONS:
                raw = (folder / "teksten" / f"{code}-{section}.md").read_text(encoding="utf-8")
                texts.append(f"## {section.capitalize()}\n\n" + raw.split("---\n", 2)[2])
            children = [(n, *totals.get(c, [0, 0])) for c, n, par, *_ in progs if par == code]
            own = [(name, *totals.get(code, [0, 0]))]
            emit(f"{edition}/programma/{code.replace('.', '-')}.md", name,
                 "\n\n".join(texts) + "\n\n## Lasten, baten en saldo\n\n" + table(own + children))
    (root / "mkdocs" / "mkdocs.yml").write_text("site_name: Begroting Grootstad\nuse_directory_urls: true\n",
                                                encoding="utf-8")
    hugo = root / "hugo"
    (hugo / "hugo.toml").write_text('baseURL = "/"\ntitle = "Begroting Grootstad"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    layouts = hugo / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    shell = ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
             '<body><nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>'
             '<main>{{ .Content }}</main></body></html>\n')
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(shell, encoding="utf-8")
    (hugo / "layouts" / "index.html").write_text(shell, encoding="utf-8")
    return pages


def generate(out: Path, size: Size, *, xlsx_lines: int | None = 100_000, log=print) -> Path:
    """Write (or reuse) everything for one size under ``out/<size key>``."""
    base = out / size.key
    done = base / ".complete"
    if done.exists():
        return base
    import shutil

    if base.exists():
        shutil.rmtree(base)
    log(f"generating the synthetic city {size.key} in {base} …")
    sums = write_city(base / "city", size)
    write_ingest(base / "ingest", size, size.lines, xlsx_lines=min(xlsx_lines, size.lines) if xlsx_lines else None)
    pages = write_peers(base / "peers", base / "city", size, sums)
    (base / "peer-pages.txt").write_text(str(pages), encoding="utf-8")
    done.write_text("ok\n", encoding="utf-8")
    return base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    for name, default in (("programmes", 25), ("deel", 6), ("editions", 6), ("lines", 1_000_000), ("words", 600)):
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()
    size = Size(args.programmes, args.deel, args.editions, args.lines, args.words)
    print(generate(args.out, size))


if __name__ == "__main__":
    main()
