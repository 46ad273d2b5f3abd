"""Every municipality's Iv3 figures per taakveld, for ``begroot init --gemeente``.

Two sources, one shape (:class:`Catalogue`):

- the compact files shipped with begroot (``reference/data/gemeenten/``), made by
  ``tools/make_iv3_gemeenten.py`` from CBS's national Iv3 files: ``gemeenten.csv`` (CBS code,
  name, per dataset the inhabitants and size class) and ``iv3.csv.gz`` (per municipality and
  taakveld, lasten and baten of each dataset in € 1.000, as CBS wrote them);
- a national Iv3 file of CBS (``2025_begroting.csv``: one row per gemeente × taakveld, ``;``,
  amounts × € 1.000 with a decimal point), named with ``begroot init --iv3 FILE``.

Amounts are kept as exact cents. :func:`resolve` finds a municipality by its name as people write
it ("Den Haag", "sudwest fryslan", "GM0193"), or says which names are close.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path

import polars as pl

from ..errors import Problems
from ..reference.names import fold, other_names
from . import numbers
from .peers import cbs_table
from .tables import ROW

#: The datasets begroot ships, as (kind, year): kind is CBS's "begroting" or "jaarrekening".
SHIPPED = (("begroting", 2023), ("jaarrekening", 2023), ("begroting", 2024))
#: Columns of a national CBS file that are read.
COLUMNS = {"gemeente": "Gemeenten", "taakveld": "Taakveld", "lasten": "Lasten", "baten": "Baten",
           "inhabitants": "Inwonertal"}
SIZE_CLASS = "Gemeentegrootte"
NATIONAL_ROW = "nederland"
TAAKVELD_RE = r"^(\d+\.\d+[a-z]*)(?:\s|$)"
CENTS_PER_UNIT = 100_000   # the files are in € 1.000
_CODE_RE = re.compile(r"^\s*(?:gm)?\s*(\d{1,4})\s*$", re.IGNORECASE)


def dataset_key(kind: str, year: int) -> str:
    """("begroting", 2024) -> "begroting-2024", the name of a dataset in the compact files."""
    return f"{kind}-{year}"


def dataset_of_name(name: str) -> tuple[str, int] | None:
    """'2025_begroting.csv' -> ("begroting", 2025): CBS's file names say what they hold."""
    m = re.search(r"(\d{4})[_-](begroting|jaarrekening)", name.lower())
    return (m[2], int(m[1])) if m else None


@dataclass
class Figures:
    """One municipality in one dataset: inhabitants, size class, and per taakveld (lasten, baten)
    in cents, in the order of the file."""

    inhabitants: int | None = None
    size_class: str = ""
    cents: dict[str, tuple[int, int]] = field(default_factory=dict)

    def totals(self) -> tuple[int, int]:
        """The sum of lasten and of baten over every taakveld, in cents."""
        return sum(v[0] for v in self.cents.values()), sum(v[1] for v in self.cents.values())


@dataclass
class Municipality:
    name: str                    # as CBS's file writes it ("'s-Gravenhage")
    code: str | None             # "GM0518"; None for a name begroot has no code for
    figures: dict[tuple[str, int], Figures] = field(default_factory=dict)   # (kind, year) -> figures


@dataclass
class Catalogue:
    municipalities: dict[str, Municipality] = field(default_factory=dict)    # name -> municipality
    sources: dict[tuple[str, int], str] = field(default_factory=dict)         # (kind, year) -> where from

    def add(self, kind: str, year: int, source: str, rows: dict[str, Figures], codes: dict[str, str]) -> None:
        """Add (or replace) one dataset: ``rows`` per municipality name."""
        self.sources[(kind, year)] = source
        for name, figures in rows.items():
            m = self.municipalities.get(name)
            if m is None:
                m = self.municipalities[name] = Municipality(name, codes.get(name))
            m.figures[(kind, year)] = figures


class NotFound(LookupError):
    """No municipality by that name; ``suggestions`` are the closest names."""

    def __init__(self, query: str, suggestions: list[str], ambiguous: bool = False):
        self.query, self.suggestions = query, suggestions
        near = " or ".join(f"'{n}'" for n in suggestions)
        super().__init__((f"'{query}' names more than one municipality" if ambiguous else
                          f"no municipality '{query}' in the CBS Iv3 figures") + (
            f"; did you mean {near}?" if near else "; give its name as CBS writes it, or its CBS code (GM0193)"))


