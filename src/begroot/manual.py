"""The user documentation, for ``begroot docs [TOPIC]``: the pages of the repository's ``docs/``
folder and its README, wherever begroot runs from.

An installed wheel carries them inside the package, in ``begroot/docs/`` (pyproject.toml copies
``docs/`` and ``README.md`` there with hatch's ``force-include``: one copy of each file in the
repository, none to keep in step). A source checkout, and an editable install, read them from the
checkout itself.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

#: The README's topic name (its file is README.md in the docs folder of a wheel, at the top of a checkout).
README = "readme"


@dataclass(frozen=True)
class Page:
    topic: str   # "project-format"
    title: str   # the page's first heading
    path: Path

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def _folders() -> tuple[Path, Path] | None:
    """(the folder of the pages, the folder of the README): the package's, else the checkout's."""
    packaged = Path(str(resources.files("begroot") / "docs"))
    if (packaged / "messages.md").is_file():
        return packaged, packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "docs" / "messages.md").is_file():
        return checkout / "docs", checkout
    return None


def _title(path: Path) -> str:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("# "):
                return line[2:].strip().replace("`", "")
    return path.stem


def pages() -> list[Page]:
    """Every page, the README first, then by topic name; empty when none is installed."""
    folders = _folders()
    if folders is None:
        return []
    docs, top = folders
    readme = top / "README.md"
    found = [Page(README, "Set-up, your own budget, the commands, the build cache (the README)", readme)
             ] if readme.is_file() else []
    found += [Page(p.stem, _title(p), p) for p in sorted(docs.glob("*.md")) if p.name != "README.md"]
    return found


def find(topic: str) -> Page | None:
    """The page of a topic: ``project-format``, ``project-format.md`` or ``docs/project-format.md``."""
    name = topic.strip().replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".md").lower()
    return next((p for p in pages() if p.topic == name), None)


def closest(topic: str) -> str | None:
    """The topic nearest to a misspelt one, if any is near."""
    near = difflib.get_close_matches(topic.lower(), [p.topic for p in pages()], n=1, cutoff=0.5)
    return near[0] if near else None
