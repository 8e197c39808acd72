"""A second factor at sign-in (issue 16): an authenticator app (TOTP) and recovery codes.

The suite's app needs nobody to use one (tests/conftest.py); these tests turn the real default
on. Codes are computed with pyotp at chosen time steps; the clock is pinned (tests/clock.py).
"""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select, text

from course import DEFAULTS, audit, create_app
from course.extensions import db
from course.modules.accounts import second_factor
from course.modules.accounts.models import RecoveryCode, Role, SecondFactor, User, UserSession
from course.modules.notifications.models import Notification
from tests.conftest import TEST_ENCRYPTION_KEY, Auth, form_token

STAFF = ["trainer", "senior_manager", "evaluator", "admin"]
STEP = second_factor.STEP_SECONDS


def _require(app):
    """The real site's setting: staff must use a second factor."""
    app.config["COURSE_MFA_REQUIRED_ROLES"] = list(DEFAULTS["COURSE_MFA_REQUIRED_ROLES"])


def _give_key(app, user):
    """Give the person a confirmed authenticator app; returns its key."""
    with app.app_context():
        factor = second_factor.give_demo_key(db.session.get(User, user.id))
        db.session.commit()
        return factor.totp_secret


def _code(key, steps_from_now=0):
    """The code an app with this key shows at a step before or after now."""
    return pyotp.TOTP(key).at((second_factor.current_step() + steps_from_now) * STEP)


def _password_only(app, user):
    """A browser that has given the password: half signed in, at the code page."""
    browser = Auth(app.test_client())
    response = browser.login(user, second_step=False)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    return browser


def _page(response):
    return response.get_data(as_text=True)


def _events(app, action):
    with app.app_context():
        return db.session.scalars(
            select(audit.AuditEvent).where(audit.AuditEvent.action == action)
        ).all()


def test_the_real_site_requires_a_second_factor_of_staff_by_default(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "COURSE_ENCRYPTION_KEYS": [TEST_ENCRYPTION_KEY],
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'default.sqlite'}",
        }
    )
    assert sorted(app.config["COURSE_MFA_REQUIRED_ROLES"]) == sorted(STAFF)
    with app.test_request_context():
        for role in Role:
            assert second_factor.must_use(User(role=role.value)) == (role != Role.PARTICIPANT)
        assert second_factor.may_use(User(role=Role.PARTICIPANT.value))


