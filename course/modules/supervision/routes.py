"""My supervision log: the page at a glance, and the people I supervise.

Every page here is the signed-in manager's own: other roles, and other managers asking for
someone else's supervisee or record, get 404 (services.manager_only and the scoped getters).
"""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from course.extensions import db
from course.modules.supervision import (  # noqa: F401 - each adds its pages to bp
    routes_drafts,
    routes_export,
    routes_figures,
    routes_links,
    routes_records,
)
from course.modules.supervision.aggregates import k_threshold
from course.modules.supervision.blueprint import bp
from course.modules.supervision.forms import SuperviseeForm
from course.modules.supervision.glance import coverage_chart, due_table, habits, programme_months
from course.modules.supervision.models import Supervisee
from course.modules.supervision.schedule import due_state
from course.modules.supervision.services import (
    drafts_of,
    get_supervisee_or_404,
    label_taken,
    manager_only,
    open_actions,
    records_of,
    supervisees_of,
)
from course.permissions import current_cohort
from course.timeutil import london_today, utcnow

__all__ = ["bp"]
LABEL_TAKEN = "You already use this label for someone: choose another"


@bp.route("/")
@manager_only
def index():
    """My supervision at a glance: who is due, open actions, my habits month by month."""
    today = london_today()
    months, coverage, total = habits(current_user, programme_months(current_cohort(), today))
    return render_template(
        "supervision/index.html",
        today=today,
        due=due_table(current_user, today),
        actions=open_actions(current_user),
        months=months,
        coverage=coverage,
        total=total,
        chart=coverage_chart(coverage),
        drafts=drafts_of(current_user),
        k=k_threshold(),
    )


@bp.route("/supervisees")
@manager_only
def supervisees():
    """Everyone I supervise, including those I no longer do."""
    return render_template(
        "supervision/supervisees.html",
        supervised_now=supervisees_of(current_user),
        archived=supervisees_of(current_user, archived=True),
    )


def _apply(form, supervisee):
    """Copy the form onto a supervisee."""
    supervisee.label = " ".join(form.label.data.split())
    supervisee.newly_qualified = form.newly_qualified.data
    supervisee.started_on = form.started_on.data
    supervisee.policy = form.policy.data


@bp.route("/supervisees/new", methods=["GET", "POST"])
@manager_only
def new_supervisee():
    """Add someone I supervise, by a label of my own."""
    form = SuperviseeForm()
    if form.validate_on_submit():
        if label_taken(current_user, form.label.data.strip()):
            form.label.errors.append(LABEL_TAKEN)
        else:
            supervisee = Supervisee(manager_id=current_user.id)
            _apply(form, supervisee)
            db.session.add(supervisee)
            db.session.commit()
            flash(f"{supervisee.label} is added. Only you can see your log.", "success")
            return redirect(url_for("supervision.supervisee", supervisee_id=supervisee.id))
    return render_template(
        "supervision/supervisee_form.html", form=form, supervisee=None, report=form_report(form)
    )


def form_report(form):
    """The anonymisation findings to show beside the form's boxes."""
    return getattr(form, "report", {})


@bp.route("/supervisees/<int:supervisee_id>")
@manager_only
def supervisee(supervisee_id):
    """One supervisee: their records and open actions, where they stand against their policy."""
    supervisee = get_supervisee_or_404(supervisee_id, current_user)
    today = london_today()
    records = records_of(current_user, supervisee.id)
    last = records[0].held_on if records else None
    return render_template(
        "supervision/supervisee.html",
        supervisee=supervisee,
        records=records,
        due=due_state(supervisee, last, today),
        actions=[a for a in open_actions(current_user) if a.supervisee_id == supervisee.id],
        today=today,
    )


@bp.route("/supervisees/<int:supervisee_id>/edit", methods=["GET", "POST"])
@manager_only
def edit_supervisee(supervisee_id):
    """Change a supervisee's label, stage or policy."""
    supervisee = get_supervisee_or_404(supervisee_id, current_user)
    form = SuperviseeForm(obj=supervisee)
    if form.validate_on_submit():
        if label_taken(current_user, form.label.data.strip(), except_id=supervisee.id):
            form.label.errors.append(LABEL_TAKEN)
        else:
            _apply(form, supervisee)
            db.session.commit()
            flash("Saved.", "success")
            return redirect(url_for("supervision.supervisee", supervisee_id=supervisee.id))
    return render_template(
        "supervision/supervisee_form.html",
        form=form,
        supervisee=supervisee,
        report=form_report(form),
    )


@bp.post("/supervisees/<int:supervisee_id>/archive")
@manager_only
def archive_supervisee(supervisee_id):
    """I no longer supervise them: their records stay in my log."""
    supervisee = get_supervisee_or_404(supervisee_id, current_user)
    supervisee.archived_at = None if supervisee.archived_at else utcnow()
    db.session.commit()
    if supervisee.archived_at:
        flash(f"{supervisee.label} is archived; their records stay in your log.", "success")
    else:
        flash(f"{supervisee.label} is back in your current list.", "success")
    return redirect(url_for("supervision.supervisees"))
