"""Details readers noticed: the skip link's target has no frame around the whole page."""

from __future__ import annotations


def test_skip_link_moves_focus_without_framing_the_main_content(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + "/begroting-2024/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
    style = page.evaluate("""() => { const s = getComputedStyle(document.getElementById('inhoud'));
        return [s.outlineStyle, s.boxShadow]; }""")
    assert style == ["none", "none"], style
    context.close()
