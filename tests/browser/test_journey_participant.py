"""A participant's year in Chromium: readings, apologies, presenting a case, the journal, barriers.

Each journey signs in as its own demo manager (see README.md), so they run in any order.
"""

import re

from playwright.sync_api import expect

from tests.browser.journey import check_page, screenshot, sign_in

SAVED = re.compile(r"^Saved at \d\d:\d\d")


def main_menu(page):
    """The main navigation."""
    return page.get_by_role("navigation", name="Main")


def flash(page):
    """The message the last action left at the top of the page."""
    return page.get_by_role("status").first


def test_participant_reads_for_the_next_session_and_sends_apologies_for_a_later_one(page):
    sign_in(page, "manager10@example.org")
    page.get_by_role("region", name="Next session", exact=True).get_by_role("link").first.click()
    check_page(page)
    expect(page.get_by_text("Session 7 of 11")).to_be_visible()

    # A required reading not read yet: open it, then say it has been read.
    readings = page.get_by_role("region", name="Readings for this session")
    unread = readings.get_by_role("listitem").filter(has_text="Not read yet").first
    title = unread.get_by_role("link").inner_text()
    unread.get_by_role("link").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("region", name="Reading guide")).to_be_visible()
    screenshot(page, "participant-reading")
    page.get_by_role("button", name=re.compile(r"^I have read this")).click()
    check_page(page)
    expect(flash(page)).to_have_text(f"Marked “{title}” as read.")
    expect(page.get_by_role("button", name=re.compile(r"^Mark as not read"))).to_be_visible()

    # Back on the session page the reading shows as read.
    page.get_by_role("link", name=re.compile(r"^Session 7: ")).click()
    check_page(page)
    read_item = readings.get_by_role("listitem").filter(has_text=title)
    expect(read_item.get_by_text("Read", exact=True)).to_be_visible()

    # Apologies for session 9: a week of leave.
    main_menu(page).get_by_role("link", name="Programme").click()
    check_page(page)
    page.get_by_role("link", name=re.compile(r"^Session 9: ")).click()
    check_page(page)
    attendance = page.get_by_role("region", name="My attendance")
    expect(attendance).to_contain_text("You are expected at this session.")
    attendance.get_by_role("link", name="Send apologies").click()
    check_page(page)
    page.get_by_role("button", name="Send apologies").click()  # no reason chosen yet
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("Choose the reason for your apologies")
    page.get_by_role("group", name="Why can you not attend?").get_by_label("Leave").check()
    screenshot(page, "participant-apologies")
    page.get_by_role("button", name="Send apologies").click()
    check_page(page)
    expect(flash(page)).to_contain_text("Your apologies for session 9 have been sent")
    expect(attendance).to_contain_text("You have sent apologies (Leave).")


ANONYMISATION_TITLE = "Drift in a neglect case"
IDENTIFYING_BRIEF = (
    "Child A (7) attends Oakfield Primary School and lives with Mother near SE15 4QP. "
    "Nursery staff raised concerns about hunger and missed appointments. "
    "I want help thinking about drift."
)
FIXED_BRIEF = (
    "Child A (7) attends a local primary school and lives with Mother. "
    "Nursery staff raised concerns about hunger and missed appointments. "
    "I want help thinking about drift."
)


def test_participant_signs_up_to_present_once_the_brief_is_anonymised(page):
    sign_in(page, "manager11@example.org")
    main_menu(page).get_by_role("link", name="Presentation rota").click()
    check_page(page)
    page.get_by_role("link", name="Sign up for session 10").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Present a case at session 10")

    page.get_by_role("group", name="What are you bringing?").get_by_role("radio").first.check()
    page.get_by_label("Title", exact=True).fill(ANONYMISATION_TITLE)
    page.get_by_label("Brief", exact=True).fill(IDENTIFYING_BRIEF)
    rules = page.get_by_role("group", name="The group's ground rules").get_by_role("checkbox")
    for index in range(rules.count()):
        rules.nth(index).check()
    page.get_by_role("button", name="Sign up to present").click()
    check_page(page)

    # Refused: the finding is shown next to the brief, and what was typed is still there.
    expect(page.get_by_role("alert")).to_contain_text("This could identify a child or family")
    brief = page.get_by_label("Brief", exact=True)
    expect(brief).to_have_value(IDENTIFYING_BRIEF)
    expect(brief).to_have_attribute("aria-invalid", "true")
    expect(brief).to_have_accessible_description(re.compile(r"Oakfield Primary School"))
    findings = page.locator(".field-error", has=brief).locator("mark")
    expect(findings.filter(has_text="Oakfield Primary School").first).to_be_visible()
    expect(findings.filter(has_text="SE15 4QP").first).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(ANONYMISATION_TITLE)
    for index in range(rules.count()):
        expect(rules.nth(index)).to_be_checked()
    screenshot(page, "participant-brief-refused")
    screenshot(page, "participant-brief-refused-320px", width=320)

    brief.fill(FIXED_BRIEF)
    page.get_by_role("button", name="Sign up to present").click()
    check_page(page)
    expect(flash(page)).to_contain_text("session 10")
    expect(page.get_by_role("heading", level=1)).to_have_text(ANONYMISATION_TITLE)
    expect(page.get_by_text("Child A (7) attends a local primary school")).to_be_visible()

    main_menu(page).get_by_role("link", name="Presentation rota").click()
    check_page(page)
    mine = page.get_by_role("row", name=re.compile(ANONYMISATION_TITLE))
    expect(mine.first).to_be_visible()
    screenshot(page, "participant-presentations")


