"""The rota's rules: signing up fairly, never overbooking, withdrawal and promotion.
Trainers' changes are in trainer_actions.py, reflections and follow-ups in after_session.py.
Tested without HTTP."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES, CohortMember, User
from course.modules.attendance.records import apologies_by_session, has_apologies
from course.modules.notifications.services import notify
from course.modules.presentations.ground_rules import GROUND_RULES_VERSION
from course.modules.presentations.models import (
    ACTIVE,
    HOLDS_SLOT,
    MAX_SLOTS,
    OPEN,
    Presentation,
    PresentationStatus,
)
from course.modules.programme.models import CourseSession
from course.timeutil import format_datetime, utcnow

Status = PresentationStatus


class RotaError(Exception):
    """A change to the rota that cannot be made; the message tells the person why."""


def lock_sessions(*session_ids):
    """Hold these sessions' rotas until the transaction ends, so their slots cannot be overbooked.

    PostgreSQL locks the course_session rows (SELECT ... FOR UPDATE, in id order, so two moves
    never deadlock). SQLite allows one writer at a time, so the transaction takes the write lock
    before it reads anything (BEGIN IMMEDIATE); other writers wait for the busy timeout and then
    read what this one committed.
    """
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        # pysqlite opens a transaction only at its first write, which already took the lock.
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        db.session.execute(
            select(CourseSession.id)
            .where(CourseSession.id.in_(session_ids))
            .order_by(CourseSession.id)
            .with_for_update()
        )


def withdrawal_cutoff(course_session):
    """The last moment a confirmed presenter can withdraw themselves."""
    hours = current_app.config["COURSE_PRESENTATION_CUTOFF_HOURS"]
    return course_session.starts_at - timedelta(hours=hours)


def sign_up_problem(course_session, now=None):
    """Why nobody can sign up to present at this session now, or None."""
    if course_session.cancelled:
        return "This session is cancelled."
    if course_session.has_started(now):
        return "This session has started, so sign-ups are closed."
    if course_session.presentation_slots == 0:
        return "This session has no case presentation slots."
    return None


def presented_ids_query(cohort_id):
    """The people in a cohort who have presented a case or hold a confirmed slot."""
    return (
        select(Presentation.presenter_id)
        .join(CourseSession, CourseSession.id == Presentation.session_id)
        .where(CourseSession.cohort_id == cohort_id, Presentation.status.in_(HOLDS_SLOT))
    )


def presented_ids(cohort_id):
    """presented_ids_query as a set."""
    return set(db.session.scalars(presented_ids_query(cohort_id)))


def first_timers_remain(cohort_id):
    """Whether anyone who can present has neither presented nor a confirmed slot yet."""
    someone = db.session.scalar(
        select(CohortMember.user_id)
        .join(User, User.id == CohortMember.user_id)
        .where(
            CohortMember.cohort_id == cohort_id,
            User.role.in_(ATTENDING_ROLES),
            User.active.is_(True),
            CohortMember.user_id.not_in(presented_ids_query(cohort_id)),
        )
        .limit(1)
    )
    return someone is not None


def reserve_order(reserves, presented):
    """Fair order for a reserve list: first-timers, then repeat presenters; each by sign-up."""
    return sorted(reserves, key=lambda p: (p.presenter_id in presented, p.position, p.id))


def free_slot(course_session):
    """The lowest free slot number of a session, or None when every slot is taken."""
    taken = set(
        db.session.scalars(
            select(Presentation.slot).where(
                Presentation.session_id == course_session.id, Presentation.slot.is_not(None)
            )
        )
    )
    if len(taken) >= course_session.presentation_slots:
        return None
    return min(n for n in range(1, MAX_SLOTS + 1) if n not in taken)


def next_position(session_id):
    """The next place in a session's sign-up order."""
    last = db.session.scalar(
        select(func.max(Presentation.position)).where(Presentation.session_id == session_id)
    )
    return (last or 0) + 1


def has_live_sign_up(session_id, user_id, other_than=None):
    """Whether a person already has a confirmed, reserve or given sign-up for a session."""
    stmt = select(Presentation.id).where(
        Presentation.session_id == session_id,
        Presentation.presenter_id == user_id,
        Presentation.status.in_(ACTIVE),
    )
    if other_than is not None:
        stmt = stmt.where(Presentation.id != other_than)
    return db.session.scalar(stmt.limit(1)) is not None


def reload_presentation(presentation_id):
    """Read a presentation again inside the lock, with its session and presenter."""
    return db.session.scalar(
        select(Presentation)
        .where(Presentation.id == presentation_id)
        .options(joinedload(Presentation.course_session), joinedload(Presentation.presenter))
        .execution_options(populate_existing=True)
    )


def reload_session(session_id):
    """Read a session again inside the lock (a trainer may have changed its slots)."""
    return db.session.scalar(
        select(CourseSession)
        .where(CourseSession.id == session_id)
        .execution_options(populate_existing=True)
    )


