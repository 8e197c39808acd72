"""The rota's rules: signing up fairly, never overbooking, withdrawal and promotion, trainers'
changes, and the reflections and follow-up after a session. Tested without HTTP."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from course import audit
from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES, CohortMember, User
from course.modules.attendance.models import ATTENDED, AttendanceMark
from course.modules.notifications.services import notify
from course.modules.presentations.ground_rules import GROUND_RULES_VERSION
from course.modules.presentations.models import (
    ACTIVE,
    HOLDS_SLOT,
    MAX_SLOTS,
    OPEN,
    Presentation,
    PresentationStatus,
    ReflectionNote,
)
from course.modules.programme.models import CourseSession
from course.timeutil import format_datetime, format_short_date, utcnow

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


def _free_slot(course_session):
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


def _next_position(session_id):
    """The next place in a session's sign-up order."""
    last = db.session.scalar(
        select(func.max(Presentation.position)).where(Presentation.session_id == session_id)
    )
    return (last or 0) + 1


def _has_live_sign_up(session_id, user_id, other_than=None):
    """Whether a person already has a confirmed, reserve or given sign-up for a session."""
    stmt = select(Presentation.id).where(
        Presentation.session_id == session_id,
        Presentation.presenter_id == user_id,
        Presentation.status.in_(ACTIVE),
    )
    if other_than is not None:
        stmt = stmt.where(Presentation.id != other_than)
    return db.session.scalar(stmt.limit(1)) is not None


def _reload(presentation_id):
    """Read a presentation again inside the lock, with its session and presenter."""
    return db.session.scalar(
        select(Presentation)
        .where(Presentation.id == presentation_id)
        .options(joinedload(Presentation.course_session), joinedload(Presentation.presenter))
        .execution_options(populate_existing=True)
    )


def _reload_session(session_id):
    """Read a session again inside the lock (a trainer may have changed its slots)."""
    return db.session.scalar(
        select(CourseSession)
        .where(CourseSession.id == session_id)
        .execution_options(populate_existing=True)
    )


