"""Apologies, catch-up, each role's attendance page, the matrix export, panels and the demo."""

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from course.modules.attendance.models import AttendanceMark, CatchUp
from course.modules.notifications.models import Notification
from course.modules.programme.models import CourseSession
from course.modules.programme.services import cohort_sessions
from course.modules.readings.models import Reading, SessionReading
from course.timeutil import utcnow
from tests.conftest import form_token


@pytest.fixture
def sessions(app, cohort):
    """The cohort's sessions, in order, detached from any database session."""
    with app.app_context():
        found = cohort_sessions(cohort)
        for s in found:
            db.session.expunge(s)
        return found


@pytest.fixture
def past(sessions):
    """The sessions that have ended."""
    return [s for s in sessions if s.is_past()]


@pytest.fixture
def upcoming(sessions):
    """The next session that has not started."""
    return [s for s in sessions if not s.has_started()][0]


@pytest.fixture
def trainers(make_user, cohort):
    """The cohort's two trainers."""
    return [
        make_user(role=Role.TRAINER, cohort_id=cohort, name=name)
        for name in ("Judith Bellamy", "David Lawton")
    ]


def mark(app, course_session, user, status, reason=None, marked_by=None, at=None):
    """Store a mark directly, as a register would."""
    with app.app_context():
        db.session.add(
            AttendanceMark(
                session_id=course_session.id,
                user_id=user.id,
                status=status,
                apology_reason=reason,
                marked_by_id=marked_by.id if marked_by else None,
                marked_at=at or course_session.ends_at,
            )
        )
        db.session.commit()


def notifications(app, kind):
    """(recipient id, subject) of every queued message of a kind."""
    with app.app_context():
        return [
            (n.user_id, n.subject)
            for n in db.session.scalars(
                select(Notification).where(Notification.kind == kind).order_by(Notification.id)
            )
        ]


def post(client, path, data=None, page=None):
    """Post a form with the CSRF token from its page."""
    token = form_token(client, page or path)
    return client.post(path, data={**(data or {}), "csrf_token": token}, follow_redirects=True)


# Apologies


def test_participant_sends_apologies_with_a_reason_and_the_trainers_are_told(
    app, cohort, make_user, login, trainers, upcoming
):
    person = make_user(cohort_id=cohort, name="Amira Ahmed")
    other = make_user(cohort_id=cohort)
    client = login(person)
    page = post(client, f"/attendance/{upcoming.id}/apologies", {"reason": "court"})
    assert "Your apologies for session" in page.get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalar(select(AttendanceMark))
        assert (stored.user_id, stored.status, stored.apology_reason) == (
            person.id,
            "apologies",
            "court",
        )
    told = notifications(app, "apologies")
    assert sorted(user_id for user_id, _ in told) == sorted(t.id for t in trainers)
    assert other.id not in [user_id for user_id, _ in told]
    assert all("court" not in subject.lower() for _, subject in told)
    session_page = client.get(f"/programme/{upcoming.id}").get_data(as_text=True)
    assert "You have sent apologies (Court or statutory duty)" in session_page


def test_apologies_need_a_reason(app, cohort, make_user, login, upcoming):
    client = login(make_user(cohort_id=cohort))
    response = post(client, f"/attendance/{upcoming.id}/apologies", {})
    assert "Choose the reason for your apologies" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AttendanceMark)) is None


def test_senior_manager_sends_and_withdraws_apologies_before_the_session(
    app, cohort, make_user, login, trainers, upcoming
):
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort, name="Sandra Okoye")
    client = login(senior)
    post(client, f"/attendance/{upcoming.id}/apologies", {"reason": "leave"})
    page = post(
        client,
        f"/attendance/{upcoming.id}/apologies/withdraw",
        page=f"/attendance/{upcoming.id}/apologies",
    )
    assert "Your apologies have been withdrawn" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AttendanceMark)) is None
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == upcoming.id)
        ).all()
        assert actions == ["apologies_sent", "apologies_withdrawn"]
    subjects = [subject for _, subject in notifications(app, "apologies")]
    assert f"Sandra Okoye has withdrawn their apologies for session {upcoming.number}" in subjects


