"""The whole edition as one PDF made with Typst (the ``typst`` Python package), the same document
as publish/pdf.py's WeasyPrint one: cover, contents with page numbers, every programme with its
texts, tables and charts, page numbers, a header with the organisation's name; tagged PDF/UA-1,
fonts embedded. The default engine (``[site] pdf_engine = "typst"``); row headers tagged by publish/pdf_tags.py.

Safety: every text of the document is written as a Typst string literal (publish/typst_markup.py),
so nothing a text holds is read as Typst code. Typst reads files only inside its root, which is a
new, empty temporary folder holding nothing but the texts' images; the fonts are the system's font
folders and Typst's own, named here (no font is fetched), and the document imports no package, so
Typst fetches nothing from the web.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from ..errors import BegrootError, working_on
from ..figures import EditionFigures
from ..model import Budget
from . import workers
from .reuse import put
from .typst_markup import Converter, TableTags, amounts_table, string, text

#: What publish/pdf_tags.py does to Typst's PDF, in the build cache's address (a PDF made before
#: the row headers were tagged is made again).
TAGS_VERSION = "row-headers-1"

#: The usual font folders: what Typst and WeasyPrint may embed, and what a PDF's cache address
#: depends on (``pdf.fonts_digest``).
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
             "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")

#: The PDF's page and type, as the WeasyPrint document's (pdf.html).
PREAMBLE = """\
#set document(title: {title}, author: {author}, keywords: ("begroot",){date})
#set text(font: ("DejaVu Sans",), size: 10pt, lang: {lang}, fallback: true)
#set par(leading: 0.55em, spacing: 0.9em)
#set page(paper: "a4", margin: (x: 18mm, y: 22mm),
  header: context {{ if here().page() > 1 {{ align(right, text(size: 8pt, fill: rgb("#444444"), {header})) }} }},
  footer: context {{ if here().page() > 1 {{ align(center, text(size: 9pt, fill: rgb("#444444"),
    counter(page).display("1 / 1", both: true))) }} }})
#show heading: set block(above: 1.2em, below: 0.7em)
#show heading.where(level: 1): it => {{ pagebreak(weak: true); set text(size: 18pt, fill: {primary}); it }}
#show heading.where(level: 2): set text(size: 13pt)
#show heading.where(level: 3): set text(size: 11pt)
#show heading.where(level: 4): set text(size: 10pt)
#show outline.entry: it => if it.element.at("label", default: none) == <begroot-child> {{ pad(left: 8mm, it) }} else {{ it }}
#set table(stroke: (x, y) => (bottom: 0.5pt + rgb("#999999")), inset: (x: 2mm, y: 1mm))
#show table.cell.where(y: 0): set text(weight: "bold")
#set figure(gap: 2mm)
#set figure.caption(position: top)
#show figure.caption: it => align(left, strong(it.body))
#show figure.where(kind: table): set block(breakable: true)
#show link: set text(fill: {primary})
"""


def _programmes(budget: Budget, figures: dict[str, EditionFigures], edition_id: str, build_time: dt.datetime):
    """What the WeasyPrint document shows per programme, from the same views (see pdf.edition_pdf_html)."""
    from ..render.pages import programme as programme_page
    from ..render.site import Site

    site = Site(budget, figures, build_time=build_time, warnings=[])
    edition = budget.edition(edition_id)
    programmes = []
    for programme in edition.programmes.values():
        page = programme_page.view(site, edition, programme)
        ctx = page.context
        programmes.append({"programme": programme, "label": page.title, "texts": ctx["texts"],
                           "table": ctx["table"], "main": ctx["main"], "chart": ctx["chart"],
                           "covered": ctx.get("covered", []), "share_lasten": ctx["share_lasten"],
                           "share_baten": ctx["share_baten"], "execution": ctx["execution"]})
    return site, edition, programmes


class Document(NamedTuple):
    """An edition's Typst document: its ``source``, the ``images`` it shows (by their name in
    ``media/``), its ``tables`` in the document's order (for publish/pdf_tags.py) and the image
    addresses it left out because they are not the texts' images (``refused``)."""
    source: str
    images: dict[str, bytes]
    tables: list[TableTags]
    refused: list[str]


