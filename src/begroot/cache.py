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
temporary file and renamed, so a killed build leaves no half-written entry; processes (the
render workers, two builds at once) can share the folder.

Entries are pickles, and unpickling runs code: an entry is only read when it was written by this
user. Each starts with an HMAC-SHA256 under a key that only this user can read (``.key`` in the
folder, mode 0600, made on first use) over its kind, its address and its content, checked before
anything is unpickled. A damaged entry, one planted by someone else, or one copied to another
address is a miss. The folder is made with mode 0700; a folder (or key) that belongs to another
user or that others can write is not used at all: the build goes on without the cache, with a
warning (``cache-unsafe``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import os
import pickle
import stat
import sys
import time
from importlib import metadata
from pathlib import Path

#: Entries unused for this long are removed (see :func:`prune`).
KEEP_DAYS = 14

#: Above this size the least recently used entries are removed too (see :func:`prune`).
KEEP_BYTES = 4 * 1024**3

#: The libraries whose output ends up in cached files; a new version of one gives new addresses.
LIBRARIES = ("polars", "xlsxwriter", "jinja2", "babel", "nh3", "markdown-it-py", "mammoth", "pyarrow",
             "weasyprint", "pydyf", "tinycss2", "fonttools", "pikepdf")

_OFF = {"off", "0", "no", "false", "none"}
_disabled = False


def disable() -> None:
    """Turn the cache off for this process (``--no-cache``)."""
    global _disabled
    _disabled = True


def _configured() -> Path | None:
    """The cache folder the settings name, or None when the cache is off."""
    if _disabled:
        return None
    value = os.environ.get("BEGROOT_CACHE_DIR", "").strip()
    if value.lower() in _OFF and value:
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "begroot"


def folder() -> Path | None:
    """The cache folder, or None when the cache is off or its folder is not safe to use."""
    root = _configured()
    return root if root is not None and _key_of(root) is not None else None


#: The name of the key file in the cache folder.
KEY_FILE = ".key"
_MAC_CONTEXT = b"begroot-cache-entry-v1\0"
_keys: dict[str, bytes | None] = {}  # per cache folder: its key, or None when it is not used


def _key_of(root: Path) -> bytes | None:
    """The folder's key (made on first use), or None, with one warning, when the folder or its key
    is not this user's alone. Looked up once per process and folder."""
    name = str(root)
    if name not in _keys:
        try:
            _keys[name] = _open_key(root)
        except _Unsafe as exc:
            _keys[name] = None
            from .errors import Problem, Severity

            # printed, not collected: it is this machine's, not the project's (and not for the colophon)
            warning = Problem(Severity.WARNING, str(root), None, None, f"{exc}; building without the cache",
                              "remove the folder (it is made again, private to you) or set BEGROOT_CACHE_DIR to a "
                              "folder of your own", code="cache-unsafe")
            sys.stderr.write(warning.format() + "\n")
    return _keys[name]


class _Unsafe(Exception):
    """The cache folder or its key cannot be trusted (or not be made)."""


def _private(info: os.stat_result, what: str, *, readable: bool) -> None:
    """Refuse a file or folder of another user, or one that others can write (or read: the key)."""
    if info.st_uid != os.geteuid():
        raise _Unsafe(f"the build cache's {what} belongs to another user (uid {info.st_uid})")
    if info.st_mode & (0o077 if not readable else 0o022):
        raise _Unsafe(f"the build cache's {what} can be {'read or written' if not readable else 'written'} "
                      f"by other users (mode {stat.S_IMODE(info.st_mode):04o})")


def _open_key(root: Path) -> bytes:
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(root)
    except OSError as exc:
        raise _Unsafe(f"the build cache folder cannot be made ({exc.strerror})") from None
    if not stat.S_ISDIR(info.st_mode):
        raise _Unsafe("the build cache folder is not a folder")
    _private(info, "folder", readable=True)
    if info.st_mode & 0o077:
        try:  # a folder of an older begroot (0755): made private, as a new one is
            os.chmod(root, 0o700)
        except OSError:
            pass
    path = root / KEY_FILE
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        # written aside and linked into place: two processes starting at once agree on one key
        tmp = root / f".key-{os.urandom(8).hex()}"
        try:
            new = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(new, "wb") as f:
                f.write(os.urandom(32))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        except OSError as exc:
            raise _Unsafe(f"the build cache's key cannot be made ({exc.strerror})") from None
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise _Unsafe(f"the build cache's key cannot be read ({exc.strerror})") from None
    except OSError as exc:  # a symbolic link (ELOOP), no permission
        raise _Unsafe(f"the build cache's key cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _Unsafe("the build cache's key is not a file")
        _private(info, "key file", readable=False)
        key = f.read(64)
    if len(key) != 32:
        raise _Unsafe("the build cache's key file is damaged (it must hold 32 bytes)")
    return key


def _mac(secret: bytes, kind: str, address: str, data: bytes) -> bytes:
    """The entry's tag: its content and where it belongs (an entry copied to another address fails)."""
    h = hmac.new(secret, _MAC_CONTEXT + kind.encode("utf-8") + b"\0" + address.encode("utf-8") + b"\0", "sha256")
    h.update(data)
    return h.digest()


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


def _where(kind: str, address: str) -> tuple[Path, bytes] | None:
    """An entry's file and the folder's key, or None when the cache is off (or not safe)."""
    root = _configured()
    secret = None if root is None else _key_of(root)
    if secret is None:
        return None
    if not kind.replace("-", "").isalnum() or not address.isalnum():
        return None  # our own kinds and hex digests only: never a path elsewhere
    return root / kind / address[:2] / address, secret


def get(kind: str, address: str) -> bytes | None:
    """The bytes stored under ``address``, or None (also when the entry is not authentic)."""
    where = _where(kind, address)
    if where is None:
        return None
    path, secret = where
    try:
        stored = path.read_bytes()
    except OSError:
        return None
    data = stored[32:]
    if not hmac.compare_digest(stored[:32], _mac(secret, kind, address, data)):
        return None  # damaged, planted, or another address's: a miss, overwritten by the next put
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
    where = _where(kind, address)
    if where is None:
        return
    path, secret = where
    # A temporary name of this process's own (random, so that processes with the same id in
    # containers sharing the folder do not meet), cheaper than tempfile.mkstemp's.
    tmp = path.parent / f".tmp-{_token}-{next(_serial)}"
    try:
        if path.parent not in _made:
            for made in (path.parent.parent, path.parent):  # inside the folder checked by _key_of
                try:
                    made.mkdir(mode=0o700)
                except FileExistsError:
                    pass
            _made.add(path.parent)
        f = open(tmp, "xb")  # never another writer's file
        try:
            with f:
                f.write(_mac(secret, kind, address, data))  # checked by get()
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except FileNotFoundError:  # the folder was removed meanwhile (a cache cleared by hand)
        _made.discard(path.parent)
        _keys.pop(str(path.parent.parent.parent), None)  # made again, with a new key, on next use
    except OSError:
        pass


def get_object(kind: str, address: str):
    """A Python object stored with :func:`put_object`, or None (also when it no longer unpickles).
    Only an entry whose tag :func:`get` found authentic is unpickled."""
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
