"""Catch-up for a missed session: its required readings, a reflection, a trainer's approval."""

from datetime import timedelta

from flask import abort, current_app, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from course import audit
from course.extensions import db
from course.modules.accounts.models import User
from course.modules.attendance.models import AttendanceMark, CatchUp
from course.modules.attendance.notices import notify_trainers
from course.modules.attendance.records import session_facts
from course.modules.attendance.services import CatchUpState
from course.modules.notifications.services import notify
from course.modules.programme.models import CourseSession
from course.modules.readings.models import Reading, SessionReading
from course.modules.readings.services import read_reading_ids
from course.permissions import cohort_ids_for, remember_cohort_id
from course.timeutil import to_local, utcnow

EXTENSION_DAYS = 14


class CatchUpRefused(Exception):
    """The catch-up cannot be sent or changed now; the message says why."""


def required_readings(session_ids):
    """{session_id: [Reading]}: each session's required readings, in list order (one query)."""
    readings = {session_id: [] for session_id in session_ids}
    if not readings:
        return readings
    rows = db.session.execute(
        select(SessionReading.session_id, Reading)
        .join(Reading, Reading.id == SessionReading.reading_id)
        .where(SessionReading.session_id.in_(session_ids), SessionReading.required.is_(True))
        .order_by(SessionReading.session_id, SessionReading.position, Reading.id)
    )
    for session_id, reading in rows:
        readings[session_id].append(reading)
    return readings


def read_by(user, readings):
    """The ids of these readings the person has marked as read."""
    return read_reading_ids(user.id, [r.id for r in readings])


def task_text(course_session, readings):
    """The task as it is asked: what to read, and what to send."""
    if readings:
        listed = "; ".join(r.citation for r in readings)
        reading_part = f"Read the required readings for {course_session.label}: {listed}"
    else:
        reading_part = f"Read the material for {course_session.label} (ask the trainers for it)"
    return f"{reading_part}. Then send the trainers a short catch-up reflection."


def catch_up_for(course_session, user):
    """The person's catch-up row for the session, or None."""
    return db.session.scalar(
        select(CatchUp).where(CatchUp.session_id == course_session.id, CatchUp.user_id == user.id)
    )


def catch_up_state(course_session, user, now=None):
    """(mark, catch-up row, facts) for one person and session."""
    now = now or utcnow()
    mark = db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.session_id == course_session.id, AttendanceMark.user_id == user.id
        )
    )
    row = catch_up_for(course_session, user)
    facts = session_facts(
        course_session, mark, row, now, current_app.config["COURSE_CATCH_UP_DAYS"]
    )
    return mark, row, facts


def submit_catch_up(course_session, user, reflection, readings, now=None):
    """Send (or resend, until approved) a catch-up reflection; tell the trainers. Caller commits."""
    now = now or utcnow()
    _mark, row, facts = catch_up_state(course_session, user, now)
    state = facts.catch_up_state(to_local(now).date())
    if state is None:
        raise CatchUpRefused("There is no catch-up for this session: you did not miss it.")
    if state == CatchUpState.APPROVED:
        raise CatchUpRefused("This catch-up has been approved already.")
    if state == CatchUpState.OVERDUE:
        raise CatchUpRefused(
            f"This catch-up was due on {facts.catch_up_due:%d/%m/%Y}. "
            "Ask the trainers for more time."
        )
    first_time = row is None or row.submitted_at is None
    if row is None:
        row = CatchUp(session_id=course_session.id, user_id=user.id)
        db.session.add(row)
    row.task = task_text(course_session, readings)
    row.reflection = reflection
    row.submitted_at = now
    db.session.flush()
    audit.record("catch_up_submitted", row, session_number=course_session.number)
    if first_time:
        notify_trainers(
            course_session.cohort_id,
            "catch_up",
            f"{user.name} sent a catch-up reflection for session {course_session.number}",
            body="It is waiting for your approval.",
            link=url_for("attendance.review_catch_up", catch_up_id=row.id),
        )
    return row


