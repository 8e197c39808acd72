"""The impact report: the evaluator's, then (once released) the senior managers' and trainers';
its CSV of every figure; and the retention figures an administrator or senior manager enters."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from course import audit
from course.csv_export import csv_download
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Role
from course.modules.barriers.themes import Theme
from course.modules.evaluation import charts, impact, services
from course.modules.evaluation.forms import RetentionForm
from course.modules.evaluation.routes import bp
from course.modules.evaluation.survey_models import RetentionFigure
from course.permissions import current_cohort_or_404, role_required
from course.timeutil import to_local

READERS = (Role.EVALUATOR, Role.SENIOR_MANAGER, Role.TRAINER)
SECTIONS = (
    ("reaction", "Reaction: what participants thought of the sessions"),
    ("learning", "Learning: participants' questionnaires before, during and after"),
    ("behaviour", "Behaviour: supervision as the supervisees and the managers' logs describe it"),
    ("results", "Results: attendance, reading, barriers and retention"),
)


def _report_or_404():
    cohort = current_cohort_or_404()
    if current_user.role != Role.EVALUATOR and impact.is_released(cohort.id) is None:
        abort(404)
    return impact.impact_report(cohort, services.k_anonymity())


@bp.route("/impact")
@role_required(*READERS)
def impact_report():
    """The report on one printable page, each chart with its table."""
    report = _report_or_404()
    chart_of = {}
    for name, _title in SECTIONS:
        rows = [(f"{m.measure} ({m.group})", m.share) for m in report.section(name)
                if m.share is not None]  # fmt: skip
        chart_of[name] = charts.share_chart(rows) if rows else None
    audit.record("evaluation.impact_report_read", report.cohort)
    db.session.commit()
    return render_template(
        "evaluation/impact.html", report=report, sections=SECTIONS, chart_of=chart_of,
        theme_labels={theme.value: theme.label for theme in Theme},
    )  # fmt: skip


@bp.route("/impact.csv")
@role_required(*READERS)
def impact_csv():
    """Every figure of the report, one a row."""
    report = _report_or_404()
    audit.record("evaluation.impact_report_exported", report.cohort)
    db.session.commit()
    made = to_local(report.made_at).strftime("%Y-%m-%d %H:%M")
    rows = [(m.section, m.measure, m.group, m.value) for m in report.measures]
    rows.append(("report", "Made at (UK time)", report.cohort.name, made))
    return csv_download(
        f"impact-report-{report.made_at:%Y-%m-%d}.csv", ("section", "measure", "group", "value"),
        rows,
    )  # fmt: skip


@bp.route("/impact/release", methods=["POST"])
@role_required(Role.EVALUATOR)
def release_impact_report():
    """Let the senior managers and trainers read the report."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    cohort = current_cohort_or_404()
    impact.release(cohort.id)
    audit.record("evaluation.impact_report_released", cohort)
    db.session.commit()
    flash("The report is released to the senior managers and trainers.", "success")
    return redirect(url_for("evaluation.impact_report"))


@bp.route("/impact/retention", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.SENIOR_MANAGER)
def retention():
    """Enter a quarter's staffing figures for the participants' teams (plain numbers)."""
    cohort = current_cohort_or_404()
    form = RetentionForm()
    if form.validate_on_submit():
        row = db.session.scalar(
            select(RetentionFigure).where(
                RetentionFigure.cohort_id == cohort.id, RetentionFigure.quarter == form.quarter.data
            )
        )
        if row is None:
            row = RetentionFigure(cohort_id=cohort.id, quarter=form.quarter.data)
            db.session.add(row)
        for name in ("headcount", "leavers", "agency_staff", "vacancies"):
            setattr(row, name, getattr(form, name).data)
        row.entered_by_id = current_user.id
        db.session.flush()
        audit.record("evaluation.retention_entered", row, quarter=row.quarter)
        db.session.commit()
        flash(f"The figures for {row.quarter} are saved.", "success")
        return redirect(url_for("evaluation.retention"))
    return render_template(
        "evaluation/retention.html", cohort=cohort, form=form, rows=impact.retention_rows(cohort.id)
    )
