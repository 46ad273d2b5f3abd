"""Search in Debian's Chromium, under `begroot serve` (so its Content-Security-Policy applies)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from begroot.cli import demo_project


@pytest.fixture(scope="module")
def served_demo():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "begroot", "serve", str(demo_project()), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def open_results(page, url: str) -> None:
    """Go to a search page URL and wait until its first results (or 'no results') are shown."""
    page.goto(url)
    page.wait_for_selector("#zoekresultaten h2", timeout=15000)
    page.wait_for_function("""() => { const h = document.querySelector('#zoekresultaten h2');
        return h && (h.textContent.startsWith('Geen') || document.querySelector('.search-results li')); }""",
                           timeout=15000)


def search(browser, url: str, query: str) -> list[tuple[str, str]]:
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_results(page, f"{url}/zoeken/?q={query}")
    results = [(a.inner_text(), a.get_attribute("href")) for a in page.locator(".search-results li > a").all()]
    assert page.locator("#alle-paginas").is_hidden()
    context.close()
    assert errors == []  # nothing refused by the Content-Security-Policy
    return results


def test_a_word_from_a_programme_text_finds_the_programme(browser, served_demo):
    results = search(browser, served_demo, "bibliotheek")
    assert any("Vitaal en Sociaal" in title or "Sport, cultuur" in title for title, _ in results), results


def test_a_stemmed_form_finds_it_too(browser, served_demo):
    # the AD text says "belastingen"; Dutch stemming makes "belasting" find it
    results = search(browser, served_demo, "belasting")
    assert any(title == "Algemene dekkingsmiddelen" for title, _ in results), results


def test_header_search_box_leads_to_results(browser, served_demo):
    context = browser.new_context()
    page = context.new_page()
    page.goto(served_demo + "/begroting-2024/")
    page.get_by_label("Zoek in de begroting").first.fill("schuldhulpverlening")
    page.keyboard.press("Enter")
    page.wait_for_selector(".search-results li", timeout=15000)
    assert page.locator(".search-results li").count() >= 1
    context.close()


def test_without_javascript_the_search_page_lists_every_page(browser, served_demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_demo + "/zoeken/")
    links = page.locator("#alle-paginas a")
    # each edition and its programmes, deelprogramma's and overviews: 16 in each of the three editions
    # with figures, 15 in the text-only begroting 2016
    assert links.count() == 3 * (1 + 16) + (1 + 15)
    assert page.get_by_label("Zoek in de begroting").count() == 2  # the page's own field and the header's
    assert page.locator(".search-edition").is_hidden()  # choosing an edition needs the script: not offered
    context.close()


def shown_results(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.search-results > li')].map(li => ({
        title: li.querySelector('a').textContent,
        href: li.querySelector('a').href,
        edition: (li.querySelector(':scope > .muted') || {textContent: ''}).textContent.replace(/[ ()]/g, ' ').trim(),
        excerpts: [...li.querySelectorAll('p')].map(p => p.textContent),
        sections: [...li.querySelectorAll('.search-sections a')].map(a => a.href),
    }))""")


@pytest.mark.parametrize("query", ["jeugd", "woningen", "belasting"])
def test_excerpts_of_the_top_results_are_sentences_not_figures(browser, served_demo, query):
    context = browser.new_context()
    page = context.new_page()
    open_results(page, f"{served_demo}/zoeken/?q={query}")
    results = shown_results(page)[:10]
    assert len(results) >= 3
    for r in results:
        assert r["excerpts"], r
        for excerpt in r["excerpts"]:
            digits = sum(c.isdigit() for c in excerpt)
            letters = sum(c.isalpha() for c in excerpt)
            assert digits < 0.2 * (digits + letters), (r["title"], excerpt)
    context.close()


def test_results_of_the_newest_edition_come_first(browser, served_demo):
    context = browser.new_context()
    page = context.new_page()
    open_results(page, f"{served_demo}/zoeken/?q=jeugd")
    order = [o for o in page.locator("#zoek-editie option").all_inner_texts()][1:]
    assert order[0] == "Begroting 2024" and order[-1] == "Begroting 2016"
    editions = [r["edition"] for r in shown_results(page)]
    ranks = [order.index(e) if e else len(order) for e in editions]
    assert editions[0] == "Begroting 2024" and "Begroting 2016" in editions
    assert ranks == sorted(ranks), editions
    context.close()


