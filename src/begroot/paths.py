"""Every file a project names stays inside the project.

A setting of ``begroot.toml`` names a file relative to the project (or to an edition's folder);
before anything is read, :func:`check_project_paths` makes sure that each such path is relative,
is no URL, and - after following symlinks - lies inside the project folder. Texts, the images
they show and the file a data package names are checked where they are found. A path that fails
is an error (code ``path-outside``) naming the setting or file, so a hostile project cannot make
the public site or PDF show ``/etc/passwd`` or a file beside the project.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

from .config import setting_name
from .errors import BegrootError, Problems

CODE = "path-outside"
HINT = "name a file inside the project folder, relative to it (no absolute path, no URL, no link to elsewhere)"

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` (symlinks followed, missing parts allowed) lies in ``root``."""
    root = root.resolve()
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return resolved == root or root in resolved.parents


class OutsideProject(BegrootError):
    """A file that was inside the project when it was checked, but is not when it is opened."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path} leads outside the project folder (it was replaced by a link after it was "
                         "checked); it was not read")


#: Said of a file refused when it is opened.
SWAPPED = ("is a link to a file outside the project (it was replaced after it was checked, or a folder on its "
           "way was); it was not read")


def _opened_at(fd: int) -> str | None:
    """Where the open file ``fd`` really is, by the kernel's account (Linux), else None."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def open_inside(root: Path, path: Path) -> int:
    """A file descriptor of ``path``, opened for reading only if the file opened lies inside
    ``root``: the path is resolved and checked, the resolved path is opened with O_NOFOLLOW (a
    link planted since the check, in its last part, is refused by the kernel), and on Linux the
    open file's own path (``/proc/self/fd/N``) is checked again (a folder on the way replaced by
    a link). Raises OutsideProject, or OSError when the file cannot be opened."""
    root_real = os.path.realpath(root)
    real = os.path.realpath(path)
    if not _within(root_real, real):
        raise OutsideProject(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):  # the last part is a link now (EMLINK: FreeBSD)
            raise OutsideProject(path) from None
        raise
    at = _opened_at(fd)
    if (at is not None and not _within(root_real, at)) or not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutsideProject(path)
    return fd


def _within(root_real: str, real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def read_inside(root: Path | None, path: Path) -> bytes:
    """The bytes of ``path``, read through :func:`open_inside`; with ``root`` None (a file of
    begroot's own, or a caller that names no project), ``path`` as it is (as :func:`opened_inside`)."""
    if root is None:
        return path.read_bytes()
    with os.fdopen(open_inside(root, path), "rb") as fh:
        return fh.read()


@contextmanager
def opened_inside(root: Path | None, path: Path):
    """A path that names the file ``path`` as opened by :func:`open_inside`, for readers that open
    a file by its name (Excel, Word): on Linux ``/proc/self/fd/N``, which reopens the very file
    that was checked, whatever happens to its name meanwhile; elsewhere the resolved path, checked
    and held open. With ``root`` None, ``path`` itself."""
    if root is None:
        yield path
        return
    fd = open_inside(root, path)
    try:
        own = Path(f"/proc/self/fd/{fd}")
        yield own if _opened_at(fd) is not None else Path(os.path.realpath(path))
    finally:
        os.close(fd)


def missing_file_hint(path: Path, hint: str) -> str:
    """``hint`` for a file that is not there, with the name of a file beside where it was looked
    for that is spelt nearly the same ("financien.csv" for "financein.csv"), when there is one."""
    import difflib

    try:
        names = sorted(p.name for p in path.parent.iterdir() if p.is_file())
    except OSError:
        return hint
    near = difflib.get_close_matches(path.name, names, n=1, cutoff=0.75)
    return f"{hint}: did you mean '{near[0]}'?" if near else hint


def why_not_relative(value: str) -> str | None:
    """Why a path written in a setting or a link is not a plain relative path (None when it is)."""
    text = value.strip()
    if not text:
        return None
    if text.lower().startswith("file:"):
        return f"'{value}' is a file: URL"
    if PureWindowsPath(text).drive or PureWindowsPath(text).root or PurePosixPath(text).is_absolute():
        return f"'{value}' is an absolute path"
    if _SCHEME.match(text) or text.startswith("//"):
        return f"'{value}' is a URL"
    return None


def check_path(root: Path, base: Path, value: str, problems: Problems, *, file: str, column: str | None = None) -> bool:
    """Check one path written in ``file`` (at ``column``, e.g. a setting's name), relative to ``base``."""
    reason = why_not_relative(value)
    if reason is None and not inside(root, base / value):
        reason = f"'{value}' points outside the project folder"
    if reason is not None:
        problems.error(f"{reason}; only files inside the project are read", file=file, column=column,
                       code=CODE, hint=HINT)
        return False
    return True


def check_project_paths(root: Path, config, problems: Problems) -> bool:
    """Check every path ``begroot.toml`` names (and the file each data package names); False when
    one is not a file inside the project (each is reported)."""
    ok = True
    toml = "begroot.toml"

    def check(base: Path, value: str | None, setting: str, file: str = toml) -> bool:
        nonlocal ok
        if value is None:
            return True
        good = check_path(root, base, value, problems, file=file, column=setting)
        ok = ok and good
        return good

    theme = config.theme
    ids = [e.id for e in config.editions]
    check(root, theme.logo, "theme.logo")
    for i, font in enumerate(theme.fonts):
        check(root, font, setting_name(("theme", "fonts", i)))
    for i, edition in enumerate(config.editions):
        def where(*names) -> str:  # edition 1 (begroting-2024), finance 1, file
            return setting_name(("editions", i, *names), ids)

        if not check(root, edition.dirname, where("folder")):
            continue
        folder = root / edition.dirname
        check(folder, edition.programmes, where("programmes"))
        check(folder, edition.texts, where("texts"))
        check(folder, edition.indicators, where("indicators"))
        for name in ("doelen.csv", "doelen.xlsx"):  # read when present
            if (folder / name).exists() or (folder / name).is_symlink():
                check(folder, name, None, file=f"{edition.dirname}/{name}")
        peers = (edition.peers or "").strip()
        if peers.lower() not in ("", "none", "auto"):
            check(root, peers, where("peers"))
        for j, source in enumerate(edition.finance):
            if source.file is not None:
                check(folder, source.file, where("finance", j, "file"))
            elif check(folder, source.datapackage, where("finance", j, "datapackage")):
                if not _check_package(root, folder, edition, source, problems):
                    ok = False
    return ok


def _check_package(root: Path, folder: Path, edition, source, problems: Problems) -> bool:
    """The data file a Fiscal Data Package names is inside the project too."""
    import json

    try:
        package = json.loads((folder / source.datapackage).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return True  # the finance reader reports an unreadable package
    resources = package.get("resources") if isinstance(package, dict) else None
    ok = True
    for k, resource in enumerate(resources if isinstance(resources, list) else []):
        path = resource.get("path") if isinstance(resource, dict) else None
        for value in path if isinstance(path, list) else [path]:
            if isinstance(value, str) and value:
                ok = check_path(root, folder, value, problems, file=f"{edition.dirname}/{source.datapackage}",
                                column=f"resources[{k}].path") and ok
    return ok
