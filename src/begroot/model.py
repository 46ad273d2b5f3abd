"""The typed budget: what a checked project holds, ready for figures and pages.

Finance lines stay in one Polars frame per edition (they can number in the millions); the
amount column holds exact integer euro cents (``Int64``), never floats. Everything else is
small and kept as plain dataclasses.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from .config import Config, Edition

#: Columns of an edition's finance frame, with their Polars types.
LINE_SCHEMA: dict[str, pl.DataType] = {
    "programme": pl.String,   # lowest-level programme code the line is booked on
    "taakveld": pl.String,    # Iv3 taakveld code, e.g. "6.71a" (may be null if the file has none)
    "categorie": pl.String,   # Iv3 economische categorie, e.g. "3.4.1" (optional)
    "kind": pl.String,        # "lasten" or "baten"
    "year": pl.Int32,         # jaarschijf
    "column": pl.String,      # realisatie | begroting | begroting_na_wijziging | meerjarenraming
    "cents": pl.Int64,        # exact amount in euro cents
    "file": pl.String,        # source file, relative to the project
    "row": pl.Int64,          # source row as a spreadsheet shows it
}

SECTION_TITLES = {
    "nl": {
        "inleiding": "Inleiding",
        "doelstelling": "Doelstelling",
        "ontwikkelingen": "Ontwikkelingen",
        "wat-willen-we-bereiken": "Wat willen we bereiken?",
        "wat-gaan-we-daarvoor-doen": "Wat gaan we daarvoor doen?",
        "wat-mag-het-kosten": "Wat mag het kosten?",
        "toelichting": "Toelichting",
    },
    "en": {
        "inleiding": "Introduction",
        "doelstelling": "Objective",
        "ontwikkelingen": "Developments",
        "wat-willen-we-bereiken": "What do we want to achieve?",
        "wat-gaan-we-daarvoor-doen": "What will we do for it?",
        "wat-mag-het-kosten": "What may it cost?",
        "toelichting": "Explanation",
    },
}
#: Order of the known sections on a page; free sections follow in file order.
SECTION_ORDER = list(SECTION_TITLES["nl"])


def slugify(text: str) -> str:
    """ASCII slug for URLs: 'Vitaal en Sociaal' -> 'vitaal-en-sociaal'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text or "x"


@dataclass
class Programme:
    code: str
    title: str
    parent: str | None = None
    order: int = 0
    kind: str = "programma"            # "programma" or "overzicht" (a BBV overview)
    taakvelden: tuple[str, ...] = ()   # patterns such as "6.*", "0.61" from programmas.csv
    children: list[str] = field(default_factory=list)
    source_row: int | None = None

    @property
    def slug(self) -> str:
        return f"{slugify(self.code)}-{slugify(self.title)}"

    @property
    def is_overview(self) -> bool:
        return self.kind == "overzicht"


@dataclass
class Text:
    programme: str | None   # None: a text for the edition as a whole
    section: str            # slug: doelstelling, ontwikkelingen, ... or a free slug
    title: str
    html: str               # sanitised HTML
    source: str             # file, relative to the project
    order: int = 0
    images: tuple = ()      # (media name, bytes) of the images it shows, copied into the site's media/

    @functools.cached_property
    def digest(self) -> str:
        """What tells this text apart from another (a page's dependencies name its texts by it);
        computed once: under ``begroot serve`` an unchanged text is the same object every rebuild."""
        return hashlib.sha256(repr((self.source, self.section, self.title, self.order, self.html))
                              .encode("utf-8")).hexdigest()


@dataclass
class Indicator:
    programme: str
    name: str
    unit: str
    year: int
    value: Decimal
    source: str
    bbv: bool = False
    origin: str = ""
    kind: str = "realisatie"     # realisatie | streefwaarde | nulmeting
    direction: str = "hoger"     # hoger (higher is better) | lager (lower is better)


@dataclass
class SourceFile:
    """What was read from one finance file (shown in the colophon)."""

    file: str
    rows: int                # data rows read (after the header)
    lines: int               # finance lines kept
    exported_at: dt.datetime | None
    account: object = None   # read.rows.Accounting: every row counted or not, and why


class StoredLines:
    """An edition's finance lines as the build cache holds them (Parquet bytes), read into a
    frame only when something asks for them: a build after a text edit needs the lines of no
    edition whose data is unchanged (its figures, pages, comparisons' money and downloads are
    in the cache or in the previous site)."""

    def __init__(self, data: bytes, schema: list):
        self.data, self.schema = data, schema
        self._lock = threading.Lock()
        self._frame: pl.DataFrame | None = None

    def frame(self) -> pl.DataFrame:
        with self._lock:  # the PDF's thread and the pages may ask at once: read once
            if self._frame is None:
                import io

                frame = pl.read_parquet(io.BytesIO(self.data))
                if list(frame.schema.items()) != self.schema:  # checked from the footer when stored
                    raise ValueError("the lines of a cached edition came back with another schema")
                self._frame = frame
            return self._frame

    def __getstate__(self) -> dict:
        return {"data": self.data, "schema": self.schema}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["data"], state["schema"])


class LazyLines:
    """The ``lines`` of an edition: a frame, or :class:`StoredLines` read on first use."""

    def __set_name__(self, owner, name: str) -> None:
        self.name = "_" + name

    def __get__(self, obj, owner=None) -> pl.DataFrame:
        if obj is None:
            raise AttributeError(self.name)  # (no default for the dataclass field)
        value = obj.__dict__[self.name]
        return value.frame() if isinstance(value, StoredLines) else value

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.name] = value

    @staticmethod
    def stored(obj) -> "StoredLines | None":
        """The object's lines as still unread bytes, or None when they are a frame."""
        value = obj.__dict__.get("_lines")
        return value if isinstance(value, StoredLines) and value._frame is None else None


@dataclass
class EditionData:
    config: Edition
    programmes: dict[str, Programme]   # in display order; parents before their children
    lines: pl.DataFrame = LazyLines()  # LINE_SCHEMA (may be StoredLines, read on first use)
    texts: list[Text]
    indicators: list[Indicator]
    sources: list[SourceFile]
    exported_at: dt.datetime | None
    version: str = ""                  # changes when the edition's data files change
    content: str | None = None         # a digest of its data files' bytes and settings (None without the build cache)
    goals: list = field(default_factory=list)    # goals.Goal, in file order
    series: dict = field(default_factory=dict)   # (programme, indicator name) -> goals.Series
    peers: object = None                         # peers.PeerData to compare with, or None

    @property
    def id(self) -> str:
        return self.config.id

    def top_level(self) -> list[Programme]:
        return [p for p in self.programmes.values() if p.parent is None]

    def texts_for(self, code: str | None) -> list[Text]:
        """The texts of a programme (None: of the edition as a whole), known sections first."""
        return list(self._texts_by_programme.get(code, []))

    @functools.cached_property
    def _texts_by_programme(self) -> dict[str | None, list[Text]]:
        def rank(t: Text):
            known = SECTION_ORDER.index(t.section) if t.section in SECTION_ORDER else len(SECTION_ORDER)
            return (known, t.order, t.source)

        index: dict[str | None, list[Text]] = {}
        for t in sorted(self.texts, key=rank):
            index.setdefault(t.programme, []).append(t)
        return index


@dataclass
class Budget:
    """A whole checked project."""

    root: Path
    config: Config
    editions: list[EditionData]

    def edition(self, edition_id: str) -> EditionData:
        for e in self.editions:
            if e.id == edition_id:
                return e
        raise KeyError(edition_id)

