"""Problems found in a budget project, and the project's own exception types.

Every finding is a :class:`Problem` that knows where it was found (file, row, column) and how to
fix it. Readers and checks collect problems instead of stopping at the first one; only the CLI
turns them into output and exit codes.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from itertools import groupby

#: C0 and C1 control characters (and DEL): a terminal obeys them (colours, a moved cursor, a
#: rewritten line), a page cannot show them. Tab and newline are kept where a text may have them.
#: The Unicode bidirectional controls too (they reorder what a terminal shows, see begroot.clean).
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(f"[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f{_BIDI}]")
_CONTROL_NOT_NEWLINE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with its control characters written out (ESC as ``\\x1b``): safe to print on a
    terminal and to show on a page, and still telling the writer what the cell holds. A tab is
    kept, a newline only with ``newlines``."""
    pattern = _CONTROL_NOT_NEWLINE if newlines else CONTROL
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}",
                       text)


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding. ``row`` is numbered as a spreadsheet shows it (the header is row 1)."""

    severity: Severity
    file: str | None
    row: int | None
    column: str | None
    message: str
    hint: str | None = None
    code: str = "generic"

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            # a text (Markdown, begroot.toml) has lines; a table has rows
            lines = str(self.file or "").lower().endswith((".md", ".markdown", ".toml"))
            parts.append(f"{'line' if lines else 'row'} {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def format(self) -> str:
        """One line: ``error: file, row 3, column "Bedrag": message — hint: ...``."""
        where = self.location()
        text = f"{self.severity.value}: {where + ': ' if where else ''}{self.message}"
        if self.hint:
            text += f" — hint: {self.hint}"
        return printable(text)  # one line, whatever a cell or a file name holds


@dataclass
class Problems:
    """An ordered collection of problems with helpers for severity and grouping."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def error(self, message: str, *, file=None, row=None, column=None, hint=None, code="generic"):
        self.add(Problem(Severity.ERROR, file, row, column, message, hint, code))

    def warning(self, message: str, *, file=None, row=None, column=None, hint=None, code="generic"):
        self.add(Problem(Severity.WARNING, file, row, column, message, hint, code))

    def extend(self, other: "Problems | list[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def has_errors(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def grouped_lines(problems: list[Problem], limit: int = 3) -> list[str]:
    """Format problems sorted by file and row, collapsing runs of the same problem in the same file
    and column.

    Problems with the same severity, code, file and column are one group; a group larger than
    ``limit + 1`` prints its first ``limit`` members and one summary line, so 5,000 bad rows
    print four lines, not 5,000.
    """

    def key(p: Problem):
        return (p.severity.value, p.file or "", p.code, p.column or "")

    groups = [list(g) for _, g in groupby(sorted(problems, key=lambda p: (key(p), p.row or 0)), key=key)]
    # errors before warnings; then by file and by the first row of each group, as the file reads
    groups.sort(key=lambda g: (g[0].severity.value, g[0].file or "", g[0].row or 0, g[0].code))
    lines: list[str] = []
    for group in groups:
        if len(group) <= limit + 1:
            lines.extend(p.format() for p in group)
            continue
        lines.extend(p.format() for p in group[:limit])
        rest = group[limit:]
        rows = [p.row for p in rest if p.row is not None]
        span = f" (rows {min(rows)}–{max(rows)})" if rows else ""
        first = rest[0]
        where = ", ".join(x for x in (first.file, f'column "{first.column}"' if first.column else None) if x)
        lines.append(printable(f"{first.severity.value}: … and {len(rest)} more of the same problem"
                               f"{' in ' + where if where else ''}{span}"))
    return lines


class BegrootError(Exception):
    """An error the user can fix; the CLI prints it without a traceback and exits with 1."""


class ProjectInvalid(BegrootError):
    """Raised when checking found errors; carries every problem found."""

    def __init__(self, problems: Problems):
        self.problems = problems
        n = len(problems.errors)
        super().__init__(f"{n} error{'s' if n != 1 else ''} found")


#: The attribute an unexpected exception gets from :func:`working_on`: the file or page being made.
WHERE = "begroot_where"


@contextmanager
def working_on(what: str):
    """Name the file or page being read or made in any unexpected exception raised inside (the
    innermost name wins), so that the CLI's "internal error" says where it happened. An
    exception from a forked worker keeps it: its attributes are pickled with it."""
    try:
        yield
    except BegrootError:
        raise
    except Exception as exc:
        if getattr(exc, WHERE, None) is None:
            try:
                setattr(exc, WHERE, what)
            except AttributeError:  # an exception type without a __dict__
                pass
        raise


def where(exc: BaseException) -> str | None:
    """The file or page an unexpected exception was raised while working on (see :func:`working_on`)."""
    return getattr(exc, WHERE, None)


def toml_syntax_error(problems: Problems, exc: Exception, file: str) -> None:
    """The error for a TOML file that does not parse: at its line, with a hint for the usual causes."""
    at = re.search(r"at line (\d+)", str(exc))
    hint = ("a Windows path: write it in single quotes ('C:\\data\\x.csv') or with /"
            if "escape" in str(exc).lower() or "\\" in str(exc) else
            "text in double quotes (name = \"Gemeente Voorbeeld\"), a [section] header closed with ], "
            "one setting per line")
    problems.error(f"not valid TOML: {exc}", file=file, row=int(at.group(1)) if at else None,
                   code="config-toml", hint=f"correct line {at.group(1) if at else '…'}: {hint}")
