"""Nothing links a person to an answer: not the schema, the data's order, a page, a log or an
email; small numbers stay hidden; results cost the same for 40 answers as for 4,000."""

import re

import pytest
from sqlalchemy import func, inspect, select, text

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.evaluation import reminders
from course.modules.evaluation.models import Answer, Participation, Questionnaire, Response
from course.modules.evaluation.results import questionnaire_results
from course.modules.notifications.models import Notification
from tests.conftest import Auth
from tests.evaluation_support import (
    K,
    bulk_responses,
    filled,
    items_of,
    make_questionnaire,
    page_token,
    send_answers,
)

ANSWER_TABLES = ("response", "answer")
RESPONDENTS = re.compile(r"Quibble[0-5]\b|quibble[0-5]@|Harbour Team [0-5]\b")


def _as(client, user):
    client.delete_cookie("session", domain="localhost")
    assert Auth(client).login(user).status_code == 302
    return client


@pytest.fixture
def people(cohort, make_user):
    return [
        make_user(cohort_id=cohort, name=f"Ottoline Quibble{n}", email=f"quibble{n}@people.example",
                  team=f"Harbour Team {n}")
        for n in range(10)
    ]  # fmt: skip


def _physical_order(table, column):
    """The column's values in the order the database stores the rows (rowid or ctid)."""
    order = "ctid" if db.engine.dialect.name == "postgresql" else "rowid"
    return list(db.session.scalars(text(f"SELECT {column} FROM {table} ORDER BY {order}")))  # noqa: S608


def test_the_answer_tables_cannot_be_joined_to_people_by_column_order_or_time(
    app, client, cohort, people
):
    qid = make_questionnaire(app, cohort, "baseline")
    items = items_of(app, qid)
    number = next(i for i in items if i.kind == "number")
    # Ten people answer in a known order; each gives their place in the queue as the number.
    for place, person in enumerate(people, start=1):
        _as(client, person)
        data = filled(items)
        data[number.field_name] = str(place)
        assert send_answers(client, qid, data).status_code == 302
    answering_order = list(range(1, 11))
    with app.app_context():
        schema = inspect(db.engine)
        for table in ANSWER_TABLES:
            columns = schema.get_columns(table)
            names = {c["name"] for c in columns}
            assert not any("user" in n or n.endswith("_at") or n.endswith("_on") for n in names)
            assert not any(
                type(c["type"]).__name__ in ("DATETIME", "DATE", "TIMESTAMP") for c in columns
            )
            targets = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
            # survey_link: a supervisee survey's response names its team's link, nothing more.
            assert targets <= {"questionnaire", "response", "item", "survey_link"}
        participation = {c["name"] for c in schema.get_columns("participation")}
        assert participation == {"id", "questionnaire_id", "user_id", "link_hash"}
        assert {fk["referred_table"] for fk in schema.get_foreign_keys("participation")} == {
            "questionnaire", "user"
        }  # fmt: skip

        by_response = dict(
            db.session.execute(
                select(Answer.response_id, Answer.number).where(Answer.item_id == number.id)
            ).all()
        )
        stored_order = [by_response[r] for r in _physical_order("response", "id")]
        key_order = [by_response[r] for r in sorted(by_response)]
        # Responses in the order their answers are stored.
        stored_answers = list(dict.fromkeys(_physical_order("answer", "response_id")))
        answer_order = [by_response[r] for r in stored_answers]
        for order in (stored_order, key_order, answer_order):
            assert sorted(order) == answering_order
            assert order not in (answering_order, answering_order[::-1])
        # The people's order of answering is still recoverable from the audit log and
        # Participation (that is what they are for), but nothing in either names a response.
        assert db.session.scalar(select(func.count(Participation.id))) == 10
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "evaluation.answered")
        ).all()
        assert len(events) == 10
        response_ids = {str(r) for r in by_response}
        for event in events:
            assert event.object_type == "Questionnaire" and event.object_id == qid
            assert not any(r in (event.detail or "") for r in response_ids)
        if db.engine.dialect.name == "postgresql":  # one transaction wrote every response
            assert len(set(db.session.scalars(text("SELECT xmin::text FROM response")))) == 1


