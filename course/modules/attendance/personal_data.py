"""What attendance holds about a person: marks and apologies, check-ins, catch-ups."""

from sqlalchemy import select, update

from course.extensions import db
from course.modules.attendance.models import AttendanceMark, CatchUp, CheckIn
from course.modules.privacy.registry import Section, records
from course.modules.programme.models import CourseSession


def export(user):
    """The person's marks (with apologies and remarks) and catch-ups."""
    marks = records(
        db.session.execute(
            select(
                CourseSession.number.label("session"),
                CourseSession.starts_at.label("session_starts_at"),
                AttendanceMark.status,
                AttendanceMark.apology_reason,
                AttendanceMark.note.label("remark"),
                AttendanceMark.marked_at,
            )
            .join(CourseSession, CourseSession.id == AttendanceMark.session_id)
            .where(AttendanceMark.user_id == user.id)
            .order_by(CourseSession.starts_at)
        )
    )
    catch_ups = records(
        db.session.execute(
            select(
                CourseSession.number.label("session"),
                CatchUp.task,
                CatchUp.reflection,
                CatchUp.submitted_at,
                CatchUp.approved_at,
                CatchUp.due_on,
            )
            .join(CourseSession, CourseSession.id == CatchUp.session_id)
            .where(CatchUp.user_id == user.id)
            .order_by(CourseSession.starts_at)
        )
    )
    check_ins = records(
        db.session.execute(
            select(
                CourseSession.number.label("session"),
                CheckIn.checked_in_at,
                CheckIn.status,
                CheckIn.had_apologies,
                CheckIn.apology_reason,
            )
            .join(CourseSession, CourseSession.id == CheckIn.session_id)
            .where(CheckIn.user_id == user.id)
            .order_by(CourseSession.starts_at)
        )
    )
    return [
        Section("attendance", "Your attendance and apologies", marks),
        Section("check_ins", "When you checked in with the code", check_ins),
        Section("catch_ups", "Your catch-up tasks", catch_ups),
    ]


def erase(user):
    """Keep the marks and catch-ups (rates stay true) without remarks or reflections."""
    db.session.execute(
        update(AttendanceMark).where(AttendanceMark.user_id == user.id).values(note=None)
    )
    db.session.execute(  # "" rather than NULL: a sent catch-up keeps counting as sent
        update(CatchUp)
        .where(CatchUp.user_id == user.id, CatchUp.reflection.is_not(None))
        .values(reflection="")
    )
