"""All arithmetic of the site in one place: totals, saldo, shares, roll-ups, reconciliation.

Sums run in Polars over exact integer cents; results are handed on as ``Decimal`` euros.
Nothing here formats: presentation belongs to :mod:`begroot.format`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from .model import EditionData

Period = tuple[int, str]  # (year, column)

# within one year: the plan as first adopted, as amended, then what was realised
COLUMN_ORDER = ["begroting", "begroting_na_wijziging", "realisatie", "meerjarenraming"]
MAIN_COLUMN = {
    "begroting": "begroting",
    "voorjaarsnota": "begroting_na_wijziging",
    "najaarsnota": "begroting_na_wijziging",
    "jaarstukken": "realisatie",
}
ZERO = Decimal(0)


def cents_to_euros(cents: int) -> Decimal:
    """Exact: 123456 cents -> Decimal('1234.56')."""
    return Decimal(int(cents)).scaleb(-2)


@dataclass(frozen=True)
class Amounts:
    """Lasten and baten in euros (exact); saldo follows BBV: baten minus lasten."""

    lasten: Decimal = ZERO
    baten: Decimal = ZERO

    @property
    def saldo(self) -> Decimal:
        return self.baten - self.lasten

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(self.lasten + other.lasten, self.baten + other.baten)

    def __sub__(self, other: "Amounts") -> "Amounts":
        return Amounts(self.lasten - other.lasten, self.baten - other.baten)

    @property
    def is_zero(self) -> bool:
        return self.lasten == 0 and self.baten == 0


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """Exact fraction part/whole (None when the whole is zero)."""
    if whole == 0:
        return None
    return part / whole


def period_key(p: Period) -> tuple[int, int]:
    col = COLUMN_ORDER.index(p[1]) if p[1] in COLUMN_ORDER else len(COLUMN_ORDER)
    return (p[0], col)


@dataclass
class EditionFigures:
    edition_id: str
    main: Period
    periods: list[Period]
    total: dict[Period, Amounts]
    programmes: dict[str, dict[Period, Amounts]]          # rolled up: parents include children
    taakvelden: dict[str, dict[Period, Amounts]]
    programme_taakvelden: dict[str, dict[str, Amounts]]   # main period, rolled up
    export_total: dict[Period, Amounts]
    unassigned: dict[Period, Amounts] = field(default_factory=dict)
    no_taakveld: dict[Period, Amounts] = field(default_factory=dict)  # lines booked without a taakveld

    def of(self, code: str, period: Period | None = None) -> Amounts:
        return self.programmes.get(code, {}).get(period or self.main, Amounts())

    def own(self, code: str, children: list[str], period: Period | None = None) -> Amounts:
        """The money booked on a programme itself, not on any of its ``children``: its rolled-up
        figures less theirs (exact), so that a table of the children, this and the programme's
        total adds up."""
        rest = self.of(code, period)
        for child in children:
            rest = rest - self.of(child, period)
        return rest

    def grand(self, period: Period | None = None) -> Amounts:
        return self.total.get(period or self.main, Amounts())

    def share_lasten(self, code: str) -> Decimal | None:
        return share(self.of(code).lasten, self.grand().lasten)

    def share_baten(self, code: str) -> Decimal | None:
        return share(self.of(code).baten, self.grand().baten)

    def periods_of(self, code: str) -> list[Period]:
        """Periods in which a programme has any amount, in BBV order."""
        have = self.programmes.get(code, {})
        return [p for p in self.periods if p in have and not have[p].is_zero]

    def reconciles(self) -> bool:
        """True when the site's totals equal the sum of every line read."""
        return self.total == self.export_total


def _sum_by(lines: pl.DataFrame, keys: list[str]) -> dict[tuple, Amounts]:
    if lines.is_empty():
        return {}
    grouped = (
        lines.group_by(keys + ["kind"])
        .agg(pl.col("cents").sum())
        .sort(keys + ["kind"])
    )
    out: dict[tuple, Amounts] = {}
    for row in grouped.iter_rows(named=True):
        key = tuple(row[k] for k in keys)
        value = cents_to_euros(row["cents"])
        current = out.get(key, Amounts())
        if row["kind"] == "lasten":
            out[key] = Amounts(current.lasten + value, current.baten)
        else:
            out[key] = Amounts(current.lasten, current.baten + value)
    return out


def _main_period(edition: EditionData, periods: list[Period]) -> Period:
    wanted = (edition.config.year, MAIN_COLUMN[edition.config.kind])
    if wanted in periods or not periods:
        return wanted
    same_year = [p for p in periods if p[0] == edition.config.year]
    return (same_year or periods)[0]


