"""What notifications hold about a person: their messages and email settings."""

from sqlalchemy import delete, select

from course.extensions import db
from course.modules.notifications.models import Notification, NotificationPreference
from course.modules.privacy.registry import Section, records


def export(user):
    """The person's notifications and email preferences."""
    messages = db.session.execute(
        select(
            Notification.kind,
            Notification.subject,
            Notification.body,
            Notification.created_at,
            Notification.read_at,
            Notification.email_status,
            Notification.sent_at,
        )
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    )
    preferences = db.session.execute(
        select(NotificationPreference.session_reminders, NotificationPreference.updated_at).where(
            NotificationPreference.user_id == user.id
        )
    )
    return [
        Section("notifications", "Your notifications", records(messages)),
        Section("email_settings", "Your email settings", records(preferences)),
    ]


def erase(user):
    """Delete the person's notifications and settings."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(
        delete(NotificationPreference).where(NotificationPreference.user_id == user.id)
    )
