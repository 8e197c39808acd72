"""The course library, each session's reading list and who has read what."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from course.extensions import db
from course.timeutil import UTCDateTime, utcnow

MAX_FILE_SIZE = 20 * 1024 * 1024  # 20 MB


class FileType(StrEnum):
    """The kinds of file a reading may carry, by MIME type."""

    PDF = "application/pdf"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    DOC = "application/msword"

    @property
    def extension(self):
        """The file name extension for downloads."""
        return {"PDF": ".pdf", "DOCX": ".docx", "DOC": ".doc"}[self.name]

    @property
    def label(self):
        """How people name the type."""
        return {"PDF": "PDF", "DOCX": "Word", "DOC": "Word 97-2003"}[self.name]


FILE_TYPES = tuple(kind.value for kind in FileType)


class Reading(db.Model):
    """A paper or book chapter with this course's own reading guide."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str | None] = mapped_column(String(120), unique=True)  # the guide's file name
    title: Mapped[str] = mapped_column(String(300))
    authors: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer)
    publication: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str | None] = mapped_column(String(500))
    # Where to borrow or read it when there is no link or file: a library, a database, a
    # publisher; with the link and the file, how a person gets the work itself.
    library_details: Mapped[str | None] = mapped_column(String(500))
    guide: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column(Integer)
    file_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Where the guide file puts the reading: "2,5" and required or optional; a new cohort's
    # sessions get their lists from these (services.attach_to_cohort).
    session_numbers: Mapped[str] = mapped_column(String(60), default="", server_default="")
    default_required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Which details of the citation are not yet checked against a source; shown to users.
    verify_note: Mapped[str | None] = mapped_column(String(300))
    # SHA-256 of the guide file as last synced: an unchanged file leaves the reading alone.
    source_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint(
            f"file_size IS NULL OR file_size BETWEEN 1 AND {MAX_FILE_SIZE}", name="file_size_limit"
        ),
        CheckConstraint(
            f"file_type IS NULL OR file_type IN {FILE_TYPES!r}", name="file_type_known"
        ),
        CheckConstraint("year IS NULL OR year BETWEEN 1800 AND 2200", name="year_plausible"),
    )

    @property
    def citation(self):
        """'Ruch, G. (2007) Title. Publication.', flagged where a detail is unchecked."""
        year = f" ({self.year})" if self.year else " (n.d.)"
        publication = f" {self.publication.rstrip('.')}." if self.publication else ""
        title = self.title if self.title.endswith(("?", "!", ".")) else f"{self.title}."
        check = " (citation to verify)" if self.verify_note else ""
        return f"{self.authors}{year} {title}{publication}{check}"

    @property
    def session_number_list(self):
        """The session numbers the guide file names, as integers."""
        return [int(n) for n in self.session_numbers.split(",") if n]

    @property
    def has_file(self):
        """Whether a file is attached."""
        return self.file_size is not None

    @property
    def obtainable(self):
        """Whether the site says where to get the work: a link, a file or library details."""
        return bool(self.link or self.has_file or self.library_details)

    @property
    def file_label(self):
        """'PDF, 1.2 MB' for the download link."""
        if not self.has_file:
            return ""
        kind = FileType(self.file_type).label if self.file_type in FILE_TYPES else "File"
        size = self.file_size / (1024 * 1024)
        return f"{kind}, {size:.1f} MB" if size >= 0.1 else f"{kind}, {self.file_size // 1024} KB"

    def __repr__(self):
        return f"<Reading {self.slug or self.id}>"


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

    __table_args__ = (
        UniqueConstraint("session_id", "reading_id"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )


class ReadingProgress(db.Model):
    """A person has read a reading ("I have read this")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    reading_id: Mapped[int] = mapped_column(
        ForeignKey("reading.id", ondelete="CASCADE"), index=True
    )
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "reading_id"),)
