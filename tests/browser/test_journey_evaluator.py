"""The evaluator's aggregate pages in Chromium: figures about the cohort, never about a person."""

import re

from playwright.sync_api import expect

from tests.browser.journey import ACCOUNTS, check_page, screenshot, sign_in

A_PARTICIPANT = "Amira Hughes"  # manager01: no aggregate page may name anyone


def main_menu(page):
    """The main navigation."""
    return page.get_by_role("navigation", name="Main")


def test_evaluator_reads_attendance_rates_barrier_themes_and_reading_progress(page):
    sign_in(page, ACCOUNTS["evaluator"])

    main_menu(page).get_by_role("link", name="Attendance").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance rates")
    expect(page.get_by_text("People attending")).to_be_visible()
    rates = page.get_by_role("region", name="Attendance rate at each session held")
    expect(rates.get_by_role("row", name=re.compile(r"^Session 1: .* \d+%$"))).to_be_visible()
    expect(page.get_by_text(A_PARTICIPANT)).to_have_count(0)
    screenshot(page, "evaluator-attendance")

    main_menu(page).get_by_role("link", name="Barrier overview").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Barrier overview")
    ranking = page.get_by_role("region", name=re.compile(r"^Number of people who raised"))
    expect(
        ranking.get_by_role("row", name=re.compile(r"^\d+ Workload and caseloads"))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="In their words")).to_have_count(0)  # no quotations
    expect(page.get_by_role("link", name="Respond to a theme")).to_have_count(0)
    screenshot(page, "evaluator-barrier-themes")

    page.get_by_text("Stage or theme: all sessions, all themes").click()  # unfold the filters
    page.get_by_label("Theme", exact=True).select_option(label="Workload and caseloads")
    page.get_by_role("button", name="Show").click()
    check_page(page)
    expect(page).to_have_url(re.compile(r"theme=workload"))
    expect(ranking.get_by_role("row", name=re.compile(r"^\d+ Time and cancelled"))).to_have_count(0)

    main_menu(page).get_by_role("link", name="Readings").click()
    check_page(page)
    page.get_by_role("link", name="The cohort's reading progress").click()
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reading progress")
    expect(page.get_by_text(re.compile(r"^\d+% of the required reading"))).to_be_visible()
    by_session = page.get_by_role("region", name="Required readings by session")
    expect(by_session.get_by_role("cell", name=re.compile(r"^\d+%$")).first).to_be_visible()
    expect(page.get_by_text(A_PARTICIPANT)).to_have_count(0)
    screenshot(page, "evaluator-reading-progress")
