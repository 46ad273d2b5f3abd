"""Content begroot's demo does not have, as readers meet it on a phone (390 px) and a desktop
(1280 px): programme and deelprogramma names of 80+ characters with long compound words, amounts
in the billions, eleven year columns, and texts with a wide Markdown table, a long URL, a long
word, an image and a code block. Every page type is built once per session from a small
generated project (the benchmarks' synthetic city, renamed and given such texts)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from .conftest import serve

LONG_PROGRAMME = ("Gemeenschappelijkeregelingenverantwoordingsbijlage en de bijbehorende meerjarige "
                  "investeringsplanning voor de hele regio")
LONG_DEEL = "Onderhoudsverplichtingenkapitaalgoederenbeheersplannen en vervangingsinvesteringen deel {}"
LONG_URL = ("https://www.example.org/documenten/begroting/2026/bijlagen/gemeenschappelijkeregelingen/"
            "verantwoordingsbijlage-definitief-versie-3-vastgesteld-door-de-gemeenteraad-op-12-november.pdf")
WIDE_TABLE = ("| " + " | ".join(f"Kolom {i} Investeringsvolume" for i in range(12)) + " |\n|" + "---|" * 12 + "\n"
              + "\n".join("| " + " | ".join(f"{(r + 1) * (i + 1) * 1234567:,}".replace(",", ".") for i in range(12))
                          + " |" for r in range(3)))
EXTRA_TEXT = (f"\n\nZie {LONG_URL} voor alles. Het woord Arbeidsongeschiktheidsverzekeringsmaatschappijenonderzoek "
              f"staat hier ook.\n\nTabel: Investeringen per jaar\n\n{WIDE_TABLE}\n\n{WIDE_TABLE}\n\n"
              "![Kaart van de wijken](plaatjes/kaart.png)\n\n"
              "```\nEen codeblok: " + "a" * 120 + "\n```\n")


def _png(path: Path, width: int = 1600, height: int = 200) -> None:
    raw = b"".join(b"\x00" + bytes([y % 256, 80, 160]) * width for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_stress_project(root: Path) -> None:
    from benchmarks.generate import Size, write_city

    write_city(root, Size(programmes=2, deel=2, editions=1, lines=600, words=60, xlsx_lines=0, first_year=2026),
               log=lambda *a: None)
    edition = root / "begroting-2026"
    rows = (edition / "programmas.csv").read_text(encoding="utf-8").splitlines()
    renamed = [rows[0]]
    for row in rows[1:]:
        code, _, parent, *rest = row.split(";")
        name = LONG_DEEL.format(code) if parent else f"{LONG_PROGRAMME} {code}"
        renamed.append(";".join([code, name, parent, *rest]))
    (edition / "programmas.csv").write_text("\n".join(renamed) + "\n", encoding="utf-8")
    (edition / "teksten" / "plaatjes").mkdir()
    _png(edition / "teksten" / "plaatjes" / "kaart.png")
    for text in sorted((edition / "teksten").glob("*-doelstelling.md")) + [edition / "teksten" / "inleiding.md"]:
        text.write_text(text.read_text(encoding="utf-8").rstrip("\n") + EXTRA_TEXT, encoding="utf-8")


@pytest.fixture(scope="session")
def stress_site(tmp_path_factory):
    """The stress project, built and served: (base URL, one page of every type)."""
    from begroot.build import build

    root = tmp_path_factory.mktemp("stress")
    write_stress_project(root / "project")
    site = root / "site"
    build(root / "project", site)
    folders = sorted(p.name for p in (site / "begroting-2026" / "programma").iterdir())
    types = {"home": "/", "edition": "/begroting-2026/", "programme": f"/begroting-2026/programma/{folders[0]}/",
             "deelprogramma": f"/begroting-2026/programma/{folders[1]}/", "taakvelden": "/begroting-2026/taakvelden/",
             "downloads": "/begroting-2026/downloads/", "account": "/begroting-2026/verantwoording/",
             "over": "/over/", "statement": "/over/toegankelijkheid/", "search": "/zoeken/"}
    missing = [name for name, path in types.items() if not (site / path.strip("/") / "index.html").exists()]
    assert missing == [], missing
    server, url = serve(site)
    yield url, types
    server.shutdown()


# Whatever sticks out of the page's width, unless an element that scrolls or clips holds it; and
# every table of the page's main part with what holds it.
MEASURE = """() => {
  const view = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= view + 0.5) continue;
    let p = el.parentElement, held = false;
    for (; p; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') { held = true; break; }
    if (!held) out.push(el.tagName.toLowerCase() + ' ' + (el.textContent || '').trim().slice(0, 40));
  }
  const tables = [...document.querySelectorAll('main table')].map(t => {
    const box = t.closest('.table-scroll');
    return {caption: t.caption ? t.caption.textContent.trim().slice(0, 40) : t.textContent.trim().slice(0, 40),
            region: !!box && box.getAttribute('role') === 'region' && box.tabIndex === 0
                    && !!(box.getAttribute('aria-label') || box.getAttribute('aria-labelledby')),
            fits: box ? true : t.getBoundingClientRect().right <= view + 0.5};
  });
  return {overflow: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth,
          out: out.slice(0, 5), tables};
}"""


def _measure(browser, stress_site, width: int) -> dict[str, dict]:
    url, types = stress_site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    for name, path in types.items():
        page.goto(url + path)
        found[name] = page.evaluate(MEASURE)
    context.close()
    return found


def test_every_table_is_in_a_labelled_region_a_keyboard_can_scroll(browser, stress_site):
    """A table in a writer's text (twelve columns, with a caption and without) is in a region of
    its own, named by its caption or "Tabel uit de tekst", that scrolls sideways and takes the
    keyboard's focus, as the site's own tables are (it stood bare in the text and made the phone's
    page scroll sideways by 1,736 px)."""
    found = _measure(browser, stress_site, 390)
    problems = [f"{name}: table {t['caption']!r} is not in a labelled, focusable region"
                for name, m in found.items() for t in m["tables"] if not t["region"]]
    assert problems == [], "\n".join(problems)
    captions = [t["caption"] for t in found["programme"]["tables"]]
    assert "Investeringen per jaar" in captions


@pytest.mark.parametrize("width", (390, 1280))
def test_long_names_urls_and_words_wrap_inside_the_page(browser, stress_site, width):
    """No page scrolls sideways and nothing sticks out of it: a long URL or compound word in a
    text, a code block, an 80-character name of long compound words in the list of search results
    without JavaScript, the accessibility statement's list of pages, the programme list beside a
    programme and a chart's title all wrap (at 390 px the search page and the statement scrolled
    sideways by 180 px; at 1280 the programme list ran over the page's edge)."""
    problems = [f"{name}: the page scrolls sideways by {m['overflow']} px; out: {m['out']}" if m["overflow"] > 0
                else f"{name}: sticks out of the page: {m['out']}"
                for name, m in _measure(browser, stress_site, width).items() if m["overflow"] > 0 or m["out"]]
    assert problems == [], "\n".join(problems)
