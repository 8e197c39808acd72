"""Putting messages in the outbox, reading them in the site, and what people want by email."""

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from course.extensions import db
from course.modules.notifications.models import (
    SET_PASSWORD,
    EmailStatus,
    Notification,
    NotificationPreference,
)
from course.timeutil import utcnow

PER_PAGE = 20


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


def queue_set_password_email(user, token):
    """Email a new set-password link; a pending email with an older link is not sent."""
    db.session.execute(
        update(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.kind == SET_PASSWORD,
            Notification.email_status == EmailStatus.PENDING,
        )
        .values(email_status=EmailStatus.SUPERSEDED, link=None)
    )
    days = current_app.config["COURSE_SET_PASSWORD_LINK_LIFETIME"].days
    return notify(
        user,
        SET_PASSWORD,
        "Set your password for the Reflective Supervision Programme",
        body=(
            "Use the link below to set your password and sign in. It works once, "
            f"for {days} days. If you did not expect this email, tell the programme's "
            "administrator; nobody can use the link without access to your mailbox."
        ),
        link=f"/set-password/{token}",
        essential=True,
    )


def insert_ignoring_duplicates(rows):
    """Insert notifications, leaving out any whose dedupe_key is already queued; the ids added."""
    if not rows:
        return []
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Notification)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(Notification.id)
    )
    return list(db.session.scalars(statement))


def notifications_page(user, page=None):
    """A page of a person's notifications, newest first."""
    return db.paginate(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )


def unread_count_query(user):
    """How many of a person's notifications are unread, as a scalar subquery."""
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def unread_count(user):
    """How many of a person's notifications are unread."""
    return db.session.scalar(select(unread_count_query(user)))


def latest_unread(user, limit=3):
    """A person's newest unread notifications."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def get_notification_for_user_or_404(notification_id, user):
    """One of the person's own notifications; 404 for anyone else's."""
    return db.first_or_404(
        select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )


def mark_read(notification):
    """Mark one notification read (once: the first time is kept)."""
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user):
    """Mark every unread notification of a person read; how many there were."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount


def wants_session_reminders(user):
    """Whether a person wants the reminder before each session (yes, unless they said no)."""
    preference = db.session.get(NotificationPreference, user.id)
    return preference is None or preference.session_reminders


def set_session_reminders(user, wanted):
    """Switch a person's session reminders on or off; safe when two requests race."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(NotificationPreference).values(
        user_id=user.id, session_reminders=wanted, updated_at=utcnow()
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[NotificationPreference.user_id],
            set_={"session_reminders": wanted, "updated_at": utcnow()},
        )
    )
