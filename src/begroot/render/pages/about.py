"""The colophon (/over/: each edition's sources, the build's warnings) and the accessibility
statement (/over/toegankelijkheid/), which the writer makes last, from the audit of every page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import printable
from ..page import Page, PageSpec

if TYPE_CHECKING:
    from ..audit import AuditResult
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec("over", None, lambda: view(site))]  # it lists the warnings: always made


def _warning(site: Site, w) -> dict:
    """A warning of the check for the colophon: where, in the site's language; what and the hint
    as begroot gives them (in English)."""
    where = [w.file] if w.file else []
    if w.row is not None:
        where.append(site.t["warning_row"].format(n=w.row))
    if w.column:
        where.append(site.t["warning_column"].format(name=f'"{w.column}"'))
    return {"where": printable(", ".join(where)), "message": printable(w.message),
            "hint": printable(w.hint) if w.hint else None}


#: The colophon shows at most this many warnings of one kind (code); the rest are counted there
#: and all of them are in :data:`WARNINGS_FILE` (an export with 200,000 lines in grey Iv3 cells
#: made a 75 MB page).
WARNINGS_SHOWN = 10
#: Every warning of the build, beside the colophon (written by publish.site).
WARNINGS_FILE = "meldingen.csv"


def warnings_rows(site: Site) -> list[dict]:
    """Every warning as a row of :data:`WARNINGS_FILE`."""
    return [{"bestand": w.file or "", "rij": w.row if w.row is not None else "", "kolom": w.column or "",
             "code": w.code, "melding": printable(w.message), "tip": printable(w.hint or "")}
            for w in site.warnings]


def view(site: Site) -> Page:
    editions = [{"edition": e, "sources": e.sources} for e in site.editions_sorted()]
    shown, seen, left_out = [], {}, {}
    for w in site.warnings:
        seen[w.code] = seen.get(w.code, 0) + 1
        if seen[w.code] <= WARNINGS_SHOWN:
            shown.append(_warning(site, w))
        else:
            left_out[w.code] = left_out.get(w.code, 0) + 1
    return Page("over", "about.html", {
        "editions": editions, "warnings": shown, "warnings_count": len(site.warnings),
        "warnings_left_out": sorted(left_out.items(), key=lambda kv: -kv[1]), "warnings_file": WARNINGS_FILE,
        "colophon_html": site.colophon_html,
    }, site.t["colophon"], crumbs=site.home_crumbs())


def statement(site: Site, result: AuditResult) -> Page:
    """The accessibility statement, with the audit of every page."""
    settings = site.config.accessibility
    contact = settings.contact or site.config.organisation.email
    web = bool(contact) and contact.startswith(("https://", "http://"))
    return Page("over/toegankelijkheid", "statement.html", {
        "status": settings.status, "audited": settings.audited,
        "contact": contact, "contact_href": contact if web else f"mailto:{contact}",
        "audit_rows": result.rows(site.language), "audit_pages": result.pages, "audit_passed": result.passed,
        "date": site.build_time.date(),
    }, site.t["statement"], crumbs=[(site.t["home"], ""), (site.t["colophon"], "over")])
