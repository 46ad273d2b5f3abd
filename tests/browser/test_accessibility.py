"""The keyboard path from the home page to a programme's table; the site without JavaScript; no
request leaves the site. (axe-core on every page type, at every width, light and dark, best
practices included, is in test_layout.py; ``axe_violations`` here is its WCAG-only form.)"""

from __future__ import annotations

from .conftest import PAGE_TYPES

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    out = []
    for v in results.response["violations"]:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
        out.append(f'{v["id"]} ({v["impact"]}): {v["help"]} at {targets}')
    return out


def test_page_does_not_scroll_sideways_on_a_phone(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    for name, path in PAGE_TYPES.items():
        page.goto(site_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
    context.close()


def test_edition_cards_hold_their_figures(browser, site_url):
    """With several editions side by side on the home page, no figure sticks out of its card."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + "/")
    outside = page.evaluate("""() => [...document.querySelectorAll('.card')].flatMap(card => {
        const box = card.getBoundingClientRect();
        return [...card.querySelectorAll('.key-figures > div')].filter(el => {
            const r = el.getBoundingClientRect();
            return r.left < box.left || r.right > box.right;
        }).map(el => card.querySelector('h3').textContent.trim() + ': ' + el.textContent.trim());
    })""")
    assert page.locator(".card").count() == 4
    assert outside == []
    context.close()


def test_keyboard_path_from_home_to_a_programme_table(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + "/")

    def tab_to(predicate_js: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(predicate_js):
                return
        raise AssertionError(f"could not reach element with the keyboard: {predicate_js}")

    # the first Tab lands on the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    tab_to("document.activeElement.textContent.trim() === 'Begroting 2024' && "
           "document.activeElement.closest('main') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/begroting-2024/")
    tab_to("document.activeElement.tagName === 'A' && document.activeElement.textContent.includes('Vitaal en Sociaal')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/programma/3-vitaal-en-sociaal/")
    # the table region can be focused (and scrolled) with the keyboard
    tab_to("document.activeElement.matches('.table-scroll') && "
           "document.activeElement.querySelector('caption').textContent.includes('Lasten, baten en saldo')")
    context.close()


def test_site_works_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for name, path in PAGE_TYPES.items():
        response = page.goto(site_url + path)
        assert response.status == 200, name
        assert page.locator("h1").count() == 1, name
        assert page.locator("footer").inner_text().count("Deze pagina is gebouwd op") == 1, name
    page.goto(site_url + PAGE_TYPES["edition"])
    assert "1.331.787" in page.locator("main").inner_text()
    context.close()


def test_no_request_leaves_the_site(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    foreign = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(site_url) else None)
    for path in PAGE_TYPES.values():
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    context.close()
    assert foreign == []
