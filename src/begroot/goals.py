"""Goals (wat willen we bereiken), their activities (wat gaan we daarvoor doen), the indicators that
measure them, their status, and what they cost.

Goals are written either in Markdown front matter (a ``doelen:`` list in any text file of the
programme, or a file of its own) or in a spreadsheet (``doelen.csv``/``doelen.xlsx``) for those who
keep them there; both give the same tree. Status compares the latest realisation with the target
of the same year: "op koers" when the target is met, "aandacht nodig" when it is missed by at most
the tolerance (relative to the target), "niet op koers" otherwise. A goal has the worst status of
its indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from .config import Edition
from .errors import Problems, working_on
from .model import Indicator

STATUSES = ["op koers", "aandacht nodig", "niet op koers"]
DEFAULT_TOLERANCE = Decimal("0.10")


@dataclass
class Activity:
    title: str
    text: str = ""


@dataclass
class Goal:
    programme: str
    code: str
    title: str
    text: str = ""
    taakvelden: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()            # indicator names (of the same programme)
    activities: list[Activity] = field(default_factory=list)
    source: str = ""


@dataclass(frozen=True)
class Series:
    """One indicator's values over the years."""

    programme: str
    name: str
    unit: str
    direction: str                              # hoger | lager
    baseline: tuple[int, Decimal] | None        # (year, value)
    targets: dict[int, Decimal]
    actuals: dict[int, Decimal]
    source: str
    bbv: bool

    @property
    def years(self) -> list[int]:
        return sorted(set(self.targets) | set(self.actuals))


def series_of(indicators: list[Indicator]) -> dict[tuple[str, str], Series]:
    grouped: dict[tuple[str, str], list[Indicator]] = {}
    for ind in indicators:
        grouped.setdefault((ind.programme, ind.name), []).append(ind)
    out = {}
    for key, items in grouped.items():
        baseline = [(i.year, i.value) for i in items if i.kind == "nulmeting"]
        out[key] = Series(
            programme=key[0], name=key[1], unit=items[0].unit,
            direction="lager" if any(i.direction == "lager" for i in items) else "hoger",
            baseline=min(baseline) if baseline else None,
            targets={i.year: i.value for i in items if i.kind == "streefwaarde"},
            actuals={i.year: i.value for i in items if i.kind == "realisatie"},
            source=", ".join(sorted({i.source for i in items if i.source})),
            bbv=any(i.bbv for i in items),
        )
    return out


def status(series: Series, tolerance: Decimal = DEFAULT_TOLERANCE) -> str | None:
    """The status of the latest year that has both a target and a realisation (None if none has)."""
    years = sorted(set(series.targets) & set(series.actuals))
    if not years:
        return None
    year = years[-1]
    target, actual = series.targets[year], series.actuals[year]
    shortfall = (target - actual) if series.direction == "hoger" else (actual - target)
    if shortfall <= 0:
        return "op koers"
    allowed = abs(target) * tolerance
    return "aandacht nodig" if shortfall <= allowed else "niet op koers"


def worst(statuses: list[str | None]) -> str | None:
    known = [s for s in statuses if s is not None]
    return max(known, key=STATUSES.index) if known else None


# ----------------------------------------------------------------------------------- reading
def goals_from_front_matter(meta: dict, programme: str, source: str, problems: Problems) -> list[Goal]:
    items = meta.get("doelen", meta.get("goals"))
    if items is None:
        return []
    if not isinstance(items, list):
        problems.error("'doelen' must be a list of goals", file=source, code="goal-format",
                       hint="write each goal as '- titel: …' under 'doelen:'")
        return []
    goals = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not str(item.get("titel", item.get("title", ""))).strip():
            problems.error(f"goal {n} has no titel", file=source, code="goal-format",
                           hint="give every goal a 'titel'")
            continue
        activities = []
        for a in item.get("activiteiten", item.get("activities", [])) or []:
            if isinstance(a, str):
                activities.append(Activity(a))
            elif isinstance(a, dict):
                activities.append(Activity(str(a.get("titel", a.get("title", ""))), str(a.get("tekst", a.get("text", "")))))
        own = str(item.get("programma", item.get("programme", programme))).strip()
        goals.append(Goal(
            programme=own, code=str(item.get("code", f"{own}.{n}")),
            title=str(item.get("titel", item.get("title"))).strip(), text=str(item.get("tekst", item.get("text", ""))).strip(),
            taakvelden=tuple(str(t) for t in item.get("taakvelden", []) or []),
            indicators=tuple(str(i) for i in item.get("indicatoren", item.get("indicators", [])) or []),
            activities=activities, source=source,
        ))
    return goals


def read_goal_texts(project: Path, edition: Edition, problems: Problems, cache: dict | None = None,
                    files: dict | None = None) -> list[Goal]:
    """Goals written in the front matter of the edition's Markdown texts. ``cache`` (kept by
    ``begroot serve``) maps a file's identity to its goals, so an edit re-reads one file.
    ``files``: the text files and their identities as the texts reader saw them (not listed again)."""
    from .read.tables import file_identity
    from .read.texts import text_files

    if files is None:
        from .paths import inside

        files = {path: file_identity(path) for path in text_files(project, edition) if inside(project, path)}
    goals = []
    for path, key in files.items():
        if path.suffix.lower() == ".docx":
            continue
        if cache is not None and key in cache:
            found, problems_found = cache[key]
        else:
            problems_found = Problems()
            with working_on(path.relative_to(project).as_posix()):
                found = goals_of_file(project, path, problems_found)
            if cache is not None:
                cache[key] = (found, problems_found)
        problems.extend(problems_found)
        goals.extend(found)
    return goals


