"""Finding one's way on the site: the sections of an edition (a nav under the header of every
page of that edition), the other programmes of a programme page with its previous and next, and
the "op deze pagina" list of a long page's sections."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .. import compare
from ..model import EditionData, Programme
from .page import Page, compare_path, programme_path

if TYPE_CHECKING:
    from .site import Site

#: Where a template wants the list of the page's sections ("op deze pagina"); see :func:`with_contents`.
CONTENTS_MARK = "<!--op-deze-pagina-->"

#: A long page: at least this many sections (h2 headings with an id) get a list of them.
CONTENTS_MIN = 4

# A section's heading as the templates write it: exactly `<h2 id="...">`; headings with other
# attributes (a visually hidden one, the heading of an aside) are not listed.
_SECTION = re.compile(r'<h2 id="([A-Za-z][\w-]*)">(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]*>")


def edition_of(site: Site, page: Page) -> EditionData | None:
    """The edition a page belongs to: its own, or the newer edition of a comparison."""
    if page.edition is not None:
        return page.edition
    parts = page.path.split("/")
    if len(parts) >= 3 and parts[0] == "vergelijk":
        return next((e for e in site.budget.editions if e.id == parts[2]), None)
    return None


def compare_target(site: Site, edition: EditionData) -> str | None:
    """The comparison an edition's section nav links to: with the edition before it (else the first after it)."""
    pairs = compare.pairs(site.budget.editions)
    newer = [compare_path(a, b) for a, b in pairs if b.id == edition.id]
    older = [compare_path(a, b) for a, b in pairs if a.id == edition.id]
    return (newer or older or [None])[0]


def sections(site: Site, page: Page) -> list[dict]:
    """The sections of the page's edition, each with its label, address (``path`` and an
    ``anchor``) and ``current``: "page" for the page itself, "true" for a page under it, or None.
    Empty for a page outside every edition."""
    edition = edition_of(site, page)
    if edition is None:
        return []
    t, base = site.t, edition.id
    has_figures = site.has_figures(edition)
    out = [
        ("overview", t["section_overview"], base, "", False),
        ("programmes", t["section_programmes"], base, "#alle-programmas",
         page.path.startswith(f"{base}/programma/")),
    ]
    if has_figures:
        out.append(("taakvelden", t["taakvelden"], f"{base}/taakvelden", "", False))
    if edition.goals:
        out.append(("goals", t["section_goals"], f"{base}/doelen", "", False))
    if has_figures or site.config.site.pdf:
        out.append(("downloads", t["section_downloads"], f"{base}/downloads", "", False))
    if any(s.account is not None for s in edition.sources):
        out.append(("account", t["section_account"], f"{base}/verantwoording", "", False))
    target = compare_target(site, edition)
    if target is not None:
        out.append(("compare", t["compare"], target, "", page.path.startswith("vergelijk/")))
    rows = []
    for key, label, path, anchor, under in out:
        current = "page" if page.path == path and not anchor else ("true" if under else None)
        rows.append({"key": key, "label": label, "path": path, "anchor": anchor, "current": current})
    return rows


# ----------------------------------------------------------------------------- programme pages
def _ordered(edition: EditionData, programmes: list[Programme]) -> list[Programme]:
    """Programmes first, then the BBV overviews (as the edition's overview lists them)."""
    return [p for p in programmes if not p.is_overview] + [p for p in programmes if p.is_overview]


def siblings(edition: EditionData, programme: Programme) -> list[Programme]:
    """The programme and the others at its level: the edition's programmes, or its parent's deelprogramma's."""
    if programme.parent is None:
        return _ordered(edition, edition.top_level())
    parent = edition.programmes[programme.parent]
    return [edition.programmes[c] for c in parent.children if c in edition.programmes]


#: A level of the programme list beside a programme page shows all its entries up to this many;
#: a longer level shows the entries around the page's own and a link to the whole list, so that
#: a page does not grow with the number of programmes (400 programmes made every page 48 KB of
#: links, and a build of 2,000 of them quadratic).
ASIDE_LIMIT = 25
#: How many entries before and after the page's own a shortened level shows.
ASIDE_RADIUS = 5


def programme_nav(site: Site, edition: EditionData, programme: Programme) -> dict:
    """The other programmes of the edition (the branch of ``programme`` opened to its
    deelprogramma's), and the previous and next programme at its level.

    Each level is ``{"items": [...], "more": None or a link to the whole list}``; see
    :data:`ASIDE_LIMIT`."""
    ancestors = set()
    node = programme.code
    while node is not None:
        ancestors.add(node)
        node = edition.programmes[node].parent
    t = site.t

    def level(programmes: list[Programme], parent: Programme | None) -> dict:
        shown, more = programmes, None
        if len(programmes) > ASIDE_LIMIT:
            at = next((i for i, p in enumerate(programmes) if p.code in ancestors), 0)
            start = max(0, min(at - ASIDE_RADIUS, len(programmes) - 2 * ASIDE_RADIUS - 1))
            shown = programmes[start:start + 2 * ASIDE_RADIUS + 1]
            if parent is None:
                more = {"label": t["all_n_programmes"].format(count=len(programmes)), "path": edition.id,
                        "anchor": "#alle-programmas"}
            else:
                more = {"label": t["all_n_deelprogrammas"].format(count=len(programmes)),
                        "path": programme_path(edition, parent), "anchor": ""}
        return {"items": [item(p) for p in shown], "more": more}

    def item(p: Programme) -> dict:
        children = [edition.programmes[c] for c in p.children if c in edition.programmes] if p.code in ancestors else []
        return {"label": site.programme_label(p, edition), "path": programme_path(edition, p),
                "current": "page" if p.code == programme.code else None,
                "children": level(children, p) if children else None}

    peers = siblings(edition, programme)
    at = next(i for i, p in enumerate(peers) if p.code == programme.code)

    def link(p: Programme | None) -> dict | None:
        return None if p is None else {"label": site.programme_label(p, edition), "path": programme_path(edition, p)}

    return {"tree": level(_ordered(edition, edition.top_level()), None),
            "previous": link(peers[at - 1] if at > 0 else None),
            "next": link(peers[at + 1] if at + 1 < len(peers) else None)}


# ----------------------------------------------------------------------------- op deze pagina
def contents(html: str) -> list[tuple[str, Markup]]:
    """The sections of a rendered page after the mark (until an aside): (id, heading text)."""
    start = html.find(CONTENTS_MARK)
    if start < 0:
        return []
    end = html.find("<aside", start)
    body = html[start:end if end >= 0 else len(html)]
    return [(m.group(1), Markup(" ".join(_TAG.sub("", m.group(2)).split()))) for m in _SECTION.finditer(body)]


def with_contents(html: str, title: str) -> str:
    """The page with a list of its sections in place of :data:`CONTENTS_MARK`, when it has at
    least :data:`CONTENTS_MIN` of them (without the mark where it has fewer)."""
    if CONTENTS_MARK not in html:
        return html
    found = contents(html)
    if len(found) < CONTENTS_MIN:
        return html.replace(CONTENTS_MARK, "", 1)
    items = "".join(f'<li><a href="#{escape(anchor)}">{label}</a></li>' for anchor, label in found)
    block = (f'<nav class="on-this-page" aria-labelledby="op-deze-pagina">'
             f'<p class="on-this-page-title" id="op-deze-pagina">{escape(title)}</p>'
             f"<ul>{items}</ul></nav>")
    return html.replace(CONTENTS_MARK, block, 1)