def test_an_edition_can_be_chosen(browser, served_demo):
    context = browser.new_context()
    page = context.new_page()
    open_results(page, f"{served_demo}/zoeken/?q=jeugd")
    everywhere = len(shown_results(page))
    page.locator("#zoek-editie").select_option("Begroting 2016")
    page.wait_for_function("() => document.querySelector('#zoekresultaten h2').textContent.endsWith('in Begroting 2016')",
                           timeout=15000)
    page.wait_for_selector(".search-results li", timeout=15000)
    results = shown_results(page)
    assert 0 < len(results) < everywhere
    assert {r["edition"] for r in results} == {"Begroting 2016"}
    assert all("/begroting-2016/" in r["href"] for r in results)
    assert "editie=Begroting%202016" in page.url  # the choice is in the address, to share or reload
    # and the address alone gives the same choice
    open_results(page, f"{served_demo}/zoeken/?q=hulpverleners&editie=Begroting%202016")
    assert page.locator("#zoek-editie").input_value() == "Begroting 2016"
    assert page.locator("#zoekresultaten h2").inner_text() == "1 resultaat voor hulpverleners in Begroting 2016"
    context.close()


def test_more_than_20_results_can_all_be_reached(browser, served_demo):
    context = browser.new_context()
    page = context.new_page()
    open_results(page, f"{served_demo}/zoeken/?q=gemeente")
    total = int(page.locator("#zoekresultaten h2").inner_text().split()[0])
    assert total > 20
    assert len(shown_results(page)) == 20
    assert page.locator(".search-shown").inner_text() == f"20 van {total} getoond"
    clicks = 0
    while page.locator(".search-more").count() and clicks < 10:
        before = len(shown_results(page))
        page.locator(".search-more").click()
        page.wait_for_function("n => document.querySelectorAll('.search-results > li').length > n", arg=before,
                               timeout=15000)
        # the keyboard goes on where the new results start
        assert page.evaluate("n => document.activeElement === "
                             "document.querySelectorAll('.search-results > li')[n].querySelector('a')", before)
        clicks += 1
    results = shown_results(page)
    assert len(results) == total and len({r["href"] for r in results}) == total
    assert page.locator(".search-shown").inner_text() == f"{total} van {total} getoond"
    context.close()


def test_a_result_points_to_the_section_with_the_words(browser, served_demo):
    context = browser.new_context()
    page = context.new_page()
    open_results(page, f"{served_demo}/zoeken/?q=huisartsen")
    first = shown_results(page)[0]
    assert first["title"] == "Programma 3: Vitaal en Sociaal" and first["sections"], first
    target = first["sections"][0]
    assert "#" in target
    page.goto(target)
    section = page.locator("#" + target.split("#", 1)[1])
    assert section.count() == 1
    assert "huisartsen" in section.locator("xpath=..").inner_text()
    context.close()


def test_one_result_is_singular(browser, served_demo):
    context = browser.new_context()
    page = context.new_page()
    # (a comparison of texts is not indexed: every text would be found once more in each comparison)
    open_results(page, f"{served_demo}/zoeken/?q=hulpverleners")
    assert page.locator("#zoekresultaten h2").inner_text() == "1 resultaat voor hulpverleners"
    open_results(page, f"{served_demo}/zoeken/?q=bibliotheek")
    assert page.locator("#zoekresultaten h2").inner_text() == "3 resultaten voor bibliotheek"
    context.close()


def test_search_results_have_no_wcag_violations(browser, served_demo):
    from .test_accessibility import axe_violations

    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    open_results(page, f"{served_demo}/zoeken/?q=gemeente")
    page.locator(".search-more").click()
    page.wait_for_function("() => document.querySelectorAll('.search-results > li').length > 20", timeout=15000)
    assert axe_violations(page) == []
    context.close()


def test_words_of_two_editions_are_found_through_the_merged_indexes(browser, served_demo):
    # each edition has an index of its own (pagefind/editie/<id>/), merged into the first by the script
    context = browser.new_context()
    page = context.new_page()
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "/pagefind/editie/" in r.url else None)
    open_results(page, f"{served_demo}/zoeken/?q=belasting")
    editions = {r["edition"] for r in shown_results(page)}
    assert {"Begroting 2024", "Begroting 2016"} <= editions, editions
    assert any("/editie/begroting-2016/" in url for url in fetched)
    # a word of one edition only is found there, and not as a shorter word in the others'
    # (Pagefind looks for a word an index lacks as the longest start of it the index has)
    open_results(page, f"{served_demo}/zoeken/?q=hulpverleners")
    assert [r["edition"] for r in shown_results(page)] == ["Begroting 2016"]
    context.close()
