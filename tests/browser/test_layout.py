"""Every page type at 320, 390, 768 and 1280 px, light and dark, of the demo and of a generated
project with ten editions: no page scrolls sideways; on a phone (390 px) every table of a
programme, deelprogramma or edition page shows all its figures without scrolling (a table with up
to four columns of figures as a table, a wider one as its cards); the text of every chart is
12–16 px at every width; axe-core finds nothing, best-practice rules included.

Each site is built once per session and each width and colour scheme is one browser context, so
the whole file takes about a minute or two.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from .conftest import PAGE_TYPES, QuietHandler

WIDTHS = (320, 390, 768, 1280)
SCHEMES = ("light", "dark")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: The page types whose tables must show every figure on a phone.
FIGURE_PAGES = ("edition", "programme", "deelprogramma", "jaarstukken programme", "jaarstukken edition")


def _serve(folder: Path):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _page_types(site: Path) -> dict[str, str]:
    """One page of every type of a generated site (its newest edition)."""
    edition = sorted(p.parent.name for p in site.glob("*/index.html") if p.parent.name.startswith("begroting-"))[-1]
    folders = sorted(p.name for p in (site / edition / "programma").iterdir())
    deel = next(name for name in folders if name.split("-")[1].isdigit())
    top = next(name for name in folders if deel.startswith(name.split("-")[0] + "-") and not name.split("-")[1].isdigit())
    comparison = sorted(site.glob("vergelijk/*/*/index.html"))[-1].parent.relative_to(site).as_posix()
    types = {"home": "/", "edition": f"/{edition}/", "programme": f"/{edition}/programma/{top}/",
             "deelprogramma": f"/{edition}/programma/{deel}/", "taakvelden": f"/{edition}/taakvelden/",
             "downloads": f"/{edition}/downloads/", "over": "/over/", "compare index": "/vergelijk/",
             "comparison": f"/{comparison}/"}
    if (site / edition / "doelen" / "index.html").exists():
        types["goals"] = f"/{edition}/doelen/"
    return types


@pytest.fixture(scope="session")
def ten_editions(tmp_path_factory):
    """A generated project with ten editions, built and served once for the session."""
    from benchmarks.generate import Size, write_city
    from begroot.build import build

    root = tmp_path_factory.mktemp("ten-editions")
    write_city(root / "project", Size(programmes=5, deel=2, editions=10, lines=3_000, words=40, xlsx_lines=0),
               log=lambda *a: None)
    site = root / "site"
    build(root / "project", site)
    server, url = _serve(site)
    yield url, _page_types(site)
    server.shutdown()


# One evaluation per page: how wide the document is, each table and its cells, each chart's text.
MEASURE = """() => {
  const view = document.documentElement.clientWidth;
  const tables = [...document.querySelectorAll('main table')].map(t => {
    const region = t.closest('.table-scroll');
    const row = t.tBodies[0] && t.tBodies[0].rows[0];
    const figures = row ? row.querySelectorAll('td.num').length : 0;
    const cells = [...t.querySelectorAll('td, tbody th, tfoot th')].filter(c => c.getClientRects().length);
    const outside = cells.filter(c => {
      const r = c.getBoundingClientRect();
      return r.left < -0.5 || r.right > view + 0.5 || c.scrollWidth > c.clientWidth + 1;
    }).map(c => c.textContent.trim().slice(0, 30));
    return {caption: t.caption ? t.caption.textContent.trim().slice(0, 50) : '', figures,
            stacked: getComputedStyle(t).display !== 'table',
            scrolls: region ? region.scrollWidth > region.clientWidth + 1 : t.scrollWidth > view,
            outside};
  });
  const sizes = [];
  for (const chart of document.querySelectorAll('.chart')) {
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, el = node.parentElement;
      if (!node.textContent.trim() || !el.getClientRects().length) continue;
      let size = parseFloat(getComputedStyle(el).fontSize);
      const svg = el.closest('svg');
      if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width)  // drawn text scales with its drawing
        size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      sizes.push([Math.round(size * 10) / 10, node.textContent.trim().slice(0, 20)]);
    }
  }
  return {overflow: document.documentElement.scrollWidth - view, tables, sizes};
}"""


def _axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return [f'{v["id"]}: {v["help"]} at {[" ".join(map(str, n["target"])) for n in v["nodes"][:3]]}'
            for v in results.response["violations"]]


def _check(page, base: str, types: dict[str, str], width: int, run_axe: bool) -> list[str]:
    problems = []
    for name, path in types.items():
        page.goto(base + path)
        m = page.evaluate(MEASURE)
        where = f"{name} at {width} px"
        if m["overflow"] > 0:
            problems.append(f"{where}: the page scrolls sideways by {m['overflow']} px")
        for size, text in m["sizes"]:
            if not 12 <= size <= 16:
                problems.append(f"{where}: chart text {text!r} is {size} px")
        if width == 390 and name in FIGURE_PAGES:
            for t in m["tables"]:
                if t["scrolls"]:
                    problems.append(f"{where}: table {t['caption']!r} scrolls sideways")
                if t["outside"]:
                    problems.append(f"{where}: table {t['caption']!r} cuts off {t['outside'][:3]}")
        if run_axe:
            problems += [f"{where}: {v}" for v in _axe(page)]
    return problems


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_fits_every_screen(browser, site_url, ten_editions, width, scheme):
    ten_url, ten_types = ten_editions
    context = browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)
    page = context.new_page()
    problems = _check(page, site_url, PAGE_TYPES, width, run_axe=True)
    # axe on the generated site at a phone's and a desktop's width (its pages are the demo's types)
    problems += [f"ten editions: {p}" for p in _check(page, ten_url, ten_types, width, run_axe=width in (390, 1280))]
    context.close()
    assert problems == [], "\n".join(problems)


def test_small_tables_stay_tables_on_a_phone(browser, site_url):
    """Up to four columns of figures fit 390 px as a table: the three-column "Lasten, baten en
    saldo" shows every figure whole (it was 401 px in 358, with "802." cut off)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES["programme"])
    m = page.evaluate(MEASURE)
    context.close()
    small = [t for t in m["tables"] if 0 < t["figures"] <= 4 and "Lasten, baten en saldo" in t["caption"]
             or t["caption"].startswith("Taakvelden")]
    assert small and all(not t["scrolls"] and not t["outside"] for t in small), small
    assert [t for t in small if "Lasten, baten en saldo" in t["caption"]][0]["stacked"] is False


def test_wide_tables_become_cards_on_a_phone_and_use_the_width_on_a_desktop(browser, site_url):
    """A comparison's tables: on a phone every figure shows with its column's name; on a desktop
    "Per programma" and "Per taakveld" are not cut off (1,145 and 1,339 px in a 960 px column)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES["comparison"])
    m = page.evaluate(MEASURE)
    wide = [t for t in m["tables"] if t["caption"].startswith(("Per programma", "Per taakveld"))]
    assert len(wide) == 2 and all(t["stacked"] and not t["outside"] and not t["scrolls"] for t in wide), wide
    labels = page.evaluate("""() => getComputedStyle(document.querySelector(
        '#taakvelden ~ .table-scroll td.num[data-label]'), '::before').content""")
    assert labels.startswith('"Lasten ')
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES["comparison"])
    m = page.evaluate(MEASURE)
    wide = [t for t in m["tables"] if t["caption"].startswith(("Per programma", "Per taakveld"))]
    assert len(wide) == 2 and all(not t["stacked"] and not t["scrolls"] and not t["outside"] for t in wide), wide
    context.close()
