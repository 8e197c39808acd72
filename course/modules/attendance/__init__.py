"""Registers, apologies, catch-up and compliance."""

# The blueprint lives in routes.py; these add their pages to it.
from course.modules.attendance import (  # noqa: F401
    apology_routes,
    catch_up_routes,
    routes_check_in,
    routes_live,
)
