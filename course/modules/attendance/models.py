"""Registers, apologies and catch-up tasks."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.crypto import EncryptedText
from course.extensions import db
from course.timeutil import UTCDateTime, utcnow


class AttendanceStatus(StrEnum):
    """A person's mark for a session; Unmarked is the absence of a mark."""

    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    APOLOGIES = "apologies"
    ABSENT = "absent"

    @property
    def label(self):
        """The status as the register shows it."""
        return STATUS_LABELS[self]


STATUS_LABELS = {
    AttendanceStatus.PRESENT: "Present",
    AttendanceStatus.LATE: "Late",
    AttendanceStatus.LEFT_EARLY: "Left early",
    AttendanceStatus.APOLOGIES: "Apologies",
    AttendanceStatus.ABSENT: "Absent",
}
UNMARKED = "unmarked"  # what the register form sends for "no mark"
UNMARKED_LABEL = "Unmarked"
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
MISSED = (AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT)


class ApologyReason(StrEnum):
    """Why someone sent apologies."""

    COURT = "court"  # court or statutory duty
    SICKNESS = "sickness"
    LEAVE = "leave"
    OTHER = "other"

    @property
    def label(self):
        """The reason as people say it."""
        return REASON_LABELS[self]


REASON_LABELS = {
    ApologyReason.COURT: "Court or statutory duty",
    ApologyReason.SICKNESS: "Sickness",
    ApologyReason.LEAVE: "Leave",
    ApologyReason.OTHER: "Other",
}


def status_label(status):
    """'Present', 'Left early' or 'Unmarked' for a stored status (None is unmarked)."""
    return AttendanceStatus(status).label if status and status != UNMARKED else UNMARKED_LABEL


def reason_label(reason):
    """'Sickness' for a stored reason; '' for none."""
    return ApologyReason(reason).label if reason else ""


class AttendanceMark(db.Model):
    """One person's mark for one session (or their apologies sent in advance)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    apology_reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(EncryptedText)
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

    @property
    def sent_in_advance(self):
        """Apologies the person sent themselves, rather than a trainer's mark."""
        return self.status == AttendanceStatus.APOLOGIES and self.marked_by_id == self.user_id


class CatchUp(db.Model):
    """The catch-up for a missed session: read its required readings, send a short reflection.

    A row exists once the person sends a reflection (or a trainer gives more time); a missed
    session without one is a catch-up still to do.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(Text, default="")  # what was asked, as it stood then
    reflection: Mapped[str | None] = mapped_column(EncryptedText)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)  # a trainer's extension, if any
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    approved_by = relationship("User", foreign_keys=[approved_by_id], lazy="raise")
    course_session = relationship("CourseSession", lazy="raise")

    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint(
            "approved_at IS NULL OR submitted_at IS NOT NULL", name="approved_after_submitted"
        ),
        CheckConstraint(
            "submitted_at IS NULL OR reflection IS NOT NULL", name="submitted_with_reflection"
        ),
    )

    @property
    def approved(self):
        """A trainer has approved the reflection: the session is caught up."""
        return self.approved_at is not None

    @property
    def waiting_for_approval(self):
        """Sent and not yet approved."""
        return self.submitted_at is not None and self.approved_at is None


class CheckInKey(db.Model):
    """A session's secret for its rotating check-in code, made when check-in is first opened."""

    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckIn(db.Model):
    """A person's own check-in with the code: when, as what, and any apologies it replaced."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20))  # present or late, as checked in
    # Apologies the person had sent before turning up: kept in the record.
    had_apologies: Mapped[bool] = mapped_column(default=False)
    apology_reason: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint("status IN ('present', 'late')", name="status_known"),
    )


class AbsentBatch(db.Model):
    """'Mark everyone not yet here as absent': whom it marked, so that undo can unmark them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    user_ids: Mapped[str] = mapped_column(Text, default="")  # "3,5,8": ids only, no names
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def people(self):
        """The ids of the people the batch marked absent."""
        return [int(part) for part in self.user_ids.split(",") if part]
