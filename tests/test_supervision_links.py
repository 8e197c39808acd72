"""The log and the rest of the course: a journal entry about a supervision, a presentation that
starts from its summary, the person's own data, and pages that cost a fixed number of queries."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from supervision_support import add_record, add_supervisee, page_token, pinned_clock

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.models import JournalEntry
from course.modules.privacy.registry import collect
from course.modules.supervision.models import Supervisee, SupervisionAction, SupervisionRecord
from course.modules.supervision.personal_data import (
    after_cohort_holders,
    delete_after_cohort,
    erase_personal_data,
    personal_data,
)
from course.modules.supervision.schedule import due_state, on_time


@pytest.fixture(autouse=True)
def frozen():
    with pinned_clock():
        yield


@pytest.fixture
def manager(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort)


@pytest.fixture
def record_id(app, manager):
    supervisee_id = add_supervisee(app, manager, label="SW7", newly_qualified=True)
    record_id, _ = add_record(
        app,
        manager,
        supervisee_id,
        date(2026, 3, 2),
        parts={"experience": "Visits keep being cancelled", "reflection": "We feel stuck"},
        decisions=[("Hold the plan", "Nothing new")],
        actions=[dict(what="Joint visit", owner="manager", due_on=date(2026, 3, 16))],
    )
    return record_id


def test_reflect_opens_a_private_journal_entry_linked_to_the_supervision(
    app, manager, login, record_id
):
    client = login(manager)
    response = client.get(f"/supervision/records/{record_id}/reflect")
    assert response.headers["Location"] == f"/journal/new?framework=cycle&supervision={record_id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This entry reflects on your supervision with SW7 on 2 March 2026" in page
    assert "Experience" in page  # the 4x4x4 cycle's prompts
    saved = client.post(
        "/journal/new",
        data={
            "csrf_token": page_token(page),
            "title": "After supervising SW7",
            "framework": "cycle",
            "shown_framework": "cycle",
            "cycle_reflection": "I rushed to the plan.",
            "supervision_record_id": str(record_id),
            "session_id": "0",
            "reading_id": "0",
            "presentation_id": "0",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(JournalEntry))
        assert entry.supervision_record_id == record_id
    entry_page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Reflects on your supervision with SW7" in entry_page
    record_page = client.get(f"/supervision/records/{record_id}").get_data(as_text=True)
    assert "After supervising SW7" in record_page


def test_a_journal_entry_cannot_link_to_someone_elses_supervision(
    app, cohort, make_user, login, record_id
):
    other = make_user(Role.PARTICIPANT, cohort_id=cohort)
    client = login(other)
    page = client.get(f"/journal/new?supervision={record_id}").get_data(as_text=True)
    assert "reflects on" not in page
    assert f'name="supervision_record_id" type="hidden" value="{record_id}"' not in page


def test_bring_to_the_reflecting_team_starts_a_sign_up_with_the_anonymised_summary(
    app, cohort, manager, login, record_id
):
    client = login(manager)
    record_page = client.get(f"/supervision/records/{record_id}").get_data(as_text=True)
    assert "Bring this to the reflecting team" in record_page
    from course.modules.programme.models import CourseSession

    with app.app_context():
        session_id = db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == cohort, CourseSession.number == 9
            )
        )
    response = client.get(f"/supervision/records/{record_id}/present?session={session_id}")
    assert response.headers["Location"] == (
        f"/presentations/{session_id}/signup?supervision={record_id}"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A supervision with a newly qualified worker that feels stuck" in page
    assert "Visits keep being cancelled" in page and "Hold the plan (why: Nothing new)" in page
    assert "SW7" not in page.split("<main")[1] and "2 March" not in page
    assert 'value="supervisory_dilemma" checked' in page or "checked" in page


def test_the_personal_data_holds_the_log_and_erasure_deletes_it(app, manager, record_id):
    with app.app_context():
        data = personal_data(manager)
        assert data["supervisees"][0]["label"] == "SW7"
        record = data["records"][0]
        assert record["parts"]["reflection"] == "We feel stuck"
        assert record["actions"][0]["what"] == "Joint visit"
        sections = {section.key: section for section in collect(manager)}  # the data pack's
        assert sections["supervision_records"].records[0]["decisions"] == [
            {"what": "Hold the plan", "rationale": "Nothing new"}
        ]
        erase_personal_data(manager)
        db.session.commit()
        for model in (Supervisee, SupervisionRecord, SupervisionAction):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_retention_finds_and_deletes_only_the_logs_of_the_people_named(
    app, cohort, make_user, manager, record_id
):
    other = make_user(Role.PARTICIPANT, cohort_id=cohort)
    add_record(app, other, add_supervisee(app, other, label="Theirs"), date(2026, 3, 3))
    with app.app_context():
        assert after_cohort_holders([manager.id]) == {manager.id}
        assert delete_after_cohort([manager.id]) == 1
        db.session.commit()
        managers = db.session.scalars(select(SupervisionRecord.manager_id)).all()
        assert managers == [other.id]


def test_the_lga_schedule_for_a_newly_qualified_worker():
    worker = Supervisee(policy="lga", newly_qualified=True, started_on=date(2026, 1, 5))
    assert due_state(worker, date(2026, 1, 12), date(2026, 1, 13)).due_on == date(2026, 1, 19)
    assert due_state(worker, date(2026, 3, 2), date(2026, 3, 3)).due_on == date(2026, 3, 16)
    assert due_state(worker, date(2026, 7, 6), date(2026, 7, 7)).due_on == date(2026, 8, 6)
    assert due_state(worker, date(2026, 1, 12), date(2026, 1, 20)).state == "overdue"
    assert due_state(worker, None, date(2026, 1, 20)).state == "overdue"
    experienced = Supervisee(policy="lga", newly_qualified=False)
    assert due_state(experienced, None, date(2026, 1, 20)).state == "never"
    assert on_time(experienced, date(2026, 1, 31), date(2026, 2, 28))
    assert not on_time(experienced, date(2026, 1, 31), date(2026, 3, 1))


def _records(app, manager, supervisee_id, n):
    for i in range(n):
        add_record(
            app,
            manager,
            supervisee_id,
            date(2026, 1, 5) + timedelta(days=7 * i),
            decisions=[("Decide", "Why")],
            actions=[dict(what=f"Action {i}", owner="supervisee", due_on=date(2026, 4, 1))],
        )


def test_pages_make_a_fixed_number_of_queries(app, manager, login, count_queries):
    first = add_supervisee(app, manager, label="SW1")
    _records(app, manager, first, 1)
    client = login(manager)
    with app.app_context():
        record_id = db.session.scalar(select(SupervisionRecord.id))
    paths = [
        "/supervision/",
        "/supervision/supervisees",
        f"/supervision/supervisees/{first}",
        f"/supervision/records/{record_id}",
        f"/supervision/supervisees/{first}/records/new",
        "/supervision/export/log.csv",
        "/",
    ]
    before = {}
    for path in paths:
        with count_queries() as queries:
            assert client.get(path).status_code == 200, path
        before[path] = len(queries)
    for i in range(4):
        more = add_supervisee(app, manager, label=f"SW{i + 2}")
        _records(app, manager, more, 3)
    _records(app, manager, first, 3)
    for path in paths:
        with count_queries() as queries:
            client.get(path)
        assert len(queries) == before[path], path


def test_someone_elses_record_starts_no_brief(app, cohort, make_user, login, record_id):
    from course.modules.programme.models import CourseSession

    with app.app_context():
        session_id = db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == cohort, CourseSession.number == 9
            )
        )
    client = login(make_user(Role.PARTICIPANT, cohort_id=cohort))
    page = client.get(f"/presentations/{session_id}/signup?supervision={record_id}")
    assert "Visits keep being cancelled" not in page.get_data(as_text=True)
