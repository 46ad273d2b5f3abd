"""The full-text search index, built with Pagefind over the finished pages (Dutch stemming comes
from the pages' ``lang="nl"``). The index is static files under ``pagefind/``: searching needs no
server and no other host."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import BegrootError

# What the index leaves out, so that a result's excerpt is a sentence of the texts and not a run of
# figures: charts (their SVG titles are numbers), the figures in tables (a table's row and column
# headers, i.e. the names of programmes and taakvelden, stay findable), key figures, download
# links, and the lists that repeat on every page of an edition (contents, the programmes beside a
# programme, previous/next, breadcrumbs). The pages keep them; only the index does not see them.
NOT_INDEXED = ", ".join([
    "figure", "td.num", ".key-figures dd", "p.downloads", ".on-this-page", ".programme-aside", ".pager",
    ".section-nav", ".breadcrumbs",
])


def index_site(site: Path) -> None:
    """Write ``site/pagefind/``; raise BegrootError when Pagefind fails or is missing.

    The index is written beside the old one and swapped in, so a served site never has a
    half-written index, and files of an old index do not linger.
    """
    fresh, old, final = site / ".pagefind-new", site / ".pagefind-old", site / "pagefind"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(fresh),
             "--exclude-selectors", NOT_INDEXED, "--silent"],
            capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BegrootError(f"the search index could not be built: {exc}") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BegrootError("the search index could not be built: " + (detail[-1] if detail else "pagefind failed")
                           + " (is the package pagefind[bin] installed?)")
    write_editions(fresh)
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)


#: Beside Pagefind's index: which edition each indexed page belongs to, by Pagefind's page id.
EDITIONS_FILE = "begroot-editions.json"


def write_editions(index: Path) -> None:
    """Write ``begroot-editions.json``: {page id: edition title} from each page's ``editie``
    metadata, so that the search page can put the newest edition first and search one edition.

    (Pagefind's own filters would do this too, but their files differ from one run to the next,
    and the same input must give the same site.)"""
    editions = {}
    for fragment in sorted((index / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        data = data[len(b"pagefind_dcd"):] if data.startswith(b"pagefind_dcd") else data
        meta = json.loads(data).get("meta", {})
        if meta.get("editie"):
            editions[fragment.name.removesuffix(".pf_fragment")] = meta["editie"]
    (index / EDITIONS_FILE).write_text(json.dumps(editions, ensure_ascii=False, sort_keys=True, indent=0) + "\n",
                                       encoding="utf-8")
