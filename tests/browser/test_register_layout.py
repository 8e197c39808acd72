"""The register of the demo cohort's 39 people on a laptop and a phone (issue 22, item 3): one
compact row per person, a few screens long, and it still saves; the name filter is a help only."""

from playwright.sync_api import expect

from tests.browser.journey import check_page, screenshot, sign_in

TRAINER = "trainer2@example.org"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _page_height(page):
    """The whole document's height in CSS pixels."""
    return page.evaluate("document.documentElement.scrollHeight")


def test_a_register_of_39_fits_a_laptop_in_a_few_screens_and_saves(page, server):
    server.clear_register(5)
    page.set_viewport_size(LAPTOP)
    sign_in(page, TRAINER)
    page.goto("/attendance/")
    check_page(page)
    page.get_by_role("link", name="Register for session 5", exact=True).first.click()
    check_page(page)
    rows = page.locator("fieldset.register-row")
    expect(rows).to_have_count(39)
    laptop = _page_height(page)
    screenshot(page, "register-compact-laptop")
    page.set_viewport_size(PHONE)
    phone = _page_height(page)
    page.set_viewport_size(LAPTOP)
    print(f"register of 39: {laptop}px on a 1280x800 laptop, {phone}px on a 390px phone")
    assert laptop <= 4 * LAPTOP["height"], f"{laptop}px is more than four laptop screens"
    assert phone <= 10 * PHONE["height"], f"{phone}px is more than ten phone screens"

    # The optional name filter narrows the rows; saving still sends everyone.
    first = rows.first.locator("legend").inner_text()
    page.get_by_label("Find a person").fill(first)
    expect(rows.filter(visible=True)).to_have_count(1)
    page.get_by_label("Find a person").fill("")
    unmarked = page.get_by_role("radio", name="Unmarked", checked=True).count()
    assert unmarked > 30
    page.get_by_role(
        "button", name="Save, marking everyone still unmarked as present"
    ).first.click()
    check_page(page)
    expect(page.get_by_role("status").first).to_have_text(
        f"Saved {unmarked} changes to the register."
    )
    expect(page.get_by_role("radio", name="Unmarked", checked=True)).to_have_count(0)