def edition_typst(budget: Budget, figures: dict[str, EditionFigures], edition_id: str,
                  build_time: dt.datetime, stamp) -> Document:
    """The edition's document. ``stamp(site, edition)`` is the date line of the cover
    (pdf.pdf_stamp, as the WeasyPrint one)."""
    from ..read.texts import MEDIA_PLACEHOLDER
    from ..render.strings import period_label

    site, edition, programmes = _programmes(budget, figures, edition_id, build_time)
    t, fmt = site.t, site.fmt
    fig = figures[edition_id]
    org = budget.config.organisation.name
    title = edition.config.display_title
    primary = f"rgb({string(_hex(budget.config.theme.primary_color))})"
    has_figures = site.has_figures(edition)
    media = {name: data for text_ in edition.texts for name, data in text_.images}
    used: dict[str, bytes] = {}
    refused: list[str] = []

    def image(src: str, alt: str) -> str | None:
        name = src[len(MEDIA_PLACEHOLDER):] if src.startswith(MEDIA_PLACEHOLDER) else None
        if name is None or name not in media or "/" in name:
            refused.append(src[:200])
            return None
        used[name] = media[name]
        return f"#box(image({string('/media/' + name)}, alt: {string(alt or name)}, width: 100%))"

    tables: list[TableTags] = []
    texts = Converter(image=image, tables=tables)
    out = [PREAMBLE.format(title=string(f"{title} – {org}"), author=string(org), lang=string(site.language),
                           date="" if edition.exported_at is not None else ", date: none",
                           header=string(f"{org} · {title}"), primary=primary)]
    # the cover
    out.append(f"#v(70mm)\n#block(below: 6mm, text(size: 28pt, weight: \"bold\", fill: {primary}, {string(title)}))")
    out.append(f"#text(size: 13pt, {string(org)})\n\n#text(size: 13pt, fill: rgb(\"#555555\"), "
               f"{string(stamp(site, edition))})\n\n#pagebreak()")
    out.append(f"#outline(title: {string(t['toc'])}, depth: 1)")
    # the edition at a glance
    out.append(f"#heading(level: 1)[{text(title + ' ' + t['at_a_glance'])}]")
    unit = t["amounts_in"].format(unit=site.unit_label)
    if has_figures:
        rows = [[p["label"], fmt.money(p["main"].lasten), fmt.pct(p["share_lasten"]), fmt.money(p["main"].baten),
                 fmt.pct(p["share_baten"]), fmt.money(p["main"].saldo)]
                for p in programmes if not p["programme"].parent]
        grand = fig.grand()
        out.append(_table(tables, f"{t['lbs']} ({unit}, {period_label(fig.main, site.language)})",
                          ["programme", "lasten", "share", "baten", "share", "saldo"], t, rows,
                          total=[t["total"], fmt.money(grand.lasten), "", fmt.money(grand.baten), "",
                                 fmt.money(grand.saldo)]))
    else:
        out.append(text(t["no_figures"]))
    for text_ in edition.texts_for(None):
        out.append(_section(text_.title, texts.convert(text_.html)))
    for p in programmes:
        out.append(_programme(p, t, fmt, unit, has_figures, texts, budget.config.theme.primary_color))
    return Document("\n\n".join(out) + "\n", used, tables, refused)


def _section(title: str, body: str, level: int = 2) -> str:
    """A titled part: in the bookmarks under its programme (level 2), as the WeasyPrint PDF's."""
    bookmarked = "true" if level == 2 else "false"
    return f"#heading(level: {level}, outlined: false, bookmarked: {bookmarked})[{text(title)}]\n\n{body}"