def _data_dir() -> Path:
    return Path(str(resources.files("begroot") / "reference" / "data" / "gemeenten"))


def thousands(cents: int) -> str:
    """Cents as € 1.000 with as many decimals as needed: 1278200000 -> '12782', 150000 -> '1.5'."""
    value = Decimal(cents).scaleb(-5).normalize()
    return f"{value:f}" if value else "0"


def _cents(text: str) -> int:
    return int(Decimal(text or "0") * CENTS_PER_UNIT)


def compact_files(catalogue: Catalogue) -> tuple[str, str]:
    """The two compact files (texts) of a catalogue: the municipalities, and the figures."""
    keys = sorted(catalogue.sources, key=lambda k: (k[1], k[0]))
    municipalities = sorted(catalogue.municipalities.values(), key=lambda m: (m.code or "", m.name))
    head = io.StringIO()
    w = csv.writer(head, delimiter=";", lineterminator="\n")
    w.writerow(["code", "naam", "dataset", "inwoners", "grootteklasse"])
    for m in municipalities:
        for key in keys:
            if key in m.figures:
                f = m.figures[key]
                w.writerow([m.code or "", m.name, dataset_key(*key), f.inhabitants or "", f.size_class])
    body = io.StringIO()
    w = csv.writer(body, delimiter=";", lineterminator="\n")
    w.writerow(["code", "taakveld"] + [f"{kind} {dataset_key(*key)}" for key in keys for kind in ("lasten", "baten")])
    from ..reference import sort_key

    for m in municipalities:
        codes = sorted({c for key in keys if key in m.figures for c in m.figures[key].cents}, key=sort_key)
        for code in codes:
            cells = []
            for key in keys:
                lasten, baten = m.figures.get(key, Figures()).cents.get(code, (0, 0))
                cells += [thousands(lasten) if lasten else "", thousands(baten) if baten else ""]
            if any(cells):
                w.writerow([m.code, code] + cells)
    return head.getvalue(), body.getvalue()


