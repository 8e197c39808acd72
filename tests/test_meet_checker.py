"""The anonymisation check outside the brief form (issue 22, item 5): a warning the writer can
override with a reason when a barrier is raised (and an entry shared, in test_meet_feedback),
"check the rest too" on the sign-up, and the rules for schools without "School" and surnames
next to a pseudonym."""

import pytest
import time_machine
from sqlalchemy import func, select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.barriers.models import Barrier
from course.modules.presentations.anonymisation import find_identifiers
from tests.meet_support import (
    BEFORE_SESSION_7,
    make_cohort,
    member,
    post_form,
    session_id,
    signed_in,
)

TEXT = "Our manager at Oakfield Primary cancels supervision for Child A Smith's case conferences."


@pytest.mark.parametrize(
    ("text", "rule", "found"),
    [
        ("Drift for Child A at Oakfield Primary", "school", "Oakfield Primary"),
        ("She started at Kingsway Academy", "school", "Kingsway Academy"),
        ("Little Acorns Nursery rang", "school", "Little Acorns Nursery"),
        ("Moved to St Mary's Infants", "school", "St Mary's Infants"),
        ("Westfield Juniors said", "school", "Westfield Juniors"),
        ("Child A Smith was quiet", "pseudonym_surname", "Smith"),
        ("Mother Jones came late", "pseudonym_surname", "Jones"),
    ],
)
def test_the_check_catches_schools_without_school_and_surnames_next_to_a_pseudonym(
    text, rule, found
):
    assert (rule, found) in [(f.rule, f.text) for f in find_identifiers(text)]


@pytest.mark.parametrize(
    "text", ["Child A and Mother went to the local primary", "Child B The plan", "Mother A"]
)
def test_pseudonyms_alone_pass(text):
    assert find_identifiers(text) == []


def test_raising_a_barrier_that_names_a_school_warns_and_needs_a_reason(app, make_user):
    cohort_id = make_cohort(app)
    person = member(make_user, cohort_id, "Rai Raiser")
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        client = signed_in(app, person)
        form = {"theme": "time", "text": TEXT, "session_id": "0"}
        warned = post_form(client, "/barriers/new", form)
        page = warned.get_data(as_text=True)
        assert warned.status_code == 200
        assert "Before you raise it: this could identify someone" in page
        assert "“Oakfield Primary”" in page and "“Smith”" in page
        assert "check the rest too" in page
        assert TEXT.replace("'", "&#39;") in page  # what was typed is kept
        with app.app_context():
            assert db.session.scalar(select(func.count(Barrier.id))) == 0
        raised = post_form(client, "/barriers/new", {**form, "override": "pseudonym"})
        assert raised.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Barrier.id))) == 1
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "anonymisation_warning_overridden")
        )
        assert "Oakfield" not in str(event.detail_items)


def test_the_sign_up_checks_the_title_too_and_says_check_the_rest(app, make_user):
    cohort_id = make_cohort(app)
    person = member(make_user, cohort_id, "Pat Presenter")
    seven = session_id(app, cohort_id, 7)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        client = signed_in(app, person)
        page = post_form(
            client,
            f"/presentations/{seven}/signup",
            {
                "kind": "stuck_case",
                "title": "Drift for Child A at Oakfield Primary",
                "brief": "Child A and Mother: a plan that has drifted for a year.",
                **{f"rule_{n}": "y" for n in range(1, 10)},
            },
        ).get_data(as_text=True)
    assert "Oakfield Primary" in page and "check the rest too" in page
