"""A session's reading list: adding, ordering, required or optional, removing."""

from sqlalchemy import func, select

from course.extensions import db
from course.modules.readings.models import Reading, SessionReading


def add(course_session, reading_id, required):
    """Put a reading at the end of the session's list; the caller commits."""
    db.get_or_404(Reading, reading_id)
    last = db.session.scalar(
        select(func.max(SessionReading.position)).where(
            SessionReading.session_id == course_session.id
        )
    )
    link = SessionReading(
        session_id=course_session.id,
        reading_id=reading_id,
        required=required,
        position=0 if last is None else last + 1,
    )
    db.session.add(link)
    db.session.flush()
    return link


def _group(link):
    """The links of the same kind (required or optional) on the link's session, in order."""
    return db.session.scalars(
        select(SessionReading)
        .where(
            SessionReading.session_id == link.session_id,
            SessionReading.required.is_(link.required),
        )
        .order_by(SessionReading.position, SessionReading.id)
    ).all()


def _renumber(session_id):
    """Number the session's links 0, 1, 2... in their current order, required first."""
    links = db.session.scalars(
        select(SessionReading)
        .where(SessionReading.session_id == session_id)
        .order_by(SessionReading.required.desc(), SessionReading.position, SessionReading.id)
    ).all()
    for position, link in enumerate(links):
        link.position = position


def move(link, direction):
    """Swap the link with its neighbour above ('up') or below ('down'), if it has one."""
    _renumber(link.session_id)
    group = _group(link)
    index = group.index(link)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(group):
        neighbour = group[other]
        link.position, neighbour.position = neighbour.position, link.position
    db.session.flush()


def set_required(link, required):
    """Make the link required or optional; it goes to the end of its new group."""
    if link.required == required:
        return
    link.required = required
    last = db.session.scalar(
        select(func.max(SessionReading.position)).where(
            SessionReading.session_id == link.session_id
        )
    )
    link.position = (last or 0) + 1
    db.session.flush()
    _renumber(link.session_id)
    db.session.flush()


def remove(link):
    """Take the link off its session's list."""
    session_id = link.session_id
    db.session.delete(link)
    db.session.flush()
    _renumber(session_id)
    db.session.flush()
