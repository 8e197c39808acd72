"""Who a person is at the organisation's OpenID provider, remembered after the first match."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.timeutil import UTCDateTime, utcnow


class SingleSignOnIdentity(db.Model):
    """A provider's subject for one account: later sign-ins match on (issuer, subject)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")

    __table_args__ = (
        UniqueConstraint("issuer", "subject"),  # one account per person at a provider
        UniqueConstraint("user_id", "issuer"),  # and one person at a provider per account
    )
