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


def search(browser, url: str, query: str) -> list[tuple[str, str]]:
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/zoeken/?q={query}")
    page.wait_for_selector("#zoekresultaten h2", timeout=15000)
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
    page.wait_for_selector("#zoekresultaten h2", timeout=15000)
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
    context.close()