def _programme(p: dict, t, fmt, unit: str, has_figures: bool, texts: Converter, primary: str) -> str:
    from ..render.charts import with_style

    out = [f"#heading(level: 1)[{text(p['label'])}]" + (" <begroot-child>" if p["programme"].parent else "")]
    for text_ in p["texts"]:
        out.append(_section(text_.title, texts.convert(text_.html)))
    plan = p["execution"]
    if plan:
        rows = [[label] + [fmt.money(v) for v in values.values()] for label, values in plan["table"]]
        out.append(_section(t["execution"], _table(
            texts.tables, f"{t['execution']} {plan['year']} ({unit})", [""] + plan["keys"], None, rows[:-1],
            total=rows[-1])))
        out.append(f"#list(tight: true, {', '.join(f'[{text(s)}]' for s in plan['sentences'])})")
        out.append(f"#text(size: 9pt, fill: rgb(\"#555555\"), {string(plan['against'])})")
        for explanation in plan["explanation"]:
            out.append(_section(t["execution_explanation"], texts.convert(explanation.html, 3), level=3))
    if has_figures:
        out.append(f"#heading(level: 2, outlined: false, bookmarked: true)[{text(t['lbs'])}]")
        chart = p["chart"]
        if chart is not None:
            svg = with_style(chart.drawing(), primary)
            out.append(f"#figure(kind: image, supplement: none, numbering: none, "
                       f"caption: [{text(t['chart_periods_title'].format(name=p['programme'].title))}], "
                       f"image(bytes({string(svg)}), format: \"svg\", width: 120mm, "
                       f"alt: {string(chart.title + '. ' + chart.summary)}))")
        labels = [row["label"] for row in p["table"]]
        rows = [[t[key]] + [fmt.money(getattr(row["amounts"], key)) for row in p["table"]]
                for key in ("lasten", "baten")]
        out.append(_table(texts.tables, f"{t['lbs']} ({unit})", [""] + labels, None, rows,
                          total=[t["saldo"]] + [fmt.money(row["amounts"].saldo) for row in p["table"]]))
        out.append(f"#strong[{text(t['share_of_total'] + ':')}]{text(' ')}" + text(
            f"{t['lasten']} {fmt.money(p['main'].lasten)} ({fmt.pct(p['share_lasten'])}), "
            f"{t['baten']} {fmt.money(p['main'].baten)} ({fmt.pct(p['share_baten'])})."))
    elif p["covered"]:
        out.append(f"#heading(level: 2, outlined: false)[{text(t['covered_taakvelden'])}]")
        items = ", ".join("[" + text(f"{tv['code']} {tv['name']}") + "]" for tv in p["covered"])
        out.append(f"#list(tight: true, {items})")
    return "\n\n".join(out)


def _table(tables: list[TableTags], caption: str, head: list[str], t, rows: list[list[str]],
           total: list[str] | None = None) -> str:
    """A table of amounts: the first column names the row (a row header), the others are
    right-aligned numbers; ``head`` holds the column titles (or keys of ``t`` when ``t`` is given).
    The table is added to ``tables``, the document's tables in its order."""
    head = [t[h] if t is not None and h else h for h in head]
    tables.append(amounts_table(len(head), len(rows), 1 if total is not None else 0))
    cells = [f"table.header({', '.join(f'[{text(h)}]' for h in head)})"]
    for row in rows:
        cells.append(f"table.cell(text(weight: \"bold\", {string(row[0])}))")
        cells.extend(f"[{text(v)}]" for v in row[1:])
    if total is not None:
        cells.append(f"table.footer(repeat: false, {', '.join(f'table.cell(stroke: (top: 1pt), strong[{text(v)}])' for v in total)})")
    columns = len(head)
    return (f"#figure(kind: table, supplement: none, numbering: none, caption: [{text(caption)}], "
            f"table(columns: (2fr,) + ({columns - 1} * (1fr,)), align: (x, y) => if x > 0 {{ right }} else {{ left }}, "
            f"{', '.join(cells)}))")


def _hex(colour: str) -> str:
    """The theme's colour (#rgb, #rrggbb or a CSS name, see config.Theme) as #rrggbb for Typst."""
    names = {"black": "000000", "silver": "c0c0c0", "gray": "808080", "grey": "808080", "white": "ffffff",
             "maroon": "800000", "red": "ff0000", "purple": "800080", "fuchsia": "ff00ff", "green": "008000",
             "lime": "00ff00", "olive": "808000", "yellow": "ffff00", "navy": "000080", "blue": "0000ff",
             "teal": "008080", "aqua": "00ffff", "orange": "ffa500", "darkblue": "00008b",
             "darkgreen": "006400", "darkred": "8b0000", "rebeccapurple": "663399"}
    colour = colour.strip().lower()
    if colour in names:
        return "#" + names[colour]
    if len(colour) == 4 and colour.startswith("#"):
        return "#" + "".join(c * 2 for c in colour[1:])
    return colour if len(colour) == 7 and colour.startswith("#") else "#01689b"


