"""Sections that other modules contribute to the home page and the session page.

Each module may have a `panels.py` with `home_panel(user, cohort, next_session)` and
`session_panel(user, course_session)`; each returns rendered HTML or None, and makes a fixed
number of queries whatever the cohort's size.
"""

from importlib import import_module

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


def home_sections(user, cohort, next_session):
    """The home page's sections from each module, in order, skipping empty ones."""
    return [html for f in _providers("home_panel") if (html := f(user, cohort, next_session))]


def session_sections(user, course_session):
    """The session page's sections from each module, in order, skipping empty ones."""
    return [html for f in _providers("session_panel") if (html := f(user, course_session))]