def tell_presenter(presentation, course_session, kind, subject, body):
    """Queue a message about a presentation; it names the session, never the case."""
    when = format_datetime(course_session.starts_at)
    notify(
        presentation.presenter_id,
        kind,
        subject,
        body=f"{body}\n\n{course_session.label}, {when} (UK time).",
        link=f"/presentations/{presentation.id}",
    )


def sign_up(course_session, user, *, kind, title, brief, now=None):
    """Sign someone up: a free slot if fairness allows it, otherwise the reserve list.

    Everyone presents once before anyone presents twice: someone who has presented, or holds a
    confirmed slot, waits on the reserve list while anyone who has not presented remains.
    """
    now = now or utcnow()
    lock_sessions(course_session.id)
    course_session = reload_session(course_session.id)
    problem = sign_up_problem(course_session, now)
    if problem:
        raise RotaError(problem)
    if has_live_sign_up(course_session.id, user.id):
        raise RotaError("You are already signed up to present at this session.")
    if has_apologies(course_session.id, user.id):
        raise RotaError(
            "You have sent apologies for this session. Withdraw them first if you can come "
            "and present after all."
        )
    slot = free_slot(course_session)
    repeat = user.id in presented_ids(course_session.cohort_id)
    if slot is not None and repeat and first_timers_remain(course_session.cohort_id):
        slot = None  # kept for someone who has not presented yet
    presentation = Presentation(
        session_id=course_session.id,
        course_session=course_session,
        presenter_id=user.id,
        kind=kind,
        title=title,
        brief=brief,
        status=Status.CONFIRMED if slot else Status.RESERVE,
        slot=slot,
        position=next_position(course_session.id),
        created_at=now,
        ground_rules_version=GROUND_RULES_VERSION,
        ground_rules_agreed_at=now,
    )
    db.session.add(presentation)
    db.session.flush()
    if slot:
        tell_presenter(
            presentation,
            course_session,
            "presentation_confirmed",
            f"You are presenting a case at session {course_session.number}",
            "Your place to present a case is confirmed.",
        )
    return presentation


def promote_reserves(course_session, now=None):
    """Fill a session's free slots from its reserve list, in fair order; returns who moved up.

    A repeat presenter is not promoted while anyone who has not presented remains: the slot stays
    open for a first-timer, and trainers can still confirm the repeat presenter themselves.
    A reserve who has sent apologies for the session is never moved up to it.
    """
    now = now or utcnow()
    promoted = []
    if course_session.has_started(now) or course_session.cancelled:
        return promoted
    away = apologies_by_session([course_session.id])[course_session.id]
    while (slot := free_slot(course_session)) is not None:
        presented = presented_ids(course_session.cohort_id)
        reserves = db.session.scalars(
            select(Presentation).where(
                Presentation.session_id == course_session.id,
                Presentation.status == Status.RESERVE,
                Presentation.presenter_id.not_in(away),
            )
        ).all()
        if not reserves:
            break
        candidate = reserve_order(reserves, presented)[0]
        if candidate.presenter_id in presented and first_timers_remain(course_session.cohort_id):
            break
        candidate.status, candidate.slot, candidate.promoted_at = Status.CONFIRMED, slot, now
        db.session.flush()
        tell_presenter(
            candidate,
            course_session,
            "presentation_promoted",
            f"A place came free: you are presenting at session {course_session.number}",
            "A presenter withdrew, so you have moved up from the reserve list and your place "
            "to present a case is confirmed.",
        )
        promoted.append(candidate)
    return promoted


def withdraw(presentation, user, now=None):
    """A presenter withdraws (confirmed: until the cut-off); the first reserve moves up."""
    now = now or utcnow()
    lock_sessions(presentation.session_id)
    presentation = reload_presentation(presentation.id)
    course_session = presentation.course_session
    if presentation.presenter_id != user.id:
        raise RotaError("Only the presenter can withdraw.")
    if presentation.status == Status.RESERVE:
        if course_session.has_started(now):
            raise RotaError("The session has started.")
    elif presentation.status == Status.CONFIRMED:
        if now >= withdrawal_cutoff(course_session):
            hours = current_app.config["COURSE_PRESENTATION_CUTOFF_HOURS"]
            raise RotaError(
                f"It is less than {hours} hours before the session, so you can no longer "
                "withdraw here. Please tell the trainers."
            )
    else:
        raise RotaError("This presentation cannot be withdrawn.")
    was_confirmed = presentation.status == Status.CONFIRMED
    presentation.status, presentation.slot = Status.WITHDRAWN, None
    db.session.flush()
    return promote_reserves(course_session, now) if was_confirmed else []


def update_brief(presentation, *, kind, title, brief, now=None):
    """The presenter changes their kind, title and brief before the session."""
    if (
        presentation.status not in OPEN
        or presentation.brief is None
        or presentation.course_session.has_started(now)
    ):
        raise RotaError("The brief can be changed only before the session, while signed up.")
    presentation.kind, presentation.title, presentation.brief = kind, title, brief