def test_no_page_for_another_role_names_anyone_who_answered(app, client, cohort, people, make_user):
    evaluator = make_user(role=Role.EVALUATOR, cohort_id=cohort)
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort)
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort)
    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    for person in people[:6]:
        _as(client, person)
        send_answers(client, qid, filled(items, text="Nothing to see"))
    _as(client, evaluator)
    token = page_token(client.get(f"/evaluation/{qid}").get_data(as_text=True))
    client.post(f"/evaluation/{qid}/close", data={"csrf_token": token})
    client.post(f"/evaluation/{qid}/release", data={"csrf_token": token})
    pages = {
        evaluator: ["/evaluation/", f"/evaluation/{qid}", f"/evaluation/{qid}/results",
                    f"/evaluation/{qid}/excerpts", f"/evaluation/{qid}/answers.csv",
                    f"/evaluation/{qid}/codebook.csv", "/"],
        trainer: ["/evaluation/", f"/evaluation/{qid}/results", "/"],
        senior: ["/evaluation/", f"/evaluation/{qid}/results", "/"],
        people[7]: ["/evaluation/", f"/evaluation/{qid}/summary", "/"],
    }  # fmt: skip
    for viewer, paths in pages.items():
        _as(client, viewer)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            body = response.get_data(as_text=True)
            assert not RESPONDENTS.search(body), (viewer.role, path)
    with app.app_context():
        for subject, body in db.session.execute(select(Notification.subject, Notification.body)):
            assert not RESPONDENTS.search(subject + body)


def test_reminders_go_only_to_those_who_have_not_answered_and_name_nobody(
    app, client, cohort, people, make_user
):
    evaluator = make_user(role=Role.EVALUATOR, cohort_id=cohort)
    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    for person in people[:4]:
        _as(client, person)
        send_answers(client, qid, filled(items))
    _as(client, evaluator)
    token = page_token(client.get(f"/evaluation/{qid}").get_data(as_text=True))
    page = client.post(
        f"/evaluation/{qid}/remind", data={"csrf_token": token}, follow_redirects=True
    )
    assert "6 reminders queued" in page.get_data(as_text=True)
    page = client.post(
        f"/evaluation/{qid}/remind", data={"csrf_token": token}, follow_redirects=True
    )
    assert "No reminder queued" in page.get_data(as_text=True)  # once a day
    with app.app_context():
        reminded = set(
            db.session.scalars(
                select(Notification.user_id).where(Notification.kind == reminders.KIND)
            )
        )
        assert reminded == {p.id for p in people[4:]}
        body = db.session.scalar(
            select(Notification.body).where(Notification.kind == reminders.KIND).limit(1)
        )
        assert "Quibble" not in body and "cannot be traced to you" in body


def test_the_automatic_reminder_is_queued_by_the_reminder_command_days_before_closing(
    app, runner, cohort, people
):
    qid = make_questionnaire(app, cohort, remind_days_before=14)  # closes in 7 days
    quiet = make_questionnaire(app, cohort, remind_days_before=2)
    result = runner.invoke(args=["queue-reminders"])
    assert "Queued 10 questionnaire reminder(s)." in result.output
    assert "Queued 0 questionnaire reminder(s)." in runner.invoke(args=["queue-reminders"]).output
    with app.app_context():
        links = set(
            db.session.scalars(select(Notification.link).where(Notification.kind == reminders.KIND))
        )
        assert links == {f"/evaluation/{qid}/answer"}
        assert db.session.get(Questionnaire, quiet).remind_days_before == 2
        assert reminders.non_respondents(db.session.get(Questionnaire, qid))


