"""Links to the rest of the course: the sessions a supervision can be brought to, and the
journal entries about it, read through those modules' services."""

from course.modules.journal.services import entries_for_supervision_record
from course.modules.presentations.services import sign_up_problem
from course.modules.programme.services import cohort_sessions
from course.permissions import current_cohort


def team_sessions():
    """The current user's sessions still open for presentation sign-ups."""
    cohort = current_cohort()
    if cohort is None:
        return []
    return [s for s in cohort_sessions(cohort.id) if sign_up_problem(s) is None]


def journal_entries_for(user, record_id):
    """The user's journal entries about one of their records."""
    return entries_for_supervision_record(user, record_id)
