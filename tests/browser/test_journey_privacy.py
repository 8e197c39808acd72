"""Privacy journeys in Chromium: the privacy page, my data, a copy made by the administrator,
and erasure with its typed confirmation."""

import io
import json
import re
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.journey import check_page, sign_in, sign_out, visit


def pack_from(download):
    """The downloaded zip's JSON."""
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    return json.loads(archive.read("my-data.json"))


def test_the_privacy_page_is_reached_from_sign_in(page):
    visit(page, "/login")
    page.get_by_role("link", name="How this site uses your data").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Privacy: what this site stores and for how long"
    )


def test_a_participant_downloads_their_data_from_the_account_page(page):
    sign_in(page, "manager18@example.org")
    visit(page, "/account/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    data = pack_from(download.value)
    assert data["sections"]["account"]["records"][0]["email"] == "manager18@example.org"


def test_an_administrator_makes_a_copy_and_erases_with_a_typed_confirmation(page, other_page):
    sign_in(page, "admin@example.org")
    visit(page, "/admin/users?q=manager19")
    page.get_by_role("row").filter(has_text="manager19@example.org").get_by_role("link").click()
    check_page(page)
    page.get_by_role("link", name="Data requests: a copy of their data, or erasure").click()
    check_page(page)
    page.get_by_role("button", name="Make a copy of their data and send them the link").click()
    check_page(page)
    expect(page.get_by_role("status")).to_contain_text("a link sent to them")

    sign_in(other_page, "manager19@example.org")
    visit(other_page, "/notifications/")
    other_page.get_by_role("link", name=re.compile("A copy of your data is ready")).click()
    check_page(other_page)
    with other_page.expect_download() as download:
        other_page.get_by_role("button", name="Download my data").click()
    assert pack_from(download.value)["sections"]["account"]["records"][0]["email"] == (
        "manager19@example.org"
    )
    sign_out(other_page)

    visit(page, "/admin/users?q=manager20")
    page.get_by_role("row").filter(has_text="manager20@example.org").get_by_role("link").click()
    check_page(page)
    page.get_by_role("link", name="Data requests: a copy of their data, or erasure").click()
    check_page(page)
    page.get_by_label("Type the person's email address to confirm").fill("manager02@example.org")
    page.get_by_label("Reason").fill("Request 7 of 1 December")
    page.get_by_role("button", name="Erase").click()
    check_page(page)
    expect(page.get_by_text("This is not the person's email address").first).to_be_visible()
    expect(page.get_by_label("Reason")).to_have_value("Request 7 of 1 December")
    page.get_by_label("Type the person's email address to confirm").fill("manager20@example.org")
    page.get_by_role("button", name="Erase").click()
    check_page(page)
    expect(page.get_by_role("status")).to_contain_text("The person was erased")
