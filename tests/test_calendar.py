"""The private calendar feed and the one-off .ics: content, updates, cancellations, access."""

import re
from datetime import date, timedelta

from icalendar import Calendar
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from course.modules.calendar.models import CalendarFeed
from course.modules.presentations.models import Presentation, PresentationStatus
from course.modules.programme.models import CourseSession
from course.modules.programme.services import create_programme
from course.modules.readings.models import Reading, ReadingProgress, SessionReading
from tests.conftest import Auth, form_token


def signed_in(app, user):
    """A fresh client signed in as the user (each person in a test has their own browser)."""
    client = app.test_client()
    assert Auth(client).login(user).status_code == 302
    return client


def get_feed_url(client):
    """Make a feed link through the real page and return its path."""
    response = client.post("/calendar/link", data={"csrf_token": form_token(client, "/calendar/")})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    match = re.search(
        r'id="feed-url" readonly value="http://localhost(/calendar/[^"]+\.ics)"',
        (response.get_data(as_text=True)),
    )
    assert match, "the new link is shown"
    return match.group(1)


def fetch_calendar(app, path):
    """Fetch a feed as a calendar program would: no cookies, no sign-in."""
    response = app.test_client().get(path)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events_by_number(calendar):
    """{session number: VEVENT}, from the summary 'Session 3: ...'."""
    return {
        int(re.search(r"Session (\d+):", str(event["SUMMARY"])).group(1)): event
        for event in calendar.walk("VEVENT")
    }


def sessions_of(app, cohort_id):
    """{number: session id} of a cohort."""
    with app.app_context():
        rows = db.session.execute(
            select(CourseSession.number, CourseSession.id).where(
                CourseSession.cohort_id == cohort_id
            )
        )
        return dict(rows.all())


def test_feed_parses_and_holds_the_cohorts_eleven_sessions(app, cohort, make_user, login):
    client = login(make_user(cohort_id=cohort))
    calendar = fetch_calendar(app, get_feed_url(client))
    events = events_by_number(calendar)
    assert sorted(events) == list(range(1, 12))
    first = events[1]
    assert str(first["SUMMARY"]) == "Session 1: Why reflective supervision, why now"
    assert str(first["LOCATION"]) == "Training room, Civic Centre"
    assert "Focus:" in str(first["DESCRIPTION"]) and "ground rules" in str(first["DESCRIPTION"])
    assert str(first["STATUS"]) == "CONFIRMED"
    start = first.decoded("DTSTART")
    assert (start.hour, start.minute) == (9, 30) and str(start.tzinfo) == "Europe/London"
    alarm = first.walk("VALARM")[0]
    assert alarm.decoded("TRIGGER") == -timedelta(days=1)
    assert str(calendar["X-WR-CALNAME"]) == "Reflective supervision: Test Borough"


def test_feed_shows_my_readings_to_do_and_whether_i_am_presenting(app, cohort, make_user, login):
    me = make_user(cohort_id=cohort)
    other = make_user(cohort_id=cohort)
    ids = sessions_of(app, cohort)
    with app.app_context():
        unread = Reading(title="Containment in the organisation", authors="Ruch", year=2007)
        done = Reading(title="Learning from experience", authors="Kolb", year=1984)
        extra = Reading(title="An optional chapter", authors="Hughes", year=2012)
        db.session.add_all([unread, done, extra])
        db.session.flush()
        db.session.add_all(
            [
                SessionReading(session_id=ids[8], reading_id=unread.id, required=True),
                SessionReading(session_id=ids[8], reading_id=done.id, required=True),
                SessionReading(session_id=ids[8], reading_id=extra.id, required=False),
                ReadingProgress(user_id=me.id, reading_id=done.id),
                Presentation(
                    session_id=ids[8], presenter_id=me.id, kind="stuck_case",
                    title="A stuck case", status=PresentationStatus.CONFIRMED, slot=1,
                ),
                Presentation(
                    session_id=ids[9], presenter_id=me.id, kind="stuck_case",
                    title="Another case", status=PresentationStatus.RESERVE,
                ),
            ]
        )  # fmt: skip
        db.session.commit()
    mine = events_by_number(fetch_calendar(app, get_feed_url(signed_in(app, me))))
    eighth = str(mine[8]["DESCRIPTION"])
    assert "You are presenting a case at this session." in eighth
    assert "Ruch (2007), Containment in the organisation" in eighth
    assert "Hughes (2012), An optional chapter (optional)" in eighth
    assert "Learning from experience" not in eighth  # read already
    assert "presenting" not in str(mine[9]["DESCRIPTION"])  # only on the reserve list there
    assert "Readings to do" not in str(mine[7]["DESCRIPTION"])
    theirs = events_by_number(fetch_calendar(app, get_feed_url(signed_in(app, other))))
    assert "presenting" not in str(theirs[8]["DESCRIPTION"])
    assert "Learning from experience" in str(theirs[8]["DESCRIPTION"])