def _tell_presenter(presentation, course_session, kind, subject, body):
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
    course_session = _reload_session(course_session.id)
    problem = sign_up_problem(course_session, now)
    if problem:
        raise RotaError(problem)
    if _has_live_sign_up(course_session.id, user.id):
        raise RotaError("You are already signed up to present at this session.")
    slot = _free_slot(course_session)
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
        position=_next_position(course_session.id),
        created_at=now,
        ground_rules_version=GROUND_RULES_VERSION,
        ground_rules_agreed_at=now,
    )
    db.session.add(presentation)
    db.session.flush()
    if slot:
        _tell_presenter(
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
    """
    now = now or utcnow()
    promoted = []
    if course_session.has_started(now) or course_session.cancelled:
        return promoted
    while (slot := _free_slot(course_session)) is not None:
        presented = presented_ids(course_session.cohort_id)
        reserves = db.session.scalars(
            select(Presentation).where(
                Presentation.session_id == course_session.id,
                Presentation.status == Status.RESERVE,
            )
        ).all()
        if not reserves:
            break
        candidate = reserve_order(reserves, presented)[0]
        if candidate.presenter_id in presented and first_timers_remain(course_session.cohort_id):
            break
        candidate.status, candidate.slot, candidate.promoted_at = Status.CONFIRMED, slot, now
        db.session.flush()
        _tell_presenter(
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
    presentation = _reload(presentation.id)
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


def confirm(presentation, now=None):
    """A trainer confirms a sign-up into a free slot (fairness is the trainer's call here)."""
    now = now or utcnow()
    lock_sessions(presentation.session_id)
    presentation = _reload(presentation.id)
    course_session = presentation.course_session
    if presentation.status in HOLDS_SLOT:
        raise RotaError("This presentation is already confirmed.")
    if _has_live_sign_up(course_session.id, presentation.presenter_id, other_than=presentation.id):
        raise RotaError("This person has another sign-up for this session already.")
    slot = _free_slot(course_session)
    if slot is None:
        raise RotaError(
            f"Session {course_session.number} has no free slot. "
            "Cancel or move a confirmed presenter first, or add a slot to the session."
        )
    presentation.status, presentation.slot = Status.CONFIRMED, slot
    db.session.flush()
    audit.record("presentation_confirmed", presentation, session=course_session.number)
    _tell_presenter(
        presentation,
        course_session,
        "presentation_confirmed",
        f"You are presenting a case at session {course_session.number}",
        "The trainers have confirmed your place to present a case.",
    )
    return presentation


def cancel(presentation, now=None):
    """A trainer cancels a sign-up at any time; a freed slot goes to the first reserve."""
    now = now or utcnow()
    lock_sessions(presentation.session_id)
    presentation = _reload(presentation.id)
    course_session = presentation.course_session
    if presentation.status not in OPEN:
        raise RotaError("Only confirmed and reserve sign-ups can be cancelled.")
    was_confirmed = presentation.status == Status.CONFIRMED
    presentation.status, presentation.slot = Status.CANCELLED, None
    db.session.flush()
    audit.record("presentation_cancelled", presentation, session=course_session.number)
    _tell_presenter(
        presentation,
        course_session,
        "presentation_cancelled",
        f"Your case presentation at session {course_session.number} is cancelled",
        "The trainers have cancelled your sign-up to present a case. "
        "Ask them if you are unsure why.",
    )
    return promote_reserves(course_session, now) if was_confirmed else []


def move(presentation, target_session, now=None):
    """A trainer moves a sign-up to another session: a free slot there, else its reserve list."""
    now = now or utcnow()
    if target_session.id == presentation.session_id:
        raise RotaError("Choose a different session.")
    lock_sessions(presentation.session_id, target_session.id)
    presentation = _reload(presentation.id)
    source = presentation.course_session
    target = _reload_session(target_session.id)
    if target.cohort_id != source.cohort_id:
        raise RotaError("Choose a session of the same cohort.")
    if presentation.status not in OPEN:
        raise RotaError("Only confirmed and reserve sign-ups can be moved.")
    problem = sign_up_problem(target, now)
    if problem:
        raise RotaError(f"Session {target.number}: {problem}")
    if _has_live_sign_up(target.id, presentation.presenter_id):
        raise RotaError(f"This person is signed up for session {target.number} already.")
    was_confirmed = presentation.status == Status.CONFIRMED
    slot = _free_slot(target)
    presentation.session_id = target.id
    presentation.status = Status.CONFIRMED if slot else Status.RESERVE
    presentation.slot = slot
    presentation.position = _next_position(target.id)
    db.session.flush()
    audit.record(
        "presentation_moved", presentation, from_session=source.number, to_session=target.number
    )
    where = "confirmed" if slot else "on the reserve list"
    _tell_presenter(
        presentation,
        target,
        "presentation_moved",
        f"Your case presentation has moved to session {target.number}",
        f"The trainers have moved your case presentation from session {source.number} to "
        f"session {target.number} ({format_short_date(target.starts_at)}), where you are {where}.",
    )
    promoted = promote_reserves(source, now) if was_confirmed else []
    return presentation, promoted


def mark_given(presentation, now=None):
    """A trainer records that a confirmed presentation was given."""
    now = now or utcnow()
    presentation = _reload(presentation.id)
    if presentation.status != Status.CONFIRMED:
        raise RotaError("Only a confirmed presentation can be marked as given.")
    if not presentation.course_session.has_started(now):
        raise RotaError("A presentation can be marked as given once the session has started.")
    presentation.status = Status.GIVEN
    audit.record("presentation_given", presentation, session=presentation.course_session.number)
    return presentation


def assign_roles(presentation, interviewer_id, timekeeper_id):
    """A trainer says who interviews and who keeps time for a consultation."""
    presentation.interviewer_id = interviewer_id
    presentation.timekeeper_id = timekeeper_id
    audit.record(
        "presentation_roles_set",
        presentation,
        interviewer_id=interviewer_id,
        timekeeper_id=timekeeper_id,
    )


def update_brief(presentation, *, kind, title, brief, now=None):
    """The presenter changes their kind, title and brief before the session."""
    if (
        presentation.status not in OPEN
        or presentation.brief is None
        or presentation.course_session.has_started(now)
    ):
        raise RotaError("The brief can be changed only before the session, while signed up.")
    presentation.kind, presentation.title, presentation.brief = kind, title, brief


def attended(user_id, session_id):
    """Whether a person's register mark for a session is Present, Late or Left early."""
    return db.session.scalar(
        select(
            exists().where(
                AttendanceMark.session_id == session_id,
                AttendanceMark.user_id == user_id,
                AttendanceMark.status.in_(ATTENDED),
            )
        )
    )


def reflection_problem(presentation, user, now=None):
    """Why this person cannot leave the presenter a reflection, or None."""
    course_session = presentation.course_session
    if presentation.presenter_id == user.id:
        return "This is your own presentation: write your follow-up instead."
    if presentation.status not in HOLDS_SLOT:
        return "This presentation did not take place."
    if not course_session.is_past(now):
        return "You can leave a reflection after the session."
    if user.role not in ATTENDING_ROLES or not attended(user.id, course_session.id):
        return "Only members who were at the session can leave the presenter a reflection."
    return None


def save_reflection(presentation, user, text):
    """Write or rewrite this person's reflection for the presenter; one each."""
    note = db.session.scalar(
        select(ReflectionNote).where(
            ReflectionNote.presentation_id == presentation.id, ReflectionNote.author_id == user.id
        )
    )
    if note is not None:
        note.text = text
        return note
    note = ReflectionNote(presentation_id=presentation.id, author_id=user.id, text=text)
    try:
        with db.session.begin_nested():  # a double-click posts twice: the second one edits
            db.session.add(note)
    except IntegrityError:
        note = db.session.scalar(
            select(ReflectionNote).where(
                ReflectionNote.presentation_id == presentation.id,
                ReflectionNote.author_id == user.id,
            )
        )
        note.text = text
    return note


def follow_up_problem(presentation, user, now=None):
    """Why this person cannot write the follow-up, or None."""
    if presentation.presenter_id != user.id:
        return "Only the presenter writes the follow-up."
    if presentation.status not in HOLDS_SLOT:
        return "This presentation did not take place."
    if not presentation.course_session.has_started(now):
        return "You can write your follow-up once the session has started."
    return None


def save_follow_up(presentation, text, now=None):
    """The presenter's note on what they are taking away."""
    presentation.follow_up = text
    presentation.follow_up_at = now or utcnow()