@functools.cache
def _fonts():
    """The fonts Typst may use: the system's font folders (as WeasyPrint's) and Typst's own."""
    import typst

    folders = [str(Path(os.path.expanduser(f))) for f in FONT_DIRS if Path(os.path.expanduser(f)).is_dir()]
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=folders)


def typst_pdf(source: str, images: dict[str, bytes], tables: list[TableTags], timestamp: dt.datetime | None,
              missing: list[str] | None = None) -> bytes:
    """Compile ``source`` to a PDF/UA-1 document, with ``images`` as its only files, and tag the
    row headers of its ``tables`` (publish/pdf_tags.py). A character that no font has (PDF/UA-1
    forbids showing a missing glyph, and Typst refuses the document) is shown as U+FFFD instead
    and added to ``missing``; after :data:`MAX_MISSING` such characters the PDF is not made."""
    import typst

    from .pdf_tags import tag_row_headers

    global _used
    _used = True

    with tempfile.TemporaryDirectory(prefix="begroot-typst-") as root:
        if images:
            (Path(root) / "media").mkdir()
            for name, data in images.items():
                (Path(root) / "media" / name).write_bytes(data)
        main = Path(root) / "main.typ"
        if timestamp is not None and timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=dt.timezone.utc)
        stamp = int(timestamp.timestamp()) if timestamp is not None else 0
        replaced: list[str] = []
        while True:
            main.write_text(source, encoding="utf-8")
            try:
                data = typst.compile(str(main), root=root, font_paths=_fonts(), ignore_system_fonts=True,
                                     pdf_standards="ua-1", timestamp=stamp, package_path=root,
                                     package_cache_path=root)
                break
            except typst.TypstError as exc:
                message = str(getattr(exc, "message", exc))
                glyph = _MISSING_GLYPH.search(message)
                shown = _typst_text(glyph.group(1)) if glyph else ""
                emoji = sorted(set(_EMOJI.findall(source))) if _EMOJI.search(shown) else []
                if emoji:  # every emoji of the document at once (one compilation, not one each)
                    replaced += emoji
                    source = _EMOJI.sub("\ufffd", source)
                    continue
                if shown and shown in source and len(replaced) < MAX_MISSING:
                    replaced.append(shown)
                    source = source.replace(shown, "\ufffd")
                    continue
                hints = "; ".join(getattr(exc, "hints", []) or [])
                if glyph:
                    hints = ("no font here has these characters: " + shown_characters(replaced + [shown])
                             + "; install a font that has them (Debian: fonts-noto-cjk for Chinese, Japanese "
                             "and Korean), remove them from the texts, or set pdf_engine = \"weasyprint\" under [site]")
                raise BegrootError(f"Typst could not make the PDF: {message}"
                                   + (f" ({hints})" if hints else "")) from None
    if missing is not None:
        missing.extend(replaced)
    return tag_row_headers(data, tables)


#: How many characters no font has the PDF may show as U+FFFD (each costs a compilation; the
#: emoji of a document count once, see _EMOJI).
MAX_MISSING = 12
#: An emoji with what joins it into one picture (skin tone, presentation selector, zero-width
#: joiner and the next emoji): no font the PDF uses has them, and each is shown as one U+FFFD.
_EMOJI_CHAR = "[\U0001F000-\U0001FAFF]"
_EMOJI = re.compile(f"{_EMOJI_CHAR}[\U0001F3FB-\U0001F3FF\ufe0e\ufe0f]*"
                    f"(?:\u200d[\u2600-\u27bf\U0001F000-\U0001FAFF][\U0001F3FB-\U0001F3FF\ufe0e\ufe0f]*)*")


def shown_characters(found: list[str]) -> str:
    """Characters no font has, for a message: each once, without the U+FFFD shown instead of one
    before, and with its code points ('👩 (U+1F469)')."""
    seen = []
    for item in found:
        item = item.replace("\ufffd", "").strip()
        if item and item not in seen:
            seen.append(item)
    return ", ".join(f"{item} ({' '.join(f'U+{ord(c):04X}' for c in item)})" for item in seen)


_used = False  # whether this process has used Typst (see :func:`used_here`)


def used_here() -> bool:
    """Whether this process has used Typst: a child it forks then waits forever for Typst's pool
    of threads, which are not in the child, and must make no Typst PDF."""
    return _used


_MISSING_GLYPH = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed')


