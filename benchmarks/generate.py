"""A synthetic large city: a budget project of realistic size and shape, for the benchmarks.

Default size: 25 programmes × 6 deelprogramma's × 6 editions (begroting 2021 … 2026): 175
programme pages per edition, 1,056 programme and edition pages in all; about 600 words of text per
programme page (sections *doelstelling* and *ontwikkelingen*, Markdown with front matter); an
introduction per edition; 1,000,000 finance lines in all (long format with a programme column, Dutch
amounts with cents); indicators. Taakvelden and categorieën come from each year's Iv3 lists (the
taakvelden changed in 2025), so the project passes ``begroot check`` with 0 errors.

Also written, for the other measurements:

* ``ingest/``: a one-edition project with all the finance lines in one CSV (the ingest benchmark);
* ``ingest-xlsx/``: the same edition with the first ``--xlsx-lines`` lines as an XLSX file;
* ``peers/``: the same pages as plain Markdown for MkDocs and Hugo, each with the same text and
  Markdown tables of the figures the begroot page shows.

Everything is deterministic for a given size and seed. ``generate()`` caches its output in
``OUT/<size key>/`` and reuses it when it is complete.

    python -m benchmarks.generate OUT [--programmes 25] [--deel 6] [--editions 6]
                                      [--lines 1000000] [--words 600] [--xlsx-lines 100000] [--seed 2024]
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from begroot.reference import categorieen, taakvelden
from begroot.reference.iv3rules import grey_cells

#: Bump when the generated data changes shape: it is part of the cache key.
VERSION = 5

# Short, frequent Dutch words; a sentence is a random walk through them. Not Dutch, but it looks
# and hyphenates like it, and it has the word lengths of plain-language budget texts.
NOUNS = (
    "gemeente inwoners wijk buurt school zorg jeugd werk inkomen woning straat fiets bus groen park water "
    "afval energie klimaat sport cultuur bibliotheek museum veiligheid politie brandweer ondernemer bedrijf "
    "economie armoede schulden hulp ouderen kinderen jongeren gezin vrijwilligers vereniging dorp stad plein "
    "onderhoud plan budget kosten reserve belasting bijdrage subsidie project samenwerking partners regio "
    "provincie wet regels afspraken doelen resultaten woningbouw huur dijk riool haven centrum markt toerisme "
    "onderwijs leerlingen huisarts wijkteam mantelzorg taal gebouw weg brug verkeer parkeren station"
).split()
VERBS = (
    "willen gaan maken bouwen helpen steunen zorgen werken zoeken kiezen meten verbeteren investeren "
    "renoveren isoleren verduurzamen begeleiden voorkomen verminderen vergroten versterken betalen "
    "vragen geven houden blijven delen openen beheren"
).split()
SMALL = "we de het een en van voor met op in aan door naar bij om te dat dit die wordt zijn is ook nog meer".split()
ADJECTIVES = "nieuwe goede betere kleine grote veilige gezonde schone betaalbare duurzame sterke eerlijke".split()
LINKS = "Daarom Ook Verder Daarnaast Samen Zo Dit jaar In 2026 Met de regio".split()

#: Realistic programme names of a large city; cycled when there are more programmes.
PROGRAMMES = [
    "Bestuur en dienstverlening", "Veiligheid", "Verkeer en vervoer", "Economie en werk",
    "Onderwijs", "Sport en bewegen", "Cultuur en erfgoed", "Openbare ruimte en groen",
    "Werk en inkomen", "Zorg en welzijn", "Jeugd", "Gezondheid", "Milieu en afval",
    "Wonen", "Ruimtelijke ordening", "Energietransitie", "Klimaatadaptatie", "Armoede en schulden",
    "Participatie", "Wijken en dorpen", "Binnenstad", "Havens en bedrijventerreinen",
    "Toerisme en evenementen", "Grondbedrijf", "Financiën",
]
DEEL = [
    "Beleid", "Uitvoering", "Beheer en onderhoud", "Subsidies", "Projecten", "Dienstverlening",
    "Toezicht en handhaving", "Investeringen", "Preventie", "Ondersteuning",
]
#: The Iv3 main group each programme's deelprogramma's mostly book on (same order as PROGRAMMES).
THEMES = ["0", "1", "2", "3", "4", "5", "5", "5", "6", "6", "6", "7", "7",
          "8", "8", "7", "7", "6", "6", "5", "3", "3", "3", "8", "0"]
#: Taakvelden that belong to the BBV overviews (algemene dekkingsmiddelen, overhead, Vpb,
#: reserves, resultaat). Only the last programme ("Financiën") books on them.
OVERVIEW_TAAKVELDEN = {"0.4", "0.5", "0.61", "0.62", "0.63", "0.64", "0.7", "0.8", "0.9", "0.10", "0.11"}
SECTIONS = ["doelstelling", "ontwikkelingen"]
#: Economic categories by main group: relative frequency of lines (salaries, goods and services
#: and transfers are most lines; interest, reserves and settlements fewer).
CATEGORY_WEIGHTS = {"1": 3, "2": 1, "3": 5, "4": 4, "5": 0.5, "6": 0.5, "7": 0.3}
PERIOD_WEIGHTS = {"Realisatie": 1.0, "Begroting": 3.0, "Meerjarenraming": 2.0}


@dataclass(frozen=True)
class Size:
    """The size of the city; every field is part of the cache key."""

    programmes: int = 25
    deel: int = 6
    editions: int = 6
    lines: int = 1_000_000          # finance lines of the city, over all editions; also of ingest/
    words: int = 600                # words of text per programme page
    xlsx_lines: int = 100_000       # lines of the XLSX ingest project (0: none)
    first_year: int = 2021
    seed: int = 2024

    @property
    def key(self) -> str:
        return (f"v{VERSION}-p{self.programmes}-d{self.deel}-e{self.editions}-l{self.lines}-w{self.words}"
                f"-x{self.xlsx_lines}-y{self.first_year}-s{self.seed}")

    @property
    def years(self) -> list[int]:
        return [self.first_year + i for i in range(self.editions)]

    @property
    def programme_pages(self) -> int:
        """Programme, deelprogramma and edition overview pages (1,056 at the default size)."""
        return self.editions * (1 + self.programmes * (1 + self.deel))


# --- text -----------------------------------------------------------------------------------------

def dutch(cents: int) -> str:
    """1234567 cents -> '12.345,67' (written out by hand on purpose: this is test data)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"


