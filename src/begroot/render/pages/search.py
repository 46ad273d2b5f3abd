"""The search page: Pagefind's search box, and without JavaScript a list of every page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..page import Page, PageSpec, programme_path

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    return [PageSpec("zoeken", site.site_digest, lambda: view(site))]


def view(site: Site) -> Page:
    items = []
    for edition in site.editions_sorted():
        items.append({"path": edition.id, "title": f"{edition.config.display_title} {site.t['at_a_glance']}",
                      "edition": None})
        for p in edition.programmes.values():
            items.append({"path": programme_path(edition, p), "title": site.programme_label(p, edition),
                          "edition": edition.config.display_title})
    return Page("zoeken", "search.html", {"all_pages": items, "editions": [e.config.display_title for e in site.editions_sorted()]}, site.t["search"], crumbs=site.home_crumbs())
