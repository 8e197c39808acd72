"""What the privacy module holds about a person: the data packs made for them."""

from sqlalchemy import delete, select

from course.extensions import db
from course.modules.privacy.models import DataPackLink
from course.modules.privacy.registry import Section, records


def export(user):
    """When packs were made for the person, until when the link worked, when it was used."""
    rows = db.session.execute(
        select(DataPackLink.created_at, DataPackLink.expires_at, DataPackLink.used_at)
        .where(DataPackLink.user_id == user.id)
        .order_by(DataPackLink.created_at)
    )
    return [Section("data_packs", "Copies of your data made at your request", records(rows))]


def erase(user):
    """Delete the person's pack links."""
    db.session.execute(delete(DataPackLink).where(DataPackLink.user_id == user.id))
