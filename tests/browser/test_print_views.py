"""Printable pages fit a narrow page and load nothing that is missing (the icon included)."""

from tests.browser.journey import ACCOUNTS, sign_in, visit

OVERFLOW = """() => [...document.querySelectorAll('table')]
  .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map(t => t.querySelector('caption, th')?.textContent.trim() || 'a table')"""


def test_printed_barrier_overview_fits_a_narrow_page_with_every_column(page):
    sign_in(page, ACCOUNTS["senior_manager"])
    visit(page, "/barriers/overview/print")  # on screen, at 1280 and 320 pixels
    page.set_viewport_size({"width": 320, "height": 800})
    page.emulate_media(media="print")
    assert page.evaluate(OVERFLOW) == []


def test_the_site_icon_is_there_for_browsers_that_ask_for_favicon_ico(page):
    response = page.request.get("/favicon.ico")
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
