"""Private calendar feeds: a secret address per person, stored only as its hash."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.timeutil import UTCDateTime, utcnow


class CalendarFeed(db.Model):
    """A person's feed address; revoking it (or making a new one) makes the old address 404."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="raise")

    __table_args__ = (
        # At most one live address per person.
        Index(
            "uq_calendar_feed_live_user",
            "user_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    @property
    def is_live(self):
        """Whether the address still works."""
        return self.revoked_at is None
