"""The ``begroot`` command. Thin: it calls the library and turns its errors into exit codes.

Exit codes: 0 success, 1 problems in the project (or another error the user can fix),
2 wrong usage (unknown option, missing argument).
"""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
import typer.core
from rich.console import Console

from . import __version__
from .demo import demo_project
from .errors import BegrootError, Problems, ProjectInvalid, Severity, grouped_lines, printable, where


def _plain_flags(params: list) -> list:
    """Typer shows ``<bool>`` after a flag in ``--help``, as if it took a value (``--strict true``
    then fails with "unexpected extra argument"): a flag is shown without a type. The flag itself
    is unchanged (``--strict`` sets it; it takes no value)."""
    for param in params:
        if getattr(param, "is_bool_flag", False) and param.metavar is None:
            param.metavar = ""  # rich help prints the metavar in the type column; a flag has none
    return params


class _Command(typer.core.TyperCommand):
    def get_params(self, ctx) -> list:
        return _plain_flags(super().get_params(ctx))


class _Group(typer.core.TyperGroup):
    def get_params(self, ctx) -> list:
        return _plain_flags(super().get_params(ctx))


app = typer.Typer(
    cls=_Group,
    help="begroot: turn a municipality's budget export and texts into an accessible website.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Console(Console):
    """A console that prints text with its control characters written out (a cell's ESC [31m, a
    bell, a carriage return would otherwise act on the terminal; see errors.printable)."""

    def print(self, *objects, **kwargs) -> None:  # noqa: A003 - Rich's name
        super().print(*(printable(o, newlines=True) if isinstance(o, str) else o for o in objects), **kwargs)


#: The language of the command's own output (messages, ``begroot diff``), whatever the site's.
CLI_LANGUAGE = "en"
#: The width of output that is not a terminal: wide enough that no table is wrapped.
UNWRAPPED = 10_000

err = _Console(stderr=True, highlight=False, soft_wrap=True)
out = _Console(highlight=False, soft_wrap=True)


class State:
    quiet = False
    verbose = False


def _print_problems(problems: Problems, strict: bool = False) -> None:
    shown = problems.items if not State.quiet else problems.errors + (problems.warnings if strict else [])
    for line in grouped_lines(shown, limit=50 if State.verbose else 3):
        style = "red" if line.startswith(Severity.ERROR.value) else "yellow"
        err.print(line, style=style, markup=False)


def _summary(problems: Problems) -> str:
    e, w = len(problems.errors), len(problems.warnings)
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"


@contextmanager
def _step(name: str):
    """Show progress for one step of a long job (on stderr, not with --quiet)."""
    if State.quiet:
        yield
        return
    start = time.perf_counter()
    with err.status(f"{name}…", spinner="dots"):
        yield
    if State.verbose:
        err.print(f"{name}: {time.perf_counter() - start:.2f} s", style="dim")


QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Print more detail (timings, every problem).")]


def _show_version(value: bool) -> None:
    """``--version``: print the version and stop, before any command is looked for (an eager
    option; without it the group first asks for a command and says "Missing command.")."""
    if value:
        out.print(f"begroot {__version__}", markup=False)
        raise typer.Exit(0)


@app.callback()
def _main(quiet: QuietOpt = False, verbose: VerboseOpt = False,
          version: Annotated[bool, typer.Option("--version", help="Show the version and exit.", is_eager=True,
                                                callback=_show_version)] = False) -> None:
    State.quiet, State.verbose = quiet, verbose


def _levels(quiet: bool, verbose: bool) -> None:
    """Options given after the command add to those given before it."""
    State.quiet = State.quiet or quiet
    State.verbose = State.verbose or verbose


ProjectArg = Annotated[Path, typer.Argument(help="The budget project folder (with begroot.toml).",
                                            file_okay=False, dir_okay=True)]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")]


@app.command(cls=_Command)
def init(directory: Annotated[Path, typer.Argument(help="Folder to write the project into.")],
         blank: Annotated[bool, typer.Option("--blank", help=(
             "Write one edition to fill in (a begroot.toml with the steps to take, a programme list, a "
             "finance file with only its header row, text templates) instead of the four-edition demo."))] = False,
         year: Annotated[Optional[int], typer.Option("--year", help=(
             "The year of the blank edition (with --blank); default next year."), metavar="YEAR")] = None,
         gemeente: Annotated[Optional[str], typer.Option("--gemeente", metavar="NAME_OR_CODE", help=(
             "A project for this municipality (Zwolle, GM0193, Den Haag) from its CBS Iv3 figures."))] = None,
         iv3: Annotated[Optional[list[Path]], typer.Option("--iv3", metavar="FILE", help=(
             "With --gemeente: a national CBS Iv3 file (2025_begroting.csv) for more years; repeatable."))] = None,
         force: Annotated[bool, typer.Option("--force", "-f", help="Write into a non-empty folder.")] = False,
         quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Write the demo budget project (or, with --blank, one edition to fill in; with --gemeente, a
    municipality's own figures) into DIRECTORY."""
    _levels(quiet, verbose)
    if (iv3 and gemeente is None) or (gemeente is not None and blank):
        raise typer.BadParameter("--iv3 goes with --gemeente, and --gemeente not with --blank", param_hint="--gemeente")
    if year is not None and not blank:
        raise typer.BadParameter("--year is for a blank project; add --blank", param_hint="--year")
    if year is not None and not 1990 <= year <= 2100:
        raise typer.BadParameter(f"{year} is not a budget year (1990 to 2100)", param_hint="--year")
    if directory.exists() and not directory.is_dir():
        raise BegrootError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()) and not force:
        raise BegrootError(f"{directory} is not empty; use --force to write into it anyway")
    if gemeente is not None:
        _init_gemeente(directory, gemeente, iv3 or [])
        return
    if blank:
        import datetime as dt

        from .demo import write_blank

        folder = write_blank(directory, year or dt.date.today().year + 1)
        if not State.quiet:
            out.print(f"Wrote a blank budget project with one edition, {folder}, to {directory}", markup=False)
            out.print(f"Next: fill it in as {directory / 'begroot.toml'} says, then begroot check {directory}",
                      markup=False)
        return
    shutil.copytree(demo_project(), directory, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "__init__.py"))
    if not State.quiet:
        out.print(f"Wrote the demo budget project to {directory}")
        out.print(f"Next: begroot check {directory}  and  begroot build {directory} --out site")


def _init_gemeente(directory: Path, query: str, files: list[Path]) -> None:
    from .demo.gemeente import NotFound, init_project

    problems = Problems()
    try:
        written = init_project(directory, query, files, problems)
    except NotFound as exc:
        raise typer.BadParameter(str(exc), param_hint="--gemeente") from None
    _print_problems(problems)
    if written is None:
        raise typer.Exit(1)
    if not State.quiet:
        out.print(f"Wrote a project for gemeente {written.municipality.name} ({', '.join(written.editions)}) to "
                  f"{directory}\nNext: begroot build {directory} --out site, then do as begroot.toml says", markup=False)


@app.command(cls=_Command)
def check(project: ProjectArg, strict: StrictOpt = False,
          report: Annotated[Optional[Path], typer.Option(
              "--report", help="Write a readability report for the writers (HTML) to this file.")] = None,
          quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Read and check a project; print every problem. Exit 1 when there are errors."""
    _levels(quiet, verbose)
    from .project import load_project
    from .render.audit import audit_texts

    with _step("Reading and checking"):
        loaded = load_project(project)
        audit_texts(loaded.budget, loaded.problems)  # what the build's audit would find in the texts
    _print_problems(loaded.problems, strict)
    if report is not None and loaded.budget is not None:
        from .render.report import write_report

        write_report(loaded, report)
        if not State.quiet:
            out.print(f"Wrote the readability report to {report}")
    if loaded.problems.has_errors(strict):
        err.print(f"Check failed: {_summary(loaded.problems)}.", style="bold red")
        raise typer.Exit(1)
    if not State.quiet:
        _print_reconciliation(loaded)
        out.print(f"Check passed: {_summary(loaded.problems)}.")


def _print_reconciliation(loaded) -> None:
    """Per edition: lines read, the site's totals, and whether they equal the export's sums."""
    from babel.numbers import format_decimal

    if loaded.budget is None:
        return
    for edition in loaded.budget.editions:
        fig = loaded.figures[edition.id]
        grand = fig.grand()
        same = fig.reconciles()
        money = lambda v: format_decimal(v, format="#,##0.00", locale="nl_NL")  # noqa: E731
        if edition.config.text_only:
            out.print(f"{edition.id}: text only ({len(edition.programmes)} programmes, "
                      f"{len(edition.texts)} texts), no figures.")
            continue
        out.print(f"{edition.id}: {edition.lines.height} finance lines; {fig.main[1]} {fig.main[0]}: "
                  f"lasten € {money(grand.lasten)}, baten € {money(grand.baten)}, saldo € {money(grand.saldo)}; "
                  + ("equal to the sums of the export." if same else "NOT equal to the sums of the export."),
                  markup=False)
        for source in edition.sources:
            if source.account is not None:
                out.print(f"  {source.file}: {source.account.summary()}"
                          + ("" if source.account.balanced() else " (NOT every number accounted for)"), markup=False)


@app.command(cls=_Command)
def build(project: ProjectArg,
          out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the site into.")] = Path("site"),
          strict: StrictOpt = False,
          no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the build cache "
                                                 "(see 'The build cache' in: begroot docs readme).")] = False,
          quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Check a project, then build its website into OUT."""
    _levels(quiet, verbose)
    from . import cache
    from .build import build as do_build

    if no_cache:
        cache.disable()
    start = time.perf_counter()
    result = do_build(project, out_dir, strict=strict, step=_step)
    _print_problems(result.problems, strict)
    if not State.quiet:
        out.print(f"Built {result.pages} pages into {out_dir} in {time.perf_counter() - start:.2f} s "
                  f"({_summary(result.problems)}).")


def _serve(project: Path, host: str, port: int, watch: bool = True) -> None:
    from .build import BuildState
    from .build import build as do_build
    from .serve import Reloader, make_server, watch_and_rebuild

    workdir = Path(tempfile.mkdtemp(prefix="begroot-serve-"))
    site = workdir / "site"
    builds = [0]
    state = BuildState()  # kept between rebuilds: only what changed is read and written again

    def rebuild() -> bool:
        try:
            start = time.perf_counter()
            result = do_build(project, site, step=_step, state=state)
            _print_problems(result.problems)
            if not State.quiet:
                word = "Rebuilt" if builds[0] else "Built"
                err.print(f"{word} in {time.perf_counter() - start:.2f} s", style="green")
            builds[0] += 1
            return True
        except ProjectInvalid as exc:
            _print_problems(exc.problems)
            err.print("Build failed; still serving the previous site.", style="bold red")
            return False

    if not rebuild():
        shutil.rmtree(workdir, ignore_errors=True)
        raise typer.Exit(1)
    reloader = Reloader()
    try:
        server = make_server(site, host, port, reloader)
    except OSError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        raise BegrootError(f"cannot listen on {host}:{port}: {exc.strerror}; try another --port") from None
    stop = threading.Event()
    if watch:
        threading.Thread(target=watch_and_rebuild, args=(project, rebuild, reloader, stop, [workdir]),
                         daemon=True).start()
    out.print(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")

    def terminated(signum, frame):  # a stop by SIGTERM (a service manager, a test) cleans up like Ctrl+C
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminated)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        reloader.close()
        server.server_close()
        state.stop()  # the preview's PDF or search index being made: finished first
        shutil.rmtree(workdir, ignore_errors=True)


def _load_valid(project: Path, edition: str | None = None):
    """Read and check a project for a command that needs it whole (and ``edition`` in it); problems
    end the command."""
    from .project import load_project

    with _step("Reading and checking"):
        loaded = load_project(project)
    if loaded.budget is None or loaded.problems.has_errors():
        raise ProjectInvalid(loaded.problems)
    ids = [e.id for e in loaded.budget.editions]
    if edition is not None and edition not in ids:
        raise BegrootError(f"no edition '{edition}'; the project has: {', '.join(ids)}")
    return loaded


@app.command(cls=_Command)
def pdf(project: ProjectArg,
        edition: Annotated[str, typer.Option("--edition", "-e", help="The edition, e.g. begroting-2024.")],
        out_file: Annotated[Optional[Path], typer.Option("--out", "-o", help="The PDF file to write.")] = None,
        quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Write one edition as a PDF document (cover, contents, every programme)."""
    from .build import build_time
    from .publish.pdf import write_pdf

    _levels(quiet, verbose)
    loaded = _load_valid(project, edition)
    target = out_file or Path(f"{edition}.pdf")
    with _step("Writing the PDF"):
        write_pdf(loaded.budget, loaded.figures, edition, target, build_time())
    if not State.quiet:
        out.print(f"Wrote {target}")


@app.command(cls=_Command)
def iv3(project: ProjectArg,
        edition: Annotated[str, typer.Option("--edition", "-e", help="A begroting or jaarstukken edition.")],
        out_file: Annotated[Optional[Path], typer.Option("--out", "-o", help="The JSON file to write.")] = None,
        contact: Annotated[Optional[str], typer.Option(help="Contact person for CBS (default: the organisation).")] = None,
        email: Annotated[Optional[str], typer.Option(help="Contact e-mail (default: organisation.email).")] = None,
        phone: Annotated[str, typer.Option(help="Contact telephone number.")] = "",
        quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Write an edition's Iv3 delivery for CBS (JSON), checked against CBS's rules for its year."""
    from .build import build_time
    from .publish.iv3 import Iv3Refused, delivery, write

    _levels(quiet, verbose)
    loaded = _load_valid(project, edition)
    organisation = loaded.budget.config.organisation
    person = {"naam": contact or organisation.name, "email": email or organisation.email or "", "telefoon": phone}
    if not person["email"]:
        raise BegrootError("CBS needs a contact e-mail address: give --email, or set email under "
                           "[organisation] in begroot.toml")
    findings = Problems()
    try:
        document = delivery(loaded.budget, edition, build_time(), person, findings)
    except Iv3Refused as exc:
        raise BegrootError(str(exc)) from None
    _print_problems(findings)
    if document is None:
        err.print(f"Not written: CBS would refuse the delivery ({_summary(findings)}).", markup=False)
        raise typer.Exit(1)
    target = out_file or Path(f"{edition}-iv3.json")
    write(target, document)
    if not State.quiet:
        out.print(f"Wrote {target}")


@app.command(cls=_Command)
def diff(project: ProjectArg,
         old: Annotated[str, typer.Argument(help="The older edition, e.g. begroting-2023.")],
         new: Annotated[str, typer.Argument(help="The newer edition, e.g. begroting-2024.")],
         words: Annotated[bool, typer.Option("--words", "-w", help=(
             "Also print the changed texts word by word: [-removed-] {+added+}."))] = False,
         quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Compare two editions: totals, programmes (also when they were merged, split or renumbered),
    taakvelden and texts; the same comparison as the site's /vergelijk/ page. Printed in English;
    into a file or a pipe, tables are not wrapped."""
    from .compare import compare
    from .render.strings import strings
    from .render.terminal import print_comparison

    _levels(quiet, verbose)
    loaded = _load_valid(project)
    ids = [e.id for e in loaded.budget.editions]
    for name, value in (("OLD", old), ("NEW", new)):
        if value not in ids:
            raise typer.BadParameter(f"no edition '{value}'; the project has: {', '.join(ids)}", param_hint=name)
    if old == new:
        raise typer.BadParameter("give two different editions", param_hint="NEW")
    t = strings(CLI_LANGUAGE)
    a, b = loaded.budget.edition(old), loaded.budget.edition(new)
    comparison = compare(a, loaded.figures[a.id], b, loaded.figures[b.id], level=loaded.budget.config.organisation.kind,
                         labels={"added": t["compare_added"], "removed": t["compare_removed"]})
    # Into a file or a pipe, a line is as long as it is (Rich would wrap tables at 80 columns).
    console = out if out.is_terminal else _Console(highlight=False, soft_wrap=True, width=UNWRAPPED)
    print_comparison(console, loaded.budget, comparison, words=words, language=CLI_LANGUAGE)


@app.command(cls=_Command)
def docs(topic: Annotated[Optional[str], typer.Argument(
        help="The page to print, e.g. project-format; without it, the pages are listed.")] = None) -> None:
    """Print a page of the documentation (every setting, every message, …), or list the pages.

    The pages ship with begroot: the same as docs/ and the README of the source."""
    from . import manual

    pages = manual.pages()
    if not pages:
        raise BegrootError("the documentation is not installed with this copy of begroot; "
                           "read it at the project's repository (docs/)")
    if topic is None:
        out.print("Documentation pages; 'begroot docs TOPIC' prints one:", markup=False)
        width = max(len(p.topic) for p in pages)
        for page in pages:
            out.print(f"  {page.topic.ljust(width)}  {page.title}", markup=False)
        return
    page = manual.find(topic)
    if page is None:
        near = manual.closest(topic)
        raise typer.BadParameter(f"no page '{topic}'" + (f"; did you mean '{near}'?" if near else "")
                                 + f" The pages: {', '.join(p.topic for p in pages)}.", param_hint="TOPIC")
    text = page.text()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")  # as written: no markup, no wrapping


HostOpt = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOpt = Annotated[int, typer.Option("--port", "-p", help="Port to listen on.", min=1, max=65535)]


@app.command(cls=_Command)
def serve(project: ProjectArg, host: HostOpt = "127.0.0.1", port: PortOpt = 8000,
          quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Build, serve on http://127.0.0.1:8000, rebuild when a file changes and reload the page."""
    _levels(quiet, verbose)
    _serve(project, host, port)


@app.command(cls=_Command)
def demo(host: HostOpt = "127.0.0.1", port: PortOpt = 8000, quiet: QuietOpt = False,
         verbose: VerboseOpt = False) -> None:
    """Build the bundled demo budget (Groningen: begroting 2024 and 2023, jaarstukken 2023, begroting 2016) and serve it."""
    _levels(quiet, verbose)
    _serve(demo_project(), host, port, watch=False)


def main() -> None:
    """Entry point: run the app; user errors exit 1 without a traceback."""
    try:
        app()
    except ProjectInvalid as exc:
        _print_problems(exc.problems)
        err.print(f"Build failed: {_summary(exc.problems)}. Nothing was written.", style="bold red")
        sys.exit(1)
    except BegrootError as exc:
        err.print(f"error: {exc}", style="red", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort: never show a traceback unless asked
        if State.verbose:
            err.print_exception()
        else:
            place = where(exc)
            err.print(f"internal error{' while working on ' + place if place else ''}: {type(exc).__name__}: {exc}. "
                      "Run with --verbose for details and please report it.", style="red", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
