"""What readings hold about a person: the readings they marked as read."""

from sqlalchemy import select

from course.extensions import db
from course.modules.privacy.registry import Section, records
from course.modules.readings.models import Reading, ReadingProgress


def export(user):
    """The readings marked "I have read this", and when."""
    rows = db.session.execute(
        select(Reading.title, Reading.authors, ReadingProgress.read_at)
        .join(Reading, Reading.id == ReadingProgress.reading_id)
        .where(ReadingProgress.user_id == user.id)
        .order_by(ReadingProgress.read_at)
    )
    return [Section("readings", "Readings you marked as read", records(rows))]
