"""Administration: users, cohorts, CSV import and the audit log."""

import io

from sqlalchemy import func, select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from tests.conftest import form_token


def _admin(make_user, login):
    return login(make_user(role=Role.ADMIN))


def _upload(client, text):
    token = form_token(client, "/admin/users/import")
    return client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(text.encode("utf-8-sig")), "people.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )


GOOD_ROWS = (
    "name,email,role,team,cohort\n"
    "Ada Brown,ada.brown@example.org,participant,Assessment Team 1,Test Borough\n"
    "Bea Singh,bea.singh@example.org,senior manager,Senior management,Test Borough\n"
)


def test_csv_with_one_bad_row_imports_nothing_and_names_the_row(app, make_user, login, cohort):
    client = _admin(make_user, login)
    text = GOOD_ROWS + "Cal Jones,not-an-email,participant,Team 2,Test Borough\n"
    page = _upload(client, text).get_data(as_text=True)
    assert "Nothing has been imported" in page
    assert "Line 4" in page
    assert "&#39;not-an-email&#39; is not a valid email address" in page
    assert "Import 3 people" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1  # only the admin


def test_csv_names_each_problem(app, make_user, login, cohort):
    client = _admin(make_user, login)
    text = (
        "name,email,role,team,cohort\n"
        ",a@example.org,participant,T,Test Borough\n"
        "B,b@example.org,wizard,T,Test Borough\n"
        "C,c@example.org,participant,T,Nowhere 1999\n"
        "D,c@example.org,participant,T,Test Borough\n"
    )
    page = _upload(client, text).get_data(as_text=True)
    assert "Line 2</a>: the name is missing" in page
    assert "the role &#39;wizard&#39; is not one of" in page
    assert "there is no cohort called &#39;Nowhere 1999&#39;" in page
    assert "c@example.org is also on line 4" in page or "c@example.org is also on line 3" in page


def test_csv_missing_columns_is_explained(make_user, login, cohort):
    client = _admin(make_user, login)
    page = _upload(client, "name,email\nA,a@example.org\n").get_data(as_text=True)
    assert "Missing: role, team, cohort" in page


def test_clean_csv_previews_then_imports_all_with_links(app, make_user, login, cohort):
    client = _admin(make_user, login)
    page = _upload(client, GOOD_ROWS).get_data(as_text=True)
    assert "Ready to import 2 people" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1  # preview changes nothing
    token = form_token(client, "/admin/users/import")
    done = client.post(
        "/admin/users/import/confirm", data={"csv_text": GOOD_ROWS, "csrf_token": token}
    ).get_data(as_text=True)
    assert "Imported 2 people" in done
    assert done.count("/set-password/") == 2
    with app.app_context():
        bea = db.session.scalar(select(User).where(User.email == "bea.singh@example.org"))
        assert bea.role == Role.SENIOR_MANAGER
        assert db.session.scalar(select(CohortMember.id).where(CohortMember.user_id == bea.id))


def test_admin_creates_a_user_and_gets_a_link(app, make_user, login, cohort):
    client = _admin(make_user, login)
    token = form_token(client, "/admin/users/new")
    page = client.post(
        "/admin/users/new",
        data={
            "name": "Dee Okafor",
            "email": "Dee@Example.org",
            "role": "participant",
            "team": "CP 1",
            "cohort_id": cohort,
            "active": "y",
            "csrf_token": token,
        },
    ).get_data(as_text=True)
    assert "Account created" in page and "/set-password/" in page
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "dee@example.org"))


def test_bad_user_form_keeps_what_was_typed(make_user, login, cohort):
    client = _admin(make_user, login)
    token = form_token(client, "/admin/users/new")
    page = client.post(
        "/admin/users/new",
        data={
            "name": "Dee Okafor",
            "email": "dee-at-example",
            "role": "participant",
            "cohort_id": 0,
            "csrf_token": token,
        },
    ).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter an email address in the right format" in page
    assert 'value="Dee Okafor"' in page and 'value="dee-at-example"' in page


def test_users_list_searches_and_filters(make_user, login, cohort):
    client = _admin(make_user, login)
    make_user(name="Findable Person", cohort_id=cohort)
    make_user(role=Role.TRAINER, name="Trainer Person")
    page = client.get("/admin/users?q=findable").get_data(as_text=True)
    assert "Findable Person" in page and "Trainer Person" not in page
    page = client.get("/admin/users?role=trainer").get_data(as_text=True)
    assert "Trainer Person" in page and "Findable Person" not in page
    page = client.get(f"/admin/users?cohort={cohort}").get_data(as_text=True)
    assert "Findable Person" in page and "Trainer Person" not in page


def test_users_list_makes_the_same_queries_for_36_and_360(
    make_user, login, cohort, count_queries, add_participants
):
    client = _admin(make_user, login)

    add_participants(cohort, 36)
    with count_queries() as small:
        assert client.get("/admin/users").status_code == 200
    add_participants(cohort, 324)
    with count_queries() as large:
        assert client.get("/admin/users").status_code == 200
    assert len(small) == len(large)


def test_admin_creates_a_cohort_with_eleven_sessions(app, make_user, login):
    client = _admin(make_user, login)
    token = form_token(client, "/admin/cohorts/new")
    response = client.post(
        "/admin/cohorts/new",
        data={
            "name": "Bromley 2010-11",
            "organisation": "London Borough of Bromley",
            "starts_on": "2010-09-01",
            "ends_on": "2011-07-31",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Bromley 2010-11"))
        from course.modules.programme.services import cohort_sessions

        sessions = cohort_sessions(cohort.id)
        assert [s.number for s in sessions] == list(range(1, 12))
        assert all(cohort.contains(s.starts_at.date()) for s in sessions)


def test_cohort_end_before_start_is_refused(make_user, login):
    client = _admin(make_user, login)
    token = form_token(client, "/admin/cohorts/new")
    page = client.post(
        "/admin/cohorts/new",
        data={
            "name": "Backwards",
            "organisation": "X",
            "starts_on": "2011-09-01",
            "ends_on": "2011-01-01",
            "csrf_token": token,
        },
    ).get_data(as_text=True)
    assert "The end date must be after the start date" in page


def test_admin_adds_and_removes_members(app, make_user, login, cohort):
    client = _admin(make_user, login)
    person = make_user(name="New Member")
    path = f"/admin/cohorts/{cohort}"
    page = client.post(
        path,
        data={
            "add-emails": f"{person.email}\nghost@example.org",
            "add-csrf_token": form_token(client, path),
        },
    ).get_data(as_text=True)
    assert "No account has these addresses: ghost@example.org" in page
    client.post(path, data={"add-emails": person.email, "add-csrf_token": form_token(client, path)})
    assert "New Member" in client.get(path).get_data(as_text=True)


def test_audit_log_lists_and_filters_events(app, make_user, login):
    client = _admin(make_user, login)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "sign in" in page
    page = client.get("/admin/audit?action=user_created").get_data(as_text=True)
    assert "No events match" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) >= 1
