"""The log is private to its manager: 404 for everyone else, nothing of it on staff pages or in
the logs, and the evaluator's figures only over at least K managers."""

import logging
import os
from datetime import date

import pytest
from sqlalchemy import select
from supervision_support import add_record, add_supervisee, page_token, pinned_clock

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.supervision.drafts import keep_draft
from course.modules.supervision.models import Supervisee

LABEL = "Worker Zed"
NOTE = "Tearful about the home visits on the estate"


@pytest.fixture(autouse=True)
def frozen():
    with pinned_clock():
        yield


@pytest.fixture
def owned(app, cohort, make_user):
    """A manager's supervisee, record (with an action), and draft; the ids for each route."""
    owner = make_user(Role.PARTICIPANT, cohort_id=cohort)
    supervisee_id = add_supervisee(app, owner, label=LABEL)
    record_id, (action_id,) = add_record(
        app,
        owner,
        supervisee_id,
        date(2026, 3, 2),
        parts={"support": NOTE},
        actions=[dict(what="Book a debrief", owner="manager", due_on=date(2026, 3, 9))],
    )
    with app.app_context():
        supervisee = db.session.get(Supervisee, supervisee_id)
        from werkzeug.datastructures import MultiDict

        draft = keep_draft(
            owner, MultiDict({"note_support": NOTE}), supervisee=supervisee, reason="autosave"
        )
        db.session.commit()
        draft_id = draft.id
    return dict(
        owner=owner,
        supervisee_id=supervisee_id,
        record_id=record_id,
        draft_id=draft_id,
        action_id=action_id,
    )


def _routes(app):
    """Every rule of the log (not the evaluator's figures), with its methods."""
    return [
        (rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("supervision.") and "/figures" not in rule.rule
    ]


def _fill(rule, ids):
    for name in ("supervisee_id", "record_id", "draft_id"):
        rule = rule.replace(f"<int:{name}>", str(ids[name]))
    return rule


OTHERS = [Role.TRAINER, Role.EVALUATOR, Role.ADMIN, Role.PARTICIPANT, Role.SENIOR_MANAGER]


@pytest.mark.parametrize("role", OTHERS)
def test_every_page_of_a_managers_log_is_404_for_every_other_person(
    app, cohort, make_user, login, owned, role
):
    other = make_user(role, cohort_id=None if role == Role.ADMIN else cohort)
    client = login(other)
    token = page_token(client.get("/account/").get_data(as_text=True))
    routes = _routes(app)
    assert len(routes) >= 20
    for rule, methods in routes:
        own_objects = "<int:" in rule
        if not own_objects and role in (Role.PARTICIPANT, Role.SENIOR_MANAGER):
            continue  # their own (empty) log: checked below to hold nothing of the owner's
        url = _fill(rule, owned)
        for method in methods:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, (role, method, url, response.status_code)
            assert LABEL not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SENIOR_MANAGER])
def test_another_managers_own_log_shows_nothing_of_the_owners(
    app, cohort, make_user, login, owned, role
):
    client = login(make_user(role, cohort_id=cohort))
    for path in (
        "/supervision/",
        "/supervision/supervisees",
        "/supervision/export/log.csv",
        "/supervision/export/log.md",
        "/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert LABEL not in page and NOTE not in page and "Book a debrief" not in page, path


STAFF_PAGES = {
    Role.TRAINER: [
        "/", "/attendance/", "/presentations/", "/journal/shared", "/barriers/review",
        "/notifications/",
    ],
    Role.ADMIN: ["/", "/admin/users", "/admin/audit", "/admin/cohorts"],
    Role.EVALUATOR: ["/", "/attendance/", "/barriers/overview", "/supervision/figures"],
    Role.SENIOR_MANAGER: ["/", "/barriers/overview", "/attendance/"],
}  # fmt: skip


@pytest.mark.parametrize("role", list(STAFF_PAGES))
def test_no_staff_page_shows_any_record_or_label(app, cohort, make_user, login, owned, role):
    client = login(owned["owner"])
    client.get("/supervision/export/log.csv")  # an audited export, to show on the audit page
    client.post("/logout", data={"csrf_token": page_token(client.get("/").get_data(True))})
    client = login(make_user(role, cohort_id=None if role == Role.ADMIN else cohort))
    for path in STAFF_PAGES[role]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert LABEL not in page and NOTE not in page and "Book a debrief" not in page, path


def test_saving_a_record_writes_none_of_its_text_to_the_log(app, owned, login, caplog):
    client = login(owned["owner"])
    new = f"/supervision/supervisees/{owned['supervisee_id']}/records/new"
    token = page_token(client.get(new).get_data(as_text=True))
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            new,
            data={
                "csrf_token": token,
                "held_on": "2026-03-10",
                "minutes": "90",
                "kind": "one_to_one",
                "uninterrupted": "yes",
                "part_support": "y",
                "note_support": NOTE,
                "reviews-0-action_id": str(owned["action_id"]),
                "reviews-0-outcome": "done",
                "save_anyway": "1",
            },
        )
        client.get(response.headers["Location"])
        client.get("/supervision/export/log.md")
    assert response.status_code == 302
    logged = caplog.text
    assert NOTE not in logged and LABEL not in logged
    with app.app_context():
        from course.audit import AuditEvent

        details = db.session.scalars(select(AuditEvent.detail)).all()
        assert details and not any(NOTE in (d or "") or LABEL in (d or "") for d in details)


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="reads the SQLite file")
def test_the_database_file_holds_no_label_or_note_in_clear(app, owned, tmp_path):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # checkpoint: everything written is in the files
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("test.sqlite*"))
    assert stored, "the test database should be a file"
    assert NOTE.encode() not in stored and LABEL.encode() not in stored
    assert b"Book a debrief" not in stored
