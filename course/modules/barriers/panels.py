"""The barriers module's sections of the home and session pages (see programme/panels.py)."""

from flask import render_template
from markupsafe import Markup

from course.modules.accounts.models import Role
from course.modules.barriers import responses
from course.modules.barriers.services import waiting_count
from course.timeutil import london_today

HOME_RESPONSES = 3


def home_counts(user, cohort):
    """Responses to my themes; overdue responses (senior managers); barriers to moderate
    (trainers)."""
    if cohort is None:
        return {}
    if user.role == Role.TRAINER:
        return {"barriers_waiting": waiting_count(cohort.id)}
    counts = {}
    if user.role in (Role.PARTICIPANT, Role.SENIOR_MANAGER):
        counts["barriers_responses"] = responses.responses_to_my_themes_count(user, cohort.id)
    if user.role == Role.SENIOR_MANAGER:
        counts["barriers_overdue"] = responses.overdue_count_query(cohort.id, london_today())
    return counts


def home_panel(user, cohort, next_session, counts):
    """'You said, we did' for those who raise barriers; overdue responses for senior managers;
    the moderation queue for trainers. No query of its own, or one for the responses."""
    if cohort is None or user.role == Role.ADMIN:
        return None
    today = london_today()
    context = {"role": user.role, "today": today}
    if user.role in (Role.PARTICIPANT, Role.SENIOR_MANAGER):
        context["responses"] = (
            responses.responses_to_my_themes(user, cohort.id, HOME_RESPONSES)
            if counts["barriers_responses"]
            else []
        )
    if user.role == Role.SENIOR_MANAGER:
        context["overdue"] = counts["barriers_overdue"]
    if user.role == Role.TRAINER:
        context["waiting"] = counts["barriers_waiting"]
    return Markup(render_template("barriers/home_panel.html", **context))  # noqa: S704 - Jinja escaped it  # nosec B704


def session_panel(user, course_session):
    """A link to raise (or, for trainers, log) a barrier from a session that has begun."""
    if not course_session.has_started() or user.role not in (
        Role.PARTICIPANT,
        Role.SENIOR_MANAGER,
        Role.TRAINER,
    ):
        return None
    return Markup(  # noqa: S704 - Jinja escaped it  # nosec B704
        render_template(
            "barriers/session_panel.html", role=user.role, course_session=course_session
        )
    )
