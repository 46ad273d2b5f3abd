"""The ``begroot.toml`` schema: what a budget project is and how to read its files.

Each setting is declared once, with its default and a description; ``docs/project-format.md``
documents the same fields and a test keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .clean import without_invisible_settings
from .errors import Problems, toml_syntax_error
from .reference import with_cbs_code_checked

CONFIG_NAME = "begroot.toml"

Kind = Literal["lasten", "baten"]
Column = Literal["realisatie", "begroting", "begroting_na_wijziging", "meerjarenraming"]
EditionKind = Literal["begroting", "voorjaarsnota", "najaarsnota", "jaarstukken"]

#: Raw values that mean lasten or baten, compared case-insensitively (extendable per source).
DEFAULT_KIND_VALUES: dict[str, str] = {
    "lasten": "lasten", "last": "lasten", "l": "lasten", "uitgaven": "lasten",
    "expenditure": "lasten", "toevoeging": "lasten", "toevoegingen": "lasten",
    "baten": "baten", "baat": "baten", "b": "baten", "inkomsten": "baten",
    "revenue": "baten", "onttrekking": "baten", "onttrekkingen": "baten",
}

#: Raw values that name a BBV column (kolom), compared case-insensitively.
DEFAULT_COLUMN_VALUES: dict[str, str] = {
    "realisatie": "realisatie", "rekening": "realisatie", "werkelijk": "realisatie",
    "begroting": "begroting", "primitief": "begroting", "begroting primitief": "begroting", "primitieve begroting": "begroting",
    "begroting na wijziging": "begroting_na_wijziging", "na wijziging": "begroting_na_wijziging",
    "begroting_na_wijziging": "begroting_na_wijziging", "gewijzigd": "begroting_na_wijziging",
    "meerjarenraming": "meerjarenraming", "raming": "meerjarenraming",
}


_EMAIL = re.compile(r"[^\s@<>\"'/:]+@[^\s@<>\"'/:]+\.[A-Za-z]{2,}")
_WEB = re.compile(r"https?://[^\s<>\"']+\.[^\s<>\"']+")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(_Strict):
    name: str = Field(description="Name shown on every page, e.g. 'Gemeente Groningen'.")
    cbs_code: str | None = Field(None, description="CBS code as CBS writes it, e.g. 'GM0014', 'PV21' (see docs).")
    kind: Literal["gemeente", "provincie", "waterschap", "gemeenschappelijke regeling"] = Field(
        "gemeente", description="Kind of organisation; selects the Iv3 reference lists (a waterschap has none).")
    inhabitants: dict[int, int] = Field(
        default_factory=dict, description="Inhabitants per year, for per-inhabitant figures.")
    email: str | None = Field(None, description="Contact address shown in the colophon.")
    _cbs_code = model_validator(mode="after")(with_cbs_code_checked)  # as CBS writes it for the kind


class Site(_Strict):
    language: Literal["nl", "en"] = Field("nl", description="Language of the site's interface.")
    unit: int = Field(1000, description="Display unit in euros: 1000 shows amounts 'x € 1.000'.")
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$", description="ISO 4217 code of the amounts' currency.")
    title: str | None = Field(None, description="Site title; defaults to the organisation name.")
    base_url: str = Field("/", description="Path the site is served under, e.g. '/begroting/'.")
    colophon: str | None = Field(None, description="Extra Markdown shown on the colophon page.")
    pdf: bool = Field(True, description="Make a PDF of each edition on its downloads page.")
    pdf_engine: Literal["weasyprint", "typst"] = Field("typst", description="What makes the PDF: 'typst' (the "
                                                       "default) or 'weasyprint' (about ten times the CPU).")
    draft: bool = Field(False, description="Mark the site as a draft: a banner on every page says that the texts "
                        "are not yet written (begroot init --gemeente sets it; delete it when the texts are yours).")

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: int) -> int:
        if v not in (1, 1000, 1_000_000):
            raise ValueError("unit must be 1, 1000 or 1000000")
        return v


#: What a logo and a font file may be (they are published as they are, in the site's static/huisstijl/).
LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
FONT_TYPES = (".woff2", ".woff", ".ttf", ".otf")
#: The colour names theme.primary_color may use besides #rgb and #rrggbb (CSS's basic colours).
COLOUR_NAMES = frozenset({"black", "silver", "gray", "grey", "white", "maroon", "red", "purple", "fuchsia", "green",
                          "lime", "olive", "yellow", "navy", "blue", "teal", "aqua", "orange", "darkblue",
                          "darkgreen", "darkred", "rebeccapurple"})
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}")
_FONT_NAME = re.compile(r"[^\W_]+(?:[ -]+[^\W_]+)*")  # letters and digits, words apart by spaces or hyphens


class Theme(_Strict):
    primary_color: str = Field("#01689b", description="Main colour (links, chart bars), as #rrggbb, #rgb or a "
                                                      "basic CSS colour name (navy, teal, …).")
    logo: str | None = Field(None, description="Logo file (SVG or PNG), relative to the project.")
    font_family: str | None = Field(None, description="Name of the house font, e.g. 'Rijksoverheid Sans', or "
                                                      "a comma-separated list of names, the first preferred.")
    fonts: list[str] = Field(default_factory=list,
                             description="Font files (.woff2, .woff, .ttf, .otf) shipped with the site, relative to "
                                         "the project; add '-bold' or '-italic' to a file name for those styles.")

    @field_validator("primary_color")
    @classmethod
    def _colour(cls, value: str) -> str:
        """A colour goes into style sheets and charts as it is: only a colour may."""
        if _COLOUR.fullmatch(value) or value.lower() in COLOUR_NAMES:
            return value
        raise ValueError(f"{value!r} is not a colour; write #rrggbb (e.g. #01689b), #rgb or a basic colour "
                         "name such as navy")

    @field_validator("font_family")
    @classmethod
    def _font_family(cls, value: str | None) -> str | None:
        if value is not None:
            _font_names(value)
        return value

    @property
    def font_names(self) -> list[str]:
        """The font family's names, without their quotes, the preferred first."""
        return _font_names(self.font_family) if self.font_family else []

    @field_validator("logo")
    @classmethod
    def _logo(cls, v: str | None) -> str | None:
        if v is not None and not v.lower().endswith(LOGO_TYPES):
            raise ValueError(f"the logo must be an image file ({', '.join(LOGO_TYPES)})")
        return v

    @field_validator("fonts")
    @classmethod
    def _fonts(cls, v: list[str]) -> list[str]:
        for name in v:
            if not name.lower().endswith(FONT_TYPES):
                raise ValueError(f"'{name}' is not a font file ({', '.join(FONT_TYPES)})")
        return v

    @model_validator(mode="after")
    def _distinct_names(self) -> "Theme":
        names = [Path(p.replace("\\", "/")).name.lower() for p in ([self.logo] if self.logo else []) + self.fonts]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"two theme files have the same name ({', '.join(twice)}); the site keeps them in one folder")
        return self


