"""Demo data for the presentations module, added to the demo cohort by seed-demo.

Past sessions: presentations given, with reflections and some follow-ups (briefs already deleted
by the retention rule). Coming sessions: the next one full, with a first-timer on the reserve list
ahead of a repeat presenter and a manager who moved up when someone withdrew; two more partly
booked; the last two open.
"""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from course.extensions import db
from course.modules.attendance.models import ATTENDED, AttendanceMark, AttendanceStatus
from course.modules.notifications.services import notify
from course.modules.presentations.demo_content import CASES, COMING, FOLLOW_UPS, REFLECTIONS
from course.modules.presentations.ground_rules import GROUND_RULES_VERSION
from course.modules.presentations.models import (
    Presentation,
    PresentationStatus,
    ReflectionNote,
)
from course.timeutil import to_utc

Status = PresentationStatus


def seed(demo):
    """Give the demo cohort a rota: given presentations with reflections, and bookings to come."""
    retention = timedelta(days=current_app.config["COURSE_BRIEF_RETENTION_DAYS"])
    now = to_utc(datetime.combine(demo.today, time(12)))
    past = [s for s in demo.sessions if s.number <= 6]
    coming = [s for s in demo.sessions if s.number > 6]
    managers = demo.managers
    presenters = iter(managers[3:])  # manager04 onwards present in the first half of the year
    cases = iter(CASES)
    given = []
    for course_session in past:
        for slot in range(1, 2 if course_session.number == 1 else 3):
            title, kind, brief = next(cases)
            presenter = next(presenters)
            presentation = _presentation(
                course_session, presenter, slot, title, kind, brief, Status.GIVEN
            )
            if course_session.ends_at + retention <= now:  # as apply-retention would have done
                presentation.brief = None
                presentation.brief_deleted_at = course_session.ends_at + retention
            presentation.interviewer_id = demo.trainers[slot % len(demo.trainers)].id
            given.append(presentation)
    db.session.add_all(given)
    db.session.flush()
    for number, presentation in enumerate(given):
        _reflections(demo, presentation, number)
        if number % 3 == 0:
            presentation.follow_up = FOLLOW_UPS[number // 3 % len(FOLLOW_UPS)]
            presentation.follow_up_at = presentation.course_session.ends_at + timedelta(days=2)
    _coming(demo, coming, managers, given)


def _presentation(course_session, presenter, slot, title, kind, brief, status, position=None):
    """A sign-up made three weeks before its session, with the ground rules agreed."""
    signed_up = course_session.starts_at - timedelta(days=21 + (position or slot))
    return Presentation(
        session_id=course_session.id,
        presenter_id=presenter.id,
        course_session=course_session,
        kind=kind,
        title=title,
        brief=brief,
        status=status,
        slot=slot if status in (Status.CONFIRMED, Status.GIVEN) else None,
        position=position or slot,
        created_at=signed_up,
        ground_rules_version=GROUND_RULES_VERSION,
        ground_rules_agreed_at=signed_up,
    )


def _reflections(demo, presentation, number):
    """Two to four reflections from people who were there."""
    course_session = presentation.course_session
    attended = set(
        db.session.scalars(
            select(AttendanceMark.user_id).where(
                AttendanceMark.session_id == course_session.id,
                AttendanceMark.status.in_(ATTENDED),
            )
        )
    )
    pool = [u for u in demo.attendees if u.id != presentation.presenter_id]
    if attended:
        pool = [u for u in pool if u.id in attended]
    authors = demo.rng.sample(pool, min(len(pool), 2 + number % 3))
    if not attended:  # no register yet for this session: mark the people the demo uses present
        marker = demo.trainers[0]
        for user_id in {presentation.presenter_id, *(a.id for a in authors)}:
            db.session.add(
                AttendanceMark(
                    session_id=course_session.id,
                    user_id=user_id,
                    status=AttendanceStatus.PRESENT,
                    marked_by_id=marker.id,
                    marked_at=course_session.ends_at,
                )
            )
    for offset, author in enumerate(authors):
        written = course_session.ends_at + timedelta(days=1 + offset)
        db.session.add(
            ReflectionNote(
                presentation_id=presentation.id,
                author_id=author.id,
                text=REFLECTIONS[(number + offset) % len(REFLECTIONS)],
                created_at=written,
                updated_at=written,
            )
        )


def _coming(demo, coming, managers, given):
    """The next session full with a reserve list; two more partly booked."""
    next_one, second, third = coming[0], coming[1], coming[2]
    cases = iter(COMING)
    repeat_presenter = next(m for m in managers if m.id == given[0].presenter_id)
    rows = [
        # session, presenter, slot, status, position
        (next_one, managers[0], 1, Status.CONFIRMED, 1),
        (next_one, managers[16], None, Status.WITHDRAWN, 2),
        (next_one, repeat_presenter, None, Status.RESERVE, 3),
        (next_one, managers[1], 2, Status.CONFIRMED, 4),
        (next_one, managers[2], None, Status.RESERVE, 5),
        (second, managers[14], 1, Status.CONFIRMED, 1),
        (third, managers[15], 1, Status.CONFIRMED, 1),
    ]
    for course_session, presenter, slot, status, position in rows:
        title, kind, brief = next(cases)
        presentation = _presentation(
            course_session, presenter, slot, title, kind, brief, status, position
        )
        db.session.add(presentation)
        if course_session is next_one and slot:
            presentation.interviewer_id = demo.trainers[slot % len(demo.trainers)].id
            presentation.timekeeper_id = managers[20 + slot].id
        if presenter is managers[1]:
            # Took manager17's place when they withdrew; the repeat presenter had signed up
            # earlier but waits behind first-timers.
            presentation.promoted_at = course_session.starts_at - timedelta(days=6)
            db.session.flush()
            notify(
                presenter,
                "presentation_promoted",
                f"A place came free: you are presenting at session {course_session.number}",
                body="A presenter withdrew, so you have moved up from the reserve list.",
                link=f"/presentations/{presentation.id}",
            )
