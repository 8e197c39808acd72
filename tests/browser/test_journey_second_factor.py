"""A trainer sets up an authenticator app at sign-in, then signs in with password and code.

The trainer's second factor is reset from the command line first (as for a lost phone), so
the journey starts where a new trainer would: the site asks for one straight after the
password. Codes are computed with pyotp from the key the page shows as text.
"""

import re

import pyotp
from playwright.sync_api import expect

from tests.browser import journey
from tests.browser.journey import (
    PASSWORD,
    check_page,
    screenshot,
    sign_out,
    totp_code,
    visit,
)

EMAIL = "trainer2@example.org"


def test_trainer_sets_up_an_authenticator_and_signs_in_with_a_fresh_code(page, server):
    server.flask("reset-second-factor", EMAIL)
    visit(page, "/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account/second-factor$"))
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.locator(".qr-code svg")).to_be_visible()
    screenshot(page, "second-factor-set-up")
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    journey.DEMO_KEYS[EMAIL] = key
    journey._LAST_STEP.pop(EMAIL, None)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm and turn on").click()
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(totp_code(EMAIL, key))
    page.get_by_role("button", name="Confirm and turn on").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them: go to my account").click()
    check_page(page)
    expect(page.get_by_text("a code from your authenticator app")).to_be_visible()
    sign_out(page)

    # Signing in again: the password, then a fresh code; a code already used is refused.
    visit(page, "/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/login/code$"))
    check_page(page)
    used = pyotp.TOTP(key).at(journey._LAST_STEP[EMAIL] * 30)
    page.get_by_label("Code").fill(used)
    page.get_by_role("button", name="Continue").click()
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("already been used")
    page.get_by_label("Code").fill(totp_code(EMAIL, key))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/login" not in url)
    check_page(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    sign_out(page)

    # A recovery code works once.
    for attempt in range(2):
        visit(page, "/login")
        page.get_by_label("Email address").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/login/code$"))
        check_page(page)
        page.get_by_label("Code").fill(codes[0])
        page.get_by_role("button", name="Continue").click()
        check_page(page)
        if attempt == 0:
            expect(page.get_by_text(re.compile("You have 9 left"))).to_be_visible()
            sign_out(page)
        else:
            expect(page.get_by_role("alert")).to_contain_text("That code is not right")
