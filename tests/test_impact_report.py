"""The impact report: every section, each chart with its table, no figure under K, the CSV,
the release to senior managers and trainers, and the retention figures they enter."""

import re

from sqlalchemy import insert

from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.evaluation import services
from course.modules.evaluation import supervisee_links as links
from course.modules.evaluation.models import Answer, ItemKind, Kind, Response, random_key
from tests.conftest import form_token
from tests.evaluation_support import bulk_responses, make_questionnaire, read_csv

K = 5


def _team_answers(app, link_id, questionnaire_id, n, rating):
    """n supervisee responses for one team, written straight into the tables."""
    with app.app_context():
        items = services.items_of(questionnaire_id)
        responses, answers = [], []
        for _ in range(n):
            rid = random_key()
            responses.append(dict(id=rid, questionnaire_id=questionnaire_id, batch=1,
                                  survey_link_id=link_id))  # fmt: skip
            for item in items:
                if item.kind in (ItemKind.LIKERT, ItemKind.SINGLE):
                    number = rating if item.kind == ItemKind.LIKERT else 1
                    answers.append(
                        dict(id=random_key(), response_id=rid, item_id=item.id, number=number)
                    )
        db.session.execute(insert(Response), responses)
        db.session.execute(insert(Answer), answers)
        db.session.commit()


def _supervisee_rounds(app, cohort, managers):
    with app.app_context():
        for kind, rating in ((Kind.BASELINE, 2), (Kind.END, 4)):
            for manager_id in managers:
                manager = db.session.get(User, manager_id)
                link = links.create_link(manager, cohort, kind, 6)
                db.session.commit()
                _team_answers(app, link.id, link.questionnaire_id, 3, rating)
            with app.app_context():
                questionnaire = links.rounds_of(cohort)[kind]
                services.close_questionnaire(questionnaire)
                db.session.commit()


def _scenario(app, cohort, make_user, add_participants):
    add_participants(cohort, 8)
    feedback = make_questionnaire(
        app, cohort, Kind.SESSION_FEEDBACK, closed=True, title="Session 1"
    )
    bulk_responses(app, feedback, 6)
    few = make_questionnaire(app, cohort, Kind.SESSION_FEEDBACK, closed=True, title="Session 2")
    bulk_responses(app, few, 3)
    baseline = make_questionnaire(app, cohort, Kind.BASELINE, closed=True)
    bulk_responses(app, baseline, 7)
    managers = [make_user(Role.PARTICIPANT, cohort_id=cohort).id for _ in range(2)]
    _supervisee_rounds(app, cohort, managers)


def _enter_retention(client, login, user):
    login(user)
    token = form_token(client, "/evaluation/impact/retention")
    response = client.post(
        "/evaluation/impact/retention",
        data={
            "csrf_token": token,
            "quarter": "2026-Q3",
            "headcount": "40",
            "leavers": "3",
            "agency_staff": "6",
            "vacancies": "2",
        },  # fmt: skip
    )
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": form_token(client, "/account/")})


def _cells(page):
    return re.findall(r'<td class="num">([^<]*)</td>', page)


def test_the_report_renders_every_section_with_charts_and_tables_and_no_figure_under_k(
    app, client, login, cohort, make_user, add_participants
):
    _scenario(app, cohort, make_user, add_participants)
    _enter_retention(client, login, make_user(Role.SENIOR_MANAGER, cohort_id=cohort))
    login(make_user(Role.EVALUATOR, cohort_id=cohort))
    response = client.get("/evaluation/impact")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for heading in ("Reaction:", "Learning:", "Behaviour:", "Results:", "You said, we did"):
        assert heading in page
    assert "Made on" in page and "Cite it with this date" in page
    # Charts are server-drawn, labelled SVG, each section's followed by its table.
    assert page.count('<svg class="chart"') >= 3
    assert page.count('<title id="chart-') == page.count('<svg class="chart"')
    # Session 2 had 3 answers: withheld; the supervisees' change is reported.
    assert "Session 2" in page and "fewer than 5" in page
    assert "Supervision at least every four weeks" in page
    assert "Change baseline to end" in page
    # Retention: 3 leavers and 2 vacancies are under K, so withheld; 40 and 6 are shown.
    assert re.search(r"Leavers</th><td>Retention, 2026-Q3</td><td class=\"num\">fewer than 5", page)
    assert re.search(r"Headcount</th><td>Retention, 2026-Q3</td><td class=\"num\">40<", page)
    counts = [int(c) for c in _cells(page) if c.strip().isdigit()]
    assert counts and min(counts) >= K


def test_the_csv_holds_every_figure_and_none_under_k(
    app, client, login, cohort, make_user, add_participants
):
    _scenario(app, cohort, make_user, add_participants)
    login(make_user(Role.EVALUATOR, cohort_id=cohort))
    page = client.get("/evaluation/impact").get_data(as_text=True)
    rows = read_csv(client.get("/evaluation/impact.csv"))
    assert rows[0] == ["section", "measure", "group", "value"]
    assert len(rows) - 2 == len(_cells(page))  # every figure of the page, plus the date
    assert rows[-1][1] == "Made at (UK time)"
    assert all(int(r[3]) >= K for r in rows[1:] if r[3].isdigit())


def test_the_print_stylesheet_lays_the_report_out_on_a4(app):
    with open(app.static_folder + "/css/site.css", encoding="utf-8") as f:
        css = f.read()
    assert "size: A4" in css and ".report section { break-inside: avoid-page; }" in css


def test_senior_managers_and_trainers_read_the_report_only_once_released(
    app, client, login, cohort, make_user
):
    senior = make_user(Role.SENIOR_MANAGER, cohort_id=cohort)
    trainer = make_user(Role.TRAINER, cohort_id=cohort)
    for user in (senior, trainer):
        login(user)
        assert client.get("/evaluation/impact").status_code == 404
        assert client.get("/evaluation/impact.csv").status_code == 404
        client.post("/logout", data={"csrf_token": form_token(client, "/account/")})
    login(make_user(Role.EVALUATOR, cohort_id=cohort))
    token = form_token(client, "/evaluation/impact")
    assert client.post("/evaluation/impact/release", data={"csrf_token": token}).status_code == 302
    client.post("/logout", data={"csrf_token": form_token(client, "/account/")})
    for user in (senior, trainer):
        login(user)
        assert "Impact report" in client.get("/evaluation/impact").get_data(as_text=True)
        client.post("/logout", data={"csrf_token": form_token(client, "/account/")})
    login(make_user(Role.PARTICIPANT, cohort_id=cohort))
    assert client.get("/evaluation/impact").status_code in (403, 404)


def test_a_retention_quarter_in_the_wrong_form_is_refused_next_to_the_field(
    app, client, login, cohort, make_user
):
    login(make_user(Role.SENIOR_MANAGER, cohort_id=cohort))
    token = form_token(client, "/evaluation/impact/retention")
    response = client.post(
        "/evaluation/impact/retention",
        data={
            "csrf_token": token,
            "quarter": "Q3 2026",
            "headcount": "40",
            "leavers": "-1",
            "agency_staff": "6",
            "vacancies": "2",
        },  # fmt: skip
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the quarter like 2026-Q3" in page and 'value="Q3 2026"' in page
    assert "Enter a whole number from 0 to 100,000" in page
