"""Journal rules: who may read an entry, saving without overwriting, and finding entries."""

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import joinedload, load_only, selectinload

from course.extensions import db
from course.modules.accounts.models import CohortMember, Role
from course.modules.journal.frameworks import FRAMEWORKS
from course.modules.journal.models import JournalComment, JournalDraft, JournalEntry, JournalTag
from course.permissions import remember_cohort_id
from course.timeutil import utcnow

AUTHOR_ROLES = (Role.PARTICIPANT, Role.SENIOR_MANAGER)
MAX_TAGS = 10
MAX_TAG_LENGTH = 40
PAGE_SIZE = 20


@dataclass
class EntryFields:
    """What the editor sends: everything an entry or a draft holds."""

    title: str = ""
    body: str = ""
    framework: str = "free"
    session_id: int | None = None
    reading_id: int | None = None
    presentation_id: int | None = None
    supervision_record_id: int | None = None
    tags: list[str] = field(default_factory=list)

    def columns(self):
        """The values for an entry's or a draft's columns (tags apart)."""
        return dict(
            title=self.title,
            body=self.body,
            framework=self.framework,
            session_id=self.session_id,
            reading_id=self.reading_id,
            presentation_id=self.presentation_id,
            supervision_record_id=self.supervision_record_id,
        )


def normalise_tags(text):
    """'Supervision, containment ,supervision' -> ['supervision', 'containment']."""
    names = []
    for raw in (text or "").split(","):
        name = " ".join(raw.split()).lower()
        if name and name not in names:
            names.append(name)
    return names


def _with_details(statement):
    """Load what an entry's page shows, in a fixed number of queries."""
    return statement.options(
        joinedload(JournalEntry.author),
        joinedload(JournalEntry.course_session),
        joinedload(JournalEntry.reading),
        joinedload(JournalEntry.presentation),
        selectinload(JournalEntry.tags),
        selectinload(JournalEntry.comments).joinedload(JournalComment.author),
    )


def visible_to_trainer(trainer, now=None):
    """The condition for entries the trainer may read: shared with one of their cohorts, now."""
    now = now or utcnow()
    return (
        JournalEntry.deleted_at.is_(None),
        JournalEntry.shared_with_trainers.is_(True),
        or_(JournalEntry.share_expires_at.is_(None), JournalEntry.share_expires_at > now),
        JournalEntry.cohort_id.in_(
            select(CohortMember.cohort_id).where(CohortMember.user_id == trainer.id)
        ),
    )


def get_entry_for_author_or_404(entry_id, author, *, in_trash=False, details=False):
    """The author's own entry (in the trash or not); 404 for anyone else's."""
    statement = select(JournalEntry).where(
        JournalEntry.id == entry_id,
        JournalEntry.author_id == author.id,
        JournalEntry.deleted_at.is_not(None) if in_trash else JournalEntry.deleted_at.is_(None),
    )
    entry = db.session.scalar(_with_details(statement) if details else statement)
    if entry is None:
        abort(404)
    return entry


def get_entry_for_reader_or_404(entry_id, user):
    """The entry for its author, or for a trainer of its cohort while it is shared; else 404."""
    statement = _with_details(select(JournalEntry).where(JournalEntry.id == entry_id))
    if user.role == Role.TRAINER:
        statement = statement.where(*visible_to_trainer(user))
    else:
        statement = statement.where(
            JournalEntry.author_id == user.id, JournalEntry.deleted_at.is_(None)
        )
    entry = db.session.scalar(statement)
    if entry is None:
        abort(404)
    if user.role == Role.TRAINER and entry.cohort_id:
        remember_cohort_id(entry.cohort_id)  # the page is of the entry's cohort
    return entry


def create_entry(author, cohort_id, fields):
    """A new private entry; the caller commits."""
    entry = JournalEntry(author_id=author.id, cohort_id=cohort_id, **fields.columns())
    db.session.add(entry)
    db.session.flush()
    _replace_tags(entry.id, fields.tags)
    return entry


