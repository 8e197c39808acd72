"""A manager's supervision log: add a supervisee (a real name is refused), record a supervision
with actions, see the clarity prompts, find the action open, review it the next time.

manager21 keeps the log; the evaluator reads the figures (read only).
"""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.journey import check_page, screenshot, sign_in, visit

SAVED = re.compile(r"^Saved at \d\d:\d\d")


def main_menu(page):
    """The main navigation."""
    return page.get_by_role("navigation", name="Main")


def click_and_check(page, locator):
    """Click something that loads a page (the click waits for it), and check that page.

    Not expect_navigation(): the autosave's history.replaceState counts as one."""
    locator.click()
    check_page(page)


def test_manager_records_supervision_with_clear_actions_and_reviews_them_next_time(page):
    sign_in(page, "manager21@example.org")
    click_and_check(page, main_menu(page).get_by_role("link", name="My supervision"))
    expect(page.get_by_role("heading", name="My supervision", level=1)).to_be_visible()

    # A real name is refused with guidance; the rest of the form is kept.
    click_and_check(page, page.get_by_role("link", name="Add someone you supervise"))
    page.get_by_label("Label").fill("Sarah")
    page.get_by_role("checkbox", name=re.compile("Newly qualified")).check()
    started = (date.today() - timedelta(days=20)).isoformat()
    page.get_by_label("Started in post on").fill(started)
    click_and_check(page, page.get_by_role("button", name="Add"))
    expect(page.get_by_text("This could identify someone").first).to_be_visible()
    expect(page.get_by_label("Started in post on")).to_have_value(started)
    expect(page.get_by_role("checkbox", name=re.compile("Newly qualified"))).to_be_checked()
    page.get_by_label("Label").fill("Newly qualified B")
    click_and_check(page, page.get_by_role("button", name="Add"))
    expect(page.get_by_role("heading", name="Newly qualified B")).to_be_visible()
    expect(page.get_by_text("No supervision recorded yet.")).to_be_visible()

    # A record with an action that has no date: the prompts, as a colleague would ask.
    click_and_check(page, page.get_by_role("link", name="Record a supervision"))
    page.get_by_label("Length in minutes").fill("95")
    page.get_by_label("Note on reflection").fill("B felt out of her depth at the core group.")
    decision = page.get_by_role("group", name="Decision 1")
    decision.get_by_label("Decision").fill("Keep the case with B, with a co-worker")
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("What").fill("Shadow a senior worker at the next core group")
    action.get_by_label("The supervisee").check()
    expect(page.get_by_role("status")).to_have_text(SAVED, timeout=10_000)
    screenshot(page, "participant-supervision-editor")
    click_and_check(page, page.get_by_role("button", name="Save record"))
    prompts = page.get_by_role("alert")
    expect(prompts).to_contain_text("Action 1 has no date: by when will it be done?")
    expect(prompts).to_contain_text("Decision 1 has no rationale")
    expect(page.get_by_label("Note on reflection")).to_have_value(
        "B felt out of her depth at the core group."
    )
    due = (date.today() + timedelta(days=10)).isoformat()
    page.get_by_role("group", name="Action 1").get_by_label("By when").fill(due)
    page.get_by_role("group", name="Decision 1").get_by_label("Rationale").fill(
        "B is learning fast and the family trusts her"
    )
    click_and_check(page, page.get_by_role("button", name="Save record"))
    expect(page.get_by_text("The record is saved. Only you can see it.")).to_be_visible()
    screenshot(page, "participant-supervision-record")

    # The action is open at a glance.
    click_and_check(page, main_menu(page).get_by_role("link", name="My supervision"))
    open_actions = page.locator("section", has=page.get_by_role("heading", name="Open actions"))
    expect(open_actions).to_contain_text("Shadow a senior worker at the next core group")
    screenshot(page, "participant-supervision-glance")
    screenshot(page, "participant-supervision-glance-320", width=320)

    # The next record reviews it: done. It is no longer open.
    click_and_check(
        page, page.get_by_role("link", name="Record a supervision with Newly qualified B")
    )
    earlier = page.get_by_role("group", name=re.compile("Earlier action 1"))
    earlier.get_by_label("Done", exact=True).check()
    earlier.get_by_label("Why, or what next").fill("Went well; B chaired part of it.")
    page.get_by_label("Length in minutes").fill("90")
    page.get_by_label("Note on support").fill("Talked about the hostile meeting.")
    click_and_check(page, page.get_by_role("button", name="Save record"))
    expect(page.get_by_role("alert")).to_contain_text("There is no reflection in this record")
    click_and_check(page, page.get_by_role("button", name="Save anyway"))
    expect(page.get_by_text("Shadow a senior worker at the next core group: Done")).to_be_visible()
    click_and_check(page, main_menu(page).get_by_role("link", name="My supervision"))
    expect(page.get_by_text("No open actions.")).to_be_visible()


def test_evaluator_reads_the_supervision_figures(page):
    sign_in(page, "evaluator@example.org")
    click_and_check(page, main_menu(page).get_by_role("link", name="Supervision figures"))
    table = page.get_by_role("table")
    expect(table).to_contain_text("Records with clear actions")
    expect(table).to_contain_text(re.compile(r"\d+%|fewer than \d"))
    screenshot(page, "evaluator-supervision-figures")
    visit(page, "/supervision/", status=404)
