"""Other names of Dutch municipalities: what people write against what CBS files say.

CBS names a municipality by its official name ("'s-Gravenhage", "'s-Hertogenbosch",
"Súdwest-Fryslân", "Bergen (NH.)"); people write "Den Haag", "Den Bosch", "Sudwest Fryslan" or
"Bergen". :func:`other_names` gives the official names a written name may stand for, so that a
filter or a lookup that matches nothing can say which value the file has.
"""

from __future__ import annotations

import re
import unicodedata

#: Common name -> official CBS names (lower case, without accents: see :func:`fold`).
_ALIASES: dict[str, tuple[str, ...]] = {
    "den haag": ("'s-Gravenhage",),
    "the hague": ("'s-Gravenhage",),
    "s gravenhage": ("'s-Gravenhage",),
    "den bosch": ("'s-Hertogenbosch",),
    "s hertogenbosch": ("'s-Hertogenbosch",),
    "bergen": ("Bergen (NH.)", "Bergen (L.)"),
    "hengelo": ("Hengelo (O.)",),
    "rijswijk": ("Rijswijk (ZH.)",),
    "laren": ("Laren (NH.)",),
    "middelburg": ("Middelburg (Z.)",),
    "beek": ("Beek (L.)",),
    "stein": ("Stein (L.)",),
    "groningen": ("Groningen (gemeente)", "Groningen"),
    "utrecht": ("Utrecht (gemeente)", "Utrecht"),
    "haarlemmermeer": ("Haarlemmermeer",),
}


def fold(name: str) -> str:
    """Lower case, accents and punctuation removed, spaces single: "Súdwest-Fryslân" -> "sudwest fryslan"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9()]+", " ", plain).strip()


def other_names(name: str) -> list[str]:
    """Official names ``name`` may stand for (the name itself first when it is one)."""
    folded = fold(name)
    found = list(_ALIASES.get(folded, ()))
    return [name] + [n for n in found if n != name]


def matches(written: str, official: str) -> bool:
    """Whether ``written`` names the municipality called ``official`` (accents, case, dashes and
    the common names above aside)."""
    if fold(written) == fold(official):
        return True
    return any(fold(n) == fold(official) for n in _ALIASES.get(fold(written), ()))
