"""The senior view: figures, chart, quotations, CSV and print; 'you said, we did' responses."""

import csv
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.barriers import services
from course.modules.barriers.models import Barrier, BarrierResponse
from course.modules.barriers.themes import Theme
from course.modules.notifications.models import Notification
from course.timeutil import london_today, utcnow
from tests.conftest import Auth, form_token


@pytest.fixture
def login(app):
    """login(user): a new client signed in as the user, so tests can switch between people."""

    def sign_in(user):
        client = app.test_client()
        assert Auth(client).login(user).status_code == 302
        return client

    return sign_in


@pytest.fixture
def cohort_people(cohort, make_user):
    """Eight participants, a senior manager, a trainer and an evaluator."""
    return {
        "participants": [
            make_user(cohort_id=cohort, name=f"Raiser Number{n}", team=f"Team {n}")
            for n in range(8)
        ],
        "senior": make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort, name="Sandra Senior"),
        "trainer": make_user(role=Role.TRAINER, cohort_id=cohort),
        "evaluator": make_user(role=Role.EVALUATOR, cohort_id=cohort),
    }


def release(app, cohort, raisings):
    """Raise [(person, theme, text, consent, excerpt)] and release them in one batch."""
    with app.app_context():
        ids = []
        for person, theme, text, consent, excerpt in raisings:
            barrier = Barrier(
                cohort_id=cohort,
                theme=theme,
                text=text,
                excerpt=excerpt,
                raised_by_id=person.id,
                period=2,
                quote_consent=consent,
            )
            db.session.add(barrier)
            db.session.flush()
            ids.append(barrier.id)
        services.release_batch(cohort, ids)
        db.session.commit()


@pytest.fixture
def register(app, cohort, cohort_people):
    """Workload raised by 6 people (3 consenting), IT by 2; one batch released."""
    people = cohort_people["participants"]
    raisings = [
        (p, Theme.WORKLOAD, f"Original words of raiser {n}", n < 3, f"Edited quotation {n}")
        for n, p in enumerate(people[:6])
    ]
    raisings.append((people[6], Theme.WORKLOAD, "Unconsented words", False, "Never quote me"))
    raisings += [
        (p, Theme.IT_SYSTEMS, "The system is slow", True, "A quotation on IT") for p in people[:2]
    ]
    release(app, cohort, raisings)
    return cohort_people


def test_senior_sees_themes_ranked_with_small_figures_hidden(register, login):
    page = login(register["senior"]).get("/barriers/overview").get_data(as_text=True)
    workload = page.index("Workload and caseloads</span>")
    it_systems = page.index("IT systems</span>")
    assert workload < it_systems  # shown figures first, largest first
    row = page[workload : page.index("</tr>", workload)]
    assert '<td class="num">7</td>' in row  # seven distinct people
    row = page[it_systems : page.index("</tr>", it_systems)]
    assert "fewer than 5" in row and ">2<" not in row
    assert '<svg class="chart"' in page and 'role="img"' in page and "<title" in page
    assert not re.search(r"\sstyle=", page)  # the CSP forbids inline styles


def test_quotations_only_where_consented_released_edited_and_the_theme_is_shown(register, login):
    page = login(register["senior"]).get("/barriers/overview").get_data(as_text=True)
    assert "Edited quotation 0" in page and "Edited quotation 2" in page
    assert "Edited quotation 3" not in page  # no consent
    assert "Never quote me" not in page
    assert "A quotation on IT" not in page  # its theme is under K
    assert "Original words" not in page  # the original is never shown


def test_a_quotation_waits_until_its_theme_figure_moves(app, cohort, register, login):
    late = register["participants"][7]
    release(app, cohort, [(late, Theme.WORKLOAD, "Late words", True, "A late quotation")])
    page = login(register["senior"]).get("/barriers/overview").get_data(as_text=True)
    assert "A late quotation" not in page  # one more person has not moved the figure


def test_evaluators_see_the_same_figures_without_quotations_or_responding(app, register, login):
    senior_csv = login(register["senior"]).get("/barriers/overview.csv").get_data(as_text=True)
    client = login(register["evaluator"])
    page = client.get("/barriers/overview").get_data(as_text=True)
    assert "Edited quotation 0" not in page and "In their words" not in page
    assert "Respond to a theme" not in page
    assert client.get("/barriers/overview.csv").get_data(as_text=True) == senior_csv


def test_xlsx_export_holds_the_same_suppressed_figures_as_the_csv(app, register, login):
    client = login(register["senior"])
    text = client.get("/barriers/overview.csv?stage=1").get_data(as_text=True).lstrip("\ufeff")
    from_csv = [list(row.values()) for row in csv.DictReader(io.StringIO(text))]
    book = load_workbook(io.BytesIO(client.get("/barriers/overview.xlsx?stage=1").data))
    from_xlsx = [[c.value or "" for c in row] for row in book.active.iter_rows(min_row=2)]
    assert from_xlsx == from_csv and ["IT systems", "fewer than 5"] in [r[1::3] for r in from_xlsx]


