"""The supervision log's section of the home page (see programme/panels.py).

A manager sees their own log's state; the evaluator a link to the cohort's figures. Nobody's
page says anything about anyone else's log.
"""

from flask import render_template
from markupsafe import Markup

from course.modules.accounts.models import Role
from course.modules.supervision.aggregates import release_count
from course.modules.supervision.glance import due_table_and_overdue_actions
from course.modules.supervision.services import (
    MANAGER_ROLES,
    current_count,
    draft_count,
    drafts_of,
)
from course.timeutil import london_today


def _panel(template, **context):
    """A rendered (so escaped) template as markup for the page."""
    return Markup(render_template(template, **context))  # noqa: S704  # nosec B704 - escaped by Jinja


def home_counts(user, cohort):
    """A manager's current supervisees and kept drafts; whether a senior manager's cohort's
    figures are released."""
    if user.role not in MANAGER_ROLES:
        return {}
    counts = {
        "supervision_supervisees": current_count(user),
        "supervision_drafts": draft_count(user),
    }
    if user.role == Role.SENIOR_MANAGER and cohort is not None:
        counts["supervision_released"] = release_count(cohort.id)
    return counts


def home_panel(user, cohort, next_session, counts):
    """My supervision: who is overdue, overdue actions, drafts waiting; evaluators: figures."""
    if user.role in MANAGER_ROLES:
        today = london_today()
        due, overdue_actions = [], 0
        if counts["supervision_supervisees"]:
            due, overdue_actions = due_table_and_overdue_actions(user, today)
        return _panel(
            "supervision/_home_panel.html",
            overdue=[row for row in due if row[1].state == "overdue"],
            due_soon=[row for row in due if row[1].state == "due"],
            overdue_actions=overdue_actions,
            drafts=drafts_of(user) if counts["supervision_drafts"] else [],
            has_supervisees=bool(due),
            figures_released=bool(counts.get("supervision_released")),
        )
    if user.role == Role.EVALUATOR and cohort is not None:
        return _panel("supervision/_evaluator_panel.html")
    return None
