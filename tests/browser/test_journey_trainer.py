"""A trainer's work in Chromium: the register, barriers, shared reflections and the rota.

The trainer is trainer2 (trainer1 belongs to the foundation journeys); the participant who shares
an entry is manager14.
"""

import re

from playwright.sync_api import expect

from tests.browser.journey import check_page, screenshot, sign_in

FEEDBACK = re.compile(r"^Feedback( \(\d+ new\))?$")  # the thread under the reflection

TRAINER = "trainer2@example.org"


def main_menu(page):
    """The main navigation."""
    return page.get_by_role("navigation", name="Main")


def flash(page):
    """The message the last action left at the top of the page."""
    return page.get_by_role("status").first


def test_trainer_takes_a_register_marking_everyone_else_present(page, server):
    server.clear_register(6)  # the day of session 6: only apologies sent in advance are in
    sign_in(page, TRAINER)
    main_menu(page).get_by_role("link", name="Attendance").click()
    check_page(page)
    screenshot(page, "trainer-attendance")
    page.get_by_role("link", name="Register for session 6", exact=True).first.click()
    check_page(page)
    expect(page.get_by_text("Register · Session 6 of 11")).to_be_visible()

    still_unmarked = page.get_by_role("group").filter(
        has=page.get_by_role("radio", name="Unmarked", checked=True)
    )
    unmarked = still_unmarked.count()
    assert unmarked > 30, f"expected most of the register unmarked, found {unmarked}"
    late = still_unmarked.first
    person = late.locator("legend").inner_text()
    late.locator("summary").click()  # the reason and remark sit behind a disclosure
    late.get_by_label("Late").check()
    page.get_by_label(f"Remark about {person}").fill("Held up at a strategy meeting")
    screenshot(page, "trainer-register")
    fill = page.get_by_role("button", name="Save, marking everyone still unmarked as present")
    fill.first.click()
    check_page(page)

    expect(flash(page)).to_have_text(f"Saved {unmarked} changes to the register.")
    expect(page.get_by_role("radio", name="Unmarked", checked=True)).to_have_count(0)
    expect(page.get_by_role("group", name=person).get_by_label("Late")).to_be_checked()
    expect(page.get_by_label(f"Remark about {person}")).to_have_value(
        "Held up at a strategy meeting"
    )
    changes = page.get_by_role("region", name="The latest changes to this register, newest first")
    change = changes.get_by_role("row", name=re.compile(rf"{person}.*Unmarked.*Late"))
    expect(change).to_be_visible()
    screenshot(page, "trainer-register-320px", width=320)


def test_trainer_writes_an_excerpt_and_releases_the_waiting_barriers(page):
    sign_in(page, TRAINER)
    main_menu(page).get_by_role("link", name="Barriers to review").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Barriers to review")
    screenshot(page, "trainer-barriers-review")

    waiting = page.get_by_role("region", name="Barriers waiting to be released")
    consented = waiting.get_by_role("row").filter(has_text="Consented: excerpt needed").first
    consented.get_by_role("link", name=re.compile(r"^Review")).click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review a barrier")
    expect(page.get_by_text("Its author agreed to an anonymous quotation.")).to_be_visible()
    excerpt = "Protected time for supervision is the first thing to go."
    page.get_by_label("Excerpt for quotation").fill(excerpt)
    page.get_by_role("button", name="Save", exact=True).click()
    check_page(page)
    expect(flash(page)).to_have_text("Saved.")
    expect(waiting).to_contain_text(f"“{excerpt}”")

    # Every new barrier is ticked; one grouped as a duplicate goes with the barrier it joined.
    waiting_rows = waiting.get_by_role("row").count() - 1  # less the header
    ticked = waiting.get_by_role("checkbox", checked=True)
    expect(ticked).to_have_count(waiting_rows - waiting.get_by_text("Grouped with barrier").count())
    page.get_by_role("button", name="Release the ticked barriers").click()
    check_page(page)
    # Other authors agreed to quotation and have no excerpt yet: the page asks first.
    warning = page.get_by_role("alert").filter(has_text="no excerpt yet")
    expect(warning).to_contain_text("Nothing has been released yet.")
    expect(warning.get_by_role("link", name=re.compile("^Write the excerpt")).first).to_be_visible()
    page.get_by_role("button", name="Release anyway, without those quotations").click()
    check_page(page)
    expect(flash(page)).to_have_text(f"Released {waiting_rows} barriers to the senior view.")
    expect(page.get_by_text("No barriers are waiting.")).to_be_visible()

    page.get_by_role("link", name="Released barriers").click()
    check_page(page)
    expect(page.get_by_text(f"“{excerpt}”")).to_be_visible()


def test_trainer_reads_a_shared_entry_and_gives_feedback(page, other_page):
    participant = other_page
    sign_in(participant, "manager14@example.org")
    participant.goto("/journal/new")
    check_page(participant)
    participant.get_by_label("Title").fill("What containment asks of me")
    participant.get_by_label("Your reflection").fill(
        "When a worker brings me their fear about a family, I notice I rush to actions."
    )
    participant.get_by_role("button", name="Save entry").click()
    check_page(participant)
    participant.get_by_role("button", name="Share with the trainers").click()
    check_page(participant)
    expect(participant.get_by_role("region", name="Sharing")).to_contain_text(
        "Shared with the trainers"
    )

    sign_in(page, TRAINER)
    main_menu(page).get_by_role("link", name="Shared reflections").click()
    check_page(page)
    row = page.get_by_role("row", name=re.compile("What containment asks of me"))
    expect(row).to_contain_text("Awaiting feedback")
    screenshot(page, "trainer-shared-reflections")
    row.get_by_role("link", name="What containment asks of me").click()
    check_page(page)
    expect(page.get_by_text("I notice I rush to actions.")).to_be_visible()
    expect(main_menu(page).locator("[aria-current=page]")).to_have_text("Shared reflections")
    page.get_by_role("button", name="Send feedback").click()  # nothing written yet
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("Write your feedback")
    feedback = "Noticing the rush is the start. What would it be like to stay with the fear?"
    page.get_by_label("Your feedback").fill(feedback)
    page.get_by_role("button", name="Send feedback").click()
    check_page(page)
    expect(flash(page)).to_contain_text("Your feedback is saved")
    expect(page.get_by_role("region", name=FEEDBACK)).to_contain_text(feedback)
    screenshot(page, "trainer-feedback")

    participant.reload()
    check_page(participant)
    expect(participant.get_by_role("region", name=FEEDBACK)).to_contain_text(feedback)


def test_trainer_looks_at_the_rota_and_a_run_sheet(page):
    sign_in(page, TRAINER)
    main_menu(page).get_by_role("link", name="Presentation rota").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Presentation rota")
    next_one = page.get_by_role("region", name=re.compile(r"^Session 7: "))
    expect(next_one).to_contain_text("Amira Hughes")
    expect(next_one.get_by_role("heading", name="Reserve list")).to_be_visible()
    screenshot(page, "trainer-rota")
    screenshot(page, "trainer-rota-320px", width=320)

    next_one.get_by_role("link", name="Run sheet for session 7").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Run sheet: Session 7"))
    expect(page.get_by_role("region", name="Presenters")).to_contain_text("Amira Hughes")
    screenshot(page, "trainer-run-sheet")
