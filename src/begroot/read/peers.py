"""Read the peer figures: a national Iv3 file as CBS publishes it, or begroot's own compact JSON
file made from one, into :class:`PeerData` (sums per taakveld for the country and each size
class). What the figures mean, and the choices behind them: :mod:`begroot.peers`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from ..errors import Problems
from . import numbers
from .tables import ROW, Table, TableError, read_table, report_invisible, report_missing_column

#: The name of the national group in the compact file.
NATIONAL = "nederland"
#: The name the CBS file gives its national sum row.
NEDERLAND_ROW = "nederland"
#: Version of the compact file format.
FORMAT = 1
#: Marks a compact peer file.
KIND = "begroot-peers"

COLUMNS = {"gemeente": "Gemeenten", "taakveld": "Taakveld", "lasten": "Lasten", "baten": "Baten",
           "inhabitants": "Inwonertal", "size_class": "Gemeentegrootte"}
TAAKVELD_RE = re.compile(r"^(\d+\.\d+[a-z]*)(\s|$)")
_CLASS_RE = [
    (re.compile(r"^minderdan(\d+)inwoners$"), lambda m: (0, int(m[1]))),
    (re.compile(r"^(\d+)tot(\d+)inwoners$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^(\d+)inwonersofmeer$"), lambda m: (int(m[1]), None)),
]
#: The dataset a kind of edition is compared with: a budget with budgets, annual accounts with
#: annual accounts. Voorjaars- and najaarsnota (amended budgets) have no CBS counterpart.
DATASET_OF_EDITION = {"begroting": "begroting", "jaarstukken": "jaarrekening"}


@dataclass(frozen=True)
class PeerRow:
    """A group's sums for one taakveld, in euros (exact), with the group behind them."""

    taakveld: str
    lasten: Decimal
    baten: Decimal
    inhabitants: int       # of all municipalities in the group (also those with nothing on it)
    municipalities: int    # number of municipalities in the group


@dataclass(frozen=True)
class SizeClass:
    """A CBS size class: ``low`` <= inhabitants < ``high`` (no upper bound when ``high`` is None)."""

    name: str
    low: int
    high: int | None

    def holds(self, inhabitants: int) -> bool:
        return inhabitants >= self.low and (self.high is None or inhabitants < self.high)


def parse_class(name: str) -> SizeClass | None:
    """``'150000tot250000inwoners'`` -> SizeClass(name, 150000, 250000); None when not a CBS class name."""
    plain = name.strip().lower().replace(" ", "")
    for pattern, bounds in _CLASS_RE:
        m = pattern.match(plain)
        if m:
            low, high = bounds(m)
            return SizeClass(plain, low, high)
    return None


@dataclass(frozen=True)
class _Group:
    municipalities: int
    inhabitants: int
    cents: dict[str, tuple[int, int]]   # taakveld -> (lasten, baten) in cents


