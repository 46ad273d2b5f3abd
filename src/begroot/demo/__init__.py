"""The bundled projects: the demo (``begroot init``, ``begroot demo``), the blank one of
``init --blank``, and the municipality's own of ``init --gemeente`` (:mod:`.gemeente`)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path


def demo_project() -> Path:
    """The bundled demo project inside the installed package."""
    return Path(str(resources.files("begroot") / "demo" / "project"))


def blank_project() -> Path:
    """The blank one-edition project inside the installed package (``init --blank``)."""
    return Path(str(resources.files("begroot") / "demo" / "blank"))


def write_blank(directory: Path, year: int) -> str:
    """Write the blank project for ``year`` into ``directory``; return its edition's folder name."""
    from string import Template

    folder = f"begroting-{year}"
    toml = (blank_project() / "begroot.toml").read_text(encoding="utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "begroot.toml").write_text(Template(toml).substitute(folder=folder, year=year), encoding="utf-8")
    shutil.copytree(blank_project() / "edition", directory / folder, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return folder
