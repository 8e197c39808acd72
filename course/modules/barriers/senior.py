"""The senior view: suppressed figures, chart, quotations, CSV and print; and the responses."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course import audit
from course.extensions import db
from course.modules.accounts.models import Role, slugify
from course.modules.barriers import charts, responses
from course.modules.barriers.forms import ResponseForm
from course.modules.barriers.models import BarrierResponse
from course.modules.barriers.overview import (
    cohort_overview,
    own_uncounted_barriers,
    parse_filters,
    quotations,
)
from course.modules.barriers.routes import bp
from course.modules.barriers.suppression import FEWER
from course.modules.barriers.themes import STAGES, Theme, stage_label
from course.permissions import (
    cohort_ids_for,
    current_cohort_or_404,
    remember_cohort_id,
    role_required,
)
from course.spreadsheets import table_response
from course.timeutil import london_today, to_local

VIEWER_ROLES = (Role.SENIOR_MANAGER, Role.EVALUATOR, Role.TRAINER)
QUOTE_READERS = (Role.SENIOR_MANAGER, Role.TRAINER)  # people consented to senior managers


def _overview_context(cohort):
    """Everything the overview and its print view display, under the request's filters."""
    stage, theme = parse_filters(request.args)
    overview = cohort_overview(cohort.id, stage=stage, theme=theme)
    show_quotes = current_user.role in QUOTE_READERS and overview.shows_history
    entries = responses.cohort_responses(cohort.id, theme=theme)
    today = london_today()
    return {
        "cohort": cohort,
        "overview": overview,
        "k": overview.k,
        "stage": stage,
        "theme": theme,
        "stages": {n: stage_label(n) for n in STAGES},
        "themes": list(Theme),
        "ranking": charts.ranking_chart(overview),
        "phone_ranking": charts.phone_ranking_chart(overview),
        "statuses": responses.theme_statuses(cohort.id, today),
        "theme_status": responses.theme_status,
        "history": charts.history_chart(overview) if overview.shows_history else None,
        "quotes": quotations(cohort.id, overview) if show_quotes else None,
        "own": own_uncounted_barriers(cohort.id, current_user),
        "theme_label": lambda value: Theme(value).label,
        "responses": entries,
        "overdue": sum(r.is_overdue(today) for r in entries),
        "today": today,
        "filters": {"stage": stage or "", "theme": theme.value if theme else ""},
    }


@bp.route("/overview")
@role_required(*VIEWER_ROLES)
def overview():
    """Themes ranked by the people who raised them, by stage and over time; the responses."""
    cohort = current_cohort_or_404()
    return render_template("barriers/overview.html", **_overview_context(cohort))


@bp.route("/overview/print")
@role_required(*VIEWER_ROLES)
def overview_print():
    """The overview laid out for the senior management team's meeting."""
    cohort = current_cohort_or_404()
    context = _overview_context(cohort)
    audit.record("barrier_overview_printed", cohort, **context["filters"])
    db.session.commit()
    return render_template("barriers/print.html", **context)


@bp.route("/overview.csv", defaults={"format_": "csv"})
@bp.route("/overview.xlsx", defaults={"format_": "xlsx"})
@role_required(*VIEWER_ROLES)
def overview_csv(format_):
    """The suppressed figures under the chosen filters, as CSV or .xlsx."""
    cohort = current_cohort_or_404()
    stage, theme = parse_filters(request.args)
    overview = cohort_overview(cohort.id, stage=stage, theme=theme)
    header = ["measure", "theme", "stage", "after release", "people", "why not shown"]
    measures = {"total": "all sessions", "stage": "by stage", "history": "over time"}
    rows = [
        [
            measures[measure],
            Theme(theme_value).label,
            stage_label(stage_number) if stage_number else "",
            to_local(release) if release else None,
            figure.as_text(overview.k),
            _why_not_shown(figure, overview.k),
        ]
        for (measure, theme_value, stage_number, release), figure in overview.figures()
    ]
    audit.record(
        "barrier_overview_exported",
        cohort,
        stage=stage or "",
        theme=theme.value if theme else "",
        format=format_,
    )
    db.session.commit()
    stem = f"barrier-figures-{slugify(cohort.name)}-{london_today():%Y-%m-%d}"
    return table_response(stem, header, rows, format_)


def _why_not_shown(figure, k):
    """The export's plain reason for a figure it does not give, as the page explains it."""
    if figure.shown:
        return ""
    if figure.state == FEWER:
        return f"Fewer than {k} people: an exact small count could point to who they are."
    return (
        "Withheld: next to the figure for all sessions, the figures by stage would show that "
        f"fewer than {k} people raised this theme at one stage."
    )


def get_response_or_404(response_id):
    """A response of one of the signed-in person's cohorts; 404 for any other."""
    entry = db.session.scalar(
        select(BarrierResponse).where(
            BarrierResponse.id == response_id,
            BarrierResponse.cohort_id.in_(cohort_ids_for(current_user)),
        )
    )
    if entry is None:
        abort(404)
    remember_cohort_id(entry.cohort_id)
    return entry


@bp.route("/responses/new", methods=["GET", "POST"])
@role_required(Role.SENIOR_MANAGER)
def new_response():
    """Record what will be done about a theme; the people who raised it are told."""
    cohort = current_cohort_or_404()
    form = ResponseForm()
    if request.method == "GET" and request.args.get("theme") in [t.value for t in Theme]:
        form.theme.data = request.args["theme"]
    if form.validate_on_submit():
        responses.record_response(
            current_user,
            cohort.id,
            form.theme.data,
            form.response.data,
            form.owner.data,
            form.due_on.data,
            form.status.data,
            form.reason.data,
        )
        db.session.commit()
        flash("Response recorded. The people who raised this theme have been told.", "success")
        return redirect(url_for("barriers.overview", flash_at="responses", _anchor="responses"))
    return render_template(
        "barriers/response_form.html",
        form=form,
        entry=None,
        example_due=responses.example_due_date(london_today()),
    )


@bp.route("/responses/<int:response_id>/edit", methods=["GET", "POST"])
@role_required(Role.SENIOR_MANAGER)
def edit_response(response_id):
    """Update a response: its wording, owner, due date or status."""
    entry = get_response_or_404(response_id)
    form = ResponseForm(obj=entry)
    del form.theme  # a response stays with its theme
    if form.validate_on_submit():
        responses.update_response(
            entry,
            current_user,
            form.response.data,
            form.owner.data,
            form.due_on.data,
            form.status.data,
            form.reason.data,
        )
        db.session.commit()
        flash("Response updated.", "success")
        return redirect(url_for("barriers.overview", flash_at="responses", _anchor="responses"))
    return render_template(
        "barriers/response_form.html",
        form=form,
        entry=entry,
        example_due=responses.example_due_date(london_today()),
    )
