"""``begroot build``: check a project, render the site aside, then swap it in.

A failed build never leaves a half-written site: pages are written into a temporary folder
beside OUT, and only when everything succeeded is OUT replaced by it: on Linux in one step
(``renameat2`` with ``RENAME_EXCHANGE``), so that OUT is never missing, not even for the
microseconds between two renames; elsewhere with two renames.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import shutil
import sys
import tempfile
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import BegrootError, Problems, ProjectInvalid, working_on
from .project import LoadCache, Loaded, load_project, source_date_epoch
from .publish.reuse import put, reusing
from .publish.search import index_site
from .render.state import RenderState

#: A file in every built site's root; OUT is only replaced when it holds one (or is empty).
MARKER = ".begroot-site"

#: Findings meant for the writers, not for the public colophon page.
PRIVATE_CODES = {"readability", "accessibility-contact"}  # for the project, not on the public colophon

Step = Callable[[str], "object"]


@dataclass
class BuildState:
    """Kept by ``begroot serve`` between rebuilds into the same folder: the read cache and the
    state of the pages written, so that an edit re-reads and re-renders only what it touches."""

    cache: LoadCache = field(default_factory=LoadCache)
    render: RenderState = field(default_factory=RenderState)
    out: Path | None = None
    indexing: threading.Thread | None = None
    stopping: threading.Event = field(default_factory=threading.Event)  # serve stops: no further background job

    def stop(self) -> None:
        """Let the background work end after the job it is doing, and wait for it: a process
        that ends while Typst works on a thread aborts, and the job would write into a folder
        being removed."""
        self.stopping.set()
        if self.indexing is not None:
            self.indexing.join()

    def reindex(self, site: Path, jobs: list | None = None, editions: dict[str, str] | None = None) -> None:
        """Run slow jobs (a PDF) and rebuild the search index of a served site in the background
        (of the editions whose pages changed; ``editions``: {id: title}), one rebuild at a time."""
        previous = self.indexing

        def work() -> None:
            if previous is not None:
                previous.join()  # one after the other, without making this rebuild wait
            try:
                for job in jobs or []:
                    if self.stopping.is_set():
                        return
                    job()
                if not self.stopping.is_set():
                    index_site(site, editions or {})
            except BegrootError:
                pass  # the previous files stay; the next full build reports the problem

        self.indexing = threading.Thread(target=work, daemon=True)
        self.indexing.start()


@dataclass
class BuildResult:
    out: Path
    pages: int            # pages in the site
    written: int          # pages written by this build (fewer than pages in an incremental rebuild)
    problems: Problems
    loaded: Loaded


def build_time() -> dt.datetime:
    """The build's timestamp: SOURCE_DATE_EPOCH when set (reproducible builds), else now."""
    return source_date_epoch() or dt.datetime.now().replace(microsecond=0)


def _check_out(project: Path, out: Path) -> None:
    project, out_res = project.resolve(), out.resolve()
    if out_res == project or out_res in project.parents:
        raise BegrootError(f"the output folder {out} contains the project itself; choose another --out")
    if out.exists() and not out.is_dir():
        raise BegrootError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BegrootError(
            f"{out} is not empty and was not made by begroot; it will not be replaced. "
            "Choose an empty or new folder for --out")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(out: Path) -> None:
    """Remove the temporary folders of builds that were killed (their process is gone)."""
    if not out.parent.is_dir():
        return
    for path in out.parent.glob(f".{out.name}.*"):
        m = re.fullmatch(rf"\.{re.escape(out.name)}\.(?:tmp|old)-(\d+)(?:-.*)?", path.name)
        if m and path.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(path, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@functools.cache
def _renameat2():
    """libc's renameat2 (Linux, glibc 2.28 or later), or None."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (each name always names one of the two folders).
    False when the system cannot (not Linux, an old C library or kernel, a file system without
    RENAME_EXCHANGE): the caller then renames twice."""
    import ctypes
    import errno

    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(tmp: Path, out: Path) -> None:
    """Replace OUT by the finished TMP folder with renames on the same file system: an exchange
    where the system has one (OUT always exists), else two renames."""
    old = None
    if out.is_dir() and not out.is_symlink() and exchange(tmp, out):
        previous = out.with_name(f".{out.name}.old-{os.getpid()}")  # named as a replaced site is
        try:
            if previous.exists():
                shutil.rmtree(previous)
            tmp.rename(previous)
        except OSError:
            previous = tmp
        remove_in_background(previous)
        return
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
    try:
        tmp.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)  # put the previous site back
        raise
    if old is not None:
        remove_in_background(old)


