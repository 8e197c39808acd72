"""Absolute links come from COURSE_SITE_URL, never from the request's Host; other hosts get 400."""

import re

import pytest
from flask.testing import FlaskClient

from course import create_app
from course.extensions import db
from course.modules.accounts.models import CohortMember, Role, User
from course.modules.accounts.passwords import hash_password
from tests.conftest import PASSWORD, TEST_ENCRYPTION_KEY, Auth, form_token

SITE = "https://course.example.org"


@pytest.fixture
def site_app(tmp_path):
    """The site configured as deployed: COURSE_SITE_URL set, no SERVER_NAME."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "COURSE_ENCRYPTION_KEYS": [TEST_ENCRYPTION_KEY],
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.sqlite'}",
            "COURSE_ARGON2_TIME_COST": 1,
            "COURSE_ARGON2_MEMORY_COST": 64,
            "COURSE_SITE_URL": SITE,
            "COURSE_MFA_REQUIRED_ROLES": (),  # second factors have their own tests
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _person(app, role, email, cohort_id=None):
    with app.app_context():
        user = User(email=email, name=email, role=role, password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.flush()
        if cohort_id:
            db.session.add(CohortMember(cohort_id=cohort_id, user_id=user.id))
        db.session.commit()
        return user.email


class ThroughHost(FlaskClient):
    """A browser that reaches the site through `host` (with the port it was given)."""

    host = "localhost"

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", f"http://{self.host}")
        return super().open(*args, **kwargs)


def _client(app, email, host):
    """A signed-in browser reaching the site through `host`."""
    app.test_client_class = ThroughHost
    client = app.test_client()
    client.host = host
    assert Auth(client).login(email).status_code == 302
    return client


def test_trusted_hosts_come_from_the_site_address(site_app):
    assert site_app.config["TRUSTED_HOSTS"] == ["course.example.org"]


@pytest.mark.parametrize("path", ["/healthz", "/login", "/calendar/x.ics"])
def test_a_request_for_another_host_is_refused(site_app, path):
    client = site_app.test_client()
    assert client.get(path, headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "course.example.org"}).status_code == 200


def test_the_calendar_link_uses_the_site_address(site_app):
    from course.modules.accounts.models import Cohort
    from course.modules.programme.services import create_programme

    with site_app.app_context():
        from datetime import date

        cohort = Cohort(name="C", organisation="O", starts_on=date(2026, 1, 5),
                        ends_on=date(2026, 12, 1))  # fmt: skip
        db.session.add(cohort)
        db.session.flush()
        create_programme(cohort)
        db.session.commit()
        cohort_id = cohort.id
    email = _person(site_app, Role.PARTICIPANT, "p@example.org", cohort_id)
    client = _client(site_app, email, "course.example.org:8443")
    token = form_token(client, "/calendar/")
    page = client.post("/calendar/link", data={"csrf_token": token}).get_data(as_text=True)
    assert re.search(r'value="https://course\.example\.org/calendar/[^"]+\.ics"', page)
    assert "8443" not in page and "http://course" not in page


def test_the_set_password_link_page_uses_the_site_address(site_app):
    admin = _person(site_app, Role.ADMIN, "admin@example.org")
    new = _person(site_app, Role.PARTICIPANT, "new@example.org")
    with site_app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == new))
        db.session.execute(db.update(User).where(User.id == user_id).values(password_hash=None))
        db.session.commit()
    client = _client(site_app, admin, "course.example.org:8443")
    path = f"/admin/users/{user_id}/edit"
    response = client.post(
        f"/admin/users/{user_id}/set-password-link", data={"csrf_token": form_token(client, path)}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:300]
    assert "https://course.example.org/set-password/" in page
    assert "8443" not in page


def test_without_a_site_address_only_localhost_is_served(app, client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
