"""The same work on every failed sign-in, and what a browser keeps from one sign-in to the next."""

import re
import threading

import argon2
import pytest
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import SessionEnd, User, UserSession
from tests.conftest import PASSWORD, Auth
from tests.journal_support import expire_sign_in


@pytest.fixture
def verifications(monkeypatch):
    """Every argon2 verification made, counted."""
    made = []
    lock = threading.Lock()
    verify = argon2.PasswordHasher.verify

    def counting(self, hash, password):
        with lock:
            made.append(hash)
        return verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    return made


def _without_password(app, user):
    """Take the user's password away (an imported account that has not set one); their email."""
    with app.app_context():
        db.session.get(User, user.id).password_hash = None
        db.session.commit()
    return user.email


@pytest.mark.parametrize(
    "case",
    ["unknown email", "deactivated", "no password yet", "wrong password", "right password"],
)
def test_every_sign_in_makes_exactly_one_password_verification(
    app, auth, make_user, verifications, case
):
    if case == "unknown email":
        email, password = "nobody@example.org", PASSWORD
    elif case == "deactivated":
        email, password = make_user(active=False).email, PASSWORD  # even the right password
    elif case == "no password yet":
        email, password = _without_password(app, make_user()), PASSWORD
    else:
        email = make_user().email
        password = PASSWORD if case == "right password" else "not the password at all"
    response = auth.login(email, password)
    assert len(verifications) == 1
    assert response.status_code == (302 if case == "right password" else 200)


def test_failures_are_checked_against_a_hash_as_costly_as_a_real_one(
    app, auth, make_user, verifications
):
    real = make_user()
    auth.login(real, "not the password at all")
    auth.login("nobody@example.org", "not the password at all")
    auth.login(make_user(active=False), PASSWORD)
    costs = {re.sub(r"\$[^$]*\$[^$]*$", "", h) for h in verifications}  # $argon2id$v=19$m=..,t=..
    assert len(costs) == 1, costs


def _copy_owner(client):
    """The id the page's scripts keep journal copies under (data-copy-owner), or None."""
    found = re.search(r'data-copy-owner="([^"]+)"', client.get("/").get_data(as_text=True))
    return found.group(1) if found else None


def test_signing_out_tells_the_browser_to_forget_what_it_kept(app, make_user, login, auth):
    login(make_user())
    response = auth.logout()
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_each_sign_in_has_its_own_copy_owner_and_nobody_is_given_anothers(
    app, make_user, login, auth, client
):
    first, second = make_user(), make_user()
    login(first)
    owner = _copy_owner(client)
    # A random token, not the account's id or address (a random token may contain its digits).
    assert owner and len(owner) >= 20 and owner not in (str(first.id), first.email)
    assert not re.fullmatch(r"\D*0*" + str(first.id) + r"\D*", owner)
    auth.logout()
    assert _copy_owner(client) is None  # signed out: no copy is offered to anyone
    login(first)
    assert _copy_owner(client) not in (None, owner)  # a new sign-in, a new owner
    expire_sign_in(app, first)
    response = auth.login(second)  # someone else, on the same browser
    assert response.headers["Clear-Site-Data"] == '"storage"'
    assert _copy_owner(client) not in (None, owner)


def test_the_same_person_after_an_expired_sign_in_keeps_their_copies(app, make_user, login, auth):
    person = make_user()
    client = login(person)
    owner = _copy_owner(client)
    expire_sign_in(app, person)
    response = auth.login(person)
    assert "Clear-Site-Data" not in response.headers
    assert _copy_owner(client) == owner


@pytest.mark.parametrize(
    "how, reason",
    [
        ("signed out", SessionEnd.SIGNED_OUT),
        ("expired", SessionEnd.EXPIRED),
        ("password changed", SessionEnd.PASSWORD_CHANGED),
        ("deactivated", SessionEnd.DEACTIVATED),
    ],
)
def test_each_ended_sign_in_says_why(app, make_user, login, how, reason):
    person = make_user()
    admin = make_user("admin")
    client = login(person)
    if how == "signed out":
        Auth(client).logout()
    elif how == "expired":
        expire_sign_in(app, person)
        client.get("/")
    elif how == "password changed":
        token = Auth(client).csrf_token("/account/password")
        client.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "password": "a brand new passphrase here",
                "confirm": "a brand new passphrase here",
                "csrf_token": token,
            },
        )
    else:
        admin_client = Auth(app.test_client())
        admin_client.login(admin)
        token = admin_client.csrf_token("/admin/users")
        admin_client.client.post(f"/admin/users/{person.id}/deactivate", data={"csrf_token": token})
    with app.app_context():
        first = db.session.scalars(
            select(UserSession).where(UserSession.user_id == person.id).order_by(UserSession.id)
        ).first()
        assert first.ended_at is not None and first.end_reason == reason


def test_signing_in_is_remembered_on_the_account(app, make_user, login):
    person = make_user()
    with app.app_context():
        assert db.session.get(User, person.id).last_sign_in_at is None
    login(person)
    with app.app_context():
        assert db.session.get(User, person.id).last_sign_in_at is not None
