"""Sharing an entry with the cohort's trainers, and the trainers' side: reading and feedback."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from course import audit
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.blueprint import bp
from course.modules.journal.forms import FeedbackForm, ReplyForm, ShareForm
from course.modules.journal.services import (
    AUTHOR_ROLES,
    get_entry_for_author_or_404,
    get_entry_for_reader_or_404,
)
from course.modules.journal.sharing import (
    add_feedback,
    add_reply,
    can_reply,
    feedback_counts,
    my_shared_entries,
    readers_of_my_shares,
    share_with_trainers,
    shared_with,
    stop_sharing,
)
from course.modules.presentations.anonymisation import warnings_for
from course.permissions import current_cohort, role_required
from course.text import render_markdown
from course.timeutil import format_date

SHARED_PAGE_SIZE = 25


@bp.post("/<int:entry_id>/share")
@login_required
def share(entry_id):
    """Share my entry with my cohort's trainers, optionally until a date."""
    entry = get_entry_for_author_or_404(entry_id, current_user)
    cohort = current_cohort()
    form = ShareForm()
    if cohort is None:
        flash("You are not in a cohort yet, so there are no trainers to share with.", "error")
    elif not form.validate_on_submit():
        flash(" ".join(form.until.errors) or "The form had expired: try again.", "error")
    elif (findings := warnings_for(entry.title, entry.body)) and not form.override.data:
        # A warning, not a refusal: the entry page lists what was found and asks for a reason.
        until = form.until.data.isoformat() if form.until.data else None
        return redirect(
            url_for(
                "journal.entry", entry_id=entry.id, check_share=1, until=until, _anchor="sharing"
            )
        )
    else:
        if findings:
            audit.record(
                "anonymisation_warning_overridden",
                entry,
                where="journal_share",
                reason=form.override.data,
                rules=",".join(sorted({f.rule for f in findings})),
            )
        share_with_trainers(entry, cohort.id, form.until.data)
        db.session.commit()
        until = f" until the end of {format_date(form.until.data)}" if form.until.data else ""
        flash(f"The trainers can now read this entry{until}. You can stop sharing it at any time.")
    return redirect(url_for("journal.entry", entry_id=entry.id))


@bp.post("/<int:entry_id>/unshare")
@login_required
def unshare(entry_id):
    """Stop sharing my entry; the trainers can no longer open it."""
    entry = get_entry_for_author_or_404(entry_id, current_user)
    stop_sharing(entry)
    db.session.commit()
    flash("This entry is private again: only you can read it.", "success")
    return redirect(url_for("journal.entry", entry_id=entry.id))


@bp.route("/sharing")
@role_required(*AUTHOR_ROLES)
def sharing():
    """Who can read what I share: each cohort's trainers by name, and what is shared now."""
    cohort = current_cohort()
    return render_template(
        "journal/sharing.html",
        readers=readers_of_my_shares(current_user, cohort.id if cohort else None),
        entries=my_shared_entries(current_user),
    )


@bp.post("/<int:entry_id>/reply")
@login_required
def reply(entry_id):
    """The author answers the trainers' feedback; anyone else gets 404."""
    entry = get_entry_for_author_or_404(entry_id, current_user, details=True)
    form = ReplyForm()
    if not can_reply(entry):
        flash("You can reply while the entry is shared and a trainer has written.", "error")
    elif form.validate_on_submit():
        add_reply(entry, form.body.data, url_for("journal.entry", entry_id=entry.id))
        db.session.commit()
        flash("Your reply is saved; the trainers have been told it is there.", "success")
    else:
        flash(" ".join(form.body.errors) or "The form had expired: try again.", "error")
    return redirect(url_for("journal.entry", entry_id=entry.id))


@bp.route("/shared")
@role_required(Role.TRAINER)
def shared():
    """Trainers: the entries shared with them, most recent first."""
    cohort = current_cohort()
    page = db.paginate(
        shared_with(current_user, cohort.id if cohort else None),
        per_page=SHARED_PAGE_SIZE,
        max_per_page=SHARED_PAGE_SIZE,
        error_out=False,
    )
    counts = feedback_counts([entry.id for entry in page.items])
    return render_template("journal/shared.html", page=page, counts=counts)


@bp.post("/<int:entry_id>/feedback")
@login_required
def feedback(entry_id):
    """A trainer writes feedback on a shared entry; its author is told it arrived."""
    if current_user.role != Role.TRAINER:
        abort(404)
    entry = get_entry_for_reader_or_404(entry_id, current_user)
    form = FeedbackForm()
    if form.validate_on_submit():
        add_feedback(
            entry, current_user, form.body.data, url_for("journal.entry", entry_id=entry.id)
        )
        audit.record("journal_feedback_written", entry)
        db.session.commit()
        flash("Your feedback is saved; the author has been told it is there.", "success")
        return redirect(url_for("journal.entry", entry_id=entry.id, _anchor="feedback"))
    audit.record("journal_entry_read", entry)
    db.session.commit()
    return render_template(
        "journal/entry.html",
        entry=entry,
        body=render_markdown(entry.body),
        is_author=False,
        feedback_form=form,
        reply_form=None,
        new_ids=set(),
        share_form=None,
        drafts=[],
        has_cohort=True,
        forget_copy=None,
    )
