"""Drafts are no longer than an entry may be, and a long draft does not slow the journal list."""

import pytest
from journal_support import editor_fields, expire_sign_in, open_editor
from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.drafts import MAX_DRAFT_LENGTH
from course.modules.journal.models import JournalDraft

JSON = {"Accept": "application/json"}


@pytest.fixture
def author(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort)


def _drafts(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(JournalDraft))


def test_an_autosave_over_the_limit_is_refused_with_a_message(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    data = editor_fields("Too long", notes="x" * (MAX_DRAFT_LENGTH + 1))
    response = client.post("/journal/new/draft", data=data, headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 413
    answer = response.get_json()
    assert not answer["saved"] and answer["too_long"]
    assert "over 100,000 characters" in answer["message"]
    assert _drafts(app) == 0


def test_an_autosave_at_the_limit_is_kept(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    data = editor_fields("Just fits", notes="x" * MAX_DRAFT_LENGTH)
    response = client.post("/journal/new/draft", data=data, headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["saved"]
    assert _drafts(app) == 1


def test_a_post_after_sign_in_ended_over_the_limit_is_not_stored(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    expire_sign_in(app, author)
    data = editor_fields("Too long", notes="x" * (MAX_DRAFT_LENGTH + 1))
    headers = {**JSON, "X-CSRFToken": token, "Sec-Fetch-Site": "same-origin"}  # from our page
    response = client.post("/journal/new/draft", data=data, headers=headers)
    assert response.status_code == 413 and response.get_json()["too_long"]
    assert _drafts(app) == 0


def test_the_journal_list_shows_a_short_excerpt_of_a_draft_at_the_limit(app, author, login):
    with app.app_context():
        body = ("[" * 5000 + " word ") * (MAX_DRAFT_LENGTH // 5006)
        db.session.add(JournalDraft(user_id=author.id, title="Huge", body=body, reason="autosave"))
        db.session.commit()
    page = login(author).get("/journal/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Huge" in text and "[" * 99 in text and "[" * 101 not in text
