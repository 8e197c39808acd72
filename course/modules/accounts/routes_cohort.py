"""Working in one cohort at a time: the switcher in the header, and links that carry the cohort."""

from flask import abort, g, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember
from course.modules.accounts.routes import _safe_next, bp
from course.permissions import current_cohort, my_cohorts, remember_cohort

# Pages that are not of a cohort: their links never carry one.
NOT_COHORT_PAGES = ("static", "accounts.", "admin.", "home.healthz", "calendar.feed")


@bp.post("/cohort")
@login_required
def switch_cohort():
    """Work in another of my cohorts for the rest of this sign-in."""
    cohort_id = request.form.get("cohort_id", "")
    cohort = None
    if cohort_id.isdigit() and len(cohort_id) < 12:
        cohort = db.session.scalar(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(Cohort.id == int(cohort_id), CohortMember.user_id == current_user.id)
        )
    if cohort is None:
        abort(404)
    remember_cohort(cohort)
    return redirect(_safe_next(request.form.get("next")) or url_for("home.index"))


@bp.app_context_processor
def cohort_header():
    """Give base.html the cohort this page is of and the others the person can switch to."""

    def cohort_view():
        if "cohort_view" in g:
            return g.cohort_view
        view = {"current": None, "cohorts": []}
        if current_user.is_authenticated and not current_user.has_role("admin"):
            view["cohorts"] = my_cohorts(current_user)
            view["current"] = current_cohort() if view["cohorts"] else None
            g.cohort_links = len(view["cohorts"]) > 1
        g.cohort_view = view
        return view

    return {"cohort_view": cohort_view}


@bp.app_url_defaults
def carry_the_cohort(endpoint, values):
    """For someone in several cohorts, a link to a cohort's page names the cohort it is of."""
    if not g.get("cohort_links") or "cohort" in values or endpoint.startswith(NOT_COHORT_PAGES):
        return
    cohort = g.get("current_cohort")
    if cohort is not None:
        values["cohort"] = cohort.id
