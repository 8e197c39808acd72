"""Questionnaires in Chromium: a participant answers the waiting one (a mistake, then sent);
the evaluator reads the released mid-programme results, chart and tables, naming nobody."""

import re

from playwright.sync_api import expect

from tests.browser.journey import ACCOUNTS, check_page, screenshot, sign_in

RESPONDENT = "manager22@example.org"
A_PARTICIPANT = "Amira Hughes"  # manager01: no results page may name anyone


def test_participant_answers_the_waiting_questionnaire_after_fixing_a_mistake(page):
    sign_in(page, RESPONDENT)
    waiting = page.get_by_role("region", name="Waiting for your answers")
    waiting.get_by_role("link", name=re.compile("At the end of the programme")).click()
    check_page(page)
    expect(page.get_by_role("heading", name="Before you start: who sees what")).to_be_visible()
    screenshot(page, "participant-questionnaire")

    ratings = page.get_by_role("group", name=re.compile(r"^\d+\. "))
    for n in range(ratings.count()):
        ratings.nth(n).get_by_label("Agree", exact=True).check()
    page.get_by_label(re.compile("What has helped you most")).fill("The case discussions.")
    page.get_by_role("button", name="Send my answers").click()  # the code is missing
    check_page(page)
    expect(page.get_by_role("alert")).to_contain_text("Your other answers are kept below")
    expect(page.get_by_label(re.compile("What has helped you most"))).to_have_value(
        "The case discussions."
    )
    expect(ratings.first.get_by_label("Agree", exact=True)).to_be_checked()

    page.get_by_label("The second letter of the name of your first school").fill("r")
    page.get_by_label("The month you were born").select_option(label="March")
    page.get_by_label(re.compile("The first letter of your mother")).fill("j")
    page.get_by_label(re.compile("The last digit of the house number")).fill("4")
    page.get_by_role("button", name="Send my answers").click()
    check_page(page)
    expect(page.get_by_text("Thank you: your answers are sent.")).to_be_visible()
    expect(page.get_by_role("heading", name="You have answered this questionnaire")).to_be_visible()


def test_evaluator_reads_released_results_as_chart_and_tables(page):
    sign_in(page, ACCOUNTS["evaluator"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Questionnaires").click()
    check_page(page)
    page.get_by_role("link", name="Results of Half-way through the programme").click()
    check_page(page)
    expect(page.get_by_role("img", name="How people rated each statement")).to_be_visible()
    ratings = page.get_by_role("region", name="Ratings of each statement")
    expect(ratings.get_by_role("row", name=re.compile(r"^Q1\. .* \d+%$"))).to_be_visible()
    expect(page.get_by_role("region", name="Scale means")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ pairs"))).to_be_visible()
    expect(page.get_by_text(A_PARTICIPANT)).to_have_count(0)
    screenshot(page, "evaluator-questionnaire-results")
    screenshot(page, "evaluator-questionnaire-results-320", width=320)
