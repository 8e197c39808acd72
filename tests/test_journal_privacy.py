"""Privacy: an entry is its author's alone unless shared, and then only the trainers read it."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from journal_support import page_token, write_entry
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.journal.models import JournalDraft, JournalEntry
from course.modules.notifications.models import Notification
from course.modules.programme.models import CourseSession
from course.timeutil import london_today, utcnow

PRIVATE_TITLE = "Zebra-private thoughts about Child Q"
SHARED_TITLE = "Okapi-shared reflection on supervision"
OTHER_ROLES = ("participant", "senior_manager", "trainer", "evaluator", "admin")


@dataclass
class People:
    """The author and everyone else who might try to read the journal."""

    author: object
    participant: object
    senior_manager: object
    trainer: object
    evaluator: object
    admin: object
    other_trainer: object


@pytest.fixture
def people(app, cohort, make_user):
    """An author and one person of every other role; a trainer of another cohort too."""
    with app.app_context():
        other = Cohort(
            name="Elsewhere",
            organisation="Elsewhere Council",
            starts_on=london_today(),
            ends_on=london_today() + timedelta(days=300),
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    return People(
        author=make_user(Role.PARTICIPANT, cohort_id=cohort),
        participant=make_user(Role.PARTICIPANT, cohort_id=cohort),
        senior_manager=make_user(Role.SENIOR_MANAGER, cohort_id=cohort),
        trainer=make_user(Role.TRAINER, cohort_id=cohort),
        evaluator=make_user(Role.EVALUATOR, cohort_id=cohort),
        admin=make_user(Role.ADMIN),
        other_trainer=make_user(Role.TRAINER, cohort_id=other_id),
    )


def _first_session(app, cohort):
    with app.app_context():
        return db.session.scalar(
            select(CourseSession.id).where(CourseSession.cohort_id == cohort).limit(1)
        )


@pytest.fixture
def entries(app, cohort, people):
    """(private entry id, shared entry id, a draft id of each), all the author's."""
    session_id = _first_session(app, cohort)
    private = write_entry(
        app, people.author, PRIVATE_TITLE, cohort_id=cohort, session_id=session_id
    )
    shared = write_entry(
        app,
        people.author,
        SHARED_TITLE,
        cohort_id=cohort,
        session_id=session_id,
        shared_with_trainers=True,
        shared_at=utcnow(),
    )
    with app.app_context():
        drafts = {}
        for entry_id in (private, shared):
            draft = JournalDraft(
                user_id=people.author.id, entry_id=entry_id, title="Draft", body="Draft text"
            )
            db.session.add(draft)
            db.session.flush()
            drafts[entry_id] = draft.id
        db.session.commit()
    return private, shared, drafts


def _entry_pages(entry_id, draft_id):
    """Every address that shows or changes one entry, with its method."""
    return [
        ("get", f"/journal/{entry_id}/edit"),
        ("get", f"/journal/{entry_id}/export"),
        ("get", f"/journal/drafts/{draft_id}"),
        ("post", f"/journal/{entry_id}/draft"),
        ("post", f"/journal/{entry_id}/edit"),
        ("post", f"/journal/drafts/{draft_id}/discard"),
        ("post", f"/journal/{entry_id}/share"),
        ("post", f"/journal/{entry_id}/unshare"),
        ("post", f"/journal/{entry_id}/delete"),
    ]


@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("shared", [False, True], ids=["unshared", "shared"])
def test_every_other_role_gets_404_for_an_entrys_pages(
    app, people, entries, login, client, role, shared
):
    private, shared_id, drafts = entries
    entry_id = shared_id if shared else private
    login(getattr(people, role))
    token = page_token(client.get("/account/").get_data(as_text=True))
    readable = role == "trainer" and shared
    assert client.get(f"/journal/{entry_id}").status_code == (200 if readable else 404)
    for method, path in _entry_pages(entry_id, drafts[entry_id]):
        data = {"csrf_token": token, "title": "Overwrite", "notes": "x", "version": "1"}
        response = (
            getattr(client, method)(path, data=data) if method == "post" else client.get(path)
        )
        assert response.status_code == 404, (role, method, path)
    with app.app_context():
        entry = db.session.get(JournalEntry, entry_id)
        assert entry.title in (PRIVATE_TITLE, SHARED_TITLE)
        assert entry.deleted_at is None and entry.shared_with_trainers == shared
        assert db.session.get(JournalDraft, drafts[entry_id]) is not None


