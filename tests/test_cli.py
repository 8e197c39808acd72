"""The commands: seed-demo, init, create-user and import-users."""

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from course.demo import demo_first_session
from course.extensions import db
from course.modules.accounts.models import Cohort, Role, User
from course.modules.programme.models import CourseSession
from course.modules.programme.services import monthly_dates
from course.timeutil import london_today, to_local, utcnow
from tests.conftest import Auth

DEMO_PASSWORD = "a demo passphrase for tests"


def test_seed_demo_creates_every_account_and_a_cohort_under_way(app, runner):
    result = runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output
    assert "manager01@example.org" in result.output
    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
        expected = {
            "admin@example.org",
            "trainer1@example.org",
            "trainer2@example.org",
            "senior1@example.org",
            "senior2@example.org",
            "senior3@example.org",
            "evaluator@example.org",
        }
        expected |= {f"manager{n:02d}@example.org" for n in range(1, 77)}
        expected |= {"admin2@example.org", "senior4@example.org"}  # Northfield's
        assert expected <= emails
        roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
        assert roles[Role.PARTICIPANT] == 76 and roles[Role.SENIOR_MANAGER] == 4
        teams = set(db.session.scalars(select(User.team).where(User.role == "participant")))
        assert len(teams) > 3
        current = db.session.scalar(
            select(Cohort.id).where(Cohort.name.like("Demo Borough%"), Cohort.archived_at.is_(None))
        )
        sessions = list(
            db.session.scalars(select(CourseSession).where(CourseSession.cohort_id == current))
        )
        before_today = [s for s in sessions if to_local(s.starts_at).date() < london_today()]
        assert len(sessions) == 11 and len(before_today) == 6  # as the README promises
        cohorts = db.session.scalars(select(Cohort).order_by(Cohort.starts_on)).all()
        assert [c.archived for c in cohorts] == [True, False, False]  # last year's is archived
        assert len({c.organisation_id for c in cohorts}) == 2
    for email in ("admin@example.org", "manager36@example.org", "senior2@example.org"):
        assert Auth(app.test_client()).login(email, DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize("year", [2027, 2028])
def test_the_demo_has_six_sessions_before_any_day_of_the_year_month_ends_included(year):
    day = date(year, 1, 1)
    while day.year == year:
        sessions = monthly_dates(demo_first_session(day))
        assert sum(session < day for session in sessions) == 6, day
        assert (sessions[6] - day).days < 10, day  # and the seventh is soon
        day += timedelta(days=1)


@pytest.mark.parametrize("moment", ["2026-11-24T09:00:00+00:00", "2026-11-24T15:00:00+00:00"])
def test_the_demo_seeded_on_a_session_day_still_has_its_seventh_session_to_come(
    app, runner, moment
):
    with time_machine.travel(moment, tick=False):  # a Tuesday, before and after 9:30am
        result = runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
        assert result.exit_code == 0, result.output
        with app.app_context():
            current = db.session.scalar(select(Cohort.id).where(Cohort.archived_at.is_(None)))
            starts = db.session.scalars(
                select(CourseSession.starts_at)
                .where(CourseSession.cohort_id == current)
                .order_by(CourseSession.number)
            ).all()
            now = utcnow()
    assert starts[5] < now < starts[6], (starts[5], now, starts[6])
    assert starts[6] - now < timedelta(days=8)  # and it is soon


def test_seed_demo_refuses_a_database_with_real_users(app, runner, make_user):
    make_user(email="real.person@council.gov.uk")
    result = runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code != 0
    assert "not demo accounts" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Cohort.id))) == 0


def test_seed_demo_without_password_uses_the_documented_one(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "reflective-practice-demo" in result.output
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "reflective-practice-demo" in readme
    assert Auth(app.test_client()).login("trainer1@example.org", "reflective-practice-demo")


def test_init_loads_the_demo_only_into_an_empty_database(app, runner, make_user):
    result = runner.invoke(args=["init"])
    assert "demo cohort has been loaded" in result.output
    again = runner.invoke(args=["init"])
    assert "loaded" not in again.output.split("\n")[0]
    with app.app_context():  # this year's, last year's and Northfield's
        assert db.session.scalar(select(func.count(Cohort.id))) == 3


def test_create_user_checks_the_password(app, runner):
    weak = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "A", "--password", "short"]
    )
    assert weak.exit_code != 0 and "at least 12 characters" in weak.output
    ok = runner.invoke(
        args=[
            "create-user",
            "--email",
            "a@example.org",
            "--name",
            "A",
            "--password",
            "a long admin passphrase",
        ]
    )
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "a@example.org")) == "admin"


def test_import_users_command_is_all_or_nothing(app, runner, cohort, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,email,role,team,cohort\nA,a@example.org,participant,T,Test Borough\n"
        "B,b@example.org,participant,T,No Such Cohort\n"
    )
    result = runner.invoke(args=["import-users", str(bad)])
    assert result.exit_code != 0 and "Line 3" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
