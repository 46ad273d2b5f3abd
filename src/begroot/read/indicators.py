"""Read an edition's indicators CSV/XLSX.

Columns (Dutch or English): ``programma``, ``naam``, ``eenheid``, ``jaar``, ``waarde``, ``bron``
and optionally ``bbv`` (ja/nee: a BBV-verplichte beleidsindicator).
"""

from __future__ import annotations

from pathlib import Path

from ..config import Edition
from ..errors import Problems
from ..model import Indicator
from .numbers import decide_notation, parse_numbers
from .tables import ROW, TableError, read_table, report_invisible, report_missing_column

COLUMNS = {
    "programme": ["programma", "programme", "program"],
    "name": ["naam", "indicator", "name"],
    "unit": ["eenheid", "unit"],
    "year": ["jaar", "year"],
    "value": ["waarde", "value"],
    "source": ["bron", "source"],
    "bbv": ["bbv", "verplicht"],
    "kind": ["soort", "kind", "type"],
    "direction": ["richting", "direction"],
}
KINDS = {"": "realisatie", "realisatie": "realisatie", "meting": "realisatie", "actual": "realisatie",
         "streefwaarde": "streefwaarde", "doel": "streefwaarde", "target": "streefwaarde",
         "nulmeting": "nulmeting", "baseline": "nulmeting"}
DIRECTIONS = {"": "hoger", "hoger": "hoger", "hoger is beter": "hoger", "higher": "hoger", "up": "hoger",
              "lager": "lager", "lager is beter": "lager", "lower": "lager", "down": "lager"}
REQUIRED = ["programme", "name", "unit", "year", "value"]
YES = {"ja", "j", "yes", "y", "1", "true", "x"}


def read_indicators(project: Path, edition: Edition, programme_codes: set[str], problems: Problems) -> list[Indicator]:
    if not edition.indicators:
        return []
    path = project / edition.dirname / edition.indicators
    if not path.exists():
        return []
    rel = f"{edition.dirname}/{edition.indicators}"
    try:
        table = read_table(path, rel, root=project)
    except TableError as exc:
        problems.error(exc.message, file=exc.file, hint=exc.hint, code="indicators-unreadable")
        return []
    report_invisible(problems, table)
    lowered = {h.strip().lower(): h for h in table.header}
    cols = {key: next((lowered[a] for a in aliases if a in lowered), None) for key, aliases in COLUMNS.items()}
    missing = [COLUMNS[k][0] for k in REQUIRED if cols[k] is None]
    if missing:
        for name in missing:
            report_missing_column(problems, table, name,
                                  "indicators need the columns programma;naam;eenheid;jaar;waarde;bron")
        return []
    # all values parsed at once (exact, six decimals kept)
    notation = decide_notation(table.data[cols["value"]])
    if not notation.decided:
        examples = notation.conflict or notation.ambiguous
        problems.error(
            "the values can be read two ways: " + " and ".join(f"'{v}'" for v in examples)
            + (" use different decimal marks" if notation.conflict else
               " can each be a number with a thousands separator or with a decimal mark, and no value of the "
               "column decides it"), file=rel, column=cols["value"], code="indicator-ambiguous-decimal",
            hint="write these values so they read one way (1234 or 1,234 with three decimals written as 1,2340), "
                 "and use one decimal mark in the whole column")
        return []
    parsed = parse_numbers(table.data[cols["value"]], notation.mark())
    out: list[Indicator] = []
    for rec, value in zip(table.data.iter_rows(named=True), parsed):
        row = rec[ROW]
        get = lambda k: (rec.get(cols[k]) or "").strip() if cols[k] else ""  # noqa: E731
        if not any(get(k) for k in REQUIRED):
            continue
        code = get("programme")
        if code not in programme_codes:
            problems.error(f"programme {code or '(empty)'} is not in the programme list", file=rel, row=row,
                           column=cols["programme"], code="indicator-unknown-programme",
                           hint="use the code of a programme in programmas.csv")
            continue
        if not get("unit"):
            problems.error(f"indicator '{get('name')}' has no unit", file=rel, row=row, column=cols["unit"],
                           code="indicator-unit", hint="fill in a unit such as %, aantal or € per inwoner")
            continue
        year_text = get("year")
        if not (year_text.isdigit() and len(year_text) == 4):
            problems.error(f"'{year_text}' is not a year", file=rel, row=row, column=cols["year"],
                           code="bad-year", hint="write the year as four digits, e.g. 2024")
            continue
        if value is None:
            problems.error(f"'{get('value')}' is not a number", file=rel, row=row, column=cols["value"],
                           code="indicator-value", hint="write the value as a number, e.g. 12,5")
            continue
        kind, direction = KINDS.get(get("kind").lower()), DIRECTIONS.get(get("direction").lower())
        if kind is None:
            problems.error(f"'{get('kind')}' is not realisatie, streefwaarde or nulmeting", file=rel, row=row,
                           column=cols["kind"], code="indicator-kind",
                           hint="use realisatie (a measurement), streefwaarde (a target) or nulmeting (the baseline)")
            continue
        if direction is None:
            problems.error(f"'{get('direction')}' is not hoger or lager", file=rel, row=row,
                           column=cols["direction"], code="indicator-direction",
                           hint="write hoger when a higher value is better, lager when a lower value is better")
            continue
        out.append(Indicator(programme=code, name=get("name"), unit=get("unit"), year=int(year_text),
                             value=value, source=get("source"), bbv=get("bbv").lower() in YES,
                             origin=f"{rel}, row {row}", kind=kind, direction=direction))
    return out
