"""People who join part-way (issue 22, item 2): the sessions held before they joined count for
nothing, for them or for the cohort's rates, and the import preview says so beforehand."""

import io
import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import CohortMember, Role, User
from course.modules.attendance.models import AttendanceMark
from course.modules.programme.models import CourseSession
from tests.conftest import form_token
from tests.meet_support import (
    BEFORE_SESSION_7,
    make_cohort,
    member,
    post_form,
    session_id,
    signed_in,
)

NEWCOMERS = "name,email,role,team,cohort\n" + "".join(
    f"New Person {n},new{n}@example.org,participant,Team {n},Fixed Borough\n" for n in range(1, 6)
)


def _held_cohort(app, make_user):
    """Ten members marked at sessions 1 to 6: all present but one absence at session 3."""
    cohort_id = make_cohort(app)
    people = [member(make_user, cohort_id, f"Original {n:02}") for n in range(1, 11)]
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort_id, name="Tess Trainer")
    evaluator = make_user(role=Role.EVALUATOR, cohort_id=cohort_id)
    with app.app_context():
        sessions = db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == cohort_id, CourseSession.number <= 6)
            .order_by(CourseSession.number)
        ).all()
        for course_session in sessions:
            for person in people:
                absent = course_session.number == 3 and person is people[0]
                db.session.add(
                    AttendanceMark(
                        session_id=course_session.id,
                        user_id=person.id,
                        status="absent" if absent else "present",
                        marked_by_id=trainer.id,
                    )
                )
        db.session.commit()
    return cohort_id, trainer, evaluator


def _rates(page):
    """Every percentage on a page, in order."""
    return re.findall(r"\d+%", page)


def _import(app, make_user):
    admin = signed_in(app, make_user(role=Role.ADMIN))
    token = form_token(admin, "/admin/users/import")
    preview = admin.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(NEWCOMERS.encode()), "people.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = form_token(admin, "/admin/users/import")
    admin.post("/admin/users/import/confirm", data={"csv_text": NEWCOMERS, "csrf_token": token})
    return preview


def test_people_imported_after_six_sessions_change_no_rate_for_those_sessions(app, make_user):
    cohort_id, trainer, evaluator = _held_cohort(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        trainer_client = signed_in(app, trainer)
        evaluator_client = signed_in(app, evaluator)
        before = trainer_client.get("/attendance/").get_data(as_text=True)
        before_evaluator = evaluator_client.get("/attendance/").get_data(as_text=True)
        assert "98%" in before  # 59 of 60

        preview = _import(app, make_user)
        assert "Fixed Borough has already held 6 sessions." in preview
        assert "do not count for or against them" in preview

        after = trainer_client.get("/attendance/").get_data(as_text=True)
        after_evaluator = evaluator_client.get("/attendance/").get_data(as_text=True)
    assert "15 people attend" in after
    # The cohort's rate over the sessions held is what it was, for trainers and the evaluator.
    assert _rates(after)[0] == _rates(before)[0] == "98%"
    assert _rates(after_evaluator)[:1] == _rates(before_evaluator)[:1]
    per_session = re.findall(r"<td>Session \d[^<]*</td><td class=\"num\">(\d+%)", after_evaluator)
    assert per_session == ["100%", "100%", "90%", "100%", "100%", "100%"]
    # Each newcomer's row: nothing held yet for them, shown as "not a member then".
    row = after[after.index("New Person 1<") :]
    row = row[: row.index("</tr>")]
    assert row.count("Not a member then") == 6
    assert '<td class="num">0/0</td>' in row


def test_a_newcomer_sees_only_the_sessions_since_joining(app, make_user):
    cohort_id, trainer, _ = _held_cohort(app, make_user)
    with app.app_context():
        newcomer = member(make_user, cohort_id, "Nia Newcomer", joined_on=BEFORE_SESSION_7.date())
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        page = signed_in(app, newcomer).get("/attendance/").get_data(as_text=True)
    assert "0 of 0 sessions held so far" in page
    assert "0 of 5 sessions" in page  # sessions 7 to 11 are the ones that are theirs
    assert page.count("Not counted: you were not in the cohort then") == 6
    assert "Catch-up to do" not in page and "catch-up to do" not in page


def _on_the_morning_of(app, cohort_id, number):
    """A moment just after the session starts, when its register is open."""
    with app.app_context():
        starts = db.session.scalar(
            select(CourseSession.starts_at).where(
                CourseSession.cohort_id == cohort_id, CourseSession.number == number
            )
        )
    return time_machine.travel(starts + timedelta(minutes=5), tick=False)


def _register(app, user, cohort_id, number):
    """The session's register page as `user` sees it."""
    page = signed_in(app, user).get(f"/attendance/{session_id(app, cohort_id, number)}")
    return page.get_data(as_text=True)


def test_a_newcomer_is_on_no_register_from_before_they_joined(app, make_user):
    cohort_id, trainer, _ = _held_cohort(app, make_user)
    with app.app_context():
        member(make_user, cohort_id, "Nia Newcomer", joined_on=BEFORE_SESSION_7.date())
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        first = _register(app, trainer, cohort_id, 1)
    with _on_the_morning_of(app, cohort_id, 7):
        seventh = _register(app, trainer, cohort_id, 7)
    assert "Original 01" in first and "Nia Newcomer" not in first
    assert "Original 01" in seventh and "Nia Newcomer" in seventh


def test_an_administrator_records_that_someone_left_and_can_undo_it(app, make_user):
    cohort_id, trainer, _ = _held_cohort(app, make_user)
    admin = make_user(role=Role.ADMIN)
    path = f"/admin/cohorts/{cohort_id}"
    with app.app_context():
        leaver = db.session.scalar(
            select(CohortMember)
            .join(User, User.id == CohortMember.user_id)
            .where(CohortMember.cohort_id == cohort_id, User.name == "Original 02")
        ).id
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        client = signed_in(app, admin)
        assert (
            post_form(client, path, {}, action=f"{path}/members/{leaver}/left").status_code == 302
        )
        page = client.get(path).get_data(as_text=True)
        third = _register(app, trainer, cohort_id, 3)
    assert "Recorded that Original 02 left on 25 February 2026" in page
    assert "left on" in page[page.index(">Original 02<") :].split("</tr>")[0]
    assert "Original 02" in third  # a session while they were a member: kept
    with _on_the_morning_of(app, cohort_id, 7):
        assert "Original 02" not in _register(app, trainer, cohort_id, 7)  # after they left
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "cohort_member_left")
        )
        assert event.actor_id == admin.id

    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        post_form(client, path, {}, action=f"{path}/members/{leaver}/returned")
    with _on_the_morning_of(app, cohort_id, 7):
        assert "Original 02" in _register(app, trainer, cohort_id, 7)
