"""Questionnaires before, during and after the programme, with answers nobody can trace.

The blueprint is in routes.py; routes_items.py (the question editor), routes_answer.py
(answering), routes_results.py (results, excerpts, exports) and routes_supervisees.py (team
links, team and cohort figures) add their routes to it. routes_survey.py is the public survey's
own blueprint (/survey/<token>); impact.py's routes make the impact report.
"""

from course.modules.evaluation import (  # noqa: F401
    routes_answer,
    routes_impact,
    routes_items,
    routes_results,
    routes_supervisees,
)
