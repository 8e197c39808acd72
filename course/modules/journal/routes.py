"""My journal: the list, writing and editing an entry, reading one, and the trash.

An entry's own pages (read, edit, export, drafts) use login_required, not role_required: whoever
is not its author, whatever their role, gets 404 from the scoped getter, never 403.
"""

from datetime import date

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from course import audit
from course.extensions import db
from course.modules.journal import (  # noqa: F401 - each adds its pages to bp
    commands,
    routes_drafts,
    routes_export,
    routes_sharing,
)
from course.modules.journal.blueprint import bp
from course.modules.journal.drafts import discard_draft, editor_data, fields_from_form, keep_draft
from course.modules.journal.editor import (
    build_form,
    keep_only_known_links,
    render_editor,
    start_values,
    switched_form,
)
from course.modules.journal.forms import FeedbackForm, ReplyForm, ShareForm
from course.modules.journal.frameworks import FRAMEWORKS
from course.modules.journal.keeping import keeps_text
from course.modules.journal.services import (
    AUTHOR_ROLES,
    PAGE_SIZE,
    create_entry,
    drafts_of,
    get_entry_for_author_or_404,
    get_entry_for_reader_or_404,
    my_entries,
    my_tags,
    update_entry,
)
from course.modules.journal.sharing import can_reply, mark_feedback_seen, new_feedback_counts
from course.modules.journal.trash import (
    move_to_trash,
    purge_trash,
    restore_deadline,
    trash,
    trash_cutoff,
    trash_days,
)
from course.modules.presentations.anonymisation import warnings_for
from course.modules.programme.services import cohort_sessions
from course.modules.supervision.services import record_label
from course.permissions import current_cohort, role_required
from course.text import render_markdown

__all__ = ["bp"]
SAVED_KEY = "journal_saved_copy"  # the browser copy the next page may forget