def test_csv_export_holds_the_suppressed_figures_and_is_audited(app, register, login):
    client = login(register["senior"])
    response = client.get("/barriers/overview.csv?stage=1")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_theme = {row["theme"]: row["people"] for row in rows}
    assert by_theme["Workload and caseloads"] == "7"
    assert by_theme["IT systems"] == "fewer than 5"
    reasons = {row["theme"]: row["why not shown"] for row in rows}
    assert reasons["Workload and caseloads"] == ""
    assert reasons["IT systems"].startswith("Fewer than 5 people: an exact small count")
    assert {row["stage"] for row in rows} == {"Sessions 1 to 4"}
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "barrier_overview_exported")
        )
        assert event.actor_id == register["senior"].id and '"stage": 1' in event.detail


def test_print_view_has_the_figures_and_no_navigation(register, login):
    page = login(register["senior"]).get("/barriers/overview/print").get_data(as_text=True)
    assert "Workload and caseloads" in page and "fewer than 5" in page
    assert 'class="site-nav"' not in page and not re.search(r"\sstyle=", page)


def test_filters_show_one_stage_or_one_theme(register, login):
    client = login(register["senior"])
    stage = client.get("/barriers/overview?stage=1").get_data(as_text=True)
    assert "in sessions 1 to 4" in stage and "Over time" not in stage
    theme = client.get("/barriers/overview?theme=workload").get_data(as_text=True)
    assert "Workload and caseloads</span>" in theme and "IT systems</span>" not in theme
    nonsense = client.get("/barriers/overview?stage=9&theme=nope")
    assert nonsense.status_code == 200  # unknown filters mean 'all'


# ----- you said, we did -----------------------------------------------------------------------


def respond(client, theme="workload", status="planned", reason="", due=None):
    due = due or (london_today() + timedelta(days=30))
    return client.post(
        "/barriers/responses/new",
        data={
            "csrf_token": form_token(client, "/barriers/responses/new"),
            "theme": theme,
            "response": "A caseload ceiling agreed with team managers.",
            "owner": "Head of Service",
            "due_on": due.isoformat(),
            "status": status,
            "reason": reason,
        },
    )


def test_senior_responds_and_each_raiser_of_the_theme_is_told_without_names(app, register, login):
    response = respond(login(register["senior"]))
    assert response.status_code == 302
    with app.app_context():
        messages = db.session.scalars(select(Notification)).all()
        told = {m.user_id for m in messages}
        workload_raisers = {p.id for p in register["participants"][:7]}
        assert told == workload_raisers  # not IT-only raisers, not the author
        for message in messages:
            assert message.kind == "barrier_response" and message.link == "/barriers/"
            text = message.subject + message.body
            assert "Workload" not in text and "Sandra" not in text and "Raiser" not in text
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "barrier_response_recorded")
        )


def test_a_participant_sees_the_response_to_the_theme_they_raised(app, cohort, register, login):
    respond(login(register["senior"]))
    raiser = register["participants"][0]
    client = login(raiser)
    mine = client.get("/barriers/").get_data(as_text=True)
    said = mine.index("responses to the themes you raised")
    assert "A caseload ceiling agreed with team managers." in mine[said:]
    home = client.get("/").get_data(as_text=True)
    assert "You said, we did" in home and "A caseload ceiling agreed" in home
    with app.app_context():
        barrier_id = db.session.scalar(select(Barrier.id).where(Barrier.raised_by_id == raiser.id))
    detail = client.get(f"/barriers/{barrier_id}").get_data(as_text=True)
    assert "A caseload ceiling agreed with team managers." in detail and "Head of Service" in detail


def test_not_possible_needs_a_reason(app, register, login):
    client = login(register["senior"])
    page = respond(client, status="not_possible")
    assert page.status_code == 200 and "Say why it is not possible" in page.get_data(as_text=True)
    assert "A caseload ceiling agreed" in page.get_data(as_text=True)  # kept
    assert respond(client, status="not_possible", reason="No budget until April").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(BarrierResponse.reason)) == "No budget until April"


def test_overdue_responses_are_flagged_to_senior_managers(app, register, login):
    client = login(register["senior"])
    respond(client, due=london_today() - timedelta(days=3), status="in_progress")
    respond(client, theme="time", due=london_today() - timedelta(days=3), status="done")
    overview = client.get("/barriers/overview").get_data(as_text=True)
    assert "1 response is past its due date" in overview and "Overdue" in overview
    assert "1 response is overdue" in client.get("/").get_data(as_text=True)


def test_updating_a_response_tells_raisers_when_its_status_changes(app, register, login):
    client = login(register["senior"])
    respond(client)
    with app.app_context():
        entry_id = db.session.scalar(select(BarrierResponse.id))
        db.session.execute(update(Notification).values(read_at=utcnow()))
        db.session.commit()
    path = f"/barriers/responses/{entry_id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'value="Head of Service"' in page
    client.post(
        path,
        data={
            "csrf_token": form_token(client, path),
            "response": "Ceiling agreed and in place.",
            "owner": "Head of Service",
            "due_on": london_today().isoformat(),
            "status": "done",
        },
    )
    with app.app_context():
        assert db.session.scalar(select(BarrierResponse.status)) == "done"
        unread = db.session.scalars(select(Notification).where(Notification.read_at.is_(None)))
        assert len(unread.all()) == 7


def test_a_response_of_another_cohort_answers_404(app, register, login, make_user):
    respond(login(register["senior"]))
    with app.app_context():
        entry_id = db.session.scalar(select(BarrierResponse.id))
    stranger = make_user(role=Role.SENIOR_MANAGER)
    assert login(stranger).get(f"/barriers/responses/{entry_id}/edit").status_code == 404
