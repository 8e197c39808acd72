"""Run a cohort again ("Start a new cohort like this one"), and archive a finished one."""

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import DateField, RadioField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from course import audit
from course.extensions import db
from course.modules.accounts import scope
from course.modules.accounts.admin import bp
from course.modules.accounts.models import Cohort
from course.modules.programme import run_again
from course.modules.programme.models import CourseSession
from course.timeutil import utcnow


class RunAgainForm(FlaskForm):
    """The new cohort's name, its first session's date and the rhythm of the rest."""

    name = StringField(
        "Name of the new cohort",
        validators=[DataRequired("Enter a name, like 'Bromley 2011-12'"), Length(max=120)],
    )
    first_session = DateField(
        "Date of the first session", validators=[DataRequired("Enter a real date")]
    )
    rhythm = RadioField(
        "How often the sessions meet",
        choices=list(run_again.RHYTHMS.items()),
        default=run_again.MONTHLY,
        validators=[DataRequired("Choose how often the sessions meet")],
    )

    def validate_first_session(self, field):
        """A working day, not a bank holiday: the rest follow it."""
        day = field.data
        if day.weekday() >= 5:
            raise ValidationError("The first session must be on a weekday")
        closed = run_again.bank_holidays([day.year])
        if day in closed:
            raise ValidationError(f"{day:%-d %B %Y} is a bank holiday ({closed[day]})")


@bp.route("/cohorts/<int:cohort_id>/again", methods=["GET", "POST"])
def run_cohort_again(cohort_id):
    """Start a new cohort like this one: the same sessions and reading lists on new dates."""
    source = scope.get_managed_cohort_or_404(cohort_id)
    form = RunAgainForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(select(Cohort.id).where(Cohort.name == name)):
            form.name.errors.append("A cohort with this name already exists")
        else:
            first, rhythm = form.first_session.data, form.rhythm.data
            cohort = run_again.start_cohort_like(source, name, first, rhythm)
            audit.record("cohort_run_again", cohort, source_id=source.id, name=name)
            db.session.commit()
            flash(
                f"Created {cohort.name} like {source.name}: 11 sessions from "
                f"{form.first_session.data:%-d %B %Y}, "
                f"{run_again.rhythm_label(form.first_session.data, form.rhythm.data)}, "
                "with the same reading lists and its questionnaires as drafts. "
                "Add its people next.",
                "success",
            )
            return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    return render_template("admin/run_again.html", form=form, source=source)


@bp.post("/cohorts/<int:cohort_id>/archive")
def archive_cohort(cohort_id):
    """Archive a finished cohort: read-only for staff; participants keep their own material."""
    cohort = scope.get_managed_cohort_or_404(cohort_id)
    last_end = db.session.scalar(
        select(func.max(CourseSession.ends_at)).where(CourseSession.cohort_id == cohort.id)
    )
    if last_end is not None and last_end > utcnow():
        flash(f"{cohort.name} has sessions still to come, so it cannot be archived yet.", "error")
    else:
        cohort.archived_at = utcnow()
        audit.record("cohort_archived", cohort)
        db.session.commit()
        flash(f"{cohort.name} is archived. Nothing in it can be changed now.", "success")
    return redirect(url_for("admin.cohort", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/unarchive")
def unarchive_cohort(cohort_id):
    """Open an archived cohort for changes again."""
    cohort = scope.get_managed_cohort_or_404(cohort_id)
    cohort.archived_at = None
    audit.record("cohort_unarchived", cohort)
    db.session.commit()
    flash(f"{cohort.name} is open for changes again.", "success")
    return redirect(url_for("admin.cohort", cohort_id=cohort.id))
