"""Load a budget project: read every file, check everything, and build the typed budget.

All problems are collected before anything stops (like a compiler): the user sees every
error of a broken export at once, each with file, row, column and a hint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from . import reference
from .config import Config, Edition, load_config
from .errors import Problems, working_on
from .figures import EditionFigures, compute
from .model import LINE_SCHEMA, Budget, EditionData, Programme, SourceFile
from .read.finance import read_finance
from .read.indicators import read_indicators
from .read.programmes import match_taakveld, read_programmes, specificity
from .read.tables import file_identity
from .read.texts import keep_known_programmes, read_all_texts

MAX_ROWS_LISTED = 10  # rows named in one reconciliation message
#: The largest sum of an edition's amounts, taken without their signs, in cents: € 10^15, a
#: thousand times the largest Dutch municipal budget. Every amount is at most € 10^12
#: (read.numbers.MAX_CENTS), so no total, difference or comparison begroot makes from the lines of
#: up to 90 editions can leave 64-bit integers.
MAX_EDITION_CENTS = 10**17


@dataclass
class LoadCache:
    """What ``begroot serve`` keeps between rebuilds: unchanged files are not read again.

    An edition's finance, programme and indicator files are one unit (their lines, checks and
    figures depend on each other); each text file is a unit of its own.
    """

    editions: dict = field(default_factory=dict)     # edition id -> (key, EditionCore)
    texts: dict = field(default_factory=dict)        # text file identity -> (Text | None, Problems)
    readability: dict = field(default_factory=dict)  # (source, html, settings) -> Score
    goals: dict = field(default_factory=dict)        # text file identity -> (goals, Problems)


@dataclass
class EditionCore:
    programmes: dict
    lines: pl.DataFrame
    indicators: list
    sources: list[SourceFile]
    exported_at: dt.datetime | None
    problems: Problems
    figures: EditionFigures | None = None
    address: str | None = None  # where it is in the build cache on disk (stored again with its figures)

    # In the build cache, the lines are kept as Parquet (LZ4): a tenth of the bytes of a pickled
    # DataFrame, and faster to write and read (for a large city's edition 1.9 MB instead of 19 MB).
    def __getstate__(self) -> dict:
        buffer = io.BytesIO()
        self.lines.write_parquet(buffer, compression="lz4", statistics=False)
        return {**self.__dict__, "lines": (buffer.getvalue(), list(self.lines.schema.items()))}

    def __setstate__(self, state: dict) -> None:
        data, schema = state["lines"]
        lines = pl.read_parquet(io.BytesIO(data))
        if list(lines.schema.items()) != schema:  # a miss (see cache.get_object), never other types
            raise ValueError("the lines of a cached edition came back with another schema")
        self.__dict__.update({**state, "lines": lines})


@dataclass
class Loaded:
    budget: Budget | None
    problems: Problems
    figures: dict[str, EditionFigures]
    readability: list = field(default_factory=list)  # readability.Score per text section


def source_date_epoch() -> dt.datetime | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value and value.strip().isdigit():
        return dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc).replace(tzinfo=None)
    return None


def _depth(programmes: dict[str, Programme], code: str) -> int:
    depth, node = 0, programmes[code].parent
    while node is not None:
        depth, node = depth + 1, programmes[node].parent
    return depth


def programme_of_taakveld(tv: str, programmes: dict[str, Programme]) -> tuple[str | None, str | None]:
    """The programme whose taakveld patterns claim ``tv`` (the most specific pattern, then the
    deepest programme, wins), and a rival that claims it equally (None when there is none)."""
    candidates = []
    for prog in programmes.values():
        for pattern in prog.taakvelden:
            if match_taakveld(tv, pattern):
                candidates.append((specificity(pattern), _depth(programmes, prog.code), prog.code))
    if not candidates:
        return None, None
    candidates.sort(reverse=True)
    best = candidates[0]
    rivals = [c for c in candidates[1:] if c[:2] == best[:2] and c[2] != best[2]]
    return best[2], (rivals[0][2] if rivals else None)


def assign_programmes(lines: pl.DataFrame, programmes: dict[str, Programme], edition: Edition,
                      problems: Problems) -> pl.DataFrame:
    """Give lines without a programme the programme whose taakvelden include the line's taakveld.

    The patterns of ``programmas.csv`` are written in the codes of the edition's year. A line of
    another year (the previous year's column beside a budget) may use a code of its own year that
    the edition's year no longer has (6.71a in 2024, 6.711 in 2025): it gets the programme of the
    code that replaced it (:func:`old_taakveld_programme`).
    """
    todo = lines.filter(pl.col("programme").is_null() & pl.col("taakveld").is_not_null())
    if todo.is_empty():
        return lines
    known = reference.taakvelden(edition.year)
    mapping: dict[str, str] = {}
    for tv in sorted(todo["taakveld"].unique().to_list(), key=reference.sort_key):
        best, rival = programme_of_taakveld(tv, programmes)
        if best is None:
            continue
        if rival is not None:
            problems.error(
                f"taakveld {tv} falls under programme {best} and programme {rival} equally",
                file=f"{edition.dirname}/{edition.programmes}", column="taakvelden", code="taakveld-ambiguous",
                hint="name the taakveld exactly in one programme, or use a narrower pattern")
        mapping[tv] = best
    # A code of another year's list that the edition's year does not have: by the code that replaced it.
    assigned = []
    for tv, year in todo.select("taakveld", "year").unique().iter_rows():
        if tv not in known and year is not None and tv in reference.taakvelden(year):
            assigned.append((tv, year, old_taakveld_programme(tv, year, edition.year, programmes)[0]))
        else:
            assigned.append((tv, year, mapping.get(tv)))
    keys = pl.DataFrame(assigned, schema={"taakveld": pl.String, "year": lines.schema["year"],
                                          "_assigned": pl.String}, orient="row")
    lines = lines.join(keys, on=["taakveld", "year"], how="left", maintain_order="left")
    return lines.with_columns(pl.coalesce("programme", "_assigned").alias("programme")).drop("_assigned")


def old_taakveld_programme(tv: str, year: int, edition_year: int,
                           programmes: dict[str, Programme]) -> tuple[str | None, list[str]]:
    """The programme of taakveld ``tv`` of another ``year`` than the edition's, and the codes that
    replaced it in the edition's year.

    A programme that names ``tv`` itself exactly wins. Else the programme of the codes that
    replaced it (:func:`begroot.reference.crosswalk.successors`), when they all fall under one
    programme; when none of them falls under a programme, a pattern that matches ``tv`` itself
    (``6.*``). When they fall under several programmes, its money cannot be given to one of them
    without guessing: None.
    """
    from .reference.crosswalk import successors

    for prog in programmes.values():
        if tv in prog.taakvelden:
            return prog.code, []
    codes = list(successors(tv, year, edition_year))
    owners = {programme_of_taakveld(c, programmes)[0] for c in codes}
    if len(owners) == 1 and None not in owners:
        return owners.pop(), codes
    if owners <= {None}:
        return programme_of_taakveld(tv, programmes)[0], codes
    return None, codes


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_LISTED])
    more = len(rows) - MAX_ROWS_LISTED
    return ("row " if len(rows) == 1 else "rows ") + shown + (f" and {more} more" if more > 0 else "")


def check_lines(lines: pl.DataFrame, programmes: dict[str, Programme], edition: Edition,
                problems: Problems, headers: dict[str, dict[str, str]] | None = None) -> None:
    """Rules over the finance lines of one edition.

    ``headers`` maps each source file to {field: header name}, so that messages name the
    column as the file calls it.
    """
    headers = headers or {}

    def col(file: str, field: str) -> str:
        return headers.get(file, {}).get(field, field)

    ref_year = reference.reference_year(edition.year)
    known_tv = reference.taakvelden(edition.year)
    codes = _code_lists(lines, edition.year)

    # Without a programme list (its own error says why) every line would belong to no programme:
    # one cause, one message, so the checks that need the list are left out.
    by_programme = lines if programmes else lines.head(0)
    # Unknown programme codes in the export.
    bad = by_programme.filter(pl.col("programme").is_not_null() & ~pl.col("programme").is_in(list(programmes)))
    for code, group in _groups(bad, "programme"):
        for file, row in group.select("file", "row").iter_rows():
            problems.error(f"programme {code} is not in the programme list", file=file, row=row,
                           column=col(file, "programme"), code="unknown-programme",
                           hint=f"add programme {code} to {edition.dirname}/{edition.programmes} or correct the code")

    # Lines no programme takes: the site would not add up to the export. (Unknown taakvelden
    # are reported below as such.) A code of another year than the edition's says why.
    orphans = (codes if programmes else codes.head(0)).filter(
        pl.col("programme").is_null() & (pl.col("taakveld").is_null() | pl.col("_known")))
    for (tv, year), group in _groups_by(orphans, ["taakveld", "year"]):
        rows = group["row"].to_list()
        file = group["file"][0]
        label = f"taakveld {tv}" if tv else "lines without a taakveld"
        hint = (f"add {tv or 'a programme code'} to the taakvelden of a programme in "
                f"{edition.dirname}/{edition.programmes}")
        if tv and tv not in known_tv:
            problems.error(f"taakveld {tv} of {year} ({_rows_text(rows)}) belongs to no programme: "
                           f"{_replaced_text(tv, year, edition.year, programmes)}, so the site's totals would "
                           f"not reconcile with the export", file=file, code="unassigned-other-year",
                           hint=f"add {tv} to the taakvelden of one programme in {edition.dirname}/{edition.programmes}")
            continue
        problems.error(
            f"{label} ({_rows_text(rows)}) belongs to no programme, so the site's totals would not "
            f"reconcile with the export", file=file, code="unassigned", hint=hint)

    # Iv3 taakvelden known for the line's year (or, for a line of another year, for the edition's year).
    have_tv = codes.filter(pl.col("taakveld").is_not_null())
    unknown = have_tv.filter(~pl.col("_known"))
    for file, row, tv, year in unknown.select("file", "row", "taakveld", "year").iter_rows():
        line_ref = reference.reference_year(year)
        where = (f"the Iv3 list of {line_ref}" if line_ref == ref_year else
                 f"the Iv3 lists of {line_ref} (the line's year) and {ref_year}")
        problems.error(f"taakveld {tv} does not exist in {where}", file=file, row=row,
                       column=col(file, "taakveld"), code="unknown-taakveld", hint=_taakveld_hint(tv, line_ref))
    groups = have_tv.filter(pl.col("_group") & (pl.col("cents") != 0))
    for file, row, tv, list_year in groups.select("file", "row", "taakveld", "_list_year").iter_rows():
        subs = [c for c, v in reference.taakvelden(list_year).items() if v.parent == tv]
        problems.warning(f"amount booked on taakveld {tv}, which is a group in {list_year}", file=file, row=row,
                         column=col(file, "taakveld"), code="group-taakveld",
                         hint=f"book it on one of {', '.join(subs[:6])}" if subs else None)

    # Iv3 categorieën, where the export has them: of the line's year (or the edition's year).
    bad_cat = codes.filter(pl.col("categorie").is_not_null() & ~pl.col("_known_categorie"))
    for file, row, cat, kind, year in bad_cat.select("file", "row", "categorie", "kind", "year").iter_rows():
        line_ref = reference.reference_year(year)
        where = str(line_ref) if line_ref == ref_year else f"{line_ref} (the line's year) or {ref_year}"
        problems.error(f"categorie {cat} is not an Iv3 {kind} categorie of {where}", file=file, row=row,
                       column=col(file, "categorie"), code="unknown-categorie",
                       hint="use an economische categorie from the Iv3 list for that year")


def _code_lists(lines: pl.DataFrame, edition_year: int) -> pl.DataFrame:
    """The lines with, per line, whether its taakveld and categorie are in the Iv3 lists.

    A line is checked against the lists of its own year (the ``year`` of the line: the previous
    year's column beside a budget has the previous year's codes). A line of another year than the
    edition's may also use the edition's year's codes (a comparison column restated in the new
    codes). Adds ``_known`` (the taakveld is in a list), ``_group`` (it is a group there),
    ``_list_year`` (the list it was found in) and ``_known_categorie``.
    """
    tv_rows, cat_rows = [], []
    for tv, year in lines.select("taakveld", "year").unique().iter_rows():
        if tv is None:
            continue
        found = None
        for list_year in (year, edition_year) if year is not None else (edition_year,):
            entry = reference.taakvelden(list_year).get(tv)
            if entry is not None:
                found = (True, not entry.leaf, reference.reference_year(list_year))
                break
        tv_rows.append((tv, year, *(found or (False, False, reference.reference_year(edition_year)))))
    for cat, kind, year in lines.select("categorie", "kind", "year").unique().iter_rows():
        if cat is None or kind not in reference.KINDS:
            continue
        years = (year, edition_year) if year is not None else (edition_year,)
        cat_rows.append((cat, kind, year, any(cat in reference.categorieen(y, kind) for y in years)))
    year_type = lines.schema["year"]
    tv_table = pl.DataFrame(tv_rows, orient="row", schema={
        "taakveld": pl.String, "year": year_type, "_known": pl.Boolean, "_group": pl.Boolean, "_list_year": pl.Int64})
    cat_table = pl.DataFrame(cat_rows, orient="row", schema={
        "categorie": pl.String, "kind": pl.String, "year": year_type, "_known_categorie": pl.Boolean})
    return (lines.join(tv_table, on=["taakveld", "year"], how="left", maintain_order="left")
            .join(cat_table, on=["categorie", "kind", "year"], how="left", maintain_order="left")
            .with_columns(pl.col("_known", "_group", "_known_categorie").fill_null(False)))


def _replaced_text(tv: str, year: int, edition_year: int, programmes: dict[str, Programme]) -> str:
    """Why a taakveld of another year gets no programme, for a message."""
    _, codes = old_taakveld_programme(tv, year, edition_year, programmes)
    ref = reference.reference_year(edition_year)
    if not codes:
        return f"no programme names it, and it has no counterpart in {ref}"
    owners = sorted({o for o in (programme_of_taakveld(c, programmes)[0] for c in codes) if o is not None},
                    key=reference.sort_key)
    replaced = f"in {ref} it is {_and(codes)}"
    if not owners:
        return f"{replaced}, which no programme takes"
    return (f"{replaced}, which fall{'s' if len(codes) == 1 else ''} under programmes {_and(owners)}: its money "
            f"cannot be divided among them without guessing")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _taakveld_hint(code: str, year: int) -> str:
    """A retired or future code names the code that replaced it, or that it replaced, in ``year``."""
    from .reference.crosswalk import successors

    years = [y for y in reference.shipped_years() if code in reference.taakvelden(y)]
    if not years:
        return f"use a taakveld of the Iv3 {year} list (see /taakvelden/ or the CBS Iv3 definitions)"
    if years[-1] < year:  # retired: what replaced it
        codes = list(successors(code, years[-1], year))
        if codes:
            return (f"{code} was replaced by {_and(codes)} in {years[-1] + 1}"
                    + (": book each amount on the one that fits" if len(codes) > 1 else ""))
    elif years[0] > year:  # not yet in the list: what it was called then
        codes = list(successors(code, years[0], year))
        if codes:
            return (f"{code} exists from {years[0]} on; in {year} the code was {_and(codes)}"
                    f": check the line's year, or use that code")
    span = f"{years[0]}–{years[-1]}" if years[-1] != years[0] else str(years[0])
    return f"{code} is a taakveld of the Iv3 lists of {span}, not of {year}"


def _groups_by(frame: pl.DataFrame, keys: list[str]):
    if frame.is_empty():
        return []
    values = frame.select(keys).unique(maintain_order=True).rows()
    out = []
    for value in values:
        cond = pl.lit(True)
        for key, v in zip(keys, value):
            cond = cond & (pl.col(key).is_null() if v is None else pl.col(key) == v)
        out.append((value, frame.filter(cond)))
    return out


def _groups(frame: pl.DataFrame, key: str):
    if frame.is_empty():
        return []
    values = frame[key].unique(maintain_order=True).to_list()
    return [(v, frame.filter(pl.col(key).is_null() if v is None else pl.col(key) == v)) for v in values]


def check_expected_totals(edition: Edition, figures: EditionFigures, problems: Problems) -> None:
    """The totals the controller states in begroot.toml must equal the site's totals."""
    if edition.expected is None:
        return
    got = figures.grand()
    for kind in ("lasten", "baten"):
        want = getattr(edition.expected, kind)
        if want is None:
            continue
        have = getattr(got, kind)
        want_euros = Decimal(want) * edition.expected.unit
        if have != want_euros:
            from .render.format import exact_number

            unit = edition.expected.unit
            scale = f" (× € {exact_number(unit)})" if unit != 1 else " (in euros)"
            problems.error(
                f"total {kind} of {edition.id} is {exact_number(have / unit)}{scale}, but begroot.toml expects "
                f"{exact_number(want)}: a difference of {exact_number((have - want_euros) / unit)}",
                file="begroot.toml", column=f"editions.{edition.id}.expected.{kind}", code="total-mismatch",
                hint="find the missing or extra lines in the export, or correct the expected total")


