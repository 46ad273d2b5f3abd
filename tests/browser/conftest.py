"""Browser tests: Debian's Chromium driven through Playwright (never a downloaded browser).

The demo is built once, served on a loopback port, and every page type is visited. Without
/usr/bin/chromium the tests are skipped with a reason, except in CI (CI=true), where
.ci/run installs Chromium and a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from ..conftest import missing_programs_reason

CHROMIUM = os.environ.get("BEGROOT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-sync", "--disable-gpu"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run must install Debian's chromium")
        pytest.skip(missing_programs_reason([CHROMIUM], "; browser tests skipped"))
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(demo_built):
    site, _ = demo_built  # the session's build of the demo (tests/conftest.py)
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


PAGE_TYPES = {
    "home": "/",
    "edition": "/begroting-2024/",
    "programme": "/begroting-2024/programma/3-vitaal-en-sociaal/",
    "deelprogramma": "/begroting-2024/programma/3-3-sociaal-domein/",
    "overview": "/begroting-2024/programma/oh-overhead/",
    "taakvelden": "/begroting-2024/taakvelden/",
    "goals": "/begroting-2024/doelen/",
    "over": "/over/",
    "statement": "/over/toegankelijkheid/",
    "search": "/zoeken/",
    "downloads": "/begroting-2024/downloads/",
    "jaarstukken programme": "/jaarstukken-2023/programma/3-vitaal-en-sociaal/",
    "text-only edition": "/begroting-2016/",
    "text-only programme": "/begroting-2016/programma/4-welzijn-gezondheid-zorg-en-vernieuwing-sociaal-domein/",
    "text-only downloads": "/begroting-2016/downloads/",
    "jaarstukken edition": "/jaarstukken-2023/",
    "compare index": "/vergelijk/",
    "comparison": "/vergelijk/begroting-2023/begroting-2024/",
    "comparison across a restructuring": "/vergelijk/begroting-2016/begroting-2023/",
    "comparison of editions far apart": "/vergelijk/begroting-2016/begroting-2024/",
    "comparison of texts": "/vergelijk/begroting-2016/begroting-2023/teksten/",
}
