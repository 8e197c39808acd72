"""What the barrier register holds about a person: the barriers they raised."""

from sqlalchemy import select, update

from course.extensions import db
from course.modules.barriers.models import Barrier
from course.modules.privacy.registry import Section, records
from course.modules.programme.models import CourseSession


def export(user):
    """The barriers the person raised, with what became of them."""
    rows = db.session.execute(
        select(
            Barrier.theme,
            Barrier.text,
            CourseSession.number.label("session"),
            Barrier.quote_consent,
            Barrier.status,
            Barrier.created_at,
            Barrier.released_at,
        )
        .outerjoin(CourseSession, CourseSession.id == Barrier.session_id)
        .where(Barrier.raised_by_id == user.id)
        .order_by(Barrier.created_at)
    )
    return [Section("barriers", "Barriers you raised", records(rows))]


def erase(user):
    """Keep the barriers as anonymous counts: their text goes, and any excerpt not released.

    The rows keep pointing at the (anonymised) account, so each theme still counts the person
    once and the published figures do not change.
    """
    mine = Barrier.raised_by_id == user.id
    db.session.execute(update(Barrier).where(mine).values(text=""))
    db.session.execute(
        update(Barrier).where(mine, Barrier.released_at.is_(None)).values(excerpt=None)
    )