def test_trainer_reads_an_entry_only_while_it_is_shared(app, people, entries, login, client):
    private, shared_id, _ = entries
    author = login(people.author)
    token = page_token(author.get(f"/journal/{private}").get_data(as_text=True))
    author.post(f"/journal/{private}/share", data={"csrf_token": token, "until": ""})
    client.post("/logout", data={"csrf_token": token})

    trainer = login(people.trainer)
    page = trainer.get(f"/journal/{private}").get_data(as_text=True)
    assert PRIVATE_TITLE in page and "Edit" not in page and "Stop sharing" not in page
    assert PRIVATE_TITLE in trainer.get("/journal/shared").get_data(as_text=True)
    trainer_token = page_token(trainer.get("/account/").get_data(as_text=True))
    trainer.post("/logout", data={"csrf_token": trainer_token})

    author = login(people.author)
    token = page_token(author.get(f"/journal/{private}").get_data(as_text=True))
    response = author.post(f"/journal/{private}/unshare", data={"csrf_token": token})
    assert response.status_code == 302
    author.post("/logout", data={"csrf_token": token})

    trainer = login(people.trainer)
    assert trainer.get(f"/journal/{private}").status_code == 404
    assert PRIVATE_TITLE not in trainer.get("/journal/shared").get_data(as_text=True)
    assert trainer.get(f"/journal/{shared_id}").status_code == 200


def test_sharing_until_a_date_ends_on_its_own(app, people, entries, login):
    _, shared_id, _ = entries
    with app.app_context():
        entry = db.session.get(JournalEntry, shared_id)
        entry.share_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    trainer = login(people.trainer)
    assert trainer.get(f"/journal/{shared_id}").status_code == 404
    assert SHARED_TITLE not in trainer.get("/journal/shared").get_data(as_text=True)


def test_author_shares_until_a_date_and_sees_it(app, people, entries, login):
    private, _, _ = entries
    author = login(people.author)
    token = page_token(author.get(f"/journal/{private}").get_data(as_text=True))
    until = london_today() + timedelta(days=10)
    author.post(f"/journal/{private}/share", data={"csrf_token": token, "until": until.isoformat()})
    page = author.get(f"/journal/{private}").get_data(as_text=True)
    assert f"until the end of {until.day} {until:%B %Y}" in page
    with app.app_context():
        entry = db.session.get(JournalEntry, private)
        assert entry.is_shared() and entry.shared_until == until
        assert not entry.is_shared(now=entry.share_expires_at)
        kinds = db.session.scalars(
            select(Notification.kind).where(Notification.user_id == people.trainer.id)
        ).all()
        assert kinds == ["journal_shared"]


def test_sharing_with_a_past_date_is_refused(app, people, entries, login):
    private, _, _ = entries
    author = login(people.author)
    token = page_token(author.get(f"/journal/{private}").get_data(as_text=True))
    yesterday = london_today() - timedelta(days=1)
    response = author.post(
        f"/journal/{private}/share",
        data={"csrf_token": token, "until": yesterday.isoformat()},
        follow_redirects=True,
    )
    assert "The date must be today or later" in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(JournalEntry, private).shared_with_trainers


def test_trainer_of_another_cohort_cannot_read_a_shared_entry(people, entries, login):
    _, shared_id, _ = entries
    trainer = login(people.other_trainer)
    assert trainer.get(f"/journal/{shared_id}").status_code == 404
    assert SHARED_TITLE not in trainer.get("/journal/shared").get_data(as_text=True)


