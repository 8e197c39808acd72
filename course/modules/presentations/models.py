"""The case-presentation rota and the reflections presenters receive."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.timeutil import UTCDateTime, utcnow


class PresentationKind(StrEnum):
    """What a manager brings to the group."""

    STUCK_CASE = "stuck_case"
    RISK_CONCERN = "risk_concern"
    SUPERVISORY_DILEMMA = "supervisory_dilemma"
    OTHER = "other"


class PresentationStatus(StrEnum):
    """Where a sign-up stands."""

    CONFIRMED = "confirmed"
    RESERVE = "reserve"
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"


class Presentation(db.Model):
    """A manager's sign-up to present a case at a session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    presenter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str | None] = mapped_column(Text)  # deleted by the retention rule
    status: Mapped[str] = mapped_column(String(20), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    presenter = relationship("User", lazy="raise")
    course_session = relationship("CourseSession", lazy="raise")
