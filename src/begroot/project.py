"""Load a budget project: read every file, check everything, and build the typed budget.

All problems are collected before anything stops (like a compiler): the user sees every
error of a broken export at once, each with file, row, column and a hint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .check import assign_programmes, check_expected_totals, check_lines, check_main_period
from .config import Config, Edition, load_config
from .errors import Problems, working_on
from .figures import EditionFigures, compute
from .model import LINE_SCHEMA, Budget, EditionData, LazyLines, SourceFile, StoredLines
from .read.finance import read_finance
from .read.indicators import read_indicators
from .read.programmes import read_programmes
from .read.tables import file_identity
from .read.texts import keep_known_programmes, read_all_texts

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
    from_disk: set = field(default_factory=set)      # editions whose texts texts_from_disk has looked up


@dataclass
class EditionCore:
    programmes: dict
    lines: pl.DataFrame = LazyLines()  # from the build cache: read when first used (see StoredLines)
    indicators: list
    sources: list[SourceFile]
    exported_at: dt.datetime | None
    problems: Problems
    figures: EditionFigures | None = None
    address: str | None = None  # where it is in the build cache on disk (stored again with its figures)

    # In the build cache, the lines are kept as Parquet (LZ4): a tenth of the bytes of a pickled
    # DataFrame, and faster to write and read (for a large city's edition 1.9 MB instead of 19 MB).
    # They are read into a frame only when used (most builds after a text edit use no unchanged
    # edition's lines); their schema is checked from the Parquet footer when the entry is read.
    def __getstate__(self) -> dict:
        state = {key: value for key, value in self.__dict__.items() if key != "_lines"}
        stored = LazyLines.stored(self)
        if stored is not None:  # stored again (with its figures) unread: the same bytes
            return {**state, "lines": (stored.data, stored.schema)}
        buffer = io.BytesIO()
        self.lines.write_parquet(buffer, compression="lz4", statistics=False)
        return {**state, "lines": (buffer.getvalue(), list(self.lines.schema.items()))}

    def __setstate__(self, state: dict) -> None:
        data, schema = state["lines"]
        if list(pl.read_parquet_schema(io.BytesIO(data)).items()) != schema:
            raise ValueError("the lines of a cached edition came back with another schema")  # a miss
        self.__dict__.update({key: value for key, value in state.items() if key != "lines"})
        self.lines = StoredLines(data, schema)


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
                inputs.append(folder / resolve(source, folder, inspect=False, root=root,
                                                 currency=config.site.currency)[0].file)
            except (PackageError, ValueError, OSError):
                pass  # read_finance reports it
    if edition.indicators:
        inputs.append(folder / edition.indicators)
    from .peers import load_edition_peers, peer_source

    peer_file = peer_source(root, config, edition)
    if peer_file is not None:
        inputs.append(peer_file[0])
    # every setting outside the edition that its reading uses (a package's currency is checked against the site's)
    key = (edition.model_dump_json(), config.site.language, config.organisation.kind, config.site.currency,
           tuple(file_identity(p) for p in inputs))
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
    return EditionData(config=edition, programmes=core.programmes, lines=core.__dict__["_lines"], texts=text_list,
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


#: A text whose file holds one of these may show an image: what it gives depends on another file
#: too, so it is read afresh each time instead of kept in the build cache (see texts_from_disk).
_MAY_SHOW_IMAGE = re.compile(rb"!\[|<img", re.IGNORECASE)


def texts_from_disk(root: Path, edition: Edition, language: str, cache: LoadCache) -> None:
    """Fill ``cache.texts`` and ``cache.goals`` with what the edition's text files gave an earlier
    build, from the build cache on disk, so that a fresh process does not parse thousands of
    unchanged texts again; what is new is read here and stored for the next build.

    One entry per edition holds each file's text and goals by its path, place and the digest of
    its bytes (the entry is authenticated as every entry is; a file whose bytes changed is simply
    not found in it). Word files and texts that may show an image are left out: they are read by
    :func:`read_all_texts` as without the cache. A file that changes while it is read here is
    not stored. Called once an edition in a process (see load_project): later loads of the same
    process (``begroot serve``) have what they read in ``cache.texts``."""
    from . import cache as disk

    if disk.folder() is None:
        return
    from .goals import goals_of_file
    from .paths import OutsideProject, read_inside
    from .read.texts import read_text_file, text_files

    address = disk.key("texts", root.resolve().as_posix(), edition.dirname, edition.texts, language)
    stored: dict | None = None  # read when a file is not known from an earlier load in this process
    entry: dict = {}
    for order, path in enumerate(text_files(root, edition)):
        if path.suffix.lower() == ".docx" or os.path.islink(path):  # read_all_texts reports a link
            continue
        identity = file_identity(path)
        try:
            data = read_inside(root, path)
        except (OutsideProject, OSError):
            continue  # read_all_texts reports it
        if _MAY_SHOW_IMAGE.search(data):
            continue
        rel = path.relative_to(root).as_posix()
        place = (rel, order, hashlib.sha256(data).hexdigest())
        if stored is None:
            stored = disk.get_object("texts", address)
            stored = stored if isinstance(stored, dict) else {}
        found = stored.get(place)
        if found is None:
            text_problems, goal_problems = Problems(), Problems()
            with working_on(rel):
                text = read_text_file(root, path, order, text_problems, language)
                goals = goals_of_file(root, path, goal_problems)
            if file_identity(path) != identity:
                continue  # changed while it was read: the next build reads it again
            found = (text, text_problems, goals, goal_problems)
        entry[place] = found
        cache.texts[(*identity, order, language)] = found[:2]
        cache.goals[identity] = found[2:]
    if stored is not None and entry.keys() != stored.keys():
        disk.put_object("texts", address, entry)


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
            result = read_finance(root, edition, source, problems, config.site.currency,
                                  config.organisation.kind)
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
        lines = assign_programmes(lines, programmes, edition, problems, config.organisation.kind)
        check_lines(lines, programmes, edition, problems, headers, config.organisation.kind)
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


#: An edition's title when begroot.toml gives none, in a site language other than Dutch (whose
#: default is the kind's name: "Begroting 2024").
EDITION_TITLES = {"en": {"begroting": "Budget {year}", "voorjaarsnota": "Spring memorandum {year}",
                         "najaarsnota": "Autumn memorandum {year}", "jaarstukken": "Annual accounts {year}"}}


def _titled(config: Config) -> Config:
    """The configuration with each edition that has no title of its own titled in the site's
    language ("Budget 2024" on an English site; the Dutch default is "Begroting 2024")."""
    titles = EDITION_TITLES.get(config.site.language)
    if not titles:
        return config
    editions = [e if e.title else e.model_copy(update={"title": titles[e.kind].format(year=e.year)})
                for e in config.editions]
    return config if editions == list(config.editions) else config.model_copy(update={"editions": editions})


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
    config = _titled(config)
    from .paths import check_project_paths

    if not check_project_paths(root, config, problems):
        return Loaded(None, problems, {})  # nothing is read from outside the project
    if not (config.accessibility.contact or config.organisation.email):
        problems.warning("the accessibility statement gives readers no address to report a problem to",
                         file="begroot.toml", code="accessibility-contact",
                         hint='set contact = "toegankelijkheid@gemeente.nl" (or the https:// address of a contact '
                              "form) under [accessibility], or email under [organisation]")
    cache = cache if cache is not None else LoadCache()  # this load's own: the figures find their core
    editions = []

    def texts_of(edition: Edition):
        found, seen = Problems(), {}
        # once a process (a fresh build's only load; serve's first): after that, the texts this
        # process read are in ``cache.texts``, and an edited one is read by read_all_texts
        if edition.id not in cache.from_disk:
            texts_from_disk(root, edition, config.site.language, cache)
            cache.from_disk.add(edition.id)
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
        with working_on(f"the expected totals of edition {e.id} (begroot.toml)"):
            check_expected_totals(e.config, figures[e.id], problems)
        check_main_period(e.config, figures[e.id], problems)
        if not figures[e.id].reconciles() and not problems.errors:
            problems.error(f"the totals of {e.id} do not reconcile with the export", code="reconcile",
                           hint="report this as a bug in begroot")
    budget = Budget(root=root, config=config, editions=editions)
    return Loaded(budget, problems, figures, scores)
