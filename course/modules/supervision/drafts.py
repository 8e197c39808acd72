"""Drafts of records, so nothing typed is lost: the journal's approach (journal/drafts.py).

The editor's script (static/js/journal.js, shared with the journal) posts the whole form every
few seconds; the fields are kept as posted, as JSON, and give the form back when reopened. A
save that arrives after the sign-in ended, or from a page older than the record, is kept too.
"""

import json

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from course.extensions import db
from course.modules.supervision.models import Supervisee, SupervisionDraft, SupervisionRecord
from course.timeutil import utcnow

NOT_KEPT = {"csrf_token", "save", "save_anyway", "add_action", "add_decision"}
MAX_DRAFT_CHARACTERS = 200_000


def posted_fields(formdata):
    """The form's fields worth keeping, as {name: [values]}."""
    return {
        name: [value[:20_000] for value in formdata.getlist(name)]
        for name in formdata
        if name not in NOT_KEPT
    }


def has_text(fields):
    """Whether anything was typed in a free-text box or a date (not just the defaults)."""
    return any(
        value.strip()
        for name, values in fields.items()
        if name.startswith(("note_", "decisions-", "actions-", "reviews-")) or name == "held_on"
        for value in values
        if not name.endswith(("-id", "-action_id"))
    )


def draft_formdata(draft):
    """The kept fields as form data for the editor."""
    try:
        fields = json.loads(draft.fields or "{}")
    except ValueError:
        fields = {}
    return MultiDict([(name, value) for name, values in fields.items() for value in values])


def own_draft(user, draft_id):
    """The user's draft with this id, or None."""
    try:
        draft_id = int(draft_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(
        select(SupervisionDraft).where(
            SupervisionDraft.id == draft_id, SupervisionDraft.user_id == user.id
        )
    )


def keep_draft(user, formdata, *, supervisee=None, record=None, base_version=None, reason):
    """Store the posted form as the user's draft (updating their draft named in the form).

    The caller has checked that the supervisee or record is the user's own; the caller commits.
    """
    fields = posted_fields(formdata)
    text = json.dumps(fields)
    if len(text) > MAX_DRAFT_CHARACTERS:
        return None
    draft = own_draft(user, formdata.get("draft_id"))
    record_id = record.id if record is not None else None
    supervisee_id = record.supervisee_id if record is not None else supervisee.id
    if draft is None or draft.record_id != record_id:
        draft = SupervisionDraft(user_id=user.id, record_id=record_id)
        db.session.add(draft)
    draft.supervisee_id = supervisee_id
    draft.reason, draft.fields, draft.base_version = reason, text, base_version
    draft.saved_at = utcnow()
    db.session.flush()
    return draft


def discard_draft(user, draft_id):
    """Delete the user's draft, if it is theirs. The caller commits."""
    draft = own_draft(user, draft_id)
    if draft is not None:
        db.session.delete(draft)


def owned_supervisee(user, supervisee_id):
    """The user's supervisee, or None (for keeping text without a 404)."""
    return db.session.scalar(
        select(Supervisee).where(Supervisee.id == supervisee_id, Supervisee.manager_id == user.id)
    )


def owned_record(user, record_id):
    """The user's record, or None."""
    return db.session.scalar(
        select(SupervisionRecord).where(
            SupervisionRecord.id == record_id, SupervisionRecord.manager_id == user.id
        )
    )
