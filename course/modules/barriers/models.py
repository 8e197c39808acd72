"""The barrier register and the senior managers' responses to its themes."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    case,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.crypto import EncryptedText
from course.extensions import db
from course.modules.barriers.themes import THEME_VALUES, Theme
from course.modules.programme.models import SESSION_COUNT
from course.timeutil import UTCDateTime, utcnow


class BarrierStatus(StrEnum):
    """Where a barrier is in moderation."""

    NEW = "new"  # waiting for the trainers to release it
    RELEASED = "released"  # counted in the senior managers' figures
    MERGED = "merged"  # a duplicate of another barrier; released with it


class ResponseStatus(StrEnum):
    """How far a response to a theme has got."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_POSSIBLE = "not_possible"

    @property
    def label(self):
        """'In progress'."""
        return self.value.replace("_", " ").capitalize()


OPEN_RESPONSE_STATUSES = (ResponseStatus.PLANNED, ResponseStatus.IN_PROGRESS)


class Barrier(db.Model):
    """Something that gets in the way of reflective supervision back at work.

    `raised_by` is empty for a barrier a trainer logged after it was raised aloud in a session;
    such a barrier counts as one voice of its own.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(EncryptedText)
    excerpt: Mapped[str | None] = mapped_column(Text)  # the trainers' words for quotation
    # RESTRICT: deleting a raiser would change counts already published (deactivate instead).
    raised_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="RESTRICT"), index=True
    )
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_session.id", ondelete="SET NULL")
    )
    # The session (1 to 11) whose part of the year it belongs to: its session, or the last
    # session that had started when it was raised. The overview's stages come from it.
    period: Mapped[int] = mapped_column(Integer)
    quote_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=BarrierStatus.NEW)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("barrier.id"), index=True)

    course_session = relationship("CourseSession", lazy="raise")
    merged_into = relationship("Barrier", remote_side=[id], lazy="raise")

    __table_args__ = (
        Index("ix_barrier_cohort_released", "cohort_id", "released_at"),
        CheckConstraint(f"theme IN {THEME_VALUES!r}", name="theme_known"),
        CheckConstraint("status IN ('new', 'released', 'merged')", name="status_known"),
        CheckConstraint(f"period BETWEEN 1 AND {SESSION_COUNT}", name="period_in_programme"),
        CheckConstraint(
            "(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged_has_target"
        ),
        CheckConstraint("merged_into_id <> id", name="not_merged_into_itself"),
        CheckConstraint("status <> 'released' OR released_at IS NOT NULL", name="released_dated"),
        CheckConstraint("status <> 'new' OR released_at IS NULL", name="new_not_released"),
    )

    @property
    def theme_enum(self):
        """The theme as a Theme."""
        return Theme(self.theme)

    @property
    def is_released(self):
        """Whether it counts in the senior managers' figures."""
        return self.released_at is not None

    @property
    def raised_aloud(self):
        """Whether a trainer logged it, without a name, after it was raised in a session."""
        return self.raised_by_id is None


def voice_of():
    """SQL for the voice a barrier counts as: its raiser, or itself when it has no name."""
    return case((Barrier.raised_by_id.is_(None), -Barrier.id), else_=Barrier.raised_by_id)


def stage_of_period():
    """SQL for the stage (1, 2, 3) of a barrier's period."""
    return case((Barrier.period <= 4, 1), (Barrier.period <= 8, 2), else_=3)


class BarrierResponse(db.Model):
    """'You said, we did': what senior managers will do about a theme, who owns it and by when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    theme: Mapped[str] = mapped_column(String(30))
    response: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ResponseStatus.PLANNED)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("ix_barrier_response_cohort_theme", "cohort_id", "theme"),
        CheckConstraint(f"theme IN {THEME_VALUES!r}", name="theme_known"),
        CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'not_possible')", name="status_known"
        ),
        CheckConstraint(
            "status <> 'not_possible' OR (reason IS NOT NULL AND reason <> '')",
            name="not_possible_has_reason",
        ),
    )

    @property
    def theme_enum(self):
        """The theme as a Theme."""
        return Theme(self.theme)

    @property
    def status_enum(self):
        """The status as a ResponseStatus."""
        return ResponseStatus(self.status)

    def is_overdue(self, today):
        """Past its due date and neither done nor given up."""
        return self.status in OPEN_RESPONSE_STATUSES and self.due_on < today
