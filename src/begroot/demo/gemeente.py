"""``begroot init DIR --gemeente NAME``: a project for any municipality from CBS's Iv3 figures.

One edition per dataset (begroting Y, jaarstukken Y from the jaarrekening), the previous year's
begroting beside each begroting and the begroting beside the jaarstukken (where there is one),
the inhabitants of each year, the peers, programmes after the Iv3 hoofdtaakvelden with the BBV
overviews, and texts that say what to write where. The site is marked as a draft
(``[site] draft = true``) until the municipality has written its texts and removes the line.

The figures: :mod:`begroot.read.gemeenten` (shipped with begroot, or national CBS files given
with ``--iv3``). The totals are written under ``[editions.expected]``, so ``begroot check``
proves that the site's totals are CBS's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .. import reference
from ..read.gemeenten import CENTS_PER_UNIT, Catalogue, Figures, Municipality, NotFound, thousands  # noqa: F401 - NotFound for the CLI

#: Programmes after the Iv3 hoofdtaakvelden, and the BBV overviews (code, name, taakvelden, kind).
PROGRAMMES = [
    ("0", "Bestuur en ondersteuning", "0.1 0.2 0.3", "programma"),
    ("1", "Veiligheid", "1.*", "programma"),
    ("2", "Verkeer, vervoer en waterstaat", "2.*", "programma"),
    ("3", "Economie", "3.*", "programma"),
    ("4", "Onderwijs", "4.*", "programma"),
    ("5", "Sport, cultuur en recreatie", "5.*", "programma"),
    ("6", "Sociaal domein", "6.*", "programma"),
    ("7", "Volksgezondheid en milieu", "7.*", "programma"),
    ("8", "Volkshuisvesting, leefomgeving en stedelijke vernieuwing", "8.*", "programma"),
    ("AD", "Algemene dekkingsmiddelen", "0.5 0.61-0.64 0.7", "overzicht"),
    ("OH", "Overhead", "0.4", "overzicht"),
    ("VPB", "Heffing vennootschapsbelasting", "0.9", "overzicht"),
    ("ONV", "Onvoorzien en overige baten en lasten", "0.8", "overzicht"),
    ("RES", "Mutaties reserves en resultaat", "0.10 0.11", "overzicht"),
]
EDITION_KIND = {"begroting": "begroting", "jaarrekening": "jaarstukken"}


@dataclass(frozen=True)
class Written:
    """What ``init --gemeente`` wrote: the municipality and its editions (ids)."""

    municipality: Municipality
    editions: list[str]


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return out.getvalue()


def _amount(cents: int) -> str:
    """€ 1.000 with a decimal comma, no thousands separator: '12782', '-41037', '1,5'."""
    return thousands(cents).replace(".", ",")


def _name(code: str, year: int) -> str:
    entry = reference.taakvelden(year).get(code)
    return entry.name if entry is not None else ""


def _finance(figures: Figures, year: int, plan: Figures | None = None) -> str:
    """A finance export: per taakveld lasten and baten (with ``plan``: the begroting beside the
    realisatie, as jaarstukken show them)."""
    if plan is None:
        rows = [["Taakveld", "Omschrijving", "Lasten", "Baten"]]
        rows += [[code, _name(code, year), _amount(lasten), _amount(baten)]
                 for code, (lasten, baten) in sorted(figures.cents.items(), key=lambda kv: reference.sort_key(kv[0]))
                 if lasten or baten]
        return _csv(rows)
    rows = [["Taakveld", "Omschrijving", "Lasten begroting", "Baten begroting", "Lasten realisatie",
             "Baten realisatie"]]
    for code in sorted(set(figures.cents) | set(plan.cents), key=reference.sort_key):
        pl, pb = plan.cents.get(code, (0, 0))
        rl, rb = figures.cents.get(code, (0, 0))
        if pl or pb or rl or rb:
            rows.append([code, _name(code, year), _amount(pl), _amount(pb), _amount(rl), _amount(rb)])
    return _csv(rows)


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _expected(figures: Figures) -> str:
    lasten, baten = figures.totals()
    unit = 1000 if not lasten % CENTS_PER_UNIT and not baten % CENTS_PER_UNIT else 1
    return (f"\n[editions.expected]\n# CBS's totals: begroot check says when the site's totals differ.\n"
            f"lasten = {(Decimal(lasten).scaleb(-2) / unit).normalize():f}\n"
            f"baten = {(Decimal(baten).scaleb(-2) / unit).normalize():f}\n"
            f"unit = {unit}\n")


def _finance_toml(file: str, columns: dict[str, tuple[str, str | None]], comment: str = "",
                  constants: str = "") -> str:
    lines = ["", "[[editions.finance]]"] + ([f"# {comment}"] if comment else [])
    lines += [f'file = "{file}"', 'layout = "wide"', "unit = 1000", 'decimal = ","']
    if constants:
        lines.append(f"constants = {constants}")
    lines += ["", "[editions.finance.columns]", 'taakveld = "Taakveld"', "", "[editions.finance.amounts]"]
    for header, (kind, column) in columns.items():
        lines.append(f'"{header}" = {{ kind = "{kind}"' + (f', column = "{column}"' if column else "") + " }")
    return "\n".join(lines) + "\n"


def _programmes() -> str:
    return _csv([["code", "naam", "hoofdprogramma", "taakvelden", "soort"]]
                + [[code, name, "", tvs, kind] for code, name, tvs, kind in PROGRAMMES])


def _texts(kind: str, year: int, name: str) -> dict[str, str]:
    """The edition's texts: each says what belongs there (Dutch, as the site)."""
    what = "begroting" if kind == "begroting" else "jaarstukken"
    out = {"inleiding.md": (
        "---\nsectie: inleiding\n---\n"
        f"*Deze tekst is een voorbeeld van begroot. Vervang hem door uw eigen tekst.*\n\n"
        f"Schrijf hier de inleiding van de {what} {year} van {name}. "
        + ("Wat wil het bestuur dit jaar bereiken? Wat kost dat, en waar komt het geld vandaan? "
           if kind == "begroting" else
           "Wat heeft de gemeente in het jaar bereikt? Wat was anders dan gepland, en waarom? ")
        + "Schrijf kort en in gewone woorden, zodat iedere inwoner het kan lezen.\n\n"
        "De cijfers op deze site zijn de cijfers die de gemeente aan het CBS leverde, per taakveld. "
        "De programma's volgen de hoofdtaakvelden van het CBS. Dat is een neutrale start: zet in "
        "`programmas.csv` uw eigen programma's, met de taakvelden die bij elk programma horen.\n")}
    for code, title, tvs, pkind in PROGRAMMES:
        if pkind != "programma":
            continue
        head = f'---\nprogramma: "{code}"\nsectie: {{section}}\n---\n'
        note = "*Deze tekst is een voorbeeld van begroot.*\n\n"
        if kind == "begroting":
            out[f"{code}-wat-willen-we-bereiken.md"] = head.format(section="wat-willen-we-bereiken") + note + (
                "Schrijf hier wat de gemeente met dit programma wil bereiken. Noem de doelen. "
                "Maak ze zo concreet dat de raad later kan zien of ze gehaald zijn.\n")
            out[f"{code}-wat-gaan-we-daarvoor-doen.md"] = head.format(section="wat-gaan-we-daarvoor-doen") + note + (
                "Schrijf hier wat de gemeente daarvoor gaat doen in " f"{year}: de belangrijkste plannen en "
                "projecten. Wat het kost, zet begroot zelf onder deze tekst.\n")
        else:
            out[f"{code}-toelichting.md"] = head.format(section="toelichting") + note + (
                "Schrijf hier wat de gemeente heeft bereikt en gedaan. Leg uit waar de lasten en baten "
                "anders waren dan in de begroting, en waarom.\n")
    return out


