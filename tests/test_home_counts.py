"""The home page asks every module's "is there anything to show?" in one query, so a section with
nothing to show costs no query of its own, and one with something costs the same whatever its
size."""

from datetime import UTC, datetime

import pytest
import time_machine

from course.extensions import db
from course.modules.journal.models import JournalDraft
from course.modules.notifications.services import notify

CLOCK = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock():
    """Every test here runs on 10 March 2026."""
    with time_machine.travel(CLOCK, tick=False):
        yield


def _add(app, person, notifications, drafts):
    with app.app_context():
        for n in range(notifications):
            notify(person.id, "test", f"Message {n}")
        for n in range(drafts):
            db.session.add(
                JournalDraft(user_id=person.id, title=f"Draft {n}", body="Half a thought")
            )
        db.session.commit()


def _home(person, login, auth, count_queries):
    client = login(person)
    client.get("/")  # the first page after signing in may record the sign-in
    with count_queries() as queries:
        page = client.get("/").get_data(as_text=True)
    auth.logout()
    return page, len(queries)


def test_empty_sections_cost_no_query_and_full_ones_the_same_whatever_their_size(
    app, cohort, make_user, login, auth, count_queries
):
    quiet, few, many = (make_user(cohort_id=cohort, name=n) for n in ("Quiet", "Few", "Many"))
    _add(app, few, notifications=2, drafts=1)
    _add(app, many, notifications=30, drafts=12)

    quiet_page, quiet_queries = _home(quiet, login, auth, count_queries)
    few_page, few_queries = _home(few, login, auth, count_queries)
    many_page, many_queries = _home(many, login, auth, count_queries)

    assert "unread notification" not in quiet_page and "Writing waiting for you" not in quiet_page
    assert "2 unread notifications" in few_page and "Draft 0" in few_page
    assert "30 unread notifications" in many_page and "All your drafts" in many_page
    assert few_queries == many_queries == quiet_queries + 2  # the newest messages; the drafts
