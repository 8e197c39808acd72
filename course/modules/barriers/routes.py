"""Raising a barrier and following what happens to it; review.py and senior.py add the rest."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course import audit
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Role
from course.modules.barriers import responses, services
from course.modules.barriers.forms import ConsentForm, RaiseBarrierForm, session_choices
from course.modules.barriers.models import Barrier
from course.modules.barriers.overview import k_anonymity
from course.modules.barriers.themes import Theme
from course.modules.presentations.anonymisation import warnings_for
from course.permissions import cohort_ids_for, current_cohort_or_404, role_required
from course.timeutil import london_today

bp = Blueprint("barriers", __name__, url_prefix="/barriers")
RAISER_ROLES = (Role.PARTICIPANT, Role.SENIOR_MANAGER)
PER_PAGE = 20


@bp.context_processor
def anonymity_threshold():
    """Every barrier page can say what K is."""
    return {"k": k_anonymity()}


def get_my_barrier_or_404(barrier_id):
    """One of the signed-in person's own barriers; 404 for anyone else's."""
    barrier = db.session.scalar(
        select(Barrier)
        .options(joinedload(Barrier.course_session))
        .where(
            Barrier.id == barrier_id,
            Barrier.raised_by_id == current_user.id,
            Barrier.cohort_id.in_(cohort_ids_for(current_user)),
        )
    )
    if barrier is None:
        abort(404)
    return barrier


@bp.route("/")
@role_required(*RAISER_ROLES)
def index():
    """My barriers, what happened to them, and the responses to their themes."""
    cohort = current_cohort_or_404()
    page = db.paginate(
        select(Barrier)
        .options(joinedload(Barrier.course_session))
        .where(Barrier.cohort_id == cohort.id, Barrier.raised_by_id == current_user.id)
        .order_by(Barrier.created_at.desc(), Barrier.id.desc()),
        per_page=PER_PAGE,
    )
    mine = set(db.session.scalars(responses.my_themes(current_user, cohort.id)))
    entries = responses.cohort_responses(cohort.id)
    return render_template(
        "barriers/index.html",
        page=page,
        to_my_themes=[r for r in entries if r.theme in mine],
        other_responses=[r for r in entries if r.theme not in mine],
        today=london_today(),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(*RAISER_ROLES)
def new():
    """Raise a barrier."""
    cohort = current_cohort_or_404()
    form = RaiseBarrierForm()
    form.session_id.choices = session_choices(services.started_sessions(cohort.id))
    if request.method == "GET" and request.args.get("session", "").isdigit():
        form.session_id.data = int(request.args["session"])
    valid = form.validate_on_submit()
    findings = warnings_for(form.text.data) if valid else []
    if valid and (not findings or form.override.data):
        if findings:  # the writer went ahead with a reason: record which, never the text
            audit.record(
                "anonymisation_warning_overridden",
                object_type="Barrier",
                where="barrier_raised",
                reason=form.override.data,
                rules=",".join(sorted({f.rule for f in findings})),
            )
        services.raise_barrier(
            current_user,
            cohort.id,
            form.theme.data,
            form.text.data,
            form.session_id.data,
            form.quote_consent.data,
        )
        db.session.commit()
        flash(
            "Thank you. The trainers will review your barrier and release it to the senior "
            "managers' figures with others; nobody there will see your name.",
            "success",
        )
        return redirect(url_for("barriers.index"))
    return render_template("barriers/new.html", form=form, themes=list(Theme), findings=findings)


@bp.route("/<int:barrier_id>")
@role_required(*RAISER_ROLES)
def detail(barrier_id):
    """One of my barriers, what happened to it, and the responses to its theme."""
    barrier = get_my_barrier_or_404(barrier_id)
    return render_template(
        "barriers/detail.html",
        barrier=barrier,
        responses=responses.cohort_responses(barrier.cohort_id, theme=barrier.theme),
        consent_form=ConsentForm(quote_consent=barrier.quote_consent),
        withdraw_form=EmptyForm(),
        today=london_today(),
    )


@bp.route("/<int:barrier_id>/consent", methods=["POST"])
@role_required(*RAISER_ROLES)
def consent(barrier_id):
    """Allow or stop anonymous quotation of my barrier."""
    barrier = get_my_barrier_or_404(barrier_id)
    form = ConsentForm()
    if form.validate_on_submit():
        services.set_quote_consent(barrier, form.quote_consent.data)
        db.session.commit()
        flash(
            "Senior managers may see an anonymous quotation of it."
            if barrier.quote_consent
            else "It will not be quoted.",
            "success",
        )
    return redirect(url_for("barriers.detail", barrier_id=barrier.id))


@bp.route("/<int:barrier_id>/withdraw", methods=["POST"])
@role_required(*RAISER_ROLES)
def withdraw(barrier_id):
    """Take back a barrier the trainers have not released yet."""
    barrier = get_my_barrier_or_404(barrier_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.withdraw_barrier(barrier)
    except services.BarrierLocked:
        db.session.rollback()
        flash(
            "It has been released and counted in the senior managers' figures, so it stays. "
            "You can still stop it being quoted.",
            "error",
        )
        return redirect(url_for("barriers.detail", barrier_id=barrier.id))
    db.session.commit()
    flash("Your barrier has been withdrawn.", "success")
    return redirect(url_for("barriers.index"))
