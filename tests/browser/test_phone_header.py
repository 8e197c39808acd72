"""The header on a 390px phone: a few lines, so each page starts on the first screen; the menu
is one row that scrolls sideways and shows the current page's item; focus brings any item in."""

from playwright.sync_api import expect

from tests.browser.journey import check_page, screenshot, sign_in

PHONE = {"width": 390, "height": 844}


def _box(locator):
    return locator.bounding_box()


def test_a_trainer_in_two_cohorts_sees_the_page_heading_high_on_a_phone(page, server):
    page.set_viewport_size(PHONE)
    sign_in(page, "trainer1@example.org")  # works in two councils' cohorts: the switcher shows
    page.goto("/attendance/")
    check_page(page)
    header = _box(page.locator("header.site-header"))
    print(f"the header of a trainer in two cohorts is {header['height']}px high on a phone")
    assert header["height"] <= 220, f"the header takes {header['height']}px of an 844px screen"
    expect(page.get_by_label("Working in cohort")).to_be_visible()

    menu = page.get_by_role("navigation", name="Main")
    links = menu.get_by_role("link")
    tops = {round(_box(links.nth(i))["y"]) for i in range(links.count())}
    assert len(tops) == 1, "the menu is one row"
    current = menu.locator("[aria-current=page]")
    expect(current).to_have_text("Attendance")
    box = _box(current)
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "the current item shows"
    screenshot(page, "phone-header-trainer")

    last = links.last
    assert _box(last)["x"] > PHONE["width"], "the last item starts off the screen"
    last.focus()
    box = _box(last)
    assert box["x"] + box["width"] <= PHONE["width"], "focus scrolls the item into view"


def test_a_participant_on_a_phone_reaches_every_menu_item(page, server):
    page.set_viewport_size(PHONE)
    sign_in(page, "manager01@example.org")
    page.goto("/")
    check_page(page)
    assert _box(page.locator("header.site-header"))["height"] <= 200
    menu = page.get_by_role("navigation", name="Main")
    names = menu.get_by_role("link").all_inner_texts()
    assert {"Home", "My journal", "My barriers", "Notifications"} <= set(names)
    menu.get_by_role("link", name="Notifications").click()  # scrolled to, then followed
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    check_page(page)
