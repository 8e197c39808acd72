"""The register makes as many queries for a busy register as for a bare one, errors and all."""
# ruff: noqa: F811 - the register fixtures are imported from test_attendance_register

from test_attendance_register import (  # noqa: F401 - fixtures
    held,
    read_form,
    sessions,
    trainer,
)

from course import audit
from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.attendance.models import AttendanceMark, CheckIn


def _make_busy(app, session_id, people, trainers):
    """Check-ins, apologies sent in advance, and 60 changes by two trainers in the history."""
    with app.app_context():
        for n, person in enumerate(people[:3]):
            db.session.add(
                CheckIn(
                    session_id=session_id,
                    user_id=person.id,
                    status="present",
                    had_apologies=n == 1,
                    apology_reason="court" if n == 1 else None,
                )
            )
        for person in people[3:5]:
            db.session.add(
                AttendanceMark(
                    session_id=session_id,
                    user_id=person.id,
                    status="apologies",
                    apology_reason="sickness",
                    marked_by_id=person.id,
                )
            )
        actors = [db.session.get(User, t.id) for t in trainers]
        for n in range(60):
            audit.record(
                "register_mark_changed",
                actor=actors[n % 2],
                object_type="CourseSession",
                object_id=session_id,
                person=people[n % len(people)].name,
                from_status="Unmarked",
                to_status="Present",
            )
        db.session.commit()


def test_a_busy_register_makes_as_many_queries_as_a_bare_one(
    app,
    cohort,
    make_user,
    trainer,
    login,
    held,
    count_queries,
):
    people = [make_user(cohort_id=cohort) for _ in range(6)]
    other = make_user(role=Role.TRAINER, cohort_id=cohort, name="Tom Trainer")
    client = login(trainer)
    path = f"/attendance/{held.id}"
    client.get(path)
    with count_queries() as bare:
        assert client.get(path).status_code == 200
    _make_busy(app, held.id, people, [trainer, other])
    with count_queries() as busy:
        page = client.get(path).get_data(as_text=True)
    assert page.count("Checked in at") == 3
    assert page.count("Sent apologies in advance") == 2
    assert page.count("<tr><td>") == 50  # the latest 50 changes
    assert "Judith Trainer" in page and "Tom Trainer" in page
    assert len(busy) == len(bare)


def test_a_register_with_one_error_or_thirty_makes_as_many_queries(
    app,
    cohort,
    make_user,
    add_participants,
    trainer,
    login,
    held,
    count_queries,
):
    client = login(trainer)
    path = f"/attendance/{held.id}"

    def post_with_remarks_alone():
        fields = read_form(client.get(path).get_data(as_text=True))
        for name in [name for name in fields if name.endswith("-note")]:
            fields[name] = "A remark alone"
        with count_queries() as queries:
            page = client.post(path, data=fields).get_data(as_text=True)
        return page, queries

    add_participants(cohort, 1)
    page, one = post_with_remarks_alone()
    assert page.count('aria-invalid="true"') == 1
    add_participants(cohort, 29)
    page, thirty = post_with_remarks_alone()
    assert page.count('aria-invalid="true"') == 30
    assert len(one) == len(thirty)
