"""Peer figures: what all municipalities, and those of the same size, spend per taakveld.

A council member asks how the municipality compares with similar ones. CBS publishes the Iv3
figures of every municipality; from them this module keeps, per taakveld, the sums of lasten
and baten with the inhabitants and the number of municipalities behind them, for

* the whole country (every municipality in the file), and
* each CBS size class (``Gemeentegrootte``, e.g. ``150000tot250000inwoners``).

Two kinds of file are read into the same :class:`PeerData`:

* a national Iv3 file as CBS publishes it (``;``-separated, one row per gemeente × taakveld,
  amounts × € 1.000 in ``Lasten`` and ``Baten``, with ``Inwonertal`` and ``Gemeentegrootte``,
  optionally a "Nederland" row per taakveld that must equal the sum of the municipalities);
* begroot's own compact JSON file, made from such a file by ``tools/make_peers.py``; the files
  for recent years ship with begroot (``begroot/reference/data/peers/``).

Choices, each deliberate:

* **Per inhabitant is an aggregate ratio**: the sum of the group's lasten divided by the sum of
  its inhabitants, not the median or mean of the municipalities' own per-inhabitant figures.
  The ratio is what a euro per inhabitant means for the group as a whole, it adds up (the
  taakvelden of a group sum to its total), it is exact from published sums (the compact file
  needs no per-municipality data), and it equals what CBS shows for "Nederland". A median would
  hide the large municipalities' weight and would not add up across taakvelden.
* **The municipality itself is counted in its groups.** The national figure is then CBS's own
  "Nederland" total, and the size-class figure is one public fact, the same on the site of every
  municipality in that class. The page says so. In a small class (four municipalities have
  250.000 inhabitants or more) the municipality's own weight is visible in the class figure.
* **Group codes are never counted twice.** In 2023–2024 ``6.71``, ``6.72``, ``6.81`` and
  ``6.82`` are groups of lettered sub-codes (``6.71a``…). Where a municipality's row on the
  group code equals the sum of its sub-code rows (lasten and baten), it is a subtotal and is
  left out; otherwise it is money booked on the group code itself and is kept under that code
  (the CBS files of 2023–2024 hold only the latter; the "Nederland" row adds them the same way).

All amounts are exact: integer cents while reading, ``Decimal`` euros after.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .errors import Problems, working_on
from .read.peers import DATASET_OF_EDITION, NATIONAL, PeerData, PeerRow, SizeClass, load_peers, parse_class

__all__ = ["NATIONAL", "PeerData", "PeerRow", "SizeClass", "load_peers", "parse_class", "per_inhabitant",
           "shipped_path", "peer_source", "missing_auto", "shipped_years", "check_edition_peers",
           "load_edition_peers"]


def per_inhabitant(row: PeerRow, kind: str) -> Decimal | None:
    """``row.lasten`` (``kind='lasten'``) or ``row.baten`` divided by the group's inhabitants.

    Exact to far beyond the cent (28 significant digits); round only for display. None when the
    group has no inhabitants.
    """
    if kind not in ("lasten", "baten"):
        raise ValueError(f"kind must be 'lasten' or 'baten', not {kind!r}")
    if not row.inhabitants:
        return None
    return getattr(row, kind) / Decimal(row.inhabitants)


# ----------------------------------------------------------------------------- shipped files
def shipped_path(dataset: str, year: int) -> Path | None:
    """The compact file that ships with begroot for a CBS dataset and year, if any."""
    from importlib.resources import files

    candidate = files("begroot.reference") / "data" / "peers" / f"{dataset}-{year}.json"
    return Path(str(candidate)) if candidate.is_file() else None


def peer_source(root: Path, config, edition) -> tuple[Path, str] | None:
    """Which peer file belongs to an edition (``[[editions]] peers``): (path, name for messages)."""
    setting = (edition.peers or "").strip()
    if setting.lower() in ("", "none") or config.organisation.kind != "gemeente":
        return None
    if setting.lower() == "auto":
        dataset = DATASET_OF_EDITION.get(edition.kind)
        if config.organisation.kind != "gemeente" or dataset is None:
            return None
        path = shipped_path(dataset, edition.year)
        return (path, f"{dataset}-{edition.year}.json (shipped with begroot)") if path else None
    return root / setting, setting


#: Peer file name -> (file identity, data, problems): the last reading of each file, for ``begroot serve``.
_CACHE: dict[str, tuple[tuple, PeerData | None, list]] = {}


def missing_auto(config, edition) -> tuple[str, int] | None:
    """With ``peers = "auto"``: the CBS dataset and year begroot ships no figures for (e.g.
    ``("begroting", 2025)``), when the edition would show a comparison but cannot; else None.

    An edition shows the comparison when it has figures and the organisation's inhabitants of its
    year are known; ``auto`` applies to a gemeente's begroting or jaarstukken.
    """
    if (edition.peers or "").strip().lower() != "auto" or getattr(edition, "text_only", False):
        return None
    dataset = DATASET_OF_EDITION.get(edition.kind)
    if config.organisation.kind != "gemeente" or dataset is None:
        return None
    if not config.organisation.inhabitants.get(edition.year) or shipped_path(dataset, edition.year) is not None:
        return None
    return dataset, edition.year


def shipped_years() -> list[str]:
    """The shipped peer files as 'begroting 2023', 'begroting 2024', ..., for messages."""
    from importlib.resources import files

    folder = files("begroot.reference") / "data" / "peers"
    names = sorted(entry.name[:-5] for entry in folder.iterdir() if entry.name.endswith(".json"))
    return [name.replace("-", " ") for name in names]


def check_edition_peers(data: PeerData, edition, name: str, problems: Problems) -> PeerData | None:
    """Whether peer figures can stand as the national figures of an edition: they are of the
    edition's year and dataset (a begroting's budgets, jaarstukken's realisations) and hold the whole
    country. None (with an error naming the file) when not.

    A file of one municipality would be published as "alle 1 gemeenten in Nederland" with that
    municipality's own figures as the national ones; a file of another year would compare the
    budget with other years' money.
    """
    ok = True
    if data.year is None:
        problems.error(f"the peer file does not say which year it holds; edition {edition.id} is of {edition.year}",
                       file=name, code="peers-year",
                       hint="name a national Iv3 file of CBS as CBS does (e.g. "
                            f"{edition.year}_begroting.csv), or make the file with tools/make_peers.py")
        ok = False
    elif data.year != edition.year:
        problems.error(f"the peer file holds the figures of {data.year} only, not of {edition.year}, the year of "
                       f"edition {edition.id}", file=name, code="peers-year",
                       hint=f"point peers at the national Iv3 file of {edition.year}, or set peers = \"none\" "
                            f"for this edition")
        ok = False
    wanted = DATASET_OF_EDITION.get(edition.kind)
    if data.dataset in DATASET_OF_EDITION.values() and wanted is not None and data.dataset != wanted:
        own, others = ("realised", "budgets") if wanted == "jaarrekening" else ("budgeted", "realised lasten")
        problems.error(f"the peer file holds the CBS {data.dataset} figures; edition {edition.id} is a "
                       f"{edition.kind}, whose {own} lasten would be shown beside the other municipalities' {others}",
                       file=name, code="peers-dataset",
                       hint=f"point peers at the national Iv3 file {edition.year}_{wanted}.csv of CBS, or set "
                            f"peers = \"none\" for this edition")
        ok = False
    count = data.municipalities()
    if count < MIN_MUNICIPALITIES:
        problems.error(f"the peer file holds {count} municipalit{'y' if count == 1 else 'ies'}; its figures would "
                       f"be published as those of all municipalities in the Netherlands, and a national file "
                       f"holds every one (342 in 2024), at least {MIN_MUNICIPALITIES}", file=name,
                       code="peers-too-few",
                       hint="use the complete national Iv3 file of CBS, not the file of one municipality or one "
                            "province")
        ok = False
    return data if ok else None


#: Fewer municipalities than this and a peer file is not national. The Netherlands had 388
#: municipalities in 2017 and 342 in 2024 and 2025, and mergers lower the count by a few a year;
#: the largest province (Noord-Brabant) has 56, so a province's file is refused too.
MIN_MUNICIPALITIES = 100


def load_edition_peers(root: Path, config, edition, problems: Problems) -> PeerData | None:
    """The peer figures of one edition, or None; a file read before and unchanged is not read again.

    The figures must be of the edition's year and national (:func:`check_edition_peers`). With
    ``peers = "auto"`` and no figures shipped for the edition's year, a warning says so.
    """
    from .read.tables import file_identity

    kind = config.organisation.kind
    if kind != "gemeente" and (edition.peers or "").strip().lower() not in ("", "none", "auto"):
        problems.error(f"peers compares a municipality's figures per inhabitant with those of other municipalities; "
                       f"begroot.toml says [organisation] kind = {kind!r}, for which that comparison means nothing",
                       file="begroot.toml", column=f"editions.{edition.id}.peers", code="peers-not-gemeente",
                       hint="delete peers for this edition, or set peers = \"none\"")
        return None
    missing = missing_auto(config, edition)
    if missing is not None:
        problems.warning(f"begroot has no figures of other municipalities for {missing[0]} {missing[1]} (it has "
                         f"{', '.join(shipped_years())}), so the taakvelden page of {edition.id} shows no "
                         f"comparison per inhabitant", file="begroot.toml", column=f"editions.{edition.id}.peers",
                         code="peers-none-for-year",
                         hint=f"set peers to a national Iv3 file of CBS of {edition.year} for this edition "
                              f"(or a file made from it by tools/make_peers.py), or peers = \"none\"")
    source = peer_source(root, config, edition)
    if source is None:
        return None
    path, name = source
    identity = file_identity(path)
    cached = _CACHE.get(name)
    if cached is None or cached[0] != identity:
        found = Problems()
        with working_on(name):
            # a project's file is opened only inside the project; a shipped one is begroot's own
            inside = None if (edition.peers or "").strip().lower() == "auto" else root
            cached = _CACHE[name] = (identity, load_peers(path, found, name, inside), found.items)
    _, data, items = cached
    problems.extend(list(items))
    return check_edition_peers(data, edition, name, problems) if data is not None else None
