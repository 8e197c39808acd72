"""Drafts: text kept on its way to an entry, so that nothing a writer types is lost.

Three kinds: an autosave (the editor posts the text every few seconds), a conflict (a save made
from a page older than the entry, kept beside it instead of overwriting it) and signed_out (a
save or autosave that arrived after the sign-in ended, kept for the person whose sign-in it was).
"""

from flask import session
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import SessionEnd, UserSession, hash_token
from course.modules.accounts.services import SESSION_KEY
from course.modules.journal.forms import MAX_BODY_LENGTH
from course.modules.journal.frameworks import FRAMEWORKS, compose_body, get_framework, split_body
from course.modules.journal.models import JournalDraft, JournalEntry
from course.modules.journal.services import AUTHOR_ROLES, EntryFields, normalise_tags
from course.modules.presentations.models import Presentation
from course.modules.programme.models import CourseSession
from course.modules.readings.models import Reading
from course.modules.supervision.services import owns_record
from course.permissions import cohort_ids_for
from course.timeutil import utcnow

TITLE_LENGTH = 200
TAGS_LENGTH = 500
# A draft is on its way to an entry, so it may be as long as one and no longer.
MAX_DRAFT_LENGTH = MAX_BODY_LENGTH
DRAFT_TOO_LONG_MESSAGE = (
    f"Not saved: the entry is over {MAX_DRAFT_LENGTH:,} characters. Shorten it or split it "
    "into two entries; a copy is kept in this browser."
)


class DraftTooLong(ValueError):
    """Text longer than any entry may be, refused as a draft."""


def _int_or_none(value):
    """A positive id from a form value, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def fields_from_form(formdata):
    """The editor's boxes as EntryFields; the prompts shown are composed into the body.

    The sections on the page belong to `shown_framework` (the framework the page was drawn
    with); `framework` is the one chosen, which may differ if it was changed without redrawing.
    """
    chosen = formdata.get("framework")
    shown = get_framework(formdata.get("shown_framework") or chosen)
    answers = {prompt.key: formdata.get(shown.field_name(prompt), "") for prompt in shown.prompts}
    return EntryFields(
        title=" ".join((formdata.get("title") or "").split())[:TITLE_LENGTH],
        body=compose_body(shown, answers, formdata.get("notes", "")),
        framework=chosen if chosen in FRAMEWORKS else shown.key,
        session_id=_int_or_none(formdata.get("session_id")),
        reading_id=_int_or_none(formdata.get("reading_id")),
        presentation_id=_int_or_none(formdata.get("presentation_id")),
        supervision_record_id=_int_or_none(formdata.get("supervision_record_id")),
        tags=normalise_tags(formdata.get("tags")),
    )


def editor_data(source, framework_key=None):
    """Form data that fills the editor from an entry or a draft (optionally another framework)."""
    framework = get_framework(framework_key or source.framework)
    answers, notes = split_body(framework, source.body)
    tags = source.tag_names if hasattr(source, "tag_names") else source.tags
    tags = tags if isinstance(tags, str) else ", ".join(tags)
    data = dict(
        title=source.title,
        framework=framework.key,
        shown_framework=framework.key,
        session_id=source.session_id or 0,
        reading_id=source.reading_id or 0,
        presentation_id=source.presentation_id or 0,
        supervision_record_id=source.supervision_record_id or "",
        tags=tags,
        notes=notes,
    )
    data.update({framework.field_name(p): answers.get(p.key, "") for p in framework.prompts})
    return data


def allowed_links(user, fields):
    """Drop links the user may not make: sessions and presentations outside their cohorts."""
    cohorts = cohort_ids_for(user)
    if fields.session_id and not db.session.scalar(
        select(CourseSession.id).where(
            CourseSession.id == fields.session_id, CourseSession.cohort_id.in_(cohorts)
        )
    ):
        fields.session_id = None
    if fields.reading_id and db.session.get(Reading, fields.reading_id) is None:
        fields.reading_id = None
    if fields.presentation_id and not db.session.scalar(
        select(Presentation.id)
        .join(CourseSession, CourseSession.id == Presentation.session_id)
        .where(Presentation.id == fields.presentation_id, CourseSession.cohort_id.in_(cohorts))
    ):
        fields.presentation_id = None
    if fields.supervision_record_id and not owns_record(user, fields.supervision_record_id):
        fields.supervision_record_id = None
    return fields


def own_draft(user, draft_id):
    """The user's draft with this id, or None."""
    draft_id = _int_or_none(draft_id)
    if draft_id is None:
        return None
    return db.session.scalar(
        select(JournalDraft).where(JournalDraft.id == draft_id, JournalDraft.user_id == user.id)
    )


def keep_draft(user, fields, *, draft_id=None, entry=None, base_version=None, reason):
    """Store the text as the user's draft (updating their draft `draft_id` if it is theirs).

    The caller commits. A kept draft that is reopened and autosaved becomes an autosave again.
    Text longer than an entry may be raises DraftTooLong.
    """
    if len(fields.body) > MAX_DRAFT_LENGTH:
        raise DraftTooLong(DRAFT_TOO_LONG_MESSAGE)
    draft = own_draft(user, draft_id)
    if draft is None or draft.entry_id != (entry.id if entry else None):
        draft = JournalDraft(user_id=user.id, entry_id=entry.id if entry else None)
        db.session.add(draft)
    draft.reason = reason
    for name, value in allowed_links(user, fields).columns().items():
        setattr(draft, name, value)
    draft.tags = ", ".join(fields.tags)[:TAGS_LENGTH]
    draft.base_version = base_version
    draft.saved_at = utcnow()
    db.session.flush()
    return draft


def discard_draft(user, draft_id):
    """Delete the user's draft, if it is theirs. The caller commits."""
    draft = own_draft(user, draft_id)
    if draft is not None:
        db.session.delete(draft)


def writer_of_ended_session():
    """The author whose sign-in the cookie names, when that sign-in has expired; else None.

    Used only to keep text that arrives after a sign-in expired: it is stored for that
    person and shown to nobody until they sign in again. A sign-in ended on purpose (signing
    out, a password change, deactivation) keeps nothing.
    """
    token = session.get(SESSION_KEY)
    if not token:
        return None
    record = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == hash_token(token),
            UserSession.end_reason == SessionEnd.EXPIRED,
        )
    )
    if record is None or not record.user.active or record.user.role not in AUTHOR_ROLES:
        return None
    return record.user


def own_entry(user, entry_id):
    """The user's entry (not in the trash), or None; for keeping text without a 404."""
    return db.session.scalar(
        select(JournalEntry).where(
            JournalEntry.id == entry_id,
            JournalEntry.author_id == user.id,
            JournalEntry.deleted_at.is_(None),
        )
    )