def goals_of_file(project: Path, path: Path, problems: Problems) -> list[Goal]:
    """The goals in the front matter of one Markdown text (its other problems are the text reader's)."""
    from .clean import clean
    from .read.texts import FRONT_MATTER_RE, YAML_LOADER

    goals: list[Goal] = []
    for _ in (0,):
        try:
            head = clean(path.read_text(encoding="utf-8-sig"))  # what was removed: reported by the text reader
        except UnicodeDecodeError:
            continue  # reported by the text reader
        fm = FRONT_MATTER_RE.match(head)
        if not fm or "doelen" not in fm.group(1) and "goals" not in fm.group(1):
            continue
        try:
            meta = yaml.load(fm.group(1), Loader=YAML_LOADER) or {}
        except yaml.YAMLError:
            continue  # reported by the text reader
        if isinstance(meta, dict):
            code = str(meta.get("programma", meta.get("programme", ""))).strip()
            goals.extend(goals_from_front_matter(meta, code, path.relative_to(project).as_posix(), problems))
    return goals


def read_goal_sheet(project: Path, edition: Edition, problems: Problems) -> list[Goal]:
    """Goals kept in a spreadsheet: programma;code;soort;doel;titel;tekst;taakvelden;indicatoren.

    ``soort`` is ``doel`` or ``activiteit``; an activity names its goal's code in ``doel``.
    """
    from .read.tables import TableError, read_table, report_invisible

    folder = project / edition.dirname
    candidates = [folder / name for name in ("doelen.csv", "doelen.xlsx")]
    path = next((p for p in candidates if p.exists()), None)
    if path is None:
        return []
    rel = path.relative_to(project).as_posix()
    with working_on(rel):
        try:
            table = read_table(path, rel, root=project)
        except TableError as exc:
            problems.error(exc.message, file=rel, hint=exc.hint, code="goals-unreadable")
            return []
        report_invisible(problems, table)
        return _goal_sheet_rows(table, rel, edition, problems)


def _goal_sheet_rows(table, rel: str, edition: Edition, problems: Problems) -> list[Goal]:
    from .read.tables import ROW, report_missing_column

    need = ["programma", "code", "soort", "titel"]
    lowered = {h.strip().lower(): h for h in table.header}
    missing = [n for n in need if n not in lowered]
    for name in missing:
        report_missing_column(problems, table, name,
                              "goals need the columns programma;code;soort;doel;titel;tekst;taakvelden;indicatoren")
    if missing:
        return []
    goals: dict[str, Goal] = {}
    pending: list[tuple[int, str, Activity]] = []
    for rec in table.data.iter_rows(named=True):
        get = lambda k: (rec.get(lowered.get(k, "")) or "").strip()  # noqa: E731
        if not any(get(k) for k in need):
            continue
        kind = get("soort").lower()
        if kind in ("doel", "goal"):
            goals[get("code")] = Goal(
                programme=get("programma"), code=get("code"), title=get("titel"), text=get("tekst"),
                taakvelden=tuple(t for t in get("taakvelden").replace(",", " ").split() if t),
                indicators=tuple(i.strip() for i in get("indicatoren").split("|") if i.strip()),
                source=rel)
        elif kind in ("activiteit", "activity"):
            pending.append((rec[ROW], get("doel"), Activity(get("titel"), get("tekst"))))
        else:
            problems.error(f"'{get('soort')}' is not doel or activiteit", file=rel, row=rec[ROW],
                           column=lowered["soort"], code="goal-kind", hint="write doel or activiteit")
    for row, parent, activity in pending:
        if parent not in goals:
            problems.error(f"the activity belongs to goal '{parent}', which is not in the file", file=rel, row=row,
                           column=lowered.get("doel"), code="goal-unknown", hint="use the code of a goal in column code")
            continue
        goals[parent].activities.append(activity)
    return list(goals.values())


def check_goals(goals: list[Goal], programme_codes: set[str], series: dict[tuple[str, str], Series],
                edition: Edition, problems: Problems) -> list[Goal]:
    kept = []
    for goal in goals:
        if goal.programme not in programme_codes:
            problems.error(f"goal '{goal.title}' is for programme {goal.programme or '(empty)'}, which is not in the "
                           "programme list", file=goal.source, code="goal-unknown-programme",
                           hint="use the code of a programme in programmas.csv")
            continue
        for name in goal.indicators:
            s = series.get((goal.programme, name))
            if s is None:
                problems.error(f"goal '{goal.title}' names indicator '{name}', which programme {goal.programme} "
                               "does not have", file=goal.source, code="goal-unknown-indicator",
                               hint="add it to indicatoren.csv for this programme, or correct the name")
                continue
            outside = [y for y in s.targets if y > edition.year + 3]
            if outside:
                problems.error(f"indicator '{name}' has a target for {outside[0]}, outside the years of "
                               f"{edition.id} ({edition.year - 2}–{edition.year + 3})", file=goal.source,
                               code="goal-target-year", hint="set targets for the edition's years")
        kept.append(goal)
    return kept


def overhead_share(lines, year: int, column: str) -> Decimal | None:
    """BBV bedrijfsvoering: overhead (taakveld 0.4) as a share of all lasten, from the finance lines."""
    import polars as pl

    base = lines.filter((pl.col("kind") == "lasten") & (pl.col("year") == year) & (pl.col("column") == column))
    total = base["cents"].sum()
    overhead = base.filter(pl.col("taakveld") == "0.4")["cents"].sum()
    if not total:
        return None
    return Decimal(int(overhead)) / Decimal(int(total))
