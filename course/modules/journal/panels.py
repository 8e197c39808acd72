"""The journal's sections of the home and session pages (see programme/panels.py).

Only the author sees anything of their journal; a trainer's home page lists what was shared
with them. Nobody else's page says anything about anyone's journal.
"""

from flask import render_template
from markupsafe import Markup

from course.modules.accounts.models import Role
from course.modules.journal.services import (
    AUTHOR_ROLES,
    draft_count,
    drafts_of,
    entries_for_session,
    recent_entries,
)
from course.modules.journal.sharing import (
    entries_with_new_feedback,
    latest_shared,
    new_feedback_total,
)

TRAINER_PANEL_SIZE = 5


def _panel(template, **context):
    """A rendered (so escaped) template as markup for the page."""
    return Markup(render_template(template, **context))  # noqa: S704 - Jinja escaped it  # nosec B704


def home_counts(user, cohort):
    """Whether an author has drafts kept, or trainers' feedback not yet seen."""
    if user.role not in AUTHOR_ROLES:
        return {}
    return {"journal_drafts": draft_count(user), "journal_new_feedback": new_feedback_total(user)}


def home_panel(user, cohort, next_session, counts):
    """My journal: writing waiting to be finished, and my latest entries; trainers: shared ones."""
    if user.role in AUTHOR_ROLES:
        return _panel(
            "journal/_home_panel.html",
            drafts=drafts_of(user) if counts["journal_drafts"] else [],
            entries=recent_entries(user),
            new_feedback=entries_with_new_feedback(user) if counts["journal_new_feedback"] else [],
        )
    if user.role == Role.TRAINER and cohort is not None:
        # Of the cohort the page is of, as "All shared reflections" it links to.
        shared = latest_shared(user, cohort.id, TRAINER_PANEL_SIZE)
        return _panel("journal/_trainer_panel.html", shared=shared)
    return None


def session_panel(user, course_session):
    """A "Write a reflection" link, and my entries about this session."""
    if user.role not in AUTHOR_ROLES:
        return None
    return _panel(
        "journal/_session_panel.html",
        course_session=course_session,
        entries=entries_for_session(user, course_session.id),
    )
