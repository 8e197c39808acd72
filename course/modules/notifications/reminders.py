"""The reminder a few days before each session, with the readings to do; once per person."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES, CohortMember, User
from course.modules.attendance.models import AttendanceMark, AttendanceStatus
from course.modules.calendar.agenda import agendas
from course.modules.notifications.models import (
    SESSION_REMINDER,
    Notification,
    NotificationPreference,
)
from course.modules.notifications.services import insert_ignoring_duplicates
from course.modules.programme.models import CourseSession
from course.timeutil import format_datetime, format_short_date, format_time, utcnow


def reminder_key(course_session_id, user_id):
    """The key the database keeps unique: one reminder per person and session."""
    return f"{SESSION_REMINDER}:{course_session_id}:{user_id}"


def sessions_due_a_reminder(now):
    """Sessions that are not cancelled and start within the reminder window."""
    window = timedelta(days=current_app.config["COURSE_REMINDER_DAYS_BEFORE"])
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(
                CourseSession.cancelled.is_(False),
                CourseSession.starts_at > now,
                CourseSession.starts_at <= now + window,
            )
            .order_by(CourseSession.starts_at)
        )
    )


def _recipients(sessions):
    """{session id: [user ids]}: the attending members who want reminders and sent no apologies."""
    cohort_ids = {s.cohort_id for s in sessions}
    members = db.session.execute(
        select(CohortMember.cohort_id, CohortMember.user_id)
        .join(User, User.id == CohortMember.user_id)
        .where(
            CohortMember.cohort_id.in_(cohort_ids),
            User.role.in_(ATTENDING_ROLES),
            User.active.is_(True),
            CohortMember.user_id.not_in(
                select(NotificationPreference.user_id).where(
                    NotificationPreference.session_reminders.is_(False)
                )
            ),
        )
    ).all()
    apologised = set(
        db.session.execute(
            select(AttendanceMark.session_id, AttendanceMark.user_id).where(
                AttendanceMark.session_id.in_([s.id for s in sessions]),
                AttendanceMark.status == AttendanceStatus.APOLOGIES,
            )
        ).all()
    )
    return {
        s.id: [
            user_id
            for cohort_id, user_id in members
            if cohort_id == s.cohort_id and (s.id, user_id) not in apologised
        ]
        for s in sessions
    }


def reminder_text(course_session, agenda):
    """(subject, body) of a reminder."""
    subject = f"Reminder: {course_session.label}, {format_short_date(course_session.starts_at)}"
    lines = [
        course_session.label,
        f"{format_datetime(course_session.starts_at)} to {format_time(course_session.ends_at)}",
    ]
    if course_session.location:
        lines.append(course_session.location)
    lines += ["", *agenda.lines()]
    lines += ["", "If you cannot come, send your apologies on the session's page."]
    return subject, "\n".join(lines).replace("\n\n\n", "\n\n")


def queue_reminders(now=None):
    """Queue the reminders now due; running it again (or twice at once) adds none twice."""
    now = now or utcnow()
    sessions = sessions_due_a_reminder(now)
    if not sessions:
        return 0
    recipients = _recipients(sessions)
    keys = {reminder_key(s.id, u) for s in sessions for u in recipients[s.id]}
    queued = set(
        db.session.scalars(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys)))
    )
    user_ids = {u for s in sessions for u in recipients[s.id]}
    by_pair = agendas(user_ids, [s.id for s in sessions])
    rows = []
    for course_session in sessions:
        for user_id in recipients[course_session.id]:
            key = reminder_key(course_session.id, user_id)
            if key in queued:
                continue
            subject, body = reminder_text(course_session, by_pair[(user_id, course_session.id)])
            rows.append(
                dict(
                    user_id=user_id,
                    kind=SESSION_REMINDER,
                    subject=subject,
                    body=body,
                    link=f"/programme/{course_session.id}",
                    dedupe_key=key,
                )
            )
    added = insert_ignoring_duplicates(rows)
    db.session.commit()
    return len(added)
