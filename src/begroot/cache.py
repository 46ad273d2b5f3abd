"""A build cache on disk: what a build computed and the next build with the same inputs can reuse.

Entries are addressed by a digest of everything the result depends on: the input itself (a
table's rows, a chart's SVG, the bytes of an edition's files), the settings that shape it, and
the code that makes it (every file of the installed begroot package and the versions of the
libraries that write the outputs). A changed input or a new begroot gives a new address, so an
entry is never stale; it is only unused. A cache hit yields the same bytes a fresh computation
would, so a site built with the cache is identical to one built without.

The cache lives in ``$BEGROOT_CACHE_DIR``, else ``$XDG_CACHE_HOME/begroot``, else
``~/.cache/begroot``. ``BEGROOT_CACHE_DIR=off`` (or ``begroot build --no-cache``) turns it off.
Entries not used for :data:`KEEP_DAYS` days are removed after a build, and the least recently
used ones while the cache is larger than :data:`KEEP_BYTES`. Entries are written to a
temporary file and renamed, so a killed build leaves no half-written entry, and each starts
with the SHA-256 of its content, so a damaged one is a miss; processes (the render workers, two
builds at once) can share the folder.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import pickle
import time
from importlib import metadata
from pathlib import Path

#: Entries unused for this long are removed (see :func:`prune`).
KEEP_DAYS = 14

#: Above this size the least recently used entries are removed too (see :func:`prune`).
KEEP_BYTES = 4 * 1024**3

#: The libraries whose output ends up in cached files; a new version of one gives new addresses.
LIBRARIES = ("polars", "xlsxwriter", "resvg", "jinja2", "babel", "nh3", "markdown-it-py", "mammoth", "pyarrow",
             "weasyprint", "pydyf", "tinycss2", "fonttools")

_OFF = {"off", "0", "no", "false", "none"}
_disabled = False


def disable() -> None:
    """Turn the cache off for this process (``--no-cache``)."""
    global _disabled
    _disabled = True


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if _disabled:
        return None
    value = os.environ.get("BEGROOT_CACHE_DIR", "").strip()
    if value.lower() in _OFF and value:
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "begroot"


@functools.cache
def code_digest() -> str:
    """A digest of the begroot package's files and the output libraries' versions."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            h.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode("utf-8"))
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode("utf-8"))
    return h.hexdigest()


def key(kind: str, *parts: object) -> str:
    """The address of a result of ``kind`` computed from ``parts`` (bytes, str or their repr)."""
    h = hashlib.sha256(code_digest().encode("ascii") + kind.encode("utf-8") + b"\0")
    for part in parts:
        data = part if isinstance(part, bytes) else (part if isinstance(part, str) else repr(part)).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _path(kind: str, address: str) -> Path | None:
    root = folder()
    return None if root is None else root / kind / address[:2] / address


def get(kind: str, address: str) -> bytes | None:
    """The bytes stored under ``address``, or None."""
    path = _path(kind, address)
    if path is None:
        return None
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    data = stored[32:]
    if stored[:32] != hashlib.sha256(data).digest():
        return None  # damaged (the disk, or a hand): a miss, overwritten by the next put
    try:
        now = time.time()
        if now - path.stat().st_mtime > 86400:
            os.utime(path, (now, now))  # used: kept by prune() (touched at most once a day)
    except OSError:
        pass
    return data


_made: set[Path] = set()  # the cache's folders this process made or found
_serial = itertools.count()
_token = os.urandom(8).hex()  # this process's: temporary names unique across machines sharing the folder


def _new_token() -> None:
    global _token
    _token = os.urandom(8).hex()


os.register_at_fork(after_in_child=_new_token)  # a forked render worker writes entries too


def put(kind: str, address: str, data: bytes) -> None:
    """Store ``data`` under ``address``; a cache that cannot be written is silently skipped."""
    path = _path(kind, address)
    if path is None:
        return
    # A temporary name of this process's own (random, so that processes with the same id in
    # containers sharing the folder do not meet), cheaper than tempfile.mkstemp's.
    tmp = path.parent / f".tmp-{_token}-{next(_serial)}"
    try:
        if path.parent not in _made:
            path.parent.mkdir(parents=True, exist_ok=True)
            _made.add(path.parent)
        f = open(tmp, "xb")  # never another writer's file
        try:
            with f:
                f.write(hashlib.sha256(data).digest())  # checked by get()
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except FileNotFoundError:  # the folder was removed meanwhile (a cache cleared by hand)
        _made.discard(path.parent)
    except OSError:
        pass


def get_object(kind: str, address: str):
    """A Python object stored with :func:`put_object`, or None (also when it no longer unpickles)."""
    data = get(kind, address)
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged entry is a miss
        return None


def put_object(kind: str, address: str, value) -> None:
    put(kind, address, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def file_digest(path: Path) -> str | None:
    """The digest of a file's bytes (None when it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def prune(days: int = KEEP_DAYS, keep_bytes: int = KEEP_BYTES, force: bool = False) -> None:
    """Remove entries not used for ``days`` days, then, while the cache is larger than
    ``keep_bytes``, the least recently used ones (an entry's time is renewed when it is used,
    at most once a day). Runs at most once a day unless ``force``."""
    root = folder()
    if root is None or not root.is_dir():
        return
    stamp = root / ".pruned"
    now = time.time()
    try:
        if not force and stamp.exists() and now - stamp.stat().st_mtime < 86400:
            return
        stamp.touch()
    except OSError:
        return
    limit = now - days * 86400
    kept = []
    for path in root.glob("*/*/*"):
        try:
            info = path.stat()
            if not path.is_file():
                continue
            if info.st_mtime < limit:
                path.unlink()
            else:
                kept.append((info.st_mtime, info.st_size, path))
        except OSError:
            pass
    total = sum(size for _, size, _ in kept)
    for _, size, path in sorted(kept, key=lambda entry: entry[0]):
        if total <= keep_bytes:
            break
        try:
            path.unlink()
            total -= size
        except OSError:
            pass
