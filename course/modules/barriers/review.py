"""Trainers' moderation: re-theme, write the excerpt, merge duplicates, release a batch, and
log a barrier raised aloud. Trainers see what was raised, never who raised it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from course import audit
from course.extensions import db
from course.fields import with_placeholder
from course.modules.accounts.models import Role
from course.modules.barriers import services
from course.modules.barriers.forms import (
    NO_SESSION,
    LogAloudForm,
    MergeForm,
    ModerateForm,
    ReleaseForm,
    session_choices,
)
from course.modules.barriers.models import Barrier, BarrierStatus
from course.modules.barriers.routes import bp
from course.permissions import (
    cohort_ids_for,
    current_cohort_or_404,
    remember_cohort_id,
    role_required,
)
from course.text import plain_excerpt

PER_PAGE = 50
MERGE_CHOICES = 200


def get_cohort_barrier_or_404(barrier_id):
    """A barrier of one of the trainer's cohorts; 404 for any other."""
    barrier = db.session.scalar(
        select(Barrier)
        .options(joinedload(Barrier.course_session), joinedload(Barrier.merged_into))
        .where(Barrier.id == barrier_id, Barrier.cohort_id.in_(cohort_ids_for(current_user)))
    )
    if barrier is None:
        abort(404)
    remember_cohort_id(barrier.cohort_id)
    return barrier


def _pending_page(cohort_id):
    """Barriers not yet released: new ones and duplicates waiting for their target."""
    return db.paginate(
        select(Barrier)
        .options(joinedload(Barrier.course_session))
        .where(Barrier.cohort_id == cohort_id, Barrier.released_at.is_(None))
        .order_by(Barrier.created_at, Barrier.id),
        per_page=PER_PAGE,
    )


def _release_form(page, formdata=None):
    """The release form for the new barriers on this page, all ticked to start with."""
    form = ReleaseForm(formdata=formdata)
    new = [b for b in page.items if b.status == BarrierStatus.NEW]
    form.barrier_ids.choices = [(b.id, f"Barrier {b.id}") for b in new]
    if formdata is None:
        form.barrier_ids.data = [b.id for b in new]
    return form


def _excerpts_waiting(page, chosen_ids):
    """The chosen new barriers whose authors agreed to quotation but that have no excerpt yet."""
    chosen = set(chosen_ids or [])
    return [
        b
        for b in page.items
        if b.id in chosen
        and b.status == BarrierStatus.NEW
        and b.quote_consent
        and not (b.excerpt or "").strip()
    ]


@bp.route("/review")
@role_required(Role.TRAINER)
def review():
    """New barriers waiting for moderation and release."""
    cohort = current_cohort_or_404()
    page = _pending_page(cohort.id)
    audit.record("barriers_review_viewed", cohort, page=page.page)
    db.session.commit()
    return render_template(
        "barriers/review.html", page=page, release_form=_release_form(page), cohort=cohort
    )


@bp.route("/review/release", methods=["POST"])
@role_required(Role.TRAINER)
def release():
    """Release the chosen barriers to the senior managers' figures."""
    cohort = current_cohort_or_404()
    page = _pending_page(cohort.id)
    form = _release_form(page, formdata=request.form)
    if not form.validate_on_submit():
        return render_template(
            "barriers/review.html", page=page, release_form=form, cohort=cohort
        ), 400
    waiting = _excerpts_waiting(page, form.barrier_ids.data)
    if waiting and request.form.get("without_excerpts") != "1":
        # Asked once: release anyway, or write the excerpts first.
        return render_template(
            "barriers/review.html", page=page, release_form=form, cohort=cohort, waiting=waiting
        )
    count = services.release_batch(cohort.id, form.barrier_ids.data)
    db.session.commit()
    flash(f"Released {count} barrier{'s' if count != 1 else ''} to the senior view.", "success")
    return redirect(url_for("barriers.review"))


@bp.route("/review/released")
@role_required(Role.TRAINER)
def released():
    """Barriers already released, latest first, to improve their excerpts."""
    cohort = current_cohort_or_404()
    page = db.paginate(
        select(Barrier)
        .options(joinedload(Barrier.course_session))
        .where(Barrier.cohort_id == cohort.id, Barrier.released_at.is_not(None))
        .order_by(Barrier.released_at.desc(), Barrier.id.desc()),
        per_page=PER_PAGE,
    )
    audit.record("barriers_review_viewed", cohort, page=page.page, released=True)
    db.session.commit()
    return render_template("barriers/released.html", page=page)


