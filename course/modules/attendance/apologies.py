"""Apologies sent in advance for a session to come, and withdrawn until it starts."""

from flask import url_for
from sqlalchemy import delete, select

from course import audit
from course.extensions import db
from course.modules.attendance.models import (
    AttendanceMark,
    AttendanceStatus,
    reason_label,
    status_label,
)
from course.modules.attendance.notices import notify_new_flags, notify_trainers
from course.modules.attendance.register import mark_insert
from course.timeutil import utcnow


class ApologyRefused(Exception):
    """Apologies cannot be sent or withdrawn now; the message says why."""


def my_mark(course_session, user):
    """The person's mark for the session, or None."""
    return db.session.scalar(
        select(AttendanceMark).where(
            AttendanceMark.session_id == course_session.id, AttendanceMark.user_id == user.id
        )
    )


def _check_open(course_session, now):
    """Apologies are for sessions that have not started and are not cancelled."""
    if course_session.cancelled:
        raise ApologyRefused("This session is cancelled, so no apologies are needed.")
    if course_session.has_started(now):
        raise ApologyRefused(
            "This session has started. Apologies can only be sent or withdrawn before it starts; "
            "please tell the trainers directly."
        )


def send_apologies(course_session, user, reason, now=None, trainers_note=None):
    """Record the person's apologies (or change the reason); tell the trainers. Caller commits.

    `trainers_note` adds a sentence to the trainers' message (e.g. what happened to the rota).
    """
    now = now or utcnow()
    _check_open(course_session, now)
    reason = str(reason)
    before = my_mark(course_session, user)
    before_status = before.status if before else None
    before_reason = before.apology_reason if before else None
    values = dict(
        status=AttendanceStatus.APOLOGIES.value,
        apology_reason=reason,
        marked_by_id=user.id,
        marked_at=now,
    )
    db.session.execute(
        mark_insert()
        .values(session_id=course_session.id, user_id=user.id, **values)
        .on_conflict_do_update(index_elements=["session_id", "user_id"], set_=values)
    )
    db.session.expire_all()
    audit.record(
        "apologies_sent",
        object_type="CourseSession",
        object_id=course_session.id,
        person_id=user.id,
        person=user.name,
        session_number=course_session.number,
        from_status=status_label(before_status),
        to_status=status_label(AttendanceStatus.APOLOGIES),
        from_reason=reason_label(before_reason),
        to_reason=reason_label(reason),
    )
    if before_status != AttendanceStatus.APOLOGIES:
        # The reason stays out of the message: it may be about someone's health.
        notify_trainers(
            course_session.cohort_id,
            "apologies",
            f"Apologies from {user.name} for session {course_session.number}",
            body=f"{user.name} has sent apologies for {course_session.label}."
            + (f" {trainers_note}" if trainers_note else ""),
            link=_register_link(course_session),
        )
    notify_new_flags(course_session.cohort_id, [(user, course_session.id, before_status)])


def withdraw_apologies(course_session, user, now=None):
    """Withdraw the person's apologies before the session starts; tell the trainers."""
    now = now or utcnow()
    _check_open(course_session, now)
    removed = db.session.execute(
        delete(AttendanceMark).where(
            AttendanceMark.session_id == course_session.id,
            AttendanceMark.user_id == user.id,
            AttendanceMark.status == AttendanceStatus.APOLOGIES,
        )
    ).rowcount
    if not removed:
        raise ApologyRefused("You have no apologies to withdraw for this session.")
    db.session.expire_all()
    audit.record(
        "apologies_withdrawn",
        object_type="CourseSession",
        object_id=course_session.id,
        person_id=user.id,
        person=user.name,
        session_number=course_session.number,
        from_status=status_label(AttendanceStatus.APOLOGIES),
        to_status=status_label(None),
    )
    notify_trainers(
        course_session.cohort_id,
        "apologies",
        f"{user.name} has withdrawn their apologies for session {course_session.number}",
        body=f"{user.name} now expects to attend {course_session.label}.",
        link=_register_link(course_session),
    )


def _register_link(course_session):
    """The register's address, for the trainers' message."""
    return url_for("attendance.register", session_id=course_session.id)
