"""Erasure: the person is gone from every table, and the cohort's figures do not move."""

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from course import audit
from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, User
from course.modules.attendance import compliance
from course.modules.barriers.models import Barrier
from course.modules.barriers.overview import cohort_overview
from course.modules.journal.models import JournalDraft, JournalEntry
from course.modules.notifications.services import notify
from course.modules.programme.services import cohort_sessions
from tests.conftest import Auth, form_token

ERASED = "manager01@example.org"


@pytest.fixture
def demo(app, runner):
    """The demo cohort; returns (cohort id, the person to erase)."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == ERASED))
        db.session.expunge(person)
        return db.session.scalar(select(Cohort.id)), person


def figures(app, cohort_id):
    """Attendance rates and barrier figures as senior managers see them."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        sessions = cohort_sessions(cohort_id)
        view = compliance.cohort_view(cohort, sessions)
        per_session = [(f.course_session.id, f.people, f.attended) for f in view["per_session"]]
        return view["figures"], per_session, cohort_overview(cohort_id)


def admin_client(app):
    """An administrator signed in (the demo's)."""
    client = app.test_client()
    Auth(client).login("admin@example.org", app.config["COURSE_DEMO_PASSWORD"])
    return client


def erase(client, person, confirmation, reason="Request 2026-114 received 1 November"):
    """Post the erasure form."""
    page = f"/admin/users/{person.id}/privacy"
    return client.post(
        f"/admin/users/{person.id}/erase",
        data={
            "confirmation": confirmation,
            "reason": reason,
            "csrf_token": form_token(client, page),
        },
    )


def every_text_value(app):
    """(table, column, value) for every text value in the database, decrypted where encrypted."""
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
            columns += [c for c in table.columns if type(c.type).__name__ == "EncryptedText"]
            if not columns:
                continue
            for row in db.session.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str):
                        yield table.name, column.name, value


def test_a_wrong_confirmation_is_refused_next_to_the_field_and_keeps_the_reason(app, demo):
    cohort_id, person = demo
    response = erase(admin_client(app), person, "someone@example.org", reason="Ticket 42")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This is not the person&#39;s email address" in page
    assert "Ticket 42" in page
    with app.app_context():
        assert db.session.get(User, person.id).email == ERASED


def test_after_erasure_nothing_identifies_the_person_and_the_figures_are_unchanged(app, demo):
    cohort_id, person = demo
    with app.app_context():  # as a register change and an apology leave them
        trainer = db.session.scalar(select(User).where(User.email == "trainer1@example.org"))
        audit.record("register_mark_changed", actor=trainer, person=person.name, to="Late")
        notify(trainer, "apologies", f"{person.name} sent apologies for session 7")
        db.session.commit()
    before = figures(app, cohort_id)
    with app.app_context():
        raised = db.session.scalar(
            select(func.count(Barrier.id)).where(Barrier.raised_by_id == person.id)
        )
        assert db.session.scalar(
            select(func.count(JournalEntry.id)).where(JournalEntry.author_id == person.id)
        )
    traces = {person.name.lower(), person.email.lower()}
    assert any(
        trace in value.lower() for _, _, value in every_text_value(app) for trace in traces
    )  # the scan finds the person before

    client = admin_client(app)
    response = erase(client, person, ERASED.upper())
    assert response.status_code == 302

    assert figures(app, cohort_id) == before
    found = [
        (table, column)
        for table, column, value in every_text_value(app)
        for trace in traces
        if trace in value.lower()
    ]
    assert found == []
    with app.app_context():
        for model, owner in (
            (JournalEntry, JournalEntry.author_id),
            (JournalDraft, JournalDraft.user_id),
        ):
            assert db.session.scalar(select(func.count(model.id)).where(owner == person.id)) == 0
        barriers = db.session.scalars(
            select(Barrier).where(Barrier.raised_by_id == person.id)
        ).all()
        assert len(barriers) == raised and all(b.text == "" for b in barriers)
        assert all(b.excerpt is None or b.released_at for b in barriers)
        user = db.session.get(User, person.id)
        assert not user.active and user.password_hash is None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person_erased"))
        assert "Request 2026-114" in event.detail
    assert (
        Auth(app.test_client()).login(ERASED, app.config["COURSE_DEMO_PASSWORD"]).status_code == 200
    )