GIBBS_DESCRIPTION = "Supervision with a newly qualified worker after a difficult home visit."
GIBBS_FEELINGS = "I felt rushed, and I think she felt I wanted the actions more than her worry."


def test_participant_writes_a_journal_entry_that_autosaves_and_shares_it(page):
    sign_in(page, "manager12@example.org")
    main_menu(page).get_by_role("link", name="My journal").click()
    check_page(page)
    page.get_by_role("link", name="Write a reflection").click()
    check_page(page)
    page.get_by_label("Title").fill("After a hard visit")
    page.get_by_label("Reflection framework").select_option(label="Gibbs' reflective cycle")
    page.get_by_role("button", name="Show this framework’s prompts").click()
    check_page(page)
    expect(page.get_by_label("Title")).to_have_value("After a hard visit")
    page.get_by_label("Description").fill(GIBBS_DESCRIPTION)
    page.get_by_label("Feelings").fill(GIBBS_FEELINGS)
    expect(page.get_by_role("status")).to_have_text(SAVED, timeout=10_000)
    screenshot(page, "participant-journal-editor")

    # Reloading opens the autosaved draft with everything in it.
    expect(page).to_have_url(re.compile(r"/journal/drafts/\d+$"))
    page.reload()
    check_page(page)
    expect(page.get_by_label("Description")).to_have_value(GIBBS_DESCRIPTION)
    expect(page.get_by_label("Feelings")).to_have_value(GIBBS_FEELINGS)
    expect(page.get_by_label("Title")).to_have_value("After a hard visit")

    page.get_by_role("button", name="Save entry").click()
    check_page(page)
    expect(flash(page)).to_have_text("Your entry is saved. Only you can read it.")
    expect(page.get_by_role("heading", level=1)).to_have_text("After a hard visit")
    expect(page.get_by_text(GIBBS_FEELINGS)).to_be_visible()
    sharing = page.get_by_role("region", name="Sharing")
    expect(sharing).to_contain_text("Private: only you can read it.")

    sharing.get_by_role("button", name="Share with the trainers").click()
    check_page(page)
    expect(sharing).to_contain_text("Shared with the trainers")
    expect(sharing.get_by_role("button", name="Stop sharing")).to_be_visible()
    screenshot(page, "participant-journal-entry")

    main_menu(page).get_by_role("link", name="My journal").click()
    check_page(page)
    expect(page.get_by_role("link", name="After a hard visit")).to_be_visible()
    screenshot(page, "participant-journal")


def test_participant_raises_a_barrier_and_follows_it(page):
    sign_in(page, "manager13@example.org")
    main_menu(page).get_by_role("link", name="My barriers").click()
    check_page(page)
    page.get_by_role("link", name="Raise a barrier").click()
    check_page(page)
    page.get_by_role("button", name="Raise this barrier").click()
    check_page(page)
    expect(page.get_by_role("alert")).to_be_visible()

    themes = page.get_by_role("group", name="Which theme fits it best?")
    themes.get_by_label("Office space and hot-desking").check()
    page.get_by_label("What gets in the way?").fill(
        "There is no quiet room left in our building since the move; supervision happens in "
        "the open office."
    )
    page.get_by_role("button", name="Raise this barrier").click()
    check_page(page)
    expect(flash(page)).to_contain_text("Thank you. The trainers will review your barrier")
    mine = page.get_by_role("region", name="What I raised")
    expect(mine.get_by_role("link", name="Office space and hot-desking")).to_be_visible()
    expect(mine).to_contain_text("no quiet room left")
    screenshot(page, "participant-barriers")

    mine.get_by_role("link", name="Office space and hot-desking").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
