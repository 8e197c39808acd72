"""Nothing typed is lost: autosave, a save after the sign-in expired, two tabs on one record."""

from datetime import date

import pytest
from journal_support import expire_sign_in
from sqlalchemy import select
from supervision_support import add_record, add_supervisee, page_token, pinned_clock, record_fields

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.supervision.models import SupervisionDraft, SupervisionRecord

JSON = {"Accept": "application/json"}
LONG_NOTE = "We thought about Child A's week and what the visits stir up in SW1. " * 20


@pytest.fixture(autouse=True)
def frozen():
    with pinned_clock():
        yield


@pytest.fixture
def manager(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort)


def test_autosave_keeps_a_draft_that_reopens_with_everything(app, manager, login):
    supervisee_id = add_supervisee(app, manager)
    client = login(manager)
    new = f"/supervision/supervisees/{supervisee_id}/records/new"
    page = client.get(new).get_data(as_text=True)
    assert 'data-autosave-url="/supervision/supervisees/' in page and "js/journal.js" in page
    token = page_token(page)
    data = record_fields(token, note_reflection=LONG_NOTE, **{"actions-0-what": "Joint visit"})
    response = client.post(f"{new}/draft", data=data, headers={**JSON, "X-CSRFToken": token})
    saved = response.get_json()
    assert response.status_code == 200 and saved["saved"]
    assert saved["draft_url"] == f"/supervision/drafts/{saved['draft_id']}"
    data["draft_id"] = str(saved["draft_id"])
    again = client.post(f"{new}/draft", data=data, headers={**JSON, "X-CSRFToken": token})
    assert again.get_json()["draft_id"] == saved["draft_id"]
    reopened = client.get(saved["draft_url"]).get_data(as_text=True)
    assert "This is a draft" in reopened
    assert "what the visits stir up in SW1" in reopened and "Joint visit" in reopened
    assert "Records waiting to be finished" in client.get("/supervision/").get_data(True)
    assert "Records waiting for you" in client.get("/").get_data(as_text=True)
    # Saving from the draft stores the record and throws the draft away.
    assert client.post(new, data=data | {"save_anyway": "1"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SupervisionDraft.id)) is None
        assert db.session.scalar(select(SupervisionRecord.id)) is not None


def test_a_save_after_the_sign_in_expired_is_kept_and_waits_after_signing_in(
    app, manager, login, client
):
    supervisee_id = add_supervisee(app, manager)
    login(manager)
    new = f"/supervision/supervisees/{supervisee_id}/records/new"
    token = page_token(client.get(new).get_data(as_text=True))
    expire_sign_in(app, manager)
    response = client.post(new, data=record_fields(token, note_reflection=LONG_NOTE))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/supervision/drafts/")
    with app.app_context():
        draft = db.session.scalar(select(SupervisionDraft))
        assert (draft.user_id, draft.reason) == (manager.id, "signed_out")
        assert db.session.scalar(select(SupervisionRecord.id)) is None
    login(manager)
    page = client.get(f"/supervision/drafts/{draft.id}").get_data(as_text=True)
    assert "kept when your sign-in ended" in page and "what the visits stir up" in page


def test_an_autosave_after_expiry_answers_the_script_and_keeps_the_text(app, manager, login):
    supervisee_id = add_supervisee(app, manager)
    client = login(manager)
    new = f"/supervision/supervisees/{supervisee_id}/records/new"
    token = page_token(client.get(new).get_data(as_text=True))
    expire_sign_in(app, manager)
    response = client.post(
        f"{new}/draft",
        data=record_fields(token, note_reflection=LONG_NOTE),
        headers={**JSON, "X-CSRFToken": token},
    )
    assert response.status_code == 401
    body = response.get_json()
    assert body["kept"] and body["signed_out"] and "sign in again" in body["message"]


def test_a_save_from_an_older_tab_does_not_overwrite_the_record(app, manager, login):
    supervisee_id = add_supervisee(app, manager)
    record_id, _ = add_record(app, manager, supervisee_id, date(2026, 3, 2))
    client = login(manager)
    edit = f"/supervision/records/{record_id}/edit"
    first = page_token(client.get(edit).get_data(as_text=True))
    tab_a = record_fields(first, held_on="2026-03-02", version="1", save_anyway="1")
    tab_b = dict(tab_a, note_reflection="Tab B's thoughts")
    assert client.post(edit, data=tab_a | {"minutes": "100"}).status_code == 302
    response = client.post(edit, data=tab_b)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "saved from another tab or window" in page
    with app.app_context():
        record = db.session.get(SupervisionRecord, record_id)
        assert (record.minutes, record.version) == (100, 2)
        draft = db.session.scalar(select(SupervisionDraft))
        assert draft.reason == "conflict" and "Tab B" in draft.fields


def test_another_managers_supervisee_gets_no_draft_from_an_expired_post(
    app, manager, make_user, cohort, login, client
):
    other = make_user(Role.PARTICIPANT, cohort_id=cohort)
    theirs = add_supervisee(app, other, label="Their SW")
    login(manager)
    token = page_token(client.get("/supervision/").get_data(as_text=True))
    expire_sign_in(app, manager)
    client.post(f"/supervision/supervisees/{theirs}/records/new", data=record_fields(token))
    with app.app_context():
        assert db.session.scalar(select(SupervisionDraft.id)) is None
