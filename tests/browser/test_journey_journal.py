"""The journal with the keyboard alone, and a sign-in that expires while an entry is written.

manager16 writes with the keyboard; manager17's sign-in expires mid-entry.
"""

import re

from playwright.sync_api import expect

from tests.browser.journey import (
    PASSWORD,
    check_focus_visible,
    check_page,
    screenshot,
    sign_in,
    sign_in_with_keyboard,
    tab_to,
)

SAVED = re.compile(r"^Saved at \d\d:\d\d")


def main_menu(page):
    """The main navigation."""
    return page.get_by_role("navigation", name="Main")


def press_enter_and_check(page, url):
    """Press Enter on the focused link or button and check the page it loads."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(url)
    check_page(page)


def test_participant_writes_and_shares_a_journal_entry_with_the_keyboard_alone(page):
    sign_in_with_keyboard(page, "manager16@example.org")
    tab_to(page, main_menu(page).get_by_role("link", name="My journal"))
    press_enter_and_check(page, re.compile(r"/journal/$"))
    tab_to(page, page.get_by_role("link", name="Write a reflection"))
    press_enter_and_check(page, re.compile(r"/journal/new$"))

    tab_to(page, page.get_by_label("Title"))
    page.keyboard.type("Keeping the worker's worry in the room")
    framework = page.get_by_label("Reflection framework")
    tab_to(page, framework)
    page.keyboard.type("Gibbs")  # type-ahead picks the option without opening the list
    expect(framework).to_have_value("gibbs")
    tab_to(page, page.get_by_role("button", name="Show this framework’s prompts"))
    press_enter_and_check(page, re.compile(r"/journal/new$"))
    expect(page.get_by_label("Title")).to_have_value("Keeping the worker's worry in the room")

    tab_to(page, page.get_by_label("Description"))
    page.keyboard.type("A worker told me about a baby she was frightened for; I moved to actions.")
    tab_to(page, page.get_by_label("Feelings"))
    page.keyboard.type("Anxious, and relieved when we had a plan.")
    screenshot(page, "keyboard-journal-editor")
    expect(page.get_by_role("status")).to_have_text(SAVED, timeout=10_000)

    tab_to(page, page.get_by_role("button", name="Save entry"))
    press_enter_and_check(page, re.compile(r"/journal/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Keeping the worker's worry in the room"
    )
    expect(page.get_by_text("Anxious, and relieved when we had a plan.")).to_be_visible()

    share = page.get_by_role("button", name="Share with the trainers")
    tab_to(page, share)
    screenshot(page, "keyboard-focus-on-share")
    press_enter_and_check(page, re.compile(r"/journal/\d+$"))
    sharing = page.get_by_role("region", name="Sharing")
    expect(sharing).to_contain_text("Shared with the trainers")
    tab_to(page, sharing.get_by_role("button", name="Stop sharing"))
    check_focus_visible(page)


ENTRY_TEXT = (
    "Supervision with a worker who has carried a neglect case for two years. She said she is "
    "used to the house now, and I wondered aloud what she no longer sees. We agreed to visit "
    "together and to look at the chronology before the core group."
)


def test_an_entry_submitted_after_the_sign_in_expired_is_kept_until_signing_in_again(page, server):
    email = "manager17@example.org"
    sign_in(page, email)
    main_menu(page).get_by_role("link", name="My journal").click()
    check_page(page)
    page.get_by_role("link", name="Write a reflection").click()
    check_page(page)
    page.get_by_label("Title").fill("What she no longer sees")
    page.get_by_label("Your reflection").fill(ENTRY_TEXT)

    server.expire_sign_ins(email)  # an hour's writing later, the sign-in has timed out
    page.get_by_role("button", name="Save entry").click()
    page.wait_for_url(re.compile(r"/login\?next=(/|%2F)journal(/|%2F)drafts(/|%2F)\d+$"))
    check_page(page)
    expect(page.get_by_role("status")).to_have_text(
        "Your sign-in had ended, so your writing has been kept safely. "
        "Sign in again and it will be waiting for you."
    )

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/journal/drafts/\d+$"))
    check_page(page)
    expect(page.get_by_role("status").first).to_contain_text("This is a draft")
    expect(page.get_by_label("Title")).to_have_value("What she no longer sees")
    expect(page.get_by_label("Your reflection")).to_have_value(ENTRY_TEXT)
    screenshot(page, "journal-kept-after-sign-in-expired")

    page.get_by_role("button", name="Save entry").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What she no longer sees")
    expect(page.get_by_text("I wondered aloud what she no longer sees")).to_be_visible()

    main_menu(page).get_by_role("link", name="My journal").click()
    check_page(page)
    expect(page.get_by_role("link", name="What she no longer sees")).to_be_visible()
    expect(page.get_by_role("region", name="Writing waiting for you")).to_have_count(0)
