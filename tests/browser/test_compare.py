"""Choosing two editions to compare on /vergelijk/, with and without JavaScript."""

from __future__ import annotations


def choose(page, site_url: str, first: str, second: str) -> None:
    """On /vergelijk/, choose two editions in the form and send it."""
    page.goto(site_url + "/vergelijk/")
    page.get_by_label("Eerste editie").select_option(label=first)
    page.get_by_label("Tweede editie").select_option(label=second)
    page.get_by_role("button", name="Vergelijk").click()


def test_the_form_goes_to_the_page_of_the_two_editions_chosen(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    choose(page, site_url, "Begroting 2016", "Begroting 2024")
    page.wait_for_url("**/vergelijk/begroting-2016/begroting-2024/")
    assert page.locator("h1").inner_text() == "Begroting 2016 en Begroting 2024 vergeleken"
    # the newer one first: the same page (the older edition is always the first in the address)
    choose(page, site_url, "Begroting 2024", "Jaarstukken 2023")
    page.wait_for_url("**/vergelijk/jaarstukken-2023/begroting-2024/")
    # twice the same edition: a message, and the page stays
    choose(page, site_url, "Begroting 2023", "Begroting 2023")
    assert page.locator("#vergelijk-fout").inner_text() == "Kies twee verschillende edities."
    assert page.url == site_url + "/vergelijk/"
    context.close()


def test_without_javascript_the_form_leads_to_every_comparison(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    choose(page, site_url, "Begroting 2016", "Begroting 2024")
    page.wait_for_url("**/vergelijk/?van=begroting-2016&naar=begroting-2024#alle-vergelijkingen")
    link = page.locator("#alle-vergelijkingen").get_by_role("link", name="Begroting 2016 en Begroting 2024 vergeleken")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/vergelijk/begroting-2016/begroting-2024/")
    context.close()
