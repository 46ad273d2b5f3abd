"""Read an edition's programme list (``programmas.csv``).

Columns (Dutch or English header names): ``code``, ``naam``/``title``, ``hoofdprogramma``/
``parent`` (empty for a programme, the parent's code for a deelprogramma), ``taakvelden``
(codes or patterns such as ``6.*`` or ``0.61-0.64``, separated by commas or spaces) and
``soort``/``kind`` (``programma`` or ``overzicht`` for a BBV overview such as overhead).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..config import Edition
from ..errors import Problems
from ..model import Programme
from .tables import ROW, TableError, read_table, report_invisible

ALIASES = {
    "code": ["code", "programma", "programmacode", "nummer"],
    "title": ["naam", "titel", "title", "name", "omschrijving"],
    "parent": ["hoofdprogramma", "parent", "bovenliggend", "valt onder"],
    "taakvelden": ["taakvelden", "taakveld", "iv3"],
    "kind": ["soort", "kind", "type"],
}
KINDS = {"programma": "programma", "programme": "programma", "": "programma",
         "overzicht": "overzicht", "overview": "overzicht", "bbv-overzicht": "overzicht"}
#: How many levels the programme tree may have: programmes, their deelprogramma's, and three
#: more levels below those (municipalities use two, sometimes three). Pages, breadcrumbs and the
#: PDF's contents follow the tree level by level.
MAX_PROGRAMME_DEPTH = 5
PATTERN_RE = re.compile(r"^\d{1,2}\.(\*|\d{1,3}[a-z]?\*?)$|^\d{1,2}\.\d{1,3}[a-z]?-\d{1,2}\.\d{1,3}[a-z]?$|^\d{1,2}\.?\*$")


def _find(header: list[str], key: str) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    for alias in ALIASES[key]:
        if alias in lowered:
            return lowered[alias]
    return None


def read_programmes(project: Path, edition: Edition, problems: Problems) -> dict[str, Programme]:
    rel = f"{edition.dirname}/{edition.programmes}"
    try:
        table = read_table(project / edition.dirname / edition.programmes, rel, root=project)
    except TableError as exc:
        problems.error(exc.message, file=exc.file, hint=exc.hint or
                       "each edition needs a programme list with the columns code;naam;hoofdprogramma;taakvelden;soort",
                       code="programmes-unreadable")
        return {}
    report_invisible(problems, table)
    columns = {key: _find(table.header, key) for key in ALIASES}
    for key in ("code", "title"):
        if columns[key] is None:
            problems.error(f'no column "{ALIASES[key][0]}" in the programme list; it has: {", ".join(table.header)}',
                           file=rel, row=1, code="missing-column",
                           hint="the programme list needs at least the columns code and naam")
            return {}

    programmes: dict[str, Programme] = {}
    for order, rec in enumerate(table.data.iter_rows(named=True)):
        row = rec[ROW]

        def get(key: str) -> str:
            col = columns[key]
            return (rec.get(col) or "").strip() if col else ""

        code, title = get("code"), get("title")
        if not code and not title:
            continue  # blank row
        if not code:
            problems.error("the programme code is empty", file=rel, row=row, column=columns["code"],
                           code="programme-code-empty", hint="give every programme a code such as 3 or 3.1")
            continue
        if not title:
            problems.error(f"programme {code} has no name", file=rel, row=row, column=columns["title"],
                           code="programme-title-empty", hint="fill in the programme's name")
        if code in programmes:
            first = programmes[code].source_row
            problems.error(f"programme {code} is listed twice (first in row {first})", file=rel, row=row,
                           column=columns["code"], code="duplicate-programme",
                           hint="give each programme its own code, or remove the duplicate row")
            continue
        kind_raw = get("kind").lower()
        if kind_raw not in KINDS:
            problems.error(f"'{get('kind')}' is not programma or overzicht", file=rel, row=row,
                           column=columns["kind"], code="programme-kind",
                           hint="use programma, or overzicht for a BBV overview such as overhead")
        patterns = tuple(p for p in re.split(r"[,\s;]+", get("taakvelden")) if p)
        for p in patterns:
            if not PATTERN_RE.match(p):
                problems.error(f"'{p}' is not a taakveld code or pattern", file=rel, row=row,
                               column=columns["taakvelden"], code="taakveld-pattern",
                               hint="write codes like 6.1, ranges like 0.61-0.64, or a main group like 6.*")
        programmes[code] = Programme(code=code, title=title or code, parent=get("parent") or None,
                                     order=order, kind=KINDS.get(kind_raw, "programma"),
                                     taakvelden=patterns, source_row=row)

    for prog in programmes.values():
        if prog.parent is None:
            continue
        if prog.parent not in programmes:
            problems.error(f"programme {prog.code} belongs to programme {prog.parent}, which is not in the list",
                           file=rel, row=prog.source_row, column=columns["parent"], code="unknown-parent",
                           hint="add the parent programme or correct the code")
            prog.parent = None
            continue
        # refuse cycles (3.1 under 3.2 under 3.1) and trees deeper than MAX_PROGRAMME_DEPTH; the
        # walk up stops there, so that checking a long chain of parents takes linear time
        seen, node, level = {prog.code}, prog.parent, 1
        while node is not None:
            if node in seen:
                problems.error(f"programme {prog.code} is its own ancestor", file=rel, row=prog.source_row,
                               column=columns["parent"], code="programme-cycle",
                               hint="a deelprogramma's parent must be a programme above it")
                prog.parent = None
                break
            level += 1
            if level > MAX_PROGRAMME_DEPTH:
                problems.error(f"programme {prog.code} is more than {MAX_PROGRAMME_DEPTH} levels deep in the "
                               f"programme tree; begroot accepts at most {MAX_PROGRAMME_DEPTH}", file=rel,
                               row=prog.source_row, column=columns["parent"], code="programme-too-deep",
                               hint="a programme has deelprogramma's, which may have their own; check the "
                                    "column hoofdprogramma for a chain of parents")
                prog.parent = None
                break
            seen.add(node)
            node = programmes[node].parent if node in programmes else None
        if prog.parent:
            programmes[prog.parent].children.append(prog.code)

    if not programmes:
        problems.error("the programme list is empty", file=rel, code="programmes-empty",
                       hint="list at least one programme: code;naam;hoofdprogramma;taakvelden;soort")
    return _display_order(programmes)


def _display_order(programmes: dict[str, Programme]) -> dict[str, Programme]:
    """Programmes before overviews, each followed by its deelprogramma's, in file order."""
    out: dict[str, Programme] = {}

    def visit(p: Programme) -> None:
        out[p.code] = p
        for child in sorted((programmes[c] for c in p.children), key=lambda c: c.order):
            visit(child)

    tops = sorted((p for p in programmes.values() if p.parent is None), key=lambda p: (p.is_overview, p.order))
    for top in tops:
        visit(top)
    return out


def _code_key(code: str) -> tuple:
    from ..reference import sort_key
    return sort_key(code)


def match_taakveld(code: str, pattern: str) -> bool:
    """Does a taakveld code fall under a programme's pattern ('6.*', '0.61-0.64', '6.71*', '0.4')?"""
    if pattern.endswith("*"):
        stem = pattern[:-1]
        if stem.endswith("."):
            return code.startswith(stem)
        if re.fullmatch(r"\d{1,2}", stem):
            return code.startswith(stem + ".")
        return code.startswith(stem)
    if "-" in pattern:
        low, high = pattern.split("-", 1)
        return low.split(".")[0] == code.split(".")[0] and _code_key(low) <= _code_key(code) <= _code_key(high)
    return code == pattern


def specificity(pattern: str) -> int:
    """Exact codes beat ranges, ranges beat wildcards."""
    if pattern.endswith("*"):
        return 0
    if "-" in pattern:
        return 1
    return 2