def test_response_rates_by_role_only_where_each_role_has_k_people(
    app, client, cohort, people, make_user
):
    seniors = [make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort) for _ in range(3)]
    evaluator = make_user(role=Role.EVALUATOR, cohort_id=cohort)
    qid = make_questionnaire(app, cohort, audience="both")
    items = items_of(app, qid)
    _as(client, seniors[0])
    send_answers(client, qid, filled(items))
    _as(client, evaluator)
    page = client.get(f"/evaluation/{qid}").get_data(as_text=True)
    assert "1 of 13 has answered</strong>." in page and "senior managers 1 of" not in page
    with app.app_context():
        assert db.session.scalar(select(Response.role)) is None  # 3 senior managers < K
    for _ in range(2):
        make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort)
    page = client.get(f"/evaluation/{qid}").get_data(as_text=True)
    assert "(participants 0 of 10; senior managers 1 of 5)" in page


def test_a_breakdown_by_role_needs_k_in_every_role_so_nothing_is_found_by_subtraction(
    app, cohort, make_user
):
    qid = make_questionnaire(app, cohort, audience="both", closed=True)
    with app.app_context():
        questionnaire = db.session.get(Questionnaire, qid)
        bulk_responses(app, qid, 9)
        db.session.execute(Response.__table__.update().values(role="participant"))
        db.session.commit()
        senior_ids = list(db.session.scalars(select(Response.id).limit(4)))
        db.session.execute(
            Response.__table__.update()
            .where(Response.id.in_(senior_ids))
            .values(role="senior_manager")
        )
        db.session.commit()
        results = questionnaire_results(questionnaire, K)
        likert = results.likert_results[0]
        assert likert.answered.count == 9
        assert likert.breakdown.state == "withheld" and likert.by_role == []
        db.session.execute(
            Response.__table__.update().where(Response.id.in_(senior_ids[:1])).values(role=None)
        )
        db.session.commit()
        bulk_responses(app, qid, 2)  # role unknown for some: still withheld
        assert (
            questionnaire_results(questionnaire, K).likert_results[0].breakdown.state == "withheld"
        )


def test_interim_results_move_only_in_steps_of_k(app, client, cohort, people):
    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    seen = []
    for person in people[:9]:
        _as(client, person)
        send_answers(client, qid, filled(items))
        with app.app_context():
            questionnaire = db.session.get(Questionnaire, qid)
            seen.append(questionnaire_results(questionnaire, K, interim=True).responses)
    assert seen == [0, 0, 0, 0, 5, 5, 5, 5, 5]


def test_nothing_is_exported_under_k_and_each_export_is_audited(
    app, client, cohort, people, make_user
):
    evaluator = make_user(role=Role.EVALUATOR, cohort_id=cohort)
    qid = make_questionnaire(app, cohort, closed=True)
    bulk_responses(app, qid, K - 1)
    _as(client, evaluator)
    assert client.get(f"/evaluation/{qid}/answers.csv").status_code == 404
    assert client.get(f"/evaluation/{qid}/codebook.csv").status_code == 404
    bulk_responses(app, qid, 1)
    assert client.get(f"/evaluation/{qid}/answers.csv").status_code == 200
    _as(client, make_user(role=Role.TRAINER, cohort_id=cohort))
    assert client.get(f"/evaluation/{qid}/answers.csv").status_code == 403
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "evaluation.exported")
        ).all()
        assert [e.actor_id for e in events] == [evaluator.id]


@pytest.mark.parametrize("answers", [40, 4000])
def test_results_make_the_same_number_of_queries_for_40_or_4000_answers(
    app, client, cohort, make_user, count_queries, answers
):
    evaluator = make_user(role=Role.EVALUATOR, cohort_id=cohort)
    qid = make_questionnaire(app, cohort, "baseline", anonymity="paired", closed=True)
    bulk_responses(app, qid, answers)
    _as(client, evaluator)
    client.get(f"/evaluation/{qid}/results")
    with count_queries() as queries:
        page = client.get(f"/evaluation/{qid}/results")
    assert page.status_code == 200 and f"{answers} answers" in page.get_data(as_text=True)
    assert len(queries) == EXPECTED_RESULTS_QUERIES, queries


