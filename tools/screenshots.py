"""Screenshots of every page type at phone (390 px) and desktop (1280 px) width, light and dark.

    python tools/screenshots.py [PROJECT] [--out screenshots]

Builds the project (default: the bundled demo), serves it on a free loopback port and drives
Debian's Chromium through Playwright (never a downloaded browser).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from begroot.build import build
from begroot.cli import demo_project

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def page_types(site: Path) -> dict[str, str]:
    edition = sorted(p.parent.parent.name for p in site.glob("*/taakvelden/index.html"))[0]
    programmes = sorted((site / edition / "programma").iterdir())
    top = next(p.name for p in programmes if p.name[0].isdigit() and not p.name.split("-")[1].isdigit())
    child = next((p.name for p in programmes if len(p.name.split("-")) > 2 and p.name.split("-")[1].isdigit()), top)
    types = {
        "home": "/", "edition": f"/{edition}/", "programme": f"/{edition}/programma/{top}/",
        "deelprogramma": f"/{edition}/programma/{child}/", "taakvelden": f"/{edition}/taakvelden/", "over": "/over/",
        "goals": f"/{edition}/doelen/", "statement": "/over/toegankelijkheid/",
        "downloads": f"/{edition}/downloads/", "account": f"/{edition}/verantwoording/", "search": "/zoeken/",
        "compare-index": "/vergelijk/",
    }
    types = {name: path for name, path in types.items() if (site / path.strip("/") / "index.html").is_file()}
    comparisons = sorted(site.glob("vergelijk/*/*/index.html"))
    if comparisons:
        types["compare"] = "/" + comparisons[-1].parent.relative_to(site).as_posix() + "/"
    for text_only in sorted(p.parent for p in site.glob("*/programma") if not (p.parent / "taakvelden").is_dir())[:1]:
        types["text-only"] = f"/{text_only.name}/"  # an edition without figures
    for annual in sorted(site.glob("jaarstukken-*/programma/*/index.html"))[:1]:
        types["jaarstukken"] = "/" + annual.parent.parent.parent.name + "/"
        types["jaarstukken-programme"] = "/" + annual.parent.relative_to(site).as_posix() + "/"
    return types


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=demo_project())
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args()
    site = Path(tempfile.mkdtemp()) / "site"
    build(args.project, site)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for scheme in ("light", "dark"):
            for width in (390, 1280):
                ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = ctx.new_page()
                for name, path in page_types(site).items():
                    page.goto(base + path)
                    target = args.out / f"{name}-{width}-{scheme}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                ctx.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