def _euros(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


@dataclass(frozen=True)
class PeerData:
    """National and size-class sums per taakveld, from one national Iv3 dataset."""

    groups: dict[str, _Group]          # NATIONAL and each size class name
    classes: dict[str, SizeClass]
    dataset: str | None = None          # "begroting" or "jaarrekening", when known
    year: int | None = None
    source: str = ""                   # where the figures come from, for the page and the colophon
    taakvelden: tuple[str, ...] = field(default=())

    def _row(self, group: str, taakveld: str) -> PeerRow | None:
        g = self.groups.get(group)
        if g is None or taakveld not in g.cents:
            return None
        lasten, baten = g.cents[taakveld]
        return PeerRow(taakveld, _euros(lasten), _euros(baten), g.inhabitants, g.municipalities)

    def national(self, taakveld: str) -> PeerRow | None:
        """Sums of every municipality in the file for ``taakveld`` (None when the file lacks it)."""
        return self._row(NATIONAL, taakveld)

    def size_class(self, name: str, taakveld: str) -> PeerRow | None:
        """Sums of the municipalities of size class ``name`` for ``taakveld``."""
        return self._row(name.lower(), taakveld)

    def class_of(self, inhabitants: int) -> str | None:
        """The CBS size class (its name in the file) that ``inhabitants`` falls in; None when no
        class of the file covers it."""
        for c in self.classes.values():
            if c.holds(inhabitants):
                return c.name
        return None

    def total(self, group: str | None, taakvelden) -> PeerRow | None:
        """The sums over several taakvelden (a main group, or all) of the nation (``group`` None)
        or of a size class; None when the group is unknown."""
        g = self.groups.get(NATIONAL if group is None else group.lower())
        if g is None:
            return None
        codes = [c for c in taakvelden if c in g.cents]
        return PeerRow("", _euros(sum(g.cents[c][0] for c in codes)), _euros(sum(g.cents[c][1] for c in codes)),
                       g.inhabitants, g.municipalities)

    def municipalities(self, group: str | None = None) -> int:
        g = self.groups.get(NATIONAL if group is None else group.lower())
        return g.municipalities if g else 0

    def to_json(self) -> str:
        """The compact file: deterministic, amounts as exact euro strings."""
        def group(name: str, g: _Group) -> dict:
            out: dict = {"name": name}
            if name in self.classes:
                out["low"], out["high"] = self.classes[name].low, self.classes[name].high
            out |= {"municipalities": g.municipalities, "inhabitants": g.inhabitants,
                    "taakvelden": {code: {"lasten": f"{_euros(g.cents[code][0]):f}",
                                          "baten": f"{_euros(g.cents[code][1]):f}"}
                                   for code in self.taakvelden if code in g.cents}}
            return out

        order = [NATIONAL] + sorted((n for n in self.groups if n != NATIONAL), key=lambda n: self.classes[n].low)
        doc = {"format": FORMAT, "kind": KIND, "dataset": self.dataset, "year": self.year, "source": self.source,
               "unit": "euro", "groups": [group(n, self.groups[n]) for n in order]}
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _dataset_from_name(name: str) -> tuple[str | None, int | None]:
    """'2024_begroting.csv' -> ('begroting', 2024): CBS's file names say what they hold."""
    m = re.search(r"(\d{4})[_-](begroting|jaarrekening)", name.lower())
    return (m[2], int(m[1])) if m else (None, None)


def cbs_table(path: Path, file: str, problems: Problems, columns: dict[str, str], code: str,
              hint: str, root: Path | None = None) -> Table | None:
    """A national Iv3 file of CBS (``;``-separated, one row per gemeente × taakveld) as a table that
    has ``columns``; None when it cannot be read or lacks one, each problem (``code``, with the
    file, row and column) in ``problems``."""
    try:
        table = read_table(path, file, delimiter=";", encoding="auto", root=root)
    except TableError as exc:
        problems.error(exc.message, file=file, row=exc.row, code=code, hint=exc.hint)
        return None
    report_invisible(problems, table)
    missing = [name for name in columns.values() if name not in table.header]
    for name in missing:
        report_missing_column(problems, table, name, hint)
    return None if missing else table


def _read_cbs(path: Path, file: str, problems: Problems, root: Path | None = None) -> PeerData | None:
    errors_before = len(problems.errors)
    table = cbs_table(path, file, problems, COLUMNS, "peers-unreadable",
                      "point peers at a national Iv3 file of CBS (one row per gemeente and taakveld) or at a file "
                      "made by tools/make_peers.py", root)
    if table is None:
        return None
    data = table.data.rename({v: k for k, v in COLUMNS.items()}).select(ROW, *COLUMNS)

    def bad(rows: pl.DataFrame, column: str, message: str, hint: str) -> None:
        for row in rows[ROW].to_list():
            problems.error(message, file=file, row=row, column=COLUMNS[column], code="peers-value", hint=hint)

    # taakveld codes
    data = data.with_columns(pl.col("gemeente").fill_null("").str.strip_chars(),
                             pl.col("taakveld").fill_null("").str.strip_chars()
                             .str.extract(TAAKVELD_RE.pattern, 1).alias("code"))
    bad(data.filter(pl.col("code").is_null()), "taakveld", "not a taakveld code",
        "each row names its taakveld first, e.g. '6.1 Samenkracht en burgerparticipatie'")
    bad(data.filter(pl.col("gemeente") == ""), "gemeente", "empty municipality name", "fill in the name")
    # amounts: x € 1.000 with a decimal point; an empty cell means nothing was reported
    for kind in ("lasten", "baten"):
        parsed = numbers.parse_amounts(data[kind], decimal=".", unit=1000)
        data = data.with_columns(parsed["cents"].alias(f"{kind}_cents"), parsed["status"].alias(f"{kind}_status"))
        wrong = data.filter(pl.col(f"{kind}_status").is_not_null() & (pl.col(f"{kind}_status") != numbers.EMPTY))
        bad(wrong, kind, "not an amount", "amounts in thousands of euros with a decimal point, e.g. 8733.0")
        data = data.with_columns(pl.col(f"{kind}_cents").fill_null(0))
    data = data.with_columns(pl.col("inhabitants").str.strip_chars().cast(pl.Int64, strict=False).alias("inh"),
                             pl.col("size_class").fill_null("").str.strip_chars().str.to_lowercase()
                             .str.replace_all(" ", "").alias("cls"))
    is_nl = pl.col("gemeente").str.to_lowercase() == NEDERLAND_ROW
    towns = data.filter(~is_nl & (pl.col("gemeente") != ""))
    bad(towns.filter(pl.col("inh").is_null() | (pl.col("inh") <= 0)), "inhabitants", "not a number of inhabitants",
        "every municipality needs its inhabitants (a whole number)")
    classes: dict[str, SizeClass] = {}
    for name in towns["cls"].unique().sort().to_list():
        parsed_class = parse_class(name)
        if parsed_class is None:
            rows = towns.filter(pl.col("cls") == name)
            bad(rows.head(1), "size_class", f"'{name}' is not a CBS size class" if name else "no size class",
                "CBS names size classes like '20000tot50000inwoners', 'minderdan5000inwoners' or "
                "'250000inwonersofmeer'")
        else:
            classes[name] = parsed_class
    # one row per municipality and taakveld, one inhabitant count and class per municipality
    twice = data.filter(~pl.struct("gemeente", "code").is_first_distinct() & pl.col("code").is_not_null())
    for row, name, code in twice.select(ROW, "gemeente", "code").iter_rows():
        problems.error(f"{name} has taakveld {code} more than once; its money would be counted twice", file=file,
                       row=row, column=COLUMNS["taakveld"], code="peers-duplicate", hint="keep one row per taakveld")
    per_town = towns.group_by("gemeente").agg(pl.col("inh").n_unique().alias("n_inh"),
                                              pl.col("cls").n_unique().alias("n_cls"), pl.col(ROW).min())
    for name, n_inh, n_cls, row in per_town.filter((pl.col("n_inh") > 1) | (pl.col("n_cls") > 1)).select(
            "gemeente", "n_inh", "n_cls", ROW).sort(ROW).iter_rows():
        column = COLUMNS["inhabitants"] if n_inh > 1 else COLUMNS["size_class"]
        problems.error(f"{name} has different values in its rows", file=file, row=row, column=column,
                       code="peers-value", hint="a municipality has one inhabitant count and one size class")
    if towns.is_empty():
        problems.error("the file has no municipalities", file=file, code="peers-value",
                       hint="point peers at a national Iv3 file of CBS")
    if len(problems.errors) > errors_before:
        return None

    # The "Nederland" row must be the sum of the municipalities: the file is complete.
    sums = towns.group_by("code").agg(pl.col("lasten_cents").sum(), pl.col("baten_cents").sum())
    nl = data.filter(is_nl)
    if not nl.is_empty():
        joined = nl.join(sums, on="code", how="left", suffix="_sum").with_columns(
            pl.col("lasten_cents_sum").fill_null(0), pl.col("baten_cents_sum").fill_null(0))
        off = joined.filter((pl.col("lasten_cents") != pl.col("lasten_cents_sum"))
                            | (pl.col("baten_cents") != pl.col("baten_cents_sum")))
        for row, code in off.select(ROW, "code").sort(ROW).iter_rows():
            problems.error(f"the Nederland row of taakveld {code} is not the sum of the municipalities' rows",
                           file=file, row=row, code="peers-nederland",
                           hint="use the complete national file: a filtered or edited file gives wrong national figures")
        inh = towns.unique("gemeente")["inh"].sum()
        nl_inh = nl["inh"].drop_nulls().unique().to_list()
        if nl_inh and nl_inh != [inh]:
            problems.error(f"the Nederland rows count {nl_inh[0]} inhabitants, the municipalities {inh}", file=file,
                           row=nl[ROW][0], column=COLUMNS["inhabitants"], code="peers-nederland",
                           hint="use the complete national file")
        if len(problems.errors) > errors_before:
            return None

    towns = _drop_subtotals(towns)
    codes = _sorted_codes(data["code"].unique().to_list())
    groups = {NATIONAL: _group(towns)}
    for name in classes:
        groups[name] = _group(towns.filter(pl.col("cls") == name))
    dataset, year = _dataset_from_name(path.name)
    return PeerData(groups=groups, classes=classes, dataset=dataset, year=year,
                    source=f"CBS Iv3: {path.name}", taakvelden=tuple(codes))


def _drop_subtotals(towns: pl.DataFrame) -> pl.DataFrame:
    """Leave out a municipality's row on a group code (``6.71``) when it only sums its sub-codes."""
    codes = set(towns["code"].to_list())
    subs = {c: [s for s in codes if re.fullmatch(re.escape(c) + r"[a-z]+", s)] for c in codes}
    subs = {c: s for c, s in subs.items() if s}
    if not subs:
        return towns
    drop = []
    for parent, children in subs.items():
        kids = (towns.filter(pl.col("code").is_in(children)).group_by("gemeente")
                .agg(pl.col("lasten_cents").sum().alias("kl"), pl.col("baten_cents").sum().alias("kb")))
        own = towns.filter(pl.col("code") == parent).join(kids, on="gemeente", how="inner")
        same = own.filter((pl.col("lasten_cents") == pl.col("kl")) & (pl.col("baten_cents") == pl.col("kb"))
                          & ((pl.col("kl") != 0) | (pl.col("kb") != 0)))
        drop.extend(same[ROW].to_list())
    return towns.filter(~pl.col(ROW).is_in(drop)) if drop else towns


def _group(rows: pl.DataFrame) -> _Group:
    towns = rows.unique("gemeente")
    sums = rows.group_by("code").agg(pl.col("lasten_cents").sum(), pl.col("baten_cents").sum())
    return _Group(municipalities=towns.height, inhabitants=int(towns["inh"].sum()),
                  cents={code: (int(lc), int(bc)) for code, lc, bc in sums.iter_rows()})


def _sorted_codes(codes: list[str]) -> list[str]:
    def key(code: str):
        return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|[^\d.]+", code))
    return sorted(codes, key=key)


def _read_compact(path: Path, file: str, problems: Problems, root: Path | None = None) -> PeerData | None:
    def error(message: str, where: str | None = None) -> None:
        problems.error(message, file=file, column=where, code="peers-format",
                       hint="make the file again with tools/make_peers.py from a national Iv3 file of CBS")

    from ..paths import SWAPPED, OutsideProject, read_inside

    try:
        data = read_inside(root, path)
        doc = json.loads(data.decode("utf-8-sig"))
    except OutsideProject:
        problems.error(SWAPPED, file=file, code="peers-unreadable", hint="name a file inside the project folder")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(f"cannot be read: {exc}", file=file, code="peers-unreadable")
        return None
    except json.JSONDecodeError as exc:
        error(f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}")
        return None
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        error(f"not a begroot peer file (it has no \"kind\": \"{KIND}\")")
        return None
    if doc.get("format") != FORMAT:
        error(f"format {doc.get('format')!r} is not known to this version of begroot (it reads format {FORMAT})",
              "format")
        return None
    errors_before = len(problems.errors)
    raw_groups = doc.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        error("the file lists no groups", "groups")
        return None
    groups: dict[str, _Group] = {}
    classes: dict[str, SizeClass] = {}
    codes: list[str] = []
    for i, g in enumerate(raw_groups):
        where = f"groups[{i}]"
        if not isinstance(g, dict) or not isinstance(g.get("name"), str):
            error("a group without a name", where)
            continue
        name = g["name"].lower()
        where = f"groups[{i}] ({name})"
        muni, inh, tvs = g.get("municipalities"), g.get("inhabitants"), g.get("taakvelden")
        if not isinstance(muni, int) or isinstance(muni, bool) or muni < 0:
            error("municipalities is not a whole number", f"{where}.municipalities")
            continue
        if not isinstance(inh, int) or isinstance(inh, bool) or inh < 0:
            error("inhabitants is not a whole number", f"{where}.inhabitants")
            continue
        if not isinstance(tvs, dict):
            error("taakvelden is not a table of taakveld codes", f"{where}.taakvelden")
            continue
        if name != NATIONAL:
            cls = parse_class(name)
            if cls is None:
                error(f"'{name}' is not a CBS size class", f"{where}.name")
                continue
            classes[name] = cls
        cents: dict[str, tuple[int, int]] = {}
        for code, amounts in tvs.items():
            pair = []
            for kind in ("lasten", "baten"):
                value = amounts.get(kind) if isinstance(amounts, dict) else None
                amount = _exact_cents(value)
                if amount is None:
                    error(f"{kind} of taakveld {code} is not an amount in euros ({value!r})",
                          f"{where}.taakvelden.{code}.{kind}")
                    break
                pair.append(amount)
            if len(pair) == 2:
                cents[code] = (pair[0], pair[1])
                if code not in codes:
                    codes.append(code)
        groups[name] = _Group(muni, inh, cents)
    if NATIONAL not in groups and len(problems.errors) == errors_before:
        error(f"the file has no group \"{NATIONAL}\"", "groups")
    if len(problems.errors) > errors_before:
        return None
    year = doc.get("year")
    return PeerData(groups=groups, classes=classes, dataset=doc.get("dataset"),
                    year=year if isinstance(year, int) else None, source=str(doc.get("source") or ""),
                    taakvelden=tuple(_sorted_codes(codes)))


def _exact_cents(value) -> int | None:
    """'1234.56' -> 123456; None for anything that is not an exact amount in whole cents."""
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+(\.\d{1,2})?", value.strip()):
        return None
    return int(Decimal(value.strip()).scaleb(2))


def load_peers(path: Path, problems: Problems, file: str | None = None, root: Path | None = None) -> PeerData | None:
    """Read a national Iv3 file of CBS or a compact peer file (``.json``) into :class:`PeerData`.

    ``file`` is the name used in messages (the path as the user wrote it in begroot.toml).
    With ``root`` (the project folder), the file is read only if it lies inside it when it is
    opened (begroot.paths.open_inside), whatever it was when the settings were checked.
    Every problem found is added to ``problems`` with file, row and column; None on errors.
    """
    file = file or str(path)
    if not path.is_file():
        from ..paths import missing_file_hint

        problems.error("file not found", file=file, code="peers-unreadable", hint=missing_file_hint(
            path, "give the path relative to the project folder, or peers = \"none\""))
        return None
    if path.suffix.lower() == ".json":
        return _read_compact(path, file, problems, root)
    return _read_cbs(path, file, problems, root)