def test_apologies_cannot_be_sent_or_withdrawn_once_the_session_has_started(
    app, cohort, make_user, login, upcoming
):
    person = make_user(cohort_id=cohort)
    client = login(person)
    post(client, f"/attendance/{upcoming.id}/apologies", {"reason": "sickness"})
    token = form_token(client, f"/attendance/{upcoming.id}/apologies")
    with app.app_context():
        started = db.session.get(CourseSession, upcoming.id)
        started.starts_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    page = client.post(
        f"/attendance/{upcoming.id}/apologies/withdraw",
        data={"csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "This session has started" in page
    with app.app_context():
        assert db.session.scalar(select(AttendanceMark.status)) == "apologies"
    form_page = client.get(f"/attendance/{upcoming.id}/apologies").get_data(as_text=True)
    assert "apologies can no longer be sent or withdrawn here" in form_page


def test_apologies_after_an_absence_make_two_in_a_row_and_tell_the_trainers(
    app, cohort, make_user, login, trainers, past, upcoming
):
    person = make_user(cohort_id=cohort, name="Ben Brennan")
    for course_session in past:
        mark(app, course_session, person, "present", marked_by=trainers[0])
    with app.app_context():  # the last session held was missed
        last = db.session.scalar(
            select(AttendanceMark).where(AttendanceMark.session_id == past[-1].id)
        )
        last.status = "absent"
        db.session.commit()
    post(login(person), f"/attendance/{upcoming.id}/apologies", {"reason": "leave"})
    assert notifications(app, "consecutive_absences") == [
        (t.id, "Ben Brennan has missed two sessions in a row") for t in trainers
    ]


def test_participant_of_another_cohort_gets_404_for_apologies(app, make_user, login, upcoming):
    client = login(make_user())
    assert client.get(f"/attendance/{upcoming.id}/apologies").status_code == 404


# Catch-up


@pytest.fixture
def readings(app, past):
    """A required and an optional reading on the last session held."""
    with app.app_context():
        required = Reading(title="Containing anxiety", authors="Ruch, G.", year=2007)
        optional = Reading(title="An optional extra", authors="Other, A.", year=2010)
        db.session.add_all([required, optional])
        db.session.flush()
        db.session.add_all(
            [
                SessionReading(session_id=past[-1].id, reading_id=required.id, required=True),
                SessionReading(session_id=past[-1].id, reading_id=optional.id, required=False),
            ]
        )
        db.session.commit()


REFLECTION = (
    "Reading Ruch on containment, I saw how my team's anxiety about visits reaches me in "
    "supervision, and how I pass it on upwards without thinking about it first."
)


def test_a_missed_session_gives_a_catch_up_task_with_its_required_readings(
    app, cohort, make_user, login, trainers, past, readings
):
    person = make_user(cohort_id=cohort)
    mark(app, past[-1], person, "absent", marked_by=trainers[0])
    client = login(person)
    page = client.get("/attendance/").get_data(as_text=True)
    assert "My catch-up tasks" in page
    assert "Ruch, G. (2007) Containing anxiety." in page
    assert "An optional extra" not in page
    assert "Write your catch-up reflection" in page
    home = client.get("/").get_data(as_text=True)
    assert f"Session {past[-1].number}: {past[-1].title}" in home


def test_the_trainer_home_page_lists_the_five_oldest_waiting_catch_ups_and_links_to_all(
    app, cohort, make_user, login, trainers, past
):
    people = [make_user(cohort_id=cohort, name=f"Person {n}") for n in range(7)]
    with app.app_context():
        for n, person in enumerate(people):
            mark(app, past[-1], person, "absent", marked_by=trainers[0])
            db.session.add(
                CatchUp(
                    session_id=past[-1].id,
                    user_id=person.id,
                    reflection=REFLECTION,
                    submitted_at=utcnow() - timedelta(hours=10 - n),  # Person 0 sent first
                    approved_at=utcnow() if n == 3 else None,  # Person 3's is approved
                )
            )
        db.session.commit()
    home = login(trainers[0]).get("/").get_data(as_text=True)
    panel = home.split('id="catch-up-panel-heading"')[1].split("</section>")[0]
    assert "Catch-ups waiting for approval (6)" in panel
    listed = re.findall(r"(Person \d), session", panel)
    assert listed == ["Person 0", "Person 1", "Person 2", "Person 4", "Person 5"]
    assert "See all 6" in panel


def test_catch_up_is_sent_read_by_a_trainer_and_approved(
    app, cohort, make_user, login, auth, trainers, past, readings
):
    person = make_user(cohort_id=cohort, name="Chloe Clarke")
    mark(app, past[-1], person, "apologies", "sickness", marked_by=person)
    client = login(person)
    short = post(client, f"/attendance/catch-up/{past[-1].id}", {"reflection": "Too short."})
    assert "Write between 100 and 5000 characters" in short.get_data(as_text=True)
    sent = post(client, f"/attendance/catch-up/{past[-1].id}", {"reflection": REFLECTION})
    assert "sent to the trainers" in sent.get_data(as_text=True)
    assert "Sent, waiting for approval" in client.get("/attendance/").get_data(as_text=True)
    assert notifications(app, "catch_up") == [
        (t.id, f"Chloe Clarke sent a catch-up reflection for session {past[-1].number}")
        for t in trainers
    ]
    auth.logout()

    trainer_client = login(trainers[1])
    home = trainer_client.get("/").get_data(as_text=True)
    assert "Catch-ups waiting for approval (1)" in home
    with app.app_context():
        catch_up_id = db.session.scalar(select(CatchUp.id))
    review = trainer_client.get(f"/attendance/catch-ups/{catch_up_id}").get_data(as_text=True)
    assert "my team&#39;s anxiety" in review or "my team's anxiety" in review
    post(
        trainer_client,
        f"/attendance/catch-ups/{catch_up_id}/approve",
        page="/",  # the sign-out form's token: reading the review again is audited again
    )
    with app.app_context():
        row = db.session.get(CatchUp, catch_up_id)
        assert row.approved_by_id == trainers[1].id and row.approved_at is not None
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "CatchUp")
        ).all()
        assert actions == ["catch_up_submitted", "catch_up_read", "catch_up_approved"]
        details = db.session.scalars(select(AuditEvent.detail)).all()
        assert all("anxiety" not in (d or "") for d in details)
    auth.logout()
    assert "Caught up" in login(person).get("/attendance/").get_data(as_text=True)