def _edition(directory: Path, muni: Municipality, kind: str, year: int, sources: dict) -> tuple[str, str]:
    """Write one edition's folder; return its id and its part of begroot.toml."""
    figures = muni.figures[(kind, year)]
    edition_kind = EDITION_KIND[kind]
    eid = f"{edition_kind}-{year}"
    folder = directory / eid
    (folder / "teksten").mkdir(parents=True, exist_ok=True)
    (folder / "programmas.csv").write_text(_programmes(), encoding="utf-8")
    for file, text in _texts(kind, year, muni.name).items():
        (folder / "teksten" / file).write_text(text, encoding="utf-8")
    toml = [f'\n[[editions]]\nid = "{eid}"\nkind = "{edition_kind}"\nyear = {year}\n'
            f'title = "{edition_kind.capitalize()} {year}"\n']
    peers = sources.get("peers", {}).get((kind, year))
    if peers:
        toml.append(f'peers = "{peers}"   # the figures of all municipalities, for the comparison per inhabitant\n')
    toml.append(_expected(figures))
    if kind == "begroting":
        (folder / "financien.csv").write_text(_finance(figures, year), encoding="utf-8")
        toml.append(_finance_toml("financien.csv", {"Lasten": ("lasten", None), "Baten": ("baten", None)},
                                  f"{sources['names'][(kind, year)]}, x € 1.000"))
        previous = muni.figures.get(("begroting", year - 1))
        if previous is not None:
            file = f"financien-{year - 1}.csv"
            (folder / file).write_text(_finance(previous, year - 1), encoding="utf-8")
            toml.append(_finance_toml(file, {"Lasten": ("lasten", None), "Baten": ("baten", None)},
                                      f"The begroting {year - 1} beside this one (BBV): "
                                      f"{sources['names'][('begroting', year - 1)]}",
                                      f'{{ year = {year - 1}, column = "begroting" }}'))
    else:
        plan = muni.figures.get(("begroting", year))
        (folder / "financien.csv").write_text(_finance(figures, year, plan or Figures()), encoding="utf-8")
        columns = {"Lasten realisatie": ("lasten", "realisatie"), "Baten realisatie": ("baten", "realisatie")}
        if plan is not None:
            columns = {"Lasten begroting": ("lasten", "begroting"), "Baten begroting": ("baten", "begroting"),
                       **columns}
        toml.append(_finance_toml("financien.csv", columns, f"{sources['names'][(kind, year)]}"
                                  + (" and the begroting beside it" if plan is not None else "") + ", x € 1.000"))
    return eid, "".join(toml)


