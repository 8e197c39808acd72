"""The home page for each role, and the navigation every page shows."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from course.modules.accounts.models import Role
from course.modules.attendance.register import register_opens_at
from course.modules.programme import panels
from course.modules.programme.my_cohorts import cohort_summaries
from course.modules.programme.services import cohort_sessions, next_session
from course.permissions import current_cohort, my_cohorts
from course.timeutil import london_today, to_local, utcnow

bp = Blueprint("home", __name__)

NAV = {
    Role.PARTICIPANT: [
        ("home.index", "Home"), ("programme.index", "Programme"), ("readings.index", "Readings"),
        ("attendance.index", "Attendance"), ("presentations.index", "Presentation rota"),
        ("journal.index", "My journal"), ("barriers.index", "My barriers"),
        ("evaluation.index", "Questionnaires"), ("notifications.index", "Notifications"),
        ("supervision.index", "My supervision"),
    ],
    Role.SENIOR_MANAGER: [
        ("home.index", "Home"), ("programme.index", "Programme"), ("readings.index", "Readings"),
        ("attendance.index", "Attendance"), ("presentations.index", "Presentation rota"),
        ("journal.index", "My journal"), ("barriers.index", "My barriers"),
        ("barriers.overview", "Barrier overview"), ("evaluation.index", "Questionnaires"),
        ("notifications.index", "Notifications"), ("supervision.index", "My supervision"),
    ],
    Role.TRAINER: [
        ("home.index", "Home"), ("programme.index", "Programme"), ("readings.index", "Readings"),
        ("attendance.index", "Attendance"), ("presentations.index", "Presentation rota"),
        ("journal.shared", "Shared reflections"), ("barriers.review", "Barriers to review"),
        ("evaluation.index", "Evaluation"), ("notifications.index", "Notifications"),
    ],
    Role.EVALUATOR: [
        ("home.index", "Home"), ("programme.index", "Programme"), ("readings.index", "Readings"),
        ("attendance.index", "Attendance"), ("barriers.overview", "Barrier overview"),
        ("evaluation.index", "Questionnaires"),
        ("supervision.figures", "Supervision figures"),
    ],
    Role.ADMIN: [
        ("home.index", "Home"), ("admin.users", "Users"), ("admin.cohorts", "Cohorts"),
        ("admin.audit_log", "Audit log"),
    ],
}  # fmt: skip
# A site administrator also manages the organisations; an organisation's administrator sees
# neither them nor the site-wide audit log.
ADMIN_NAV = [*NAV[Role.ADMIN][:3], ("admin.organisations", "Organisations"), NAV[Role.ADMIN][3]]
ORGANISATION_ADMIN_NAV = NAV[Role.ADMIN][:3]


@bp.app_context_processor
def navigation():
    """Give every template the signed-in user's menu."""

    def nav_items():
        if not current_user.is_authenticated:
            return []
        if current_user.role == Role.ADMIN:
            return ADMIN_NAV if current_user.is_site_admin else ORGANISATION_ADMIN_NAV
        return NAV[current_user.role_enum]

    def current_nav_endpoint():
        """The menu item for this page: its own address, else the longest one it lies under."""
        best, best_length = None, 0
        for endpoint, _label in nav_items():
            url = url_for(endpoint)
            if request.path == url:
                return endpoint
            under = url != "/" and request.path.startswith(url.rstrip("/") + "/")
            if under and len(url) > best_length:
                best, best_length = endpoint, len(url)
        return best

    return {"nav_items": nav_items, "current_nav_endpoint": current_nav_endpoint}


@bp.route("/")
def index():
    """Visitors go to sign in; each role gets its own home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    if current_user.role == Role.ADMIN:
        return render_template("home/admin.html")
    cohort = current_cohort()
    cohorts = my_cohorts(current_user)
    sessions = cohort_sessions(cohort.id) if cohort else []
    upcoming = next_session(sessions)
    today = upcoming is not None and to_local(upcoming.starts_at).date() == london_today()
    return render_template(
        "home/index.html",
        cohort=cohort,
        next_one=upcoming,
        is_today=today,
        register_opens_at=register_opens_at(upcoming) if today else None,
        now=utcnow(),
        sessions_done=sum(1 for s in sessions if s.ends_at and upcoming is not s and s.is_past()),
        sections=panels.home_sections(current_user, cohort, upcoming),
        summaries=cohort_summaries(current_user, cohorts) if len(cohorts) > 1 else [],
    )


@bp.route("/favicon.ico")
def favicon():
    """Browsers and tools that ask for /favicon.ico get the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/healthz")
def healthz():
    """Liveness: no database work."""
    return "ok\n", 200, {"Content-Type": "text/plain"}