def _font_names(value: str) -> list[str]:
    """The names of a font_family setting ("'Rijks Sans', Arial"); ValueError for anything else
    (a newline, a brace, a semicolon would be CSS of its own in the site's style sheet)."""
    names = []
    for part in value.split(","):
        name = part.strip()
        if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
            name = name[1:-1].strip()
        if not _FONT_NAME.fullmatch(name):
            raise ValueError(f"{value!r} is not a list of font names; write names of letters, digits, spaces and "
                             "hyphens, apart by commas, e.g. 'Rijksoverheid Sans', Arial")
        names.append(name)
    return names


class Readability(_Strict):
    """Language level checks of the texts (Flesch-Douma), for writers."""

    enabled: bool = Field(True, description="Score every text section.")
    min_score: int = Field(60, description="Flesch-Douma below this is reported (60: about B1).")
    max_sentence_words: int = Field(20, ge=5, description="Sentences with more words are listed.")
    long_word_syllables: int = Field(6, ge=3, description="Words with this many syllables or more are listed.")


class Goals(_Strict):
    """How the status of goals and indicators is computed."""

    tolerance: Decimal = Field(Decimal("0.10"), ge=0, le=1, description=(
        "A target missed by at most this fraction of the target is 'aandacht nodig', more is 'niet op koers'."))


