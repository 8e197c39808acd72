"""After the session: who may leave the presenter a reflection, and the presenter's follow-up."""

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES
from course.modules.attendance.models import ATTENDED, AttendanceMark
from course.modules.presentations.models import HOLDS_SLOT, ReflectionNote
from course.timeutil import utcnow


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