def remove_in_background(folder: Path) -> None:
    """Remove a replaced site in a process of its own: the new site is already in place, and the
    build need not wait seconds for thousands of files to be unlinked. Should that process not
    finish, the next build removes the folder (see :func:`remove_leftovers`)."""
    import subprocess
    import sys

    try:
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                          str(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def write_media(budget, site: Path) -> None:
    """The images the texts show, into the site's media/ folder, named by their content (read,
    checked and held by the texts reader: nothing here is read from the project again)."""
    from .read.texts import MEDIA_FOLDER

    folder = site / MEDIA_FOLDER
    shown = set()
    for edition in budget.editions:
        for text in edition.texts:
            for name, data in text.images:
                shown.add(name)
                path = folder / name
                if not path.is_file() or path.stat().st_size != len(data):
                    folder.mkdir(exist_ok=True)
                    put(path, data)
    if folder.is_dir():  # a rebuild under serve: the images no text shows any more are removed
        for path in folder.iterdir():
            if path.name not in shown:
                path.unlink()
        if not shown:
            folder.rmdir()


def colophon_html(markdown_text: str | None) -> str:
    if not markdown_text:
        return ""
    from .read.texts import markdown_to_html, sanitise, shift_headings
    return sanitise(shift_headings(markdown_to_html(markdown_text)))


def build(project: Path, out: Path, *, strict: bool = False, step: Step | None = None,
          state: BuildState | None = None) -> BuildResult:
    """Check the project and build its site into ``out``; raise ProjectInvalid on errors.

    A build writes into a temporary folder and swaps it in. With a ``state`` from the previous
    build into the same ``out`` (as ``begroot serve`` keeps), unchanged inputs are not read again
    and only the pages whose inputs changed are rewritten, each replaced atomically.
    """
    from .publish.site import write_site

    step = step or (lambda name: nullcontext())
    project = project.resolve()
    with step("Reading and checking"):
        # the writers' readability feedback belongs to `begroot check`; the site does not show it
        loaded = load_project(project, cache=state.cache if state is not None else None,
                              readability=state is not None)
    if loaded.budget is None or loaded.problems.has_errors(strict):
        raise ProjectInvalid(loaded.problems)
    _check_out(project, out)
    incremental = state is not None and state.out == out.resolve() and (out / MARKER).exists()
    if state is not None and not incremental:
        state.render = RenderState()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not incremental:
        remove_leftovers(out)
    tmp = out if incremental else Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    render_state = state.render if state is not None else RenderState()
    background: list | None = [] if incremental else None
    indexing: list[threading.Thread] = []
    index_failed: list[BaseException] = []
    editions = {e.id: e.config.display_title for e in loaded.budget.editions}

    def start_index() -> None:
        """Index the pages while the downloads are still being written (Pagefind reads only HTML)."""
        def work() -> None:
            try:
                index_site(tmp, editions, previous)  # the indexes of unchanged editions are linked
            except BaseException as exc:  # noqa: BLE001 - raised again in the build's own thread
                index_failed.append(exc)

        indexing.append(threading.Thread(target=work, daemon=True))
        indexing[0].start()

    # files of the site being replaced that are the same bytes are linked, not written again
    previous = out if not incremental and (out / MARKER).is_file() and not out.is_symlink() else None
    try:
        with step("Writing pages"), reusing(tmp, previous):
            write_media(loaded.budget, tmp)
            audit: list = []
            pages = write_site(
                loaded.budget, loaded.figures, tmp, build_time=build_time(),
                warnings=[w for w in loaded.problems.warnings if w.code not in PRIVATE_CODES],
                colophon_html=colophon_html(loaded.budget.config.site.colophon), audit=audit,
                state=render_state, background=background, pages_written=None if incremental else start_index,
                before_fork=state.indexing.join if state is not None and state.indexing is not None else None,
            )
            for page, check, detail in audit:
                loaded.problems.warning(f"accessibility check '{check}' fails on this page: {detail}",
                                        file=page, code="accessibility",
                                        hint="see /over/toegankelijkheid/; a heading level in a text is the writer's to fix")
            theme = loaded.budget.config.theme
            from .clean import svg_active_content
            from .paths import SWAPPED, OutsideProject, read_inside
            from .render.page import THEME_FOLDER

            for asset in ([theme.logo] if theme.logo else []) + theme.fonts:
                src = project / asset
                if not src.is_file():
                    raise BegrootError(f"theme file {asset} (in begroot.toml) does not exist")
                # in a folder of their own: a theme file never replaces one of the site's own files
                (tmp / "static" / THEME_FOLDER).mkdir(parents=True, exist_ok=True)
                try:  # inside the project when it is opened, not only when begroot.toml was checked
                    with working_on(asset):
                        data = read_inside(project, src)
                except OutsideProject:
                    raise BegrootError(f"theme file {asset} (in begroot.toml) {SWAPPED}") from None
                active = svg_active_content(data) if src.suffix.lower() == ".svg" else None
                if active is not None:
                    raise BegrootError(f"the logo {asset} (in begroot.toml) holds {active}: published as a file of "
                                       "the site, it would run or load that when opened by itself; save the logo "
                                       "as a plain drawing (without scripts, links and embedded HTML) or as PNG")
                put(tmp / "static" / THEME_FOLDER / src.name, data)
            put(tmp / MARKER, "This folder was written by begroot build.\n")
            os.chmod(tmp, 0o755)
        if incremental and state is not None:
            state.reindex(out, background, editions)  # the preview's PDF and search catch up in the background
        else:
            with step("Building the search index"):  # started once the pages were written
                if indexing:
                    indexing[0].join()
                else:
                    index_site(tmp, editions, previous)
                if index_failed:
                    raise index_failed[0]
        if not incremental:
            with step("Publishing"):
                swap_in(tmp, out)
    except BaseException:
        for thread in indexing:
            thread.join()  # Pagefind is done with the folder before it is removed
        if not incremental:
            shutil.rmtree(tmp, ignore_errors=True)
        elif state is not None:
            state.out = None  # the folder may be partly updated: the next build starts afresh
        raise
    if state is not None:
        state.out = out.resolve()
    from . import cache

    cache.prune()  # entries unused for weeks (at most once a day)
    return BuildResult(out=out, pages=len(render_state.pages) + 1,  # + the accessibility statement
                       written=len([p for p in pages if p.name == "index.html"]),
                       problems=loaded.problems, loaded=loaded)
