"""Putting messages in the outbox; any module calls notify()."""

from course.extensions import db
from course.modules.notifications.models import Notification


def notify(user, kind, subject, body="", link=None, essential=False):
    """Queue a message for a person; the caller commits. Never put private text in it."""
    notification = Notification(
        user_id=user.id if hasattr(user, "id") else user,
        kind=kind,
        subject=subject,
        body=body,
        link=link,
        essential=essential,
    )
    db.session.add(notification)
    return notification