def _merge_form(barrier):
    """The merge form, offering the other barriers of the same theme that are not duplicates."""
    form = MergeForm()
    candidates = db.session.scalars(
        select(Barrier)
        .where(
            Barrier.cohort_id == barrier.cohort_id,
            Barrier.theme == barrier.theme,
            Barrier.id != barrier.id,
            Barrier.merged_into_id.is_(None),
        )
        .order_by(Barrier.created_at.desc(), Barrier.id.desc())
        .limit(MERGE_CHOICES)
    )
    form.target_id.choices = with_placeholder(
        "Choose a barrier", [(b.id, f"{b.id}: {plain_excerpt(b.text, 90)}") for b in candidates]
    )
    return form


@bp.route("/review/<int:barrier_id>", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def moderate(barrier_id):
    """One barrier: its theme, session and excerpt for quotation; merge it if it duplicates."""
    barrier = get_cohort_barrier_or_404(barrier_id)
    form = ModerateForm(
        obj=barrier, session_id=barrier.session_id or NO_SESSION, excerpt=barrier.excerpt or ""
    )
    form.session_id.choices = session_choices(services.started_sessions(barrier.cohort_id))
    if form.validate_on_submit():
        try:
            changed = services.moderate(
                barrier, form.theme.data, form.session_id.data, form.excerpt.data
            )
        except services.BarrierLocked:
            db.session.rollback()
            flash(
                "A released barrier keeps its theme and session; only the excerpt can change.",
                "error",
            )
            return redirect(url_for("barriers.moderate", barrier_id=barrier_id))
        db.session.commit()
        flash("Saved." if changed else "Nothing changed.", "success")
        return redirect(url_for("barriers.review"))
    if request.method == "GET":
        audit.record("barrier_viewed", barrier)
        db.session.commit()
    return render_template(
        "barriers/moderate.html", barrier=barrier, form=form, merge_form=_merge_form(barrier)
    )


@bp.route("/review/<int:barrier_id>/merge", methods=["POST"])
@role_required(Role.TRAINER)
def merge(barrier_id):
    """Mark a barrier as a duplicate of another; both raisers still count."""
    barrier = get_cohort_barrier_or_404(barrier_id)
    form = _merge_form(barrier)
    if not form.validate_on_submit():
        flash("Choose the barrier it duplicates.", "error")
        return redirect(url_for("barriers.moderate", barrier_id=barrier.id))
    target = get_cohort_barrier_or_404(form.target_id.data)
    try:
        services.merge_barrier(barrier, target)
        db.session.commit()
    except (services.BarrierLocked, IntegrityError):  # released, or the other one withdrawn
        db.session.rollback()
        flash(
            "It could not be merged: it has been released or the other barrier withdrawn.", "error"
        )
        return redirect(url_for("barriers.moderate", barrier_id=barrier_id))
    flash(f"Merged into barrier {barrier.merged_into_id}.", "success")
    return redirect(url_for("barriers.review"))


@bp.route("/review/aloud", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def log_aloud():
    """Log a barrier someone raised aloud in a session, without a name: one voice."""
    cohort = current_cohort_or_404()
    form = LogAloudForm()
    sessions = services.started_sessions(cohort.id)
    form.session_id.choices = with_placeholder(
        "Choose a session", session_choices(sessions, none_label=None)
    )
    if request.method == "GET" and request.args.get("session", "").isdigit():
        form.session_id.data = int(request.args["session"])
    if form.validate_on_submit():
        services.log_barrier_raised_aloud(
            current_user,
            cohort.id,
            form.theme.data,
            form.text.data,
            form.session_id.data,
            form.quote_consent.data,
            form.excerpt.data,
        )
        db.session.commit()
        flash("Logged. It will be released with the next batch.", "success")
        return redirect(url_for("barriers.review"))
    return render_template("barriers/log_aloud.html", form=form, has_sessions=bool(sessions))
