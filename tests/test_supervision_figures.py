"""The evaluator's figures from the supervision logs: "fewer than K" below the threshold, figures
above it, and senior managers only once the evaluator releases them."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from supervision_support import add_record, add_supervisee, page_token, pinned_clock

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.programme.models import CourseSession
from course.modules.supervision.aggregates import cohort_figures
from course.timeutil import to_local

HIDDEN = '<span class="figure-hidden">fewer than 5</span>'


@pytest.fixture(autouse=True)
def frozen():
    with pinned_clock():
        yield


@pytest.fixture
def stage_two_day(app, cohort):
    """A day in the second stage (after session 5 starts)."""
    with app.app_context():
        starts = db.session.scalar(
            select(CourseSession.starts_at).where(
                CourseSession.cohort_id == cohort, CourseSession.number == 5
            )
        )
        return to_local(starts).date() + timedelta(days=1)


def _managers_with_records(app, cohort, make_user, first_day, n):
    """n managers, each with one supervisee and two records 20 days apart: the first with a
    clear action, the second with an action without a date; both covering management."""
    for i in range(n):
        manager = make_user(Role.PARTICIPANT, cohort_id=cohort)
        supervisee_id = add_supervisee(app, manager, label=f"SW{i}")
        parts = {"reflection": "", "management": "Caseload"}
        add_record(
            app, manager, supervisee_id, first_day, parts=parts,
            actions=[dict(what="Visit", owner="supervisee", due_on=first_day + timedelta(7))],
        )  # fmt: skip
        add_record(
            app, manager, supervisee_id, first_day + timedelta(20), parts=parts, minutes=60,
            uninterrupted=False, actions=[dict(what="Call", owner="manager")], prompts=1,
        )  # fmt: skip


def test_figures_below_k_show_fewer_than_k_and_above_k_show_the_shares(
    app, cohort, make_user, login, stage_two_day
):
    _managers_with_records(app, cohort, make_user, stage_two_day, 4)
    evaluator = make_user(Role.EVALUATOR, cohort_id=cohort)
    client = login(evaluator)
    page = client.get("/supervision/figures").get_data(as_text=True)
    assert page.count(HIDDEN) == 3 * 11  # every figure of every stage
    assert "50%" not in page

    _managers_with_records(app, cohort, make_user, stage_two_day, 1)
    page = client.get("/supervision/figures").get_data(as_text=True)
    assert page.count(HIDDEN) == 2 * 11  # stages 1 and 3 hold no records
    with app.app_context():
        stage = cohort_figures(cohort)[1]
    assert stage.shown and (stage.managers, stage.records) == (5, 10)
    assert stage.clear_actions == 0.5 and stage.no_prompts == 0.5
    assert stage.on_time == 1.0 and stage.long_enough == 0.5 and stage.uninterrupted == 0.5
    assert stage.functions == {
        "management": 1.0,
        "support": 0.0,
        "development": 0.0,
        "mediation": 0.0,
    }
    assert "Records with clear actions (each with an owner and a date)</th>" in page
    assert "<td>50%</td>" in page and "<td>100%</td>" in page


def test_senior_managers_see_the_figures_only_once_released(
    app, cohort, make_user, login, client, stage_two_day
):
    _managers_with_records(app, cohort, make_user, stage_two_day, 5)
    senior = make_user(Role.SENIOR_MANAGER, cohort_id=cohort)
    evaluator = make_user(Role.EVALUATOR, cohort_id=cohort)
    assert login(senior).get("/supervision/figures").status_code == 404
    client.post("/logout", data={"csrf_token": page_token(client.get("/").get_data(True))})
    login(evaluator)
    page = client.get("/supervision/figures").get_data(as_text=True)
    assert "cannot see these figures until you release them" in page
    response = client.post("/supervision/figures/release", data={"csrf_token": page_token(page)})
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": page_token(client.get("/").get_data(True))})
    login(senior)
    page = client.get("/supervision/figures").get_data(as_text=True)
    assert "Records with clear actions" in page and "<td>50%</td>" in page
    assert "Release to senior managers" not in page
    assert "The cohort’s supervision figures" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.ADMIN, Role.PARTICIPANT])
def test_nobody_else_finds_the_figures(app, cohort, make_user, login, role):
    client = login(make_user(role, cohort_id=None if role == Role.ADMIN else cohort))
    assert client.get("/supervision/figures").status_code == 404
    token = page_token(client.get("/account/").get_data(as_text=True))
    assert (
        client.post("/supervision/figures/release", data={"csrf_token": token}).status_code == 404
    )


def test_the_demo_has_logs_with_unclear_and_overdue_actions_and_figures_to_show(app):
    from datetime import date

    from sqlalchemy import func

    from course.demo import seed_demo
    from course.modules.supervision.models import SupervisionAction, SupervisionRecord

    today = date(2026, 3, 10)
    with app.app_context():
        demo = seed_demo("a long enough demo passphrase", today=today)
        managers = db.session.scalar(
            select(func.count(func.distinct(SupervisionRecord.manager_id)))
        )
        unclear = db.session.scalar(
            select(func.count()).where(
                SupervisionAction.owner.is_(None) | SupervisionAction.due_on.is_(None)
            )
        )
        overdue = db.session.scalar(
            select(func.count()).where(
                SupervisionAction.status == "open", SupervisionAction.due_on < today
            )
        )
        prompted = db.session.scalar(
            select(func.count()).where(SupervisionRecord.clarity_prompts > 0)
        )
        stages = cohort_figures(demo.cohort.id)
    assert managers == 9 and unclear > 0 and overdue > 0 and prompted > 0
    assert stages[0].shown and stages[1].shown and not stages[2].shown
    assert 0 < stages[1].clear_actions < 1


def test_the_figures_page_makes_a_fixed_number_of_queries(
    app, cohort, make_user, login, count_queries, stage_two_day
):
    _managers_with_records(app, cohort, make_user, stage_two_day, 5)
    client = login(make_user(Role.EVALUATOR, cohort_id=cohort))
    with count_queries() as queries:
        assert client.get("/supervision/figures").status_code == 200
    before = len(queries)
    _managers_with_records(app, cohort, make_user, stage_two_day - timedelta(60), 7)
    with count_queries() as queries:
        client.get("/supervision/figures")
    assert len(queries) == before