def thousands(cents: int) -> str:
    """Cents as a whole number of thousands of euros, Dutch format: what begroot shows (unit 1000)."""
    value = round(cents / 100_000)
    return f"{value:,}".replace(",", ".")


def sentence(rng: random.Random, n: int) -> str:
    """n words: mostly small words and nouns, a verb now and then; one in five starts with a link."""
    words = [rng.choice(LINKS)] if rng.random() < 0.2 else []
    while len(words) < n:
        r = rng.random()
        pool = SMALL if r < 0.5 else NOUNS if r < 0.8 else VERBS if r < 0.93 else ADJECTIVES
        words.append(rng.choice(pool))
    text = " ".join(words[:n])
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: int) -> str:
    out, count = [], 0
    while count < words:
        n = min(rng.randint(5, 12), max(words - count, 4))
        out.append(sentence(rng, n))
        count += n
    return " ".join(out)


def section_text(rng: random.Random, section: str, words: int) -> str:
    """One section of a programme page in Markdown, about ``words`` words."""
    if section == "doelstelling":
        first = words // 2
        return (paragraph(rng, first) + "\n\n"
                + f"**{sentence(rng, 5)[:-1]}.** " + paragraph(rng, words - first - 5))
    # ontwikkelingen: an introduction, a list of developments, a closing paragraph
    intro, items = words // 4, 4
    per_item = words // 2 // items
    bullets = "\n".join(f"- **{rng.choice(NOUNS).capitalize()}.** {paragraph(rng, per_item - 1)}"
                        for _ in range(items))
    rest = words - intro - items * per_item
    return f"{paragraph(rng, intro)}\n\n{bullets}\n\n{paragraph(rng, rest)}"


def front_matter(code: str | None, section: str, body: str) -> str:
    head = [f'programma: "{code}"'] if code else []
    return "---\n" + "\n".join(head + [f"sectie: {section}"]) + f"\n---\n{body}\n"


# --- finance --------------------------------------------------------------------------------------

