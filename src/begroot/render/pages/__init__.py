"""The page types of the site: a module each, with its view (a :class:`~begroot.render.page.Page`
made from the model and the figures) and ``specs(site)``, the pages of that type with what each
depends on. Its template is ``render/templates/<name>.html``.

To add a page type: write its module and its template, and list the module here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..page import PageSpec
from . import about, account, compare, downloads, edition, goals, home, programme, search, taakvelden

#: Every page type, in the order its pages are listed (and made).
PAGE_TYPES = (home, about, search, edition, taakvelden, downloads, account, goals, programme, compare)

if TYPE_CHECKING:
    from ..site import Site


def specs(site: Site) -> list[PageSpec]:
    """Every page of the site with what it depends on, in the order of :data:`PAGE_TYPES`; a page
    is made only when needed."""
    return [spec for kind in PAGE_TYPES for spec in kind.specs(site)]
