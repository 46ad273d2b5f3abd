"""A chart's PNG image is made in the reader's browser from the chart's SVG file (static/grafiek.js),
not at build time: the control downloads a PNG twice the SVG's size, works from the keyboard, is
not shown without JavaScript, says so when the browser cannot draw it, and passes axe."""

from __future__ import annotations

import io
import urllib.request
from decimal import Decimal
from xml.etree import ElementTree

from .conftest import PAGE_TYPES

PROGRAMME = PAGE_TYPES["programme"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    return [f'{v["id"]}: {v["help"]} at {[n["target"] for n in v["nodes"][:3]]}'
            for v in results.response["violations"]]


def svg_size(url: str) -> tuple[int, int]:
    with urllib.request.urlopen(url) as response:  # the demo, served on a loopback port
        tree = ElementTree.fromstring(response.read())
    return int(tree.get("width")), int(Decimal(tree.get("height")))


def test_the_png_control_downloads_the_chart_at_twice_its_size(browser, site_url):
    from PIL import Image

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(site_url + PROGRAMME)
    control = page.locator(".chart-png").first
    control.wait_for(state="visible")  # shown by the script
    svg_link = page.locator("p.downloads a[href='grafiek.svg']")
    assert control.get_attribute("data-svg") == "grafiek.svg"
    # from the keyboard: the control comes right after the chart's SVG link
    svg_link.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.chart-png') !== null"
                         " && document.activeElement.tagName") == "BUTTON"
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == "grafiek.png"
    data = open(download.path(), "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = svg_size(f"{site_url}{PROGRAMME}grafiek.svg")
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (2 * width, 2 * height)
        rgb = image.convert("RGB")
        assert rgb.getpixel((0, 0)) == (255, 255, 255)  # on white, not transparent
        colours = {c for _, c in rgb.getcolors(maxcolors=10_000_000)}
    assert colours != {(255, 255, 255)}  # something is drawn
    assert (1, 104, 155) in colours      # the bars, in the theme's colour
    assert min(sum(c) for c in colours) < 150  # and dark text: the title, labels and source
    # a mouse click works as well, and on every chart of the page
    buttons = page.locator(".chart-png button")
    assert buttons.count() >= 2
    with page.expect_download() as info:
        buttons.nth(1).click()
    assert info.value.suggested_filename == page.locator(".chart-png").nth(1).get_attribute("data-png")
    assert page.locator(".chart-png [role=status]").all_inner_texts() == [""] * buttons.count()
    context.close()


def test_without_javascript_there_is_no_png_control_and_the_svg_is_linked(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PROGRAMME)
    controls = page.locator(".chart-png")
    assert controls.count() >= 2
    assert [controls.nth(i).is_visible() for i in range(controls.count())] == [False] * controls.count()
    assert page.get_by_role("button", name="PNG", exact=False).count() == 0
    svg = page.get_by_role("link", name="SVG van de grafiek Lasten en baten van Vitaal en Sociaal per jaar")
    assert svg.is_visible() and svg.get_attribute("href") == "grafiek.svg"
    assert page.locator("p.downloads a[href$='.png']").count() == 0
    context.close()


def test_a_page_with_png_controls_passes_axe(browser, site_url):
    problems = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
        page = context.new_page()
        page.goto(site_url + PROGRAMME)
        page.locator(".chart-png").first.wait_for(state="visible")
        found = axe_violations(page)
        if found:
            problems[scheme] = found
        context.close()
    assert problems == {}


def test_when_the_browser_cannot_draw_it_the_control_says_so_and_points_to_the_svg(browser, demo_built):
    """Opened as a file, the SVG taints the canvas (or is not loaded): the control says so."""
    site, _ = demo_built
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.goto((site / PROGRAMME.strip("/") / "index.html").as_uri())
    control = page.locator(".chart-png").first
    control.wait_for(state="visible")
    control.locator("button").click()
    status = control.locator("[role=status]")
    status.locator("a").wait_for()
    assert status.inner_text().startswith("Deze browser kon de PNG niet maken")
    assert status.locator("a").get_attribute("href") == "grafiek.svg"
    assert status.locator("a").get_attribute("download") is not None
    assert downloads == []
    # asked again, the message is said once
    control.locator("button").click()
    page.wait_for_function("document.querySelector('.chart-png [role=status] a') !== null")
    assert status.inner_text().count("Deze browser") == 1
    assert axe_violations(page) == []
    context.close()
