"""Check an edition's finance lines against the budget's rules (BBV) and the national Iv3 lists:
each line belongs to a programme (by its own code, or by its taakveld through the programmes'
patterns), its taakveld and categorie are known in its year's list (or named with the code that
replaced them), the totals reconcile with what the editors expect. Every problem names the file,
the rows and a fix. The Iv3 lists are those of the organisation's kind (``level``: ``[organisation]
kind``); a kind without Iv3 lists (a waterschap) gets one warning that the Iv3 checks do not apply.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from . import reference
from .config import Edition
from .errors import Problems
from .figures import MAIN_COLUMN, EditionFigures
from .model import Programme
from .read.programmes import match_taakveld, specificity
from .reference.iv3rules import grey_cells

MAX_ROWS_LISTED = 10  # rows named in one reconciliation message


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
                      problems: Problems, level: str = "gemeente") -> pl.DataFrame:
    """Give lines without a programme the programme whose taakvelden include the line's taakveld.

    The patterns of ``programmas.csv`` are written in the codes of the edition's year. A line of
    another year (the previous year's column beside a budget) may use a code of its own year that
    the edition's year no longer has (6.71a in 2024, 6.711 in 2025): it gets the programme of the
    code that replaced it (:func:`old_taakveld_programme`).
    """
    lists = reference.has_lists(level)
    every = {tv for year in reference.shipped_years(level) for tv in reference.taakvelden(year, level)} if lists else ()
    patterns = {p for prog in programmes.values() for p in prog.taakvelden}  # each looked up once
    unknown = {p for p in patterns if every and not any(match_taakveld(tv, p) for tv in every)}
    for prog in programmes.values():  # a pattern that takes no taakveld of any year: a typo (9.9 for 0.9)
        for pattern in (p for p in prog.taakvelden if p in unknown):
            problems.warning(f"'{pattern}' in the taakvelden of programme {prog.code} is no taakveld of the Iv3 "
                             "lists", file=f"{edition.dirname}/{edition.programmes}",
                             row=prog.source_row, column="taakvelden", code="taakveld-pattern-unknown",
                             hint="correct the code (see /taakvelden/ or the CBS Iv3 definitions)")
    todo = lines.filter(pl.col("programme").is_null() & pl.col("taakveld").is_not_null())
    if todo.is_empty():
        return lines
    known = reference.taakvelden(edition.year, level) if lists else {}
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
        if lists and tv not in known and year is not None and tv in reference.taakvelden(year, level):
            assigned.append((tv, year, old_taakveld_programme(tv, year, edition.year, programmes, level)[0]))
        else:
            assigned.append((tv, year, mapping.get(tv)))
    keys = pl.DataFrame(assigned, schema={"taakveld": pl.String, "year": lines.schema["year"],
                                          "_assigned": pl.String}, orient="row")
    lines = lines.join(keys, on=["taakveld", "year"], how="left", maintain_order="left")
    return lines.with_columns(pl.coalesce("programme", "_assigned").alias("programme")).drop("_assigned")


def old_taakveld_programme(tv: str, year: int, edition_year: int, programmes: dict[str, Programme],
                           level: str = "gemeente") -> tuple[str | None, list[str]]:
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
    codes = list(successors(tv, year, edition_year, level))
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
                problems: Problems, headers: dict[str, dict[str, str]] | None = None,
                level: str = "gemeente") -> None:
    """Rules over the finance lines of one edition.

    ``headers`` maps each source file to {field: header name}, so that messages name the
    column as the file calls it. ``level`` is the organisation's kind, whose Iv3 lists apply.
    """
    headers = headers or {}

    def col(file: str, field: str) -> str:
        return headers.get(file, {}).get(field, field)

    if not reference.has_lists(level):
        _check_without_lists(lines, programmes, edition, problems, level)
        return
    ref_year = reference.reference_year(edition.year, level)
    known_tv = reference.taakvelden(edition.year, level)
    codes = _code_lists(lines, edition.year, level)

    # Without a programme list (its own error says why) every line would belong to no programme:
    # one cause, one message, so the checks that need the list are left out.
    by_programme = lines if programmes else lines.head(0)
    # Unknown programme codes in the export.
    bad = by_programme.filter(pl.col("programme").is_not_null() & ~pl.col("programme").is_in(list(programmes)))
    for code, group in _groups(bad, "programme"):
        # once per row of the file (a row of a wide file is a line per amount column)
        for file, row in group.select("file", "row").unique(maintain_order=True).iter_rows():
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
                           f"{_replaced_text(tv, year, edition.year, programmes, level)}, so the site's totals would "
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
        line_ref = reference.reference_year(year, level)
        where = (f"the Iv3 list of {line_ref}" if line_ref == ref_year else
                 f"the Iv3 lists of {line_ref} (the line's year) and {ref_year}")
        problems.error(f"taakveld {tv} does not exist in {where}{_of_kind(level)}", file=file, row=row,
                       column=col(file, "taakveld"), code="unknown-taakveld",
                       hint=_taakveld_hint(tv, line_ref, level))
    groups = have_tv.filter(pl.col("_group") & (pl.col("cents") != 0))
    for file, row, tv, list_year in groups.select("file", "row", "taakveld", "_list_year").iter_rows():
        subs = [c for c, v in reference.taakvelden(list_year, level).items() if v.parent == tv]
        problems.warning(f"amount booked on taakveld {tv}, which is a group in {list_year}", file=file, row=row,
                         column=col(file, "taakveld"), code="group-taakveld",
                         hint=f"book it on one of {', '.join(subs[:6])}" if subs else None)

    # Iv3 categorieën, where the export has them: of the line's year (or the edition's year).
    bad_cat = codes.filter(pl.col("categorie").is_not_null() & ~pl.col("_known_categorie"))
    for file, row, cat, kind, year in bad_cat.select("file", "row", "categorie", "kind", "year").iter_rows():
        line_ref = reference.reference_year(year, level)
        where = str(line_ref) if line_ref == ref_year else f"{line_ref} (the line's year) or {ref_year}"
        problems.error(f"categorie {cat} is not an Iv3 {kind} categorie of {where}{_of_kind(level)}", file=file, row=row,
                       column=col(file, "categorie"), code="unknown-categorie",
                       hint="use an economische categorie from the Iv3 list for that year")

    # Amounts in cells CBS forbids (grijze cellen): CBS would refuse them in the Iv3 delivery.
    for file, row, tv, cat, kind, year in grey_cell_lines(codes.filter(pl.col("_known_categorie")), edition.year, level).select(
            "file", "row", "taakveld", "categorie", "kind", "year").iter_rows():
        problems.warning(f"{kind} on taakveld {tv} with categorie {cat}: a grey cell of Iv3 "
                         f"{reference.reference_year(year or edition.year, level)}, in which CBS accepts no amount", file=file, row=row,
                         column=col(file, "categorie"), code="iv3-grey-cell",
                         hint="book it on a categorie CBS allows for this taakveld (begroot iv3 lists the cells)")


def _check_without_lists(lines: pl.DataFrame, programmes: dict[str, Programme], edition: Edition,
                         problems: Problems, level: str) -> None:
    """A kind of organisation without Iv3 lists: lines still belong to a programme; one warning
    says that taakvelden and categorieën are not checked (nor named) against any list."""
    if programmes:
        orphans = lines.filter(pl.col("programme").is_null())
        for file, group in _groups(orphans, "file"):
            problems.error(f"lines without a programme ({_rows_text(group['row'].to_list())}), so the site's totals "
                           "would not reconcile with the export", file=file, code="unassigned",
                           hint=f"give each line a programme code, or add its taakveld to a programme in "
                                f"{edition.dirname}/{edition.programmes}")
        bad = lines.filter(pl.col("programme").is_not_null() & ~pl.col("programme").is_in(list(programmes)))
        for code, group in _groups(bad, "programme"):
            problems.error(f"programme {code} is not in the programme list", file=group["file"][0],
                           row=group["row"][0], code="unknown-programme",
                           hint=f"add programme {code} to {edition.dirname}/{edition.programmes} or correct the code")
    coded = lines.filter(pl.col("taakveld").is_not_null() | pl.col("categorie").is_not_null())
    if not coded.is_empty():
        problems.warning(f"begroot.toml says [organisation] kind = {level!r}; CBS publishes no Iv3 lists for a "
                         f"{level} (only for {', '.join(reference.LEVELS)}), so the taakvelden and categorieën of "
                         f"edition {edition.id} are not checked and are shown without names", file=coded["file"][0],
                         code="no-iv3-lists", hint="nothing to do if the kind is right; else correct kind under "
                                                   "[organisation]")


def grey_cell_lines(lines: pl.DataFrame, default_year: int, level: str = "gemeente") -> pl.DataFrame:
    """The lines with an amount in a taakveld × categorie cell that CBS forbids in their year
    (``default_year`` for a line without one)."""
    keys = lines.filter(pl.col("taakveld").is_not_null() & pl.col("categorie").is_not_null()
                        & pl.col("kind").is_in(list(reference.KINDS)) & (pl.col("cents") != 0))
    grey = [(tv, cat, kind, year) for tv, cat, kind, year in
            keys.select("taakveld", "categorie", "kind", "year").unique().iter_rows()
            if (tv, cat) in grey_cells(year if year is not None else default_year, kind, level)]
    if not grey:
        return keys.head(0)
    table = pl.DataFrame(grey, orient="row", schema={"taakveld": pl.String, "categorie": pl.String,
                                                     "kind": pl.String, "year": lines.schema["year"]})
    return keys.join(table, on=["taakveld", "categorie", "kind", "year"], how="semi", maintain_order="left")


def _code_lists(lines: pl.DataFrame, edition_year: int, level: str) -> pl.DataFrame:
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
            entry = reference.taakvelden(list_year, level).get(tv)
            if entry is not None:
                found = (True, not entry.leaf, reference.reference_year(list_year, level))
                break
        tv_rows.append((tv, year, *(found or (False, False, reference.reference_year(edition_year, level)))))
    for cat, kind, year in lines.select("categorie", "kind", "year").unique().iter_rows():
        if cat is None or kind not in reference.KINDS:
            continue
        years = (year, edition_year) if year is not None else (edition_year,)
        cat_rows.append((cat, kind, year, any(cat in reference.categorieen(y, kind, level) for y in years)))
    year_type = lines.schema["year"]
    tv_table = pl.DataFrame(tv_rows, orient="row", schema={
        "taakveld": pl.String, "year": year_type, "_known": pl.Boolean, "_group": pl.Boolean, "_list_year": pl.Int64})
    cat_table = pl.DataFrame(cat_rows, orient="row", schema={
        "categorie": pl.String, "kind": pl.String, "year": year_type, "_known_categorie": pl.Boolean})
    return (lines.join(tv_table, on=["taakveld", "year"], how="left", maintain_order="left")
            .join(cat_table, on=["categorie", "kind", "year"], how="left", maintain_order="left")
            .with_columns(pl.col("_known", "_group", "_known_categorie").fill_null(False)))


def _replaced_text(tv: str, year: int, edition_year: int, programmes: dict[str, Programme], level: str) -> str:
    """Why a taakveld of another year gets no programme, for a message."""
    _, codes = old_taakveld_programme(tv, year, edition_year, programmes, level)
    ref = reference.reference_year(edition_year, level)
    if not codes:
        return f"no programme names it, and it has no counterpart in {ref}"
    owners = sorted({o for o in (programme_of_taakveld(c, programmes)[0] for c in codes) if o is not None},
                    key=reference.sort_key)
    replaced = f"in {ref} it is {_and(codes)}"
    if not owners:
        return f"{replaced}, which no programme takes"
    return (f"{replaced}, which fall{'s' if len(codes) == 1 else ''} under programmes {_and(owners)}: its money "
            f"cannot be divided among them without guessing")


def _of_kind(level: str) -> str:
    """' for a provincie' in a message about another kind's lists than a municipality's."""
    return "" if level == "gemeente" else f" for a {level}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _taakveld_hint(code: str, year: int, level: str) -> str:
    """A retired or future code names the code that replaced it, or that it replaced, in ``year``."""
    from .reference.crosswalk import successors

    years = [y for y in reference.shipped_years(level) if code in reference.taakvelden(y, level)]
    if not years:
        other = [kind for kind in reference.LEVELS if kind != level
                 and any(code in reference.taakvelden(y, kind) for y in reference.shipped_years(kind))]
        where = f"; {code} is a taakveld of the lists of a {' and a '.join(other)}: check kind under [organisation]" \
            if other else ""
        return f"use a taakveld of the Iv3 {year} list{_of_kind(level)} (see /taakvelden/ or the CBS Iv3 definitions){where}"
    if years[-1] < year:  # retired: what replaced it
        codes = list(successors(code, years[-1], year, level))
        if codes:
            return (f"{code} was replaced by {_and(codes)} in {years[-1] + 1}"
                    + (": book each amount on the one that fits" if len(codes) > 1 else ""))
    elif years[0] > year:  # not yet in the list: what it was called then
        codes = list(successors(code, years[0], year, level))
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
            from .format import exact_number

            unit = edition.expected.unit
            scale = f" (× € {exact_number(unit)})" if unit != 1 else " (in euros)"
            problems.error(
                f"total {kind} of {edition.id} is {exact_number(have / unit)}{scale}, but begroot.toml expects "
                f"{exact_number(want)}: a difference of {exact_number((have - want_euros) / unit)}",
                file="begroot.toml", column=f"editions.{edition.id}.expected.{kind}", code="total-mismatch",
                hint="find the missing or extra lines in the export, or correct the expected total")


def check_main_period(edition: Edition, figures: EditionFigures, problems: Problems) -> None:
    """An edition whose lines hold none of its own period (the begroting of its year for a begroting,
    the realisatie for jaarstukken) shows another period's figures as its own: say so."""
    wanted = (edition.year, MAIN_COLUMN[edition.kind])
    if not figures.periods or figures.main == wanted:
        return
    def name(period):
        return f"{period[1].replace('_', ' ')} of {period[0]}"
    problems.warning(
        f"edition {edition.id} ({edition.kind} {edition.year}) has no amounts of the {name(wanted)}; its pages "
        f"show the {name(figures.main)} instead", file="begroot.toml", column=f"editions.{edition.id}",
        code="main-period-missing",
        hint="check the year and column of the amounts in [[editions.finance]] (constants, columns or amounts), "
             "or the edition's year")
