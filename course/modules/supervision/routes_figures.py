"""The evaluator's supervision figures (aggregates over at least K managers), and their release
to the cohort's senior managers. Nobody else, and no senior manager before the release, finds
the page: 404."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import delete

from course import audit
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Role
from course.modules.supervision.aggregates import cohort_figures, is_released, k_threshold
from course.modules.supervision.blueprint import bp
from course.modules.supervision.models import FUNCTIONS, SupervisionFiguresRelease
from course.permissions import current_cohort


def _cohort_for_figures():
    """The cohort whose figures the signed-in person may see; 404 for anyone else."""
    cohort = current_cohort()
    if cohort is None or current_user.role not in (Role.EVALUATOR, Role.SENIOR_MANAGER):
        abort(404)
    if current_user.role == Role.SENIOR_MANAGER and not is_released(cohort.id):
        abort(404)
    return cohort


@bp.route("/figures")
@login_required
def figures():
    """Figures from the cohort's supervision logs by stage of the programme."""
    cohort = _cohort_for_figures()
    return render_template(
        "supervision/figures.html",
        cohort=cohort,
        stages=cohort_figures(cohort.id),
        functions=FUNCTIONS,
        k=k_threshold(),
        released=is_released(cohort.id),
        is_evaluator=current_user.role == Role.EVALUATOR,
        form=EmptyForm(),
    )


@bp.post("/figures/release")
@login_required
def release_figures():
    """The evaluator shows the figures to the cohort's senior managers, or stops showing them."""
    cohort = current_cohort()
    if cohort is None or current_user.role != Role.EVALUATOR:
        abort(404)
    if EmptyForm().validate_on_submit():
        if is_released(cohort.id):
            db.session.execute(
                delete(SupervisionFiguresRelease).where(
                    SupervisionFiguresRelease.cohort_id == cohort.id
                )
            )
            audit.record("supervision_figures_withdrawn", cohort)
            flash("Senior managers no longer see these figures.", "success")
        else:
            db.session.add(
                SupervisionFiguresRelease(cohort_id=cohort.id, released_by_id=current_user.id)
            )
            audit.record("supervision_figures_released", cohort)
            flash("The cohort's senior managers can now see these figures.", "success")
        db.session.commit()
    return redirect(url_for("supervision.figures"))