class Accessibility(_Strict):
    """The accessibility statement (toegankelijkheidsverklaring) at /over/toegankelijkheid/."""

    status: Literal["A", "B", "C", "D", "E"] = Field(
        "C", description="A: voldoet volledig, B: gedeeltelijk, C: eerste maatregelen, D: geen, E: niet ingediend.")
    audited: str | None = Field(None, description="Who audited the site manually and when, if anyone did.")
    contact: str | None = Field(None, description=(
        "Where readers report an accessibility problem: an e-mail address or an https:// address of a "
        "contact form (defaults to organisation.email); the statement shows it."))

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        if value is not None and not (_EMAIL.fullmatch(value) or _WEB.fullmatch(value)):
            raise ValueError(f"{value!r} is neither an e-mail address (name@gemeente.nl) nor a web address "
                             "(https://www.gemeente.nl/contact)")
        return value

    @property
    def contact_is_email(self) -> bool:
        return bool(self.contact and _EMAIL.fullmatch(self.contact))


class AmountColumn(_Strict):
    """One amount column of a wide file and what its numbers are.

    ``kind = "saldo"`` marks a saldo column: it is not read as lines but checked, row by row,
    to equal baten minus lasten.
    """

    kind: Literal["lasten", "baten", "saldo"] | None = None
    year: int | None = None
    column: Column | None = None


class FinanceColumns(_Strict):
    """Header names in the finance file; leave out what the file does not have."""

    programme: str | None = None
    taakveld: str | None = None
    categorie: str | None = None
    kind: str | None = None
    year: str | None = None
    column: str | None = None
    amount: str | None = None
    description: str | None = None


class FinanceConstants(_Strict):
    """Values that hold for every row of the file (e.g. an Iv3 file has no year column)."""

    programme: str | None = None
    kind: Kind | None = None
    year: int | None = None
    column: Column | None = None


class FinanceSource(_Strict):
    file: str | None = Field(None, description="CSV or XLSX file, relative to the edition folder.")
    format: Literal["table", "iv3"] = Field("table", description=(
        "table: a CSV or XLSX export described by the settings below; iv3: file is an Iv3 delivery in "
        "CBS's JSON format (lasten and baten per taakveld and categorie; year and status from its "
        "metadata; amounts in € 1.000 unless unit is set)."))
    datapackage: str | None = Field(None, description=(
        "A Fiscal Data Package (datapackage.json) instead of file: its resource and mapping say what the "
        "columns are; settings given here override the mapping."))
    resource: str | None = Field(None, description="The resource of the datapackage to read; default the first.")
    sheet: str | None = Field(None, description="XLSX sheet; default the first visible one.")
    layout: Literal["long", "wide"] = Field("long", description="long: one amount per row; wide: several amount columns.")
    unit: int = Field(1, description="Euros per unit in the file: 1000 if the file is in thousands.")
    decimal: Literal["auto", ",", "."] = Field("auto", description=(
        "Decimal mark of amounts. auto: the mark the column's cells prove (\"1.234,5\", \"12,5\", \"1.234.567\"); "
        "when every cell reads both ways (\"1,652\" beside \"4271\") check stops and asks for this setting."))
    delimiter: str = Field("auto", description="CSV field separator: auto, ';', ',' or a tab.")
    encoding: Literal["auto", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1",
                      "iso-8859-15"] = Field("auto", description=(
        "CSV encoding: auto (UTF-8 or UTF-16 with or without a byte-order mark, else cp1252), or one of "
        "utf-8, utf-8-sig, utf-16, utf-16-le, utf-16-be, cp1252, latin-1, iso-8859-15."))
    header_row: int = Field(1, ge=1, description="Row number of the header row.")
    filter: dict[str, str | list[str]] = Field(default_factory=dict, description="Keep only rows whose column has this value.")
    columns: FinanceColumns = Field(default_factory=FinanceColumns)
    constants: FinanceConstants = Field(default_factory=FinanceConstants)
    amounts: dict[str, AmountColumn] = Field(default_factory=dict, description="Wide layout: amount column header -> what it holds.")
    kind_values: dict[str, Kind] = Field(default_factory=dict, description="Extra raw values for lasten/baten.")
    column_values: dict[str, Column] = Field(default_factory=dict, description="Extra raw values for the BBV column.")
    signed: bool = Field(False, description="No kind column: positive amounts are lasten, negative are baten.")
    baten_booked: Literal["auto", "positive", "negative"] = Field("auto", description=(
        "How the export books baten: as positive numbers, or as negative ones (credits: begroot turns their sign); "
        "auto: as booked, but a file whose baten add up to less than zero stops the check."))
    total_column: str | None = Field(None, description=(
        "A column in which the export marks its total and subtotal rows; rows whose cell there is one of "
        "total_values are not counted (listed in the verantwoording)."))
    total_values: list[str] = Field(default_factory=lambda: ["totaal", "subtotaal", "t", "st"], description=(
        "Values of total_column that mark a total row, compared case-insensitively."))
    keep_rows: list[int] = Field(default_factory=list, description=(
        "Rows (numbered as the spreadsheet shows them) to count even where the rules would leave them out "
        "as a subtotal or a repeated header."))
    round_to_cents: bool = Field(False, description=(
        "Round amounts more precise than a cent half up, instead of reporting them (for computed exports)."))
    exported_at: dt.datetime | None = Field(None, description="When the file was exported.")

    @model_validator(mode="after")
    def _layout(self) -> "FinanceSource":
        if (self.file is None) == (self.datapackage is None):
            raise ValueError("give either file or datapackage")
        if self.format == "iv3" and self.datapackage is not None:
            raise ValueError('format = "iv3" reads a file: name the Iv3 JSON file as file, not datapackage')
        if self.datapackage is not None:
            return self  # the rest comes from the package's mapping (begroot.read.fdp)
        if self.format == "iv3":
            return self  # the delivery says what its amounts are (begroot.read.iv3)
        if self.layout == "long" and not self.columns.amount:
            raise ValueError("a long file needs columns.amount (the header of the amount column)")
        if self.layout == "wide" and not self.amounts:
            raise ValueError("a wide file needs [amounts]: each amount column header and what it holds")
        if not self.columns.taakveld and not self.columns.programme and not self.constants.programme:
            raise ValueError("name columns.taakveld or columns.programme: each line needs a taakveld or a programme")
        return self


