"""The readings module's sections of the home and session pages (see programme/panels.py)."""

from flask import render_template, request
from markupsafe import Markup

from course.modules.accounts.models import ATTENDING_ROLES, Role
from course.modules.readings.services import (
    read_reading_ids,
    readings_for_sessions,
    readings_with_readers,
)


def session_panel(user, course_session):
    """The session's readings, required then optional, with my status or the cohort's."""
    readers, attendees = {}, 0
    if user.role == Role.TRAINER:
        links, readers, attendees = readings_with_readers(
            course_session.id, course_session.cohort_id
        )
    else:
        links = readings_for_sessions([course_session.id])[course_session.id]
    attending = user.role in ATTENDING_ROLES
    reading_ids = [link.reading_id for link in links]
    read_ids = read_reading_ids(user.id, reading_ids) if attending and links else set()
    return Markup(  # noqa: S704 - Jinja escaped it  # nosec B704
        render_template(
            "readings/_session_panel.html",
            course_session=course_session,
            required=[link.reading for link in links if link.required],
            optional=[link.reading for link in links if not link.required],
            attending=attending,
            trainer=user.role == Role.TRAINER,
            read_ids=read_ids,
            readers=readers,
            attendees=attendees,
            here=request.full_path.rstrip("?") + "#readings",
        )
    )


def home_panel(user, cohort, next_session, counts):
    """'To read before the next session' for attendees; the cohort's progress for trainers."""
    if cohort is None or next_session is None or user.role not in (*ATTENDING_ROLES, Role.TRAINER):
        return None
    trainer = user.role == Role.TRAINER
    read_ids, readers, attendees = set(), {}, 0
    if trainer:
        links, readers, attendees = readings_with_readers(next_session.id, cohort.id)
    else:
        links = readings_for_sessions([next_session.id])[next_session.id]
        read_ids = read_reading_ids(user.id, [link.reading_id for link in links])
    if not links:
        return None
    return Markup(  # noqa: S704 - Jinja escaped it  # nosec B704
        render_template(
            "readings/_home_panel.html",
            next_session=next_session,
            to_read=[link for link in links if link.reading_id not in read_ids],
            done=[link for link in links if link.reading_id in read_ids],
            trainer=trainer,
            readers=readers,
            attendees=attendees,
            here=request.full_path.rstrip("?") + "#to-read",
        )
    )
