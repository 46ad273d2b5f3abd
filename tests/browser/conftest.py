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
    "account": "/begroting-2024/verantwoording/",
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


def serve(folder: Path):
    """Serve ``folder`` on a loopback port: (server, base URL)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


#: The ten editions of the generated project: eight budgets, a text-only one and a jaarstukken.
TEN_BUDGETS = range(2021, 2029)
TEN_TEXT_ONLY = "begroting-2020"
TEN_JAARSTUKKEN = "jaarstukken-2021"


def write_ten_editions(root: Path) -> None:
    """A project of ten editions: the benchmarks' synthetic city with eight budgets (2021 … 2028),
    plus a text-only begroting 2020 (the programmes and texts of 2021) and the jaarstukken 2021
    (each budget line of 2021 as planned and, 3–12 % off, as realised: plan against realisation)."""
    import shutil

    from benchmarks.generate import Size, dutch, write_city

    write_city(root, Size(programmes=5, deel=2, editions=len(TEN_BUDGETS), lines=3_000, words=40, xlsx_lines=0,
                          first_year=TEN_BUDGETS[0]), log=lambda *a: None)
    first = root / f"begroting-{TEN_BUDGETS[0]}"
    for edition in (TEN_TEXT_ONLY, TEN_JAARSTUKKEN):
        (root / edition).mkdir()
        shutil.copy(first / "programmas.csv", root / edition / "programmas.csv")
        shutil.copytree(first / "teksten", root / edition / "teksten")
    lines = (first / "financien.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for n, line in enumerate(lines[1:]):
        *key, year, column, amount = line.split(";")
        if column != "Begroting":
            continue
        euros, cents = amount.split(",")
        planned = int(euros.replace(".", "") + cents)
        realised = planned * (88 + n % 10 + 15 * (n % 7 == 0)) // 100
        out += [";".join([*key, year, "Begroting", amount]), ";".join([*key, year, "Realisatie", dutch(realised)])]
    (root / TEN_JAARSTUKKEN / "financien.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    toml = (root / "begroot.toml").read_text(encoding="utf-8")
    budget = toml[toml.index("[[editions]]"):toml.index("[[editions]]", toml.index("[[editions]]") + 1)]
    jaar = TEN_JAARSTUKKEN.split("-")[1]
    toml += "\n" + budget.replace(f'id = "begroting-{jaar}"', f'id = "{TEN_JAARSTUKKEN}"').replace(
        'kind = "begroting"', 'kind = "jaarstukken"').replace(f'"Begroting {jaar}"', f'"Jaarstukken {jaar}"').replace(
        f"exported_at = {int(jaar) - 1}-09-15", f"exported_at = {int(jaar) + 1}-04-15")
    text_year = TEN_TEXT_ONLY.split("-")[1]
    toml += (f'\n[[editions]]\nid = "{TEN_TEXT_ONLY}"\nkind = "begroting"\nyear = {text_year}\n'
             f'title = "Begroting {text_year}"\ntext_only = true\n')
    (root / "begroot.toml").write_text(toml, encoding="utf-8")


def ten_edition_pages(site: Path) -> dict[str, str]:
    """One page of every type of the ten-edition site (of its newest budget, its jaarstukken and
    its text-only edition)."""
    edition = f"begroting-{TEN_BUDGETS[-1]}"
    folders = sorted(p.name for p in (site / edition / "programma").iterdir())
    deel = next(name for name in folders if name.split("-")[1].isdigit())
    top = next(name for name in folders if deel.startswith(name.split("-")[0] + "-") and not name.split("-")[1].isdigit())
    comparison = f"vergelijk/begroting-{TEN_BUDGETS[-2]}/{edition}"
    types = {"home": "/", "edition": f"/{edition}/", "programme": f"/{edition}/programma/{top}/",
             "deelprogramma": f"/{edition}/programma/{deel}/", "taakvelden": f"/{edition}/taakvelden/",
             "downloads": f"/{edition}/downloads/",
             "account": f"/{edition}/verantwoording/", "over": "/over/", "statement": "/over/toegankelijkheid/",
             "search": "/zoeken/", "jaarstukken edition": f"/{TEN_JAARSTUKKEN}/",
             "jaarstukken programme": f"/{TEN_JAARSTUKKEN}/programma/{top}/",
             "text-only edition": f"/{TEN_TEXT_ONLY}/", "compare index": "/vergelijk/", "comparison": f"/{comparison}/"}
    if (site / edition / "doelen" / "index.html").exists():  # the city has goals only with indicators
        types["goals"] = f"/{edition}/doelen/"
    missing = [name for name, path in types.items() if not (site / path.strip("/") / "index.html").exists()]
    assert missing == [], f"the ten-edition site has no page of type {missing}"
    return types


@pytest.fixture(scope="session")
def ten_editions(tmp_path_factory):
    """The project of ten editions (write_ten_editions), built and served once for the session:
    (base URL, one page of every type)."""
    from begroot.build import build

    root = tmp_path_factory.mktemp("ten-editions")
    write_ten_editions(root / "project")
    site = root / "site"
    build(root / "project", site)
    server, url = serve(site)
    yield url, ten_edition_pages(site)
    server.shutdown()
