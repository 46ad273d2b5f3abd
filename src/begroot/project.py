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
    """Give lines without a programme the programme whose taakvelden include the line's taakveld."""
    todo = lines.filter(pl.col("programme").is_null() & pl.col("taakveld").is_not_null())
    if todo.is_empty():
        return lines
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
    return lines.with_columns(
        pl.when(pl.col("programme").is_null())
        .then(pl.col("taakveld").replace_strict(mapping, default=None, return_dtype=pl.String))
        .otherwise(pl.col("programme"))
        .alias("programme")
    )


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

    # Unknown programme codes in the export.
    bad = lines.filter(pl.col("programme").is_not_null() & ~pl.col("programme").is_in(list(programmes)))
    for code, group in _groups(bad, "programme"):
        for file, row in group.select("file", "row").iter_rows():
            problems.error(f"programme {code} is not in the programme list", file=file, row=row,
                           column=col(file, "programme"), code="unknown-programme",
                           hint=f"add programme {code} to {edition.dirname}/{edition.programmes} or correct the code")

    # Lines no programme takes: the site would not add up to the export. (Unknown taakvelden
    # are reported below as such.)
    orphans = lines.filter(pl.col("programme").is_null()
                           & (pl.col("taakveld").is_null() | pl.col("taakveld").is_in(list(known_tv))))
    for tv, group in _groups(orphans, "taakveld"):
        rows = group["row"].to_list()
        file = group["file"][0]
        label = f"taakveld {tv}" if tv else "lines without a taakveld"
        problems.error(
            f"{label} ({_rows_text(rows)}) belongs to no programme, so the site's totals would not "
            f"reconcile with the export", file=file, code="unassigned",
            hint=f"add {tv or 'a programme code'} to the taakvelden of a programme in "
                 f"{edition.dirname}/{edition.programmes}")

    # Iv3 taakvelden known for the edition's year.
    have_tv = lines.filter(pl.col("taakveld").is_not_null())
    unknown = have_tv.filter(~pl.col("taakveld").is_in(list(known_tv)))
    for file, row, tv in unknown.select("file", "row", "taakveld").iter_rows():
        problems.error(f"taakveld {tv} does not exist in the Iv3 list of {ref_year}", file=file, row=row,
                       column=col(file, "taakveld"), code="unknown-taakveld", hint=_taakveld_hint(tv, ref_year))
    groups = have_tv.filter(pl.col("taakveld").is_in([c for c, v in known_tv.items() if not v.leaf])
                            & (pl.col("cents") != 0))
    for file, row, tv in groups.select("file", "row", "taakveld").iter_rows():
        subs = [c for c, v in known_tv.items() if v.parent == tv]
        problems.warning(f"amount booked on taakveld {tv}, which is a group in {ref_year}", file=file, row=row,
                         column=col(file, "taakveld"), code="group-taakveld",
                         hint=f"book it on one of {', '.join(subs[:6])}" if subs else None)

    # Iv3 categorieën, where the export has them.
    for kind in ("lasten", "baten"):
        known_cat = reference.categorieen(edition.year, kind)
        bad_cat = lines.filter((pl.col("kind") == kind) & pl.col("categorie").is_not_null()
                               & ~pl.col("categorie").is_in(list(known_cat)))
        for file, row, cat in bad_cat.select("file", "row", "categorie").iter_rows():
            problems.error(f"categorie {cat} is not an Iv3 {kind} categorie of {ref_year}", file=file, row=row,
                           column=col(file, "categorie"), code="unknown-categorie",
                           hint="use an economische categorie from the Iv3 list for that year")



def _taakveld_hint(code: str, year: int) -> str:
    """A retired or future code says in which years it exists."""
    years = [y for y in reference.shipped_years() if code in reference.taakvelden(y)]
    if years:
        span = f"{years[0]}–{years[-1]}" if years[-1] != years[0] else str(years[0])
        return (f"{code} is a taakveld of the Iv3 lists of {span}, not of {year}: check the edition's year, "
                f"or use the code that replaced it in {year}")
    return f"use a taakveld of the Iv3 {year} list (see /taakvelden/ or the CBS Iv3 definitions)"


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
            diff = have - want_euros
            problems.error(
                f"total {kind} of {edition.id} is {have / edition.expected.unit:f} (x {edition.expected.unit}), "
                f"but begroot.toml expects {want}: a difference of {diff / edition.expected.unit:f}",
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
                inputs.append(folder / resolve(source, folder)[0].file)
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
    text_list = keep_known_programmes(all_texts, set(core.programmes), problems)
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
    default_decimal = "," if config.site.language == "nl" else "."
    frames, sources, headers = [], [], {}
    if not edition.finance and not edition.text_only:
        problems.warning(f"edition {edition.id} has no finance files", file="begroot.toml",
                         code="no-finance", hint="add an [[editions.finance]] table, or set text_only = true for an edition without figures")
    for source in edition.finance:
        with working_on(f"{edition.dirname}/{source.file or source.datapackage}"):
            result = read_finance(root, edition, source, problems, default_decimal)
        if result is None:
            continue
        frames.append(result.lines)
        headers[result.file] = result.headers
        sources.append(SourceFile(file=result.file, rows=result.rows,
                                  lines=result.lines.height, exported_at=result.exported_at))
    lines = pl.concat(frames) if frames else pl.DataFrame(schema=LINE_SCHEMA)
    with working_on(f"the finance lines of edition {edition.id}"):
        lines = assign_programmes(lines, programmes, edition, problems)
        check_lines(lines, programmes, edition, problems, headers)
    with working_on(f"{edition.dirname}/{edition.indicators or 'indicators'}"):
        indicators = read_indicators(root, edition, set(programmes), problems, default_decimal)
    return EditionCore(programmes=programmes, lines=lines, indicators=indicators, sources=sources,
                       exported_at=_exported_at(edition, sources, _finance_files(folder, edition)),
                       problems=problems)


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
