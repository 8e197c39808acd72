"""Working in one cohort at a time: the switcher in the header, and links that carry the cohort."""

from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, request, url_for
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


# Writes that are a person's own, not the cohort's: allowed in an archived cohort too (a
# trainer's feedback on a shared journal entry is the cohort's, so theirs are checked).
OWN_WRITES = ("accounts.", "journal.", "notifications.", "calendar.", "home.")
TRAINERS_OWN_WRITES = ("accounts.", "notifications.", "calendar.", "home.")
ARCHIVE_SWITCHES = ("admin.archive_cohort", "admin.unarchive_cohort", "admin.run_cohort_again")


def _target_cohort_id():
    """The cohort a write is about: from the object in its address, else the current cohort."""
    from course.modules.attendance.models import CatchUp
    from course.modules.barriers.models import Barrier, BarrierResponse
    from course.modules.journal.models import JournalEntry
    from course.modules.presentations.models import Presentation
    from course.modules.programme.models import CourseSession

    args = request.view_args or {}
    by_session = select(CourseSession.cohort_id)
    lookups = {
        "cohort_id": None,
        "session_id": by_session.where(CourseSession.id == args.get("session_id")),
        "barrier_id": select(Barrier.cohort_id).where(Barrier.id == args.get("barrier_id")),
        "response_id": select(BarrierResponse.cohort_id).where(
            BarrierResponse.id == args.get("response_id")
        ),
        "presentation_id": by_session.join(Presentation).where(
            Presentation.id == args.get("presentation_id")
        ),
        "catch_up_id": by_session.join(CatchUp).where(CatchUp.id == args.get("catch_up_id")),
        "entry_id": select(JournalEntry.cohort_id).where(JournalEntry.id == args.get("entry_id")),
    }
    for name, stmt in lookups.items():
        if name in args:
            return args[name] if stmt is None else db.session.scalar(stmt)
    if request.endpoint.startswith("admin."):
        return None  # accounts, not a cohort's records
    cohort = current_cohort()
    return cohort.id if cohort else None


@bp.before_app_request
def refuse_changes_to_an_archived_cohort():
    """An archived cohort is read-only: every write to it is refused with a clear message."""
    if request.method in ("GET", "HEAD", "OPTIONS") or not current_user.is_authenticated:
        return None
    endpoint = request.endpoint or ""
    own = TRAINERS_OWN_WRITES if current_user.role == "trainer" else OWN_WRITES
    if endpoint.startswith(own) or endpoint in ARCHIVE_SWITCHES:
        return None
    cohort_id = _target_cohort_id()
    archived = cohort_id is not None and db.session.scalar(
        select(Cohort.name).where(Cohort.id == cohort_id, Cohort.archived_at.is_not(None))
    )
    if not archived:
        return None
    flash(
        f"{archived} is archived, so nothing in it can be changed. "
        "An administrator can open it for changes again.",
        "error",
    )
    back = _safe_next(request.referrer and urlsplit(request.referrer).path)
    return redirect(back or url_for("home.index"), code=303)