def test_a_trainer_who_must_is_taken_to_set_up_and_reaches_nothing_else_until_done(
    app, make_user, login
):
    _require(app)
    trainer = make_user(Role.TRAINER)
    client = login(trainer)
    for path in ("/", "/account/", "/journal/", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location.endswith("/account/second-factor"), path
    page = _page(client.get("/account/second-factor"))
    assert "<svg" in page and "QR code for your authenticator app" in page
    key = re.search(r'<code id="totp-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    with app.app_context():
        assert db.session.scalar(select(SecondFactor.totp_secret)) == key
    token = form_token(client, "/account/second-factor")
    wrong = client.post("/account/second-factor", data={"code": "000000", "csrf_token": token})
    assert "That code is not right" in _page(wrong)
    assert client.get("/").status_code == 302  # still not set up
    done = client.post("/account/second-factor", data={"code": _code(key), "csrf_token": token})
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", _page(done))
    assert len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert "a code from your authenticator app" in _page(client.get("/account/"))
    assert [e.detail_items for e in _events(app, "second_factor_set_up")] == [
        [("method", "authenticator app")]
    ]
    assert _events(app, "second_factor_failed")[0].detail_items == [
        ("reason", "setup code not right")
    ]


def test_a_participant_need_not_set_up_and_the_setting_can_forbid_them(app, make_user, login):
    _require(app)
    client = login(make_user(Role.PARTICIPANT))
    assert client.get("/").status_code == 200
    assert "Set up an authenticator app" in _page(client.get("/account/"))
    app.config["COURSE_MFA_PARTICIPANTS_MAY"] = False
    assert client.get("/account/second-factor").status_code == 404
    assert "Set up an authenticator app" not in _page(client.get("/account/"))


def test_the_key_is_stored_encrypted_and_recovery_codes_hashed(app, make_user, login):
    trainer = make_user(Role.TRAINER)
    client = login(trainer)
    key = _give_key(app, trainer)
    page = _page(
        client.post("/account/recovery-codes", data={"csrf_token": form_token(client, "/account/")})
    )
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    with app.app_context():
        raw = db.session.execute(text("SELECT totp_secret FROM second_factor")).scalar()
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert raw.startswith("enc1$") and key not in raw
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in hashes)


def test_after_the_password_nothing_is_reachable_until_the_code(app, make_user):
    trainer = make_user(Role.TRAINER)
    key = _give_key(app, trainer)
    browser = _password_only(app, trainer)
    for path in ("/", "/account/", "/journal/"):
        response = browser.client.get(path)
        assert response.status_code == 302 and "/login" in response.location, path
    assert "Enter your code" in _page(browser.client.get("/login/code"))
    response = browser.enter_code(_code(key))
    assert response.status_code == 302 and not response.location.endswith("/login/code")
    assert browser.client.get("/account/").status_code == 200
    assert _events(app, "second_factor_used")[0].detail_items == [("method", "authenticator app")]


def test_codes_at_this_step_and_one_step_either_side_work_but_not_ten_minutes_old(app, make_user):
    trainer = make_user(Role.TRAINER)
    key = _give_key(app, trainer)
    old = _password_only(app, trainer).enter_code(_code(key, -20))
    assert old.status_code == 200 and "That code is not right" in _page(old)
    for steps in (-1, 0, 1):
        with app.app_context():  # a fresh step for each try (a used step blocks earlier ones)
            db.session.execute(db.update(SecondFactor).values(last_step=None))
            db.session.commit()
        response = _password_only(app, trainer).enter_code(_code(key, steps))
        assert response.status_code == 302, (steps, _page(response)[:300])
    far = _password_only(app, trainer).enter_code(_code(key, 2))
    assert "That code is not right" in _page(far)


def test_a_code_never_works_twice(app, make_user):
    trainer = make_user(Role.TRAINER)
    key = _give_key(app, trainer)
    code = _code(key)
    assert _password_only(app, trainer).enter_code(code).status_code == 302
    again = _password_only(app, trainer).enter_code(code)
    assert again.status_code == 200
    assert "That code has already been used" in _page(again)
    earlier = _password_only(app, trainer).enter_code(_code(key, -1))
    assert "already been used" in _page(earlier)  # a step before the last one used
    with _later(STEP):
        assert _password_only(app, trainer).enter_code(_code(key)).status_code == 302
    assert [e.detail_items for e in _events(app, "second_factor_failed")] == [
        [("reason", "code already used")],
        [("reason", "code already used")],
    ]


def _later(seconds):
    """The clock moved on by this many seconds (and ticking)."""
    return time_machine.travel(datetime.now(UTC) + timedelta(seconds=seconds), tick=True)


def test_a_recovery_code_works_once_and_new_ones_replace_the_old(app, make_user, login):
    trainer = make_user(Role.TRAINER)
    _give_key(app, trainer)
    client = login(trainer)
    page = _page(
        client.post("/account/recovery-codes", data={"csrf_token": form_token(client, "/account/")})
    )
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    browser = _password_only(app, trainer)
    used = browser.enter_code(codes[0].upper().replace("-", " "))
    assert used.status_code == 302
    assert "You have 9 left" in _page(browser.client.get("/"))
    again = _password_only(app, trainer).enter_code(codes[0])
    assert "That code is not right" in _page(again)
    fresh = _page(
        browser.client.post(
            "/account/recovery-codes", data={"csrf_token": form_token(browser.client, "/account/")}
        )
    )
    new_codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", fresh)
    assert "Your old ones no longer work" in fresh
    assert "That code is not right" in _page(_password_only(app, trainer).enter_code(codes[1]))
    assert _password_only(app, trainer).enter_code(new_codes[1]).status_code == 302
    methods = [e.detail_items for e in _events(app, "second_factor_used")]
    assert methods[1:] == [[("method", "recovery code")], [("method", "recovery code")]]
    assert _events(app, "second_factor_failed")[-1].detail_items == [
        ("reason", "recovery code not right")
    ]


def test_the_half_signed_in_state_lapses_after_a_few_minutes(app, make_user):
    trainer = make_user(Role.TRAINER)
    key = _give_key(app, trainer)
    browser = _password_only(app, trainer)
    token = form_token(browser.client, "/login/code")
    with _later(6 * 60):
        response = browser.client.post(
            "/login/code", data={"code": _code(key), "csrf_token": token}
        )
        assert response.status_code == 302 and response.location.endswith("/login")
        assert "Signing in took too long" in _page(browser.client.get("/login"))
        assert browser.client.get("/account/").status_code == 302
    assert _events(app, "second_factor_used") == []


def test_wrong_codes_are_throttled_in_the_database(app, make_user):
    trainer = make_user(Role.TRAINER)
    key = _give_key(app, trainer)
    browser = _password_only(app, trainer)
    answers = [browser.enter_code("123456").status_code for _ in range(5)]
    assert answers == [200] * 5
    refused = browser.enter_code(_code(key))  # even the right code waits now
    assert refused.status_code == 429
    assert "try again in 1 minute" in _page(refused)
    assert browser.client.get("/account/").status_code == 302
    other = _password_only(app, trainer)  # another browser: the count is the account's
    assert other.enter_code(_code(key)).status_code == 429
    assert len(_events(app, "second_factor_throttled")) == 2
    with _later(2 * 60):
        assert _password_only(app, trainer).enter_code(_code(key)).status_code == 302


def test_an_administrator_resets_a_trainers_second_factor_and_the_trainer_is_told(
    app, make_user, login
):
    _require(app)
    trainer = make_user(Role.TRAINER)
    _give_key(app, trainer)
    admin = make_user(Role.ADMIN)
    _give_key(app, admin)
    # The trainer is signed in somewhere (perhaps on the lost phone).
    elsewhere = Auth(app.test_client())
    assert elsewhere.login(trainer).status_code == 302
    assert elsewhere.client.get("/").status_code == 200
    client = login(admin)
    page = _page(client.get(f"/admin/users/{trainer.id}/edit"))
    assert "Reset the second factor" in page
    token = form_token(client, f"/admin/users/{trainer.id}/edit")
    response = client.post(
        f"/admin/users/{trainer.id}/second-factor/reset", data={"csrf_token": token}
    )
    assert "second factor is reset" in _page(client.get(response.location))
    with app.app_context():
        assert not second_factor.has_second_factor(trainer.id)
        told = db.session.scalars(
            select(Notification).where(Notification.user_id == trainer.id)
        ).all()
    assert [n.subject for n in told] == ["Your second factor for signing in has been reset"]
    assert told[0].essential  # sent by email whatever the person's preferences
    (event,) = _events(app, "second_factor_reset")
    assert event.actor_id == admin.id and event.object_id == trainer.id
    assert event.detail_items == [("reason", "reset by an administrator")]
    # That sign-in has ended: the next page asks for a sign-in.
    assert "/login" in elsewhere.client.get("/").location
    with app.app_context():
        reasons = db.session.scalars(
            select(UserSession.end_reason).where(UserSession.user_id == trainer.id)
        ).all()
    assert reasons == ["second_factor_reset"]
    # The trainer signs in with the password alone and is taken to set up a new one.
    trainer_client = Auth(app.test_client())
    assert trainer_client.login(trainer).status_code == 302
    assert trainer_client.client.get("/").location.endswith("/account/second-factor")


def test_an_administrator_cannot_reset_their_own_second_factor(app, make_user, login):
    admin = make_user(Role.ADMIN)
    _give_key(app, admin)
    client = login(admin)
    assert "You cannot reset your own" in _page(client.get(f"/admin/users/{admin.id}/edit"))
    token = form_token(client, f"/admin/users/{admin.id}/edit")
    response = client.post(
        f"/admin/users/{admin.id}/second-factor/reset", data={"csrf_token": token}
    )
    assert "You cannot reset your own second factor" in _page(client.get(response.location))
    with app.app_context():
        assert second_factor.has_second_factor(admin.id)
    assert _events(app, "second_factor_reset") == []
    assert len(_events(app, "second_factor_reset_refused")) == 1


def test_the_command_line_resets_the_last_administrators_second_factor(app, runner, make_user):
    admin = make_user(Role.ADMIN, email="last.admin@example.org")
    _give_key(app, admin)
    result = runner.invoke(args=["reset-second-factor", "Last.Admin@example.org"])
    assert result.exit_code == 0, result.output
    assert "is reset" in result.output
    with app.app_context():
        assert not second_factor.has_second_factor(admin.id)
        assert db.session.scalar(
            select(Notification.subject).where(Notification.user_id == admin.id)
        )
    assert _events(app, "second_factor_reset")[0].detail_items == [
        ("reason", "reset with the command line")
    ]
    unknown = runner.invoke(args=["reset-second-factor", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No account" in unknown.output


def test_the_account_page_lists_sign_ins_and_ends_the_others(app, make_user, login):
    trainer = make_user(Role.TRAINER)
    elsewhere = Auth(app.test_client())
    assert elsewhere.login(trainer).status_code == 302
    client = login(trainer)
    page = _page(client.get("/account/"))
    assert "Your recent sign-ins" in page
    assert page.count("This sign-in") == 1 and page.count("Still signed in") == 1
    token = form_token(client, "/account/")
    response = client.post("/account/sessions/end-others", data={"csrf_token": token})
    assert "Signed out 1 other sign-in." in _page(client.get(response.location))
    assert elsewhere.client.get("/account/").status_code == 302  # that sign-in has ended
    assert client.get("/account/").status_code == 200
    assert _events(app, "other_sessions_ended")[0].detail_items == [("count", 1)]
    with app.app_context():
        assert db.session.scalar(select(db.func.count(UserSession.id))) == 2


def test_seed_demo_gives_staff_a_key_it_prints_and_participants_none(app, runner):
    result = runner.invoke(args=["seed-demo", "--password", "demo passphrase for tests"])
    assert result.exit_code == 0, result.output
    printed = dict(re.findall(r"^\s+(\S+@\S+)\s+([A-Z2-7]{32})\s*$", result.output, re.M))
    assert "trainer1@example.org" in printed and "admin@example.org" in printed
    with app.app_context():
        with_keys = db.session.execute(
            select(User.email, User.role, SecondFactor.totp_secret).join(
                SecondFactor, SecondFactor.user_id == User.id
            )
        ).all()
    assert {role for _, role, _ in with_keys} == set(STAFF)
    assert {email: key for email, _, key in with_keys if email in printed} == printed
    # The printed key signs the trainer in.
    browser = Auth(app.test_client())
    browser.login("trainer1@example.org", "demo passphrase for tests", second_step=False)
    code = pyotp.TOTP(printed["trainer1@example.org"]).now()
    assert browser.enter_code(code).status_code == 302
    assert browser.client.get("/account/").status_code == 200
    participant = Auth(app.test_client()).login(
        "manager01@example.org", "demo passphrase for tests", second_step=False
    )
    assert participant.status_code == 302 and not participant.location.endswith("/login/code")


def test_the_required_roles_can_be_set_as_text_from_the_environment(app):
    with app.test_request_context():
        app.config["COURSE_MFA_REQUIRED_ROLES"] = "admin, trainer"
        assert second_factor.required_roles() == {"admin", "trainer"}
        assert not second_factor.must_use(User(role=Role.EVALUATOR.value))
        app.config["COURSE_MFA_REQUIRED_ROLES"] = ""
        assert not second_factor.must_use(User(role=Role.ADMIN.value))


def test_a_participant_may_turn_off_their_own_but_staff_who_must_cannot(app, make_user, login):
    _require(app)
    participant = make_user(Role.PARTICIPANT)
    _give_key(app, participant)
    client = login(participant)
    token = form_token(client, "/account/")
    assert "Turn off the authenticator app" in _page(client.get("/account/"))
    response = client.post("/account/second-factor/remove", data={"csrf_token": token})
    assert "Your authenticator app is turned off" in _page(client.get(response.location))
    with app.app_context():
        assert not second_factor.has_second_factor(participant.id)
    assert _events(app, "second_factor_reset")[0].detail_items == [
        ("reason", "turned off by the person")
    ]
    trainer = make_user(Role.TRAINER)
    _give_key(app, trainer)
    staff = Auth(app.test_client())
    staff.login(trainer)
    assert "Turn off the authenticator app" not in _page(staff.client.get("/account/"))
    token = form_token(staff.client, "/account/")
    refused = staff.client.post("/account/second-factor/remove", data={"csrf_token": token})
    assert refused.status_code == 404
    with app.app_context():
        assert second_factor.has_second_factor(trainer.id)


def test_erasing_a_person_removes_their_authenticator_key_and_recovery_codes(app, make_user, login):
    from course.modules.privacy.erasure import erase_person

    user = make_user(Role.PARTICIPANT)
    _give_key(app, user)
    admin = make_user(Role.ADMIN)
    with app.app_context():
        second_factor.new_recovery_codes(db.session.get(User, user.id))
        db.session.commit()
        assert db.session.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id))
        erase_person(db.session.get(User, user.id), "asked", db.session.get(User, admin.id))
        db.session.commit()
        assert (
            db.session.scalars(select(SecondFactor).where(SecondFactor.user_id == user.id)).all()
            == []
        )
        assert (
            db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
            == []
        )
