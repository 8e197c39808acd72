"""The programme page, the session page, editing sessions and UK times."""

from datetime import UTC, datetime

from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.programme.models import CourseSession
from course.modules.programme.services import create_programme, monthly_dates
from course.timeutil import format_datetime, to_utc, utcnow
from tests.conftest import form_token


def _sessions(app, cohort_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(CourseSession)
                .where(CourseSession.cohort_id == cohort_id)
                .order_by(CourseSession.number)
            )
        )


def test_programme_page_shows_past_next_and_upcoming(app, make_user, login, cohort):
    client = login(make_user(cohort_id=cohort))
    page = client.get("/programme/").get_data(as_text=True)
    sessions = _sessions(app, cohort)
    upcoming = [s for s in sessions if s.ends_at > utcnow()]
    assert "Next session" in page
    assert "Past sessions" in page
    next_block = page.split('class="next"', 1)[1].split("</li>", 1)[0]
    assert upcoming[0].title in next_block
    assert page.count("<li") >= 11


def test_session_page_shows_focus_time_and_place(app, make_user, login, cohort):
    client = login(make_user(cohort_id=cohort))
    session = _sessions(app, cohort)[2]
    page = client.get(f"/programme/{session.id}").get_data(as_text=True)
    assert "What supervision is for" in page
    assert "4x4x4" in page
    assert "Training room, Civic Centre" in page
    assert format_datetime(session.starts_at).split(",")[0] in page


def test_another_cohorts_session_is_not_found(app, make_user, login, cohort):
    with app.app_context():
        other = Cohort(
            name="Other",
            organisation="O",
            starts_on=datetime(2025, 9, 1).date(),
            ends_on=datetime(2026, 7, 31).date(),
        )
        db.session.add(other)
        db.session.flush()
        create_programme(other)
        db.session.commit()
        foreign = db.session.scalar(
            select(CourseSession.id).where(CourseSession.cohort_id == other.id)
        )
    client = login(make_user(cohort_id=cohort))
    assert client.get(f"/programme/{foreign}").status_code == 404


def test_times_are_right_on_both_sides_of_the_clock_change():
    # British Summer Time ended at 2am on 26 October 2025.
    before = to_utc(datetime(2025, 10, 21, 9, 30))
    after = to_utc(datetime(2025, 10, 28, 9, 30))
    assert before == datetime(2025, 10, 21, 8, 30, tzinfo=UTC)
    assert after == datetime(2025, 10, 28, 9, 30, tzinfo=UTC)
    assert format_datetime(before) == "Tuesday 21 October 2025, 9:30am"
    assert format_datetime(after) == "Tuesday 28 October 2025, 9:30am"
    spring = to_utc(datetime(2026, 3, 31, 14, 0))  # after the clocks go forward
    assert spring.hour == 13 and format_datetime(spring).endswith("2:00pm")


def test_sessions_are_monthly_on_a_tuesday():
    dates = monthly_dates(datetime(2010, 9, 1).date())
    assert len(dates) == 11
    assert all(d.weekday() == 1 for d in dates)
    assert dates[0] == datetime(2010, 9, 7).date() and dates[-1].month == 7


def _edit(client, session, **changes):
    path = f"/programme/{session.id}/edit"
    data = {
        "number": session.number,
        "title": session.title,
        "day": "",
        "start_time": "09:30",
        "end_time": "13:00",
        "location": session.location,
        "focus": session.focus,
        "presentation_slots": 2,
        "csrf_token": form_token(client, path),
    }
    data.update(changes)
    return client.post(path, data=data)


def test_trainer_edits_a_session_in_uk_time(app, make_user, login, cohort):
    client = login(make_user(role=Role.TRAINER, cohort_id=cohort))
    session = _sessions(app, cohort)[1]
    day = session.starts_at.date().isoformat()
    response = _edit(
        client,
        session,
        day=day,
        start_time="10:00",
        end_time="15:30",
        title="Learning from experience (moved)",
    )
    assert response.status_code == 302
    changed = _sessions(app, cohort)[1]
    assert changed.title == "Learning from experience (moved)"
    assert format_datetime(changed.starts_at).endswith("10:00am")
    assert changed.sequence == session.sequence + 1


def test_session_edit_refuses_end_before_start_and_keeps_input(app, make_user, login, cohort):
    client = login(make_user(role=Role.TRAINER, cohort_id=cohort))
    session = _sessions(app, cohort)[1]
    day = session.starts_at.date().isoformat()
    page = _edit(
        client, session, day=day, start_time="14:00", end_time="13:00", title="Kept title"
    ).get_data(as_text=True)
    assert "The end time must be after the start time" in page
    assert 'value="Kept title"' in page


def test_session_edit_refuses_a_date_outside_the_cohort(app, make_user, login, cohort):
    client = login(make_user(role=Role.TRAINER, cohort_id=cohort))
    session = _sessions(app, cohort)[1]
    page = _edit(client, session, day="1999-01-05").get_data(as_text=True)
    assert "The date must be within the cohort" in page


def test_session_numbers_are_unique_in_a_cohort(app, make_user, login, cohort):
    client = login(make_user(role=Role.TRAINER, cohort_id=cohort))
    session = _sessions(app, cohort)[1]
    day = session.starts_at.date().isoformat()
    page = _edit(client, session, day=day, number=3).get_data(as_text=True)
    assert "Session 3 already exists in this cohort" in page


def test_participants_cannot_edit_sessions(app, make_user, login, cohort):
    client = login(make_user(cohort_id=cohort))
    session = _sessions(app, cohort)[1]
    assert client.get(f"/programme/{session.id}/edit").status_code == 403


def test_programme_page_makes_the_same_queries_for_36_and_360(
    make_user, login, cohort, count_queries, add_participants
):
    client = login(make_user(cohort_id=cohort))

    add_participants(cohort, 35)
    with count_queries() as small:
        client.get("/programme/")
        client.get("/")
    add_participants(cohort, 324)
    with count_queries() as large:
        client.get("/programme/")
        client.get("/")
    assert len(small) == len(large)
