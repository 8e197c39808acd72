"""The attendance module's sections of the home and session pages (see programme/panels.py)."""

from flask import render_template
from markupsafe import Markup
from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.attendance.apologies import my_mark
from course.modules.attendance.catch_ups import catch_up_for, waiting_count, waiting_glance
from course.modules.attendance.check_in import window_is_open
from course.modules.attendance.compliance import own_view
from course.modules.attendance.models import (
    AttendanceMark,
    AttendanceStatus,
    reason_label,
    status_label,
)
from course.modules.attendance.records import attendee_count, flagged_attendees
from course.modules.attendance.services import ATTENDED_RULE
from course.modules.programme.services import cohort_sessions
from course.timeutil import london_today

ATTENDING = (Role.PARTICIPANT, Role.SENIOR_MANAGER)
WAITING_SHOWN = 5


def _panel(template, **context):
    """A rendered section for the page (Jinja has escaped it already)."""
    return Markup(render_template(template, **context))  # noqa: S704 - Jinja escaped it  # nosec B704


def _can_check_in(course_session, mark):
    """Check-in is open and the person is not yet marked (apologies sent do not stop them)."""
    unmarked = mark is None or mark.status == AttendanceStatus.APOLOGIES
    return unmarked and window_is_open(course_session)


def session_panel(user, course_session):
    """My status for the session and the apologies link; for trainers, the register's state."""
    if user.role in ATTENDING:
        mark = my_mark(course_session, user)
        catch_up = catch_up_for(course_session, user) if mark and not mark.attended else None
        return _panel(
            "attendance/_session_panel.html",
            course_session=course_session,
            check_in_now=_can_check_in(course_session, mark),
            mark=mark,
            status=status_label(mark.status if mark else None),
            reason=reason_label(mark.apology_reason) if mark else "",
            catch_up=catch_up,
        )
    if user.role == Role.TRAINER:
        counts = dict(
            db.session.execute(
                select(AttendanceMark.status, func.count(AttendanceMark.id))
                .where(AttendanceMark.session_id == course_session.id)
                .group_by(AttendanceMark.status)
            ).all()
        )
        people = attendee_count(course_session.cohort_id)
        return _panel(
            "attendance/_session_panel_trainer.html",
            course_session=course_session,
            counts=counts,
            people=people,
            unmarked=people - sum(counts.values()),
            rule=ATTENDED_RULE,
            check_in_open=window_is_open(course_session),
        )
    return None


def home_counts(user, cohort):
    """For trainers, how many catch-ups wait for approval."""
    if cohort is None or user.role != Role.TRAINER:
        return {}
    return {"attendance_waiting": waiting_count(cohort.id)}


def home_panel(user, cohort, next_session, counts):
    """My catch-up tasks; for trainers, catch-ups waiting for approval and people flagged."""
    if cohort is None:
        return None
    sessions = cohort_sessions(cohort.id)
    if user.role in ATTENDING:
        view = own_view(user, sessions)
        tasks = [t for t in view["tasks"] if t.state.value != "approved"]
        next_mark = next(
            (m for s, m in view["upcoming"] if next_session and s.id == next_session.id), None
        )
        check_in_now = (
            next_session is not None
            and window_is_open(next_session)
            and _can_check_in(next_session, my_mark(next_session, user))
        )
        if not tasks and next_mark is None and not check_in_now:
            return None
        return _panel(
            "attendance/_home_panel.html",
            check_in_now=check_in_now,
            tasks=tasks,
            next_session=next_session,
            next_mark=next_mark,
        )
    if user.role == Role.TRAINER:
        waiting = waiting_glance(cohort.id, WAITING_SHOWN) if counts["attendance_waiting"] else []
        return _panel(
            "attendance/_home_panel_trainer.html",
            waiting=waiting,
            waiting_count=counts["attendance_waiting"],
            flagged=flagged_attendees(sessions, cohort.id),
            today=london_today(),
        )
    return None
