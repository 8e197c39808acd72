"""The evaluator builds a questionnaire, people answer it, the figures appear from K answers on."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.evaluation.models import Item, Participation, Questionnaire, Response
from course.modules.evaluation.question_sets import QUESTION_SETS
from course.timeutil import to_local, utcnow
from tests.conftest import Auth
from tests.evaluation_support import (
    filled,
    items_of,
    make_questionnaire,
    page_token,
    read_csv,
    send_answers,
)


@pytest.fixture
def evaluator(cohort, make_user):
    return make_user(role=Role.EVALUATOR, cohort_id=cohort, name="Eva Evaluator")


@pytest.fixture
def people(cohort, make_user):
    return [make_user(cohort_id=cohort, name=f"Manager Person{n}") for n in range(8)]


def _window_fields(days_open=7):
    opens = to_local(utcnow() - timedelta(hours=1))
    closes = to_local(utcnow() + timedelta(days=days_open))
    return {
        "opens_day": opens.strftime("%Y-%m-%d"),
        "opens_time": opens.strftime("%H:%M"),
        "closes_day": closes.strftime("%Y-%m-%d"),
        "closes_time": closes.strftime("%H:%M"),
    }


def _create_through_the_site(client, **overrides):
    token = page_token(client.get("/evaluation/new").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "kind": "mid",
        "from_template": "y",
        "title": "",
        "session_id": "0",
        "audience": "participants",
        "anonymity": "anonymous",
        **_window_fields(),
        **overrides,
    }
    return client.post("/evaluation/new", data=data)


def _as(client, user):
    """Sign in as someone else in the same browser."""
    client.delete_cookie("session", domain="localhost")
    assert Auth(client).login(user).status_code == 302
    return client


def _token(client, path):
    return page_token(client.get(path).get_data(as_text=True))


def test_evaluator_builds_from_a_template_people_answer_and_figures_appear_from_k(
    app, client, evaluator, people
):
    _as(client, evaluator)
    response = _create_through_the_site(client)
    assert response.status_code == 302
    manage_url = response.headers["Location"]
    page = client.get(manage_url).get_data(as_text=True)
    _title, _intro, specs = QUESTION_SETS["mid"]
    assert "Half-way through the programme" in page and "Draft" in page
    with app.app_context():
        questionnaire = db.session.scalar(select(Questionnaire))
        qid = questionnaire.id
        assert db.session.scalar(select(func.count(Item.id))) == len(specs)
    token = page_token(page)
    client.post(f"/evaluation/{qid}/open", data={"csrf_token": token})
    assert "0 of 8 have answered" in client.get(manage_url).get_data(as_text=True)

    items = items_of(app, qid)
    for n, person in enumerate(people[:3]):
        _as(client, person)
        sent = send_answers(client, qid, filled(items, rating=2 + n % 3, text="It helps."))
        assert sent.status_code == 302
    _as(client, evaluator)
    assert "3 of 8 have answered" in client.get(manage_url).get_data(as_text=True)
    results = client.get(f"/evaluation/{qid}/results").get_data(as_text=True)
    assert "Fewer than 5 answers" in results and "Interim results" in results
    assert "<svg" not in results and "Strongly agree</th>" not in results
    assert client.get(f"/evaluation/{qid}/answers.csv").status_code == 404

    for person in people[3:6]:
        _as(client, person)
        send_answers(client, qid, filled(items, rating=5))
    _as(client, evaluator)
    assert "6 of 8 have answered" in client.get(manage_url).get_data(as_text=True)
    token = _token(client, manage_url)
    results = client.get(f"/evaluation/{qid}/results").get_data(as_text=True)
    # Interim: the first whole batch of five counts; the sixth waits for four more.
    assert "5 answers counted so far" in results
    client.post(f"/evaluation/{qid}/close", data={"csrf_token": token})
    results = client.get(f"/evaluation/{qid}/results").get_data(as_text=True)
    assert "Interim" not in results and "6 answers" in results
    assert 'role="img"' in results and "<title" in results and "Agreeing" in results
    assert (
        "Confidence in reflective supervision" in results and "95% confidence interval" in results
    )

    answers = read_csv(client.get(f"/evaluation/{qid}/answers.csv"))
    likert_columns = [f"q{n}" for n, spec in enumerate(specs, start=1)]
    assert answers[0] == ["response", *likert_columns]
    assert len(answers) == 7
    assert sorted(row[1] for row in answers[1:]) == ["2", "3", "4", "5", "5", "5"]
    codebook = read_csv(client.get(f"/evaluation/{qid}/codebook.csv"))
    assert codebook[0] == ["column", "item_id", "wording", "kind", "scale", "required", "values"]
    assert codebook[1][0] == "q1" and codebook[1][3] == "likert"
    assert codebook[1][6].startswith("1=Strongly disagree; 2=Disagree")
    assert len(codebook) == len(specs) + 1


def test_each_template_kind_makes_a_questionnaire_with_its_own_questions(app, cohort):
    for kind, (title, _intro, specs) in QUESTION_SETS.items():
        qid = make_questionnaire(app, cohort, kind)
        items = items_of(app, qid)
        assert [i.wording for i in items] == [s.wording for s in specs]
        with app.app_context():
            assert db.session.get(Questionnaire, qid).title == title
    feedback = QUESTION_SETS["session_feedback"][2]
    assert 4 <= len(feedback) <= 6


def test_questions_freeze_when_the_first_answer_arrives_but_the_window_can_move(
    app, client, cohort, evaluator, people
):
    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    _as(client, evaluator)
    page = client.get(f"/evaluation/{qid}").get_data(as_text=True)
    assert "Add a question" in page and "Remove" in page
    _as(client, people[0])
    send_answers(client, qid, filled(items))
    _as(client, evaluator)
    page = client.get(f"/evaluation/{qid}").get_data(as_text=True)
    assert "questions are frozen" in page and "Add a question" not in page
    token = page_token(page)
    response = client.post(
        f"/evaluation/{qid}/items/{items[0].id}",
        data={"csrf_token": token, "kind": "likert", "wording": "Changed wording", "required": "y"},
    )
    assert response.status_code == 302
    client.post(f"/evaluation/{qid}/items/{items[0].id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(Item, items[0].id).wording == items[0].wording
    later = _window_fields(days_open=14)
    settings = page_token(client.get(f"/evaluation/{qid}/settings").get_data(as_text=True))
    response = client.post(
        f"/evaluation/{qid}/settings",
        data={"csrf_token": settings, "title": "Mid-point", "introduction": "", "session_id": "0",
              "audience": "participants", **later},
    )  # fmt: skip
    assert response.status_code == 302
    with app.app_context():
        moved = db.session.get(Questionnaire, qid)
        assert to_local(moved.closes_at).strftime("%Y-%m-%d") == later["closes_day"]


def test_a_draft_questionnaire_can_be_edited_and_the_window_is_checked(
    app, client, cohort, evaluator
):
    _as(client, evaluator)
    bad = _window_fields()
    bad["closes_day"] = bad["opens_day"]
    bad["closes_time"] = "00:00"
    page = _create_through_the_site(client, **bad).get_data(as_text=True)
    assert "It must close after it opens" in page
    response = _create_through_the_site(client, from_template="", kind="baseline", title="Mine")
    qid = int(response.headers["Location"].rsplit("/", 1)[1])
    token = page_token(client.get(f"/evaluation/{qid}").get_data(as_text=True))
    assert "Add at least one question" in client.post(
        f"/evaluation/{qid}/open", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    page = client.post(
        f"/evaluation/{qid}/items/new",
        data={"csrf_token": token, "kind": "single", "wording": "Pick", "options": "Only one"},
    ).get_data(as_text=True)
    assert "Give at least two choices" in page
    client.post(
        f"/evaluation/{qid}/items/new",
        data={"csrf_token": token, "kind": "number", "wording": "How many?", "min_value": "0",
              "max_value": "20", "required": "y"},
    )  # fmt: skip
    client.post(
        f"/evaluation/{qid}/items/new",
        data={"csrf_token": token, "kind": "likert", "wording": "I agree.", "scale": "Mine",
              "required": "y"},
    )  # fmt: skip
    client.post(f"/evaluation/{qid}/items/{_item_ids(app, qid)[1]}/up", data={"csrf_token": token})
    assert [i.wording for i in items_of(app, qid)] == ["I agree.", "How many?"]


def _item_ids(app, qid):
    return [i.id for i in items_of(app, qid)]


def test_bad_input_gets_a_message_by_the_field_and_keeps_every_other_answer(
    app, client, cohort, people
):
    qid = make_questionnaire(app, cohort, "baseline", anonymity="paired")
    items = items_of(app, qid)
    number = next(i for i in items if i.kind == "number")
    first_likert = items[0]
    text = next(i for i in items if i.kind == "text")
    data = filled(items, rating=2, text="Kept words", code="E3M7")
    data[number.field_name] = "500"
    data.pop(first_likert.field_name)
    data["code_month"] = "13"
    _as(client, people[0])
    page = send_answers(client, qid, data).get_data(as_text=True)
    assert "There is a problem" in page and "Your other answers are kept below" in page
    assert "Enter a number from 0 to 200." in page
    assert "Answer this question." in page and "Choose the month." in page
    assert "Kept words</textarea>" in page
    assert f'name="{items[1].field_name}" value="2" checked' in page
    assert (
        'value="500"' in page
        and 'name="code_school" maxlength="1" autocomplete="off" value="E"' in page
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0
    del text


def test_sending_twice_records_one_response(app, client, cohort, people):
    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    _as(client, people[0])
    url = f"/evaluation/{qid}/answer"
    token = page_token(client.get(url).get_data(as_text=True))
    data = {**filled(items), "csrf_token": token, "action": "send"}
    first = client.post(url, data=data)
    second = client.post(url, data=data)  # a double click, or the form in a second tab
    assert first.status_code == 302
    assert "You have answered this questionnaire" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1
        assert db.session.scalar(select(func.count(Participation.id))) == 1


def test_the_unique_rule_refuses_a_second_submission_that_raced_past_the_check(app, cohort, people):
    from course.modules.evaluation import answering, services

    qid = make_questionnaire(app, cohort)
    with app.test_request_context():
        questionnaire = db.session.get(Questionnaire, qid)
        items = services.items_of(qid)
        values = answering.read_answers(items, _multi(filled(items))).values
        respondent = answering.Respondent(user_id=people[0].id)
        answering.submit(questionnaire, items, values, respondent, k=5)
        with pytest.raises(answering.AlreadyAnswered):
            answering.submit(questionnaire, items, values, respondent, k=5)
        assert db.session.scalar(select(func.count(Response.id))) == 1


def _multi(data):
    from werkzeug.datastructures import MultiDict

    pairs = []
    for key, value in data.items():
        pairs += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return MultiDict(pairs)


def test_save_and_come_back_then_sending_deletes_the_saved_copy(app, client, cohort, people):
    from course.modules.evaluation.models import ResponseDraft

    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    _as(client, people[0])
    partial = {items[0].field_name: "2", items[-1].field_name: "Half a thought"}
    response = send_answers(client, qid, partial, action="save")
    assert response.status_code == 302
    page = client.get(f"/evaluation/{qid}/answer").get_data(as_text=True)
    assert "are filled in below" in page and "Half a thought</textarea>" in page
    assert f'name="{items[0].field_name}" value="2" checked' in page
    home = client.get("/").get_data(as_text=True)
    assert "Waiting for your answers" in home
    send_answers(client, qid, filled(items, text="Whole thought"))
    with app.app_context():
        assert db.session.scalars(select(ResponseDraft)).all() == []
    assert "Waiting for your answers" not in client.get("/").get_data(as_text=True)


def test_answers_sent_after_the_sign_in_expired_are_waiting_after_signing_in_again(
    app, client, cohort, people
):
    from tests.journal_support import expire_sign_in

    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    _as(client, people[0])
    url = f"/evaluation/{qid}/answer"
    token = page_token(client.get(url).get_data(as_text=True))
    expire_sign_in(app, people[0])
    data = {**filled(items, rating=1, text="Typed before the expiry"), "csrf_token": token}
    response = client.post(url, data={**data, "action": "send"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert "your answers have been kept" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    login_token = page_token(client.get(response.headers["Location"]).get_data(as_text=True))
    landing = client.post(
        response.headers["Location"],
        data={"email": people[0].email, "password": "a long enough test passphrase",
              "csrf_token": login_token},
    ).headers["Location"]  # fmt: skip
    assert landing == url
    page = client.get(url).get_data(as_text=True)
    assert "Typed before the expiry</textarea>" in page
    assert f'name="{items[0].field_name}" value="1" checked' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0


def test_only_the_people_asked_can_answer_and_other_cohorts_get_404(
    app, client, cohort, people, make_user
):
    qid = make_questionnaire(app, cohort, audience="senior_managers")
    _as(client, people[0])
    assert client.get(f"/evaluation/{qid}/answer").status_code == 404
    outsider = make_user(role=Role.EVALUATOR)
    _as(client, outsider)
    assert client.get(f"/evaluation/{qid}").status_code == 404
    assert client.get(f"/evaluation/{qid}/results").status_code == 404


def test_results_reach_trainers_and_senior_managers_only_once_released(
    app, client, cohort, evaluator, people, make_user
):
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort)
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort)
    qid = make_questionnaire(app, cohort)
    items = items_of(app, qid)
    for person in people[:6]:
        _as(client, person)
        send_answers(
            client, qid, filled(items, rating=4, text="Something only the evaluator reads")
        )
    for viewer in (trainer, senior):
        _as(client, viewer)
        assert client.get(f"/evaluation/{qid}/results").status_code == 404
    _as(client, people[0])
    assert client.get(f"/evaluation/{qid}/summary").status_code == 404
    _as(client, evaluator)
    token = _token(client, f"/evaluation/{qid}")
    page = client.post(
        f"/evaluation/{qid}/release", data={"csrf_token": token}, follow_redirects=True
    )
    assert "once the questionnaire has closed" in page.get_data(as_text=True)
    client.post(f"/evaluation/{qid}/close", data={"csrf_token": token})
    client.post(f"/evaluation/{qid}/release", data={"csrf_token": token})
    for viewer in (trainer, senior):
        _as(client, viewer)
        page = client.get(f"/evaluation/{qid}/results").get_data(as_text=True)
        assert "6 answers" in page and "Agreeing" in page
        assert "Something only the evaluator reads" not in page
    _as(client, people[0])
    summary = client.get(f"/evaluation/{qid}/summary").get_data(as_text=True)
    assert "100% agreed" in summary
    assert "Something only the evaluator reads" not in summary


def test_free_text_reaches_others_only_as_checked_released_excerpts(
    app, client, cohort, evaluator, people, make_user
):
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort)
    qid = make_questionnaire(app, cohort, closed=False)
    items = items_of(app, qid)
    for person in people[:5]:
        _as(client, person)
        send_answers(
            client, qid, filled(items, text="My manager Sharon Walsh at Riverside Primary School")
        )
    _as(client, evaluator)
    page = client.get(f"/evaluation/{qid}/excerpts").get_data(as_text=True)
    assert "Sharon Walsh" in page  # the evaluator reads the written answers
    text_item = next(i for i in items if i.kind == "text")
    token = page_token(page)
    refused = client.post(
        f"/evaluation/{qid}/excerpts",
        data={"csrf_token": token, "item_id": text_item.id,
              "text": "One manager named Riverside Primary School"},
    ).get_data(as_text=True)  # fmt: skip
    assert "This could identify someone" in refused
    client.post(
        f"/evaluation/{qid}/excerpts",
        data={
            "csrf_token": token,
            "item_id": text_item.id,
            "text": "Support from a manager helped.",
        },
    )
    client.post(f"/evaluation/{qid}/close", data={"csrf_token": token})
    client.post(f"/evaluation/{qid}/release", data={"csrf_token": token})
    _as(client, trainer)
    page = client.get(f"/evaluation/{qid}/results").get_data(as_text=True)
    assert "Support from a manager helped." not in page  # not released yet
    _as(client, evaluator)
    token = _token(client, f"/evaluation/{qid}")
    with app.app_context():
        from course.modules.evaluation.models import Excerpt

        excerpt_id = db.session.scalar(select(Excerpt.id))
    client.post(f"/evaluation/{qid}/excerpts/{excerpt_id}/release", data={"csrf_token": token})
    _as(client, trainer)
    page = client.get(f"/evaluation/{qid}/results").get_data(as_text=True)
    assert "Support from a manager helped." in page and "Sharon Walsh" not in page


def test_home_and_session_pages_show_what_is_waiting_and_say_who_sees_what(
    app, client, cohort, people
):
    with app.app_context():
        from course.modules.programme.models import CourseSession

        session_id = db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == cohort, CourseSession.number == 1
            )
        )
    qid = make_questionnaire(app, cohort, "session_feedback", session_id=session_id)
    _as(client, people[0])
    home = client.get("/").get_data(as_text=True)
    assert "Waiting for your answers" in home and f"/evaluation/{qid}/answer" in home
    session_page = client.get(f"/programme/{session_id}").get_data(as_text=True)
    assert "Feedback on this session" in session_page
    page = client.get(f"/evaluation/{qid}/answer").get_data(as_text=True)
    assert "Before you start: who sees what" in page
    assert "without your name" in page and "that you have answered" in page
    assert "Save and finish later" in page


def test_the_demo_has_an_answered_baseline_a_released_mid_feedback_and_the_end_waiting(
    app, client, runner
):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = db.session.execute(
            select(Questionnaire, func.count(Response.id))
            .outerjoin(Response, Response.questionnaire_id == Questionnaire.id)
            .where(Questionnaire.audience != "supervisees")  # the supervisee survey's own test
            .group_by(Questionnaire.id)
        ).all()
        by_kind = {}
        for questionnaire, answers in rows:
            by_kind.setdefault(questionnaire.kind, []).append((questionnaire, answers))
        ((baseline, baseline_answers),) = by_kind["baseline"]
        ((mid, mid_answers),) = by_kind["mid"]
        ((end, end_answers),) = by_kind["end"]
        assert baseline.is_closed() and baseline.paired and baseline_answers >= 30
        assert mid.is_closed() and mid.released and mid_answers >= 30
        assert end.is_answerable() and end_answers == 0
        assert len(by_kind["session_feedback"]) >= 5
        assert all(q.is_closed() and n >= 5 for q, n in by_kind["session_feedback"])
        mid_id, end_id = mid.id, end.id
    Auth(client).login("manager05@example.org", "reflective-practice-demo")
    home = client.get("/").get_data(as_text=True)
    assert f"/evaluation/{end_id}/answer" in home
    assert "agreed" in client.get(f"/evaluation/{mid_id}/summary").get_data(as_text=True)
    client.delete_cookie("session", domain="localhost")
    Auth(client).login("evaluator@example.org", "reflective-practice-demo")
    page = client.get(f"/evaluation/{mid_id}/results").get_data(as_text=True)
    assert "Change since the baseline" in page and " pairs</strong>" in page
