"""Journeys through the foundation in Chromium: signing in, the programme, administration."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journey import (
    ACCOUNTS,
    PASSWORD,
    check_focus_visible,
    check_page,
    screenshot,
    sign_in,
    sign_in_with_keyboard,
    sign_out,
    tab_to,
    visit,
)

HEADINGS = {
    "participant": "Welcome, Amira Hughes",
    "senior_manager": "Welcome, Sandra Okoye",
    "trainer": "Welcome, Dr Judith Bellamy",
    "evaluator": "Welcome, Eva Lindqvist",
    "admin": "Administration",
}
IN_MENU = {
    "participant": ["Programme", "My journal", "My barriers", "Notifications"],
    "senior_manager": ["Programme", "My journal", "Barrier overview"],
    "trainer": ["Programme", "Attendance", "Presentation rota", "Shared reflections"],
    "evaluator": ["Programme", "Attendance", "Barrier overview"],
    "admin": ["Users", "Cohorts", "Audit log"],
}
NOT_IN_MENU = {
    "participant": ["Barrier overview", "Users"],
    "senior_manager": ["Users", "Barriers to review"],
    "trainer": ["My journal", "Users"],
    "evaluator": ["My journal", "Shared reflections", "Users"],
    "admin": ["Programme", "My journal", "My barriers"],
}


def main_menu(page):
    """The main navigation."""
    return page.get_by_role("navigation", name="Main")


@pytest.mark.parametrize("role", list(HEADINGS))
def test_each_role_signs_in_and_sees_their_home_page(page, role):
    sign_in(page, ACCOUNTS[role])

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[role])
    title = "Administration" if role == "admin" else "Home"
    expect(page).to_have_title(f"{title} – Reflective Supervision Programme")
    for label in IN_MENU[role]:
        expect(main_menu(page).get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in NOT_IN_MENU[role]:
        expect(main_menu(page).get_by_role("link", name=label, exact=True)).to_have_count(0)
    expect(main_menu(page).get_by_role("link", name="Home")).to_have_attribute(
        "aria-current", "page"
    )
    if role == "admin":
        expect(page.get_by_role("link", name="Users").last).to_be_visible()
    else:
        expect(page.get_by_text(re.compile(r"^Demo Borough \d{4}-\d\d"))).to_be_visible()
        expect(page.get_by_role("heading", name="Next session", exact=True)).to_be_visible()
    screenshot(page, f"{role}-home")
    screenshot(page, f"{role}-home-320px", width=320)

    sign_out(page)
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    visit(page, "/programme/")  # signed out: sent to sign in
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_participant_finds_the_next_session_on_the_programme_and_opens_it(page):
    sign_in(page, "manager02@example.org")
    on_home = (
        page.get_by_role("region", name="Next session", exact=True).get_by_role("link").inner_text()
    )

    main_menu(page).get_by_role("link", name="Programme").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme")
    past = page.locator("h2:has-text('Past sessions') + ul > li")
    upcoming = page.locator("h2:has-text('Upcoming') + ul > li")
    expect(past).to_have_count(6)
    expect(upcoming).to_have_count(4)
    next_item = page.locator("h2:has-text('Next session') + ul > li")
    expect(next_item).to_contain_text("Next session")
    link = next_item.get_by_role("link")
    expect(link).to_have_text(on_home)
    number, title = re.match(r"Session (\d+): (.+)", on_home).groups()
    assert number == "7"

    link.click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("Session 7 of 11")).to_be_visible()
    expect(page.get_by_role("heading", name="Focus")).to_be_visible()
    expect(page.get_by_role("link", name="Edit this session", exact=True)).to_have_count(0)
    expect(main_menu(page).locator("[aria-current=page]")).to_have_text("Programme")
    screenshot(page, "participant-next-session")


def test_participant_uses_the_site_with_the_keyboard_alone(page):
    visit(page, "/login")
    page.keyboard.press("Tab")
    assert check_focus_visible(page) == 'a "Skip to main content"'
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    sign_in_with_keyboard(page, "manager03@example.org")
    tab_to(page, main_menu(page).get_by_role("link", name="Programme"))
    screenshot(page, "keyboard-focus-on-menu")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programme/$"))
    check_page(page)
    tab_to(page, page.locator("li.next").get_by_role("link"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/programme/\d+$"))
    check_page(page)
    expect(page.get_by_text("Session 7 of 11")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Sign out"), backwards=True)
    screenshot(page, "keyboard-focus-on-sign-out")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/login$"))
    check_page(page)


def test_wrong_password_is_explained_next_to_the_form(page):
    visit(page, "/login")
    page.get_by_role("button", name="Sign in").click()
    check_page(page)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter your email address")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Email address").fill("manager04@example.org")
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is not right")
    expect(page.get_by_label("Email address")).to_have_value("manager04@example.org")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))


def test_trainer_edits_a_session_and_a_mistake_is_shown_at_the_field(page):
    sign_in(page, ACCOUNTS["trainer"])
    main_menu(page).get_by_role("link", name="Programme").click()
    check_page(page)
    page.locator("li.next").get_by_role("link").click()
    check_page(page)
    page.get_by_role("link", name="Edit this session", exact=True).click()
    check_page(page)
    screenshot(page, "trainer-edit-session")

    page.get_by_label("Ends at").fill("09:00")
    page.get_by_role("button", name="Save session").click()
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("The end time must be after the start time")
    expect(page.locator(".field-error")).to_contain_text("Ends at")
    expect(page).to_have_title(re.compile(r"^Error: Edit session 7"))
    expect(page.get_by_label("Ends at")).to_have_accessible_description(
        re.compile("UK time. Error: The end time must be after the start time")
    )

    page.get_by_label("Ends at").fill("16:30")
    page.get_by_label("Location").fill("Civic Centre, Committee Room 2")
    page.get_by_role("button", name="Save session").click()
    check_page(page)
    expect(page.get_by_role("status")).to_contain_text("Saved session 7.")
    expect(page.get_by_text("Civic Centre, Committee Room 2")).to_be_visible()


def _csv(cohort, rows):
    """A users CSV file for the import form."""
    lines = ["name,email,role,team,cohort", *(",".join([*row, cohort]) for row in rows)]
    return {"name": "new-managers.csv", "mimeType": "text/csv", "buffer": "\n".join(lines).encode()}


def test_administrator_imports_users_after_fixing_a_bad_row(page):
    sign_in(page, ACCOUNTS["admin"])
    main_menu(page).get_by_role("link", name="Cohorts").click()
    check_page(page)
    cohort = page.get_by_role("table").get_by_role("link").first.inner_text()
    good = ("Nell Ashworth", "nell.ashworth@example.org", "participant", "Assessment Team 1")
    bad = ("Omar Bashir", "omar.bashir(at)example.org", "team leader", "Family Support")
    fixed = ("Omar Bashir", "omar.bashir@example.org", "participant", "Family Support")

    main_menu(page).get_by_role("link", name="Users").click()
    check_page(page)
    page.get_by_role("link", name="Import users from a CSV file").click()
    check_page(page)
    page.get_by_label("CSV file").set_input_files(_csv(cohort, [good, bad]))
    page.get_by_role("button", name="Check the file").click()
    check_page(page)
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Nothing has been imported")
    expect(summary).to_contain_text("Line 3")
    expect(summary).to_contain_text("'omar.bashir(at)example.org' is not a valid email address")
    expect(summary).to_contain_text("the role 'team leader' is not one of")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    expect(main_menu(page).locator("[aria-current=page]")).to_have_text("Users")
    screenshot(page, "admin-import-problem")

    visit(page, "/admin/users?q=nell.ashworth")
    expect(page.get_by_text("No users match these filters.")).to_be_visible()

    visit(page, "/admin/users/import")
    page.get_by_label("CSV file").set_input_files(_csv(cohort, [good, fixed]))
    page.get_by_role("button", name="Check the file").click()
    check_page(page)
    expect(page.get_by_role("heading", name="Ready to import 2 people")).to_be_visible()
    page.get_by_role("button", name="Import 2 people").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported 2 people")
    valid_for = re.compile(r"Each link works once, until .* \(7 days\)")
    expect(page.get_by_text(valid_for)).to_be_visible()
    # No mail server here, so the links are shown (only ever for accounts never used).
    omar_link = page.get_by_label("Link for Omar Bashir").input_value()
    page.get_by_role("row", name=re.compile("Omar Bashir")).get_by_role(
        "button", name="Copy the link"
    ).click()
    expect(page.get_by_text(re.compile("^(Copied|Select the link and copy it)"))).to_be_visible()
    screenshot(page, "admin-imported")

    visit(page, "/admin/users?q=example.org&role=participant")
    for name in ("Nell Ashworth", "Omar Bashir"):
        row = page.get_by_role("row", name=re.compile(f"{name}.*{re.escape(cohort)}"))
        expect(row).to_be_visible()

    sign_out(page)
    visit(page, re.sub(r"^https?://[^/]+", "", omar_link))
    page.get_by_label("New password", exact=True).fill("a garden of quiet harbours")
    page.get_by_label("Confirm new password").fill("a garden of quiet harbours")
    page.get_by_role("button", name="Set password").click()
    check_page(page)
    sign_in(page, "omar.bashir@example.org", "a garden of quiet harbours")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Omar Bashir")
    expect(page.get_by_text(cohort, exact=False).first).to_be_visible()


@pytest.mark.parametrize(
    "path",
    ["/admin/users/new", "/admin/audit", "/account/", "/account/password", "/no-such-page"],
)
def test_administrator_pages_pass_the_checks(page, path):
    sign_in(page, ACCOUNTS["admin"])
    visit(page, path, status=404 if path == "/no-such-page" else 200)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_administrator_opens_a_cohort(page):
    sign_in(page, ACCOUNTS["admin"])
    visit(page, "/admin/cohorts")
    page.get_by_role("table").get_by_role("link").first.click()
    check_page(page)
    expect(page.get_by_role("heading", name=re.compile(r"^Members \(\d+\)"))).to_be_visible()
    expect(main_menu(page).locator("[aria-current=page]")).to_have_text("Cohorts")
    visit(page, "/admin/cohorts/new")
    screenshot(page, "admin-cohort-form")


def test_administrator_gives_a_participant_a_new_set_password_link(page):
    sign_in(page, ACCOUNTS["admin"])
    main_menu(page).get_by_role("link", name="Users").click()
    check_page(page)
    page.get_by_label("Name or email").fill("manager09")
    page.get_by_role("button", name="Filter").click()
    check_page(page)
    page.get_by_role("table").get_by_role("link").click()
    check_page(page)
    expect(page.get_by_label("Account is active")).to_be_checked()
    screenshot(page, "admin-edit-user")
    page.get_by_role("button", name="Make a set-password link").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("New set-password link")
    # manager09 has signed in before: the link goes only to their email, never on screen.
    expect(page.get_by_text("For their security the link is not shown here")).to_be_visible()
    assert not re.search(r"/set-password/[\w-]{20,}", page.content())


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/admin/users", 403, "You do not have access to this page"),
        ("/set-password/not-a-real-token", 404, "This link has expired or has been used"),
    ],
)
def test_participant_is_told_plainly_when_a_page_is_not_for_them(page, path, status, heading):
    sign_in(page, "manager05@example.org")
    visit(page, path, status=status)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_after_the_sign_in_expires_signing_in_again_returns_to_the_page(page, server):
    sign_in(page, "manager06@example.org")
    visit(page, "/programme/")
    server.expire_sign_ins("manager06@example.org")

    page.locator("li.next").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    check_page(page)
    expect(page.get_by_role("status")).to_have_text("Sign in to see that page.")
    page.get_by_label("Email address").fill("manager06@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/programme/\d+$"))
    check_page(page)
    expect(page.get_by_text("Session 7 of 11")).to_be_visible()