def test_after_a_trainer_edits_a_session_its_uid_stays_and_sequence_goes_up(
    app, cohort, make_user, login
):
    participant = make_user(cohort_id=cohort)
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort)
    feed = get_feed_url(signed_in(app, participant))
    before = events_by_number(fetch_calendar(app, feed))[9]
    session_id = sessions_of(app, cohort)[9]

    client = signed_in(app, trainer)
    edit_path = f"/programme/{session_id}/edit"
    page = client.get(edit_path).get_data(as_text=True)
    day = re.search(r'name="day"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        edit_path,
        data={
            "csrf_token": form_token(client, edit_path),
            "number": 9,
            "title": "Moved to the afternoon",
            "day": day,
            "start_time": "14:00",
            "end_time": "16:30",
            "location": "Room 2, Town Hall",
            "focus": "New focus",
            "presentation_slots": 2,
        },
    )
    assert response.status_code == 302

    after = events_by_number(fetch_calendar(app, feed))[9]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["SUMMARY"]) == "Session 9: Moved to the afternoon"
    assert after.decoded("DTSTART").hour == 14
    assert str(after["LOCATION"]) == "Room 2, Town Hall"


def test_a_cancelled_session_is_sent_as_cancelled_without_an_alarm(app, cohort, make_user, login):
    feed = get_feed_url(login(make_user(cohort_id=cohort)))
    with app.app_context():
        course_session = db.session.get(CourseSession, sessions_of(app, cohort)[10])
        course_session.cancelled = True
        course_session.sequence += 1
        db.session.commit()
    event = events_by_number(fetch_calendar(app, feed))[10]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: Session 10")
    assert int(event["SEQUENCE"]) == 1
    assert event.walk("VALARM") == []


def test_times_are_right_on_both_sides_of_a_clock_change(app, make_user, login):
    with app.app_context():
        cohort = Cohort(
            name="Autumn Borough", organisation="Autumn Borough Council",
            starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31),
        )  # fmt: skip
        db.session.add(cohort)
        db.session.flush()
        create_programme(cohort)  # 9:30am UK time, first Tuesdays: 7 Oct (BST), 4 Nov (GMT)
        db.session.commit()
        cohort_id = cohort.id
    response_path = get_feed_url(login(make_user(cohort_id=cohort_id)))
    raw = app.test_client().get(response_path).get_data(as_text=True)
    assert "DTSTART;TZID=Europe/London:20251007T093000" in raw
    assert "DTSTART;TZID=Europe/London:20251104T093000" in raw

    calendar = Calendar.from_ical(raw)
    events = events_by_number(calendar)
    october, november = events[2].decoded("DTSTART"), events[3].decoded("DTSTART")
    assert (october.hour, october.minute, november.hour, november.minute) == (9, 30, 9, 30)
    assert october.utcoffset() == timedelta(hours=1)  # British Summer Time
    assert november.utcoffset() == timedelta(0)  # Greenwich Mean Time
    # A calendar that reads only the VTIMEZONE in the file gets the same answer.
    zone = calendar.walk("VTIMEZONE")[0].to_tz()
    assert zone.utcoffset(october.replace(tzinfo=None)) == timedelta(hours=1)
    assert zone.utcoffset(november.replace(tzinfo=None)) == timedelta(0)
    spring = events[8].decoded("DTSTART")  # 7 April 2026, after the clocks go forward
    assert (spring.hour, spring.utcoffset()) == (9, timedelta(hours=1))


def test_a_revoked_or_replaced_link_answers_404(app, cohort, make_user, login):
    client = login(make_user(cohort_id=cohort))
    old = get_feed_url(client)
    new = get_feed_url(client)
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    client.post("/calendar/revoke", data={"csrf_token": form_token(client, "/calendar/")})
    assert app.test_client().get(new).status_code == 404
    assert "You have no calendar link yet" in client.get("/calendar/").get_data(as_text=True)


def test_a_link_opens_only_its_owners_calendar(app, cohort, make_user, login):
    with app.app_context():
        elsewhere = Cohort(
            name="Other Borough", organisation="Other Borough Council",
            starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31),
        )  # fmt: skip
        db.session.add(elsewhere)
        db.session.flush()
        create_programme(elsewhere, location="Other Borough Hall")
        db.session.commit()
        other_cohort = elsewhere.id
    mine = get_feed_url(signed_in(app, make_user(cohort_id=cohort)))
    theirs = get_feed_url(signed_in(app, make_user(cohort_id=other_cohort)))
    my_places = {str(e["LOCATION"]) for e in fetch_calendar(app, mine).walk("VEVENT")}
    their_places = {str(e["LOCATION"]) for e in fetch_calendar(app, theirs).walk("VEVENT")}
    assert my_places == {"Training room, Civic Centre"}
    assert their_places == {"Other Borough Hall"}
    # Replacing their link does not touch mine, and a made-up token opens nothing.
    assert app.test_client().get(mine).status_code == 200
    assert app.test_client().get("/calendar/" + "x" * 43 + ".ics").status_code == 404


