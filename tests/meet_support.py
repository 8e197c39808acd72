"""A cohort on fixed dates for the tests where the modules meet (issue 22), and its people.

The programme starts on 1 September 2025; its sessions are on the first Tuesday of each month,
09:30 to 13:00 London time: session 6 on 3 February 2026, session 7 on 3 March 2026. The tests
pin the clock with time-machine, so nothing depends on the real date.
"""

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from course.modules.programme.models import CourseSession
from course.modules.programme.services import create_programme
from tests.conftest import Auth

START = date(2025, 9, 1)
BEFORE_SESSION_7 = datetime(2026, 2, 25, 12, 0, tzinfo=UTC)  # six sessions held
INSIDE_CUTOFF_7 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 21.5 hours before session 7
MORNING_OF_7 = datetime(2026, 3, 3, 8, 50, tzinfo=UTC)  # 40 minutes before it starts


def make_cohort(app, name="Fixed Borough"):
    """A cohort on fixed dates with its eleven sessions; returns its id."""
    with app.app_context():
        cohort = Cohort(
            name=name, organisation=f"{name} Council", starts_on=START, ends_on=date(2026, 7, 31)
        )
        db.session.add(cohort)
        db.session.flush()
        create_programme(cohort)
        db.session.commit()
        return cohort.id


def session_id(app, cohort_id, number):
    """The id of the cohort's session with this number."""
    with app.app_context():
        return db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == cohort_id, CourseSession.number == number
            )
        )


def member(make_user, cohort_id, name, role=Role.PARTICIPANT, joined_on=None):
    """A member of the cohort; joined_on set when they joined part-way."""
    user = make_user(role=role, cohort_id=cohort_id, name=name)
    if joined_on is not None:
        membership = db.session.scalar(
            select(CohortMember).where(
                CohortMember.user_id == user.id, CohortMember.cohort_id == cohort_id
            )
        )
        membership.joined_on = joined_on
        db.session.commit()
    return user


def signed_in(app, user):
    """A fresh client signed in as the user."""
    client = app.test_client()
    response = Auth(client).login(user)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def post_form(client, path, data, action=None):
    """Post to a page's form with its CSRF token (from `path`), as a browser would."""
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return client.post(action or path, data={"csrf_token": token, **data})


def user_by_name(name):
    """The user with this name."""
    return db.session.scalar(select(User).where(User.name == name))
