"""Passkeys and security keys (WebAuthn) as a second factor (issue 16).

The answers come from a software authenticator (tests/passkey_support.py) that signs as a real
passkey does, so the site's checks (challenge, origin, RP ID, signature, counter) run for real
through the `webauthn` library. The test client's address is http://localhost.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from course import DEFAULTS, audit
from course.extensions import db
from course.modules.accounts import passkeys, second_factor
from course.modules.accounts.models import Passkey, Role, User
from tests.conftest import Auth, form_token
from tests.passkey_support import SoftAuthenticator, b64url

NAME_FIELD = "Name of this passkey or security key"


def _page(response):
    return response.get_data(as_text=True)


def _events(app, action):
    with app.app_context():
        return db.session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.action == action)
        ).all()


def _require(app):
    """The real site's setting: staff must use a second factor."""
    app.config["COURSE_MFA_REQUIRED_ROLES"] = list(DEFAULTS["COURSE_MFA_REQUIRED_ROLES"])


def _options(client, name, token=None):
    """Ask for registration options as the page's script does."""
    token = token or form_token(client, "/account/")
    return client.post(
        "/account/passkeys/options",
        data={"name": name, "csrf_token": token},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )


def _send(client, path, answer, token):
    """Send the browser's answer as the page's script does (JSON, token in a header)."""
    return client.post(
        path,
        data=answer,
        content_type="application/json",
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )


def _add(client, name="Work laptop", authenticator=None, origin="http://localhost"):
    """Add a passkey through the account page; returns (response, authenticator)."""
    authenticator = authenticator or SoftAuthenticator()
    token = form_token(client, "/account/")
    options = _options(client, name, token)
    assert options.status_code == 200, _page(options)
    answer = authenticator.register(options.get_json(), origin=origin)
    return _send(client, "/account/passkeys", answer, token), authenticator


def _password_only(app, user):
    """A browser that has given the password: half signed in, at the second step."""
    browser = Auth(app.test_client())
    response = browser.login(user, second_step=False)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    return browser


def _sign_in_options(browser):
    token = browser.csrf_token("/login/code")
    response = browser.client.post(
        "/login/passkey/options", headers={"X-CSRFToken": token, "Accept": "application/json"}
    )
    return response, token


def _with_passkey(app, make_user, login, role=Role.PARTICIPANT):
    """A person with one passkey (added through the page); returns (user, authenticator)."""
    user = make_user(role)
    browser = Auth(app.test_client())
    assert browser.login(user).status_code == 302
    response, authenticator = _add(browser.client)
    assert response.status_code == 200, _page(response)
    return user, authenticator


def test_a_person_adds_two_named_passkeys_and_the_account_page_lists_them(app, make_user, login):
    user = make_user(Role.PARTICIPANT)
    client = login(user)
    page = _page(client.get("/account/"))
    assert "Add a passkey or security key" in page and NAME_FIELD in page
    assert "needs JavaScript" in page and "js/passkeys.js" in page
    assert "You have no passkeys or security keys." in page
    options = _options(client, "Work laptop").get_json()
    assert options["rp"]["id"] == "localhost"
    assert options["user"]["name"] == user.email and options["excludeCredentials"] == []
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    first = SoftAuthenticator()
    token = form_token(client, "/account/")
    added = _send(client, "/account/passkeys", first.register(options), token)
    assert added.status_code == 200 and added.get_json()["redirect"].startswith("/account/")
    again = _options(client, "Blue security key").get_json()
    assert [c["id"] for c in again["excludeCredentials"]] == [b64url(first.credential_id)]
    second = _send(client, "/account/passkeys", SoftAuthenticator().register(again), token)
    assert second.status_code == 200
    page = _page(client.get("/account/"))
    assert "Your passkey “Blue security key” is added." in page
    assert "Make recovery codes now" in page  # no recovery codes yet
    table = page[page.index("Your passkeys and security keys") : page.index("Add a passkey or")]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>[^<]+</td><td>([^<]+)</td>", table)
    assert rows == [("Work laptop", "Not yet"), ("Blue security key", "Not yet")]
    with app.app_context():
        stored = db.session.scalars(select(Passkey).order_by(Passkey.id)).all()
        assert [p.credential_id for p in stored][0] == first.credential_id
        assert stored[0].transports == "internal" and stored[0].sign_count == 0
        assert second_factor.has_second_factor(user.id)
    assert [dict(e.detail_items)["name"] for e in _events(app, "passkey_added")] == [
        "Work laptop",
        "Blue security key",
    ]