def test_no_catch_up_for_an_attended_session(app, cohort, make_user, login, past):
    person = make_user(cohort_id=cohort)
    mark(app, past[-1], person, "late")
    assert login(person).get(f"/attendance/catch-up/{past[-1].id}").status_code == 404


def test_an_overdue_catch_up_is_refused_until_a_trainer_gives_more_time(
    app, cohort, make_user, login, auth, trainers, past
):
    person = make_user(cohort_id=cohort, name="Dominic Doyle")
    mark(app, past[0], person, "absent", marked_by=trainers[0])  # months ago: overdue now
    client = login(person)
    page = client.get(f"/attendance/catch-up/{past[0].id}").get_data(as_text=True)
    assert "Overdue since" in page and "<textarea" not in page
    assert "Cannot be completed" in client.get("/attendance/").get_data(as_text=True)
    auth.logout()
    trainer_client = login(trainers[0])
    matrix = trainer_client.get("/attendance/").get_data(as_text=True)
    assert "Overdue catch-ups" in matrix and "Dominic Doyle, session 1" in matrix
    post(
        trainer_client,
        f"/attendance/catch-up/{past[0].id}/{person.id}/extend",
        page="/attendance/",
    )
    auth.logout()
    page = login(person).get(f"/attendance/catch-up/{past[0].id}").get_data(as_text=True)
    assert "To do by" in page and "<textarea" in page


def test_trainer_cannot_read_a_catch_up_from_another_cohort(
    app, cohort, make_user, login, past, trainers
):
    person = make_user(cohort_id=cohort)
    mark(app, past[-1], person, "absent")
    with app.app_context():
        row = CatchUp(
            session_id=past[-1].id, user_id=person.id, reflection=REFLECTION, submitted_at=utcnow()
        )
        db.session.add(row)
        db.session.commit()
        row_id = row.id
    outsider = login(make_user(role=Role.TRAINER))
    assert outsider.get(f"/attendance/catch-ups/{row_id}").status_code == 404


