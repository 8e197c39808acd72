"""The evaluation module's sections of the home and session pages (see programme/panels.py)."""

from flask import render_template
from markupsafe import Markup

from course.modules.accounts.models import ATTENDING_ROLES, Role
from course.modules.evaluation import services


def home_counts(user, cohort):
    """How many questionnaires wait for me (participants, senior managers)."""
    if cohort is None or user.role not in ATTENDING_ROLES:
        return {}
    return {"evaluation_waiting": services.waiting_count(user, cohort.id)}


def home_panel(user, cohort, next_session, counts):
    """Questionnaires waiting for me (participants, senior managers); a link for the evaluator.
    One query when some are waiting."""
    if cohort is None:
        return None
    if user.role in ATTENDING_ROLES:
        waiting = services.waiting_for(user, cohort.id) if counts["evaluation_waiting"] else []
        if not waiting:
            return None
        return Markup(render_template("evaluation/home_panel.html", waiting=waiting))  # noqa: S704  # nosec B704 - autoescaped template
    if user.role == Role.EVALUATOR:
        return Markup(render_template("evaluation/home_panel.html", evaluator=True))  # noqa: S704  # nosec B704 - autoescaped template
    return None


def session_panel(user, course_session):
    """The feedback questionnaire for this session, when it waits for me. Two queries."""
    if user.role not in ATTENDING_ROLES:
        return None
    linked = [
        q for q in services.waiting_for(user, course_session.cohort_id)
        if q.session_id == course_session.id
    ]  # fmt: skip
    if not linked:
        return None
    return Markup(  # noqa: S704  # nosec B704 - an autoescaped template
        render_template("evaluation/home_panel.html", waiting=linked, on_session=True)
    )