def order(keys) -> list[tuple[str, int]]:
    """Newest first; in one year the jaarstukken (published a year later) before the begroting."""
    return sorted(keys, key=lambda k: (-k[1], 0 if k[0] == "jaarrekening" else 1))


def write_gemeente(directory: Path, muni: Municipality, catalogue: Catalogue,
                   peers: dict[tuple[str, int], str] | None = None) -> Written:
    """Write the project of ``muni`` into ``directory`` (which exists, empty or forced).

    ``peers``: per dataset that begroot does not ship, the peer file written into the project."""
    directory.mkdir(parents=True, exist_ok=True)
    # a dataset without any amount is one the municipality did not deliver (Voorne aan Zee, formed
    # in 2024, has nothing in 2023): no edition, nothing beside another
    muni = Municipality(muni.name, muni.code, {k: f for k, f in muni.figures.items()
                                               if any(lasten or baten for lasten, baten in f.cents.values())})
    names = catalogue.sources
    sources = {"names": names, "peers": peers or {}}
    keys = order(muni.figures)
    inhabitants: dict[int, int] = {}
    for kind, year in sorted(muni.figures, key=lambda k: k[0] != "begroting"):
        inh = muni.figures[(kind, year)].inhabitants
        if inh and year not in inhabitants:
            inhabitants[year] = inh
    parts = []
    ids = []
    for kind, year in keys:
        eid, toml = _edition(directory, muni, kind, year, sources)
        ids.append(eid)
        parts.append(toml)
    head = _head(muni, inhabitants, ids, [names[k] for k in keys])
    (directory / "begroot.toml").write_text(head + "".join(parts), encoding="utf-8")
    return Written(muni, ids)


