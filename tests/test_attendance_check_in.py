"""Self check-in with the rotating code, and the trainer's live view of the room.

The clock is held still at a moment 10 seconds into a 30-second step, so that "the current
code", "the code before" and "the code of five minutes ago" are what the names say.
"""

import re
import threading
from datetime import timedelta

import pytest
import segno
import time_machine
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.attendance import check_in as checking
from course.modules.attendance import personal_data
from course.modules.attendance import register as register_module
from course.modules.attendance.models import ApologyReason, AttendanceMark, CheckIn
from course.modules.programme.models import CourseSession
from course.modules.programme.services import cohort_sessions
from course.timeutil import format_time
from tests.conftest import Auth, form_token

STEP = timedelta(seconds=30)


@pytest.fixture
def now(clock):
    """The moment, still: 10 seconds into a code's 30-second step."""
    moment = clock.replace(microsecond=0)
    moment -= timedelta(seconds=moment.second % 30) - timedelta(seconds=10)
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def today(app, cohort, now):
    """Session 7, moved to start five minutes from now."""
    return _move_session(app, cohort, 7, now + timedelta(minutes=5))


def _move_session(app, cohort_id, number, starts_at):
    """Move one of the cohort's sessions to start at `starts_at`; returns its id."""
    with app.app_context():
        course_session = next(s for s in cohort_sessions(cohort_id) if s.number == number)
        course_session = db.session.get(CourseSession, course_session.id)
        course_session.starts_at = starts_at
        course_session.ends_at = starts_at + timedelta(hours=3)
        db.session.commit()
        return course_session.id


@pytest.fixture
def trainer(make_user, cohort):
    """A trainer of the cohort."""
    return make_user(role=Role.TRAINER, cohort_id=cohort, name="Judith Trainer")


def signed_in(app, user):
    """A new client signed in as the user (each person on their own phone)."""
    client = app.test_client()
    response = Auth(client).login(user)
    assert response.status_code == 302
    return client


def code(app, session_id, moment):
    """The session's code at a moment (the secret is made if need be)."""
    with app.app_context():
        course_session = db.session.get(CourseSession, session_id)
        secret = checking.session_secret(course_session)
        db.session.commit()
        return checking.code_at(secret, moment)


def check_in(client, session_id, typed):
    """Post a code from the check-in form; the page shown after."""
    path = f"/attendance/{session_id}/check-in"
    token = form_token(client, path)
    response = client.post(path, data={"code": typed, "csrf_token": token}, follow_redirects=True)
    return response.get_data(as_text=True)


def stored(app, session_id):
    """{user_id: status} in the database."""
    with app.app_context():
        return {
            m.user_id: m.status
            for m in db.session.scalars(
                select(AttendanceMark).where(AttendanceMark.session_id == session_id)
            )
        }


def test_trainer_screen_shows_the_current_code_large_with_a_qr_code_named_by_the_code(
    app, cohort, trainer, today, now
):
    client = signed_in(app, trainer)
    page = client.get(f"/attendance/{today}/check-in/screen").get_data(as_text=True)
    current = code(app, today, now)
    spaced = f"{current[:3]} {current[3:]}"
    assert spaced in page
    assert f'<svg role="img" aria-label="QR code for checking in; the code is {spaced}"' in page
    assert "read the code to a friend on the phone" in page  # what does not protect check-in
    link = f"http://localhost/attendance/{today}/check-in?code={current}"
    drawn = re.search(r' d="([^"]+)"', segno.make(link, error="m").svg_inline()).group(1)
    assert drawn in page  # the QR code is the link to the form, with the code filled in
    data = client.get(f"/attendance/{today}/check-in/screen.json").get_json()
    assert data["code"] == f"{current[:3]} {current[3:]}"
    assert data["seconds_left"] == 20


def test_the_qr_code_links_to_the_check_in_form_with_the_code_filled_in(
    app, cohort, make_user, today, now
):
    person = make_user(cohort_id=cohort)
    current = code(app, today, now)
    client = signed_in(app, person)
    page = client.get(f"/attendance/{today}/check-in?code={current}").get_data(as_text=True)
    assert f'value="{current}"' in page


def test_participant_sees_check_in_now_and_checks_in_present_with_the_current_code(
    app, cohort, make_user, trainer, today, now
):
    person = make_user(cohort_id=cohort, name="Asha Patel")
    client = signed_in(app, person)
    assert "Check in now" in client.get("/").get_data(as_text=True)
    assert "Check in now" in client.get(f"/programme/{today}").get_data(as_text=True)
    page = check_in(client, today, code(app, today, now))
    assert "You are checked in: Present" in page
    assert "Check in now" not in page
    assert stored(app, today) == {person.id: "present"}
    with app.app_context():
        changes = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "register_mark_changed")
        ).all()
        assert [(e.actor_id, e.object_id) for e in changes] == [(person.id, today)]