class ExpectedTotals(_Strict):
    """Totals stated by the controller (e.g. from the council document); the check compares."""

    lasten: Decimal | None = None
    baten: Decimal | None = None
    unit: int = Field(1000, description="Unit of these totals in euros.")


class Edition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Folder and URL name, e.g. 'begroting-2024'.")
    kind: EditionKind = "begroting"
    year: int = Field(ge=1990, le=2100)
    title: str | None = None
    folder: str | None = Field(None, description="Folder of the edition; defaults to the id.")
    exported_at: dt.datetime | None = Field(None, description="Export time shown on every page.")
    programmes: str = Field("programmas.csv", description="Programme list, in the edition folder.")
    texts: str = Field("teksten", description="Folder with Markdown and Word texts.")
    indicators: str | None = Field("indicatoren.csv", description="Indicators CSV (optional file).")
    finance: list[FinanceSource] = Field(default_factory=list)
    expected: ExpectedTotals | None = Field(None, description="Totals the site must reconcile to.")
    peers: str = Field("auto", description=(
        "Figures of other municipalities for the per-inhabitant comparison: 'auto' (the CBS figures shipped "
        "with begroot, for a gemeente whose edition kind and year match one), 'none', or a file relative to "
        "the project: a national Iv3 file of CBS or a file made by tools/make_peers.py."))
    text_only: bool = Field(False, description=(
        "An edition of texts and programmes without figures (e.g. an old year kept for comparison): "
        "no finance files, and its pages show no amounts."))

    @model_validator(mode="after")
    def _text_only(self) -> "Edition":
        if self.text_only and self.finance:
            raise ValueError("a text_only edition has no [[editions.finance]]: remove one or the other")
        if self.text_only and self.expected is not None:
            raise ValueError("a text_only edition has no figures, so no [editions.expected] totals")
        return self

    @property
    def display_title(self) -> str:
        return self.title or f"{self.kind.capitalize()} {self.year}"

    @property
    def dirname(self) -> str:
        return self.folder or self.id


class Config(_Strict):
    organisation: Organisation
    site: Site = Field(default_factory=Site)
    theme: Theme = Field(default_factory=Theme)
    readability: Readability = Field(default_factory=Readability)
    goals: Goals = Field(default_factory=Goals)
    accessibility: Accessibility = Field(default_factory=Accessibility)
    editions: list[Edition] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_editions(self) -> "Config":
        seen: set[str] = set()
        for e in self.editions:
            if e.id in seen:
                raise ValueError(f"edition id '{e.id}' is used twice")
            seen.add(e.id)
        return self


#: Where every setting is explained, for a user who installed begroot (and has no docs/ folder).
SETTINGS_HINT = "run 'begroot docs project-format' for every setting"

