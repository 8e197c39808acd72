"""Sections that other modules contribute to the home page and the session page.

Each module may have a `panels.py` with `home_panel(user, cohort, next_session, counts)` and
`session_panel(user, course_session)`; each returns rendered HTML or None, and makes a fixed
number of queries whatever the cohort's size.

Most home page sections first need to know whether there is anything to show (unread
notifications, drafts, overdue responses...). A module may say what it wants counted with
`home_counts(user, cohort)`: {name: a scalar subquery}, names starting with the module's. All
modules' counts are asked in one query, and each `home_panel` gets them all as `counts`, so a
section with nothing to show makes no query of its own.
"""

from importlib import import_module

from sqlalchemy import select

from course.extensions import db

PANEL_MODULES = (
    "evaluation",
    "readings",
    "attendance",
    "presentations",
    "journal",
    "barriers",
    "notifications",
    "calendar",
    "supervision",
)


def _providers(function_name):
    """The panel functions the modules provide."""
    for name in PANEL_MODULES:
        module = import_module(f"course.modules.{name}.panels")
        function = getattr(module, function_name, None)
        if function is not None:
            yield function


def home_counts(user, cohort):
    """{name: value} of every module's `home_counts`, in one query (none if nobody asks)."""
    wanted = {}
    for function in _providers("home_counts"):
        wanted.update(function(user, cohort))
    if not wanted:
        return {}
    row = db.session.execute(select(*(value.label(name) for name, value in wanted.items())))
    return row.one()._asdict()


def home_sections(user, cohort, next_session):
    """The home page's sections from each module, in order, skipping empty ones."""
    counts = home_counts(user, cohort)
    return [
        html for f in _providers("home_panel") if (html := f(user, cohort, next_session, counts))
    ]


def session_sections(user, course_session):
    """The session page's sections from each module, in order, skipping empty ones."""
    return [html for f in _providers("session_panel") if (html := f(user, course_session))]
