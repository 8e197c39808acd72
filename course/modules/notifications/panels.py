"""The notifications module's section of the home page (see programme/panels.py)."""

from flask import render_template
from markupsafe import Markup

from course.modules.notifications.services import latest_unread, unread_count_query

HOME_PANEL_LATEST = 3


def home_counts(user, cohort):
    """How many of my notifications are unread."""
    return {"notifications_unread": unread_count_query(user)}


def home_panel(user, cohort, next_session, counts):
    """My unread notifications: how many, and the newest few (one query), or nothing."""
    unread = counts["notifications_unread"]
    if not unread:
        return None
    html = render_template(
        "notifications/_home_panel.html",
        unread=unread,
        latest=latest_unread(user, HOME_PANEL_LATEST),
    )
    return Markup(html)  # noqa: S704 - Jinja escaped it  # nosec B704