def test_the_name_is_needed_and_at_most_60_characters_shown_by_the_field(app, make_user, login):
    client = login(make_user(Role.PARTICIPANT))
    token = form_token(client, "/account/")
    assert _options(client, "   ", token).get_json() == {
        "invalid": True
    }  # the script posts the form
    empty = _page(client.post("/account/passkeys/new", data={"name": "", "csrf_token": token}))
    assert "There is a problem" in empty
    assert 'id="name-error"' in empty and "Enter a name for this passkey" in empty
    long_name = "K" * 61
    too_long = _page(
        client.post("/account/passkeys/new", data={"name": long_name, "csrf_token": token})
    )
    assert "Enter a name of 60 characters or fewer" in too_long
    assert f'value="{long_name}"' in too_long  # what was typed is kept
    assert _options(client, long_name, token).get_json() == {"invalid": True}
    longest = "L" * 60
    response, _ = _add(client, name=longest)
    assert response.status_code == 200
    assert f"<td>{longest}</td>" in _page(client.get("/account/"))
    without_script = client.post(
        "/account/passkeys/new", data={"name": "Phone", "csrf_token": token}
    )
    assert "needs JavaScript, which is off" in _page(without_script)


def test_an_answer_from_another_origin_is_refused(app, make_user, login):
    client = login(make_user(Role.PARTICIPANT))
    response, _ = _add(client, origin="https://course.example.org.evil.example")
    assert response.status_code == 400
    assert "was not accepted" in response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Passkey.id))) == 0
    (failed,) = _events(app, "passkey_failed")
    assert dict(failed.detail_items)["step"] == "add"
    assert "origin" in dict(failed.detail_items)["reason"]


def test_a_challenge_answers_once_even_with_a_copy_of_the_old_cookie(app, make_user, login):
    user, authenticator = _with_passkey(app, make_user, login)
    browser = _password_only(app, user)
    options, token = _sign_in_options(browser)
    saved = browser.client.get_cookie("session").value
    answer = authenticator.sign_in(options.get_json())
    assert _send(browser.client, "/login/passkey", answer, token).status_code == 200
    assert browser.client.get("/account/").status_code == 200
    thief = Auth(app.test_client())
    thief.client.set_cookie("session", saved, domain="localhost")
    replayed = _send(thief.client, "/login/passkey", answer, token)
    assert replayed.status_code == 400
    assert "already used" in replayed.get_json()["message"]
    assert thief.client.get("/account/").status_code == 302
    reasons = [dict(e.detail_items)["reason"] for e in _events(app, "passkey_failed")]
    assert reasons == ["challenge already used"]


def test_signing_in_with_the_password_then_a_passkey(app, make_user, login):
    user, authenticator = _with_passkey(app, make_user, login)
    browser = _password_only(app, user)
    for path in ("/", "/account/"):
        assert "/login" in browser.client.get(path).location
    page = _page(browser.client.get("/login/code"))
    assert "Use a passkey or security key" in page and "js/passkeys.js" in page
    assert "needs JavaScript" in page and "Enter one of your recovery codes instead" in page
    options, token = _sign_in_options(browser)
    body = options.get_json()
    assert [c["id"] for c in body["allowCredentials"]] == [b64url(authenticator.credential_id)]
    assert body["rpId"] == "localhost" and body["userVerification"] == "preferred"
    done = _send(browser.client, "/login/passkey", authenticator.sign_in(body), token)
    assert done.status_code == 200 and done.get_json() == {"redirect": "/"}
    assert browser.client.get("/account/").status_code == 200
    assert "Not yet" not in _page(browser.client.get("/account/"))
    with app.app_context():
        assert db.session.scalar(select(Passkey.sign_count)) == 1
    assert len(_events(app, "passkey_used")) == 1


def test_a_counter_that_goes_backwards_is_refused(app, make_user, login):
    user, authenticator = _with_passkey(app, make_user, login)
    browser = _password_only(app, user)
    options, token = _sign_in_options(browser)
    authenticator.sign_count = 10
    ok = _send(browser.client, "/login/passkey", authenticator.sign_in(options.get_json()), token)
    assert ok.status_code == 200
    clone = _password_only(app, user)  # a copied authenticator, behind the real one
    options, token = _sign_in_options(clone)
    authenticator.sign_count = 3
    refused = _send(
        clone.client, "/login/passkey", authenticator.sign_in(options.get_json()), token
    )
    assert refused.status_code == 400 and "was not accepted" in refused.get_json()["message"]
    assert clone.client.get("/account/").status_code == 302
    assert "sign count" in dict(_events(app, "passkey_failed")[0].detail_items)["reason"].lower()