EXPECTED_RESULTS_QUERIES = 13  # with the sign-in check and the person's cohorts (for the switcher)


def test_under_k_answers_the_results_hold_no_figure_at_all(app, cohort):
    qid = make_questionnaire(app, cohort, "baseline", closed=True)
    bulk_responses(app, qid, K - 1)
    with app.app_context():
        results = questionnaire_results(db.session.get(Questionnaire, qid), K, with_texts=True)
        assert not results.enough and results.scales == []
        assert all(r.answered.state == "fewer" and r.counts == [] for r in results.items)
    bulk_responses(app, qid, 1)
    with app.app_context():
        results = questionnaire_results(db.session.get(Questionnaire, qid), K)
        assert results.enough and all(s.figure.count == K for s in results.scales)


def test_written_answers_and_saved_drafts_are_encrypted_at_rest(app, client, cohort, people):
    from course import crypto

    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    _as(client, people[0])
    send_answers(client, qid, filled(items, text="Marigolds in the office"))
    _as(client, people[1])
    send_answers(client, qid, {items[-1].field_name: "Half a marigold"}, action="save")
    with app.app_context():
        for table, column in (("answer", "text"), ("response_draft", "answers")):
            raw = list(
                db.session.scalars(text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"))  # noqa: S608
            )
            assert raw and all(v.startswith(crypto.PREFIX) and "marigold" not in v for v in raw)


def test_a_breakdown_by_role_appears_when_every_role_has_k_answers(app, cohort):
    qid = make_questionnaire(app, cohort, audience="both", closed=True)
    bulk_responses(app, qid, 10, rating=lambda i: 5 if i < 5 else 2)
    with app.app_context():
        ids = list(db.session.scalars(select(Response.id)))
        db.session.execute(Response.__table__.update().values(role="participant"))
        db.session.execute(
            Response.__table__.update()
            .where(Response.id.in_(ids[:5]))
            .values(role="senior_manager")
        )
        db.session.commit()
        likert = questionnaire_results(db.session.get(Questionnaire, qid), K).likert_results[0]
        assert likert.breakdown.state == "shown"
        assert [(label, n) for label, n, _median, _agreeing in likert.by_role] == [
            ("Participants", 5),
            ("Senior managers", 5),
        ]


def test_a_link_holder_answers_once_like_an_account(app, cohort):
    from course.modules.evaluation import answering, services

    qid = make_questionnaire(app, cohort)
    with app.test_request_context():
        questionnaire = db.session.get(Questionnaire, qid)
        items = services.items_of(qid)
        values = {item.id: 4 for item in items if item.kind == "likert"}
        holder = answering.Respondent(link_hash="f" * 64)
        answering.submit(questionnaire, items, values, holder, k=K)
        with pytest.raises(answering.AlreadyAnswered):
            answering.submit(questionnaire, items, values, holder, k=K)
        assert db.session.scalar(select(func.count(Response.id))) == 1
        assert db.session.scalar(select(Participation.user_id)) is None


@pytest.mark.parametrize("count", [2, 12])
def test_the_questionnaire_list_makes_the_same_number_of_queries_however_long(
    app, client, cohort, make_user, count_queries, count
):
    evaluator = make_user(role=Role.EVALUATOR, cohort_id=cohort)
    for n in range(count):
        qid = make_questionnaire(app, cohort, closed=n % 2 == 0)
        bulk_responses(app, qid, 3)
    _as(client, evaluator)
    client.get("/evaluation/")
    with count_queries() as queries:
        page = client.get("/evaluation/").get_data(as_text=True)
    assert page.count("0 of 0 have answered") == count
    assert len(queries) == EXPECTED_LIST_QUERIES, queries


EXPECTED_LIST_QUERIES = 5  # with the sign-in check and the person's cohorts (for the switcher)
