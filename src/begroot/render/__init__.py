"""What is on each page of the site, and how it reads: the page types (:mod:`.pages`, one module
each beside its template in ``templates/``), what they share (:mod:`.site`, :mod:`.parts`,
:mod:`.page`), the display formats (:mod:`.format`, Babel), charts as inline SVG with their data
(:mod:`.charts`), the accessibility audit of a page (:mod:`.audit`) and the interface strings in
Dutch and English (:mod:`.strings`).

Nothing here writes files: :mod:`begroot.publish.site` writes the pages and what goes beside them.
"""
