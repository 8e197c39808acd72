"""The private journal: entries, their tags, drafts kept on the way, and trainers' feedback."""

import re
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.crypto import EncryptedText
from course.extensions import db
from course.modules.journal.frameworks import FRAMEWORK_KEYS, get_framework
from course.text import EXCERPT_SOURCE, plain_excerpt
from course.timeutil import UTCDateTime, to_local, utcnow

SECTION_HEADING = re.compile(r"^### .*$", re.MULTILINE)
DRAFT_REASONS = ("autosave", "conflict", "signed_out")
DRAFT_REASON_LABELS = {
    "autosave": "Autosaved, not yet saved to your journal",
    "conflict": "Kept when another tab or window saved this entry first",
    "signed_out": "Kept when your sign-in ended",
}


class JournalEntry(db.Model):
    """A reflection, readable by its author alone unless shared with the cohort's trainers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # The cohort whose trainers may read the entry while it is shared.
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(EncryptedText)
    body: Mapped[str] = mapped_column(EncryptedText, default="")
    framework: Mapped[str] = mapped_column(String(20), default="free")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_session.id", ondelete="SET NULL"), index=True
    )
    reading_id: Mapped[int | None] = mapped_column(
        ForeignKey("reading.id", ondelete="SET NULL"), index=True
    )
    presentation_id: Mapped[int | None] = mapped_column(
        ForeignKey("presentation.id", ondelete="SET NULL"), index=True
    )
    # A supervision in the author's own supervision log this entry reflects on.
    supervision_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_record.id", ondelete="SET NULL"), index=True
    )
    shared_with_trainers: Mapped[bool] = mapped_column(Boolean, default=False)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    share_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Goes up by one with each save, so a save from a stale page is noticed, not applied.
    version: Mapped[int] = mapped_column(Integer, default=1)

    author = relationship("User", lazy="raise")
    course_session = relationship("CourseSession", lazy="raise")
    reading = relationship("Reading", lazy="raise")
    presentation = relationship("Presentation", lazy="raise")
    tags = relationship(
        "JournalTag", lazy="raise", order_by="JournalTag.name", passive_deletes=True
    )
    comments = relationship(
        "JournalComment", lazy="raise", order_by="JournalComment.id", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint(f"framework IN {FRAMEWORK_KEYS!r}", name="framework_known"),
        CheckConstraint("length(title) > 0", name="title_given"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("NOT shared_with_trainers OR shared_at IS NOT NULL", name="shared_when"),
        Index("ix_journal_entry_author_created", "author_id", "created_at"),
        Index("ix_journal_entry_shared", "shared_with_trainers", "cohort_id"),
    )

    @property
    def framework_info(self):
        """The entry's Framework."""
        return get_framework(self.framework)

    @property
    def tag_names(self):
        """The tags as a list of strings."""
        return [tag.name for tag in self.tags]

    @property
    def excerpt(self):
        """A line of plain text from the body (without the prompts' headings), for lists."""
        return plain_excerpt(SECTION_HEADING.sub("", self.body[:EXCERPT_SOURCE]))

    @property
    def shared_until(self):
        """The last day the trainers can read it (sharing ends at midnight after it), or None."""
        if self.share_expires_at is None:
            return None
        return (to_local(self.share_expires_at) - timedelta(seconds=1)).date()

    def is_shared(self, now=None):
        """Whether the trainers can read it now."""
        return self.shared_with_trainers and (
            self.share_expires_at is None or self.share_expires_at > (now or utcnow())
        )


class JournalTag(db.Model):
    """A tag on an entry, lower case, for filtering."""

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("journal_entry.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40), index=True)

    __table_args__ = (UniqueConstraint("entry_id", "name"),)


class JournalDraft(db.Model):
    """Text kept on the way to an entry: autosaved, refused by a newer save, or sent signed out.

    A draft belongs to its writer alone, and its entry (if any) is the writer's own.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entry.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(20), default="autosave")
    title: Mapped[str] = mapped_column(EncryptedText, default="")
    body: Mapped[str] = mapped_column(EncryptedText, default="")
    framework: Mapped[str] = mapped_column(String(20), default="free")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_session.id", ondelete="SET NULL")
    )
    reading_id: Mapped[int | None] = mapped_column(ForeignKey("reading.id", ondelete="SET NULL"))
    presentation_id: Mapped[int | None] = mapped_column(
        ForeignKey("presentation.id", ondelete="SET NULL")
    )
    supervision_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_record.id", ondelete="SET NULL")
    )
    tags: Mapped[str] = mapped_column(String(500), default="")
    # The entry's version the writer started from.
    base_version: Mapped[int | None] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(f"reason IN {DRAFT_REASONS!r}", name="reason_known"),
        CheckConstraint(f"framework IN {FRAMEWORK_KEYS!r}", name="framework_known"),
    )

    @property
    def framework_info(self):
        """The draft's Framework."""
        return get_framework(self.framework)

    @property
    def excerpt(self):
        """A line of plain text from the body, for lists."""
        return plain_excerpt(SECTION_HEADING.sub("", self.body[:EXCERPT_SOURCE]), 100)

    @property
    def reason_label(self):
        """Why the draft was kept, as the writer would say it."""
        return DRAFT_REASON_LABELS[self.reason]


class JournalComment(db.Model):
    """A trainer's feedback on a shared entry, or its author's reply: a short thread."""

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("journal_entry.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the entry's author first saw a trainer's comment ("Feedback (1 new)" until then).
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("User", lazy="raise")

    __table_args__ = (CheckConstraint("length(body) > 0", name="body_given"),)
