"""Registers, apologies and catch-up tasks."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.timeutil import UTCDateTime, utcnow


class AttendanceStatus(StrEnum):
    """A person's mark for a session; Unmarked is the absence of a mark."""

    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    APOLOGIES = "apologies"
    ABSENT = "absent"


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
MISSED = (AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT)


class ApologyReason(StrEnum):
    """Why someone sent apologies."""

    COURT = "court"  # court or statutory duty
    SICKNESS = "sickness"
    LEAVE = "leave"
    OTHER = "other"


class AttendanceMark(db.Model):
    """One person's mark for one session (or their apologies sent in advance)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    apology_reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    course_session = relationship("CourseSession", lazy="raise")

    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint(
            "status IN ('present', 'late', 'left_early', 'apologies', 'absent')",
            name="status_known",
        ),
    )

    @property
    def attended(self):
        """Present, Late and Left early count as attended."""
        return self.status in ATTENDED