def approve_catch_up(row, trainer, now=None):
    """A trainer approves a reflection: the session is caught up. Caller commits."""
    if row.submitted_at is None:
        raise CatchUpRefused("Nothing has been sent for this catch-up yet.")
    if row.approved_at is not None:
        raise CatchUpRefused("This catch-up has been approved already.")
    row.approved_at = now or utcnow()
    row.approved_by_id = trainer.id
    audit.record("catch_up_approved", row, person_id=row.user_id)
    notify(
        row.user_id,
        "catch_up",
        "Your catch-up reflection has been approved",
        body="The session now counts as caught up.",
        link=url_for("attendance.index"),
    )


def extend_catch_up(course_session, user, trainer, today, days=EXTENSION_DAYS):
    """A trainer gives a person more time for a catch-up: due `days` from today."""
    row = catch_up_for(course_session, user)
    if row is None:
        row = CatchUp(session_id=course_session.id, user_id=user.id, task="")
        db.session.add(row)
    row.due_on = today + timedelta(days=days)
    db.session.flush()
    audit.record("catch_up_extended", row, person_id=user.id, due_on=row.due_on.isoformat())
    notify(
        user,
        "catch_up",
        f"You have more time for your catch-up for session {course_session.number}",
        body=f"It is now due on {row.due_on:%d/%m/%Y}.",
        link=url_for("attendance.catch_up", session_id=course_session.id),
    )
    return row


def _waiting(cohort_id):
    """SQL conditions: catch-ups of the cohort sent and not yet approved (join CourseSession)."""
    return (
        CourseSession.cohort_id == cohort_id,
        CatchUp.submitted_at.is_not(None),
        CatchUp.approved_at.is_(None),
    )


def waiting_for_approval(cohort_id, limit=None):
    """Catch-ups sent and not yet approved in the cohort, oldest first, with person and session."""
    query = (
        select(CatchUp)
        .join(CourseSession, CourseSession.id == CatchUp.session_id)
        .options(joinedload(CatchUp.user), joinedload(CatchUp.course_session))
        .where(*_waiting(cohort_id))
        .order_by(CatchUp.submitted_at, CatchUp.id)
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def waiting_glance(cohort_id, limit):
    """[(catch-up id, person's name, session number, sent at)]: the oldest catch-ups waiting for
    approval in the cohort, as plain columns (nothing decrypted, no person or session loaded)."""
    return db.session.execute(
        select(CatchUp.id, User.name, CourseSession.number, CatchUp.submitted_at)
        .join(CourseSession, CourseSession.id == CatchUp.session_id)
        .join(User, User.id == CatchUp.user_id)
        .where(*_waiting(cohort_id))
        .order_by(CatchUp.submitted_at, CatchUp.id)
        .limit(limit)
    ).all()


def get_catch_up_for_trainer_or_404(catch_up_id):
    """A catch-up in one of the current trainer's cohorts; 404 for any other."""
    row = db.session.scalar(
        select(CatchUp)
        .join(CourseSession, CourseSession.id == CatchUp.session_id)
        .options(
            joinedload(CatchUp.user),
            joinedload(CatchUp.course_session),
            joinedload(CatchUp.approved_by),
        )
        .where(
            CatchUp.id == catch_up_id,
            CourseSession.cohort_id.in_(cohort_ids_for(current_user)),
        )
    )
    if row is None:
        abort(404)
    remember_cohort_id(row.course_session.cohort_id)
    return row


def waiting_count(cohort_id):
    """How many catch-ups are sent and waiting for a trainer's approval in the cohort: a scalar
    subquery, so that `cohort_id` may be a column of a wider query (one row per cohort)."""
    return (
        select(func.count(CatchUp.id))
        .join(CourseSession, CatchUp.session_id == CourseSession.id)
        .where(*_waiting(cohort_id))
        .scalar_subquery()
    )