#: How one item of a list of tables is named in a message (the rest: "NAME, item N").
_ITEM_NAMES = {"editions": "edition", "finance": "finance"}


def setting_name(loc: tuple, edition_ids: list | None = None) -> str:
    """Where a setting is, as a user finds it in ``begroot.toml``: names joined by dots, each
    ``[[table]]`` counted from 1 as the file lists them, and an edition named by its id when it has
    one: ``("editions", 0, "finance", 1, "layout")`` -> ``edition 1 (begroting-2024), finance 2,
    layout``."""
    parts: list[str] = []
    names: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            owner = names[-1] if names else ""
            label = _ITEM_NAMES.get(owner)
            if label:
                if names[:-1]:
                    parts.append(".".join(names[:-1]))
                item = f"{label} {part + 1}"
            else:
                item = f"{'.'.join(names)}, item {part + 1}" if names else f"item {part + 1}"
            names = []
            if owner == "editions" and i == 1 and edition_ids and part < len(edition_ids):
                ident = edition_ids[part]
                if isinstance(ident, str) and ident.strip():
                    item += f" ({ident.strip()})"
            parts.append(item)
        else:
            names.append(str(part))
    if names:
        parts.append(".".join(names))
    return ", ".join(parts)


def _shown(value: object) -> str | None:
    """A value as a message shows it (a text in quotes), or None for a table or a list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 80 else f"'{value[:80]}…'"
    if isinstance(value, (int, float, Decimal, dt.date, dt.time)):
        return str(value)
    return None


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The settings table (model) a location leads to, through lists, dicts and optional tables."""
    model: type | None = Config
    for part in loc:
        if model is None or not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        if isinstance(part, int):
            continue  # the list's own model is found with its name
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation) -> type | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):  # list[Edition], X | None, dict[str, AmountColumn]
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


#: Pydantic's messages for a value of the wrong type, as a user who writes TOML reads them.
_PLAIN = {
    "bool_parsing": "write true or false (without quotes)", "bool_type": "write true or false (without quotes)",
    "int_parsing": "write a whole number", "int_type": "write a whole number (without quotes)",
    "string_type": "write a text in quotes",
}


def config_message(err: dict) -> str:
    """One Pydantic error as a sentence: the wrong value, and what is allowed."""
    kind, msg, value = err["type"], err["msg"], _shown(err.get("input"))
    if kind == "extra_forbidden":
        import difflib

        model = _model_at(err["loc"][:-1])
        known = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(str(err["loc"][-1]), known, n=1, cutoff=0.6)
        return "unknown setting" + (f"; did you mean '{close[0]}'?" if close else "")
    if kind == "missing":
        return "this setting is required and missing"
    if kind == "literal_error" and value is not None:
        return f"{value} is not allowed; the allowed values are {err['ctx']['expected']}"
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif kind in _PLAIN:
        msg = _PLAIN[kind]
    elif kind == "string_pattern_mismatch" and err["loc"][-1] == "id":
        msg = "an id is lower-case letters, digits and hyphens, e.g. 'begroting-2024'"
    if value is not None and value not in msg:
        msg += f" (the file has {value})"
    return msg


def load_config(project: Path, problems: Problems) -> Config | None:
    """Read and validate ``begroot.toml``; add every problem found, return None on errors."""
    path = project / CONFIG_NAME
    if not path.is_file():
        problems.error("file not found", file=str(path), code="config-missing",
                       hint="run 'begroot init DIR --blank' for one edition to fill in, or "
                            "'begroot init DIR' for the demo project")
        return None
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        problems.error("the file is not UTF-8 text", file=CONFIG_NAME, code="config-encoding",
                       hint="save begroot.toml as UTF-8")
        return None
    except tomllib.TOMLDecodeError as exc:
        toml_syntax_error(problems, exc, CONFIG_NAME)
        return None
    try:
        return Config.model_validate(without_invisible_settings(raw, problems, CONFIG_NAME))
    except ValidationError as exc:
        editions = raw.get("editions")
        ids = [e.get("id") if isinstance(e, dict) else None for e in editions] if isinstance(editions, list) else None
        for err in exc.errors():
            where = setting_name(err["loc"], ids)
            msg = config_message(err)
            problems.error(f"{where}: {msg}" if where else msg, file=CONFIG_NAME, code="config-invalid",
                           hint=SETTINGS_HINT)
        return None