def test_the_feed_of_someone_in_two_cohorts_holds_both_cohorts_sessions(
    app, cohort, make_user, login
):
    with app.app_context():
        elsewhere = Cohort(
            name="Other Borough", organisation="Other Borough Council",
            starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31),
        )  # fmt: skip
        db.session.add(elsewhere)
        db.session.flush()
        create_programme(elsewhere, location="Other Borough Hall")
        db.session.commit()
        other_cohort = elsewhere.id
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort)
    with app.app_context():
        db.session.add(CohortMember(cohort_id=other_cohort, user_id=trainer.id))
        db.session.commit()
    calendar = fetch_calendar(app, get_feed_url(signed_in(app, trainer)))
    places = [str(e["LOCATION"]) for e in calendar.walk("VEVENT")]
    assert places.count("Training room, Civic Centre") == places.count("Other Borough Hall") == 11
    assert "Test Borough" in str(calendar["X-WR-CALNAME"])
    assert "Other Borough" in str(calendar["X-WR-CALNAME"])


def test_a_deactivated_persons_link_answers_404(app, cohort, make_user, login):
    user = make_user(cohort_id=cohort)
    feed = get_feed_url(login(user))
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert app.test_client().get(feed).status_code == 404


def test_the_token_is_stored_only_as_its_hash_and_shown_once(app, cohort, make_user, login):
    client = login(make_user(cohort_id=cohort))
    feed = get_feed_url(client)
    token = feed.removeprefix("/calendar/").removesuffix(".ics")
    with app.app_context():
        stored = db.session.scalars(select(CalendarFeed.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]
    page = client.get("/calendar/").get_data(as_text=True)
    assert token not in page
    assert "You have a calendar link" in page


def test_one_off_ics_for_a_session_matches_the_feed(app, cohort, make_user, login):
    client = login(make_user(cohort_id=cohort))
    session_id = sessions_of(app, cohort)[4]
    page = client.get(f"/programme/{session_id}").get_data(as_text=True)
    assert f'href="/calendar/session/{session_id}.ics"' in page
    response = client.get(f"/calendar/session/{session_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="session-4.ics"'
    single = Calendar.from_ical(response.get_data()).walk("VEVENT")
    feed_event = events_by_number(fetch_calendar(app, get_feed_url(client)))[4]
    assert len(single) == 1 and str(single[0]["UID"]) == str(feed_event["UID"])


def test_one_off_ics_of_another_cohorts_session_answers_404(app, cohort, make_user, login):
    with app.app_context():
        elsewhere = Cohort(
            name="Other Borough", organisation="Other Borough Council",
            starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31),
        )  # fmt: skip
        db.session.add(elsewhere)
        db.session.flush()
        other_sessions = create_programme(elsewhere)
        db.session.commit()
        other_id = other_sessions[0].id
    client = login(make_user(cohort_id=cohort))
    assert client.get(f"/calendar/session/{other_id}.ics").status_code == 404


def test_calendar_pages_need_sign_in_and_a_cohort_role(client, make_user, login):
    assert client.get("/calendar/").status_code == 302
    admin = login(make_user(role=Role.ADMIN))
    assert admin.get("/calendar/").status_code == 403


def test_feed_makes_the_same_number_of_queries_for_a_small_and_a_large_cohort(
    app, cohort, make_user, login, count_queries
):
    def queries_for_feed(extra_members):
        user = make_user(cohort_id=cohort)
        with app.app_context():
            for n in range(extra_members):
                extra = User(
                    email=f"extra{n}-{user.id}@example.org", name="Extra", role="participant"
                )
                db.session.add(extra)
                db.session.flush()
                db.session.add(CohortMember(cohort_id=cohort, user_id=extra.id))
            db.session.commit()
        feed = get_feed_url(signed_in(app, user))
        app.test_client().get(feed)  # the first fetch records when it was collected
        with count_queries() as queries:
            assert app.test_client().get(feed).status_code == 200
        return len(queries)

    assert queries_for_feed(0) == queries_for_feed(40)


def test_feed_is_a_subscription_with_refresh_hints_and_no_itip_method(
    cohort, app, make_user, login
):
    client = login(make_user(cohort_id=cohort))
    calendar = fetch_calendar(app, get_feed_url(client))
    # METHOD:PUBLISH would make it an iTIP message, which RFC 5546 says needs an ORGANIZER.
    assert "METHOD" not in calendar or "ORGANIZER" in calendar.walk("VEVENT")[0]
    assert "REFRESH-INTERVAL" in calendar and "X-PUBLISHED-TTL" in calendar


def test_one_off_session_file_carries_no_subscription_refresh_hints(app, cohort, make_user, login):
    client = login(make_user(cohort_id=cohort))
    session_id = sessions_of(app, cohort)[4]
    calendar = Calendar.from_ical(client.get(f"/calendar/session/{session_id}.ics").get_data())
    assert "REFRESH-INTERVAL" not in calendar and "X-PUBLISHED-TTL" not in calendar
    assert "METHOD" not in calendar or "ORGANIZER" in calendar.walk("VEVENT")[0]
