"""Issue 22, item 9: the senior view in two minutes and on a phone: response status and a Respond
action per theme, a due-date hint in the future, a phone chart, why 'withheld', and a warning
before releasing barriers whose authors agreed to quotation but that have no excerpt yet."""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.barriers import services
from course.modules.barriers.charts import phone_ranking_chart
from course.modules.barriers.models import Barrier, BarrierResponse
from course.modules.barriers.overview import cohort_overview
from course.modules.barriers.themes import Theme
from course.timeutil import london_today
from tests.conftest import Auth, form_token


@pytest.fixture
def sign_in(app):
    """sign_in(user): a new client signed in as the user."""

    def signed_in(user):
        client = app.test_client()
        assert Auth(client).login(user).status_code == 302
        return client

    return signed_in


@pytest.fixture
def people(cohort, make_user):
    return {
        "participants": [
            make_user(cohort_id=cohort, name=f"Raiser Number{n}", team=f"Team {n}")
            for n in range(8)
        ],
        "senior": make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort, name="Sandra Senior"),
        "trainer": make_user(role=Role.TRAINER, cohort_id=cohort),
        "evaluator": make_user(role=Role.EVALUATOR, cohort_id=cohort),
    }


def _add(app, cohort, raisings, release=True):
    """Raise [(person, theme, period, consent, excerpt)]; release them in one batch if asked."""
    with app.app_context():
        ids = []
        for person, theme, period, consent, excerpt in raisings:
            barrier = Barrier(
                cohort_id=cohort,
                theme=theme,
                text=f"Words of {person.name}",
                excerpt=excerpt,
                raised_by_id=person.id,
                period=period,
                quote_consent=consent,
            )
            db.session.add(barrier)
            db.session.flush()
            ids.append(barrier.id)
        if release:
            services.release_batch(cohort, ids)
        db.session.commit()
        return ids


@pytest.fixture
def released(app, cohort, people):
    """Workload by 7 people (5 in stage 1, 2 in stage 2: its breakdown is withheld), time by 6
    (all in stage 1), IT by 2."""
    p = people["participants"]
    raisings = [(person, Theme.WORKLOAD, 2, False, None) for person in p[:5]]
    raisings += [(person, Theme.WORKLOAD, 6, False, None) for person in p[5:7]]
    raisings += [(person, Theme.TIME, 3, False, None) for person in p[:6]]
    raisings += [(person, Theme.IT_SYSTEMS, 2, False, None) for person in p[:2]]
    _add(app, cohort, raisings)
    return people


def _respond(app, cohort, theme, status, due_in_days=30, senior=None):
    with app.app_context():
        db.session.add(
            BarrierResponse(
                cohort_id=cohort,
                theme=theme.value,
                response="Something will be done.",
                owner="Head of Service",
                due_on=london_today() + timedelta(days=due_in_days),
                status=status,
                reason="Budget" if status == "not_possible" else None,
                created_by_id=senior.id if senior else None,
            )
        )
        db.session.commit()


def _ranking_row(page, theme):
    """The ranking table's row for a theme."""
    start = page.index(f'<span class="theme-name">{theme.label}</span>')
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


# Response status and "Respond" in the ranking.


def test_the_ranking_shows_each_themes_response_status(app, cohort, released, sign_in):
    _respond(app, cohort, Theme.WORKLOAD, "done")
    _respond(app, cohort, Theme.TIME, "in_progress")
    _respond(app, cohort, Theme.TIME, "done")  # one open response keeps it in progress
    page = sign_in(released["senior"]).get("/barriers/overview").get_data(as_text=True)
    assert '<th scope="col">Response</th>' in page
    assert ">Responded</span>" in _ranking_row(page, Theme.WORKLOAD)
    assert ">In progress</span>" in _ranking_row(page, Theme.TIME)
    assert ">No response yet</span>" in _ranking_row(page, Theme.IT_SYSTEMS)


def test_an_overdue_open_response_is_marked_overdue(app, cohort, released, sign_in):
    _respond(app, cohort, Theme.WORKLOAD, "planned", due_in_days=-3)
    page = sign_in(released["senior"]).get("/barriers/overview").get_data(as_text=True)
    assert ">In progress, overdue</span>" in _ranking_row(page, Theme.WORKLOAD)


def test_the_senior_view_names_the_shown_themes_with_no_response(app, cohort, released, sign_in):
    _respond(app, cohort, Theme.WORKLOAD, "planned")
    page = sign_in(released["senior"]).get("/barriers/overview").get_data(as_text=True)
    line = re.search(r'<p class="unanswered">(.*?)</p>', page, re.S).group(1)
    assert "to 1 theme with a figure: Time and cancelled sessions." in line
    assert "IT systems" not in line  # fewer than K: no figure, not listed