def test_each_trainer_read_is_audited_without_the_text(app, people, entries, login):
    _, shared_id, _ = entries
    trainer = login(people.trainer)
    trainer.get(f"/journal/{shared_id}")
    trainer.get(f"/journal/{shared_id}")
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "journal_entry_read")
        ).all()
        assert [(e.actor_id, e.object_type, e.object_id) for e in events] == [
            (people.trainer.id, "JournalEntry", shared_id)
        ] * 2
        assert all(SHARED_TITLE not in (e.detail or "") for e in events)


def test_trainer_feedback_reaches_the_author_but_the_message_holds_no_text(
    app, people, entries, login, client
):
    _, shared_id, _ = entries
    trainer = login(people.trainer)
    token = page_token(trainer.get(f"/journal/{shared_id}").get_data(as_text=True))
    feedback = "Consider the parallel process with the family"
    response = trainer.post(
        f"/journal/{shared_id}/feedback", data={"csrf_token": token, "body": feedback}
    )
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": token})

    author = login(people.author)
    assert feedback in author.get(f"/journal/{shared_id}").get_data(as_text=True)
    with app.app_context():
        message = db.session.scalar(
            select(Notification).where(Notification.user_id == people.author.id)
        )
        assert message.kind == "journal_feedback"
        assert message.link == f"/journal/{shared_id}"
        for text in (feedback, SHARED_TITLE):
            assert text not in message.subject and text not in message.body


def test_only_trainers_write_feedback(people, entries, login, client):
    _, shared_id, _ = entries
    for person in (people.senior_manager, people.admin, people.evaluator, people.author):
        login(person)
        token = page_token(client.get("/account/").get_data(as_text=True))
        response = client.post(
            f"/journal/{shared_id}/feedback", data={"csrf_token": token, "body": "Hello"}
        )
        assert response.status_code == 404
        client.post("/logout", data={"csrf_token": token})


def _pages_for(app, cohort, entry_ids):
    """Every page without parameters, every session page, and the entries' own pages."""
    with app.app_context():
        session_ids = db.session.scalars(
            select(CourseSession.id).where(CourseSession.cohort_id == cohort)
        ).all()
        paths = [
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
        ]
    paths += [f"/programme/{session_id}" for session_id in session_ids]
    paths += [f"/journal/{entry_id}" for entry_id in entry_ids]
    return paths


@pytest.mark.parametrize("role", ["trainer", "senior_manager", "admin", "evaluator"])
def test_no_other_roles_page_shows_an_unshared_title(
    app, cohort, people, entries, login, client, role
):
    private, shared_id, _ = entries
    login(getattr(people, role))
    for path in _pages_for(app, cohort, [private, shared_id]):
        page = client.get(path).get_data(as_text=True)
        assert PRIVATE_TITLE not in page, path
        if role != "trainer":
            assert SHARED_TITLE not in page, path


def test_another_participants_pages_show_nothing_of_the_journal(
    app, cohort, people, entries, login, client
):
    private, shared_id, _ = entries
    login(people.participant)
    for path in _pages_for(app, cohort, [private, shared_id]):
        page = client.get(path).get_data(as_text=True)
        assert PRIVATE_TITLE not in page and SHARED_TITLE not in page, path


def test_other_roles_cannot_reach_the_journal_lists(people, login, client):
    for role in ("trainer", "evaluator", "admin"):
        login(getattr(people, role))
        assert client.get("/journal/").status_code == 403
        assert client.get("/journal/export").status_code == 403
        token = page_token(client.get("/account/").get_data(as_text=True))
        client.post("/logout", data={"csrf_token": token})
    for role in ("participant", "senior_manager", "evaluator", "admin"):
        login(getattr(people, role))
        assert client.get("/journal/shared").status_code == 403
        token = page_token(client.get("/account/").get_data(as_text=True))
        client.post("/logout", data={"csrf_token": token})