def _typst_text(literal: str) -> str:
    """The text of a Typst string literal's inside, as Typst's error messages write it."""
    return re.sub(r'\\u\{([0-9a-fA-F]{1,6})\}|\\(.)',
                  lambda m: chr(int(m.group(1), 16)) if m.group(1) else {"n": "\n", "r": "\r", "t": "\t"}.get(
                      m.group(2), m.group(2)), literal)


def write_pdf_typst(budget: Budget, figures: dict[str, EditionFigures], edition_id: str, target: Path,
                    build_time: dt.datetime, stamp, fonts_key: str) -> Path:
    """Write the edition's PDF to ``target`` (from the build cache when the same document was made
    before). ``stamp``: see :func:`edition_typst`; ``fonts_key`` tells the system's fonts apart."""
    try:
        import typst  # noqa: F401
    except ImportError as exc:
        raise BegrootError(f"the PDF cannot be made with Typst: the typst package is not installed ({exc}). "
                           "Install it (pip install typst), or set pdf_engine = \"weasyprint\" under [site] "
                           "in begroot.toml") from None
    from .. import cache

    with working_on(f"the PDF of edition {edition_id} ({target.name})"):
        # The document's source is the PDF's address in the build cache; the inputs it is made
        # from find that address without making the source (0.3 s for a large edition, made for
        # every edition by each build before it found its PDF).
        inputs = _inputs_key(budget, edition_id, fonts_key)
        known = cache.get("pdf-inputs", inputs) if inputs is not None else None
        data = cache.get("pdf", known.decode("ascii")) if known else None
        if data is not None:
            workers.stop_if_orphaned()
            target.parent.mkdir(parents=True, exist_ok=True)
            return put(target, data)
        source, images, tables, refused = edition_typst(budget, figures, edition_id, build_time, stamp)
        # dated by the export, as the cover (none without one): not by the build, so that the
        # same inputs give the same PDF and the build cache can keep it
        date = budget.edition(edition_id).exported_at
        address = cache.key("pdf-typst", source, sorted(images), edition_id, str(date), _typst_version(),
                            fonts_key, TAGS_VERSION)
        data = cache.get("pdf", address)
        if data is not None and inputs is not None:
            cache.put("pdf-inputs", inputs, address.encode("ascii"))
        if data is None:
            missing: list[str] = []
            data = typst_pdf(source, images, tables, date, missing)
            if missing:
                texts = sorted({t.source for t in budget.edition(edition_id).texts
                                if any(m.replace("\ufffd", "") in t.html for m in missing)})
                sys.stderr.write(f"warning: {target.name}: no font here has {shown_characters(missing)}"
                                 f"{' (in ' + ', '.join(texts[:5]) + ')' if texts else ''}; the PDF shows "
                                 "\ufffd instead (install a font that has them, or remove them from the text)\n")
            if refused:  # as the WeasyPrint PDF: said on every build until it is gone, not kept
                shown = ", ".join(sorted(set(refused))[:5])
                sys.stderr.write(f"warning: {target.name}: left out what is not a file of the site: {shown}\n")
            if not refused and not missing:
                cache.put("pdf", address, data)
                if inputs is not None:
                    cache.put("pdf-inputs", inputs, address.encode("ascii"))
        workers.stop_if_orphaned()  # made in a process of its own whose build was killed: not written
        target.parent.mkdir(parents=True, exist_ok=True)
        # as every file of the site: never written into (it may be a link to the previous site's)
        return put(target, data)


def _inputs_key(budget: Budget, edition_id: str, fonts_key: str) -> str | None:
    """The build cache's address of what an edition's document is made from: the settings, every
    edition's data (its files' bytes and settings, as read: ``EditionData.content``) and export
    time, this edition's texts (their images are named by their bytes in the texts' HTML), and
    the code, fonts and Typst that make it. None when an edition's data has no such digest (no
    build cache)."""
    from .. import cache
    from ..render.page import texts_key

    if any(e.content is None for e in budget.editions):
        return None
    return cache.key("pdf-typst-inputs", budget.config.model_dump_json(),
                     [(e.id, e.content, str(e.exported_at)) for e in budget.editions],
                     texts_key(budget.edition(edition_id).texts), edition_id, _typst_version(), fonts_key, TAGS_VERSION)


def _typst_version() -> str:
    from importlib.metadata import version

    return version("typst")

