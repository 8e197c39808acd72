"""A participant adds a passkey, signs in with the password then the passkey, and removes it.

Chromium's virtual authenticator (through the DevTools protocol) stands in for the laptop's
fingerprint reader: a platform passkey (ctap2, internal) that verifies the user at once. A
passkey's relying party must be a domain, so this journey uses the site at localhost, not
127.0.0.1 (both are secure contexts over http).
"""

import dataclasses
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _tab
from tests.browser.journey import PASSWORD, check_page, sign_in, sign_out, visit

EMAIL = "manager30@example.org"


@pytest.fixture
def local_page(browser, server, request):
    """A fresh tab on the site at http://localhost:<port>."""
    local = dataclasses.replace(server, url=server.url.replace("127.0.0.1", "localhost"))
    with _tab(browser, local, request, None) as tab:
        yield tab


def _virtual_authenticator(page):
    """A passkey-capable authenticator in this tab, as a laptop's fingerprint reader is."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    found = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return devtools, found["authenticatorId"]


def test_participant_adds_a_passkey_signs_in_with_it_and_removes_it(local_page, server):
    page = local_page
    devtools, authenticator = _virtual_authenticator(page)
    sign_in(page, EMAIL)
    visit(page, "/account/")
    expect(page.get_by_text("needs JavaScript")).to_be_hidden()
    expect(page.get_by_text("You have no passkeys or security keys.")).to_be_visible()

    # A name is needed: the page says so next to the field.
    page.get_by_role("button", name="Add a passkey or security key").click()
    page.wait_for_url(re.compile(r"/account/passkeys/new$"))
    check_page(page)
    expect(page.get_by_role("alert").first).to_contain_text("Enter a name for this passkey")
    expect(page.locator("#name-error")).to_contain_text("Enter a name for this passkey")
    page.get_by_label("Name of this passkey or security key").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey or security key").click()
    page.wait_for_url(re.compile(r"/account/#second-factor$"))
    check_page(page)
    expect(page.get_by_text("Your passkey “Work laptop” is added.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Work laptop"))
    expect(row).to_contain_text("Not yet")
    stored = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1
    sign_out(page)

    # Signing in: the password, then the passkey.
    visit(page, "/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/login/code$"))
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Use your passkey")
    expect(page.get_by_text("needs JavaScript")).to_be_hidden()
    page.get_by_role("button", name="Use a passkey or security key").click()
    page.wait_for_url(lambda url: "/login" not in url)
    check_page(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Removing it: asked first, then gone; the password alone signs in again.
    visit(page, "/account/")
    row = page.get_by_role("row", name=re.compile("Work laptop"))
    expect(row).not_to_contain_text("Not yet")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Remove").click()
    page.wait_for_url(re.compile(r"/account/#second-factor$"))
    check_page(page)
    expect(page.get_by_text("Your passkey “Work laptop” is removed.")).to_be_visible()
    expect(page.get_by_text("You have no passkeys or security keys.")).to_be_visible()
    sign_out(page)
    sign_in(page, EMAIL)
    assert "/login/code" not in page.url