def test_a_challenge_lapses_after_five_minutes(app, make_user, login):
    client = login(make_user(Role.PARTICIPANT))
    token = form_token(client, "/account/")
    options = _options(client, "Later", token).get_json()
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6), tick=True):
        late = _send(client, "/account/passkeys", SoftAuthenticator().register(options), token)
    assert late.status_code == 400 and "took too long" in late.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Passkey.id))) == 0
    assert dict(_events(app, "passkey_failed")[0].detail_items)["reason"] == "challenge lapsed"


def test_wrong_answers_are_throttled_like_codes(app, make_user, login):
    user, authenticator = _with_passkey(app, make_user, login)
    stranger = SoftAuthenticator()
    stranger.credential_id = authenticator.credential_id  # the right id, the wrong key
    browser = _password_only(app, user)
    statuses = []
    for _ in range(5):
        options, token = _sign_in_options(browser)
        statuses.append(
            _send(browser.client, "/login/passkey", stranger.sign_in(options.get_json()), token)
        )
    assert [r.status_code for r in statuses] == [400] * 5
    options, token = _sign_in_options(browser)
    right = authenticator.sign_in(options.get_json())
    refused = _send(browser.client, "/login/passkey", right, token)
    assert refused.status_code == 429
    assert "try again in 1 minute" in refused.get_json()["message"]
    assert len(_events(app, "second_factor_throttled")) == 1


def test_an_answer_too_long_gets_a_message_not_an_error(app, make_user, login):
    client = login(make_user(Role.PARTICIPANT))
    token = form_token(client, "/account/")
    _options(client, "Laptop", token)
    huge = json.dumps({"id": "x" * passkeys.RESPONSE_MAX_BYTES})
    response = _send(client, "/account/passkeys", huge, token)
    assert response.status_code == 400 and "too long" in response.get_json()["message"]
    garbled = _send(client, "/account/passkeys", "not json at all", token)
    assert garbled.status_code == 400 and "message" in garbled.get_json()


def test_a_person_removes_a_passkey_but_not_anyone_elses(app, make_user, login):
    owner, _ = _with_passkey(app, make_user, login)
    other, _ = _with_passkey(app, make_user, login)
    with app.app_context():
        others = db.session.scalar(select(Passkey.id).where(Passkey.user_id == other.id))
        own = db.session.scalar(select(Passkey.id).where(Passkey.user_id == owner.id))
    browser = _password_only(app, owner)
    recovery = browser  # the owner signs in with a recovery code made beforehand
    with app.app_context():
        codes = second_factor.new_recovery_codes(db.session.get(User, owner.id))
        db.session.commit()
    assert recovery.enter_code(codes[0]).status_code == 302
    client = browser.client
    page = _page(client.get("/account/"))
    assert 'data-confirm="Remove the passkey “Work laptop”?' in page
    token = form_token(client, "/account/")
    assert (
        client.post(f"/account/passkeys/{others}/remove", data={"csrf_token": token}).status_code
        == 404
    )
    done = client.post(f"/account/passkeys/{own}/remove", data={"csrf_token": token})
    assert "Your passkey “Work laptop” is removed." in _page(client.get(done.location))
    with app.app_context():
        assert passkeys.passkeys_of(owner.id) == [] and len(passkeys.passkeys_of(other.id)) == 1
    (removed,) = _events(app, "passkey_removed")
    assert removed.actor_id == owner.id and dict(removed.detail_items)["name"] == "Work laptop"


def test_the_gate_counts_a_passkey_and_removing_the_last_sends_to_set_up(app, make_user, login):
    _require(app)
    trainer = make_user(Role.TRAINER)
    client = login(trainer)
    assert client.get("/").location.endswith("/account/second-factor")
    assert "Add a passkey or security key" in _page(client.get("/account/passkeys/new"))
    token = form_token(client, "/account/passkeys/new")
    options = _options(client, "Office key", token).get_json()
    authenticator = SoftAuthenticator()
    assert _send(client, "/account/passkeys", authenticator.register(options), token).status_code
    assert client.get("/").status_code == 200  # a passkey alone is a second factor
    browser = _password_only(app, trainer)
    options, token = _sign_in_options(browser)
    _send(browser.client, "/login/passkey", authenticator.sign_in(options.get_json()), token)
    assert browser.client.get("/").status_code == 200
    with app.app_context():
        passkey_id = db.session.scalar(select(Passkey.id))
    token = form_token(browser.client, "/account/")
    removed = browser.client.post(
        f"/account/passkeys/{passkey_id}/remove", data={"csrf_token": token}
    )
    assert removed.location.endswith("/account/second-factor")
    assert browser.client.get("/").location.endswith("/account/second-factor")
    assert "must sign in with a second factor" in _page(
        browser.client.get("/account/second-factor")
    )


