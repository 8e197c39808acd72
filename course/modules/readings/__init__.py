"""The course library, each session's reading list and reading progress.

The blueprint is in routes.py; manage.py (trainers' editing) and reports.py (progress) add
their routes to it, so importing the package registers every route.
"""

from course.modules.readings import manage, reports  # noqa: F401