def _exported_at(edition: Edition, sources: list[SourceFile], files: list[Path]) -> dt.datetime | None:
    if edition.exported_at:
        return edition.exported_at.replace(tzinfo=None)
    known = [s.exported_at for s in sources if s.exported_at]
    if known:
        return max(k.replace(tzinfo=None) for k in known)
    # Fall back to the finance files' modification time, clamped for reproducible builds.
    times = [dt.datetime.fromtimestamp(p.stat().st_mtime) for p in files if p.exists()]
    if not times:
        return None
    latest = max(times).replace(microsecond=0)
    epoch = source_date_epoch()
    return min(latest, epoch) if epoch else latest


def load_edition(root: Path, config: Config, edition: Edition, problems: Problems,
                 cache: LoadCache, texts: Future) -> EditionData | None:
    """Load one edition. ``texts``: its texts being read in another thread (see load_project)."""
    folder = root / edition.dirname
    if not folder.is_dir():
        problems.error(f"the folder of edition {edition.id} does not exist", file=edition.dirname,
                       code="edition-folder", hint=f"create {edition.dirname}/ or set folder in begroot.toml")
        return None
    inputs = [folder / edition.programmes] + _finance_files(folder, edition)
    for source in edition.finance:
        if source.datapackage is not None:  # the data file the package names is an input too
            from .read.fdp import PackageError, resolve

            try:
                inputs.append(folder / resolve(source, folder, inspect=False)[0].file)
            except (PackageError, ValueError, OSError):
                pass  # read_finance reports it
    if edition.indicators:
        inputs.append(folder / edition.indicators)
    from .peers import load_edition_peers, peer_source

    peer_file = peer_source(root, config, edition)
    if peer_file is not None:
        inputs.append(peer_file[0])
    key = (edition.model_dump_json(), config.site.language, tuple(file_identity(p) for p in inputs))
    cached = cache.editions.get(edition.id)
    if cached is not None and cached[0] == key:
        core = cached[1]
    else:
        core = _load_core_cached(root, config, edition, inputs)
        cache.editions[edition.id] = (key, core)
    problems.extend(core.problems)
    all_texts, text_problems, files = texts.result()
    problems.extend(text_problems)
    # (without a programme list, its error is the one message: no text or indicator is reported for it)
    text_list = keep_known_programmes(all_texts, set(core.programmes), problems if core.programmes else Problems())
    from .goals import check_goals, read_goal_sheet, read_goal_texts, series_of

    series = series_of(core.indicators)
    with working_on(f"the goals of edition {edition.id}"):
        goals = check_goals(read_goal_texts(root, edition, problems, cache.goals, files)
                            + read_goal_sheet(root, edition, problems),
                            set(core.programmes), series, edition, problems)
    return EditionData(config=edition, programmes=core.programmes, lines=core.lines, texts=text_list,
                       indicators=core.indicators, sources=core.sources, exported_at=core.exported_at,
                       # by the files' bytes (and the export's time) when the build cache read
                       # them, else by their dates and sizes
                       version=hashlib.sha256(repr((core.address, core.exported_at) if core.address else key)
                                              .encode("utf-8")).hexdigest()[:16],
                       content=core.address,
                       goals=goals, series=series, peers=load_edition_peers(root, config, edition, problems))


