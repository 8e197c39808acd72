"""A senior manager responds to a barrier theme; a participant who raised it sees the response.

senior2 responds; manager15 raises a barrier in the theme first, so the journey needs no other.
"""

import re

from playwright.sync_api import expect

from tests.browser.journey import check_page, screenshot, sign_in

THEME = "Managers' own supervision"
RESPONSE = "Every team manager will have monthly reflective supervision with a service manager."


def main_menu(page):
    """The main navigation."""
    return page.get_by_role("navigation", name="Main")


def flash(page):
    """The message the last action left at the top of the page."""
    return page.get_by_role("status").first


def test_senior_manager_responds_to_a_theme_and_its_raiser_sees_the_response(page, other_page):
    participant = other_page
    sign_in(participant, "manager15@example.org")
    main_menu(participant).get_by_role("link", name="My barriers").click()
    check_page(participant)
    participant.get_by_role("link", name="Raise a barrier").click()
    check_page(participant)
    participant.get_by_role("group", name="Which theme fits it best?").get_by_label(THEME).check()
    participant.get_by_label("What gets in the way?").fill(
        "Nobody supervises me reflectively, so I have nowhere to take what my team brings me."
    )
    participant.get_by_role("button", name="Raise this barrier").click()
    check_page(participant)
    said = participant.get_by_role("region", name=re.compile(r"^You said, we did"))
    expect(said).not_to_contain_text(RESPONSE)

    sign_in(page, "senior2@example.org")
    main_menu(page).get_by_role("link", name="Barrier overview").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Barrier overview")
    ranking = page.get_by_role("region", name=re.compile(r"^Number of people who raised"))
    expect(ranking.get_by_text(re.compile(r"fewer than \d")).first).to_be_visible()
    screenshot(page, "senior_manager-barrier-overview")
    screenshot(page, "senior_manager-barrier-overview-320px", width=320)

    page.get_by_role("link", name="Respond to a theme").click()
    check_page(page)
    expect(main_menu(page).locator("[aria-current=page]")).to_have_text("Barrier overview")
    page.get_by_role("button", name="Record this response").click()  # nothing filled in
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("Say what will be done")
    page.get_by_label("Theme").select_option(label=THEME)
    page.get_by_label("What will be done").fill(RESPONSE)
    page.get_by_label("Owner").fill("Head of Service, Children's Social Care")
    page.get_by_label("Due by").fill("2027-03-31")
    page.get_by_role("group", name="Status").get_by_label("In progress").check()
    screenshot(page, "senior_manager-response-form")
    page.get_by_role("button", name="Record this response").click()
    check_page(page)
    expect(flash(page)).to_have_text(
        "Response recorded. The people who raised this theme have been told."
    )
    responses = page.get_by_role("region", name="You said, we did")
    mine = responses.get_by_role("listitem").filter(has_text=RESPONSE)
    expect(mine.get_by_role("heading", name=THEME)).to_be_visible()
    expect(mine).to_contain_text("31 March 2027")

    # The participant is told, and finds the response on their barriers page.
    main_menu(participant).get_by_role("link", name=re.compile(r"^Notifications")).click()
    check_page(participant)
    expect(
        participant.get_by_text("Senior managers have responded to a barrier you raised").first
    ).to_be_visible()
    main_menu(participant).get_by_role("link", name="My barriers").click()
    check_page(participant)
    to_mine = said.get_by_role("listitem").filter(has_text=RESPONSE)
    expect(to_mine.get_by_role("heading", name=THEME)).to_be_visible()
    expect(to_mine).to_contain_text("In progress")
    screenshot(participant, "participant-barrier-response")
