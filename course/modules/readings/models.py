"""The course library, each session's reading list and who has read what."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from course.extensions import db
from course.timeutil import UTCDateTime, utcnow


class Reading(db.Model):
    """A paper or book chapter with this course's own reading guide."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(120), unique=True)  # the guide's file name
    title: Mapped[str] = mapped_column(String(300))
    authors: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer)
    publication: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str | None] = mapped_column(String(500))
    guide: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def citation(self):
        """'Ruch, G. (2007) Title. Publication.'"""
        year = f" ({self.year})" if self.year else ""
        publication = f" {self.publication}." if self.publication else ""
        return f"{self.authors}{year} {self.title}.{publication}"


class SessionReading(db.Model):
    """A reading on a session's list, required or optional, in order."""

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("course_session.id", ondelete="CASCADE"), index=True
    )
    reading_id: Mapped[int] = mapped_column(
        ForeignKey("reading.id", ondelete="CASCADE"), index=True
    )
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    reading = relationship("Reading", lazy="raise")
    course_session = relationship("CourseSession", lazy="raise")

    __table_args__ = (UniqueConstraint("session_id", "reading_id"),)


class ReadingProgress(db.Model):
    """A person has read a reading ("I have read this")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reading_id: Mapped[int] = mapped_column(
        ForeignKey("reading.id", ondelete="CASCADE"), index=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "reading_id"),)
