"""Questionnaires before, during and after the programme, with answers nobody can trace.

The blueprint is in routes.py; routes_items.py (the question editor), routes_answer.py
(answering) and routes_results.py (results, excerpts, exports) add their routes to it.
"""

from course.modules.evaluation import routes_answer, routes_items, routes_results  # noqa: F401
