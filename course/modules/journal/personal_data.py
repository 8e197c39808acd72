"""What the journal holds about a person: entries with their feedback, and drafts."""

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from course.extensions import db
from course.modules.journal.models import JournalDraft, JournalEntry
from course.modules.privacy.registry import Section, plain


def export(user):
    """Every entry (the trash included) with its tags and the trainers' feedback; drafts."""
    entries = db.session.scalars(
        select(JournalEntry)
        .where(JournalEntry.author_id == user.id)
        .options(selectinload(JournalEntry.tags), selectinload(JournalEntry.comments))
        .order_by(JournalEntry.created_at, JournalEntry.id)
    )
    drafts = db.session.scalars(
        select(JournalDraft).where(JournalDraft.user_id == user.id).order_by(JournalDraft.id)
    )
    return [
        Section("journal", "Your journal", [_entry(entry) for entry in entries]),
        Section(
            "journal_drafts",
            "Your journal drafts",
            [
                dict(title=d.title, body=d.body, reason=d.reason, saved_at=plain(d.saved_at))
                for d in drafts
            ],
        ),
    ]


def _entry(entry):
    """One entry as plain values; feedback without the trainer's name."""
    return dict(
        title=entry.title,
        body=entry.body,
        framework=entry.framework,
        tags=entry.tag_names,
        created_at=plain(entry.created_at),
        updated_at=plain(entry.updated_at),
        shared_with_trainers=entry.shared_with_trainers,
        in_trash_since=plain(entry.deleted_at),
        feedback=[
            dict(body=comment.body, written_at=plain(comment.created_at))
            for comment in entry.comments
        ],
    )


def erase(user):
    """Delete the person's entries (with their tags and feedback) and drafts."""
    db.session.execute(delete(JournalDraft).where(JournalDraft.user_id == user.id))
    db.session.execute(delete(JournalEntry).where(JournalEntry.author_id == user.id))


def after_cohort_holders(user_ids):
    """Which of these people have entries or drafts (retention warns them first)."""
    if not user_ids:
        return set()
    entries = select(JournalEntry.author_id).where(JournalEntry.author_id.in_(user_ids))
    drafts = select(JournalDraft.user_id).where(JournalDraft.user_id.in_(user_ids))
    return set(db.session.scalars(entries.union(drafts)))


def delete_after_cohort(user_ids):
    """Delete these people's entries and drafts (their cohort ended long enough ago)."""
    db.session.execute(delete(JournalDraft).where(JournalDraft.user_id.in_(user_ids)))
    result = db.session.execute(delete(JournalEntry).where(JournalEntry.author_id.in_(user_ids)))
    return result.rowcount