@dataclass
class Programmes:
    """The programme list of one edition: codes, names, parents, and the taakvelden of each leaf."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)       # (code, name, parent)
    leaves: list[str] = field(default_factory=list)
    taakvelden: dict[str, list[str]] = field(default_factory=dict)       # leaf -> its taakvelden
    weight: dict[str, float] = field(default_factory=dict)               # leaf -> share of the lines

    def name(self, code: str) -> str:
        return next(n for c, n, _ in self.rows if c == code)


def programmes_for(year: int, size: Size, rng: random.Random) -> Programmes:
    """The programmes (the same codes and names every year) and, per deelprogramma, two to four
    taakvelden of that year's Iv3 list, mostly from the programme's theme."""
    leaves_tv = [c for c, v in taakvelden(year).items() if v.leaf]
    by_group: dict[str, list[str]] = {}
    for code in leaves_tv:
        by_group.setdefault(code.split(".")[0], []).append(code)
    general = [c for c in by_group["0"] if c not in OVERVIEW_TAAKVELDEN]
    progs = Programmes()
    for p in range(1, size.programmes + 1):
        finance = p == size.programmes and size.programmes > 1
        name = PROGRAMMES[(p - 1) % len(PROGRAMMES)] + ("" if p <= len(PROGRAMMES) else f" {p}")
        progs.rows.append((str(p), name, ""))
        theme = THEMES[(p - 1) % len(THEMES)]
        pool = sorted(OVERVIEW_TAAKVELDEN & set(leaves_tv), key=leaves_tv.index) if finance else (
            by_group[theme] if theme != "0" else general)
        scale = rng.lognormvariate(0, 0.8)          # big and small programmes
        for d in range(1, size.deel + 1):
            code = f"{p}.{d}"
            progs.rows.append((code, DEEL[(d - 1) % len(DEEL)] + ("" if d <= len(DEEL) else f" {d}"), str(p)))
            progs.leaves.append(code)
            chosen = rng.sample(pool, k=min(rng.randint(2, 4), len(pool)))
            if not finance and rng.random() < 0.3:
                chosen.append(rng.choice(general))  # e.g. 0.1 Bestuur next to the theme
            progs.taakvelden[code] = chosen
            progs.weight[code] = scale * rng.lognormvariate(0, 0.5)
    return progs


def line_counts(progs: Programmes, n: int) -> dict[str, int]:
    """Exactly ``n`` lines over the leaves, proportional to their weight, at least one each."""
    total = sum(progs.weight.values())
    counts = {leaf: max(1, int(n * w / total)) for leaf, w in progs.weight.items()}
    order = sorted(progs.leaves, key=lambda leaf: -progs.weight[leaf])
    diff = n - sum(counts.values())
    for leaf in itertools.islice(itertools.cycle(order), abs(diff)):
        if diff > 0:
            counts[leaf] += 1
        elif counts[leaf] > 1:
            counts[leaf] -= 1
    while sum(counts.values()) > n:                 # tiny n: fewer lines than leaves
        counts[max(counts, key=counts.get)] -= 1
    return counts


class Picker:
    """Weighted choice with precomputed cumulative weights (``random.choices`` is slower per call)."""

    def __init__(self, items: list, weights: list[float]) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def category_picker(year: int, kind: str, taakveld: str | None = None) -> Picker | None:
    """The categorieën of ``kind`` in ``year``'s list, weighted by main group; with ``taakveld``,
    only those CBS allows on it (no grey cell), and None when the taakveld is not a leaf of that
    year's list: a real ledger books on the cells the year's Iv3 rules allow."""
    if taakveld is not None:
        code = taakvelden(year).get(taakveld)
        if code is None or not code.leaf:
            return None
    grey = grey_cells(year, kind.lower()) if taakveld is not None else frozenset()
    leaves = [c for c, v in categorieen(year, kind.lower()).items()
              if v.leaf and c[0].isdigit() and (taakveld, c) not in grey]
    return Picker(leaves, [CATEGORY_WEIGHTS.get(c.split(".")[0], 0.5) for c in leaves]) if leaves else None


@dataclass
class Sums:
    """What the peers' tables show: per leaf, kind and period; per taakveld and kind (begroting)."""

    periods: list[tuple[int, str]]
    leaf: dict[tuple[str, str, int], int] = field(default_factory=dict)      # (leaf, kind, period) -> cents
    taakveld: dict[tuple[str, str], int] = field(default_factory=dict)       # (taakveld, kind) -> cents


