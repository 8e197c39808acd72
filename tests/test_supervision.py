"""The supervision log as a manager uses it: supervisees, records, clarity prompts, actions."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from supervision_support import (
    TODAY,
    add_record,
    add_supervisee,
    page_token,
    pinned_clock,
    record_fields,
)

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.supervision.models import (
    Supervisee,
    SupervisionAction,
    SupervisionRecord,
)


@pytest.fixture(autouse=True)
def frozen():
    """Every test here runs on 10 March 2026."""
    with pinned_clock():
        yield


@pytest.fixture
def manager(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort, name="Grace Hughes")


def _text(response):
    return response.get_data(as_text=True)


def test_participant_records_a_supervision_sees_prompts_and_reviews_the_action_next_time(
    app, manager, login
):
    client = login(manager)
    # Add a supervisee.
    page = _text(client.get("/supervision/supervisees/new"))
    response = client.post(
        "/supervision/supervisees/new",
        data={"csrf_token": page_token(page), "label": "SW1", "policy": "lga"},
    )
    assert response.status_code == 302
    with app.app_context():
        supervisee = db.session.scalar(select(Supervisee))
        assert supervisee.label == "SW1"
        supervisee_id = supervisee.id
    new = f"/supervision/supervisees/{supervisee_id}/records/new"

    # A record with an action that has no date and a decision without a rationale: prompts.
    token = page_token(_text(client.get(new)))
    data = record_fields(
        token,
        **{
            "decisions-0-what": "Step down to child in need",
            "actions-0-what": "Visit Child A at school and see them alone",
            "actions-0-owner": "supervisee",
        },
    )
    prompted = client.post(new, data=data)
    page = _text(prompted)
    assert prompted.status_code == 200
    assert "Before you save" in page
    assert "Action 1 has no date: by when will it be done?" in page
    assert "Decision 1 has no rationale" in page
    assert "Visit Child A at school and see them alone" in page  # everything typed is kept
    with app.app_context():
        assert db.session.scalar(select(SupervisionRecord.id)) is None

    # Add the date and the rationale: saved without prompts.
    data.update(
        {
            "actions-0-due_on": "2026-03-20",
            "actions-0-progress": "SW1 tells me what Child A said",
            "decisions-0-rationale": "Risk has reduced over three months",
        }
    )
    saved = client.post(new, data=data)
    assert saved.status_code == 302
    record_page = _text(client.get(saved.headers["Location"]))
    assert "Visit Child A at school and see them alone" in record_page
    assert "Risk has reduced over three months" in record_page

    # At a glance, the action is open.
    glance = _text(client.get("/supervision/"))
    assert "Open actions" in glance
    assert "Visit Child A at school and see them alone" in glance

    # The next supervision looks back at the action and records it as done.
    with app.app_context():
        action_id = db.session.scalar(select(SupervisionAction.id))
        assert db.session.get(SupervisionAction, action_id).status == "open"
    page = _text(client.get(new))
    assert "Actions from earlier supervisions" in page
    assert "Earlier action 1: Visit Child A at school and see them alone" in page
    later = record_fields(
        page_token(page),
        held_on="2026-03-10",
        **{
            "reviews-0-action_id": str(action_id),
            "reviews-0-outcome": "done",
            "reviews-0-why": "Seen alone, spoke about home",
        },
    )
    assert client.post(new, data=later).status_code == 302
    with app.app_context():
        action = db.session.get(SupervisionAction, action_id)
        assert (action.status, action.closed_on) == ("done", date(2026, 3, 10))
    glance = _text(client.get("/supervision/"))
    assert "No open actions." in glance


def test_an_overdue_action_not_reviewed_is_a_prompt_and_save_anyway_is_counted(app, manager, login):
    supervisee_id = add_supervisee(app, manager)
    _, (action_id,) = add_record(
        app,
        manager,
        supervisee_id,
        date(2026, 2, 2),
        actions=[dict(what="Book the joint visit", owner="manager", due_on=date(2026, 2, 9))],
    )
    client = login(manager)
    new = f"/supervision/supervisees/{supervisee_id}/records/new"
    token = page_token(_text(client.get(new)))
    data = record_fields(token, **{"reviews-0-action_id": str(action_id)})
    del data["part_reflection"], data["note_reflection"]
    page = _text(client.post(new, data=data))
    assert "“Book the joint visit” was due on 9 February 2026 and is not reviewed" in page
    assert "There is no reflection in this record" in page
    data["save_anyway"] = "1"
    assert client.post(new, data=data).status_code == 302
    with app.app_context():
        record = db.session.scalar(
            select(SupervisionRecord).order_by(SupervisionRecord.id.desc()).limit(1)
        )
        assert (record.clarity_prompts, record.saved_anyway) == (2, True)
        assert db.session.get(SupervisionAction, action_id).status == "open"


def test_a_real_name_as_label_is_refused_with_guidance_and_the_rest_kept(app, manager, login):
    client = login(manager)
    token = page_token(_text(client.get("/supervision/supervisees/new")))
    response = client.post(
        "/supervision/supervisees/new",
        data={
            "csrf_token": token,
            "label": "Sarah",
            "newly_qualified": "y",
            "started_on": "2026-01-05",
            "policy": "fortnightly",
        },
    )
    page = _text(response)
    assert response.status_code == 200
    assert "This could identify someone" in page
    assert "<mark>Sarah</mark>" in page
    assert 'value="2026-01-05"' in page
    assert re.search(r'<input checked id="policy-2"[^>]*value="fortnightly"', page)
    assert '<input checked id="newly_qualified"' in page
    with app.app_context():
        assert db.session.scalar(select(Supervisee.id)) is None


def test_an_identifier_in_an_action_is_refused_beside_it_and_every_other_box_kept(
    app, manager, login
):
    supervisee_id = add_supervisee(app, manager)
    client = login(manager)
    new = f"/supervision/supervisees/{supervisee_id}/records/new"
    token = page_token(_text(client.get(new)))
    data = record_fields(
        token,
        **{
            "note_support": "SW1 is tired after duty week",
            "decisions-0-what": "Hold the plan",
            "decisions-0-rationale": "Nothing has changed",
            "actions-0-what": "Call the head at Oakfield Primary School",
            "actions-0-owner": "supervisee",
            "actions-0-due_on": "2026-03-16",
        },
    )
    response = client.post(new, data=data)
    page = _text(response)
    assert response.status_code == 200
    assert "Action 1, What: This could identify someone" in page
    assert "<mark>Oakfield Primary School</mark>" in page
    for kept in ("SW1 is tired after duty week", "Hold the plan", "Nothing has changed"):
        assert kept in page
    assert 'value="2026-03-16"' in page
    with app.app_context():
        assert db.session.scalar(select(SupervisionRecord.id)) is None


def test_the_supervisee_page_shows_due_against_the_lga_policy(app, manager, login):
    supervisee_id = add_supervisee(
        app, manager, label="Newly qualified A", newly_qualified=True, started_on=date(2026, 2, 2)
    )
    add_record(app, manager, supervisee_id, date(2026, 3, 2))
    page = _text(login(manager).get(f"/supervision/supervisees/{supervisee_id}"))
    # Five weeks in post on 2 March: weekly, so due on 9 March, which has passed.
    assert "Overdue" in page and "9 March 2026" in page


def test_record_prints_and_downloads_as_plain_text(app, manager, login):
    supervisee_id = add_supervisee(app, manager)
    record_id, _ = add_record(
        app,
        manager,
        supervisee_id,
        date(2026, 3, 2),
        decisions=[("Keep the plan", "Progress at school")],
        actions=[dict(what="Ring the health visitor", owner="other", owner_role="Team clerk")],
    )
    client = login(manager)
    printed = _text(client.get(f"/supervision/records/{record_id}/print"))
    assert "Supervision record" in printed and "Ring the health visitor" in printed
    text = client.get(f"/supervision/records/{record_id}/record.txt")
    assert text.mimetype == "text/plain"
    body = _text(text)
    assert "Supervisee: SW1" in body and "Date: 2 March 2026" in body
    assert "1. Keep the plan Rationale: Progress at school" in body
    assert "Ring the health visitor (Team clerk, no date) [Open]" in body


def test_export_csv_neutralises_formulas_and_markdown_holds_the_log(app, manager, login):
    supervisee_id = add_supervisee(app, manager)
    add_record(
        app,
        manager,
        supervisee_id,
        date(2026, 3, 2),
        actions=[dict(what="=HYPERLINK(1)", owner="manager", due_on=date(2026, 3, 9))],
        decisions=[("Plan; @SUM(A1)", "+because")],
    )
    client = login(manager)
    csv_text = _text(client.get("/supervision/export/log.csv"))
    assert csv_text.startswith('\ufeff"Date","Supervisee"')
    assert "'=HYPERLINK(1)" in csv_text and "; '@SUM(A1)" in csv_text
    assert "(rationale: +because)" in csv_text  # not at the start of a cell or a part
    markdown = _text(client.get("/supervision/export/log.md"))
    assert markdown.startswith("# Supervision log of Grace Hughes")
    assert "## SW1, 2 March 2026" in markdown


def test_archived_supervisee_leaves_the_due_list_and_keeps_records(app, manager, login):
    supervisee_id = add_supervisee(app, manager, label="Worker Q")
    add_record(app, manager, supervisee_id, date(2026, 1, 5))
    client = login(manager)
    page = _text(client.get(f"/supervision/supervisees/{supervisee_id}"))
    client.post(
        f"/supervision/supervisees/{supervisee_id}/archive", data={"csrf_token": page_token(page)}
    )
    assert (
        "Worker Q"
        not in _text(client.get("/supervision/")).split("Who is due")[1].split("Open actions")[0]
    )
    assert "5 January 2026" in _text(client.get(f"/supervision/supervisees/{supervisee_id}"))


def test_month_by_month_and_function_coverage(app, manager, login):
    supervisee_id = add_supervisee(app, manager)
    for day, minutes in ((date(2026, 2, 2), 60), (date(2026, 2, 16), 95)):
        add_record(
            app,
            manager,
            supervisee_id,
            day,
            minutes=minutes,
            parts={"reflection": "", "management": "Caseload", "support": ""},
        )
    page = _text(login(manager).get("/supervision/"))
    row = re.search(r"<th scope=\"row\">Feb 2026</th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells == ["2", "78 min", "1", "2", "2"]
    assert "Function: Mediation</th><td>0 of 2</td>" in page
    assert "Function: Management</th><td>2 of 2</td><td>100%" in page
    assert "<svg" in page and "Mediation: 0% of records" in page
    assert TODAY.year == 2026


def test_editing_a_review_moves_the_action_and_deleting_the_record_reopens_it(app, manager, login):
    supervisee_id = add_supervisee(app, manager)
    _, (action_id,) = add_record(
        app,
        manager,
        supervisee_id,
        date(2026, 2, 2),
        actions=[dict(what="Book the joint visit", owner="manager", due_on=date(2026, 2, 9))],
    )
    review = [dict(action_id=action_id, outcome="done", why="Booked")]
    record_id, _ = add_record(app, manager, supervisee_id, date(2026, 3, 2), reviews=review)

    def status():
        with app.app_context():
            return db.session.get(SupervisionAction, action_id).status

    assert status() == "done"
    client = login(manager)
    edit = f"/supervision/records/{record_id}/edit"
    page = _text(client.get(edit))
    assert re.search(r'<input checked id="reviews-0-outcome-0"[^>]*value="done"', page)
    data = record_fields(
        page_token(page),
        held_on="2026-03-02",
        version="1",
        **{"reviews-0-action_id": str(action_id), "reviews-0-outcome": "carried"},
    )
    assert client.post(edit, data=data).status_code == 302
    assert status() == "open"
    data.update({"version": "2", "reviews-0-outcome": "done"})
    assert client.post(edit, data=data).status_code == 302
    assert status() == "done"
    client.post(f"/supervision/records/{record_id}/delete", data={"csrf_token": data["csrf_token"]})
    assert status() == "open"
    with app.app_context():
        assert db.session.get(SupervisionRecord, record_id) is None


def test_the_home_page_counts_overdue_supervision_and_actions_of_current_supervisees_alone(
    app, manager, cohort, make_user, login
):
    def action(what, due_on):
        return dict(what=what, owner="manager", due_on=due_on)

    late = add_supervisee(app, manager, label="SW Late")
    add_record(
        app,
        manager,
        late,
        date(2025, 12, 1),
        actions=[action("Book the visit", date(2026, 2, 9)), action("Plan", date(2026, 4, 1))],
    )
    recent = add_supervisee(app, manager, label="SW Recent")
    add_record(app, manager, recent, date(2026, 3, 2), actions=[action("Call", date(2026, 3, 1))])
    gone = add_supervisee(app, manager, label="SW Gone")
    add_record(app, manager, gone, date(2026, 1, 5), actions=[action("Write", date(2026, 2, 1))])
    someone_else = make_user(Role.PARTICIPANT, cohort_id=cohort, name="Other Manager")
    theirs = add_supervisee(app, someone_else, label="SW Theirs")
    add_record(app, someone_else, theirs, date(2026, 1, 5), actions=[action("X", date(2026, 2, 1))])
    with app.app_context():
        db.session.get(Supervisee, gone).archived_at = datetime(2026, 3, 1, tzinfo=UTC)
        db.session.commit()
    page = _text(login(manager).get("/"))
    panel = page.split('id="supervision-panel-heading"')[1].split("</section>")[0]
    assert "1 overdue for supervision: SW Late</li>" in panel
    assert "2 overdue actions</li>" in panel