# Each role's page


def test_participant_sees_only_their_own_record(app, cohort, make_user, login, trainers, past):
    person = make_user(cohort_id=cohort, name="Esther Evans")
    other = make_user(cohort_id=cohort, name="Farid Fraser")
    for course_session in past:
        mark(app, course_session, person, "present")
        mark(app, course_session, other, "absent")
    client = login(person)
    page = client.get("/attendance/").get_data(as_text=True)
    assert "My record" in page
    assert f"{len(past)} of {len(past)} sessions held so far (100%)" in page
    assert "Present, Late and Left early count as attended." in page
    assert "Farid Fraser" not in page
    assert client.get("/attendance/matrix.csv").status_code == 403


def test_trainer_sees_the_matrix_with_rates_flag_and_forecast(
    app, cohort, make_user, login, trainers, past
):
    steady = make_user(cohort_id=cohort, name="Grace Gill")
    flagged = make_user(cohort_id=cohort, name="Hassan Hughes")
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort, name="Martin Hale")
    for course_session in past:
        mark(app, course_session, steady, "present")
        mark(app, course_session, senior, "late")
    mark(app, past[-2], flagged, "apologies", "sickness")
    mark(app, past[-1], flagged, "absent")
    page = login(trainers[0]).get("/attendance/").get_data(as_text=True)
    assert "Participants (2)" in page and "Senior managers (1)" in page
    assert "Present, Late and Left early count as attended." in page
    row = page[page.index("Hassan Hughes") :]
    row = row[: row.index("</tr>")]
    assert f"0/{len(past)}" in row
    assert "Flagged" in row
    grace = page[page.index("Grace Gill") :]
    grace = grace[: grace.index("</tr>")]
    assert "100%" in grace and "Flagged" not in grace


def test_trainer_home_lists_the_people_the_matrix_flags_in_its_order(
    app, cohort, make_user, login, trainers, past
):
    steady = make_user(cohort_id=cohort, name="Grace Gill")
    back = make_user(cohort_id=cohort, name="Ben Barker")
    flagged = make_user(cohort_id=cohort, name="Hassan Hughes")
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort, name="Amir Senior")
    newcomer = make_user(cohort_id=cohort, name="Kim Newcomer")
    for course_session in past:
        mark(app, course_session, steady, "present")
    mark(app, past[-3], back, "absent")
    mark(app, past[-2], back, "absent")
    mark(app, past[-1], back, "present")  # attending again clears the flag
    mark(app, past[-2], flagged, "apologies", "sickness")
    mark(app, past[-1], flagged, "absent")
    mark(app, past[-2], senior, "absent")
    mark(app, past[-1], senior, "absent")
    # Kim joined after session past[-2]: her mark there counts for nothing, so one absence.
    mark(app, past[-2], newcomer, "absent")
    mark(app, past[-1], newcomer, "absent")
    with app.app_context():
        membership = db.session.scalar(
            select(CohortMember).where(
                CohortMember.user_id == newcomer.id, CohortMember.cohort_id == cohort
            )
        )
        membership.joined_on = (past[-2].ends_at + timedelta(days=1)).date()
        db.session.commit()
    client = login(trainers[0])
    home = client.get("/").get_data(as_text=True)
    assert "Missed two sessions in a row: Hassan Hughes, Amir Senior." in home
    matrix = client.get("/attendance/").get_data(as_text=True)
    flagged_rows = [
        name
        for name in ("Grace Gill", "Ben Barker", "Hassan Hughes", "Amir Senior", "Kim Newcomer")
        if "Flagged" in matrix[matrix.index(name) :].split("</tr>", 1)[0]
    ]
    assert flagged_rows == ["Hassan Hughes", "Amir Senior"]


