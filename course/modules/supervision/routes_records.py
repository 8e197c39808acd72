"""Records: write one (with the clarity checks), read, edit, print, download or delete it."""

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from course.extensions import db
from course.modules.supervision.blueprint import bp
from course.modules.supervision.clarity import clarity_prompts
from course.modules.supervision.drafts import discard_draft, keep_draft
from course.modules.supervision.editor import build_form, record_data, render_editor
from course.modules.supervision.exporting import record_text
from course.modules.supervision.keeping import keeps_record_text
from course.modules.supervision.links import journal_entries_for, team_sessions
from course.modules.supervision.models import SupervisionReview
from course.modules.supervision.services import (
    actions_to_review,
    create_record,
    get_record_or_404,
    get_supervisee_or_404,
    manager_only,
    refresh_action_statuses,
    update_record,
)
from course.timeutil import london_today

SAVED_KEY = "supervision_saved_copy"  # the browser copy the next page may forget


def _wants_rows():
    """(another action row, another decision row) when the editor asked for them."""
    return "add_action" in request.form, "add_decision" in request.form


@bp.route("/supervisees/<int:supervisee_id>/records/new", methods=["GET", "POST"])
@keeps_record_text
@manager_only
def new_record(supervisee_id):
    """Record a supervision with this supervisee."""
    supervisee = get_supervisee_or_404(supervisee_id, current_user)
    review_actions = actions_to_review(current_user, supervisee.id)
    if request.method == "GET":
        start = MultiDict([("held_on", london_today().isoformat())])
        return render_editor(build_form(start, review_actions), supervisee, review_actions)
    add_action, add_decision = _wants_rows()
    form = build_form(None, review_actions, blank_action=add_action, blank_decision=add_decision)
    if add_action or add_decision:
        return render_editor(form, supervisee, review_actions)
    return _save(form, supervisee, review_actions)


@bp.route("/records/<int:record_id>/edit", methods=["GET", "POST"])
@keeps_record_text
@manager_only
def edit(record_id):
    """Change a record; a save from a page older than the record is kept as a draft."""
    record = get_record_or_404(record_id, current_user, details=True)
    review_actions = actions_to_review(current_user, record.supervisee_id, record)
    if request.method == "GET":
        form = build_form(record_data(record), review_actions)
        return render_editor(form, record.supervisee, review_actions, record=record)
    add_action, add_decision = _wants_rows()
    form = build_form(None, review_actions, blank_action=add_action, blank_decision=add_decision)
    if add_action or add_decision:
        return render_editor(form, record.supervisee, review_actions, record=record)
    return _save(form, record.supervisee, review_actions, record)


def _save(form, supervisee, review_actions, record=None):
    """Check, prompt (once, unless saved anyway), then store and go to the record."""
    if not form.validate_on_submit():
        return render_editor(form, supervisee, review_actions, record=record)
    data = form.record_input()
    overdue = [a for a in review_actions if a.due_on is not None and a.due_on < data.held_on]
    prompts = clarity_prompts(data, overdue)
    if prompts and not request.form.get("save_anyway"):
        return render_editor(form, supervisee, review_actions, record=record, prompts=prompts)
    counted = dict(prompts=len(prompts), saved_anyway=bool(prompts))
    if record is None:
        record = create_record(current_user, supervisee, data, **counted)
        storage_key = f"supervision-new-{supervisee.id}"
    else:
        version = int(form.version.data) if (form.version.data or "").isdigit() else 0
        storage_key = f"supervision-record-{record.id}"
        if not update_record(current_user, record, version, data, **counted):
            keep_draft(
                current_user,
                request.form,
                record=record,
                base_version=version,
                reason="conflict",
            )
            db.session.commit()
            flash(
                "This record was saved from another tab or window after you opened it, so "
                "your version has not replaced it. Your version is kept as a draft: open it "
                "from your log to compare and keep what you want.",
                "error",
            )
            return redirect(url_for("supervision.record", record_id=record.id))
    discard_draft(current_user, form.draft_id.data)
    db.session.commit()
    session[SAVED_KEY] = storage_key
    flash("The record is saved. Only you can see it.", "success")
    return redirect(url_for("supervision.record", record_id=record.id))


@bp.route("/records/<int:record_id>")
@manager_only
def record(record_id):
    """One record, with what to do next with it."""
    record = get_record_or_404(record_id, current_user, details=True)
    return render_template(
        "supervision/record.html",
        record=record,
        today=london_today(),
        sessions=team_sessions(),
        reflections=journal_entries_for(current_user, record.id),
        forget_copy=session.pop(SAVED_KEY, None),
    )


@bp.route("/records/<int:record_id>/print")
@manager_only
def print_record(record_id):
    """The record on one page, to print for the supervisee or copy into the case system."""
    record = get_record_or_404(record_id, current_user, details=True)
    return render_template("supervision/print.html", record=record)


@bp.route("/records/<int:record_id>/record.txt")
@manager_only
def record_txt(record_id):
    """The record as plain text, to paste into the case system."""
    record = get_record_or_404(record_id, current_user, details=True)
    name = f"supervision-{record.held_on.isoformat()}.txt"
    return Response(
        record_text(record),
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/records/<int:record_id>/delete")
@manager_only
def delete_record(record_id):
    """Delete a record; actions it reviewed go back to where the earlier reviews left them."""
    record = get_record_or_404(record_id, current_user)
    supervisee_id = record.supervisee_id
    reviewed = set(
        db.session.scalars(
            select(SupervisionReview.action_id).where(SupervisionReview.record_id == record.id)
        )
    )
    db.session.delete(record)
    db.session.flush()
    refresh_action_statuses(reviewed)
    db.session.commit()
    flash("The record is deleted.", "success")
    return redirect(url_for("supervision.supervisee", supervisee_id=supervisee_id))
