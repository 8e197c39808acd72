"""Messages where the person lands (issue 22, item 8): after "I have read this" and "Record this
response" the page jumps to a section, so the success message is shown in that section, not
above the screen."""

import time_machine

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.readings.models import Reading, SessionReading
from tests.meet_support import (
    BEFORE_SESSION_7,
    make_cohort,
    member,
    post_form,
    session_id,
    signed_in,
)


def test_i_have_read_this_shows_its_message_in_the_reading_section(app, make_user):
    cohort_id = make_cohort(app)
    person = member(make_user, cohort_id, "Rae Reader")
    seven = session_id(app, cohort_id, 7)
    with app.app_context():
        reading = Reading(title="The role of containment", authors="Ruch, G.", year=2007)
        db.session.add(reading)
        db.session.flush()
        db.session.add(SessionReading(session_id=seven, reading_id=reading.id, required=True))
        db.session.commit()
        reading_id = reading.id
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        client = signed_in(app, person)
        for path, anchor in (("/", "to-read"), (f"/programme/{seven}", "readings")):
            form = {"read": "1", "next": f"{path}#{anchor}"}
            response = post_form(client, path, form, f"/readings/{reading_id}/read")
            landing = response.headers["Location"]
            assert landing.endswith(f"flash_at={anchor}#{anchor}"), landing
            page = client.get(landing).get_data(as_text=True)
            message = "Marked “The role of containment” as read."
            assert page.count(message) == 1
            assert page.index(f'id="{anchor}"') < page.index(message), path


def test_record_this_response_shows_its_message_in_the_responses_section(app, make_user):
    cohort_id = make_cohort(app)
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort_id, name="Sal Senior")
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        client = signed_in(app, senior)
        response = post_form(
            client,
            "/barriers/responses/new",
            {
                "theme": "workload",
                "response": "Caseload weighting reviewed with each team.",
                "owner": "Head of service",
                "due_on": "2026-04-30",
                "status": "planned",
            },
        )
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    message = "Response recorded. The people who raised this theme have been told."
    assert page.count(message) == 1
    assert page.index('id="responses"') < page.index(message)
