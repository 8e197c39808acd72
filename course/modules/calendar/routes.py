"""My private calendar feed, the page to get or reset its address, and one session's .ics."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Role
from course.modules.calendar import services
from course.permissions import get_course_session_or_404, role_required
from course.site_address import absolute_url

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
MEMBER_ROLES = (Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.TRAINER, Role.EVALUATOR)
ICS_MIMETYPE = "text/calendar"
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _session_url(course_session):
    """The session's page, as a full address for a calendar entry."""
    return absolute_url("programme.detail", session_id=course_session.id)


def _ics_response(calendar, filename=None):
    """An iCalendar response that no cache keeps."""
    headers = dict(PRIVATE_HEADERS)
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return calendar.to_ical(), 200, {**headers, "Content-Type": f"{ICS_MIMETYPE}; charset=utf-8"}


@bp.route("/")
@role_required(*MEMBER_ROLES)
def index():
    """My calendar feed: whether I have an address, and buttons to get a new one or stop it."""
    return render_template(
        "calendar/index.html", feed=services.live_feed(current_user), form=EmptyForm()
    )


@bp.post("/link")
@role_required(*MEMBER_ROLES)
def new_link():
    """Make a new feed address and show it, once; the old address stops working."""
    token = services.issue_feed_token(current_user)
    feed_url = absolute_url("calendar.feed", token=token)
    page = render_template(
        "calendar/index.html",
        feed=services.live_feed(current_user),
        form=EmptyForm(),
        feed_url=feed_url,
        webcal_url="webcal://" + feed_url.split("://", 1)[1],
    )
    return page, 200, PRIVATE_HEADERS


@bp.post("/revoke")
@role_required(*MEMBER_ROLES)
def revoke():
    """Stop my feed address: calendars that use it get nothing more."""
    if services.revoke_feed(current_user):
        flash("Your calendar link is stopped; calendars that used it stop updating.", "success")
    return redirect(url_for("calendar.index"))


@bp.route("/<token>.ics")
def feed(token):
    """The private feed: no sign-in (calendars cannot sign in), so the token is the key."""
    user = services.user_for_feed_token(token)
    if user is None:
        abort(404)
    return _ics_response(services.feed_calendar(user, _session_url))


@bp.route("/session/<int:session_id>.ics")
@role_required(*MEMBER_ROLES)
def session_ics(session_id):
    """One session as a file to add to a calendar once."""
    course_session = get_course_session_or_404(session_id)
    calendar = services.session_calendar(current_user, course_session, _session_url)
    return _ics_response(calendar, filename=f"session-{course_session.number}.ics")
