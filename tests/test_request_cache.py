"""What several parts of a page ask for is loaded once a request, and never served stale."""

from course.extensions import db
from course.modules.accounts.models import CohortMember, User
from course.modules.programme.services import cohort_sessions
from course.permissions import my_cohorts


def test_a_cohorts_sessions_are_asked_for_once_a_request(app, cohort, count_queries):
    with count_queries() as queries, app.test_request_context("/"):
        first = cohort_sessions(cohort)
        first.pop()  # each caller gets its own list
        again = cohort_sessions(cohort)
    assert len(queries) == 1
    assert [s.number for s in again] == list(range(1, 12))


def test_after_the_request_writes_the_sessions_are_read_again(app, cohort):
    with app.test_request_context("/"):
        before = cohort_sessions(cohort)
        db.session.delete(before[-1])
        db.session.flush()
        assert [s.number for s in cohort_sessions(cohort)] == list(range(1, 11))


def test_after_a_commit_a_persons_cohorts_are_read_again(app, cohort, make_user):
    person = make_user()
    with app.test_request_context("/"):
        user = db.session.get(User, person.id)
        assert my_cohorts(user) == []
        db.session.add(CohortMember(cohort_id=cohort, user_id=user.id))
        db.session.commit()
        assert [c.id for c in my_cohorts(user)] == [cohort]


def test_outside_a_request_nothing_is_remembered(app, cohort, count_queries):
    with count_queries() as queries, app.app_context():
        cohort_sessions(cohort)
        cohort_sessions(cohort)
    assert len(queries) == 2
