"""Drafts: the editor's autosave, and opening or discarding a kept draft."""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from course.extensions import db
from course.modules.journal.blueprint import bp
from course.modules.journal.drafts import (
    DraftTooLong,
    editor_data,
    fields_from_form,
    keep_draft,
    own_entry,
)
from course.modules.journal.editor import build_form, clock, render_editor
from course.modules.journal.keeping import keeps_text, wants_json
from course.modules.journal.models import JournalDraft
from course.modules.journal.services import AUTHOR_ROLES, get_entry_for_author_or_404
from course.permissions import role_required
from course.text import render_markdown


def get_draft_or_404(draft_id):
    """The current user's own draft; 404 for anyone else's."""
    draft = db.session.scalar(
        select(JournalDraft).where(
            JournalDraft.id == draft_id, JournalDraft.user_id == current_user.id
        )
    )
    if draft is None:
        abort(404)
    return draft


def _saved(draft, **extra):
    """What the editor's script shows: the time saved, and where the draft can be reopened."""
    return jsonify(
        saved=True,
        saved_at=clock(draft.saved_at),
        draft_id=draft.id,
        draft_url=url_for("journal.draft", draft_id=draft.id),
        **extra,
    )


@bp.errorhandler(DraftTooLong)
def draft_too_long(error):
    """Text over an entry's limit is not stored: say so, and the editor keeps its copy."""
    db.session.rollback()
    if wants_json():
        return jsonify(saved=False, kept=False, too_long=True, message=str(error)), 413
    flash(str(error), "error")
    return redirect(url_for("journal.index"))


@bp.post("/new/draft")
@keeps_text
@role_required(*AUTHOR_ROLES)
def autosave_new():
    """Autosave a new entry's text as my draft."""
    draft = keep_draft(
        current_user,
        fields_from_form(request.form),
        draft_id=request.form.get("draft_id"),
        reason="autosave",
    )
    db.session.commit()
    return _saved(draft)


@bp.post("/<int:entry_id>/draft")
@keeps_text
@login_required
def autosave_entry(entry_id):
    """Autosave my edit of an entry as a draft; say if the entry was saved elsewhere since."""
    entry = get_entry_for_author_or_404(entry_id, current_user)
    version = request.form.get("version", "")
    base_version = int(version) if version.isdigit() else None
    draft = keep_draft(
        current_user,
        fields_from_form(request.form),
        draft_id=request.form.get("draft_id"),
        entry=entry,
        base_version=base_version,
        reason="autosave",
    )
    db.session.commit()
    return _saved(draft, changed_elsewhere=base_version != entry.version)


@bp.route("/drafts/<int:draft_id>")
@login_required
def draft(draft_id):
    """Open my kept draft in the editor, beside the saved entry when that has moved on."""
    draft = get_draft_or_404(draft_id)
    entry = own_entry(current_user, draft.entry_id) if draft.entry_id else None
    data = editor_data(draft)
    data["draft_id"] = draft.id
    saved_body = None
    if entry is not None:
        # Saving from here replaces the entry knowingly: the saved text is shown for comparison.
        data["version"] = entry.version
        if draft.base_version != entry.version:
            saved_body = render_markdown(entry.body)
    form = build_form(data=data, keep_presentation=draft.presentation_id)
    return render_editor(form, entry=entry, draft=draft, saved_body=saved_body)


@bp.post("/drafts/<int:draft_id>/discard")
@login_required
def discard(draft_id):
    """Throw away my draft."""
    draft = get_draft_or_404(draft_id)
    entry_id = draft.entry_id
    db.session.delete(draft)
    db.session.commit()
    flash("The draft is discarded.", "success")
    if entry_id and own_entry(current_user, entry_id):
        return redirect(url_for("journal.entry", entry_id=entry_id))
    return redirect(url_for("journal.index"))
