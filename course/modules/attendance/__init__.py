"""Registers, apologies, catch-up and compliance."""

# The blueprint lives in routes.py; these add their pages to it.
from course.modules.attendance import apology_routes, catch_up_routes  # noqa: F401
