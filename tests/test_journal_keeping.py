"""Text posted without a valid token is kept only for an expired sign-in, from our own pages."""

import pytest
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.journal.models import JournalDraft
from tests.conftest import PASSWORD, Auth
from tests.journal_support import editor_fields, expire_sign_in, open_editor

JSON = {"Accept": "application/json"}
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def author(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort)


def _drafts(app):
    """Every draft: (user id, body)."""
    with app.app_context():
        return [(d.user_id, d.body) for d in db.session.scalars(select(JournalDraft))]


def _autosave(client, token, headers):
    """The editor's autosave, with the headers a browser would add."""
    return client.post(
        "/journal/new/draft",
        data=editor_fields("Typed on", notes="Still typing"),
        headers={**JSON, "X-CSRFToken": token, **headers},
    )


def _end_by(how, app, client, author, admin):
    """End the author's sign-in in one of the ways a person (or an administrator) does."""
    session_cookie = client.get_cookie("session")
    if how == "signed out":
        Auth(client).logout()
        # The attacker kept a copy of the cookie from before the sign-out.
        client.set_cookie("session", session_cookie.value, domain=session_cookie.domain)
    elif how == "password changed":
        other = Auth(app.test_client())
        other.login(author)
        other.client.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "password": "a brand new passphrase here",
                "confirm": "a brand new passphrase here",
                "csrf_token": other.csrf_token("/account/password"),
            },
        )
    elif how == "deactivated":
        other = Auth(app.test_client())
        other.login(admin)
        token = other.csrf_token("/admin/users")
        other.client.post(f"/admin/users/{author.id}/deactivate", data={"csrf_token": token})
    else:
        expire_sign_in(app, author)


@pytest.mark.parametrize("how", ["signed out", "password changed", "deactivated"])
def test_a_sign_in_ended_on_purpose_keeps_nothing(app, author, make_user, login, how):
    admin = make_user(Role.ADMIN)
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    _end_by(how, app, client, author, admin)
    response = _autosave(client, token, SAME_ORIGIN)
    assert response.status_code == 401 and not response.get_json()["kept"]
    assert _drafts(app) == []


def test_an_expired_sign_in_still_keeps_the_text(app, author, make_user, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    _end_by("expired", app, client, author, None)
    response = _autosave(client, token, SAME_ORIGIN)
    assert response.status_code == 401 and response.get_json()["kept"]
    assert _drafts(app) == [(author.id, "Still typing")]


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # another origin of the same site
        {"Sec-Fetch-Site": "none"},
        {"Origin": "https://other.localhost"},
        {"Origin": "null"},
        {},  # not sent by a browser page at all
    ],
    ids=["cross-site", "same-site", "typed", "other-origin", "null-origin", "no-headers"],
)
def test_after_expiry_only_the_sites_own_pages_are_believed(app, author, login, headers):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    expire_sign_in(app, author)
    assert _autosave(client, token, headers).status_code == 403
    form = client.post("/journal/new", data=editor_fields("Form", notes="Posted"), headers=headers)
    assert form.status_code == 403
    assert _drafts(app) == []


def test_after_expiry_an_origin_header_of_this_site_is_enough(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    expire_sign_in(app, author)
    assert _autosave(client, token, {"Origin": "http://localhost"}).status_code == 401
    assert _drafts(app) == [(author.id, "Still typing")]


def test_a_live_sign_in_without_its_token_is_refused_from_another_origin(app, author, login):
    client = login(author)
    response = _autosave(client, "not the token", {"Sec-Fetch-Site": "same-site"})
    assert response.status_code == 403
    assert _drafts(app) == []
    with app.app_context():
        assert db.session.get(User, author.id).active