def write_finance(path: Path, year: int, progs: Programmes, n_lines: int, rng: random.Random) -> Sums:
    """``n_lines`` finance lines in long format, grouped by deelprogramma as a ledger export is.

    Per line: one of the deelprogramma's taakvelden (the first one most), lasten 55 %, a categorie
    of that kind from the year's list, a period (realisatie T-2, begroting T, meerjarenraming
    T+1..T+3) and a log-normal amount with a long tail, 4 % of them negative (corrections).
    """
    periods = [(year - 2, "Realisatie"), (year, "Begroting")] + [(year + k, "Meerjarenraming") for k in (1, 2, 3)]
    period_pick = Picker(list(range(len(periods))), [PERIOD_WEIGHTS[col] for _, col in periods])
    cells: dict[tuple[str, str, int], Picker | None] = {}

    def cell(tv: str, kind: str, line_year: int) -> Picker | None:
        key = (tv, kind, line_year)
        if key not in cells:
            cells[key] = category_picker(line_year, kind, tv)
        return cells[key]

    labels = [f"{y};{col}" for y, col in periods]
    sums = Sums(periods)
    begroting = 1
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("Programma;Taakveld;Categorie;Soort;Jaar;Kolom;Bedrag\n")
        buf: list[str] = []
        for leaf, count in line_counts(progs, n_lines).items():
            tvs = progs.taakvelden[leaf]
            tv_pick = Picker(tvs, [3.0] + [1.0] * (len(tvs) - 1))
            mu = 9.0 + math.log(progs.weight[leaf] + 0.1)
            for _ in range(count):
                kind = "Lasten" if rng.random() < 0.55 else "Baten"
                cents = int(math.exp(rng.gauss(mu, 1.9)) * 100) + 1
                if rng.random() < 0.04:
                    cents = -cents
                period = period_pick(rng)
                tv = tv_pick(rng)
                pick = cell(tv, kind, periods[period][0])
                if pick is None:  # not a leaf in the line's year (the list changed), or every cell of the
                    # kind is grey there: the budget year, then the other kind, then the other taakvelden
                    options = [(t, k) for t in [tv, *tvs] for k in (kind, "Baten" if kind == "Lasten" else "Lasten")]
                    period = begroting
                    tv, kind = next((t, k) for t, k in options if cell(t, k, year) is not None)
                    pick = cell(tv, kind, year)
                buf.append(f"{leaf};{tv};{pick(rng)};{kind};{labels[period]};{dutch(cents)}\n")
                key = (leaf, kind, period)
                sums.leaf[key] = sums.leaf.get(key, 0) + cents
                if period == begroting:
                    tkey = (tv, kind)
                    sums.taakveld[tkey] = sums.taakveld.get(tkey, 0) + cents
                if len(buf) >= 50_000:
                    fh.write("".join(buf))
                    buf.clear()
        fh.write("".join(buf))
    return sums


def write_programmes(path: Path, progs: Programmes) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("code;naam;hoofdprogramma;taakvelden;soort\n")
        for code, name, parent in progs.rows:
            fh.write(f"{code};{name};{parent};;programma\n")


