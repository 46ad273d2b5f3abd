"""The colophon (/over/: each edition's sources, the build's warnings) and the accessibility
statement (/over/toegankelijkheid/), which the writer makes last, from the audit of every page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..page import Page, PageSpec

if TYPE_CHECKING:
    from ..audit import AuditResult
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec("over", None, lambda: view(site))]  # it lists the warnings: always made


def view(site: Site) -> Page:
    editions = [{"edition": e, "sources": e.sources} for e in site.editions_sorted()]
    return Page("over", "about.html", {
        "editions": editions, "warnings": [w.format() for w in site.warnings],
        "colophon_html": site.colophon_html,
    }, site.t["colophon"], crumbs=site.home_crumbs())


def statement(site: Site, result: AuditResult) -> Page:
    """The accessibility statement, with the audit of every page."""
    settings = site.config.accessibility
    return Page("over/toegankelijkheid", "statement.html", {
        "status": settings.status, "audited": settings.audited,
        "contact": settings.contact or site.config.organisation.email,
        "audit_rows": result.rows(site.language), "audit_pages": result.pages, "audit_passed": result.passed,
        "date": site.build_time.date(),
    }, site.t["statement"], crumbs=[(site.t["home"], ""), (site.t["colophon"], "over")])
