"""Senior managers raise barriers and see the figures: their own are never counted in them."""

import pytest
from test_barriers_senior import release

from course.modules.accounts.models import Role
from course.modules.barriers.themes import Theme
from tests.conftest import Auth


@pytest.fixture
def people(cohort, make_user):
    return {
        "participants": [make_user(cohort_id=cohort) for _ in range(2)],
        "seniors": [make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort) for _ in range(3)],
        "trainer": make_user(role=Role.TRAINER, cohort_id=cohort),
    }


def overview_of(app, user, path="/barriers/overview"):
    client = app.test_client()
    assert Auth(client).login(user).status_code == 302
    return client.get(path).get_data(as_text=True)


def it_row(page):
    start = page.index("IT systems</span>")
    return page[start : page.index("</tr>", start)]


def test_three_senior_managers_raising_a_theme_cannot_reveal_the_two_others(app, cohort, people):
    # The attack from issue 20: two participants raised IT ("fewer than 5"); three senior
    # managers add theirs and the trainers release the batch.
    quoted = [(p, Theme.IT_SYSTEMS, "Slow", True, f"Participant quote {n}") for n, p in
              enumerate(people["participants"])]  # fmt: skip
    release(app, cohort, quoted)
    release(
        app,
        cohort,
        [(s, Theme.IT_SYSTEMS, "Slow", True, "Senior quote") for s in people["seniors"]],
    )
    for viewer in (people["seniors"][0], people["trainer"]):
        page = overview_of(app, viewer)
        assert "fewer than 5" in it_row(page) and ">5<" not in it_row(page)
        assert "Participant quote" not in page and "Senior quote" not in page
    csv_text = overview_of(app, people["seniors"][1], "/barriers/overview.csv")
    assert '"IT systems","","","fewer than 5"' in csv_text


def test_a_senior_manager_sees_their_own_barriers_listed_apart(app, cohort, people):
    release(app, cohort, [(people["seniors"][0], Theme.IT_SYSTEMS, "Slow", False, None)])
    page = overview_of(app, people["seniors"][0])
    own = page[page.index('id="own-heading"') :]
    assert "You raised 1 released barrier." in own and "IT systems" in own
    assert 'id="own-heading"' not in overview_of(app, people["seniors"][1])
