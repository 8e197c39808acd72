"""The trash: a deleted entry can be restored for a while, then it is purged."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from course.extensions import db
from course.modules.journal.models import JournalEntry
from course.timeutil import utcnow


def trash_days():
    """How long a deleted entry can be restored."""
    return current_app.config.get("COURSE_JOURNAL_TRASH_DAYS", 30)


def move_to_trash(entry):
    """Delete an entry to the trash; it stops being shared. The caller commits."""
    entry.deleted_at = utcnow()
    entry.shared_with_trainers = False
    entry.share_expires_at = None


def trash_cutoff(now=None):
    """Entries deleted before this moment are past restoring."""
    return (now or utcnow()) - timedelta(days=trash_days())


def trash(author):
    """The author's entries in the trash that can still be restored, latest deleted first."""
    return list(
        db.session.scalars(
            select(JournalEntry)
            .where(
                JournalEntry.author_id == author.id,
                JournalEntry.deleted_at > trash_cutoff(),
            )
            .order_by(JournalEntry.deleted_at.desc())
        )
    )


def restore_deadline(entry):
    """When an entry in the trash will be purged."""
    return entry.deleted_at + timedelta(days=trash_days())


def purge_trash(author=None, now=None):
    """Delete for good the entries in the trash for longer than the limit; returns how many."""
    statement = delete(JournalEntry).where(
        JournalEntry.deleted_at.is_not(None), JournalEntry.deleted_at <= trash_cutoff(now)
    )
    if author is not None:
        statement = statement.where(JournalEntry.author_id == author.id)
    # Tags, comments and drafts go with the entry (ON DELETE CASCADE).
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
