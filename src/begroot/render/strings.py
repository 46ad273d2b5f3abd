"""The site's interface text, Dutch by default and English on request (``[site] language``): one
TOML file per language in ``render/text/``, a key per text, the same keys in every language."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

LANGUAGES = ("nl", "en")


@functools.cache
def _load(language: str) -> dict[str, str]:
    return tomllib.loads((resources.files("begroot.render") / "text" / f"{language}.toml").read_text("utf-8"))


def strings(language: str) -> dict[str, str]:
    """The texts of ``language`` (Dutch for a language begroot does not have)."""
    return _load(language if language in LANGUAGES else "nl")


def period_label(period: tuple[int, str], language: str = "nl") -> str:
    """'Begroting 2024', 'Realisatie 2022', 'Raming 2025'."""
    return strings(language)[f"period_{period[1]}"].format(year=period[0])