def test_senior_manager_sees_the_cohort_summary_and_the_people_flagged(
    app, cohort, make_user, login, past
):
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort)
    steady = make_user(cohort_id=cohort, name="Isla Ibrahim")
    flagged = make_user(cohort_id=cohort, name="Joel Jones")
    for course_session in past:
        mark(app, course_session, steady, "present")
        mark(app, course_session, senior, "present")
    mark(app, past[-2], flagged, "absent")
    mark(app, past[-1], flagged, "absent")
    client = login(senior)
    page = client.get("/attendance/").get_data(as_text=True)
    assert "The cohort" in page and "People flagged" in page
    flagged_part = page[page.index("People flagged") : page.index("My own attendance")]
    assert "Joel Jones" in flagged_part and "Two absences in a row" in flagged_part
    assert "Isla Ibrahim" not in page
    assert "Present, Late and Left early count as attended." in page
    assert client.get("/attendance/matrix.csv").status_code == 403


def test_evaluator_sees_rates_only_and_no_names(app, cohort, make_user, login, past):
    people = [make_user(cohort_id=cohort, name=f"Person {n}") for n in range(5)]
    for person in people:
        mark(app, past[-1], person, "present")
    mark(app, past[-2], people[0], "absent")
    page = login(make_user(role=Role.EVALUATOR, cohort_id=cohort)).get("/attendance/")
    text = page.get_data(as_text=True)
    assert "Rate over sessions held" in text
    assert "Present, Late and Left early count as attended." in text
    assert "Person " not in text
    assert "Flagged" not in text


def test_evaluator_sees_nothing_for_a_cohort_smaller_than_k(app, cohort, make_user, login, past):
    people = [make_user(cohort_id=cohort, name=f"Person {n}") for n in range(2)]
    mark(app, past[-1], people[0], "present")
    text = login(make_user(role=Role.EVALUATOR, cohort_id=cohort)).get("/attendance/")
    text = text.get_data(as_text=True)
    assert "fewer than 5 people attending" in text
    assert "Rate over sessions held" not in text


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.EVALUATOR])
def test_matrix_export_answers_403_to_everyone_but_trainers(cohort, make_user, login, role):
    assert (
        login(make_user(role=role, cohort_id=cohort)).get("/attendance/matrix.csv").status_code
        == 403
    )


def test_admin_has_no_attendance_page(make_user, login):
    assert login(make_user(role=Role.ADMIN)).get("/attendance/").status_code == 403


def test_matrix_export_is_csv_for_excel_and_is_audited(
    app, cohort, make_user, login, trainers, past
):
    person = make_user(cohort_id=cohort, name="Zoë Zielinski")
    mark(app, past[-1], person, "apologies", "court")
    response = login(trainers[0]).get("/attendance/matrix.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.headers["Content-Disposition"].endswith('matrix-test-borough.csv"')
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Name", "Group", "Team", "Session 1", "Session 2"]
    assert rows[1][:3] == ["Zoë Zielinski", "Participant", ""]
    assert "Apologies (Court or statutory duty); catch-up to do" in rows[1]
    # The table and nothing else: a note under the data would be read as one more person.
    assert len(rows) == 1 + 1 and all(len(row) == len(rows[0]) for row in rows)


def test_matrix_as_xlsx_opens_with_names_intact_and_typed_figures(
    app, cohort, make_user, login, trainers, past
):
    make_user(cohort_id=cohort, name="Zoë Zielinski")
    response = login(trainers[0]).get("/attendance/matrix.xlsx")
    assert response.headers["Content-Disposition"].endswith('matrix-test-borough.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert rows[1][0] == "Zoë Zielinski" and len(rows) == 2
    assert isinstance(rows[1][header.index("Sessions held")], int)
    assert rows[1][header.index("Two absences in a row")] == "No"
    rate = sheet.cell(row=2, column=header.index("Rate over all sessions") + 1)
    assert isinstance(rate.value, int | float) and rate.number_format == "0%"
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "attendance_matrix_exported")
        )
        assert event.actor_id == trainers[0].id


# Panels


def test_session_page_shows_my_status_and_the_apologies_link(
    app, cohort, make_user, login, past, upcoming
):
    person = make_user(cohort_id=cohort)
    mark(app, past[-1], person, "left_early")
    client = login(person)
    assert "My mark: <strong>Left early</strong>" in client.get(
        f"/programme/{past[-1].id}"
    ).get_data(as_text=True)
    page = client.get(f"/programme/{upcoming.id}").get_data(as_text=True)
    assert f'href="/attendance/{upcoming.id}/apologies">Send apologies' in page