def test_the_code_of_the_step_before_is_still_accepted(app, cohort, make_user, today, now):
    person = make_user(cohort_id=cohort)
    page = check_in(signed_in(app, person), today, code(app, today, now - STEP))
    assert "You are checked in: Present" in page


def test_a_code_from_five_minutes_ago_is_refused_as_expired(app, cohort, make_user, today, now):
    person = make_user(cohort_id=cohort)
    page = check_in(signed_in(app, person), today, code(app, today, now - timedelta(minutes=5)))
    assert "That code has expired" in page
    assert stored(app, today) == {}


def test_a_code_two_steps_old_is_refused(app, cohort, make_user, today, now):
    person = make_user(cohort_id=cohort)
    page = check_in(signed_in(app, person), today, code(app, today, now - 2 * STEP))
    assert "That code has expired" in page
    assert stored(app, today) == {}


def test_a_wrong_code_is_refused_next_to_the_field_keeping_what_was_typed(
    app, cohort, make_user, today, now
):
    person = make_user(cohort_id=cohort)
    right = code(app, today, now)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    page = check_in(signed_in(app, person), today, wrong)
    assert "That code is not right" in page
    assert 'id="code-error"' in page and f'value="{wrong}"' in page
    assert stored(app, today) == {}


def test_a_code_of_another_session_is_refused_as_another_sessions(
    app, cohort, make_user, today, now
):
    other = _move_session(app, cohort, 8, now + timedelta(minutes=10))
    person = make_user(cohort_id=cohort)
    page = check_in(signed_in(app, person), today, code(app, other, now))
    assert "That code is for a different session" in page
    assert stored(app, today) == {}


def test_a_senior_manager_checks_in_too(app, cohort, make_user, today, now):
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort)
    client = signed_in(app, senior)
    assert "Check in now" in client.get("/").get_data(as_text=True)
    assert "You are checked in: Present" in check_in(client, today, code(app, today, now))
    assert stored(app, today) == {senior.id: "present"}


def test_someone_not_in_the_cohort_is_told_they_cannot_check_in_here(
    app, cohort, make_user, today, now
):
    outsider = make_user()
    response = signed_in(app, outsider).get(f"/attendance/{today}/check-in")
    assert response.status_code == 404
    assert "not for a session of your cohort" in response.get_data(as_text=True)


def test_someone_already_marked_is_told_so_and_their_mark_is_kept(
    app, cohort, make_user, today, now
):
    person = make_user(cohort_id=cohort)
    client = signed_in(app, person)
    check_in(client, today, code(app, today, now))
    page = check_in(client, today, code(app, today, now))
    assert "You are already marked Present" in page


def test_a_trainers_absent_mark_is_not_overwritten_by_a_check_in(
    app, cohort, make_user, today, now
):
    person = make_user(cohort_id=cohort)
    with app.app_context():
        db.session.add(AttendanceMark(session_id=today, user_id=person.id, status="absent"))
        db.session.commit()
    page = check_in(signed_in(app, person), today, code(app, today, now))
    assert "You are already marked Absent" in page
    assert stored(app, today) == {person.id: "absent"}


def test_someone_who_sent_apologies_can_check_in_and_the_apology_is_kept(
    app, cohort, make_user, trainer, today, now
):
    person = make_user(cohort_id=cohort, name="Ben Okafor")
    with app.app_context():
        db.session.add(
            AttendanceMark(
                session_id=today,
                user_id=person.id,
                status="apologies",
                apology_reason="sickness",
                marked_by_id=person.id,
            )
        )
        db.session.commit()
    page = check_in(signed_in(app, person), today, code(app, today, now))
    assert "Your apologies stay in the record" in page
    assert stored(app, today) == {person.id: "present"}
    with app.app_context():
        record = db.session.scalar(select(CheckIn).where(CheckIn.user_id == person.id))
        assert (record.had_apologies, record.apology_reason) == (True, "sickness")
        sections = {s.key: s for s in personal_data.export(db.session.get(User, person.id))}
        [kept] = sections["check_ins"].records
        assert (kept["had_apologies"], kept["apology_reason"]) == (True, "sickness")
    trainer_client = signed_in(app, trainer)
    live = trainer_client.get(f"/attendance/{today}/live").get_data(as_text=True)
    assert "had sent apologies" in live
    # The register says so too, beside the person's name.
    register = trainer_client.get(f"/attendance/{today}").get_data(as_text=True)
    row = register[register.index('<legend class="register-name">Ben Okafor') :]
    row = row[: row.index("</fieldset>")]
    reason = ApologyReason("sickness").label
    assert f"Checked in at {format_time(now)}, had sent apologies ({reason})" in row


