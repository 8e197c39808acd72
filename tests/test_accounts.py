"""Signing in and out, server-side sessions, throttling, passwords and set-password links."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from course.extensions import db
from course.modules.accounts.models import Role, User, UserSession
from course.modules.accounts.passwords import password_problem
from course.modules.accounts.services import SESSION_KEY, issue_set_password_link
from course.timeutil import utcnow
from tests.conftest import PASSWORD, Auth, form_token


def test_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_wrong_password_says_so_and_keeps_the_email(client, auth, make_user):
    user = make_user()
    response = auth.login(user, "not the right password at all")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The email address or password is not right" in page
    assert f'value="{user.email}"' in page


def test_sign_in_is_case_insensitive_on_email(auth, make_user):
    make_user(email="mixed.case@example.org")
    response = auth.login("  Mixed.Case@Example.org ")
    assert response.status_code == 302


def test_deactivated_user_cannot_sign_in(app, auth, make_user):
    user = make_user(active=False)
    response = auth.login(user)
    assert "The email address or password is not right" in response.get_data(as_text=True)


def test_repeated_failures_pause_signing_in_for_the_account(app, auth, make_user):
    user = make_user()
    for _ in range(app.config["COURSE_LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        auth.login(user, "wrong password, wrong password")
    response = auth.login(user)  # even the right password is refused for now
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_throttling_is_by_address_too(app, auth, make_user):
    app.config["COURSE_LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    for n in range(3):
        auth.login(f"nobody{n}@example.org", "wrong password, wrong password")
    user = make_user()
    assert auth.login(user).status_code == 429


def test_throttling_ends_after_the_pause(app, auth, make_user):
    user = make_user()
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(app.config["COURSE_LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
            auth.login(user, "wrong password, wrong password")
        clock.shift(app.config["COURSE_LOGIN_FIRST_PAUSE"] + timedelta(seconds=1))
        assert auth.login(user).status_code == 302


def test_open_redirect_after_sign_in_is_refused(client, make_user):
    user = make_user()
    token = form_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "//evil.example/x",
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(client, make_user, cohort):
    user = make_user(cohort_id=cohort)
    page = client.get("/login?next=/programme/").get_data(as_text=True)
    assert 'value="/programme/"' in page
    token = form_token(client, "/login?next=/programme/")
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "/programme/",
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/programme/"


def test_old_cookie_stops_working_after_sign_out(app, make_user, cohort, login, auth):
    client = login(make_user(cohort_id=cohort))
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/programme/").status_code == 302


def test_old_cookie_stops_working_after_deactivation(app, make_user, cohort, login):
    user = make_user(cohort_id=cohort)
    client = login(user)
    assert client.get("/programme/").status_code == 200
    admin_client = app.test_client()
    admin = make_user(role=Role.ADMIN)
    from tests.conftest import Auth

    Auth(admin_client).login(admin)
    token = form_token(admin_client, f"/admin/users/{user.id}/edit")
    admin_client.post(f"/admin/users/{user.id}/deactivate", data={"csrf_token": token})
    assert client.get("/programme/").status_code == 302


def test_old_cookie_stops_working_after_a_password_change(app, make_user, cohort, login):
    user = make_user(cohort_id=cohort)
    other_device = app.test_client()
    from tests.conftest import Auth

    Auth(other_device).login(user)
    client = login(user)
    token = form_token(client, "/account/password")
    new = "a completely different passphrase"
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": new, "confirm": new, "csrf_token": token},
    )
    assert response.status_code == 302
    assert other_device.get("/programme/").status_code == 302
    assert client.get("/programme/").status_code == 200  # this device signed in again


def test_old_cookie_stops_working_after_an_idle_period(app, make_user, cohort, login):
    client = login(make_user(cohort_id=cohort))
    with app.app_context():
        idle = app.config["COURSE_IDLE_TIMEOUT"] + timedelta(minutes=1)
        db.session.execute(update(UserSession).values(last_seen_at=utcnow() - idle))
        db.session.commit()
    response = client.get("/programme/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_sessions_end_after_the_absolute_lifetime_even_when_active(app, make_user, cohort, login):
    client = login(make_user(cohort_id=cohort))
    with app.app_context():
        db.session.execute(
            update(UserSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1))
        )
        db.session.commit()
    assert client.get("/programme/").status_code == 302


def test_activity_keeps_a_sign_in_alive_past_the_idle_period_and_idleness_ends_it(
    app, make_user, cohort, login, clock
):
    client = login(make_user(cohort_id=cohort))
    idle = app.config["COURSE_IDLE_TIMEOUT"]
    step = idle - timedelta(minutes=10)
    for n in range(1, 4):  # three visits, each within the idle period of the one before
        with time_machine.travel(clock + step * n, tick=False):
            assert client.get("/programme/").status_code == 200, f"visit {n}"
    assert step * 3 > idle  # so the sign-in has outlived the idle period by being used
    with time_machine.travel(clock + step * 3 + idle + timedelta(minutes=1), tick=False):
        response = client.get("/programme/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("how", ["deactivate button", "edit form"])
def test_deactivating_a_person_ends_their_sign_ins_on_the_server(app, make_user, login, how):
    person = make_user(name="Dana Device")
    devices = [app.test_client(), app.test_client()]
    for device in devices:
        assert Auth(device).login(person).status_code == 302
    admin = login(make_user(role=Role.ADMIN))
    if how == "deactivate button":
        path = f"/admin/users/{person.id}/deactivate"
        token = form_token(admin, f"/admin/users/{person.id}/edit")
        admin.post(path, data={"csrf_token": token})
    else:
        path = f"/admin/users/{person.id}/edit"
        page = admin.get(path).get_data(as_text=True)
        data = {"name": person.name, "email": person.email, "role": "participant", "team": ""}
        for select_name in re.findall(r'<select[^>]*name="(\w+)"', page):  # keep each choice
            block = page.split(f'name="{select_name}"', 1)[1].split("</select>", 1)[0]
            chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"', block) or re.search(
                r'<option[^>]*value="([^"]*)"[^>]*selected', block
            )
            chosen = chosen or re.search(r'<option[^>]*value="([^"]*)"', block)
            data.setdefault(select_name, chosen.group(1) if chosen else "")
        response = admin.post(path, data={**data, "csrf_token": form_token(admin, path)})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        records = db.session.scalars(select(UserSession).where(UserSession.user_id == person.id))
        assert [r.ended_at is not None for r in records] == [True, True]
        # Even if the account is made active again, the old sign-ins stay ended.
        db.session.execute(update(User).where(User.id == person.id).values(active=True))
        db.session.commit()
    for device in devices:
        assert device.get("/account/").status_code == 302


def test_the_cookie_holds_a_token_whose_hash_alone_is_stored(app, make_user, login):
    user = make_user()
    client = login(user)
    cookie = client.get_cookie("session", domain="localhost")
    token = app.session_interface.get_signing_serializer(app).loads(cookie.value)[SESSION_KEY]
    with app.app_context():
        record = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token != record.token_hash and len(token) >= 32
        assert (
            db.session.scalar(select(UserSession.id).where(UserSession.token_hash == token)) is None
        )
    # The same token with a tampered signature is not a sign-in.
    client.set_cookie("session", cookie.value[:-2] + "xx", domain="localhost")
    assert client.get("/account/").status_code == 302


@pytest.mark.parametrize(
    "password, ok",
    [
        ("short", False),
        ("password1234", False),
        ("Password2024!", False),
        ("qwertyuiop123", False),
        ("123456789012", False),
        ("aaaaaaaaaaaaaaaa", False),
        ("kettle harbour violet 42", True),
        ("correct horse battery staple in a much longer passphrase", True),
        ("x" * 1001, False),
    ],
)
def test_password_policy(password, ok):
    assert (password_problem(password) is None) is ok


def test_password_may_not_contain_the_email_name():
    assert password_problem("jsmith-and-a-long-tail", "jsmith@example.org")


def test_set_password_link_works_once(app, client, make_user):
    user = make_user()
    with app.app_context():
        token = issue_set_password_link(db.session.get(User, user.id))
        db.session.commit()
    path = f"/set-password/{token}"
    assert "Set your password" in client.get(path).get_data(as_text=True)
    new = "a brand new passphrase here"
    response = client.post(
        path, data={"password": new, "confirm": new, "csrf_token": form_token(client, path)}
    )
    assert response.status_code == 302
    assert client.get(path).status_code == 404
    from tests.conftest import Auth

    assert Auth(app.test_client()).login(user, new).status_code == 302


def test_set_password_link_refuses_a_weak_password_and_says_why(app, client, make_user):
    user = make_user()
    with app.app_context():
        token = issue_set_password_link(db.session.get(User, user.id))
        db.session.commit()
    path = f"/set-password/{token}"
    response = client.post(
        path,
        data={
            "password": "password",
            "confirm": "password",
            "csrf_token": form_token(client, path),
        },
    )
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Use at least 12 characters" in page


def test_expired_set_password_link_is_refused(app, client, make_user):
    user = make_user()
    with app.app_context():
        app.config["COURSE_SET_PASSWORD_LINK_LIFETIME"] = timedelta(seconds=-1)
        token = issue_set_password_link(db.session.get(User, user.id))
        db.session.commit()
    response = client.get(f"/set-password/{token}")
    assert response.status_code == 404
    assert "expired" in response.get_data(as_text=True)


def test_a_new_link_cancels_the_earlier_one(app, client, make_user):
    user = make_user()
    with app.app_context():
        first = issue_set_password_link(db.session.get(User, user.id))
        issue_set_password_link(db.session.get(User, user.id))
        db.session.commit()
    assert client.get(f"/set-password/{first}").status_code == 404


def test_sign_ins_and_failures_are_audited(app, auth, make_user):
    from course.audit import AuditEvent

    user = make_user()
    auth.login(user, "wrong password, wrong password")
    auth.login(user)
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["sign_in_failed", "sign_in"]