def _head(muni: Municipality, inhabitants: dict[int, int], ids: list[str], sources: list[str]) -> str:
    lines = [
        f"# begroot project of gemeente {muni.name}, written by `begroot init --gemeente`.",
        "# The figures are the Iv3 figures the municipality delivered to CBS (per taakveld, x € 1.000):",
        *[f"#   {e}: {s}" for e, s in zip(ids, sources)],
        "# What to do next (`begroot docs project-format` explains every setting):",
        "# 1. programmas.csv in each edition: the programmes are the Iv3 hoofdtaakvelden, a neutral start;",
        "#    put your own programmes there, each with the taakvelden it holds (patterns such as 6.* work).",
        "# 2. teksten/ in each edition: every file says what to write in it; replace the texts by yours.",
        "# 3. When your own export is there, replace financien.csv and describe its columns below",
        "#    (keep [editions.expected] as the totals of the council's document: check compares them).",
        "# 4. When the texts are written, delete the line `draft = true` under [site]: the banner",
        "#    \"concept\" then leaves every page.",
        "# 5. Set contact under [accessibility]: where readers report an accessibility problem (until",
        "#    then `begroot check` warns: the accessibility statement would give no address).",
        "",
        "[organisation]",
        f"name = {_toml_str('Gemeente ' + muni.name)}",
    ]
    if muni.code:
        lines.append(f'cbs_code = "{muni.code}"')
    lines += ['kind = "gemeente"', ""]
    if inhabitants:
        lines.append("[organisation.inhabitants]   # from CBS's Iv3 files")
        lines += [f"{year} = {count}" for year, count in sorted(inhabitants.items())]
        lines.append("")
    lines += [
        "[site]",
        'language = "nl"',
        "unit = 1000",
        f"title = {_toml_str('Begroting ' + muni.name)}",
        "draft = true   # shows a banner on every page; delete this line when the texts are written",
        'colophon = """',
        f"De bedragen op deze site zijn de cijfers die de gemeente {muni.name} aan het CBS leverde",
        "(Iv3, per taakveld, x € 1.000). De indeling in programma's volgt de hoofdtaakvelden van het CBS:",
        "een neutrale start, niet de indeling van de gemeente zelf.",
        '"""',
        "",
        "[accessibility]   # the accessibility statement at /over/toegankelijkheid/",
        '# contact = "toegankelijkheid@gemeente.nl"   # step 5: an e-mail address or https:// address of a form',
        "",
    ]
    return "\n".join(lines)


def catalogue(iv3_files: list[Path], problems) -> Catalogue | None:
    """The shipped figures, with the datasets of national CBS files (``--iv3``) added or replacing
    the shipped one of the same kind and year; None when a file has errors (in ``problems``)."""
    from ..read.gemeenten import dataset_of_name, read_national, resolve, shipped

    out = shipped()
    for path in iv3_files:
        key = dataset_of_name(path.name)
        if key is None:
            problems.error("the file name does not say which figures it holds", file=str(path), code="gemeente-file",
                           hint="name it as CBS does, with the year and begroting or jaarrekening: "
                                "2025_begroting.csv, 2024_jaarrekening.csv")
            continue
        rows = read_national(path, problems, str(path))
        if rows is None:
            continue
        named: dict = {}
        for name, figures in rows.items():
            try:  # the same municipality under the name the shipped files use ("Beek (L.)" is "Beek")
                named[resolve(name, out).name] = figures
            except NotFound:
                named[name] = figures
        for muni in out.municipalities.values():
            muni.figures.pop(key, None)
        out.add(*key, f"CBS Iv3 file {path.name}", named, {})
    return None if problems.has_errors() else out


def write_peers(directory: Path, iv3_files: list[Path], problems) -> dict[tuple[str, int], str]:
    """For each ``--iv3`` file of a dataset begroot ships no peer figures for, its peer file in the
    project (the sums per taakveld of all municipalities and of each size class)."""
    from ..peers import load_peers
    from ..errors import Problems
    from ..read.gemeenten import SHIPPED, dataset_of_name

    out = {}
    for path in iv3_files:
        key = dataset_of_name(path.name)
        if key is None or key in SHIPPED:
            continue
        found = Problems()
        data = load_peers(path, found, str(path))
        if data is None:  # the site is made all the same, without the comparison
            problems.warning("no comparison with other municipalities from this file: "
                             + "; ".join(p.message for p in found.errors[:3]), file=str(path), code="gemeente-peers",
                             hint="the taakvelden page then shows this municipality only")
            continue
        name = f"peers-{key[0]}-{key[1]}.json"
        (directory / name).write_text(data.to_json(), encoding="utf-8")
        out[key] = name
    return out


def init_project(directory: Path, query: str, iv3_files: list[Path], problems) -> Written | None:
    """``begroot init DIRECTORY --gemeente QUERY [--iv3 FILE]...``: None when a file has errors
    (in ``problems``); :class:`~begroot.read.gemeenten.NotFound` when no municipality has that name."""
    from ..read.gemeenten import resolve

    found = catalogue(iv3_files, problems)
    if found is None:
        return None
    muni = resolve(query, found)
    directory.mkdir(parents=True, exist_ok=True)
    return write_gemeente(directory, muni, found, write_peers(directory, iv3_files, problems))
