"""Every page type at 320, 390, 768 and 1280 px, light and dark, of the demo and of a generated
project with ten editions: no page scrolls sideways; on a phone (390 px) every table of a
programme, deelprogramma or edition page shows all its figures without scrolling (a table with up
to four columns of figures as a table, a wider one as its cards); the text of every chart is
12–16 px at every width; axe-core finds nothing, best-practice rules included.

Each site is built once per session (the ten-edition one in conftest.py, shared with
test_navigation.py) and each width and colour scheme is one browser context: 38 pages in each of
the eight, each measured and checked with axe, about 3–4 minutes on a busy 2-core machine.
"""

from __future__ import annotations

import pytest

from .conftest import PAGE_TYPES

WIDTHS = (320, 390, 768, 1280)
SCHEMES = ("light", "dark")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: The page types whose tables must show every figure on a phone.
FIGURE_PAGES = ("edition", "programme", "deelprogramma", "jaarstukken programme", "jaarstukken edition")


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
  // Headings break between words or at a hyphen (soft or not), never inside a word: Chromium here
  // has no Dutch hyphenation dictionary, so "Toegankelijkheidsverklarin / g" needs a soft hyphen.
  const broken = [];
  for (const h of document.querySelectorAll('main h1, main h2')) {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    let top = null, breakable = false;
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (let i = 0; i < node.length; i++) {
        const ch = node.data[i];
        if (/[\\s\\u00ad\\-\\u2013\\/]/.test(ch)) { breakable = true; continue; }
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rects = range.getClientRects(), rect = rects[rects.length - 1];  // the first of a line: its last
        if (!rect || !rect.width) continue;
        if (top !== null && rect.top > top + rect.height / 2 && !breakable)
          broken.push(h.textContent.replace(/\\u00ad/g, '').trim().slice(0, 40) + ' (before ' + JSON.stringify(ch) + ')');
        top = rect.top; breakable = false;
      }
    }
  }
  return {overflow: document.documentElement.scrollWidth - view, tables, sizes, broken};
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
        problems += [f"{where}: heading {text!r} breaks inside a word" for text in m["broken"]]
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
    # axe on the generated site too, at every width and in both schemes: each of the four widths
    # falls in another range of the style sheet's media queries (24, 30, 40, 48 and 64 rem), and
    # the dark scheme has its own colours, so no combination stands for another
    problems += [f"ten editions: {p}" for p in _check(page, ten_url, ten_types, width, run_axe=True)]
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


@pytest.mark.parametrize("width", (1024, 1280, 1600))
def test_wide_tables_beside_the_programme_list_stay_on_the_screen(browser, site_url, width):
    """On a desktop a programme page has the list of programmes beside it; its table of
    deelprogramma's (eight columns) was centred on the narrower column and started 116 px left of
    the screen (44 px at 1600), its caption and names cut off where no scrolling reaches. Every
    table region of every page type now starts and ends on the screen."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    for name, path in PAGE_TYPES.items():
        page.goto(site_url + path)
        problems += [f"{name}: {box}" for box in page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
            .map(e => [e.getAttribute('aria-labelledby') || e.getAttribute('aria-label'), e.getBoundingClientRect()])
            .filter(([, r]) => r.left < -0.5 || r.right > document.documentElement.clientWidth + 0.5)
            .map(([name, r]) => `${name}: ${Math.round(r.left)}..${Math.round(r.right)}`)""")]
    context.close()
    assert problems == [], "\n".join(problems)