def compute(edition: EditionData) -> EditionFigures:
    """Compute every figure of one edition."""
    lines = edition.lines
    by_prog = _sum_by(lines, ["programme", "year", "column"])
    by_tv = _sum_by(lines, ["taakveld", "year", "column"])
    by_period = _sum_by(lines, ["year", "column"])
    by_prog_tv = _sum_by(lines, ["programme", "taakveld", "year", "column"])

    periods = sorted({(y, c) for (y, c) in by_period}, key=period_key)
    main = _main_period(edition, periods)

    # Roll up: every programme's figures include its descendants'.
    parent_of = {p.code: p.parent for p in edition.programmes.values()}
    programmes: dict[str, dict[Period, Amounts]] = {code: {} for code in edition.programmes}
    programme_taakvelden: dict[str, dict[str, Amounts]] = {code: {} for code in edition.programmes}
    unassigned: dict[Period, Amounts] = {}
    for (code, year, column), amounts in by_prog.items():
        if code not in programmes:
            unassigned[(year, column)] = unassigned.get((year, column), Amounts()) + amounts
            continue
        node: str | None = code
        while node is not None:
            bucket = programmes[node]
            bucket[(year, column)] = bucket.get((year, column), Amounts()) + amounts
            node = parent_of.get(node)
    for (code, tv, year, column), amounts in by_prog_tv.items():
        if (year, column) != main or code not in programmes:
            continue
        node = code
        while node is not None:
            bucket = programme_taakvelden[node]
            bucket[tv] = bucket.get(tv, Amounts()) + amounts
            node = parent_of.get(node)

    # The site's totals: the sum over top-level programmes and overviews.
    total: dict[Period, Amounts] = {}
    for top in edition.top_level():
        for period, amounts in programmes[top.code].items():
            total[period] = total.get(period, Amounts()) + amounts

    taakvelden: dict[str, dict[Period, Amounts]] = {}
    no_taakveld: dict[Period, Amounts] = {}
    for (tv, year, column), amounts in by_tv.items():
        if tv is None:
            no_taakveld[(year, column)] = amounts
            continue
        taakvelden.setdefault(tv, {})[(year, column)] = amounts

    export_total = {(y, c): a for (y, c), a in by_period.items()}
    return EditionFigures(
        edition_id=edition.id,
        main=main,
        periods=periods,
        total=total,
        programmes=programmes,
        taakvelden=taakvelden,
        programme_taakvelden=programme_taakvelden,
        export_total=export_total,
        unassigned=unassigned,
        no_taakveld=no_taakveld,
    )


def euros_text(value: Decimal) -> str:
    """Exact euros with two decimals and a decimal point, machine-readable: '802980000.00'."""
    return f"{value.quantize(Decimal('0.01')):f}"


def per_inhabitant(amount: Decimal, inhabitants: int | None) -> Decimal | None:
    if not inhabitants:
        return None
    return amount / Decimal(inhabitants)


@dataclass(frozen=True)
class Execution:
    """Plan against realisation of one programme (or the whole edition) in one year, for the
    jaarstukken: begroting primitief, begroting na wijziging and realisatie (None: not in the data).

    The difference is realisatie minus the last plan (na wijziging when there is one, else
    primitief). It is *favourable* (voordelig) when lasten came out lower, baten higher, or the
    saldo higher than planned.
    """

    primitief: Amounts | None
    na_wijziging: Amounts | None
    realisatie: Amounts | None

    @property
    def plan(self) -> Amounts | None:
        return self.na_wijziging if self.na_wijziging is not None else self.primitief

    def difference(self, key: str) -> Decimal | None:
        if self.plan is None or self.realisatie is None:
            return None
        return getattr(self.realisatie, key) - getattr(self.plan, key)

    def fraction(self, key: str) -> Decimal | None:
        """The difference as a fraction of the plan (None when the plan is zero)."""
        diff = self.difference(key)
        planned = getattr(self.plan, key) if self.plan is not None else None
        if diff is None or not planned:
            return None
        return diff / abs(planned)

    def favourable(self, key: str) -> bool | None:
        diff = self.difference(key)
        if not diff:
            return None
        return diff < 0 if key == "lasten" else diff > 0


def execution(fig: EditionFigures, code: str | None, year: int) -> Execution | None:
    """Plan and realisation of programme ``code`` (None: the edition's totals) in ``year``; None
    when the edition has no realisation or no plan for that year."""
    def get(column: str) -> Amounts | None:
        period = (year, column)
        if period not in fig.periods:
            return None
        return fig.grand(period) if code is None else fig.of(code, period)

    result = Execution(get("begroting"), get("begroting_na_wijziging"), get("realisatie"))
    if result.realisatie is None or result.plan is None:
        return None
    return result
