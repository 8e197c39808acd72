"""The home page's list of all of a person's cohorts, with what needs them in each."""

from dataclasses import dataclass

from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.attendance.catch_ups import waiting_counts_by_cohort as catch_ups_waiting
from course.modules.barriers.services import waiting_counts_by_cohort as barriers_waiting
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
    """A summary of each cohort, in a fixed number of queries whatever their number."""
    ids = [c.id for c in cohorts]
    if not ids:
        return []
    next_starts = dict(
        db.session.execute(
            select(CourseSession.cohort_id, func.min(CourseSession.starts_at))
            .where(
                CourseSession.cohort_id.in_(ids),
                CourseSession.ends_at > (now or utcnow()),
                CourseSession.cancelled.is_(False),
            )
            .group_by(CourseSession.cohort_id)
        ).all()
    )
    catch_ups, barriers = {}, {}
    if user.role == Role.TRAINER:
        catch_ups, barriers = catch_ups_waiting(ids), barriers_waiting(ids)
    return [
        CohortSummary(
            cohort=c,
            next_starts_at=next_starts.get(c.id),
            catch_ups_waiting=catch_ups.get(c.id, 0),
            barriers_waiting=barriers.get(c.id, 0),
        )
        for c in cohorts
    ]
