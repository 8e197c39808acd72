"""What the calendar holds about a person: their private feed addresses (never the token)."""

from sqlalchemy import delete, select

from course.extensions import db
from course.modules.calendar.models import CalendarFeed
from course.modules.privacy.registry import Section, records


def export(user):
    """When the person's calendar feeds were made, revoked and last read."""
    rows = db.session.execute(
        select(CalendarFeed.created_at, CalendarFeed.revoked_at, CalendarFeed.last_fetched_at)
        .where(CalendarFeed.user_id == user.id)
        .order_by(CalendarFeed.created_at)
    )
    return [Section("calendar_feeds", "Your calendar feeds", records(rows))]


def erase(user):
    """Delete the person's feeds."""
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
