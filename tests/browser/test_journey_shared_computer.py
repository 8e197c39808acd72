"""A council computer shared by several people: journal text kept in the browser stays its writer's.

manager31 writes and signs out, then manager32 signs in on the same browser; manager33's sign-in
expires and manager34 signs in after them; manager35's sign-in expires and they come back.
"""

import re

from playwright.sync_api import expect

from tests.browser.journey import check_page, sign_in, sign_out, visit

OFFERED = "This browser kept a copy"


def browser_copies(page):
    """The journal's copies this browser holds: {storage key: text}."""
    return page.evaluate(
        """() => Object.fromEntries(Object.keys(localStorage)
               .filter(k => k.startsWith("journal-copy:"))
               .map(k => [k, localStorage.getItem(k)]))"""
    )


def write_and_leave(page, text):
    """Write in the editor while the server cannot answer, then leave for the journal's list.

    The autosave hangs (the server never answers it), so the text is kept in this browser when
    the page is left, as it would be on a flaky office network.
    """
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" while unsaved
    page.route("**/journal/new/draft", lambda route: None)
    visit(page, "/journal/new")
    page.get_by_label("Title").fill("A hard visit")
    with page.expect_request("**/journal/new/draft"):
        page.get_by_label("Your reflection").fill(text)
    page.get_by_label("Your reflection").fill(text + " More.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My journal").click()
    page.wait_for_url(re.compile(r"/journal/$"))
    check_page(page)
    page.unroute("**/journal/new/draft")
    copies = browser_copies(page)
    assert len(copies) == 1 and text in next(iter(copies.values()))


def nothing_offered(page):
    """The editor offers no kept copy, and the browser holds none."""
    visit(page, "/journal/new")
    expect(page.get_by_text(OFFERED)).to_be_hidden()
    assert browser_copies(page) == {}


def test_signing_out_forgets_the_text_and_the_next_person_is_offered_nothing(page):
    sign_in(page, "manager31@example.org")
    write_and_leave(page, "Child A's mother was frightened.")
    page.get_by_role("link", name="Who can read what I share").click()
    check_page(page)
    expect(page.get_by_text(re.compile(r"^\d+ trainers? can read what you share"))).to_be_visible()
    sign_out(page)
    assert browser_copies(page) == {}  # Clear-Site-Data on the sign-out
    sign_in(page, "manager32@example.org")
    nothing_offered(page)


def test_the_next_person_after_an_expired_sign_in_is_offered_nothing(page, server):
    sign_in(page, "manager33@example.org")
    write_and_leave(page, "The core group went badly.")
    server.expire_sign_ins("manager33@example.org")  # left without signing out
    sign_in(page, "manager34@example.org")
    nothing_offered(page)


def test_the_same_person_back_after_an_expiry_gets_their_text_back(page, server):
    sign_in(page, "manager35@example.org")
    write_and_leave(page, "Supervision with my deputy.")
    server.expire_sign_ins("manager35@example.org")
    sign_in(page, "manager35@example.org")
    visit(page, "/journal/new")
    expect(page.get_by_text(OFFERED)).to_be_visible()
    page.get_by_role("button", name="Restore that copy").click()
    expect(page.get_by_label("Title")).to_have_value("A hard visit")
