"""Taking a register: the whole cohort in one form, changes audited, concurrent saves kept."""

import csv
import io
import re
import threading
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.attendance import register as register_module
from course.modules.attendance.forms import PersonMarkForm
from course.modules.attendance.models import AttendanceMark
from course.modules.notifications.models import Notification
from course.modules.programme.services import cohort_sessions
from course.timeutil import utcnow
from tests.conftest import Auth


class FormReader(HTMLParser):
    """The values a browser would send for the first POST form on a page."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self.in_form = self.done = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post" and not self.done:
            self.in_form = "action" not in attrs  # the register posts to itself
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit",):
            if attrs.get("type") == "radio":
                if "checked" in attrs:
                    self.fields[name] = attrs["value"]
            else:
                self.fields[name] = attrs.get("value", "")
        elif tag == "select":
            self._select = name
            self.fields[name] = None
        elif (
            tag == "option"
            and self._select
            and (self.fields[self._select] is None or "selected" in attrs)
        ):
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def read_form(html):
    """The register form's fields as a dict, as the page would submit them."""
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def line_of(fields, user_id):
    """The prefix of a person's line in the register form ('people-3-')."""
    for name, value in fields.items():
        if name.endswith("-user_id") and value == str(user_id):
            return name[: -len("user_id")]
    raise AssertionError(f"user {user_id} is not on the register")


def set_mark(fields, user_id, status, reason="", note=None):
    """Change one person's line as a trainer would."""
    prefix = line_of(fields, user_id)
    fields[prefix + "status"] = status
    fields[prefix + "reason"] = reason
    if note is not None:
        fields[prefix + "note"] = note


def stored_marks(app, session_id):
    """{user_id: status} in the database."""
    with app.app_context():
        return {
            m.user_id: m.status
            for m in db.session.scalars(
                select(AttendanceMark).where(AttendanceMark.session_id == session_id)
            )
        }


@pytest.fixture
def sessions(app, cohort):
    """The cohort's sessions, in order."""
    with app.app_context():
        found = cohort_sessions(cohort)
        for s in found:
            db.session.expunge(s)
        return found


@pytest.fixture
def held(sessions):
    """The latest session that has ended."""
    return [s for s in sessions if s.is_past()][-1]


@pytest.fixture
def trainer(make_user, cohort):
    """A trainer of the cohort."""
    return make_user(role=Role.TRAINER, cohort_id=cohort, name="Judith Trainer")


def test_trainer_takes_a_full_register_of_39_people_in_one_submission(
    app, cohort, make_user, trainer, login, held
):
    participants = [make_user(cohort_id=cohort) for _ in range(36)]
    seniors = [make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort) for _ in range(3)]
    client = login(trainer)
    page = client.get(f"/attendance/{held.id}").get_data(as_text=True)
    assert page.count("<fieldset") == 39
    assert "Senior managers (3)" in page and "Participants (36)" in page
    fields = read_form(page)
    wanted = {}
    for n, person in enumerate(participants + seniors):
        status = ["present"] * 6 + ["late", "left_early", "apologies", "absent"]
        wanted[person.id] = status[n % 10]
        set_mark(fields, person.id, wanted[person.id], "court" if n % 10 == 8 else "")
    response = client.post(f"/attendance/{held.id}", data=fields, follow_redirects=True)
    assert response.status_code == 200
    assert "Saved 39 changes to the register." in response.get_data(as_text=True)
    assert stored_marks(app, held.id) == wanted


def test_each_line_of_the_register_has_every_field_and_choice_the_form_accepts(
    cohort, make_user, trainer, login, held
):
    person = make_user(cohort_id=cohort)
    page = login(trainer).get(f"/attendance/{held.id}").get_data(as_text=True)
    prefix = line_of(read_form(page), person.id)
    form = PersonMarkForm()
    names = re.findall(rf'name="{prefix}(\w+)"', page)
    assert set(names) == {field.short_name for field in form}
    radios = re.findall(rf'name="{prefix}status" type="radio" value="(\w+)"', page)
    assert radios == [value for value, _ in form.status.choices]
    select = re.search(rf'<select[^>]* id="{prefix}reason"[^>]*>(.*?)</select>', page).group(1)
    assert re.findall(r'value="(\w*)"', select) == [value for value, _ in form.reason.choices]