def update_entry(entry_id, author, version, fields):
    """Apply an edit made from `version`; False (and nothing changed) if it is not current.

    One conditional UPDATE, so two saves racing from the same version cannot both win.
    """
    result = db.session.execute(
        update(JournalEntry)
        .where(
            JournalEntry.id == entry_id,
            JournalEntry.author_id == author.id,
            JournalEntry.deleted_at.is_(None),
            JournalEntry.version == version,
        )
        .values(**fields.columns(), updated_at=utcnow(), version=JournalEntry.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    _replace_tags(entry_id, fields.tags)
    return True


def _replace_tags(entry_id, names):
    """Make the entry's tags exactly these."""
    db.session.execute(delete(JournalTag).where(JournalTag.entry_id == entry_id))
    db.session.add_all(JournalTag(entry_id=entry_id, name=name) for name in names)


def _like(text):
    """A LIKE pattern matching the text anywhere, with the wildcards in it escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def my_entries(author, *, search="", framework="", session_id=None, tag=""):
    """The author's entries (not in the trash) matching the filters, newest first."""
    statement = select(JournalEntry).where(
        JournalEntry.author_id == author.id, JournalEntry.deleted_at.is_(None)
    )
    if framework in FRAMEWORKS:
        statement = statement.where(JournalEntry.framework == framework)
    if session_id:
        statement = statement.where(JournalEntry.session_id == session_id)
    if tag:
        statement = statement.where(
            exists().where(JournalTag.entry_id == JournalEntry.id, JournalTag.name == tag.lower())
        )
    if search:
        statement = statement.where(JournalEntry.id.in_(_matching_ids(statement, search)))
    return statement.options(
        joinedload(JournalEntry.course_session), selectinload(JournalEntry.tags)
    ).order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())


def _matching_ids(statement, search):
    """Ids of the entries whose title, text or a tag holds the words searched for.

    Titles and text are encrypted (course/crypto.py), so SQL cannot search them: one query
    reads the author's filtered entries and Python searches the decrypted text. Tags are
    stored in clear and are matched in the same query.
    """
    needle = search.strip().casefold()
    tag_match = exists().where(
        JournalTag.entry_id == JournalEntry.id,
        JournalTag.name.like(_like(needle), escape="\\"),
    )
    rows = db.session.execute(
        statement.with_only_columns(
            JournalEntry.id, JournalEntry.title, JournalEntry.body, tag_match
        )
    )
    return [
        entry_id
        for entry_id, title, body, tagged in rows
        if tagged or needle in title.casefold() or needle in body.casefold()
    ]


def my_tags(author):
    """The tags the author has used on entries not in the trash."""
    return list(
        db.session.scalars(
            select(JournalTag.name)
            .join(JournalEntry, JournalEntry.id == JournalTag.entry_id)
            .where(JournalEntry.author_id == author.id, JournalEntry.deleted_at.is_(None))
            .distinct()
            .order_by(JournalTag.name)
        )
    )


def recent_entries(author, limit=3):
    """The author's latest entries, for the home page: their titles and dates alone (one query,
    no text to decrypt, no tags or session to load)."""
    return list(
        db.session.scalars(
            select(JournalEntry)
            .where(JournalEntry.author_id == author.id, JournalEntry.deleted_at.is_(None))
            .options(load_only(JournalEntry.id, JournalEntry.title, JournalEntry.created_at))
            .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
            .limit(limit)
        )
    )


def entries_for_session(author, session_id):
    """The author's entries linked to one session."""
    return list(
        db.session.scalars(
            select(JournalEntry)
            .where(
                JournalEntry.author_id == author.id,
                JournalEntry.deleted_at.is_(None),
                JournalEntry.session_id == session_id,
            )
            .order_by(JournalEntry.created_at.desc())
        )
    )


def entries_for_supervision_record(author, record_id):
    """The author's entries reflecting on one of their supervision records."""
    return list(
        db.session.scalars(
            select(JournalEntry)
            .where(
                JournalEntry.author_id == author.id,
                JournalEntry.deleted_at.is_(None),
                JournalEntry.supervision_record_id == record_id,
            )
            .order_by(JournalEntry.created_at.desc())
        )
    )


def draft_count(user):
    """How many drafts the user keeps, as a scalar subquery."""
    return (
        select(func.count(JournalDraft.id)).where(JournalDraft.user_id == user.id).scalar_subquery()
    )


def drafts_of(user, entry_id=None):
    """The user's kept drafts (of one entry, or all), newest first."""
    statement = select(JournalDraft).where(JournalDraft.user_id == user.id)
    if entry_id is not None:
        statement = statement.where(JournalDraft.entry_id == entry_id)
    return list(db.session.scalars(statement.order_by(JournalDraft.saved_at.desc())))
