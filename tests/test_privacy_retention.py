"""Retention: journals after the cohort (warned first), idle accounts, audit events, the outbox."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from journal_support import write_entry
from sqlalchemy import func, select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from course.modules.journal.models import JournalEntry
from course.modules.notifications.models import Notification
from course.modules.privacy.retention import RETENTION_WARNING, apply_retention
from course.modules.programme.services import create_programme

ENDS = date(2025, 7, 31)


def at(day, hour=3):
    """A moment on a day (UTC)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def ended_cohort(app, make_user):
    """A cohort that ended on 31 July 2025 and an author in it with two entries."""
    with time_machine.travel(at(date(2024, 9, 1)), tick=False):
        with app.app_context():
            cohort = Cohort(name="Ended", organisation="Council", starts_on=date(2024, 9, 1),
                            ends_on=ENDS)  # fmt: skip
            db.session.add(cohort)
            db.session.flush()
            create_programme(cohort)
            db.session.commit()
            cohort_id = cohort.id
        author = make_user(Role.PARTICIPANT, cohort_id=cohort_id)
        for n in range(2):
            write_entry(app, author, f"Entry {n}", "Text")
    return cohort_id, author


def count(app, column, *where):
    """A count in a fresh query."""
    with app.app_context():
        return db.session.scalar(select(func.count(column)).where(*where))


def test_journals_are_deleted_a_year_after_the_cohort_with_a_warning_a_month_before(
    app, ended_cohort
):
    _, author = ended_cohort
    mine = (JournalEntry.author_id == author.id,)
    warned = (Notification.user_id == author.id, Notification.kind == RETENTION_WARNING)
    with app.app_context():
        apply_retention(now=at(ENDS + timedelta(days=334)))
    assert count(app, Notification.id, *warned) == 0  # not yet: 31 days before
    for _ in range(2):
        with app.app_context():
            report = apply_retention(now=at(ENDS + timedelta(days=336)))
    assert count(app, Notification.id, *warned) == 1  # once, however often cron runs
    assert count(app, JournalEntry.id, *mine) == 2
    with app.app_context():
        body = db.session.scalar(select(Notification.body).where(*warned))
    assert "On 31 July 2026 the site deletes your journal" in body

    with app.app_context():
        report = apply_retention(now=at(ENDS + timedelta(days=365)))
    assert count(app, JournalEntry.id, *mine) == 0
    assert "Journal entries and logs deleted after the cohort ended: 2" in report.lines


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(app, runner, ended_cohort):
    _, author = ended_cohort
    with time_machine.travel(at(ENDS + timedelta(days=400)), tick=False):
        result = runner.invoke(args=["apply-retention", "--dry-run"])
    assert result.exit_code == 0
    assert "Dry run: nothing was changed." in result.output
    assert "Would delete the journals of people: 1" in result.output
    assert "Would delete 0 case briefs." in result.output
    assert count(app, JournalEntry.id, JournalEntry.author_id == author.id) == 2


def test_idle_accounts_are_anonymised_and_old_audit_and_sent_messages_go(app, make_user):
    long_ago = at(date(2021, 1, 4))
    with time_machine.travel(long_ago, tick=False):
        idle = make_user(Role.PARTICIPANT, name="Ida Idle")
        admin = make_user(Role.ADMIN, name="Ada Admin")
        with app.app_context():
            db.session.add(AuditEvent(action="old_thing", at=long_ago))
            for status in ("sent", "pending"):
                db.session.add(Notification(user_id=admin.id, kind="x", subject=status,
                                            email_status=status, created_at=long_ago))  # fmt: skip
            db.session.commit()
    recent = make_user(Role.PARTICIPANT, name="Rita Recent")
    with app.app_context():
        report = apply_retention()
    with app.app_context():
        names = set(db.session.scalars(select(User.name)))
        subjects = set(db.session.scalars(select(Notification.subject)))
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "Ida Idle" not in names and f"Erased person {idle.id}" in names
    assert {"Ada Admin", recent.name} <= names  # administrators and recent users stay
    assert subjects == {"pending"}
    assert "old_thing" not in actions and "person_erased" in actions
    assert "Inactive accounts anonymised: 1" in report.lines
    assert "Notifications purged from the outbox: 1" in report.lines


def test_a_person_in_a_later_cohort_keeps_their_journal(app, ended_cohort):
    _, author = ended_cohort
    with app.app_context():
        later = Cohort(name="Later", organisation="Council", starts_on=date(2026, 9, 1),
                       ends_on=date(2027, 7, 31))  # fmt: skip
        db.session.add(later)
        db.session.flush()
        db.session.add(CohortMember(cohort_id=later.id, user_id=author.id))
        db.session.commit()
        apply_retention(now=at(ENDS + timedelta(days=400)))
    assert count(app, JournalEntry.id, JournalEntry.author_id == author.id) == 2