def test_the_administrator_and_the_command_line_reset_remove_passkeys(
    app, make_user, login, runner
):
    trainer, _ = _with_passkey(app, make_user, login, role=Role.TRAINER)
    admin = make_user(Role.ADMIN)
    client = login(admin)
    token = form_token(client, f"/admin/users/{trainer.id}/edit")
    assert "Reset the second factor" in _page(client.get(f"/admin/users/{trainer.id}/edit"))
    client.post(f"/admin/users/{trainer.id}/second-factor/reset", data={"csrf_token": token})
    with app.app_context():
        assert passkeys.passkeys_of(trainer.id) == []
        assert not second_factor.has_second_factor(trainer.id)
    after = Auth(app.test_client()).login(trainer, second_step=False)
    assert not after.location.endswith("/login/code")  # the password alone, then set-up
    last_admin, _ = _with_passkey(app, make_user, login, role=Role.ADMIN)
    result = runner.invoke(args=["reset-second-factor", last_admin.email])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert passkeys.passkeys_of(last_admin.id) == []


def test_the_passkey_pages_are_valid_html(app, make_user, login, tmp_path):
    from tests.test_html_valid import validate

    user, _ = _with_passkey(app, make_user, login)
    browser = _password_only(app, user)
    pages = {"login_code": _page(browser.client.get("/login/code"))}
    with app.app_context():
        codes = second_factor.new_recovery_codes(db.session.get(User, user.id))
        db.session.commit()
    assert browser.enter_code(codes[0]).status_code == 302
    token = form_token(browser.client, "/account/")
    pages["account"] = _page(browser.client.get("/account/"))
    pages["add_refused"] = _page(
        browser.client.post("/account/passkeys/new", data={"name": "", "csrf_token": token})
    )
    pages["add_without_script"] = _page(
        browser.client.post("/account/passkeys/new", data={"name": "Phone", "csrf_token": token})
    )
    assert "Work laptop" in pages["account"] and "There is a problem" in pages["add_refused"]
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html)
    assert validate(folder) == []


def test_a_persons_passkeys_are_in_their_data_and_go_when_they_are_erased(app, make_user, login):
    from course.modules.privacy.erasure import erase_person
    from course.modules.privacy.registry import collect

    user, _ = _with_passkey(app, make_user, login)
    admin = make_user(Role.ADMIN)
    with app.app_context():
        sections = {section.key: section for section in collect(db.session.get(User, user.id))}
        assert [r["name"] for r in sections["passkeys"].records] == ["Work laptop"]
        erase_person(db.session.get(User, user.id), "asked", db.session.get(User, admin.id))
        db.session.commit()
        assert passkeys.passkeys_of(user.id) == []


def test_staff_with_a_passkey_may_turn_off_the_app_and_keep_the_passkey(app, make_user, login):
    trainer, _ = _with_passkey(app, make_user, login, role=Role.TRAINER)
    _require(app)
    with app.app_context():
        second_factor.give_demo_key(db.session.get(User, trainer.id))
        db.session.commit()
    client = Auth(app.test_client())
    assert client.login(trainer).status_code == 302  # the app's code, as Auth does
    page = _page(client.client.get("/account/"))
    assert "or a passkey or security key" in page and "Turn off the authenticator app" in page
    token = form_token(client.client, "/account/")
    done = client.client.post("/account/second-factor/remove", data={"csrf_token": token})
    assert "you sign in with your passkey" in _page(client.client.get(done.location))
    with app.app_context():
        assert not second_factor.has_app(trainer.id)
        assert len(passkeys.passkeys_of(trainer.id)) == 1
    assert client.client.get("/").status_code == 200


def test_a_key_already_added_is_refused_with_a_message_even_for_another_person(
    app, make_user, login
):
    first, authenticator = _with_passkey(app, make_user, login)
    other = Auth(app.test_client())
    assert other.login(make_user(Role.PARTICIPANT)).status_code == 302
    response, _ = _add(other.client, name="Borrowed key", authenticator=authenticator)
    assert response.status_code == 400, _page(response)
    assert "That passkey or security key is already added." in _page(response)
    with app.app_context():
        assert [p.user_id for p in db.session.scalars(select(Passkey))] == [first.id]
    assert [dict(e.detail_items)["reason"] for e in _events(app, "passkey_failed")] == [
        "already added"
    ]