def write_texts(folder: Path, progs: Programmes, size: Size, rng: random.Random) -> dict[str, str]:
    """Two sections per programme page, and an introduction for the edition; returns the bodies."""
    folder.mkdir(parents=True, exist_ok=True)
    bodies = {}
    intro = paragraph(rng, size.words // 4) + "\n\n" + paragraph(rng, size.words // 4)
    (folder / "inleiding.md").write_text(front_matter(None, "inleiding", intro), encoding="utf-8")
    bodies["inleiding"] = intro
    split = [size.words * 2 // 5, size.words - size.words * 2 // 5]
    for code, _, _ in progs.rows:
        for section, words in zip(SECTIONS, split):
            body = section_text(rng, section, words)
            (folder / f"{code}-{section}.md").write_text(front_matter(code, section, body), encoding="utf-8")
            bodies[f"{code}-{section}"] = body
    return bodies


INDICATORS = [("Tevredenheid inwoners", "rapportcijfer"), ("Bereik", "% inwoners"),
              ("Kosten per inwoner", "euro"), ("Doorlooptijd", "dagen")]


def write_indicators(path: Path, progs: Programmes, year: int, rng: random.Random) -> list[tuple]:
    rows = []
    for code, _, parent in progs.rows:
        if parent or rng.random() < 0.2:
            continue
        for k, (name, unit) in enumerate(rng.sample(INDICATORS, 3)):
            for y in (year - 3, year - 2):
                rows.append((code, name, unit, y, f"{rng.randint(1, 99)},{rng.randint(0, 9)}",
                             "Synthetisch (benchmark)", "ja" if k == 0 else "nee"))
    with path.open("w", encoding="utf-8") as fh:
        fh.write("programma;naam;eenheid;jaar;waarde;bron;bbv\n")
        fh.writelines(";".join(map(str, r)) + "\n" for r in rows)
    return rows


# --- projects -------------------------------------------------------------------------------------

TOML_HEAD = '''# A synthetic large city for the begroot benchmarks (benchmarks/generate.py). Not real data.
[organisation]
name = "Gemeente Grootstad"
cbs_code = "GM0999"
kind = "gemeente"
email = "begroting@grootstad.example"

[organisation.inhabitants]
{inhabitants}

[site]
language = "nl"
unit = 1000
title = "Begroting Grootstad (benchmark)"
colophon = """
Deze site is een **synthetische** begroting voor de benchmarks van begroot. De bedragen, teksten en
indicatoren zijn willekeurig gemaakt.
"""

[theme]
primary_color = "#01689b"
'''
TOML_EDITION = '''
[[editions]]
id = "begroting-{year}"
kind = "begroting"
year = {year}
title = "Begroting {year}"
exported_at = {year_before}-09-15T09:00:00

[[editions.finance]]
file = "{file}"
{decimal}
[editions.finance.columns]
programme = "Programma"
taakveld = "Taakveld"
categorie = "Categorie"
kind = "Soort"
year = "Jaar"
column = "Kolom"
amount = "Bedrag"
'''


def toml_for(years: list[int], file: str = "financien.csv") -> str:
    inhabitants = "\n".join(f"{y} = {612_000 + 3_100 * (y - 2021)}" for y in years)
    out = TOML_HEAD.format(inhabitants=inhabitants)
    for y in years:
        out += TOML_EDITION.format(year=y, year_before=y - 1, file=file,
                                   decimal='decimal = ","' if file.endswith(".csv") else "")
    return out


@dataclass
class EditionInfo:
    year: int
    progs: Programmes
    sums: Sums
    texts: dict[str, str]
    indicators: list[tuple]


def write_city(root: Path, size: Size, log=print) -> dict[str, EditionInfo]:
    """The large city with all its editions; returns what the peer corpus needs."""
    rng = random.Random(size.seed)
    base, extra = divmod(size.lines, size.editions)
    info = {}
    for i, year in enumerate(size.years):
        folder = root / f"begroting-{year}"
        folder.mkdir(parents=True, exist_ok=True)
        progs = programmes_for(year, size, rng)
        write_programmes(folder / "programmas.csv", progs)
        n = base + (1 if i < extra else 0)
        start = time.perf_counter()
        sums = write_finance(folder / "financien.csv", year, progs, n, rng)
        log(f"  begroting-{year}: {n:,} finance lines in {time.perf_counter() - start:.1f} s")
        texts = write_texts(folder / "teksten", progs, size, rng)
        indicators = write_indicators(folder / "indicatoren.csv", progs, year, rng)
        info[f"begroting-{year}"] = EditionInfo(year, progs, sums, texts, indicators)
    (root / "begroot.toml").write_text(toml_for(size.years), encoding="utf-8")
    return info


def write_ingest(root: Path, size: Size, log=print) -> Path:
    """A one-edition project (the last year) with all ``size.lines`` finance lines in one CSV."""
    rng = random.Random(size.seed + 1)
    year = size.years[-1]
    folder = root / f"begroting-{year}"
    folder.mkdir(parents=True, exist_ok=True)
    progs = programmes_for(year, size, rng)
    write_programmes(folder / "programmas.csv", progs)
    start = time.perf_counter()
    write_finance(folder / "financien.csv", year, progs, size.lines, rng)
    log(f"  ingest: {size.lines:,} finance lines in {time.perf_counter() - start:.1f} s")
    (root / "begroot.toml").write_text(toml_for([year]), encoding="utf-8")
    return folder / "financien.csv"


def write_xlsx(csv_file: Path, root: Path, lines: int, log=print) -> None:
    """The first ``lines`` lines of a finance CSV as an XLSX project (years and amounts as numbers,
    as Excel holds them), written with xlsxwriter in constant-memory mode."""
    import xlsxwriter

    year = int(csv_file.parent.name.rsplit("-", 1)[1])
    folder = root / csv_file.parent.name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(csv_file.parent / "programmas.csv", folder / "programmas.csv")
    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(folder / "financien.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet("Export")
    money = book.add_format({"num_format": "#,##0.00"})
    with csv_file.open(encoding="utf-8") as fh:
        sheet.write_row(0, 0, next(fh).rstrip("\n").split(";"))
        for r, line in enumerate(itertools.islice(fh, lines), start=1):
            prog, tv, cat, kind, y, col, amount = line.rstrip("\n").split(";")
            sheet.write_row(r, 0, (prog, tv, cat, kind))
            sheet.write_number(r, 4, int(y))
            sheet.write_string(r, 5, col)
            euros, cents = amount.replace(".", "").split(",")
            # cents as a float in euros: exact to the cent after begroot's rounding check
            sheet.write_number(r, 6, int(euros + cents) / 100, money)
    book.close()
    (root / "begroot.toml").write_text(toml_for([year], "financien.xlsx"), encoding="utf-8")
    log(f"  ingest-xlsx: {lines:,} lines written in {time.perf_counter() - start:.1f} s")


# --- the peer corpus ------------------------------------------------------------------------------

def md_table(head: list[str], rows: list[list[str]]) -> str:
    align = ["---"] + ["---:"] * (len(head) - 1)
    return "\n".join("| " + " | ".join(r) + " |" for r in [head, align, *rows])


def write_peers(root: Path, info: dict[str, EditionInfo], size: Size) -> int:
    """The same pages as Markdown, for MkDocs (``mkdocs/``) and Hugo (``hugo/``): the home page,
    the colophon and accessibility statement, and per edition the overview (introduction and a
    table of programmes), the taakvelden page (a table per taakveld) and every programme page
    (its two texts, lasten/baten/saldo per period, its deelprogramma's, its indicators)."""
    docs, content = root / "mkdocs" / "docs", root / "hugo" / "content"
    for base in (docs, content):
        shutil.rmtree(base, ignore_errors=True)
    pages = 0

    def emit(rel: str, title: str, body: str) -> None:
        nonlocal pages
        for base in (docs, content):
            # Hugo: a folder's own page is _index.md (an index.md would make the folder a leaf
            # bundle and hide every page below it)
            target = base / (rel.replace("index.md", "_index.md") if base is content else rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            front = f'---\ntitle: "{title}"\n---\n' if base is content else ""
            target.write_text(f"{front}# {title}\n\n{body}\n", encoding="utf-8")
        pages += 1

    editions = list(info)
    emit("index.md", "Begroting Grootstad", "De begroting van Grootstad.\n\n"
         + "\n".join(f"- [Begroting {e.split('-')[1]}]({e}/index.md)" for e in editions))
    emit("over/index.md", "Over deze site", "Deze site is een **synthetische** begroting.")
    emit("over/toegankelijkheid.md", "Toegankelijkheidsverklaring", "Status C: eerste maatregelen genomen.")
    for edition, e in info.items():
        progs, sums = e.progs, e.sums
        begroting = 1
        leaves_of = {code: [c for c, _, p in progs.rows if p == code] or [code] for code, _, _ in progs.rows}

        def amount(code: str, kind: str, period: int) -> int:
            return sum(sums.leaf.get((leaf, kind, period), 0) for leaf in leaves_of[code])

        def share_rows(codes: list[str]) -> list[list[str]]:
            rows = []
            for code in codes:
                lasten, baten = amount(code, "Lasten", begroting), amount(code, "Baten", begroting)
                rows.append([f"{code} {progs.name(code)}", thousands(lasten), thousands(baten),
                             thousands(baten - lasten)])
            return rows

        head = ["Programma", "Lasten", "Baten", "Saldo"]
        tops = [c for c, _, p in progs.rows if not p]
        emit(f"{edition}/index.md", f"Begroting {e.year}",
             e.texts["inleiding"] + "\n\n## Programma's\n\n" + md_table(head, share_rows(tops)))
        names = taakvelden(e.year)
        tv_rows = [[f"{tv} {names[tv].name}", thousands(sums.taakveld.get((tv, "Lasten"), 0)),
                    thousands(sums.taakveld.get((tv, "Baten"), 0)),
                    thousands(sums.taakveld.get((tv, "Baten"), 0) - sums.taakveld.get((tv, "Lasten"), 0))]
                   for tv in names if names[tv].leaf and (tv, "Lasten") in sums.taakveld]
        emit(f"{edition}/taakvelden.md", f"Begroting {e.year} per taakveld",
             md_table(["Taakveld", "Lasten", "Baten", "Saldo"], tv_rows))
        period_head = [""] + [f"{'Raming' if col == 'Meerjarenraming' else col} {y}" for y, col in sums.periods]
        for code, name, parent in progs.rows:
            parts = [f"## {s.capitalize()}\n\n{e.texts[f'{code}-{s}']}" for s in SECTIONS]
            per = range(len(sums.periods))
            lasten = [amount(code, "Lasten", p) for p in per]
            baten = [amount(code, "Baten", p) for p in per]
            parts.append("## Lasten, baten en saldo\n\n" + md_table(period_head, [
                ["Lasten", *map(thousands, lasten)], ["Baten", *map(thousands, baten)],
                ["Saldo", *(thousands(b - a) for a, b in zip(lasten, baten))]]))
            children = [c for c, _, p in progs.rows if p == code]
            if children:
                parts.append("## Deelprogramma's\n\n" + md_table(head, share_rows(children)))
            indicators = [r for r in e.indicators if r[0] == code]
            if indicators:
                parts.append("## Indicatoren\n\n" + md_table(["Indicator", "Eenheid", "Jaar", "Waarde", "Bron"],
                                                             [[r[1], r[2], str(r[3]), r[4], r[5]] for r in indicators]))
            label = "Deelprogramma" if parent else "Programma"
            emit(f"{edition}/programma/{code.replace('.', '-')}.md", f"{label} {code}: {name}", "\n\n".join(parts))
    (root / "mkdocs" / "mkdocs.yml").write_text(
        "site_name: Begroting Grootstad\nuse_directory_urls: true\ntheme:\n  name: mkdocs\n"
        "markdown_extensions:\n  - tables\n", encoding="utf-8")
    hugo = root / "hugo"
    (hugo / "hugo.toml").write_text(
        'baseURL = "/"\ntitle = "Begroting Grootstad"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    # Hugo has no default theme: a minimal layout (menu of the sections, breadcrumbs, the content)
    layouts = hugo / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    shell = ('<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width, initial-scale=1">'
             '<title>{{ .Title }} – {{ .Site.Title }}</title></head>\n<body>'
             '<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a><nav><ul>'
             '{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
             '</ul></nav></header>\n<nav><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">'
             '{{ .Title }}</a></li>{{ end }}<li>{{ .Title }}</li></ol></nav>\n'
             '<main>{{ .Content }}</main>\n<footer>{{ .Site.Title }}</footer></body></html>\n')
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(shell, encoding="utf-8")
    (hugo / "layouts" / "index.html").write_text(shell, encoding="utf-8")
    return pages


# --- entry points ---------------------------------------------------------------------------------

def generate(out: Path, size: Size, *, log=print) -> Path:
    """Write (or reuse, when complete) everything for one size under ``out/<size key>/``:
    ``city/``, ``ingest/``, ``ingest-xlsx/`` (when ``size.xlsx_lines``) and ``peers/``."""
    base = out / size.key
    done = base / ".complete"
    if done.exists():
        return base
    if base.exists():
        shutil.rmtree(base)
    start = time.perf_counter()
    log(f"generating the synthetic city {size.key} in {base} …")
    info = write_city(base / "city", size, log=log)
    csv_file = write_ingest(base / "ingest", size, log=log)
    if size.xlsx_lines:
        write_xlsx(csv_file, base / "ingest-xlsx", min(size.xlsx_lines, size.lines), log=log)
    pages = write_peers(base / "peers", info, size)
    (base / "peer-pages.txt").write_text(f"{pages}\n", encoding="utf-8")
    done.write_text(f"generated in {time.perf_counter() - start:.1f} s\n", encoding="utf-8")
    log(f"generated in {time.perf_counter() - start:.1f} s")
    return base


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate",
                                     description="Write a synthetic large city for the begroot benchmarks.")
    parser.add_argument("out", type=Path, help="folder; the data goes into OUT/<size key>/")
    defaults = Size()
    for name in ("programmes", "deel", "editions", "lines", "words", "xlsx_lines", "first_year", "seed"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    args = parser.parse_args(argv)
    size = Size(**{k: getattr(args, k) for k in Size.__dataclass_fields__})
    print(generate(args.out, size))


if __name__ == "__main__":
    main()
