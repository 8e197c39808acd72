"""Briefs are deleted after their session by `flask --app course apply-retention`; the demo rota."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Text, func, select, type_coerce

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, User
from course.modules.attendance.models import ATTENDED, AttendanceMark
from course.modules.notifications.models import Notification
from course.modules.presentations.anonymisation import find_identifiers
from course.modules.presentations.models import Presentation, PresentationStatus, ReflectionNote
from course.modules.presentations.retention import delete_expired_briefs
from course.modules.programme.models import CourseSession
from course.timeutil import utcnow
from tests.conftest import POSTGRES_URL, Auth

SECRET = "Child A and the quince-coloured front door of the family home"


def _presentation(session, user, number):
    return Presentation(
        session_id=session.id,
        presenter_id=user.id,
        kind="stuck_case",
        title=f"Title {number}",
        brief=f"{SECRET} {number}",
        status=PresentationStatus.GIVEN,
        slot=1,
    )


@pytest.fixture
def briefs(app, cohort, make_user):
    """Three briefs: session ended 8 days ago, 6 days ago, and one still to come."""
    users = [make_user(cohort_id=cohort) for _ in range(3)]
    with app.app_context():
        sessions = db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == cohort)
            .order_by(CourseSession.number)
        ).all()
        ids = {}
        for label, session, ended_ago, user in zip(
            ("old", "recent", "coming"),
            sessions[2:5],
            (timedelta(days=8), timedelta(days=6), -timedelta(days=20)),
            users,
            strict=True,
        ):
            session.ends_at = utcnow() - ended_ago
            session.starts_at = session.ends_at - timedelta(hours=3)
            presentation = _presentation(session, user, label)
            if label == "coming":
                presentation.status = PresentationStatus.CONFIRMED
            db.session.add(presentation)
            db.session.flush()
            ids[label] = presentation.id
        db.session.commit()
        return ids


def test_apply_retention_deletes_briefs_seven_days_after_the_session(app, runner, briefs):
    result = runner.invoke(args=["apply-retention"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 case brief." in result.output
    with app.app_context():
        old = db.session.get(Presentation, briefs["old"])
        assert old.brief is None and old.brief_deleted_at is not None
        assert (old.title, old.kind) == ("Title old", "stuck_case")  # the rota keeps these
        assert db.session.get(Presentation, briefs["recent"]).brief == f"{SECRET} recent"
        assert db.session.get(Presentation, briefs["coming"]).brief == f"{SECRET} coming"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "briefs_deleted"))
        assert SECRET not in event.detail


def test_apply_retention_is_idempotent_and_follows_the_setting(app, runner, briefs):
    assert "Deleted 1 case brief." in runner.invoke(args=["apply-retention"]).output
    assert "Deleted 0 case briefs." in runner.invoke(args=["apply-retention"]).output
    app.config["COURSE_BRIEF_RETENTION_DAYS"] = 5
    assert "Deleted 1 case brief." in runner.invoke(args=["apply-retention"]).output
    with app.app_context():
        remaining = db.session.scalars(
            select(Presentation.brief).where(Presentation.brief.is_not(None))
        ).all()
    assert remaining == [f"{SECRET} coming"]


def test_a_deleted_brief_is_gone_from_the_page_and_the_title_stays(app, runner, briefs):
    runner.invoke(args=["apply-retention"])
    with app.app_context():
        presenter = db.session.get(User, db.session.get(Presentation, briefs["old"]).presenter_id)
        db.session.expunge(presenter)
    client = app.test_client()
    Auth(client).login(presenter)
    page = client.get(f"/presentations/{briefs['old']}").get_data(as_text=True)
    assert "Title old" in page and SECRET not in page
    assert "was deleted on" in page


@pytest.mark.skipif(bool(POSTGRES_URL), reason="reads the SQLite database file")
def test_a_deleted_brief_leaves_no_copy_in_the_sqlite_file(app, runner, briefs):
    delete_count = 0
    with app.app_context():
        delete_count = delete_expired_briefs()
        database = Path(db.engine.url.database)
        # Briefs are encrypted at rest: the control is the recent brief's ciphertext.
        recent = db.session.scalar(
            select(type_coerce(Presentation.brief, Text)).where(Presentation.id == briefs["recent"])
        )
    assert delete_count == 1
    stored = database.read_bytes()
    wal = Path(f"{database}-wal")
    stored += wal.read_bytes() if wal.exists() else b""
    assert f"{SECRET} old".encode() not in stored
    assert f"{SECRET} recent".encode() not in stored
    assert recent.encode() in stored


def test_apply_retention_with_nothing_to_delete_says_so(runner, cohort):
    result = runner.invoke(args=["apply-retention"])
    assert result.exit_code == 0 and "Deleted 0 case briefs." in result.output


# The demo cohort ---------------------------------------------------------------------------------


def seed_demo(app, runner):
    """Run seed-demo as `flask --app course seed-demo` does: inside an app context."""
    with app.app_context():
        result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def test_seed_demo_builds_a_rota_that_keeps_the_rules(app, runner):
    seed_demo(app, runner)
    with app.app_context():
        cohort = db.session.scalar(select(Cohort))
        sessions = {
            s.number: s
            for s in db.session.scalars(
                select(CourseSession).where(CourseSession.cohort_id == cohort.id)
            )
        }
        presentations = db.session.scalars(select(Presentation)).all()
        by_status = {}
        for p in presentations:
            by_status.setdefault(p.status, []).append(p)
        given = by_status[PresentationStatus.GIVEN]
        assert {sessions_number(sessions, p) for p in given} == {1, 2, 3, 4, 5, 6}
        assert all(p.brief is None and p.brief_deleted_at for p in given)  # retention applied
        reserves = by_status[PresentationStatus.RESERVE]
        assert reserves and {sessions_number(sessions, p) for p in reserves} == {7}
        coming = [p for p in by_status[PresentationStatus.CONFIRMED]]
        assert {sessions_number(sessions, p) for p in coming} == {7, 8, 9}
        for number in (7, 8, 9, 10, 11):  # never more confirmed than slots
            held = [p for p in coming if sessions_number(sessions, p) == number]
            assert len(held) <= sessions[number].presentation_slots
        # Everyone presents once before anyone twice: no presenter holds two slots.
        holders = [p.presenter_id for p in given + coming]
        assert len(holders) == len(set(holders))
        for p in presentations:  # every demo brief passes the check
            assert find_identifiers(p.title) == []
            assert find_identifiers(p.brief or "") == [], p.title
        notes = db.session.scalars(select(ReflectionNote)).all()
        assert len(notes) >= len(given) * 2
        for note in notes:  # written by people marked as attending
            presentation = db.session.get(Presentation, note.presentation_id)
            assert note.author_id != presentation.presenter_id
            assert db.session.scalar(
                select(func.count(AttendanceMark.id)).where(
                    AttendanceMark.session_id == presentation.session_id,
                    AttendanceMark.user_id == note.author_id,
                    AttendanceMark.status.in_(ATTENDED),
                )
            )
        assert db.session.scalar(
            select(func.count(Notification.id)).where(Notification.kind == "presentation_promoted")
        )


def sessions_number(sessions, presentation):
    """The number of a presentation's session."""
    return next(n for n, s in sessions.items() if s.id == presentation.session_id)


def test_the_demo_manager_sees_their_presentation_and_the_promoted_one_their_news(app, runner):
    seed_demo(app, runner)
    client = app.test_client()
    Auth(client).login("manager01@example.org", "reflective-practice-demo")
    home = client.get("/").get_data(as_text=True)
    assert "you are presenting" in home
    rota = client.get("/presentations/").get_data(as_text=True)
    assert "on the reserve list" in rota
    client = app.test_client()
    Auth(client).login("manager02@example.org", "reflective-practice-demo")
    assert "you moved up from the reserve list" in client.get("/").get_data(as_text=True)
