"""What the rota holds about a person: presentations and briefs, reflection notes they wrote."""

from sqlalchemy import delete, select, update

from course.extensions import db
from course.modules.presentations.models import Presentation, ReflectionNote
from course.modules.privacy.registry import Section, records
from course.modules.programme.models import CourseSession


def export(user):
    """The person's presentations with their briefs and follow-ups, and notes they wrote."""
    presentations = records(
        db.session.execute(
            select(
                CourseSession.number.label("session"),
                Presentation.kind,
                Presentation.title,
                Presentation.status,
                Presentation.brief,
                Presentation.brief_deleted_at,
                Presentation.follow_up,
                Presentation.created_at,
            )
            .join(CourseSession, CourseSession.id == Presentation.session_id)
            .where(Presentation.presenter_id == user.id)
            .order_by(CourseSession.starts_at, Presentation.id)
        )
    )
    notes = records(
        db.session.execute(
            select(
                Presentation.title.label("presentation"),
                ReflectionNote.text,
                ReflectionNote.created_at,
            )
            .join(Presentation, Presentation.id == ReflectionNote.presentation_id)
            .where(ReflectionNote.author_id == user.id)
            .order_by(ReflectionNote.created_at)
        )
    )
    return [
        Section("presentations", "Your case presentations and briefs", presentations),
        Section("reflection_notes", "Reflections you left for presenters", notes),
    ]


def erase(user):
    """Delete the person's briefs, follow-ups and the reflection notes they wrote."""
    db.session.execute(
        update(Presentation)
        .where(Presentation.presenter_id == user.id)
        .values(brief=None, follow_up=None)
    )
    db.session.execute(delete(ReflectionNote).where(ReflectionNote.author_id == user.id))
