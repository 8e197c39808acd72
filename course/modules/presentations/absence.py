"""Where the rota meets apologies: a presenter or a reserve who cannot come to their session.

Attendance owns apologies (attendance.records.apologies_by_session); the rota reads them to flag
presenters, to keep reserves with apologies off the slots, and to let a presenter who sent
apologies give up the slot, even inside the withdrawal cut-off, with the trainers told.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course import audit
from course.extensions import db
from course.modules.accounts.services import cohort_trainers
from course.modules.notifications.services import notify
from course.modules.presentations.models import OPEN, Presentation, PresentationStatus
from course.modules.presentations.services import (
    RotaError,
    lock_sessions,
    promote_reserves,
    reload_presentation,
)
from course.timeutil import utcnow

Status = PresentationStatus


def live_sign_up(session_id, user_id):
    """The person's confirmed or reserve sign-up for the session, or None: one query."""
    return db.session.scalar(
        select(Presentation)
        .where(
            Presentation.session_id == session_id,
            Presentation.presenter_id == user_id,
            Presentation.status.in_(OPEN),
        )
        .options(joinedload(Presentation.course_session))
    )


def gave_up_slot(session_id, user_id):
    """Whether the person withdrew a sign-up for the session (it is not restored later)."""
    return (
        db.session.scalar(
            select(Presentation.id)
            .where(
                Presentation.session_id == session_id,
                Presentation.presenter_id == user_id,
                Presentation.status == Status.WITHDRAWN,
            )
            .limit(1)
        )
        is not None
    )


def _tell_trainers(course_session, subject, body):
    """One message for each of the cohort's trainers; it names the person, never the case."""
    for trainer in cohort_trainers(course_session.cohort_id):
        notify(trainer, "presentation_withdrawn", subject, body=body, link="/presentations/")


def withdraw_for_apologies(presentation, user, now=None):
    """Give up a sign-up because the person cannot come; returns the reserves who moved up.

    A confirmed presenter may do this even inside the cut-off: the trainers are told at once.
    The caller commits.
    """
    now = now or utcnow()
    lock_sessions(presentation.session_id)
    presentation = reload_presentation(presentation.id)
    course_session = presentation.course_session
    if presentation.presenter_id != user.id or presentation.status not in OPEN:
        raise RotaError("There is no sign-up of yours to withdraw for this session.")
    if course_session.has_started(now):
        raise RotaError("The session has started. Please tell the trainers directly.")
    was_confirmed = presentation.status == Status.CONFIRMED
    presentation.status, presentation.slot = Status.WITHDRAWN, None
    db.session.flush()
    audit.record(
        "presentation_withdrawn_for_apologies", presentation, session=course_session.number
    )
    promoted = promote_reserves(course_session, now) if was_confirmed else []
    if was_confirmed:
        moved = ", ".join(p.presenter.name for p in _with_presenters(promoted))
        _tell_trainers(
            course_session,
            f"{user.name} has withdrawn from presenting at session {course_session.number}",
            f"{user.name} sent apologies for {course_session.label} and gave up their slot. "
            + (
                f"{moved} moved up from the reserve list."
                if moved
                else "Nobody on the reserve list could move up: the slot is free."
            ),
        )
    return promoted


def _with_presenters(presentations):
    """The presentations again with their presenters loaded (one query)."""
    if not presentations:
        return []
    return db.session.scalars(
        select(Presentation)
        .where(Presentation.id.in_([p.id for p in presentations]))
        .options(joinedload(Presentation.presenter))
    ).all()


def after_apologies(course_session, user, withdraw_confirmed, now=None):
    """What sending apologies does to the rota: (a sentence for the person, one for the trainers).

    A reserve leaves the reserve list (they cannot be moved up to a session they will miss). A
    confirmed presenter gives up the slot if they chose to; otherwise they stay, flagged as
    having sent apologies wherever the rota appears. (None, None) when they had no sign-up.
    The caller commits.
    """
    presentation = live_sign_up(course_session.id, user.id)
    if presentation is None:
        return None, None
    if presentation.status == Status.RESERVE:
        withdraw_for_apologies(presentation, user, now)
        return (
            "You have left the reserve list for this session.",
            "They have left the session's reserve list.",
        )
    if withdraw_confirmed:
        withdraw_for_apologies(presentation, user, now)
        return (
            "You have withdrawn from presenting; the trainers have been told and the slot "
            "goes to the first reserve who can come.",
            "They were presenting at this session and have withdrawn.",
        )
    return (
        "You are still down to present at this session, marked on the rota as having sent "
        "apologies. The trainers will be in touch.",
        "They are still down to present at this session: the rota marks them as having sent "
        "apologies.",
    )
