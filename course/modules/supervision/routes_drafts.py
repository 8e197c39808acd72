"""Drafts: the editor's autosave, and opening or discarding a kept draft."""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_login import current_user

from course.extensions import db
from course.modules.supervision.blueprint import bp
from course.modules.supervision.drafts import draft_formdata, keep_draft, own_draft, owned_record
from course.modules.supervision.editor import build_form, render_editor
from course.modules.supervision.keeping import keeps_record_text
from course.modules.supervision.services import (
    actions_to_review,
    get_record_or_404,
    get_supervisee_or_404,
    manager_only,
)
from course.timeutil import to_local


def get_draft_or_404(draft_id):
    """The current user's own draft; 404 for anyone else's."""
    draft = own_draft(current_user, draft_id)
    if draft is None:
        abort(404)
    return draft


def _saved(draft, **extra):
    """What the editor's script shows: the time saved, and where the draft can be reopened."""
    if draft is None:
        return jsonify(saved=False, kept=False, message="the record is too long to keep"), 413
    return jsonify(
        saved=True,
        saved_at=to_local(draft.saved_at).strftime("%H:%M"),
        draft_id=draft.id,
        draft_url=url_for("supervision.draft", draft_id=draft.id),
        **extra,
    )


@bp.post("/supervisees/<int:supervisee_id>/records/new/draft")
@keeps_record_text
@manager_only
def autosave_new(supervisee_id):
    """Autosave a new record as my draft."""
    supervisee = get_supervisee_or_404(supervisee_id, current_user)
    draft = keep_draft(current_user, request.form, supervisee=supervisee, reason="autosave")
    db.session.commit()
    return _saved(draft)


@bp.post("/records/<int:record_id>/draft")
@keeps_record_text
@manager_only
def autosave_record(record_id):
    """Autosave my edit of a record; say if the record was saved elsewhere since."""
    record = get_record_or_404(record_id, current_user)
    version = request.form.get("version", "")
    base_version = int(version) if version.isdigit() else None
    draft = keep_draft(
        current_user, request.form, record=record, base_version=base_version, reason="autosave"
    )
    db.session.commit()
    return _saved(draft, changed_elsewhere=base_version != record.version)


@bp.route("/drafts/<int:draft_id>")
@manager_only
def draft(draft_id):
    """Open my kept draft in the editor."""
    draft = get_draft_or_404(draft_id)
    record = owned_record(current_user, draft.record_id) if draft.record_id else None
    supervisee = get_supervisee_or_404(
        record.supervisee_id if record else draft.supervisee_id, current_user
    )
    review_actions = actions_to_review(current_user, supervisee.id, record)
    data = draft_formdata(draft)
    data["draft_id"] = str(draft.id)
    if record is not None:
        # Saving from here replaces the record knowingly.
        data["version"] = str(record.version)
    form = build_form(data, review_actions)
    return render_editor(form, supervisee, review_actions, record=record, draft=draft)


@bp.post("/drafts/<int:draft_id>/discard")
@manager_only
def discard(draft_id):
    """Throw away my draft."""
    draft = get_draft_or_404(draft_id)
    db.session.delete(draft)
    db.session.commit()
    flash("The draft is discarded.", "success")
    return redirect(url_for("supervision.index"))
