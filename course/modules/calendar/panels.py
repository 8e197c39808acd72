"""The calendar module's section of the session page (see programme/panels.py)."""

from flask import render_template
from markupsafe import Markup


def session_panel(user, course_session):
    """Links to add this session, or every session, to my calendar; no queries."""
    html = render_template("calendar/_session_panel.html", course_session=course_session)
    return Markup(html)  # noqa: S704 - Jinja escaped it  # nosec B704
