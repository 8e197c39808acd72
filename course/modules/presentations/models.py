"""The case-presentation rota and the reflections presenters receive."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.crypto import EncryptedText
from course.extensions import db
from course.timeutil import UTCDateTime, utcnow

MAX_SLOTS = 6  # the most a session may have (course_session.slots_in_range)


class PresentationKind(StrEnum):
    """What a manager brings to the group."""

    STUCK_CASE = "stuck_case"
    RISK_CONCERN = "risk_concern"
    SUPERVISORY_DILEMMA = "supervisory_dilemma"
    OTHER = "other"

    @property
    def label(self):
        """The kind as the sign-up form and the rota say it."""
        return KIND_LABELS[self]


KIND_LABELS = {
    PresentationKind.STUCK_CASE: "Stuck case",
    PresentationKind.RISK_CONCERN: "Risk-management concern",
    PresentationKind.SUPERVISORY_DILEMMA: "Supervisory dilemma",
    PresentationKind.OTHER: "Other",
}


class PresentationStatus(StrEnum):
    """Where a sign-up stands."""

    CONFIRMED = "confirmed"
    RESERVE = "reserve"
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"

    @property
    def label(self):
        """The status as people say it."""
        return "On the reserve list" if self is PresentationStatus.RESERVE else self.capitalize()


# Confirmed and given presentations hold one of the session's slots; the others hold none.
HOLDS_SLOT = (PresentationStatus.CONFIRMED, PresentationStatus.GIVEN)
ACTIVE = (PresentationStatus.CONFIRMED, PresentationStatus.RESERVE, PresentationStatus.GIVEN)
OPEN = (PresentationStatus.CONFIRMED, PresentationStatus.RESERVE)


def _sql_in(values):
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Presentation(db.Model):
    """A manager's sign-up to present a case at a session."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    presenter_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str | None] = mapped_column(EncryptedText)  # deleted by the retention rule
    status: Mapped[str] = mapped_column(String(20), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # sign-up order within the session
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Which of the session's slots a confirmed or given presentation holds (1, 2, ...).
    slot: Mapped[int | None] = mapped_column(Integer)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    brief_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ground_rules_version: Mapped[str | None] = mapped_column(String(20))
    ground_rules_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up: Mapped[str | None] = mapped_column(EncryptedText)
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    timekeeper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    presenter = relationship("User", foreign_keys=[presenter_id], lazy="raise")
    interviewer = relationship("User", foreign_keys=[interviewer_id], lazy="raise")
    timekeeper = relationship("User", foreign_keys=[timekeeper_id], lazy="raise")
    course_session = relationship("CourseSession", lazy="raise")
    reflections = relationship(
        "ReflectionNote",
        back_populates="presentation",
        lazy="raise",
        order_by="ReflectionNote.created_at",
        passive_deletes=True,
    )

    __table_args__ = (
        # Two sign-ups can never hold the same slot of a session, whatever the timing.
        UniqueConstraint("session_id", "slot"),
        CheckConstraint(f"slot BETWEEN 1 AND {MAX_SLOTS}", name="slot_in_range"),
        CheckConstraint(
            f"(status IN {_sql_in(HOLDS_SLOT)}) = (slot IS NOT NULL)", name="slot_iff_held"
        ),
        CheckConstraint(f"status IN {_sql_in(PresentationStatus)}", name="status_known"),
        CheckConstraint(f"kind IN {_sql_in(PresentationKind)}", name="kind_known"),
        # One live sign-up per person per session.
        Index(
            "uq_presentation_active_presenter",
            "session_id",
            "presenter_id",
            unique=True,
            sqlite_where=text(f"status IN {_sql_in(ACTIVE)}"),
            postgresql_where=text(f"status IN {_sql_in(ACTIVE)}"),
        ),
    )

    @property
    def kind_enum(self):
        """The kind as a PresentationKind."""
        return PresentationKind(self.kind)

    @property
    def status_enum(self):
        """The status as a PresentationStatus."""
        return PresentationStatus(self.status)

    @property
    def holds_slot(self):
        """Confirmed or given."""
        return self.status in HOLDS_SLOT

    def __repr__(self):
        return f"<Presentation {self.id} {self.status} session={self.session_id}>"


class ReflectionNote(db.Model):
    """A short note to the presenter from someone who was in the room; read by them and trainers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(
        ForeignKey("presentation.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    presentation = relationship("Presentation", back_populates="reflections", lazy="raise")
    author = relationship("User", lazy="raise")

    __table_args__ = (UniqueConstraint("presentation_id", "author_id"),)


class RunSheetTick(db.Model):
    """A run-sheet item a trainer has ticked as done on the day."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(40))  # the item's key on the run sheet
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("session_id", "item"),)


class RunSheetNote(db.Model):
    """The trainers' notes on a session's run sheet: read by trainers only, encrypted at rest."""

    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(EncryptedText)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
