"""The senior view's ranking on a phone (issue 22, item 9): the chart is on the first screen, its
names in readable type at 390 and 320 pixels, and the wide chart is out of the way."""

from playwright.sync_api import expect

from tests.browser.journey import check_page, screenshot, sign_in, viewport_width

SENIOR = "senior2@example.org"
PHONE = {"width": 390, "height": 844}
FONT = 15  # the phone chart's text size in its own units


def _text_pixels(page):
    """The phone chart's text size on screen, in CSS pixels."""
    return page.evaluate(
        f"""() => {{
          const svg = document.querySelector('.ranking-phone svg');
          return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * {FONT};
        }}"""
    )


def test_the_ranking_on_a_phone_shows_figures_first_in_readable_type(page, server):
    page.set_viewport_size(PHONE)
    sign_in(page, SENIOR)
    page.goto("/barriers/overview")
    check_page(page)
    phone_chart = page.locator(".ranking-phone svg")
    expect(phone_chart).to_be_visible()
    expect(page.locator(".ranking-wide svg")).to_be_hidden()
    top = phone_chart.bounding_box()["y"]
    first_bar = page.locator(".ranking-phone svg rect").first.bounding_box()
    screenshot(page, "senior-overview-phone")
    assert first_bar["y"] + first_bar["height"] <= PHONE["height"], (
        f"the first bar ends at {first_bar['y'] + first_bar['height']}px, below the first screen"
    )
    at_390 = _text_pixels(page)
    with viewport_width(page, 320):
        at_320 = _text_pixels(page)
    print(f"phone chart: starts at {top:.0f}px; text {at_390:.1f}px at 390, {at_320:.1f}px at 320")
    assert at_390 >= 14 and at_320 >= 12
