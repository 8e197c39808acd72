"""The supervisee survey: team links, the public survey page, its defences, and who sees what."""

import re

import pytest
from sqlalchemy import func, inspect, select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.evaluation.models import Answer, Participation, Questionnaire, Response
from course.modules.evaluation.survey_models import SurveyLink, SurveyThrottle
from tests.conftest import Auth, form_token

LIKERT_ITEMS = 5  # the supervisee set's rated statements


@pytest.fixture
def quick(app):
    """No minimum time on the form, unless a test asks for one."""
    app.config["COURSE_SURVEY_MIN_SECONDS"] = 0
    return app


@pytest.fixture
def manager(make_user, cohort):
    return make_user(Role.PARTICIPANT, cohort_id=cohort, name="Mo Manager")


def get_link(client, login, manager, kind="baseline", size=6):
    """The manager asks for a link through the site; returns (link id, survey path)."""
    login(manager)
    token = form_token(client, "/evaluation/supervisees/")
    response = client.post(
        "/evaluation/supervisees/",
        data={"csrf_token": token, "round": kind, "team_size": str(size)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get("/evaluation/supervisees/").get_data(as_text=True)
    path = re.findall(r"http://localhost(/survey/[A-Za-z0-9_-]+)", page)[-1]
    link_ids = re.findall(r"/evaluation/supervisees/team/(\d+)", page)
    client.post("/logout", data={"csrf_token": form_token(client, "/account/")})
    return int(link_ids[-1]), path


def open_form(visitor, path):
    """The survey page's hidden fields."""
    page = visitor.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    stamp = re.search(r'name="stamp" value="([^"]+)"', page)
    return page, (csrf.group(1) if csrf else None), (stamp.group(1) if stamp else None)


def item_ids(app, path):
    with app.app_context():
        link = db.session.scalar(select(SurveyLink).order_by(SurveyLink.id.desc()))
        from course.modules.evaluation import services

        return [(i.id, i.kind) for i in services.items_of(link.questionnaire_id)]


def answers(app, rating="4", text=""):
    """A full set of answers to the supervisee items."""
    data = {}
    with app.app_context():
        from course.modules.evaluation import services

        questionnaire = db.session.scalar(
            select(Questionnaire).where(Questionnaire.audience == "supervisees")
        )
        for item in services.items_of(questionnaire.id):
            if item.kind == "likert":
                data[item.field_name] = rating
            elif item.kind == "single":
                data[item.field_name] = "2"
            elif item.kind == "text":
                data[item.field_name] = text
    return data


def send(app, path, data=None, *, visitor=None, opened=None, **extra):
    """A fresh visitor (no cookie) opens the survey (or uses a form opened earlier) and sends."""
    visitor = visitor or app.test_client()
    _page, csrf, stamp = opened or open_form(visitor, path)
    payload = {"csrf_token": csrf, "stamp": stamp, **(data or answers(app)), **extra}
    return visitor, visitor.post(path, data=payload)


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_manager_gets_a_link_and_a_printable_invitation_with_an_svg_qr_code(
    app, client, login, manager
):
    link_id, path = get_link(client, login, manager)
    login(manager)
    page = client.get(f"/evaluation/supervisees/links/{link_id}/invitation")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "QR code for the survey" in html
    assert f"http://localhost{path}" in html
    assert "<img" not in html


def test_an_anonymous_visitor_answers_and_only_the_team_link_is_stored(
    app, client, login, manager, quick
):
    link_id, path = get_link(client, login, manager)
    events_before = count(app, AuditEvent)
    visitor = app.test_client()
    page, _csrf, _stamp = open_form(visitor, path)
    assert "How often" in page or "how often" in page
    assert "I feel supported by my manager" in page
    assert "intend to still be working in this team" in page
    # Nothing loaded from elsewhere: every script and stylesheet is the site's own.
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert all(src.startswith("/static/") for src in re.findall(r'<script src="([^"]+)"', page))
    visitor, response = send(app, path, visitor=visitor)
    assert response.status_code == 302
    assert "Thank you" in visitor.get(path).get_data(as_text=True)
    with app.app_context():
        rows = db.session.execute(select(Response)).scalars().all()
        assert [(r.survey_link_id, r.role, r.pair_hash) for r in rows] == [(link_id, None, None)]
        assert db.session.scalar(select(func.count(Answer.id))) >= LIKERT_ITEMS
        columns = {c["name"] for c in inspect(db.engine).get_columns("response")}
        assert columns == {"id", "questionnaire_id", "role", "pair_hash", "batch", "survey_link_id"}
    # No audit event (an event keeps the address it came from).
    assert count(app, AuditEvent) == events_before


def test_a_second_submission_from_the_same_browser_is_refused_politely(
    app, client, login, manager, quick
):
    _link_id, path = get_link(client, login, manager)
    visitor = app.test_client()
    second_tab = open_form(visitor, path)
    send(app, path, visitor=visitor)
    assert "already been sent from this browser" in visitor.get(path).get_data(as_text=True)
    _v, again = send(app, path, visitor=visitor, opened=second_tab)
    assert again.status_code == 200
    assert "already been sent from this browser" in again.get_data(as_text=True)
    assert count(app, Response) == 1
    # Another browser can still answer.
    send(app, path)
    assert count(app, Response) == 2


def test_identifying_free_text_is_refused_with_guidance_and_the_other_answers_kept(
    app, client, login, manager, quick
):
    _link_id, path = get_link(client, login, manager)
    data = answers(app, rating="5", text="My manager helped with Jayden Smith at 14 Acacia Road.")
    _visitor, response = send(app, path, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This could identify a child, a family or a colleague" in html
    assert '<ul class="findings"' in html and "<mark>" in html
    # The ratings typed are kept, checked again.
    assert html.count('value="5" checked') == LIKERT_ITEMS
    assert count(app, Response) == 0


def test_a_closed_link_gives_a_clear_page_and_a_replaced_address_stops_working(
    app, client, login, manager, quick
):
    link_id, path = get_link(client, login, manager)
    visitor = app.test_client()
    opened_before_closing = open_form(visitor, path)
    login(manager)
    client.post(
        f"/evaluation/supervisees/links/{link_id}/close",
        data={"csrf_token": form_token(client, "/evaluation/supervisees/")},
    )
    closed = visitor.get(path)
    assert closed.status_code == 200
    assert "This survey is closed" in closed.get_data(as_text=True)
    _v, posted = send(app, path, visitor=visitor, opened=opened_before_closing)
    assert "This survey is closed" in posted.get_data(as_text=True)
    assert count(app, Response) == 0
    client.post(
        f"/evaluation/supervisees/links/{link_id}/replace",
        data={"csrf_token": form_token(client, "/evaluation/supervisees/")},
    )
    assert app.test_client().get(path).status_code == 404
    page = client.get("/evaluation/supervisees/").get_data(as_text=True)
    new_path = re.findall(r"http://localhost(/survey/[A-Za-z0-9_-]+)", page)[-1]
    assert new_path != path
    send(app, new_path)
    assert count(app, Response) == 1


def test_answers_are_capped_at_the_team_size_plus_a_margin(app, client, login, manager, quick):
    _link_id, path = get_link(client, login, manager, size=1)  # cap 1 + 2
    late = app.test_client()
    opened = open_form(late, path)
    for _ in range(3):
        send(app, path)
    assert "This survey has all its answers" in app.test_client().get(path).get_data(as_text=True)
    _v, refused = send(app, path, visitor=late, opened=opened)
    assert "This survey has all its answers" in refused.get_data(as_text=True)
    assert count(app, Response) == 3


def test_a_post_without_the_forms_csrf_token_is_refused(app, client, login, manager, quick):
    _link_id, path = get_link(client, login, manager)
    visitor = app.test_client()
    _page, _csrf, stamp = open_form(visitor, path)
    response = visitor.post(path, data={"stamp": stamp, **answers(app)})
    assert response.status_code == 400
    assert count(app, Response) == 0


def test_a_filled_honeypot_stores_nothing(app, client, login, manager, quick):
    _link_id, path = get_link(client, login, manager)
    _v, response = send(app, path, website="http://spam.example")
    assert response.status_code == 200
    assert count(app, Response) == 0


def test_answers_sent_within_seconds_of_opening_are_not_stored_but_kept(
    app, client, login, manager
):
    app.config["COURSE_SURVEY_MIN_SECONDS"] = 60
    _link_id, path = get_link(client, login, manager)
    _v, response = send(app, path, answers(app, rating="2"))
    html = response.get_data(as_text=True)
    assert "Please take a moment to check your answers" in html
    assert html.count('value="2" checked') >= LIKERT_ITEMS
    assert count(app, Response) == 0


def test_a_flood_of_posts_to_one_link_is_throttled_in_the_database(
    app, client, login, manager, quick
):
    _link_id, path = get_link(client, login, manager, size=1)
    visitor = app.test_client()
    _page, csrf, stamp = open_form(visitor, path)
    statuses = [
        visitor.post(path, data={"csrf_token": csrf, "stamp": stamp, "website": "x"}).status_code
        for _ in range(20)
    ]
    assert statuses == [200] * 20
    # The next person's answers are not sent, but kept on the page to send later.
    late = visitor.post(path, data={"csrf_token": csrf, "stamp": stamp, **answers(app, "3")})
    assert late.status_code == 429
    html = late.get_data(as_text=True)
    assert "yours were not sent" in html and html.count('value="3" checked') == LIKERT_ITEMS
    assert count(app, Response) == 0
    with app.app_context():
        assert db.session.scalar(select(SurveyThrottle.posts)) == 20


def test_a_trainer_can_close_a_teams_link_and_another_manager_cannot(
    app, client, login, manager, make_user, cohort, quick
):
    link_id, path = get_link(client, login, manager)
    other = make_user(Role.PARTICIPANT, cohort_id=cohort)
    login(other)
    token = form_token(client, "/evaluation/supervisees/")
    url = f"/evaluation/supervisees/links/{link_id}/close"
    assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert client.get(f"/evaluation/supervisees/links/{link_id}/invitation").status_code == 404
    trainer = make_user(Role.TRAINER, cohort_id=cohort)
    client.post("/logout", data={"csrf_token": form_token(client, "/account/")})
    login(trainer)
    page = client.get("/evaluation/supervisees/").get_data(as_text=True)
    assert "Mo Manager" in page
    token = form_token(client, "/evaluation/supervisees/")
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert "This survey is closed" in app.test_client().get(path).get_data(as_text=True)


def test_the_participation_record_keeps_no_link_to_the_team(app, client, login, manager, quick):
    _link_id, path = get_link(client, login, manager)
    send(app, path)
    with app.app_context():
        row = db.session.scalars(select(Participation)).one()
        assert row.user_id is None and len(row.link_hash) == 64


def _logout(client):
    client.post("/logout", data={"csrf_token": form_token(client, "/account/")})


def test_a_managers_team_page_shows_no_figures_under_k_and_shows_them_from_k(
    app, client, login, manager, quick
):
    link_id, path = get_link(client, login, manager)
    for _ in range(4):
        send(app, path)
    login(manager)
    page = client.get(f"/evaluation/supervisees/team/{link_id}").get_data(as_text=True)
    assert "Fewer than 5 answers" in page
    assert "Agreeing" not in page and "<svg" not in page
    send(app, path)
    page = client.get(f"/evaluation/supervisees/team/{link_id}").get_data(as_text=True)
    assert "5 answers" in page and "Agreeing" in page
    assert "I feel supported by my manager in this work." in page


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.EVALUATOR,
                                  Role.TRAINER])  # fmt: skip
def test_nobody_but_the_manager_can_open_a_teams_page(
    app, client, login, manager, make_user, cohort, role, quick
):
    link_id, path = get_link(client, login, manager)
    for _ in range(5):
        send(app, path)
    login(make_user(role, cohort_id=cohort))
    assert client.get(f"/evaluation/supervisees/team/{link_id}").status_code == 404


def _close_round(client, login, make_user, cohort, app):
    with app.app_context():
        qid = db.session.scalar(
            select(Questionnaire.id).where(Questionnaire.audience == "supervisees")
        )
    trainer = make_user(Role.TRAINER, cohort_id=cohort)
    login(trainer)
    token = form_token(client, "/evaluation/supervisees/cohort")
    response = client.post(
        f"/evaluation/supervisees/rounds/{qid}/close", data={"csrf_token": token}
    )
    assert response.status_code == 302
    _logout(client)


def test_cohort_figures_need_a_closed_round_k_answers_and_two_teams_and_text_is_the_evaluators(
    app, client, login, manager, make_user, cohort, quick
):
    _a, path_a = get_link(client, login, manager)
    second = make_user(Role.PARTICIPANT, cohort_id=cohort)
    _b, path_b = get_link(client, login, second)
    for path in (path_a, path_a, path_a, path_b, path_b, path_b):
        send(app, path, answers(app, text="We talk about how the work feels."))
    evaluator = make_user(Role.EVALUATOR, cohort_id=cohort)
    senior = make_user(Role.SENIOR_MANAGER, cohort_id=cohort)
    login(evaluator)
    page = client.get("/evaluation/supervisees/cohort").get_data(as_text=True)
    assert "still open" in page and "Agreeing" not in page
    _logout(client)
    _close_round(client, login, make_user, cohort, app)
    login(evaluator)
    page = client.get("/evaluation/supervisees/cohort").get_data(as_text=True)
    assert "6 answers" in page and "Agreeing" in page
    assert "We talk about how the work feels." in page
    _logout(client)
    login(senior)
    page = client.get("/evaluation/supervisees/cohort").get_data(as_text=True)
    assert "6 answers" in page
    assert "We talk about how the work feels." not in page


def test_cohort_figures_from_one_team_alone_are_not_shown(
    app, client, login, manager, make_user, cohort, quick
):
    _a, path = get_link(client, login, manager, size=8)
    for _ in range(6):
        send(app, path)
    _close_round(client, login, make_user, cohort, app)
    login(make_user(Role.EVALUATOR, cohort_id=cohort))
    page = client.get("/evaluation/supervisees/cohort").get_data(as_text=True)
    assert "fewer than two teams" in page and "Agreeing" not in page


def test_the_demo_has_baseline_surveys_for_most_teams_some_above_k_and_some_below(app, client):
    from course.demo import seed_demo
    from course.modules.evaluation import supervisee_links as links

    with app.app_context():
        demo = seed_demo("a long enough demo passphrase")
        team_links = links.cohort_links(demo.cohort.id)
        answered = [links.answers_through(link.id) for link in team_links]
        managers, evaluator = len(demo.managers), demo.evaluator.email
    assert len(team_links) >= managers * 3 // 4
    assert any(n >= 5 for n in answered) and any(0 < n < 5 for n in answered)
    # The demo evaluator has an authenticator app: Auth signs in with a code computed from it.
    assert Auth(client).login(evaluator, "a long enough demo passphrase").status_code == 302
    page = client.get("/evaluation/supervisees/cohort").get_data(as_text=True)
    assert "Agreeing" in page
    report = client.get("/evaluation/impact").get_data(as_text=True)
    assert "Supervision at least every four weeks" in report


def test_the_survey_pages_the_crawl_cannot_reach_are_valid_html(
    app, client, login, manager, quick, tmp_path
):
    from tests.test_html_valid import validate

    link_id, path = get_link(client, login, manager)
    pages = {"form": app.test_client().get(path).get_data(as_text=True)}
    _v, refused = send(app, path, answers(app, text="I saw Jayden Smith at 14 Acacia Road."))
    pages["refused"] = refused.get_data(as_text=True)
    for _ in range(5):
        visitor, _ = send(app, path)
    pages["answered"] = visitor.get(path).get_data(as_text=True)
    login(manager)
    pages["team"] = client.get(f"/evaluation/supervisees/team/{link_id}").get_data(as_text=True)
    pages["invitation"] = client.get(
        f"/evaluation/supervisees/links/{link_id}/invitation"
    ).get_data(as_text=True)
    client.post(
        f"/evaluation/supervisees/links/{link_id}/close",
        data={"csrf_token": form_token(client, "/evaluation/supervisees/")},
    )
    pages["closed"] = app.test_client().get(path).get_data(as_text=True)
    assert "Agreeing" in pages["team"] and "<mark>" in pages["refused"]
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    errors = [f"{m['url'].rsplit('/', 1)[-1]}: {m['message']}" for m in validate(folder)]
    assert errors == []


def test_a_team_page_counts_whole_groups_of_k_so_one_more_answer_changes_nothing(
    app, client, login, manager, quick
):
    link_id, path = get_link(client, login, manager, size=9)
    for rating in ("5", "5", "5", "5", "5", "1"):
        send(app, path, answers(app, rating=rating))
    login(manager)
    page = client.get(f"/evaluation/supervisees/team/{link_id}").get_data(as_text=True)
    # Six answered; the sixth (all "strongly disagree") waits for four more to be counted.
    assert "<strong>5 answers" in page and "<strong>6 answers" not in page
    assert "Strongly disagree" in page and ">100%<" in page


def test_the_evaluator_reads_a_rounds_written_answers_only_once_it_has_closed(
    app, client, login, manager, make_user, cohort, quick
):
    _a, path = get_link(client, login, manager)
    for _ in range(5):
        send(app, path, answers(app, text="Supervision keeps getting moved."))
    with app.app_context():
        qid = db.session.scalar(
            select(Questionnaire.id).where(Questionnaire.audience == "supervisees")
        )
    evaluator = make_user(Role.EVALUATOR, cohort_id=cohort)
    login(evaluator)
    assert client.get(f"/evaluation/{qid}/excerpts").status_code == 404
    assert client.get(f"/evaluation/{qid}/answers.csv").status_code == 404
    _logout(client)
    _close_round(client, login, make_user, cohort, app)
    login(evaluator)
    page = client.get(f"/evaluation/{qid}/excerpts").get_data(as_text=True)
    assert "Supervision keeps getting moved." in page