def test_each_theme_has_a_respond_link_that_chooses_the_theme(app, cohort, released, sign_in):
    client = sign_in(released["senior"])
    page = client.get("/barriers/overview").get_data(as_text=True)
    row = _ranking_row(page, Theme.IT_SYSTEMS)
    assert (
        '<a class="respond-link" href="/barriers/responses/new?theme=it_systems">Respond'
        '<span class="visually-hidden"> to IT systems</span></a>'
    ) in row
    form = client.get("/barriers/responses/new?theme=it_systems").get_data(as_text=True)
    assert re.search(
        r'<option selected value="it_systems">|<option value="it_systems" selected', form
    )


def test_only_senior_managers_get_respond_links_and_print_has_none(app, cohort, released, sign_in):
    for role in ("trainer", "evaluator"):
        page = sign_in(released[role]).get("/barriers/overview").get_data(as_text=True)
        assert ">No response yet</span>" in page and "respond-link" not in page
    printed = sign_in(released["senior"]).get("/barriers/overview/print").get_data(as_text=True)
    assert ">No response yet</span>" in printed and "respond-link" not in printed


def test_the_response_form_chooses_no_theme_by_itself(app, cohort, released, sign_in):
    client = sign_in(released["senior"])
    form = client.get("/barriers/responses/new").get_data(as_text=True)
    select_box = form[form.index('<select class="input input-narrow" id="theme"') :]
    select_box = select_box[: select_box.index("</select>")]
    assert select_box.count("<option") == len(Theme) + 1
    assert '<option value="">Choose a theme</option>' in select_box  # first, so shown
    assert "selected" not in select_box
    response = client.post(
        "/barriers/responses/new",
        data={
            "csrf_token": form_token(client, "/barriers/responses/new"),
            "theme": "",
            "response": "A caseload ceiling.",
            "owner": "Head of Service",
            "due_on": (london_today() + timedelta(days=20)).isoformat(),
            "status": "planned",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="theme-error"' in page and "Choose the theme you are responding to" in page
    assert "A caseload ceiling." in page  # kept what was typed
    with app.app_context():
        assert db.session.scalar(select(BarrierResponse.id)) is None


def test_the_due_date_hint_is_a_future_date_from_the_clock(app, cohort, released, sign_in):
    client = sign_in(released["senior"])
    form = client.get("/barriers/responses/new").get_data(as_text=True)
    shown = re.search(r'id="due_on-hint">For example (\d\d)/(\d\d)/(\d{4})\.<', form)
    day, month, year = (int(part) for part in shown.groups())
    hinted = date(year, month, day)
    assert london_today() + timedelta(days=60) < hinted < london_today() + timedelta(days=120)
    assert "31/03/2026" not in form


# The phone chart.


def test_the_phone_chart_puts_each_name_above_its_bar_in_large_type(app, cohort, released):
    with app.app_context():
        chart = phone_ranking_chart(cohort_overview(cohort))
    assert chart["width"] == 320 and chart["font"] >= 14
    for bar in chart["bars"]:
        assert all(len(line) <= 34 for _, line in bar.label_lines)
        assert bar.bar_y > bar.label_lines[-1][0]  # the bar comes under its name
        assert bar.width + 100 <= chart["width"]  # room for the figure after the bar
    long_name = next(b for b in chart["bars"] if b.label_lines[0][1].startswith("Recording"))
    assert len(long_name.label_lines) == 2


def test_the_overview_has_a_phone_chart_shown_only_on_narrow_screens(
    app, cohort, released, sign_in
):
    page = sign_in(released["senior"]).get("/barriers/overview").get_data(as_text=True)
    phone = re.search(r'<div class="ranking-phone">(.*?)</div>', page, re.S).group(1)
    assert 'font-size="15"' in phone and "7 people" in phone
    assert 'aria-labelledby="ranking-phone-title ranking-phone-desc"' in phone
    css = (Path(app.root_path) / "static" / "css" / "site.css").read_text()
    assert ".ranking-phone { display: none; }" in css
    assert re.search(r"max-width: 40rem\) \{\s*\.ranking-wide \{ display: none; \}", css)


def test_the_chart_comes_before_the_filters_and_links(app, cohort, released, sign_in):
    page = sign_in(released["senior"]).get("/barriers/overview").get_data(as_text=True)
    assert page.index('class="ranking-phone"') < page.index('class="overview-links"')
    assert page.index('class="ranking-phone"') < page.index("How these figures protect")
    # The filters fold into one line above the chart unless one is chosen.
    assert '<details class="filters-toggle">' in page
    filtered = sign_in(released["senior"]).get("/barriers/overview?stage=1")
    assert '<details class="filters-toggle" open>' in filtered.get_data(as_text=True)


# Why "withheld".


def test_withheld_figures_link_to_a_plain_explanation(app, cohort, released, sign_in):
    page = sign_in(released["senior"]).get("/barriers/overview").get_data(as_text=True)
    row = _ranking_row(page, Theme.WORKLOAD)
    assert '<a class="figure-hidden" href="#why-withheld">withheld' in row
    why = re.search(r'<p class="why-withheld" id="why-withheld">(.*?)</p>', page, re.S).group(1)
    assert "fewer than 5 people raised it at one stage" in why
    assert "figure for all sessions still counts everyone" in why
    assert ">withheld<" not in _ranking_row(page, Theme.TIME)


def test_no_explanation_where_nothing_is_withheld(app, cohort, people, sign_in):
    _add(app, cohort, [(p, Theme.TIME, 3, False, None) for p in people["participants"][:6]])
    page = sign_in(people["senior"]).get("/barriers/overview").get_data(as_text=True)
    assert "why-withheld" not in page


def test_the_stage_filter_ranks_a_withheld_figure_with_its_explanation(
    app, cohort, released, sign_in
):
    page = sign_in(released["senior"]).get("/barriers/overview?stage=2").get_data(as_text=True)
    assert 'id="why-withheld"' in page
    assert 'href="#why-withheld">withheld' in _ranking_row(page, Theme.WORKLOAD)


def test_the_print_view_explains_withheld_too(app, cohort, released, sign_in):
    page = sign_in(released["senior"]).get("/barriers/overview/print").get_data(as_text=True)
    assert 'id="why-withheld"' in page


def test_the_export_says_why_a_figure_is_withheld(app, cohort, released, sign_in):
    text = sign_in(released["senior"]).get("/barriers/overview.csv?stage=2").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    workload = next(r for r in rows if r["theme"] == Theme.WORKLOAD.label)
    assert workload["people"] == "withheld"
    assert workload["why not shown"].startswith("Withheld: next to the figure for all sessions")
    assert "fewer than 5 people raised this theme at one stage" in workload["why not shown"]


def test_the_explanation_names_no_one(app, cohort, released, sign_in):
    page = sign_in(released["senior"]).get("/barriers/overview").get_data(as_text=True)
    assert "Raiser" not in page and "Team 1" not in page


# The trainers' release step.


def _release(client, ids, **extra):
    return client.post(
        "/barriers/review/release",
        data={"csrf_token": form_token(client, "/barriers/review"), "barrier_ids": ids, **extra},
    )


def test_releasing_a_consented_barrier_without_an_excerpt_asks_first(app, cohort, people, sign_in):
    p = people["participants"]
    bare, quoted, private = _add(
        app,
        cohort,
        [
            (p[0], Theme.WORKLOAD, 2, True, None),
            (p[1], Theme.WORKLOAD, 2, True, "Edited words"),
            (p[2], Theme.WORKLOAD, 2, False, None),
        ],
        release=False,
    )
    client = sign_in(people["trainer"])
    review = client.get("/barriers/review").get_data(as_text=True)
    assert "1 of these has an author who agreed to quotation but no excerpt yet" in review
    response = _release(client, [bare, quoted, private])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 ticked barrier has no excerpt yet" in page
    assert f'href="/barriers/review/{bare}">Write the excerpt for barrier {bare}</a>' in page
    assert f"barrier {quoted}</a>" not in page.split("excerpt-warning", 1)[1].split("</div>")[0]
    assert "Nothing has been released yet." in page
    assert 'name="without_excerpts" value="1"' in page
    for barrier_id in (bare, quoted, private):  # still ticked, so "Release anyway" keeps them
        assert f'value="{barrier_id}" id="release-{barrier_id}" checked' in page
    with app.app_context():
        assert db.session.scalar(select(Barrier.id).where(Barrier.released_at.is_not(None))) is None
    done = _release(client, [bare, quoted, private], without_excerpts="1")
    assert done.status_code == 302
    with app.app_context():
        statuses = db.session.scalars(select(Barrier.status).order_by(Barrier.id)).all()
        assert statuses == ["released"] * 3


def test_a_batch_with_every_excerpt_written_is_released_at_once(app, cohort, people, sign_in):
    p = people["participants"]
    ids = _add(
        app,
        cohort,
        [(p[0], Theme.TIME, 2, True, "Edited"), (p[1], Theme.TIME, 2, False, None)],
        release=False,
    )
    client = sign_in(people["trainer"])
    assert "no excerpt yet" not in client.get("/barriers/review").get_data(as_text=True)
    assert _release(client, ids).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Barrier.status)).all() == ["released"] * 2


def test_unticking_the_barrier_without_an_excerpt_releases_the_rest(app, cohort, people, sign_in):
    p = people["participants"]
    bare, other = _add(
        app,
        cohort,
        [(p[0], Theme.TIME, 2, True, ""), (p[1], Theme.TIME, 2, False, None)],
        release=False,
    )
    client = sign_in(people["trainer"])
    assert _release(client, [other]).status_code == 302
    with app.app_context():
        assert db.session.get(Barrier, bare).status == "new"
        assert db.session.get(Barrier, other).status == "released"
