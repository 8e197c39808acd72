"""The home page's list of all of a person's cohorts, with what needs them in each."""

from dataclasses import dataclass

from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.attendance.catch_ups import waiting_count as catch_ups_waiting
from course.modules.barriers.services import waiting_count as barriers_waiting
from course.modules.programme.models import CourseSession
from course.timeutil import utcnow


@dataclass
class CohortSummary:
    """One of my cohorts on the home page."""

    cohort: object
    next_starts_at: object = None
    catch_ups_waiting: int = 0
    barriers_waiting: int = 0


def cohort_summaries(user, cohorts, now=None):
    """A summary of each cohort: one query whatever their number."""
    ids = [c.id for c in cohorts]
    if not ids:
        return []
    next_start = (
        select(func.min(CourseSession.starts_at))
        .where(
            CourseSession.cohort_id == Cohort.id,
            CourseSession.ends_at > (now or utcnow()),
            CourseSession.cancelled.is_(False),
        )
        .scalar_subquery()
    )
    columns = [Cohort.id, next_start]
    if user.role == Role.TRAINER:
        columns += [catch_ups_waiting(Cohort.id), barriers_waiting(Cohort.id)]
    rows = {
        row[0]: row[1:] for row in db.session.execute(select(*columns).where(Cohort.id.in_(ids)))
    }
    return [CohortSummary(c, *rows[c.id]) for c in cohorts]