def test_register_shows_apologies_sent_in_advance_already_filled_in(
    app, cohort, make_user, trainer, login, auth, sessions
):
    upcoming = [s for s in sessions if not s.has_started()][0]
    person = make_user(cohort_id=cohort, name="Amira Ahmed")
    client = login(person)
    token = Auth(client).csrf_token(f"/attendance/{upcoming.id}/apologies")
    client.post(
        f"/attendance/{upcoming.id}/apologies", data={"reason": "court", "csrf_token": token}
    )
    auth.logout()
    with app.app_context():  # the day comes: the session starts
        from course.modules.programme.models import CourseSession

        moved = db.session.get(CourseSession, upcoming.id)
        moved.starts_at = utcnow() - timedelta(hours=1)
        moved.ends_at = utcnow() + timedelta(hours=2)
        db.session.commit()
    page = login(trainer).get(f"/attendance/{upcoming.id}").get_data(as_text=True)
    fields = read_form(page)
    prefix = line_of(fields, person.id)
    assert fields[prefix + "status"] == "apologies"
    assert fields[prefix + "reason"] == "court"
    assert "Sent apologies in advance on" in page


def test_mark_everyone_still_unmarked_as_present_in_one_step(
    app, cohort, make_user, trainer, login, held
):
    people = [make_user(cohort_id=cohort) for _ in range(5)]
    client = login(trainer)
    fields = read_form(client.get(f"/attendance/{held.id}").get_data(as_text=True))
    set_mark(fields, people[0].id, "absent")
    fields["fill_present"] = "Save, marking everyone still unmarked as present"
    client.post(f"/attendance/{held.id}", data=fields)
    marks = stored_marks(app, held.id)
    assert marks[people[0].id] == "absent"
    assert [marks[p.id] for p in people[1:]] == ["present"] * 4


def test_marks_can_be_changed_after_the_session_and_each_change_is_audited(
    app, cohort, make_user, trainer, login, held
):
    person = make_user(cohort_id=cohort, name="Owen Okafor")
    client = login(trainer)
    fields = read_form(client.get(f"/attendance/{held.id}").get_data(as_text=True))
    set_mark(fields, person.id, "absent", note="Did not call in")
    client.post(f"/attendance/{held.id}", data=fields)
    fields = read_form(client.get(f"/attendance/{held.id}").get_data(as_text=True))
    set_mark(fields, person.id, "late")
    page = client.post(f"/attendance/{held.id}", data=fields, follow_redirects=True)
    assert stored_marks(app, held.id) == {person.id: "late"}
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "register_mark_changed")
            .order_by(AuditEvent.id)
        ).all()
        changes = [
            (
                e.actor_id,
                e.object_id,
                dict(e.detail_items)["from_status"],
                dict(e.detail_items)["to_status"],
            )
            for e in events
        ]
        assert changes == [
            (trainer.id, held.id, "Unmarked", "Absent"),
            (trainer.id, held.id, "Absent", "Late"),
        ]
        assert all(e.at is not None for e in events)
        assert "Did not call in" not in "".join(e.detail or "" for e in events)
    text = page.get_data(as_text=True)
    assert "Changes to this register" in text
    assert "Judith Trainer" in text and "Owen Okafor" in text


def test_saving_an_unchanged_register_writes_nothing(app, cohort, make_user, trainer, login, held):
    make_user(cohort_id=cohort)
    client = login(trainer)
    fields = read_form(client.get(f"/attendance/{held.id}").get_data(as_text=True))
    page = client.post(f"/attendance/{held.id}", data=fields, follow_redirects=True)
    assert "Nothing had changed" in page.get_data(as_text=True)
    assert stored_marks(app, held.id) == {}


def test_a_bad_status_is_shown_next_to_the_person_and_nothing_is_saved(
    app, cohort, make_user, trainer, login, held
):
    person = make_user(cohort_id=cohort, name="Nadia Nowak")
    client = login(trainer)
    fields = read_form(client.get(f"/attendance/{held.id}").get_data(as_text=True))
    set_mark(fields, person.id, "sleeping", note="x" * 400)
    response = client.post(f"/attendance/{held.id}", data=fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Nadia Nowak: Not a valid choice" in page
    assert "Keep the remark to 300 characters" in page
    assert stored_marks(app, held.id) == {}


def test_register_opens_an_hour_before_the_session(cohort, make_user, trainer, login, sessions):
    upcoming = [s for s in sessions if not s.has_started()][0]
    make_user(cohort_id=cohort)
    page = login(trainer).get(f"/attendance/{upcoming.id}").get_data(as_text=True)
    assert "The register opens on" in page
    assert "60 minutes before the session starts" in page
    assert "<fieldset" not in page


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.EVALUATOR])
def test_register_answers_403_to_everyone_but_trainers(cohort, make_user, login, held, role):
    client = login(make_user(role=role, cohort_id=cohort))
    assert client.get(f"/attendance/{held.id}").status_code == 403
    assert client.get(f"/attendance/{held.id}/register.csv").status_code == 403


