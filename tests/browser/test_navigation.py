"""Navigation in a browser: the edition's sections on every page type of an edition, a header
that stays small with ten editions, the edition switcher without JavaScript, a programme's
previous/next and the other programmes, and axe-core (best practices included) on the pages
this navigation changed."""

from __future__ import annotations

import pytest

from .conftest import PAGE_TYPES, TEN_BUDGETS

EDITION_PAGES = {name: path for name, path in PAGE_TYPES.items()
                 if path.startswith(("/begroting-", "/jaarstukken-", "/vergelijk/begroting"))}


def test_section_nav_on_every_page_type_of_an_edition(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for name, path in EDITION_PAGES.items():
        page.goto(site_url + path)
        nav = page.locator("nav.section-nav")
        assert nav.count() == 1, name
        assert nav.locator("a").first.inner_text() == "Overzicht", name
        assert nav.locator("a[aria-current]").count() >= (0 if name.startswith("text-only") else 1), name
        assert nav.is_visible(), name
    context.close()


def test_the_page_heading_comes_soon_on_a_phone(browser, site_url):
    """At 390 x 844 the h1 of every page type of an edition starts at most 240 px down (28 % of the
    screen; it was 315-372 px): the header (114 px on the demo), the sections in two compact rows
    and the way up to the parent in one line, so that the heading and the first lines of the page
    are on the first screen. Every section stays visible, and the parent is one tap away."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    tops = {}
    for name, path in EDITION_PAGES.items():
        page.goto(site_url + path)
        tops[name] = page.locator("main h1").bounding_box()["y"]
        assert page.locator("nav.section-nav a:visible").count() == page.locator("nav.section-nav a").count() >= 4
        crumbs = page.locator("nav.breadcrumbs a:visible")
        assert crumbs.count() == 1, name  # the parent: the page's own title is its h1
        assert crumbs.bounding_box()["height"] < 30, name  # one line
    assert max(tops.values()) <= 240, tops
    context.close()


def test_header_takes_at_most_a_quarter_of_a_phone_with_ten_editions(browser, ten_editions):
    """On every page type of the ten-edition site at 390 x 844 the header is at most 211 px high,
    the switcher lists the ten editions and "all editions", and the page does not scroll sideways."""
    url, types = ten_editions
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems = []
    for name, path in types.items():
        page.goto(url + path)
        links = page.locator("details.edition-switch li a").count()
        height = page.locator("header.site-header").bounding_box()["height"]
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if links != 11 or height > 844 / 4 or overflow > 0:
            problems.append(f"{name}: {links} editions in the switcher, header {height} px, {overflow} px sideways")
    context.close()
    assert len(types) >= 15 and problems == [], "\n".join(problems)


def test_edition_switcher_works_without_javascript(browser, ten_editions):
    url, _ = ten_editions
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(url + f"/begroting-{TEN_BUDGETS[-1]}/")
    switch = page.locator("details.edition-switch")
    assert not switch.locator("ul").is_visible()  # closed: the header stays small
    switch.locator("summary").click()
    link = switch.locator("a", has_text="Begroting 2023")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/begroting-2023/")
    assert page.locator("h1").inner_text().startswith("Begroting 2023")
    assert page.locator("details.edition-switch summary").inner_text().endswith("Begroting 2023")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_programme_previous_next_and_the_other_programmes(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES["programme"])
    aside = page.locator("aside.programme-aside").bounding_box()
    content = page.locator(".main-column").bounding_box()
    if width >= 1024:
        assert aside["x"] >= content["x"] + content["width"] and aside["y"] < content["y"] + 300  # beside it
    else:
        assert aside["y"] >= content["y"] + content["height"]  # after it
    assert page.locator("aside.programme-aside a[aria-current=page]").inner_text() == "Programma 3: Vitaal en Sociaal"
    page.locator("nav.pager a[rel=next]").click()
    page.wait_for_url("**/programma/4-*/")
    page.locator("nav.pager a[rel=prev]").click()
    page.wait_for_url("**/programma/3-vitaal-en-sociaal/")
    context.close()


CHANGED = ("home", "edition", "programme", "deelprogramma", "taakvelden", "comparison", "jaarstukken programme",
           "text-only programme")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_no_axe_violations_best_practices_included(browser, site_url, scheme, width):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    problems = {}
    for name in CHANGED:
        page.goto(site_url + PAGE_TYPES[name])
        page.locator("details.edition-switch summary").click()  # with the switcher open too
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, "resultTypes": ["violations"]})
        found = [f'{v["id"]}: {v["help"]} at {[n["target"] for n in v["nodes"][:3]]}'
                 for v in results.response["violations"]]
        if found:
            problems[name] = found
    context.close()
    assert problems == {}, "\n".join(f"{k}: {v}" for k, l in problems.items() for v in l)
