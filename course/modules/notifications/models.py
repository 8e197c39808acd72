"""The notification outbox: every message to a person, shown in the site and sent by email."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.timeutil import UTCDateTime, utcnow

# Kinds this module queues itself; other modules name their own (e.g. "apologies_received").
SESSION_REMINDER = "session_reminder"
SET_PASSWORD = "set_password"  # noqa: S105 - a notification kind, not a password  # nosec B105


class EmailStatus(StrEnum):
    """Where a notification's email stands."""

    PENDING = "pending"  # waiting for the sender (again, after a failed try)
    SENDING = "sending"  # claimed by one sender
    SENT = "sent"
    SKIPPED = "skipped"  # the person switched this kind of email off
    SUPERSEDED = "superseded"  # a newer set-password link replaced this one


EMAIL_STATUS_VALUES = tuple(status.value for status in EmailStatus)


class Notification(db.Model):
    """One message to one person; the sender delivers pending ones by email."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    essential: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which sender run holds the message while it is being sent, and since when.
    claim_token: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
    # Messages that must go once only (a session reminder) carry a key the database keeps unique.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # Another address than the person's own: an email change is told to the old address.
    email_to: Mapped[str | None] = mapped_column(String(254))

    user = relationship("User", lazy="raise")

    __table_args__ = (
        CheckConstraint(f"email_status IN {EMAIL_STATUS_VALUES!r}", name="email_status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # A person's unread messages, on every home page (a year of them per person nationally).
        Index("ix_notification_user_read", "user_id", "read_at"),
    )

    @property
    def is_unread(self):
        """Whether the person has not yet marked it read."""
        return self.read_at is None

    @property
    def site_link(self):
        """The link when it is a path on this site (never another site, never a secret)."""
        link = self.link or ""
        if self.kind == SET_PASSWORD or not link.startswith("/") or link.startswith("//"):
            return None
        return link


class NotificationPreference(db.Model):
    """What a person wants by email; no row means the defaults."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    session_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