def test_check_in_after_the_late_margin_is_late_and_long_after_the_start_is_flagged(
    app, cohort, make_user, trainer, now
):
    started = _move_session(app, cohort, 7, now - timedelta(minutes=25))
    person = make_user(cohort_id=cohort, name="Cara Lewis")
    page = check_in(signed_in(app, person), started, code(app, started, now))
    assert "You are checked in: Late" in page
    live = signed_in(app, trainer).get(f"/attendance/{started}/live").get_data(as_text=True)
    line = re.search(rf'data-person="{person.id}">(.*?)</li>', live, re.S).group(1)
    assert re.search(r"<strong[^>]*data-flag>Checked in after", line)  # shown, not hidden


def test_check_in_is_closed_before_the_window_and_the_home_page_does_not_offer_it(
    app, cohort, make_user, now
):
    later = _move_session(app, cohort, 7, now + timedelta(minutes=45))
    person = make_user(cohort_id=cohort)
    client = signed_in(app, person)
    assert "Check in now" not in client.get("/").get_data(as_text=True)
    page = client.get(f"/attendance/{later}/check-in").get_data(as_text=True)
    assert "Check-in is open from" in page
    assert 'name="code"' not in page


def test_wrong_guesses_are_throttled_per_person_even_before_the_right_code(
    app, cohort, make_user, today, now
):
    person = make_user(cohort_id=cohort)
    client = signed_in(app, person)
    right = code(app, today, now)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(checking.GUESS_RULE.limit):
        assert "That code is not right" in check_in(client, today, wrong)
    assert "Too many wrong codes" in check_in(client, today, right)
    assert stored(app, today) == {}
    other = signed_in(app, make_user(cohort_id=cohort))  # someone else is not held back
    assert "You are checked in" in check_in(other, today, right)


def test_many_simultaneous_check_ins_lose_none_and_double_none(
    app, cohort, make_user, today, now, monkeypatch
):
    original = register_module._write_one

    def slow_write(*args, **kwargs):
        written = original(*args, **kwargs)
        threading.Event().wait(0.05)  # hold the transaction open, so the check-ins overlap
        return written

    monkeypatch.setattr(register_module, "_write_one", slow_write)
    people = [make_user(cohort_id=cohort) for _ in range(39)]
    current = code(app, today, now)
    clients = []
    for person in people:
        client = app.test_client()
        Auth(client).login(person)
        token = form_token(client, f"/attendance/{today}/check-in")
        clients.append((client, token))
    clients.append(clients[0])  # one person taps the button twice
    start = threading.Barrier(len(clients))
    statuses = [None] * len(clients)

    def post(index, client, token):
        start.wait()
        statuses[index] = client.post(
            f"/attendance/{today}/check-in", data={"code": current, "csrf_token": token}
        ).status_code

    threads = [threading.Thread(target=post, args=(i, c, t)) for i, (c, t) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(status in (200, 302) for status in statuses), statuses
    assert stored(app, today) == {p.id: "present" for p in people}
    with app.app_context():
        assert len(db.session.scalars(select(CheckIn)).all()) == len(people)
        audited = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "checked_in")
        ).all()
        assert sorted(e.actor_id for e in audited) == sorted(p.id for p in people)


# The trainer's live view


def test_live_view_lists_here_expected_and_apologies_and_its_json_agrees(
    app, cohort, make_user, trainer, today, now
):
    here = make_user(cohort_id=cohort, name="Here Person")
    make_user(cohort_id=cohort, name="Expected Person")
    away = make_user(cohort_id=cohort, name="Away Person")
    with app.app_context():
        db.session.add(
            AttendanceMark(
                session_id=today, user_id=away.id, status="apologies", marked_by_id=away.id
            )
        )
        db.session.commit()
    check_in(signed_in(app, here), today, code(app, today, now))
    page = signed_in(app, trainer).get(f"/attendance/{today}/live").get_data(as_text=True)
    sections = {
        key: re.search(rf'data-group="{key}">(.*?)</ul>', page, re.S).group(1)
        for key in ("here", "expected", "apologies")
    }
    assert "Here Person" in sections["here"]
    assert "Expected Person" in sections["expected"]
    assert "Away Person" in sections["apologies"]
    data = signed_in(app, trainer).get(f"/attendance/{today}/live.json").get_json()
    assert data["counts"] == {"here": 1, "expected": 1, "apologies": 1, "absent": 0}
    assert {p["id"]: p["group"] for p in data["people"]}[here.id] == "here"