def test_trainer_of_another_cohort_gets_404_for_the_register(app, make_user, login, held):
    from course.modules.accounts.models import Cohort

    with app.app_context():
        other = Cohort(
            name="Elsewhere", organisation="Other", starts_on=held.starts_at.date(),
            ends_on=held.starts_at.date() + timedelta(days=300),
        )  # fmt: skip
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    client = login(make_user(role=Role.TRAINER, cohort_id=other_id))
    assert client.get(f"/attendance/{held.id}").status_code == 404


def test_register_export_is_csv_for_excel_and_is_audited(
    app, cohort, make_user, trainer, login, held
):
    person = make_user(cohort_id=cohort, name="=HYPERLINK(evil) Zoë", team="North;=1+2")
    client = login(trainer)
    fields = read_form(client.get(f"/attendance/{held.id}").get_data(as_text=True))
    set_mark(fields, person.id, "left_early", note="Left for a strategy meeting")
    client.post(f"/attendance/{held.id}", data=fields)
    response = client.get(f"/attendance/{held.id}/register.csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Name", "Group", "Team", "Status", "Apology reason", "Remark", "Marked at"]
    mine = next(row for row in rows if "Zoë" in row[0])
    # Every cell quoted; a formula neutralised at the start of the cell and after a ";".
    assert mine[:6] == ["'=HYPERLINK(evil) Zoë", "Participant", "North;'=1+2", "Left early", ""] + [
        "Left for a strategy meeting"
    ]
    assert text.splitlines()[0].startswith('"Name","Group"')
    assert all(len(row) == 7 for row in rows)  # no footer row under the people
    assert "\r\n" in text
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "register_exported")
        )
        assert (event.actor_id, event.object_id) == (trainer.id, held.id)