def _load_core_cached(root: Path, config: Config, edition: Edition, inputs: list[Path]) -> EditionCore:
    """The edition's core from the build cache on disk when its files' bytes and settings are
    those of an earlier build (see :mod:`begroot.cache`), else read and checked afresh."""
    from . import cache as disk

    if disk.folder() is None:
        return _load_core(root, config, edition)
    address = disk.key("edition", root.resolve().as_posix(), edition.model_dump_json(), config.model_dump_json(),
                       [(p.resolve().as_posix(), disk.file_digest(p)) for p in inputs])
    core = disk.get_object("edition", address)
    if not isinstance(core, EditionCore):
        core = _load_core(root, config, edition)  # stored by load_project once it has its figures
    else:  # the files' dates may be the export's time; they are not part of the address
        core.exported_at = _exported_at(edition, core.sources, _finance_files(root / edition.dirname, edition))
    core.address = address
    return core


def _finance_files(folder: Path, edition: Edition) -> list[Path]:
    """The finance files begroot.toml names for an edition (a package's datapackage.json)."""
    return [folder / (source.file or source.datapackage) for source in edition.finance]


def _load_core(root: Path, config: Config, edition: Edition) -> EditionCore:
    """Everything of an edition but its texts: programmes, finance lines and their checks, indicators."""
    problems = Problems()
    folder = root / edition.dirname
    with working_on(f"{edition.dirname}/{edition.programmes}"):
        programmes = read_programmes(root, edition, problems)
    frames, sources, headers = [], [], {}
    if not edition.finance and not edition.text_only:
        problems.warning(f"edition {edition.id} has no finance files", file="begroot.toml",
                         code="no-finance", hint="add an [[editions.finance]] table, or set text_only = true for an edition without figures")
    for source in edition.finance:
        with working_on(f"{edition.dirname}/{source.file or source.datapackage}"):
            result = read_finance(root, edition, source, problems)
        if result is None:
            continue
        frames.append(result.lines)
        from .read.fdp import column_labels

        headers[result.file] = column_labels(source, result.headers)  # a package's columns say so
        sources.append(SourceFile(file=result.file, rows=result.rows,
                                  lines=result.lines.height, exported_at=result.exported_at,
                                  account=result.account))
    lines = pl.concat(frames) if frames else pl.DataFrame(schema=LINE_SCHEMA)
    with working_on(f"the finance lines of edition {edition.id}"):
        lines = _within_bounds(lines, edition, problems)
        lines = assign_programmes(lines, programmes, edition, problems)
        check_lines(lines, programmes, edition, problems, headers)
    with working_on(f"{edition.dirname}/{edition.indicators or 'indicators'}"):
        indicators = read_indicators(root, edition, set(programmes), problems if programmes else Problems())
    return EditionCore(programmes=programmes, lines=lines, indicators=indicators, sources=sources,
                       exported_at=_exported_at(edition, sources, _finance_files(folder, edition)),
                       problems=problems)


