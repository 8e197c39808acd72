"""Year on year: the barrier themes of an organisation's cohorts side by side."""

from flask import render_template
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.barriers.overview import cohorts_overviews
from course.modules.barriers.routes import bp
from course.modules.barriers.themes import Theme
from course.permissions import current_cohort_or_404, role_required
from course.timeutil import london_today


@bp.route("/year-on-year")
@role_required(Role.SENIOR_MANAGER, Role.EVALUATOR)
def year_on_year():
    """Each of the organisation's cohorts' theme figures, each under the K rules on its own."""
    cohort = current_cohort_or_404()
    cohorts = db.session.scalars(
        select(Cohort)
        .where(
            Cohort.organisation_id == cohort.organisation_id,
            Cohort.starts_on <= london_today(),
        )
        .order_by(Cohort.starts_on, Cohort.id)
    ).all()
    overviews = cohorts_overviews([c.id for c in cohorts])
    k = next(iter(overviews.values())).k if overviews else None
    rows = [
        (theme, [overviews[c.id].themes[position] for c in cohorts])
        for position, theme in enumerate(Theme)
    ]
    return render_template(
        "barriers/year_on_year.html",
        cohort=cohort,
        cohorts=cohorts,
        rows=rows,
        k=k,
    )