def test_register_as_xlsx_keeps_a_formula_written_as_a_name_as_text(
    app, cohort, make_user, trainer, login, held
):
    make_user(cohort_id=cohort, name="=1+2 Zoë")
    response = login(trainer).get(f"/attendance/{held.id}/register.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if "Zoë" in row[0].value)
    assert "=1+2 Zoë" in names and cell.data_type == "s"


def test_second_absence_in_a_row_tells_the_trainers_once(
    app, cohort, make_user, trainer, login, sessions
):
    past = [s for s in sessions if s.is_past()]
    person = make_user(cohort_id=cohort, name="Kemi Khan")
    client = login(trainer)
    for course_session in past[:2]:
        fields = read_form(client.get(f"/attendance/{course_session.id}").get_data(as_text=True))
        set_mark(fields, person.id, "absent")
        page = client.post(
            f"/attendance/{course_session.id}", data=fields, follow_redirects=True
        ).get_data(as_text=True)
    assert "Kemi Khan has now missed two sessions in a row." in page
    fields = read_form(client.get(f"/attendance/{past[1].id}").get_data(as_text=True))
    set_mark(fields, person.id, "apologies", "sickness")  # still two in a row: no new message
    client.post(f"/attendance/{past[1].id}", data=fields)
    with app.app_context():
        sent = db.session.scalars(
            select(Notification).where(Notification.kind == "consecutive_absences")
        ).all()
        assert [(n.user_id, n.subject) for n in sent] == [
            (trainer.id, "Kemi Khan has missed two sessions in a row")
        ]


def test_correcting_a_mark_to_a_second_absence_in_a_row_tells_the_trainers(
    app, cohort, make_user, trainer, login, sessions
):
    past = [s for s in sessions if s.is_past()]
    person = make_user(cohort_id=cohort, name="Liam Lewis")
    client = login(trainer)
    for course_session, status in ((past[0], "absent"), (past[1], "present")):
        fields = read_form(client.get(f"/attendance/{course_session.id}").get_data(as_text=True))
        set_mark(fields, person.id, status)
        client.post(f"/attendance/{course_session.id}", data=fields)
    fields = read_form(client.get(f"/attendance/{past[1].id}").get_data(as_text=True))
    set_mark(fields, person.id, "absent")  # the register was wrong: they were not there
    page = client.post(f"/attendance/{past[1].id}", data=fields, follow_redirects=True)
    assert "Liam Lewis has now missed two sessions in a row." in page.get_data(as_text=True)
    with app.app_context():
        kinds = db.session.scalars(select(Notification.kind)).all()
        assert kinds == ["consecutive_absences"]


def test_a_mark_changed_by_another_trainer_since_the_page_loaded_is_not_overwritten(
    app, cohort, make_user, two_trainers, held
):
    person = make_user(cohort_id=cohort, name="Maria Morgan")
    path = f"/attendance/{held.id}"
    first, second = two_trainers
    fields = read_form(first.get(path).get_data(as_text=True))
    set_mark(fields, person.id, "present")
    first.post(path, data=fields)
    stale = read_form(first.get(path).get_data(as_text=True))  # shows Present
    fields = read_form(second.get(path).get_data(as_text=True))
    set_mark(fields, person.id, "left_early")
    second.post(path, data=fields)
    set_mark(stale, person.id, "late")
    page = first.post(path, data=stale, follow_redirects=True).get_data(as_text=True)
    assert "Maria Morgan (now Left early)" in page
    assert stored_marks(app, held.id) == {person.id: "left_early"}


# Two trainers saving at once, each from a separate connection in its own thread.


def _slow_writes(monkeypatch, pause=0.3):
    """Hold each save's transaction open after its first write, so the two saves overlap."""
    original = register_module._write_one
    local = threading.local()

    def write_one(*args, **kwargs):
        written = original(*args, **kwargs)
        if not getattr(local, "paused", False):
            local.paused = True
            threading.Event().wait(pause)  # not time.sleep, which libfaketime breaks
        return written

    monkeypatch.setattr(register_module, "_write_one", write_one)


def _save_together(path, submissions):
    """Post each (client, fields) at the same moment from its own thread."""
    start = threading.Barrier(len(submissions))
    statuses = [None] * len(submissions)

    def save(index, client, fields):
        start.wait()
        statuses[index] = client.post(path, data=fields).status_code

    threads = [
        threading.Thread(target=save, args=(i, client, fields))
        for i, (client, fields) in enumerate(submissions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.fixture
def two_trainers(app, cohort, make_user):
    """Two signed-in clients, one for each of the cohort's trainers."""
    clients = []
    for name in ("First Trainer", "Second Trainer"):
        client = app.test_client()
        Auth(client).login(make_user(role=Role.TRAINER, cohort_id=cohort, name=name))
        clients.append(client)
    return clients


def test_two_trainers_saving_the_same_register_at_once_keep_both_sets_of_marks(
    app, cohort, make_user, two_trainers, held, monkeypatch
):
    people = [make_user(cohort_id=cohort) for _ in range(8)]
    path = f"/attendance/{held.id}"
    first, second = two_trainers
    first_form = read_form(first.get(path).get_data(as_text=True))
    second_form = read_form(second.get(path).get_data(as_text=True))
    for person in people[:4]:
        set_mark(first_form, person.id, "present")
    for person in people[4:]:
        set_mark(second_form, person.id, "late")
    _slow_writes(monkeypatch)
    assert _save_together(path, [(first, first_form), (second, second_form)]) == [302, 302]
    assert stored_marks(app, held.id) == {
        **{p.id: "present" for p in people[:4]},
        **{p.id: "late" for p in people[4:]},
    }
    with app.app_context():
        changes = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "register_mark_changed")
        ).all()
        assert len(changes) == 8


def test_two_trainers_changing_the_same_person_at_once_lose_nothing_silently(
    app, cohort, make_user, two_trainers, held, monkeypatch
):
    person = make_user(cohort_id=cohort, name="Farid Fraser")
    path = f"/attendance/{held.id}"
    first, second = two_trainers
    first_form = read_form(first.get(path).get_data(as_text=True))
    second_form = read_form(second.get(path).get_data(as_text=True))
    set_mark(first_form, person.id, "late")
    set_mark(second_form, person.id, "absent")
    _slow_writes(monkeypatch)
    assert _save_together(path, [(first, first_form), (second, second_form)]) == [302, 302]
    stored = stored_marks(app, held.id)[person.id]
    assert stored in ("late", "absent")
    pages = [client.get(path).get_data(as_text=True) for client in two_trainers]
    told = [p for p in pages if "Another trainer changed these marks" in p]
    assert len(told) == 1
    assert f"Farid Fraser (now {'Late' if stored == 'late' else 'Absent'})" in told[0]
    with app.app_context():
        changes = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "register_mark_changed")
        ).all()
        assert len(changes) == 1