def _within_bounds(lines: pl.DataFrame, edition: Edition, problems: Problems) -> pl.DataFrame:
    """Stop an edition whose amounts add up beyond what sums can hold exactly (see MAX_EDITION_CENTS)."""
    if lines.is_empty():
        return lines
    magnitude = int(lines["cents"].abs().cast(pl.Int128).sum())
    if magnitude <= MAX_EDITION_CENTS:
        return lines
    largest = lines.sort(pl.col("cents").abs(), descending=True).head(3)
    where = "; ".join(f"{f}, row {r}" for f, r in largest.select("file", "row").iter_rows())
    problems.error(
        f"the amounts of edition {edition.id} add up to more than € 1.000.000.000.000.000 (without their signs), "
        f"more than begroot can total exactly; the largest are in {where}",
        file=largest["file"][0], row=largest["row"][0], code="edition-too-large",
        hint="check the unit of the finance files (1000 when a file is in thousands) and these amounts")
    return lines.clear()


def load_project(root: Path, cache: LoadCache | None = None, readability: bool = True) -> Loaded:
    """Read and check a whole project; ``budget`` is None when it cannot be built.

    With a ``cache`` (kept by ``begroot serve`` between rebuilds) unchanged files are not read
    or checked again. ``readability=False`` skips the writers' language-level feedback (a build
    does not publish it; ``begroot check`` gives it).
    """
    problems = Problems()
    config = load_config(root, problems)
    if config is None:
        return Loaded(None, problems, {})
    from .paths import check_project_paths

    if not check_project_paths(root, config, problems):
        return Loaded(None, problems, {})  # nothing is read from outside the project
    cache = cache if cache is not None else LoadCache()  # this load's own: the figures find their core
    editions = []

    def texts_of(edition: Edition):
        found, seen = Problems(), {}
        return read_all_texts(root, edition, found, config.site.language, cache.texts, seen), found, seen

    # Texts are parsed in Python while the finance files are read in Polars, which releases the
    # GIL: on two cores the two overlap.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = [pool.submit(texts_of, e) if (root / e.dirname).is_dir() else None for e in config.editions]
        for edition, texts in zip(config.editions, pending):
            with working_on(f"edition {edition.id}"):
                data = load_edition(root, config, edition, problems, cache, texts=texts)
            if data is not None:
                editions.append(data)
    scores = []
    if config.readability.enabled and readability:
        from .readability import check_readability

        for e in editions:
            with working_on(f"the readability of the texts of edition {e.id}"):
                scores.extend(check_readability(e.texts, config.readability, problems,
                                                cache=cache.readability))
    figures = {}
    for e in editions:
        core = cache.editions[e.id][1] if e.id in cache.editions else None
        if core is not None and core.figures is not None:
            figures[e.id] = core.figures
        else:
            with working_on(f"the figures of edition {e.id}"):
                figures[e.id] = compute(e)
            if core is not None:
                core.figures = figures[e.id]
                if core.address is not None:
                    from . import cache as disk

                    disk.put_object("edition", core.address, core)  # with its figures, for the next build
    for e in editions:
        check_expected_totals(e.config, figures[e.id], problems)
        if not figures[e.id].reconciles() and not problems.errors:
            problems.error(f"the totals of {e.id} do not reconcile with the export", code="reconcile",
                           hint="report this as a bug in begroot")
    budget = Budget(root=root, config=config, editions=editions)
    return Loaded(budget, problems, figures, scores)
