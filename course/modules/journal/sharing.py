"""Sharing an entry with the cohort's trainers, and their feedback."""

from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from course.modules.accounts.services import cohort_trainers
from course.modules.journal.models import JournalComment, JournalEntry
from course.modules.journal.services import visible_to_trainer
from course.modules.notifications.services import notify
from course.timeutil import to_utc, utcnow


def share_with_trainers(entry, cohort_id, until=None):
    """Let the cohort's trainers read the entry, until the end of `until` (a date) if given.

    The trainers are told an entry was shared, never its title or text. The caller commits.
    """
    newly = not entry.is_shared()
    entry.cohort_id = cohort_id
    entry.shared_with_trainers = True
    entry.shared_at = utcnow() if newly else entry.shared_at
    entry.share_expires_at = (
        to_utc(datetime.combine(until + timedelta(days=1), time())) if until else None
    )
    if newly:
        for trainer in cohort_trainers(cohort_id):
            notify(
                trainer,
                "journal_shared",
                "A journal entry has been shared with you",
                body="A participant has shared a reflection with the trainers.",
                link="/journal/shared",
            )


def stop_sharing(entry):
    """The trainers can no longer read the entry; their feedback stays. The caller commits."""
    entry.shared_with_trainers = False
    entry.share_expires_at = None


def add_feedback(entry, trainer, text, link):
    """A trainer's feedback; the author is told it arrived, never what it says."""
    comment = JournalComment(entry_id=entry.id, author_id=trainer.id, body=text.strip())
    db.session.add(comment)
    notify(
        entry.author_id,
        "journal_feedback",
        "A trainer has left feedback on your journal entry",
        body="Sign in to read it on the entry's page.",
        link=link,
    )
    return comment


THREAD_MAX = 20  # a short exchange; anything longer belongs in a conversation


def can_reply(entry):
    """The author can answer while the entry is shared, once a trainer has written, and while
    the thread is short."""
    others = [c for c in entry.comments if c.author_id != entry.author_id]
    return entry.is_shared() and bool(others) and len(entry.comments) < THREAD_MAX


def add_reply(entry, text, link):
    """The author answers the trainers' feedback; the trainers are told, never what it says."""
    reply = JournalComment(
        entry_id=entry.id, author_id=entry.author_id, body=text.strip(), read_at=utcnow()
    )
    db.session.add(reply)
    for trainer in cohort_trainers(entry.cohort_id):
        notify(
            trainer,
            "journal_feedback_reply",
            "A participant has replied to feedback on a shared journal entry",
            body="Sign in to read the reply on the entry's page.",
            link=link,
        )
    return reply


def _new_feedback(author):
    """SQL conditions: trainers' comments on the author's entries that the author has not seen."""
    return (
        JournalEntry.author_id == author.id,
        JournalEntry.deleted_at.is_(None),
        JournalComment.author_id != author.id,
        JournalComment.read_at.is_(None),
    )


def new_feedback_total(author):
    """How many trainers' comments the author has not seen yet, as a scalar subquery."""
    return (
        select(func.count(JournalComment.id))
        .join(JournalEntry, JournalEntry.id == JournalComment.entry_id)
        .where(*_new_feedback(author))
        .scalar_subquery()
    )


def new_feedback_counts(author, entry_ids=None):
    """{entry id: trainers' comments the author has not seen yet}: one query."""
    query = (
        select(JournalComment.entry_id, func.count(JournalComment.id))
        .join(JournalEntry, JournalEntry.id == JournalComment.entry_id)
        .where(*_new_feedback(author))
        .group_by(JournalComment.entry_id)
    )
    if entry_ids is not None:
        query = query.where(JournalComment.entry_id.in_(entry_ids))
    return dict(db.session.execute(query).tuples().all())


def entries_with_new_feedback(author):
    """[(entry, new comments)] for the author's home page: two queries."""
    counts = new_feedback_counts(author)
    if not counts:
        return []
    entries = db.session.scalars(
        select(JournalEntry).where(JournalEntry.id.in_(counts)).order_by(JournalEntry.id.desc())
    )
    return [(entry, counts[entry.id]) for entry in entries]


def mark_feedback_seen(entry, now=None):
    """The author has opened the entry: its trainers' comments are no longer new. Caller commits."""
    db.session.execute(
        update(JournalComment)
        .where(
            JournalComment.entry_id == entry.id,
            JournalComment.author_id != entry.author_id,
            JournalComment.read_at.is_(None),
        )
        .values(read_at=now or utcnow())
    )


def readers_of_my_shares(author, cohort_id):
    """[(cohort, [trainer, ...]), ...]: exactly who can read what the author shares.

    The cohort they would share with now, and every cohort an entry of theirs is shared with;
    each with its active trainers, who are the only people who can read those entries.
    """
    shared_in = select(JournalEntry.cohort_id).where(
        JournalEntry.author_id == author.id, *_live_share()
    )
    cohort_ids = or_(Cohort.id == cohort_id, Cohort.id.in_(shared_in))
    cohorts = list(db.session.scalars(select(Cohort).where(cohort_ids).order_by(Cohort.name)))
    rows = db.session.execute(
        select(CohortMember.cohort_id, User)
        .join(User, User.id == CohortMember.user_id)
        .where(
            CohortMember.cohort_id.in_([c.id for c in cohorts]),
            User.role == Role.TRAINER,
            User.active.is_(True),
        )
        .order_by(User.name, User.id)
    )
    trainers = {}
    for member_cohort, trainer in rows.tuples():
        trainers.setdefault(member_cohort, []).append(trainer)
    return [(cohort, trainers.get(cohort.id, [])) for cohort in cohorts]


def my_shared_entries(author):
    """The author's entries the trainers can read now, most recently shared first."""
    return list(
        db.session.scalars(
            select(JournalEntry)
            .where(JournalEntry.author_id == author.id, *_live_share())
            .order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc())
        )
    )


def _live_share(now=None):
    """The condition for an entry shared now (not deleted, not past its date)."""
    now = now or utcnow()
    return (
        JournalEntry.deleted_at.is_(None),
        JournalEntry.shared_with_trainers.is_(True),
        or_(JournalEntry.share_expires_at.is_(None), JournalEntry.share_expires_at > now),
    )


def shared_with(trainer, cohort_id=None):
    """Entries the trainer may read (of one cohort, if given), most recently shared first."""
    in_cohort = [JournalEntry.cohort_id == cohort_id] if cohort_id is not None else []
    return (
        select(JournalEntry)
        .where(*visible_to_trainer(trainer), *in_cohort)
        .options(joinedload(JournalEntry.author), joinedload(JournalEntry.course_session))
        .order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc())
    )


def latest_shared(trainer, cohort_id, limit):
    """The trainer's home page's glance: the latest entries shared in the cohort, as rows of
    (id, title, shared_at, author_name) alone (one query; no text decrypted but the titles)."""
    return db.session.execute(
        select(
            JournalEntry.id,
            JournalEntry.title,
            JournalEntry.shared_at,
            User.name.label("author_name"),
        )
        .join(User, User.id == JournalEntry.author_id)
        .where(*visible_to_trainer(trainer), JournalEntry.cohort_id == cohort_id)
        .order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc())
        .limit(limit)
    ).all()


def feedback_counts(entry_ids):
    """{entry id: number of feedback comments} for these entries."""
    if not entry_ids:
        return {}
    rows = db.session.execute(
        select(JournalComment.entry_id, func.count(JournalComment.id))
        .where(JournalComment.entry_id.in_(entry_ids))
        .group_by(JournalComment.entry_id)
    )
    return dict(rows.tuples().all())
