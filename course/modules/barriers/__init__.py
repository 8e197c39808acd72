"""The barrier register: raising, trainers' moderation, the senior view and its responses.

The blueprint is in routes.py; review.py (trainers) and senior.py (the overview and responses)
add their routes to it, so importing the package registers every route.
"""

from course.modules.barriers import review, routes_year_on_year, senior  # noqa: F401
