"""Organisations, several cohorts per person, running a cohort again, and archiving one."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from course.modules.attendance.models import CatchUp
from course.modules.barriers.models import Barrier
from course.modules.evaluation import services
from course.modules.evaluation.models import Kind, Response
from course.modules.journal.models import JournalEntry
from course.modules.programme.models import CourseSession
from course.modules.programme.run_again import bank_holidays, schedule
from course.modules.programme.services import create_programme
from course.modules.readings.models import Reading, SessionReading
from tests.conftest import form_token
from tests.test_migrations import bare_app  # noqa: F401 - the fixture

CLOCK = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock():
    """Every test here runs on 10 March 2026."""
    with time_machine.travel(CLOCK, tick=False):
        yield


def _cohort(name, organisation, starts_on=date(2025, 9, 1)):
    cohort = Cohort(
        name=name,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=starts_on.replace(year=starts_on.year + 1),
    )
    db.session.add(cohort)
    db.session.flush()
    create_programme(cohort)
    db.session.flush()
    return cohort


@pytest.fixture
def two_councils(app, make_user):
    """Bromley's and Camden's cohorts, one participant each, and a trainer in both."""
    with app.app_context():
        bromley = _cohort("Bromley 2025-26", "London Borough of Bromley")
        camden = _cohort("Camden 2025-26", "London Borough of Camden", date(2025, 10, 1))
        db.session.commit()
        ids = {"bromley": bromley.id, "camden": camden.id}
        orgs = {"bromley": bromley.organisation_id, "camden": camden.organisation_id}
    people = {
        "ann": make_user(
            name="Ann Bromley", cohort_id=ids["bromley"], organisation_id=orgs["bromley"]
        ),
        "cal": make_user(
            name="Cal Camden", cohort_id=ids["camden"], organisation_id=orgs["camden"]
        ),
        "trainer": make_user(role=Role.TRAINER, name="Tess Trainer", cohort_id=ids["bromley"]),
    }
    with app.app_context():
        db.session.add(CohortMember(cohort_id=ids["camden"], user_id=people["trainer"].id))
        for who, cohort in (("ann", "bromley"), ("cal", "camden")):
            db.session.add(
                JournalEntry(
                    author_id=people[who].id,
                    cohort_id=ids[cohort],
                    title=f"Shared by {people[who].name}",
                    body="What I noticed.",
                    shared_with_trainers=True,
                    shared_at=CLOCK,
                )
            )
        db.session.commit()
    return ids, orgs, people


def _switch(client, cohort_id, next_path="/"):
    token = form_token(client, "/")
    return client.post(
        "/cohort", data={"cohort_id": cohort_id, "next": next_path, "csrf_token": token}
    )


def test_a_trainer_in_two_organisations_switches_and_sees_only_that_cohort(two_councils, login):
    ids, _, people = two_councils
    client = login(people["trainer"])
    page = client.get("/attendance/").get_data(as_text=True)  # the latest-starting: Camden
    assert "Cal Camden" in page and "Ann Bromley" not in page
    assert "Cohort" in page and "Camden 2025-26 (London Borough of Camden)" in page

    response = _switch(client, ids["bromley"], "/attendance/")
    assert response.status_code == 302 and response.location.endswith("/attendance/")
    for path in ("/attendance/", "/journal/shared", "/presentations/", "/programme/"):
        page = client.get(path).get_data(as_text=True)
        assert "Camden" not in page.split('id="cohort-switch"')[1].split("</select>")[1], path
    attendance = client.get("/attendance/").get_data(as_text=True)
    assert "Ann Bromley" in attendance and "Cal Camden" not in attendance
    for path in ("/journal/shared", "/"):  # the home page's "Shared reflections" too
        shared = client.get(path).get_data(as_text=True)
        assert "Shared by Ann Bromley" in shared and "Shared by Cal Camden" not in shared, path

    _switch(client, ids["camden"])
    for path in ("/journal/shared", "/"):
        shared = client.get(path).get_data(as_text=True)
        assert "Shared by Cal Camden" in shared and "Shared by Ann Bromley" not in shared, path
    home = client.get("/").get_data(as_text=True).split('id="journal-shared-heading"')[1]
    assert 'Shared by Cal Camden</a> <span class="muted">by Cal Camden,' in home


def test_a_link_naming_a_cohort_opens_it_and_links_on_the_page_carry_it(two_councils, login):
    ids, _, people = two_councils
    client = login(people["trainer"])
    page = client.get(f"/attendance/?cohort={ids['bromley']}").get_data(as_text=True)
    assert "Ann Bromley" in page and "Cal Camden" not in page
    assert f'href="/journal/shared?cohort={ids["bromley"]}"' in page  # the menu carries it
    page = client.get("/attendance/").get_data(as_text=True)  # and it is remembered
    assert "Ann Bromley" in page


def test_a_session_page_opens_the_cohort_the_session_is_of(app, two_councils, login):
    ids, _, people = two_councils
    client = login(people["trainer"])
    with app.app_context():
        bromley_session = db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == ids["bromley"], CourseSession.number == 2
            )
        )
    page = client.get(f"/programme/{bromley_session}").get_data(as_text=True)
    assert "Bromley 2025-26 (London Borough of Bromley)" in page.split("</header>")[0]
    assert "Ann Bromley" in client.get("/attendance/").get_data(as_text=True)


def test_nobody_can_switch_to_or_name_a_cohort_they_are_not_in(two_councils, login):
    ids, _, people = two_councils
    client = login(people["ann"])
    assert _switch(client, ids["camden"]).status_code == 404
    page = client.get(f"/programme/?cohort={ids['camden']}").get_data(as_text=True)
    assert "Bromley 2025-26" in page and "Camden" not in page
    assert 'id="cohort-switch"' not in page  # one cohort: its name, no switcher


def test_the_home_page_lists_every_cohort_with_what_needs_the_person(two_councils, login):
    _, _, people = two_councils
    page = login(people["trainer"]).get("/").get_data(as_text=True)
    listing = page.split("All your cohorts")[1].split("</section>")[0]
    assert "Bromley 2025-26" in listing and "Camden 2025-26" in listing
    assert "next session Tuesday 7 April 2026" in listing


def test_the_home_page_counts_what_waits_for_the_trainer_in_each_cohort(app, two_councils, login):
    ids, _, people = two_councils
    with app.app_context():
        camden_session = db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == ids["camden"], CourseSession.number == 2
            )
        )
        cal = db.session.scalar(select(User.id).where(User.name == "Cal Camden"))
        ann = db.session.scalar(select(User.id).where(User.name == "Ann Bromley"))
        db.session.add(
            CatchUp(
                session_id=camden_session,
                user_id=cal,
                task="Read",
                reflection="What I took from it.",
                submitted_at=CLOCK,
            )
        )
        for n in range(2):
            db.session.add(
                Barrier(
                    cohort_id=ids["bromley"],
                    theme="workload",
                    text=f"Too many cases {n}",
                    raised_by_id=ann,
                    period=1,
                )
            )
        db.session.commit()
    page = login(people["trainer"]).get("/").get_data(as_text=True)
    items = page.split("All your cohorts")[1].split("</section>")[0].split("<li")[1:]
    bromley = next(item for item in items if "Bromley 2025-26" in item)
    camden = next(item for item in items if "Camden 2025-26" in item)
    assert "2 barriers to moderate" in bromley and "catch-up" not in bromley
    assert "1 catch-up to review" in camden and "barrier" not in camden


def test_the_home_page_makes_the_same_queries_for_1_and_20_cohorts(
    app, make_user, login, count_queries
):
    with app.app_context():
        first = _cohort("Cohort 1", "Council 1")
        db.session.commit()
        first_id = first.id
    trainer = make_user(role=Role.TRAINER, cohort_id=first_id)
    client = login(trainer)

    def queries_for_home():
        client.get("/")
        with count_queries() as queries:
            page = client.get("/").get_data(as_text=True)
        return len(queries), page

    one, _ = queries_for_home()
    counts, made = {}, 1
    for upto in (2, 20):
        with app.app_context():
            for n in range(made + 1, upto + 1):
                cohort = _cohort(f"Cohort {n}", f"Council {n}", date(2025, 9, 1))
                db.session.add(CohortMember(cohort_id=cohort.id, user_id=trainer.id))
            db.session.commit()
        made = upto
        counts[upto], page = queries_for_home()
    assert "Cohort 20" in page.split("All your cohorts")[1]
    assert counts[2] == counts[20]
    assert counts[2] == one + 1  # the list: next sessions, catch-ups and barriers in one query


def test_an_organisations_administrator_manages_only_its_own(app, two_councils, make_user, login):
    ids, orgs, people = two_councils
    admin = make_user(role=Role.ADMIN, name="Bea Admin", organisation_id=orgs["bromley"])
    client = login(admin)
    assert client.get(f"/admin/cohorts/{ids['camden']}").status_code == 404
    assert client.get(f"/admin/users/{people['cal'].id}/edit").status_code == 404
    assert client.get("/admin/organisations").status_code == 404
    assert client.get("/admin/audit").status_code == 404
    users = client.get("/admin/users").get_data(as_text=True)
    assert "Ann Bromley" in users and "Cal Camden" not in users
    assert "Tess Trainer" in users  # works in Bromley's cohort, but is not Bromley's to edit
    assert client.get(f"/admin/users/{people['trainer'].id}/edit").status_code == 404
    path = f"/admin/cohorts/{ids['bromley']}"
    page = client.post(
        path, data={"add-emails": people["cal"].email, "csrf_token": form_token(client, path)}
    ).get_data(as_text=True)
    assert "These people belong to another organisation" in page
    new = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="trainer"' not in new and 'value="evaluator"' not in new
    client.post(
        "/admin/users/new",
        data={
            "name": "Dee New",
            "email": "dee@example.org",
            "role": "participant",
            "cohort_id": ids["bromley"],
            "active": "y",
            "csrf_token": form_token(client, "/admin/users/new"),
        },
    )
    with app.app_context():
        dee = db.session.scalar(select(User).where(User.email == "dee@example.org"))
        assert dee.organisation_id == orgs["bromley"]


def test_a_site_administrator_adds_an_organisation(app, make_user, login):
    client = login(make_user(role=Role.ADMIN))
    token = form_token(client, "/admin/organisations")
    page = client.post(
        "/admin/organisations",
        data={"name": "Royal Borough of Greenwich", "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Royal Borough of Greenwich" in page and "royal-borough-of-greenwich" in page
    page = client.post("/admin/organisations", data={"name": "", "csrf_token": token}).get_data(
        as_text=True
    )
    assert "Enter the organisation" in page


def test_the_migration_makes_each_organisation_name_a_row(bare_app):  # noqa: F811
    with bare_app.app_context():
        upgrade(revision="0004")
        for n, org in enumerate(["LB Bromley", "LB Camden", "LB Bromley"], start=1):
            db.session.execute(
                text(
                    "INSERT INTO cohort (id, name, organisation, starts_on, ends_on) "
                    "VALUES (:id, :name, :org, '2010-09-01', '2011-07-31')"
                ),
                {"id": n, "name": f"C{n}", "org": org},
            )
        db.session.execute(
            text(
                'INSERT INTO "user" (id, email, name, role, active, created_at) VALUES '
                "(1, 'tm@example.org', 'TM', 'participant', true, '2010-09-01 09:00:00')"
            )
        )
        db.session.execute(
            text("INSERT INTO cohort_member (cohort_id, user_id, joined_at) "
                 "VALUES (2, 1, '2010-09-01 09:00:00')")
        )  # fmt: skip
        db.session.commit()
        upgrade(revision="heads")
        rows = db.session.execute(
            text(
                "SELECT c.name, o.name, o.slug FROM cohort c "
                "JOIN organisation o ON o.id = c.organisation_id ORDER BY c.id"
            )
        ).all()
        assert [tuple(r) for r in rows] == [
            ("C1", "LB Bromley", "lb-bromley"),
            ("C2", "LB Camden", "lb-camden"),
            ("C3", "LB Bromley", "lb-bromley"),
        ]
        member = db.session.execute(
            text('SELECT o.name FROM "user" u JOIN organisation o ON o.id = u.organisation_id')
        ).scalar()
        assert member == "LB Camden"
        assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 1


def test_the_schedule_keeps_the_weekday_and_skips_bank_holidays():
    dates = schedule(date(2027, 1, 12))  # the second Tuesday
    assert len(dates) == 11 and all(d.weekday() == 1 for d in dates)
    assert [d.day for d in dates[:3]] == [12, 9, 9]
    mondays = schedule(date(2027, 4, 5))  # the first Monday: May Day and August's bank holiday
    closed = bank_holidays([2027, 2028])
    assert not any(d in closed for d in mondays)
    assert date(2027, 5, 10) in mondays and date(2027, 5, 3) not in mondays
    assert all(d.weekday() == 0 for d in mondays)


def test_start_a_new_cohort_like_this_one(app, two_councils, make_user, login):
    ids, orgs, _ = two_councils
    with app.app_context():
        reading = Reading(title="Containment", authors="Ruch", year=2007, publication="J")
        db.session.add(reading)
        db.session.flush()
        first = db.session.scalar(
            select(CourseSession).where(
                CourseSession.cohort_id == ids["bromley"], CourseSession.number == 3
            )
        )
        first.location = "Room 4, Bromley Civic Centre"
        db.session.add(SessionReading(session_id=first.id, reading_id=reading.id, position=1))
        db.session.commit()
        reading_id = reading.id
    client = login(make_user(role=Role.ADMIN, organisation_id=orgs["bromley"]))
    path = f"/admin/cohorts/{ids['bromley']}/again"
    bad = client.post(
        path,
        data={"name": "Bromley 2027", "first_session": "2027-05-03", "rhythm": "monthly",
              "csrf_token": form_token(client, path)},
    ).get_data(as_text=True)  # fmt: skip
    assert "3 May 2027 is a bank holiday" in bad and 'value="Bromley 2027"' in bad
    done = client.post(
        path,
        data={"name": "Bromley 2027", "first_session": "2027-04-13", "rhythm": "monthly",
              "csrf_token": form_token(client, path)},
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    assert "Created Bromley 2027 like Bromley 2025-26" in done
    with app.app_context():
        new = db.session.scalar(select(Cohort).where(Cohort.name == "Bromley 2027"))
        assert new.organisation_id == orgs["bromley"]
        sessions = db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == new.id)
            .order_by(CourseSession.number)
        ).all()
        closed = bank_holidays([2027, 2028])
        assert len(sessions) == 11
        assert all(s.starts_at.date().weekday() == 1 for s in sessions)
        assert not any(s.starts_at.date() in closed for s in sessions)
        assert sessions[0].starts_at.date() == date(2027, 4, 13)
        assert sessions[2].location == "Room 4, Bromley Civic Centre"
        listed = db.session.scalars(
            select(SessionReading.reading_id).where(SessionReading.session_id == sessions[2].id)
        ).all()
        assert listed == [reading_id]
        members = db.session.scalar(
            select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == new.id)
        )
        assert members == 0  # no people are copied


def test_a_new_cohort_like_this_one_has_its_questionnaires_as_drafts_without_answers(
    app, two_councils, make_user, login
):
    ids, orgs, _ = two_councils
    with app.app_context():
        third = db.session.scalar(
            select(CourseSession).where(
                CourseSession.cohort_id == ids["bromley"], CourseSession.number == 3
            )
        )
        session_bound = services.create_questionnaire(
            ids["bromley"], kind=Kind.SESSION_FEEDBACK, title="Session 3 feedback",
            opens_at=third.starts_at, closes_at=third.starts_at + timedelta(days=7),
            audience="participants", anonymity="anonymous", session_id=third.id,
        )  # fmt: skip
        baseline = services.create_questionnaire(
            ids["bromley"], kind=Kind.BASELINE, title="Where we start",
            opens_at=datetime(2025, 9, 1, tzinfo=UTC), closes_at=datetime(2025, 9, 20, tzinfo=UTC),
            audience="participants", anonymity="paired",
        )  # fmt: skip
        baseline.status = "closed"
        wordings = [i.wording for i in services.items_of(baseline.id)]
        session_items = len(services.items_of(session_bound.id))
        db.session.commit()
    client = login(make_user(role=Role.ADMIN, organisation_id=orgs["bromley"]))
    path = f"/admin/cohorts/{ids['bromley']}/again"
    client.post(
        path,
        data={"name": "Bromley 2027", "first_session": "2027-04-13", "rhythm": "monthly",
              "csrf_token": form_token(client, path)},
    )  # fmt: skip
    with app.app_context():
        new = db.session.scalar(select(Cohort.id).where(Cohort.name == "Bromley 2027"))
        copies = {q.title: q for q in services.cohort_questionnaires(new)}
        assert set(copies) == {"Session 3 feedback", "Where we start"}
        assert {q.status for q in copies.values()} == {"draft"}
        assert [i.wording for i in services.items_of(copies["Where we start"].id)] == wordings
        assert copies["Where we start"].anonymity == "paired"
        new_third = db.session.get(CourseSession, copies["Session 3 feedback"].session_id)
        assert (new_third.cohort_id, new_third.number) == (new, 3)
        assert copies["Session 3 feedback"].opens_at == new_third.starts_at  # moved with it
        assert len(services.items_of(copies["Session 3 feedback"].id)) == session_items
        assert copies["Where we start"].opens_at.year == 2027  # moved with the programme
        answered = db.session.scalar(
            select(func.count(Response.id)).where(
                Response.questionnaire_id.in_([q.id for q in copies.values()])
            )
        )
        assert answered == 0


def test_an_archived_cohort_refuses_changes_and_keeps_participants_material(
    app, two_councils, make_user, login, auth
):
    ids, orgs, people = two_councils
    admin = login(make_user(role=Role.ADMIN, organisation_id=orgs["bromley"]))
    path = f"/admin/cohorts/{ids['bromley']}"
    early = admin.post(
        f"{path}/archive", data={"csrf_token": form_token(admin, path)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "has sessions still to come, so it cannot be archived yet" in early
    with app.app_context():
        db.session.get(Cohort, ids["bromley"]).archived_at = CLOCK
        db.session.commit()
        second = db.session.scalar(
            select(CourseSession).where(
                CourseSession.cohort_id == ids["bromley"], CourseSession.number == 2
            )
        )
        second_id, title = second.id, second.title
    page = admin.post(
        path, data={"add-emails": "x@example.org", "csrf_token": form_token(admin, path)},
        follow_redirects=True,
    ).get_data(as_text=True)  # fmt: skip
    assert "Bromley 2025-26 is archived, so nothing in it can be changed" in page
    auth.logout()

    trainer = login(people["trainer"])
    edit = f"/programme/{second_id}/edit"
    response = trainer.post(
        edit,
        data={"number": 2, "title": "Changed", "day": "", "start_time": "09:30",
              "end_time": "13:00", "location": "", "focus": "", "presentation_slots": 2,
              "csrf_token": form_token(trainer, edit)},
        follow_redirects=True,
    )  # fmt: skip
    assert "is archived, so nothing in it can be changed" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CourseSession, second_id).title == title
    auth.logout()

    ann = login(people["ann"])
    assert ann.get("/journal/export/journal.md").status_code == 200
    assert ann.get("/attendance/").status_code == 200
    assert "archived" in ann.get("/programme/").get_data(as_text=True)


def _raised(cohort_id, theme, people, released_at):
    """Released barriers of one theme, one from each person."""
    from course.modules.barriers.models import Barrier, BarrierStatus

    for person in people:
        db.session.add(
            Barrier(
                cohort_id=cohort_id,
                theme=theme,
                text="No time to think in supervision.",
                raised_by_id=person.id,
                period=1,
                status=BarrierStatus.RELEASED,
                released_at=released_at,
            )
        )


def test_year_on_year_shows_each_cohorts_themes_under_k_and_no_total(
    app, make_user, login, auth, count_queries
):
    with app.app_context():
        last = _cohort("Bromley 2024-25", "London Borough of Bromley", date(2024, 9, 1))
        this = _cohort("Bromley 2025-26", "London Borough of Bromley")
        other = _cohort("Camden 2025-26", "London Borough of Camden")
        db.session.commit()
        ids = (last.id, this.id, other.id)
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=ids[1])
    last_year = [make_user(cohort_id=ids[0]) for _ in range(6)]
    this_year = [make_user(cohort_id=ids[1]) for _ in range(3)]
    camden = [make_user(cohort_id=ids[2]) for _ in range(7)]
    with app.app_context():
        _raised(ids[0], "workload", last_year, datetime(2024, 11, 1, tzinfo=UTC))
        _raised(ids[1], "workload", this_year, datetime(2025, 11, 1, tzinfo=UTC))
        _raised(ids[2], "workload", camden, datetime(2025, 11, 1, tzinfo=UTC))
        db.session.commit()
    client = login(senior)
    with count_queries() as queries:
        page = client.get("/barriers/year-on-year").get_data(as_text=True)
    table = page.split("<table")[1].split("</table>")[0]
    assert "Bromley 2024-25" in table and "Bromley 2025-26" in table
    assert "Camden" not in page
    workload = table.split("Workload and caseloads")[1].split("</tr>")[0]
    assert ">6<" in workload and "fewer than 5" in workload
    assert ">9<" not in table and "Total" not in table  # nothing to subtract one year from
    with app.app_context():  # a third year adds no queries
        third = _cohort("Bromley 2023-24", "London Borough of Bromley", date(2023, 9, 1))
        db.session.commit()
        _raised(third.id, "workload", last_year, datetime(2023, 11, 1, tzinfo=UTC))
        db.session.commit()
    with count_queries() as more:
        assert "Bromley 2023-24" in client.get("/barriers/year-on-year").get_data(as_text=True)
    assert len(more) == len(queries)
    auth.logout()
    participant = login(this_year[0])
    assert participant.get("/barriers/year-on-year").status_code == 403


COHORT_PAGES = {
    Role.TRAINER: ["/", "/programme/", "/attendance/", "/presentations/", "/journal/shared",
                   "/barriers/review", "/readings/progress", "/attendance/catch-ups"],
    Role.PARTICIPANT: ["/", "/programme/", "/readings/", "/attendance/", "/journal/",
                       "/barriers/", "/notifications/"],
    Role.EVALUATOR: ["/", "/attendance/", "/barriers/overview"],
}  # fmt: skip


@pytest.mark.parametrize("role", list(COHORT_PAGES))
def test_main_pages_make_the_same_queries_in_2_and_20_cohorts(
    app, make_user, login, count_queries, add_participants, role
):
    with app.app_context():
        first = _cohort("Cohort 1", "Council 1")
        db.session.commit()
        first_id = first.id
    person = make_user(role=role, cohort_id=first_id)
    add_participants(first_id, 5)
    client = login(person)

    def counts():
        found = {}
        for path in COHORT_PAGES[role]:
            client.get(path)
            with count_queries() as queries:
                assert client.get(path).status_code == 200, path
            found[path] = len(queries)
        return found

    made, results = 1, {}
    for upto in (2, 20):
        with app.app_context():
            for n in range(made + 1, upto + 1):
                cohort = _cohort(f"Cohort {n}", f"Council {n % 3}", date(2025, 8, 1))
                db.session.add(CohortMember(cohort_id=cohort.id, user_id=person.id))
            db.session.commit()
        for n in range(made + 1, upto + 1):
            with app.app_context():
                cohort_id = db.session.scalar(select(Cohort.id).where(Cohort.name == f"Cohort {n}"))
            add_participants(cohort_id, 5)
        made = upto
        results[upto] = counts()
    assert results[2] == results[20]


def test_exports_name_the_cohort_they_are_of(app, two_councils, login):
    ids, _, people = two_councils
    client = login(people["trainer"])
    with app.app_context():
        held = db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == ids["bromley"], CourseSession.number == 1
            )
        )
    register = client.get(f"/attendance/{held}/register.csv")
    assert "register-bromley-2025-26-session-1.csv" in register.headers["Content-Disposition"]
    matrix = client.get("/attendance/matrix.csv")  # the register's cohort is now the one
    assert "attendance-matrix-bromley-2025-26.csv" in matrix.headers["Content-Disposition"]
    _switch(client, ids["camden"])
    matrix = client.get("/attendance/matrix.csv")
    assert "attendance-matrix-camden-2025-26.csv" in matrix.headers["Content-Disposition"]