def test_session_page_shows_trainers_the_register_counts(
    app, cohort, make_user, login, trainers, past
):
    people = [make_user(cohort_id=cohort) for _ in range(3)]
    mark(app, past[-1], people[0], "present")
    mark(app, past[-1], people[1], "apologies", "leave")
    page = login(trainers[0]).get(f"/programme/{past[-1].id}").get_data(as_text=True)
    assert "1 present, 0 late, 0 left early, 1 apologies, 0 absent, 1 unmarked (of 3)" in page


# Query counts: the same for a cohort of 36 and of 360


def _add_people(app, cohort_id, sessions, count, start):
    """Add participants with marks for the past sessions and a catch-up each, in bulk."""
    with app.app_context():
        users = [
            User(email=f"bulk{start + n}@example.org", name=f"Bulk {start + n}", role="participant")
            for n in range(count)
        ]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(CohortMember(cohort_id=cohort_id, user_id=u.id) for u in users)
        held = [s for s in sessions if s.is_past()]
        for n, user in enumerate(users):
            for s in held:
                status = "absent" if (n + s.number) % 9 == 0 else "present"
                db.session.add(
                    AttendanceMark(
                        session_id=s.id, user_id=user.id, status=status, marked_at=s.ends_at
                    )
                )
                if status == "absent" and n % 2:
                    db.session.add(
                        CatchUp(
                            session_id=s.id,
                            user_id=user.id,
                            reflection=REFLECTION,
                            submitted_at=utcnow(),
                        )
                    )
        db.session.commit()


@pytest.mark.parametrize("path", ["/attendance/", "/", "/attendance/matrix.csv", "REGISTER"])
def test_trainer_pages_make_the_same_number_of_queries_for_36_and_360_people(
    app, cohort, login, trainers, sessions, count_queries, path
):
    client = login(trainers[0])
    path = (
        f"/attendance/{[s for s in sessions if s.is_past()][-1].id}" if path == "REGISTER" else path
    )
    _add_people(app, cohort, sessions, 36, 0)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    _add_people(app, cohort, sessions, 324, 36)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert len(small) == len(large)


def test_participant_pages_make_the_same_number_of_queries_whatever_the_record(
    app, cohort, make_user, login, sessions, past, count_queries
):
    person = make_user(cohort_id=cohort)
    client = login(person)
    mark(app, past[0], person, "present")
    mark(app, past[1], person, "absent")  # one catch-up, so no list is empty (none is asked for)
    with count_queries() as few:
        client.get("/attendance/")
    for course_session in past[2:]:
        mark(app, course_session, person, "absent")
    with count_queries() as many:
        client.get("/attendance/")
    assert len(few) == len(many)


# Demo


def test_seed_demo_takes_registers_with_one_person_flagged_and_one_catch_up_waiting(app, runner):
    with app.app_context():
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        from course.modules.attendance.records import cohort_rows
        from course.modules.programme.services import cohort_sessions as load_sessions

        cohort_id = db.session.scalar(
            select(Cohort.id).where(Cohort.name.like("Demo Borough%"), Cohort.archived_at.is_(None))
        )
        all_sessions = load_sessions(cohort_id)
        rows = cohort_rows(all_sessions, cohort_id)
        assert len(rows) == 39
        held = [s for s in all_sessions if s.is_past()]
        statuses = [m.status for r in rows for m in r.marks if m]
        assert statuses.count("present") > 0.75 * len(rows) * len(held)
        assert 0 < statuses.count("apologies") < 0.1 * len(statuses)
        assert [r.user.email for r in rows if r.record.flagged] == ["manager07@example.org"]
        catch_ups = db.session.scalars(
            select(CatchUp).where(CatchUp.session_id.in_([s.id for s in all_sessions]))
        ).all()
        assert sum(1 for c in catch_ups if c.approved_at) >= 3
        assert [c.user_id for c in catch_ups if c.waiting_for_approval] == [
            db.session.scalar(select(User.id).where(User.email == "manager12@example.org"))
        ]
