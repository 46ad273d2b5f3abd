"""Writing a site's files, and reusing the previous site's: a file whose bytes are those of the
same file in the site being replaced is hard-linked from it instead of written again.

``begroot build`` writes a new site into a temporary folder beside OUT and swaps it in (see
:mod:`begroot.build`). Most files of a rebuild are the same bytes as before (an edit touches a
few pages); linking them costs a directory entry where writing costs an inode, its data and,
when the old site is removed, freeing them again. The old site is never changed: a link only
adds a name to its file, and no writer here ever opens an existing file for writing (a file is
replaced by writing a new one and renaming it over the old name), so a file shared by the two
sites is never written into.

Whether the bytes are the same is decided by comparing them with the old file's (its size
first, then its bytes, from the page cache after a recent build): a file of the old site
changed by hand since is therefore never carried over. Linking falls back to writing whenever
it fails (another file system, a system without hard links).
"""

from __future__ import annotations

import hashlib
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

#: (new site's folder, old site's folder) while a build may link from the old site.
_SITES: tuple[str, str] | None = None


@contextmanager
def reusing(new: Path, old: Path | None) -> Iterator[None]:
    """Within the block (and in processes forked within it), files written under ``new`` are
    linked from the same path under ``old`` when their bytes are the same."""
    global _SITES
    before = _SITES
    _SITES = (os.path.abspath(new), os.path.abspath(old)) if old is not None and old.is_dir() else None
    try:
        yield
    finally:
        _SITES = before


def _old_twin(path: Path) -> str | None:
    if _SITES is None:
        return None
    new, old = _SITES
    full = os.path.abspath(path)
    if not full.startswith(new + os.sep):
        return None
    return old + full[len(new):]


def _twin_is(twin: str, size: int, same: Callable[[BinaryIO], bool]) -> bool:
    """Whether the old site's file ``twin`` is a plain file of ``size`` bytes that ``same`` finds
    to be the bytes wanted (given the open file)."""
    try:
        info = os.stat(twin, follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            return False
        with open(twin, "rb") as f:
            return same(f)
    except OSError:
        return False


def _same_bytes(twin: str, data: bytes) -> bool:
    return _twin_is(twin, len(data), lambda f: f.read(len(data) + 1) == data)


def _aside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def _link(twin: str, path: Path) -> bool:
    try:
        os.link(twin, path, follow_symlinks=False)
        return True
    except FileExistsError:
        aside = _aside(path)
        try:
            aside.unlink(missing_ok=True)
            os.link(twin, aside, follow_symlinks=False)
            os.replace(aside, path)
            aside.unlink(missing_ok=True)  # left by a rename onto a name of the same file (a no-op)
            return True
        except OSError:
            aside.unlink(missing_ok=True)
            return False
    except (OSError, NotImplementedError):
        global _SITES
        _SITES = None  # another file system, or no hard links here: every file is written
        return False


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` as a new file at ``path``: never into an existing file (which may be shared
    with the old site through a link), but beside it and renamed over it."""
    try:
        with open(path, "xb") as f:
            f.write(data)
        return
    except FileExistsError:
        pass
    aside = _aside(path)
    try:
        with open(aside, "wb") as f:
            f.write(data)
        os.replace(aside, path)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise


def put(path: Path, data: bytes | str) -> Path:
    """Write a site's file: linked from the old site when its bytes are the same, else written
    as a new file (text as UTF-8). The folder must exist."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    twin = _old_twin(path)
    if twin is None or not _same_bytes(twin, data) or not _link(twin, path):
        _write_new(path, data)
    return path


def put_known(path: Path, size: int, digest: str) -> bool:
    """Link a site's file from the old site without having its bytes, when the build cache knows
    them by their ``size`` and SHA-256 ``digest`` and the old site's file is those bytes (read
    and hashed here, so a file changed by hand since is not carried over). False when it is not
    linked: the caller makes the file."""
    twin = _old_twin(path)
    return (twin is not None and _twin_is(twin, size, lambda f: hashlib.file_digest(f, "sha256").hexdigest() == digest)
            and _link(twin, path))


def carry(old: Path, path: Path) -> Path:
    """Give the new site the file ``old`` (of the site being replaced, or of a folder being
    replaced) unchanged at ``path``: a hard link to it, else a new file with its bytes."""
    try:
        os.link(old, path, follow_symlinks=False)
    except FileExistsError:
        if not _link(str(old), path):
            _write_new(path, Path(old).read_bytes())
    except (OSError, NotImplementedError):
        _write_new(path, Path(old).read_bytes())
    return path
