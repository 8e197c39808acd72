"""Trainers change the rota at any time: confirm, cancel, move, mark as given, set roles.
Each change that frees or takes a slot runs under the sessions' lock (services.lock_sessions)."""

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from course import audit
from course.extensions import db
from course.modules.presentations.models import (
    HOLDS_SLOT,
    OPEN,
    PresentationStatus,
    RunSheetNote,
    RunSheetTick,
)
from course.modules.presentations.services import (
    RotaError,
    free_slot,
    has_live_sign_up,
    lock_sessions,
    next_position,
    promote_reserves,
    reload_presentation,
    reload_session,
    sign_up_problem,
    tell_presenter,
)
from course.timeutil import format_short_date, utcnow

Status = PresentationStatus


def confirm(presentation):
    """A trainer confirms a sign-up into a free slot (fairness is the trainer's call here)."""
    lock_sessions(presentation.session_id)
    presentation = reload_presentation(presentation.id)
    course_session = presentation.course_session
    if presentation.status in HOLDS_SLOT:
        raise RotaError("This presentation is already confirmed.")
    if has_live_sign_up(course_session.id, presentation.presenter_id, other_than=presentation.id):
        raise RotaError("This person has another sign-up for this session already.")
    slot = free_slot(course_session)
    if slot is None:
        raise RotaError(
            f"Session {course_session.number} has no free slot. "
            "Cancel or move a confirmed presenter first, or add a slot to the session."
        )
    presentation.status, presentation.slot = Status.CONFIRMED, slot
    db.session.flush()
    audit.record("presentation_confirmed", presentation, session=course_session.number)
    tell_presenter(
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
    presentation = reload_presentation(presentation.id)
    course_session = presentation.course_session
    if presentation.status not in OPEN:
        raise RotaError("Only confirmed and reserve sign-ups can be cancelled.")
    was_confirmed = presentation.status == Status.CONFIRMED
    presentation.status, presentation.slot = Status.CANCELLED, None
    db.session.flush()
    audit.record("presentation_cancelled", presentation, session=course_session.number)
    tell_presenter(
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
    presentation = reload_presentation(presentation.id)
    source = presentation.course_session
    target = reload_session(target_session.id)
    if target.cohort_id != source.cohort_id:
        raise RotaError("Choose a session of the same cohort.")
    if presentation.status not in OPEN:
        raise RotaError("Only confirmed and reserve sign-ups can be moved.")
    problem = sign_up_problem(target, now)
    if problem:
        raise RotaError(f"Session {target.number}: {problem}")
    if has_live_sign_up(target.id, presentation.presenter_id):
        raise RotaError(f"This person is signed up for session {target.number} already.")
    was_confirmed = presentation.status == Status.CONFIRMED
    slot = free_slot(target)
    presentation.session_id = target.id
    presentation.status = Status.CONFIRMED if slot else Status.RESERVE
    presentation.slot = slot
    presentation.position = next_position(target.id)
    db.session.flush()
    audit.record(
        "presentation_moved", presentation, from_session=source.number, to_session=target.number
    )
    where = "confirmed" if slot else "on the reserve list"
    tell_presenter(
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
    presentation = reload_presentation(presentation.id)
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


def tick_run_sheet_item(session_id, item, trainer, done):
    """Tick a run-sheet item done (or untick it); two trainers ticking at once keep one tick.

    The caller commits.
    """
    table = RunSheetTick.__table__
    if not done:
        db.session.execute(
            delete(RunSheetTick).where(
                RunSheetTick.session_id == session_id, RunSheetTick.item == item
            )
        )
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(table)
        .values(session_id=session_id, item=item, done_by_id=trainer.id, done_at=utcnow())
        .on_conflict_do_nothing(index_elements=["session_id", "item"])
    )


def save_run_sheet_note(session_id, text, trainer):
    """Keep the trainers' notes for a session's run sheet ('' removes them). The caller commits."""
    note = db.session.get(RunSheetNote, session_id)
    if not text:
        if note is not None:
            db.session.delete(note)
        return
    if note is None:
        note = RunSheetNote(session_id=session_id)
        db.session.add(note)
    note.text = text
    note.updated_by_id = trainer.id
    note.updated_at = utcnow()
