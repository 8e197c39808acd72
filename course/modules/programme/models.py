"""The programme: a cohort's eleven sessions."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.timeutil import UTCDateTime, utcnow

SESSION_COUNT = 11


class CourseSession(db.Model):
    """One of the eleven monthly sessions of a cohort."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(200), default="")
    focus: Mapped[str] = mapped_column(Text, default="")
    presentation_slots: Mapped[int] = mapped_column(Integer, default=2)
    cancelled: Mapped[bool] = mapped_column(default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cohort = relationship("Cohort", lazy="raise")

    __table_args__ = (
        UniqueConstraint("cohort_id", "number"),
        CheckConstraint(f"number BETWEEN 1 AND {SESSION_COUNT}", name="number_in_programme"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("presentation_slots BETWEEN 0 AND 6", name="slots_in_range"),
    )

    def is_past(self, now=None):
        """Whether the session has ended."""
        return self.ends_at <= (now or utcnow())

    def has_started(self, now=None):
        """Whether the session has begun."""
        return self.starts_at <= (now or utcnow())

    @property
    def label(self):
        """'Session 3: Containment and anxiety'."""
        return f"Session {self.number}: {self.title}"

    def __repr__(self):
        return f"<CourseSession {self.cohort_id}/{self.number}>"