def test_participants_cannot_see_the_live_view_or_the_code(app, cohort, make_user, today):
    client = signed_in(app, make_user(cohort_id=cohort))
    for path in ("live", "live.json", "check-in/screen", "check-in/screen.json"):
        assert client.get(f"/attendance/{today}/{path}").status_code in (403, 404)


def _post(client, path, **fields):
    """Post a live-view button with the page's token."""
    token = form_token(client, path.rsplit("/live", 1)[0] + "/live")
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=True)


def test_trainer_marks_someone_by_hand_from_the_live_view_through_the_register_rules(
    app, cohort, make_user, trainer, today
):
    person = make_user(cohort_id=cohort, name="Dev Singh")
    client = signed_in(app, trainer)
    page = _post(
        client, f"/attendance/{today}/live/mark", person=person.id, was="unmarked", status="late"
    ).get_data(as_text=True)
    assert "Saved 1 change" in page
    assert stored(app, today) == {person.id: "late"}
    stale = _post(
        client, f"/attendance/{today}/live/mark", person=person.id, was="unmarked", status="absent"
    ).get_data(as_text=True)
    assert "Dev Singh (now Late)" in stale
    assert stored(app, today) == {person.id: "late"}


def test_mark_everyone_not_yet_here_absent_then_undo_restores_the_register(
    app, cohort, make_user, trainer, today, now
):
    here = make_user(cohort_id=cohort)
    away = make_user(cohort_id=cohort)
    rest = [make_user(cohort_id=cohort) for _ in range(3)]
    with app.app_context():
        db.session.add(
            AttendanceMark(
                session_id=today,
                user_id=away.id,
                status="apologies",
                apology_reason="court",
                marked_by_id=away.id,
            )
        )
        db.session.commit()
    check_in(signed_in(app, here), today, code(app, today, now))
    before = stored(app, today)
    client = signed_in(app, trainer)
    page = _post(client, f"/attendance/{today}/live/absent").get_data(as_text=True)
    assert "Marked 3 people absent" in page
    assert stored(app, today) == {**before, **{p.id: "absent" for p in rest}}
    batch = re.search(r"/live/undo/(\d+)", page).group(1)
    page = _post(client, f"/attendance/{today}/live/undo/{batch}").get_data(as_text=True)
    assert "Undone: 3 people are unmarked again" in page
    assert stored(app, today) == before
    again = _post(client, f"/attendance/{today}/live/undo/{batch}").get_data(as_text=True)
    assert "already been undone" in again


def test_undo_keeps_a_mark_changed_after_the_rest_were_marked_absent(
    app, cohort, make_user, trainer, today
):
    late, other = make_user(cohort_id=cohort, name="Eve Late"), make_user(cohort_id=cohort)
    client = signed_in(app, trainer)
    page = _post(client, f"/attendance/{today}/live/absent").get_data(as_text=True)
    batch = re.search(r"/live/undo/(\d+)", page).group(1)
    _post(client, f"/attendance/{today}/live/mark", person=late.id, was="absent", status="late")
    page = _post(client, f"/attendance/{today}/live/undo/{batch}").get_data(as_text=True)
    assert "Eve Late (now Late)" in page
    assert stored(app, today) == {late.id: "late"}
    assert other.id not in stored(app, today)


def test_a_code_typed_after_check_in_closes_is_refused_with_who_to_tell(
    app, cohort, make_user, now
):
    started = _move_session(app, cohort, 7, now - timedelta(minutes=61))
    person = make_user(cohort_id=cohort)
    client = signed_in(app, person)
    path = f"/attendance/{started}/check-in"
    response = client.post(
        path, data={"code": code(app, started, now), "csrf_token": form_token(client, path)}
    )
    assert "Check-in for this session has closed" in response.get_data(as_text=True)
    assert stored(app, started) == {}


def test_the_live_view_makes_as_many_queries_for_forty_people_as_for_four(
    app, cohort, make_user, add_participants, trainer, today, count_queries
):
    client = signed_in(app, trainer)
    add_participants(cohort, 4)
    with count_queries() as few:
        assert client.get(f"/attendance/{today}/live.json").status_code == 200
    add_participants(cohort, 36)
    with count_queries() as many:
        data = client.get(f"/attendance/{today}/live.json").get_json()
    assert data["counts"]["expected"] == 40
    assert len(many) == len(few)
