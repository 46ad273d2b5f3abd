"""Every file a project names stays inside the project.

A setting of ``begroot.toml`` names a file relative to the project (or to an edition's folder);
before anything is read, :func:`check_project_paths` makes sure that each such path is relative,
is no URL, and - after following symlinks - lies inside the project folder. Texts, the images
they show and the file a data package names are checked where they are found. A path that fails
is an error (code ``path-outside``) naming the setting or file, so a hostile project cannot make
the public site or PDF show ``/etc/passwd`` or a file beside the project.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from .config import setting_name
from .errors import Problems

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