@bp.route("/")
@role_required(*AUTHOR_ROLES)
def index():
    """My entries: search titles, text and tags; filter by framework, session and tag."""
    filters = dict(
        q=request.args.get("q", "").strip()[:200],
        framework=request.args.get("framework", ""),
        session=request.args.get("session", 0, type=int),
        tag=request.args.get("tag", "").strip().lower()[:40],
    )
    statement = my_entries(
        current_user,
        search=filters["q"],
        framework=filters["framework"],
        session_id=filters["session"],
        tag=filters["tag"],
    )
    page = db.paginate(statement, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
    cohort = current_cohort()
    return render_template(
        "journal/index.html",
        page=page,
        filters=filters,
        filtered=any(filters.values()),
        args={k: v for k, v in filters.items() if v},
        frameworks=FRAMEWORKS.values(),
        sessions=cohort_sessions(cohort.id) if cohort else [],
        tags=my_tags(current_user),
        drafts=drafts_of(current_user),
        new_feedback=new_feedback_counts(current_user, [e.id for e in page.items]),
    )


@bp.route("/new", methods=["GET", "POST"])
@keeps_text
@role_required(*AUTHOR_ROLES)
def new():
    """Write an entry; ?session=, ?reading=, ?presentation= and ?framework= start it linked."""
    if request.method == "GET":
        form = build_form(data=start_values(request.args))
        keep_only_known_links(form)
        return render_editor(form)
    if "switch_framework" in request.form:
        return render_editor(switched_form())
    form = build_form()
    fields = fields_from_form(request.form)
    if form.validate_on_submit() & form.check_body(fields.body):
        cohort = current_cohort()
        entry = create_entry(current_user, cohort.id if cohort else None, fields)
        discard_draft(current_user, form.draft_id.data)
        db.session.commit()
        session[SAVED_KEY] = "new"
        flash("Your entry is saved. Only you can read it.", "success")
        return redirect(url_for("journal.entry", entry_id=entry.id))
    return render_editor(form)


@bp.route("/<int:entry_id>")
@login_required
def entry(entry_id):
    """An entry: its author reads and manages it; a trainer reads it while it is shared."""
    entry = get_entry_for_reader_or_404(entry_id, current_user)
    is_author = entry.author_id == current_user.id
    new_ids = set()
    if is_author:
        new_ids = {c.id for c in entry.comments if c.author_id != entry.author_id and not c.read_at}
        if new_ids:
            mark_feedback_seen(entry)
            db.session.commit()
    else:
        audit.record("journal_entry_read", entry)
        db.session.commit()
    return render_template(
        "journal/entry.html",
        entry=entry,
        body=render_markdown(entry.body),
        is_author=is_author,
        new_ids=new_ids,
        share_form=ShareForm(until=_date_arg("until")) if is_author else None,
        share_findings=warnings_for(entry.title, entry.body)
        if is_author and request.args.get("check_share") and not entry.is_shared()
        else [],
        feedback_form=None if is_author else FeedbackForm(),
        reply_form=ReplyForm() if is_author and can_reply(entry) else None,
        drafts=drafts_of(current_user, entry.id) if is_author else [],
        has_cohort=current_cohort() is not None,
        forget_copy=session.pop(SAVED_KEY, None) if is_author else None,
        supervision_label=record_label(current_user, entry.supervision_record_id)
        if is_author and entry.supervision_record_id
        else None,
    )


def _date_arg(name):
    """A date from the query string (2026-03-01), or None."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@keeps_text
@login_required
def edit(entry_id):
    """Edit my entry; a save from a page older than the entry is kept as a draft beside it."""
    entry = get_entry_for_author_or_404(entry_id, current_user, details=True)
    if request.method == "GET":
        data = editor_data(entry)
        data["version"] = entry.version
        return render_editor(build_form(data=data, keep_presentation=entry.presentation_id), entry)
    if "switch_framework" in request.form:
        return render_editor(switched_form(), entry)
    form = build_form(keep_presentation=entry.presentation_id)
    fields = fields_from_form(request.form)
    if form.validate_on_submit() & form.check_body(fields.body):
        version = int(form.version.data) if (form.version.data or "").isdigit() else 0
        if update_entry(entry.id, current_user, version, fields):
            discard_draft(current_user, form.draft_id.data)
            db.session.commit()
            session[SAVED_KEY] = f"entry-{entry.id}"
            flash("Your changes are saved.", "success")
            return redirect(url_for("journal.entry", entry_id=entry.id))
        keep_draft(
            current_user,
            fields,
            draft_id=form.draft_id.data,
            entry=entry,
            base_version=version,
            reason="conflict",
        )
        db.session.commit()
        session[SAVED_KEY] = f"entry-{entry.id}"
        flash(
            "This entry was saved from another tab or window after you opened it, so your "
            "version has not replaced it. Your version is kept as a draft beside the entry, "
            "below: open it to compare the two and keep what you want.",
            "error",
        )
        return redirect(url_for("journal.entry", entry_id=entry.id, _anchor="drafts"))
    return render_editor(form, entry)


@bp.post("/<int:entry_id>/delete")
@login_required
def delete(entry_id):
    """Move my entry to the trash."""
    entry = get_entry_for_author_or_404(entry_id, current_user)
    move_to_trash(entry)
    db.session.commit()
    flash(
        f"“{entry.title}” is in the trash. You can restore it for {trash_days()} days.",
        "success",
    )
    return redirect(url_for("journal.index"))


@bp.route("/trash")
@role_required(*AUTHOR_ROLES)
def trash_page():
    """My deleted entries, restorable until their time runs out (then purged)."""
    purge_trash(author=current_user)
    db.session.commit()
    entries = trash(current_user)
    return render_template(
        "journal/trash.html",
        entries=[(entry, restore_deadline(entry)) for entry in entries],
        days=trash_days(),
    )


@bp.post("/trash/<int:entry_id>/restore")
@login_required
def restore(entry_id):
    """Take my entry out of the trash; it comes back private."""
    entry = get_entry_for_author_or_404(entry_id, current_user, in_trash=True)
    if entry.deleted_at <= trash_cutoff():
        flash("That entry has been in the trash too long to restore.", "error")
        return redirect(url_for("journal.trash_page"))
    entry.deleted_at = None
    db.session.commit()
    flash(f"“{entry.title}” is restored.", "success")
    return redirect(url_for("journal.entry", entry_id=entry.id))


@bp.post("/trash/<int:entry_id>/purge")
@login_required
def purge(entry_id):
    """Delete an entry in my trash for good, now."""
    entry = get_entry_for_author_or_404(entry_id, current_user, in_trash=True)
    db.session.delete(entry)
    db.session.commit()
    flash("The entry is deleted for good.", "success")
    return redirect(url_for("journal.trash_page"))
