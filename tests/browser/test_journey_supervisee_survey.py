"""The supervisee survey in Chromium: a manager gets a link for their team and its printable
invitation; a social worker with no account opens the link, is asked to take out what could
identify a child, keeps their other answers, sends them, and cannot send a second time."""

import re

from playwright.sync_api import expect

from tests.browser.journey import check_page, screenshot, sign_in, visit

MANAGER = "manager29@example.org"
IDENTIFYING = "My manager helped me think about Kayden Smith, born 12/03/2019, at 14 Elm Road."
SAFE = "We now talk about how the work feels, not only what to do next."


def _answer_every_question(page):
    """Pick the second answer of each question with answers to pick, and 4 for each number."""
    form = page.locator("form.questionnaire")
    for group in form.locator("fieldset").all():
        group.get_by_role("radio").nth(1).check()
    for number in form.locator("input[inputmode=numeric]").all():
        number.fill("4")


def test_a_social_worker_answers_their_managers_survey_without_an_account(page, other_page):
    sign_in(page, MANAGER)
    visit(page, "/evaluation/supervisees/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The supervisee survey")
    rounds = page.get_by_role("group", name="Which round is this link for?")
    rounds.get_by_role("radio").first.check()
    page.get_by_label("How many people do you supervise in this team?").fill("6")
    page.get_by_role("button", name="Get the link").click()
    check_page(page)
    links = page.get_by_role("region", name="Your links")
    expect(links.get_by_text("Open", exact=True)).to_be_visible()
    address = links.locator(".invitation-address").first.inner_text().strip()
    assert re.search(r"/survey/[\w-]{20,}$", address), address
    screenshot(page, "supervisee-links")

    links.get_by_role("link", name="Printable invitation").first.click()
    check_page(page)
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(page.get_by_text(address)).to_be_visible()
    screenshot(page, "supervisee-invitation")

    # A social worker, with no account and no cookie, opens the address from the invitation.
    survey = other_page
    survey.goto(re.sub(r"^https?://[^/]+", "", address))
    check_page(survey)
    expect(survey.get_by_role("heading", name="Before you start: who sees what")).to_be_visible()
    expect(survey.get_by_role("button", name="Sign out")).to_have_count(0)
    _answer_every_question(survey)
    written = survey.locator("form.questionnaire textarea").first
    written.fill(IDENTIFYING)
    survey.wait_for_timeout(4500)  # a person takes a few seconds; the form refuses a bot's speed
    survey.get_by_role("button", name="Send my answers").click()
    check_page(survey)
    expect(survey.get_by_role("alert")).to_contain_text("Your other answers are kept below")
    expect(survey.locator("mark", has_text="Kayden").first).to_be_visible()
    checked = survey.locator("form.questionnaire input[type=radio]:checked")
    expect(checked).to_have_count(survey.locator("form.questionnaire fieldset").count())
    screenshot(survey, "supervisee-survey-identifying")

    written.fill(SAFE)
    survey.wait_for_timeout(4500)
    survey.get_by_role("button", name="Send my answers").click()
    check_page(survey)
    expect(survey.get_by_role("heading", level=1)).to_contain_text(re.compile("[Tt]hank"))

    survey.goto(re.sub(r"^https?://[^/]+", "", address))  # the same browser, again
    check_page(survey)
    expect(survey.get_by_text("Answers have already been sent from this browser")).to_be_visible()
    expect(survey.get_by_role("button", name="Send my answers")).to_have_count(0)
