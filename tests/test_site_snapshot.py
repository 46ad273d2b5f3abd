"""The site does not change unless a change means to: the demo, built with SOURCE_DATE_EPOCH, has
the same bytes in every text file (pages, tables, charts, style sheets, scripts) as recorded in
tests/snapshots/demo-site.sha256. A change that is meant to change the site records it anew:

    python -m pytest tests/test_site_snapshot.py --update-snapshot

and the manifest's diff in the commit shows which files changed. Files made by other programs
(PDF by Typst or WeasyPrint, XLSX by xlsxwriter, Parquet by Polars, the Pagefind index) are
left out: their bytes depend on those programs' versions, not on begroot; so are the downloads
pages, which show those files' sizes (tests/test_downloads.py checks each size shown).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from begroot.build import build

MANIFEST = Path(__file__).parent / "snapshots" / "demo-site.sha256"
TEXT_FILES = {".html", ".csv", ".json", ".svg", ".css", ".js"}


def manifest(site: Path) -> list[str]:
    return [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(site).as_posix()}"
            for p in sorted(site.rglob("*"))
            if p.is_file() and p.suffix in TEXT_FILES and "pagefind" not in p.relative_to(site).parts
            and not p.relative_to(site).as_posix().endswith("/downloads/index.html")]


def test_the_demo_site_is_the_recorded_one(tmp_path, demo_dir, monkeypatch, request):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    site = tmp_path / "site"
    build(demo_dir, site)
    now = manifest(site)
    assert len(now) > 400 and any(line.endswith("  index.html") for line in now)
    if request.config.getoption("--update-snapshot"):
        MANIFEST.write_text("\n".join(now) + "\n", encoding="utf-8")
    recorded = MANIFEST.read_text(encoding="utf-8").splitlines()
    changed = sorted({line.split("  ", 1)[1] for line in set(now) ^ set(recorded)})
    assert changed == [], (f"{len(changed)} files of the demo site differ from tests/snapshots/demo-site.sha256 "
                           f"(first: {changed[:5]}); if the change is meant, run "
                           "`python -m pytest tests/test_site_snapshot.py --update-snapshot`")