def shipped() -> Catalogue:
    """The figures begroot ships (begroting 2023 and 2024, jaarrekening 2023)."""
    folder = _data_dir()
    catalogue = Catalogue()
    names: dict[str, str] = {}
    with (folder / "gemeenten.csv").open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter=";"):
            kind, year = rec["dataset"].rsplit("-", 1)
            key = (kind, int(year))
            catalogue.sources[key] = f"CBS Iv3 {kind} {year}"
            m = catalogue.municipalities.setdefault(rec["naam"], Municipality(rec["naam"], rec["code"] or None))
            names[rec["code"]] = rec["naam"]
            m.figures[key] = Figures(int(rec["inwoners"]) if rec["inwoners"] else None, rec["grootteklasse"])
    with gzip.open(folder / "iv3.csv.gz", "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        header = next(reader)
        keys = []
        for column in header[2::2]:
            kind, year = column.split(" ", 1)[1].rsplit("-", 1)
            keys.append((kind, int(year)))
        for row in reader:
            m = catalogue.municipalities[names[row[0]]]
            for i, key in enumerate(keys):
                lasten, baten = row[2 + 2 * i], row[3 + 2 * i]
                if (lasten or baten) and key in m.figures:
                    m.figures[key].cents[row[1]] = (_cents(lasten), _cents(baten))
    return catalogue


def read_national(path: Path, problems: Problems, file: str | None = None) -> dict[str, Figures] | None:
    """A national Iv3 file of CBS, per municipality (the "Nederland" row left out); None on errors,
    each with its file, row and column in ``problems``."""
    file = file or str(path)
    errors_before = len(problems.errors)
    table = cbs_table(path, file, problems, COLUMNS, "gemeente-file",
                      "give a national Iv3 file of CBS: one row per gemeente and taakveld, with Gemeenten, "
                      "Taakveld, Lasten, Baten, Inwonertal")
    if table is None:
        return None
    data = table.data.rename({v: k for k, v in COLUMNS.items()})
    data = data.with_columns(pl.col("gemeente").fill_null("").str.strip_chars(),
                             pl.col("taakveld").fill_null("").str.strip_chars().str.extract(TAAKVELD_RE, 1).alias("code"),
                             (pl.col(SIZE_CLASS) if SIZE_CLASS in data.columns else pl.lit("")).fill_null("")
                             .str.strip_chars().alias("cls"))
    for row in data.filter(pl.col("code").is_null())[ROW].to_list():
        problems.error("not a taakveld code", file=file, row=row, column=COLUMNS["taakveld"], code="gemeente-file",
                       hint="each row names its taakveld first, e.g. '6.1 Samenkracht en burgerparticipatie'")
    for kind in ("lasten", "baten"):
        parsed = numbers.parse_amounts(data[kind], decimal=".", unit=1000)
        data = data.with_columns(parsed["cents"].fill_null(0).alias(f"{kind}_cents"), parsed["status"].alias("s"))
        for row in data.filter(pl.col("s").is_not_null() & (pl.col("s") != numbers.EMPTY))[ROW].to_list():
            problems.error("not an amount", file=file, row=row, column=COLUMNS[kind], code="gemeente-file",
                           hint="amounts in thousands of euros with a decimal point, e.g. 8733.0")
    data = data.with_columns(pl.col("inhabitants").fill_null("").str.strip_chars().str.replace(r"\.0+$", "")
                             .cast(pl.Int64, strict=False).alias("inh"))
    towns = data.filter((pl.col("gemeente") != "") & (pl.col("gemeente").str.to_lowercase() != NATIONAL_ROW))
    twice = towns.filter(~pl.struct("gemeente", "code").is_first_distinct() & pl.col("code").is_not_null())
    for row, name, code in twice.select(ROW, "gemeente", "code").iter_rows():
        problems.error(f"{name} has taakveld {code} more than once", file=file, row=row,
                       column=COLUMNS["taakveld"], code="gemeente-file", hint="keep one row per taakveld")
    if towns.is_empty():
        problems.error("the file has no municipalities", file=file, code="gemeente-file",
                       hint="give a national Iv3 file of CBS")
    if len(problems.errors) > errors_before:
        return None
    out: dict[str, Figures] = {}
    for name, code, lasten, baten, inh, cls in towns.select(
            "gemeente", "code", "lasten_cents", "baten_cents", "inh", "cls").iter_rows():
        f = out.setdefault(name, Figures())
        f.inhabitants = f.inhabitants or inh
        f.size_class = f.size_class or cls
        f.cents[code] = (int(lasten), int(baten))
    return out


def resolve(query: str, catalogue: Catalogue) -> Municipality:
    """The municipality ``query`` names: its CBS code (``GM0193``, ``193``), its name as CBS
    writes it, or as people do ("Den Haag", "Den Bosch", "Sudwest Fryslan", "Beek (L.)").
    Raises :class:`NotFound` with the closest names."""
    munis = catalogue.municipalities
    m = _CODE_RE.match(query)
    if m:
        code = f"GM{int(m[1]):04d}"
        for muni in munis.values():
            if muni.code == code:
                return muni
        raise NotFound(query, [])
    exact = {_key(muni.name): muni for muni in munis.values()}
    plain: dict[str, list[Municipality]] = {}
    for muni in munis.values():
        plain.setdefault(fold(_plain(muni.name)), []).append(muni)
    named = list(dict.fromkeys(exact[_key(w)].name for w in other_names(query) if _key(w) in exact))
    if len(named) == 1 or (named and _key(query) == _key(named[0])):
        return munis[named[0]]
    if named:  # "Bergen": Bergen (L.) or Bergen (NH.)
        raise NotFound(query, sorted(named), ambiguous=True)
    same = plain.get(fold(_plain(query)), [])
    if len(same) == 1:
        return same[0]
    if same:  # "Bergen": Bergen (L.) or Bergen (NH.)
        raise NotFound(query, sorted(m.name for m in same), ambiguous=True)
    names = {**{k: [m] for k, m in exact.items()}, **plain}
    close = difflib.get_close_matches(fold(query), list(names), n=3, cutoff=0.75)
    raise NotFound(query, list(dict.fromkeys(m.name for c in close for m in names[c])))


def _key(name: str) -> str:
    """A name to compare: folded, CBS's brackets and points aside ("Bergen (NH.)" -> "bergen nh")."""
    return " ".join(fold(name).replace("(", " ").replace(")", " ").split())


def _plain(name: str) -> str:
    """A name without CBS's province mark: "Bergen (NH.)" -> "Bergen", "Groningen (gemeente)" -> "Groningen"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name)
