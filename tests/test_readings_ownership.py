"""A reading belongs to the cohorts whose lists use it: a trainer changes it only when no cohort
they do not train lists it, so one cohort's trainer cannot replace another cohort's file."""

from datetime import date

import pytest
from test_readings_manage import FIELDS, PDF, _attach, _reading_id

from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.programme.services import create_programme
from course.modules.readings.models import Reading
from course.modules.readings.services import attach_to_cohort, sync_readings
from tests.conftest import form_token

SLUG = "ruch-2007-containment"


@pytest.fixture
def two_cohorts(app, cohort):
    """The test cohort and another, both listing the course's readings."""
    with app.app_context():
        other = Cohort(name="Elsewhere", organisation="Another Council",
                       starts_on=date(2026, 1, 5), ends_on=date(2026, 12, 1))  # fmt: skip
        db.session.add(other)
        db.session.flush()
        create_programme(other)
        sync_readings()
        attach_to_cohort(db.session.get(Cohort, cohort))
        attach_to_cohort(other)
        db.session.commit()
        return cohort, other.id


def _file_name(app, reading_id):
    with app.app_context():
        return db.session.get(Reading, reading_id).file_name


def test_a_trainer_of_one_cohort_cannot_change_a_reading_another_cohort_uses(
    app, two_cohorts, make_user, login
):
    mine, _ = two_cohorts
    trainer = make_user(role=Role.TRAINER, cohort_id=mine)
    reading_id = _reading_id(app, SLUG)
    client = login(trainer)
    page = client.get(f"/readings/{reading_id}").get_data(as_text=True)
    assert "Edit this reading" not in page
    response = client.get(f"/readings/{reading_id}/edit", follow_redirects=True)
    assert "cohorts you do not train" in response.get_data(as_text=True)
    token = form_token(client, "/readings/")
    changed = client.post(
        f"/readings/{reading_id}/edit", data={**FIELDS, "csrf_token": token, "title": "Mine now"}
    )
    assert changed.status_code == 302
    attached = client.post(f"/readings/{reading_id}/file", data={"csrf_token": token})
    removed = client.post(f"/readings/{reading_id}/file/remove", data={"csrf_token": token})
    assert attached.status_code == removed.status_code == 302
    with app.app_context():
        assert db.session.get(Reading, reading_id).title != "Mine now"
    assert _file_name(app, reading_id) is None


def test_a_trainer_of_every_cohort_using_it_changes_it(app, two_cohorts, make_user, login):
    mine, other = two_cohorts
    trainer = make_user(role=Role.TRAINER, cohort_id=mine)
    with app.app_context():
        from course.modules.accounts.models import CohortMember

        db.session.add(CohortMember(cohort_id=other, user_id=trainer.id))
        db.session.commit()
    reading_id = _reading_id(app, SLUG)
    client = login(trainer)
    assert "Edit this reading" in client.get(f"/readings/{reading_id}").get_data(as_text=True)
    assert _attach(client, reading_id, PDF, "Ruch 2007.pdf").status_code == 302
    assert _file_name(app, reading_id) == "Ruch_2007.pdf"


def test_a_reading_listed_only_by_my_cohort_is_mine_to_change(app, cohort, make_user, login):
    with app.app_context():
        sync_readings()
        attach_to_cohort(db.session.get(Cohort, cohort))
        db.session.commit()
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort)
    reading_id = _reading_id(app, SLUG)
    assert _attach(login(trainer), reading_id, PDF, "Ruch 2007.pdf").status_code == 302
    assert _file_name(app, reading_id) == "Ruch_2007.pdf"
