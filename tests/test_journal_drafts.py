"""Nothing lost: autosave, saves after the sign-in expired, and two tabs editing one entry."""

import threading
from urllib.parse import urlsplit

import pytest
from journal_support import (
    editor_fields,
    expire_sign_in,
    open_editor,
    page_token,
    write_entry,
)
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.journal.models import JournalDraft, JournalEntry
from course.modules.journal.services import EntryFields, update_entry

LONG_TEXT = "An hour of careful writing about Child A's week. " * 40
JSON = {"Accept": "application/json"}


@pytest.fixture
def author(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort)


@pytest.fixture(autouse=True)
def from_the_editor_page(client):
    """Every post here comes from the site's own editor page, as a browser says it does."""
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"


def _sign_in_again(client, login_url, user):
    """Follow the sign-in page we were sent to, with its `next`, as a person would."""
    page = client.get(login_url).get_data(as_text=True)
    next_value = urlsplit(login_url).query.split("next=")[1].replace("%2F", "/")
    assert f'value="{next_value}"' in page
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": "a long enough test passphrase",
            "next": next_value,
            "csrf_token": page_token(page),
        },
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_autosave_keeps_a_draft_and_answers_with_the_time(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    data = editor_fields("Thinking", notes="First words")
    response = client.post("/journal/new/draft", data=data, headers={**JSON, "X-CSRFToken": token})
    assert response.status_code == 200
    saved = response.get_json()
    assert saved["saved"] and len(saved["saved_at"]) == 5 and saved["saved_at"][2] == ":"
    assert saved["draft_url"] == f"/journal/drafts/{saved['draft_id']}"
    data.update(notes="First words and more", draft_id=str(saved["draft_id"]))
    again = client.post("/journal/new/draft", data=data, headers={**JSON, "X-CSRFToken": token})
    assert again.get_json()["draft_id"] == saved["draft_id"]
    with app.app_context():
        drafts = db.session.scalars(select(JournalDraft)).all()
        assert [(d.reason, d.body) for d in drafts] == [("autosave", "First words and more")]
    page = client.get(saved["draft_url"]).get_data(as_text=True)
    assert "First words and more</textarea>" in page and "This is a draft" in page


def test_an_autosave_answered_after_the_save_does_not_undo_what_the_save_told_the_browser(
    app, author, login
):
    """A browser shares one cookie between the save and an autosave already on its way."""
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    data = editor_fields("Racing", notes="Words")
    cookie_before_the_save = client.get_cookie("session").value
    saved = client.post("/journal/new", data={**data, "csrf_token": token})
    assert saved.status_code == 302

    # The autosave was sent with the cookie of before the save, and its answer comes last.
    autosave = app.test_client()
    autosave.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    autosave.set_cookie("session", cookie_before_the_save)
    late = autosave.post("/journal/new/draft", data=data, headers={**JSON, "X-CSRFToken": token})
    assert late.status_code == 200
    for header in late.headers.getlist("Set-Cookie"):  # the browser takes any cookie it sets
        name, _, value = header.split(";")[0].partition("=")
        client.set_cookie(name, value)

    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Your entry is saved. Only you can read it." in page
    assert 'data-journal-forget="new"' in page


def test_autosave_without_the_token_is_kept_but_not_applied(app, author, login):
    entry_id = write_entry(app, author, "Original", body="Original text")
    client = login(author)
    data = {**editor_fields("Changed", notes="Changed text"), "version": "1"}
    response = client.post(f"/journal/{entry_id}/draft", data=data, headers=JSON)
    assert response.status_code == 409 and response.get_json()["kept"]
    with app.app_context():
        assert db.session.get(JournalEntry, entry_id).body == "Original text"


def test_saving_the_entry_removes_its_autosaved_draft(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    data = editor_fields("Finished", notes="All of it")
    draft_id = client.post(
        "/journal/new/draft", data=data, headers={**JSON, "X-CSRFToken": token}
    ).get_json()["draft_id"]
    client.post("/journal/new", data={**data, "draft_id": draft_id, "csrf_token": token})
    with app.app_context():
        assert db.session.scalars(select(JournalDraft)).all() == []
        assert db.session.scalar(select(JournalEntry.body)) == "All of it"


def test_a_save_after_the_sign_in_expired_is_waiting_after_signing_in_again(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new?framework=gibbs")
    data = editor_fields("Late night", "gibbs", gibbs_description=LONG_TEXT, tags="night")
    draft_id = client.post(
        "/journal/new/draft", data=data, headers={**JSON, "X-CSRFToken": token}
    ).get_json()["draft_id"]
    data.update(gibbs_feelings="Written after the autosave, before the expiry.")
    expire_sign_in(app, author)

    response = client.post("/journal/new", data={**data, "draft_id": draft_id, "csrf_token": token})
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")
    page = client.get(login_url).get_data(as_text=True)
    assert "your writing has been kept safely" in page
    assert client.get("/journal/").status_code == 302  # really signed out

    landing = _sign_in_again(client, login_url, author)
    assert landing == f"/journal/drafts/{draft_id}"
    page = client.get(landing).get_data(as_text=True)
    assert LONG_TEXT.strip() in page.replace("&#39;", "'")
    assert "Written after the autosave, before the expiry.</textarea>" in page
    assert 'value="Late night"' in page and 'value="night"' in page
    home = client.get("/").get_data(as_text=True)
    assert "Writing waiting for you" in home and "Late night" in home

    # Saving it from there makes the entry, and the draft is gone.
    _, token, _, _ = open_editor(client, landing)
    client.post("/journal/new", data={**data, "draft_id": draft_id, "csrf_token": token})
    with app.app_context():
        entry = db.session.scalar(select(JournalEntry))
        assert LONG_TEXT.strip() in entry.body and "before the expiry" in entry.body
        assert db.session.scalars(select(JournalDraft)).all() == []


def test_an_edit_sent_after_the_sign_in_expired_is_kept_beside_the_entry(app, author, login):
    entry_id = write_entry(app, author, "Supervision notes", body="Before.")
    client = login(author)
    _, token, version, _ = open_editor(client, f"/journal/{entry_id}/edit")
    expire_sign_in(app, author)
    data = {**editor_fields("Supervision notes", notes=LONG_TEXT), "version": version}
    response = client.post(f"/journal/{entry_id}/edit", data={**data, "csrf_token": token})
    landing = _sign_in_again(client, response.headers["Location"], author)
    page = client.get(landing).get_data(as_text=True)
    assert LONG_TEXT.strip() in page.replace("&#39;", "'")
    assert f'action="/journal/{entry_id}/edit"' in page
    with app.app_context():
        draft = db.session.scalar(select(JournalDraft))
        assert (draft.reason, draft.entry_id, draft.user_id) == ("signed_out", entry_id, author.id)
        assert db.session.get(JournalEntry, entry_id).body == "Before."


def test_an_autosave_after_the_sign_in_expired_is_kept_and_says_so(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    expire_sign_in(app, author)
    response = client.post(
        "/journal/new/draft",
        data=editor_fields("Typed on", notes="Still typing"),
        headers={**JSON, "X-CSRFToken": token},
    )
    assert response.status_code == 401
    answer = response.get_json()
    assert answer["kept"] and answer["signed_out"] and "sign in again" in answer["message"]
    assert answer["draft_url"] == f"/journal/drafts/{answer['draft_id']}"
    with app.app_context():
        draft = db.session.get(JournalDraft, answer["draft_id"])
        assert (draft.user_id, draft.body, draft.reason) == (
            author.id,
            "Still typing",
            "signed_out",
        )


def test_a_save_from_a_page_of_an_earlier_sign_in_is_kept_as_a_draft(app, author, login, auth):
    client = login(author)
    _, old_token, _, _ = open_editor(client, "/journal/new")
    expire_sign_in(app, author)
    login(author)  # signed in again in another tab: a new form token
    response = client.post(
        "/journal/new", data={**editor_fields("Old tab", notes="Text"), "csrf_token": old_token}
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This page was opened before your latest sign-in" in page
    assert "Text</textarea>" in page
    with app.app_context():
        assert db.session.scalar(select(JournalEntry)) is None


def test_a_signed_out_post_for_someone_elses_entry_keeps_nothing_of_theirs(
    app, cohort, author, make_user, login
):
    other = make_user(Role.PARTICIPANT, cohort_id=cohort)
    entry_id = write_entry(app, other, "Theirs", body="Their text")
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    expire_sign_in(app, author)
    data = {**editor_fields("Mine", notes="My text"), "version": "1", "csrf_token": token}
    client.post(f"/journal/{entry_id}/edit", data=data)
    with app.app_context():
        draft = db.session.scalar(select(JournalDraft))
        assert (draft.user_id, draft.entry_id, draft.body) == (author.id, None, "My text")
        assert db.session.get(JournalEntry, entry_id).body == "Their text"


def test_a_post_with_no_sign_in_at_all_goes_to_sign_in(app, client):
    response = client.post("/journal/new", data=editor_fields("x", notes="y"))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        assert db.session.scalars(select(JournalDraft)).all() == []


def test_two_tabs_editing_one_entry_keep_both_texts(app, author, login):
    entry_id = write_entry(app, author, "Two tabs", body="Start.")
    client = login(author)
    _, token, version_a, _ = open_editor(client, f"/journal/{entry_id}/edit")
    _, _, version_b, _ = open_editor(client, f"/journal/{entry_id}/edit")
    assert version_a == version_b == "1"

    tab_a = {**editor_fields("Two tabs", notes="Text from tab A"), "version": version_a}
    assert (
        client.post(f"/journal/{entry_id}/edit", data={**tab_a, "csrf_token": token}).status_code
        == 302
    )

    # Tab B's autosave already says the entry moved on.
    tab_b = {**editor_fields("Two tabs", notes="Text from tab B"), "version": version_b}
    answer = client.post(
        f"/journal/{entry_id}/draft", data=tab_b, headers={**JSON, "X-CSRFToken": token}
    ).get_json()
    assert answer["changed_elsewhere"] is True
    tab_b["draft_id"] = str(answer["draft_id"])

    response = client.post(f"/journal/{entry_id}/edit", data={**tab_b, "csrf_token": token})
    assert response.headers["Location"] == f"/journal/{entry_id}#drafts"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "saved from another tab or window after you opened it" in page
    assert "Text from tab A" in page  # the entry
    assert "Text from tab B" in page  # the draft beside it
    with app.app_context():
        entry = db.session.get(JournalEntry, entry_id)
        assert (entry.body, entry.version) == ("Text from tab A", 2)
        draft = db.session.scalar(select(JournalDraft))
        assert (draft.reason, draft.entry_id, draft.body) == (
            "conflict",
            entry_id,
            "Text from tab B",
        )

    # Opening the kept draft shows both, and saving it from there is applied knowingly.
    page, token, version, draft_id = open_editor(client, f"/journal/drafts/{draft.id}")
    assert "Text from tab B</textarea>" in page and "Text from tab A" in page
    assert version == "2" and draft_id == str(draft.id)
    merged = {
        **editor_fields("Two tabs", notes="A and B"),
        "version": version,
        "draft_id": draft_id,
    }
    client.post(f"/journal/{entry_id}/edit", data={**merged, "csrf_token": token})
    with app.app_context():
        assert db.session.get(JournalEntry, entry_id).body == "A and B"
        assert db.session.scalars(select(JournalDraft)).all() == []


def test_two_saves_racing_from_one_version_cannot_both_win(app, author):
    entry_id = write_entry(app, author, "Race", body="Start.")
    barrier = threading.Barrier(2)
    results = {}

    def save(label):
        with app.app_context():
            user = db.session.get(User, author.id)
            barrier.wait()
            fields = EntryFields(title="Race", body=f"Text from {label}")
            results[label] = update_entry(entry_id, user, 1, fields)
            db.session.commit()

    threads = [threading.Thread(target=save, args=(label,)) for label in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [False, True]
    winner = next(label for label, won in results.items() if won)
    with app.app_context():
        entry = db.session.get(JournalEntry, entry_id)
        assert (entry.body, entry.version) == (f"Text from {winner}", 2)


def test_discarding_a_draft(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    draft_id = client.post(
        "/journal/new/draft",
        data=editor_fields("Maybe", notes="Not sure"),
        headers={**JSON, "X-CSRFToken": token},
    ).get_json()["draft_id"]
    assert "Maybe" in client.get("/journal/").get_data(as_text=True)
    client.post(f"/journal/drafts/{draft_id}/discard", data={"csrf_token": token})
    assert client.get(f"/journal/drafts/{draft_id}").status_code == 404
