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


#: How the texts name the currency of the amounts (Dutch and English), for a site in euros.
_EUROS = {"nl": "euro's", "en": "euros"}


def in_currency(texts: dict[str, str], language: str, currency: str) -> dict[str, str]:
    """``texts`` as a site in ``currency`` shows them: the texts name euros ("in euro's"); for
    another currency (``[site] currency``) they name that one, as Babel's locale data does
    ("in Australische dollar", "in Australian dollars")."""
    if currency == "EUR":
        return texts
    from babel.numbers import get_currency_name

    from ..format import _locale

    word = _EUROS.get(language, _EUROS["nl"])
    name = get_currency_name(currency, count=2, locale=_locale(language))
    return {key: value.replace(word, name) for key, value in texts.items()}


def period_label(period: tuple[int, str], language: str = "nl") -> str:
    """'Begroting 2024', 'Realisatie 2022', 'Raming 2025'."""
    return strings(language)[f"period_{period[1]}"].format(year=period[0])
