"""Single sign-on against a real OpenID provider (npm's oidc-provider, started by the tests)."""

import time

import requests
import time_machine
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts import second_factor, single_sign_on
from course.modules.accounts.models import Role, User
from course.modules.accounts.models_single_sign_on import SingleSignOnIdentity
from course.modules.accounts.single_sign_on import LEEWAY, MAX_PARAMETER
from course.modules.privacy.erasure import erase_person
from course.modules.privacy.registry import collect
from tests.conftest import PASSWORD, Auth
from tests.oidc_support import ID_TOKEN_TTL, ORGANISATION, sign_in_at_provider, state_of
from tests.test_html_valid import validate


def _verified(email, **more):
    return {"email": email, "email_verified": True, "name": "Pat Example", **more}


def _events(app, action):
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def _failure_reasons(app):
    return [dict(event.detail_items)["reason"] for event in _events(app, "sso_failed")]


def _signed_in_as(client):
    """The email of the account page's owner, or None when the client is not signed in."""
    page = client.get("/account/")
    if page.status_code != 200:
        return None
    return page.get_data(as_text=True)


def _assert_clear_failure(response, *phrases):
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 403, 503), response.status_code
    assert f"Signing in with {ORGANISATION} did not work" in page
    assert 'href="/login"' in page
    for phrase in phrases:
        assert phrase in page


def test_sign_in_page_offers_the_provider_only_when_configured(client, app, provider):
    assert f"Sign in with {ORGANISATION}" in client.get("/login").get_data(as_text=True)
    app.config["COURSE_OIDC_CLIENT_SECRET"] = None
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with" not in page
    assert 'name="password"' in page
    assert client.get("/login/sso").status_code == 404


def test_a_participant_signs_in_with_the_provider_by_verified_email(
    client, app, provider, make_user
):
    user = make_user(email="pat@example.org")
    provider.accounts(pat=_verified("Pat@Example.org"))
    start = client.get("/login/sso")
    assert "code_challenge_method=S256" in start.location
    assert "nonce=" in start.location
    callback = sign_in_at_provider(client, "pat", next_address="/journal/")
    response = client.get(callback)
    assert response.status_code == 302, _failure_reasons(app)
    assert response.location.endswith("/journal/")
    assert "pat@example.org" in _signed_in_as(client)
    with app.app_context():
        identity = db.session.scalar(select(SingleSignOnIdentity))
        assert (identity.user_id, identity.issuer, identity.subject) == (
            user.id,
            provider.issuer,
            "pat",
        )
    assert [e.actor_id for e in _events(app, "sso_signed_in")] == [user.id]
    assert len(_events(app, "sso_linked")) == 1


def test_a_later_sign_in_matches_the_providers_subject_not_the_email(
    client, app, provider, make_user
):
    user = make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"))
    client.get(sign_in_at_provider(client, "pat"))
    Auth(client).logout()
    provider.accounts(pat=_verified("pat.example@newname.example.org"))
    response = client.get(sign_in_at_provider(client, "pat"))
    assert response.status_code == 302
    assert "pat@example.org" in _signed_in_as(client)
    assert [e.actor_id for e in _events(app, "sso_signed_in")] == [user.id, user.id]
    assert len(_events(app, "sso_linked")) == 1


def test_an_unverified_email_is_refused(client, app, provider, make_user):
    make_user(email="pat@example.org")
    provider.accounts(pat={"email": "pat@example.org", "email_verified": False})
    response = client.get(sign_in_at_provider(client, "pat"))
    _assert_clear_failure(response, "has not verified your email address")
    assert _signed_in_as(client) is None
    assert _failure_reasons(app) == ["email not verified"]


def test_an_unknown_email_is_refused_when_accounts_are_not_made(client, app, provider):
    provider.accounts(sam=_verified("sam@example.org"))
    response = client.get(sign_in_at_provider(client, "sam"))
    _assert_clear_failure(response, "no account for sam@example.org", "Ask the programme")
    assert response.status_code == 403
    assert _signed_in_as(client) is None
    assert _failure_reasons(app) == ["no account"]
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "sam@example.org")) is None


def test_an_unknown_email_gets_a_participants_account_when_allowed(client, app, provider):
    app.config["COURSE_OIDC_CREATE_ACCOUNTS"] = True
    provider.accounts(sam=_verified("sam@example.org", name="Sam Newcomer"))
    assert client.get(sign_in_at_provider(client, "sam")).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "sam@example.org"))
        assert (user.name, user.role, user.password_hash) == (
            "Sam Newcomer",
            Role.PARTICIPANT,
            None,
        )
    assert len(_events(app, "sso_account_created")) == 1


def test_a_deactivated_account_is_refused(client, app, provider, make_user):
    make_user(email="pat@example.org", active=False)
    provider.accounts(pat=_verified("pat@example.org"))
    response = client.get(sign_in_at_provider(client, "pat"))
    _assert_clear_failure(response, "has been closed")
    assert _signed_in_as(client) is None
    assert _failure_reasons(app) == ["account deactivated"]


def test_a_token_signed_with_another_key_is_refused(client, app, provider, make_user):
    make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"))
    provider.tamper("wrong-key")
    response = client.get(sign_in_at_provider(client, "pat"))
    _assert_clear_failure(response, "could not be trusted")
    assert _signed_in_as(client) is None
    assert _failure_reasons(app) == ["ID token signature not valid"]


def test_a_token_for_another_audience_is_refused(client, app, provider, make_user):
    make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"))
    provider.tamper("wrong-audience")
    response = client.get(sign_in_at_provider(client, "pat"))
    _assert_clear_failure(response, "could not be trusted")
    assert _signed_in_as(client) is None
    assert _failure_reasons(app) == ["ID token aud not valid"]


def test_a_token_with_another_sign_ins_nonce_is_refused(client, app, provider, make_user):
    make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"))
    provider.tamper("wrong-nonce")
    response = client.get(sign_in_at_provider(client, "pat"))
    _assert_clear_failure(response, "could not be trusted")
    assert _signed_in_as(client) is None
    assert _failure_reasons(app) == ["ID token nonce not valid"]


def test_an_expired_token_is_refused(client, app, provider, make_user):
    make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"))
    callback = sign_in_at_provider(client, "pat")
    later = time.time() + ID_TOKEN_TTL + LEEWAY + 30
    with time_machine.travel(later, tick=True):  # the site's clock; the provider's stays
        response = client.get(callback)
    assert _failure_reasons(app) == ["ID token expired"]
    _assert_clear_failure(response, "could not be trusted")
    assert _signed_in_as(client) is None


def test_a_replayed_callback_is_refused(client, app, provider, make_user):
    make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"))
    callback = sign_in_at_provider(client, "pat")
    assert client.get(callback).status_code == 302
    Auth(client).logout()
    response = client.get(callback)
    _assert_clear_failure(response, "already used", "Start again from the sign-in page")
    assert _signed_in_as(client) is None
    other_browser = app.test_client()
    _assert_clear_failure(other_browser.get(callback), "not started in this browser")
    assert _failure_reasons(app) == ["state not recognised", "state not recognised"]


def test_someone_elses_callback_is_refused_while_a_sign_in_is_under_way(
    client, app, provider, make_user
):
    make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"), sam=_verified("sam@example.org"))
    attackers_callback = sign_in_at_provider(app.test_client(), "sam")
    client.get("/login/sso")  # the victim's own sign-in, started in this browser
    response = client.get(attackers_callback)
    _assert_clear_failure(response, "not started in this browser")
    assert _signed_in_as(client) is None
    assert _failure_reasons(app) == ["state not recognised"]


def test_cancelling_at_the_provider_says_so(client, app, provider):
    state = state_of(client.get("/login/sso").location)
    response = client.get(
        "/login/sso/callback", query_string={"error": "access_denied", "state": state}
    )
    _assert_clear_failure(response, "or you cancelled")
    assert _failure_reasons(app) == ["provider refused: access_denied"]


def test_a_callback_at_the_longest_parameters_is_refused_clearly(client, app, provider):
    client.get("/login/sso")
    long = "a" * (MAX_PARAMETER * 50)
    response = client.get("/login/sso/callback", query_string={"state": long, "code": long})
    _assert_clear_failure(response, "not started in this browser")


def test_an_unreachable_provider_gets_a_clear_page(client, app, provider):
    app.config["COURSE_OIDC_ISSUER"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    single_sign_on._metadata_cache.clear()
    response = client.get("/login/sso")
    _assert_clear_failure(response, "could not reach", "Try again in a few minutes")
    assert response.status_code == 503
    assert _failure_reasons(app) == ["provider unreachable"]


def test_sso_only_removes_the_password_form_but_for_the_break_glass_account(
    client, app, provider, make_user
):
    admin = make_user(role=Role.ADMIN, email="breakglass@example.org")
    participant = make_user(email="pat@example.org")
    app.config.update(COURSE_SSO_ONLY=True, COURSE_SSO_BREAK_GLASS="BreakGlass@example.org")
    page = client.get("/login").get_data(as_text=True)
    assert f"Sign in with {ORGANISATION}" in page
    assert 'name="password"' not in page
    emergency = client.get("/login?break_glass=1").get_data(as_text=True)
    assert 'name="password"' in emergency
    token = Auth(client).csrf_token("/login?break_glass=1")
    password = {"password": PASSWORD, "csrf_token": token}
    refused = client.post("/login", data={"email": participant.email, **password})
    assert refused.status_code == 200
    assert f"This site signs people in with {ORGANISATION}" in refused.get_data(as_text=True)
    assert _signed_in_as(client) is None
    assert client.post("/login", data={"email": admin.email, **password}).status_code == 302
    assert "breakglass@example.org" in _signed_in_as(client)


def _with_authenticator(app, user):
    with app.app_context():
        second_factor.give_demo_key(db.session.get(User, user.id))
        db.session.commit()


def test_a_second_factor_at_the_provider_counts_when_its_amr_is_trusted(
    client, app, provider, make_user
):
    app.config["COURSE_MFA_REQUIRED_ROLES"] = ["trainer"]
    app.config["COURSE_OIDC_TRUSTED_AMR"] = ["mfa"]
    trainer = make_user(role=Role.TRAINER, email="trainer@example.org")
    _with_authenticator(app, trainer)
    provider.accounts(tr=_verified("trainer@example.org", amr=["pwd", "mfa"]))
    response = client.get(sign_in_at_provider(client, "tr"))
    assert response.status_code == 302
    assert not response.location.endswith("/login/code")
    assert "trainer@example.org" in _signed_in_as(client)
    assert dict(_events(app, "sso_signed_in")[0].detail_items)["provider_second_factor"] == "mfa"


def test_the_sites_second_factor_is_asked_when_the_providers_is_not_trusted(
    client, app, provider, make_user
):
    app.config["COURSE_MFA_REQUIRED_ROLES"] = ["trainer"]
    trainer = make_user(role=Role.TRAINER, email="trainer@example.org")
    _with_authenticator(app, trainer)
    provider.accounts(tr=_verified("trainer@example.org", amr=["pwd", "mfa"]))
    response = client.get(sign_in_at_provider(client, "tr"))
    assert response.location.endswith("/login/code")
    assert _signed_in_as(client) is None
    app.config["COURSE_OIDC_TRUSTED_AMR"] = ["mfa"]
    provider.accounts(tr=_verified("trainer@example.org", amr=["pwd"]))
    response = client.get(sign_in_at_provider(client, "tr"))
    assert response.location.endswith("/login/code")


def test_a_trainer_without_any_second_factor_is_sent_to_set_one_up(
    client, app, provider, make_user
):
    app.config["COURSE_MFA_REQUIRED_ROLES"] = ["trainer"]
    make_user(role=Role.TRAINER, email="trainer@example.org")
    provider.accounts(tr=_verified("trainer@example.org", amr=["pwd"]))
    client.get(sign_in_at_provider(client, "tr"))
    home = client.get("/")
    assert home.status_code == 302
    assert "second-factor" in home.location or "authenticator" in home.location


def test_signing_out_offers_the_providers_sign_out(client, app, provider, make_user):
    make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"))
    client.get(sign_in_at_provider(client, "pat"))
    Auth(client).logout()
    assert _signed_in_as(client) is None
    page = client.get("/login").get_data(as_text=True)
    assert f"Sign out of {ORGANISATION} too" in page
    link = page.split(f'<a href="{provider.issuer}/session/end?', 1)[1].split('"', 1)[0]
    assert "client_id=course-site" in link
    at_provider = requests.get(
        f"{provider.issuer}/session/end?{link.replace('&amp;', '&')}", timeout=10
    )
    assert at_provider.status_code == 200
    assert "Sign out of" not in client.get("/login").get_data(as_text=True)  # offered once


def test_signing_out_after_a_password_offers_no_provider_sign_out(client, app, provider, make_user):
    user = make_user(email="pat@example.org")
    Auth(client).login(user)
    Auth(client).logout()
    assert "Sign out of" not in client.get("/login").get_data(as_text=True)


def test_erasing_a_person_forgets_who_they_are_at_the_provider(client, app, provider, make_user):
    user = make_user(email="pat@example.org")
    admin = make_user(role=Role.ADMIN)
    provider.accounts(pat=_verified("pat@example.org"))
    client.get(sign_in_at_provider(client, "pat"))
    with app.app_context():
        sections = {section.key: section for section in collect(db.session.get(User, user.id))}
        assert [r["subject"] for r in sections["single_sign_on"].records] == ["pat"]
        erase_person(db.session.get(User, user.id), "asked", db.session.get(User, admin.id))
        assert db.session.scalar(select(SingleSignOnIdentity)) is None


def test_the_single_sign_on_pages_are_valid_html(client, app, provider, make_user, tmp_path):
    make_user(email="pat@example.org")
    provider.accounts(pat=_verified("pat@example.org"))
    pages = {"login with the button": client.get("/login")}
    client.get(sign_in_at_provider(client, "pat"))
    Auth(client).logout()
    pages["provider's sign-out offered"] = client.get("/login")
    pages["failure"] = client.get("/login/sso/callback?state=x&code=y")
    app.config["COURSE_SSO_ONLY"] = True
    pages["sso only"] = client.get("/login")
    pages["break-glass form"] = client.get("/login?break_glass=1")
    folder = tmp_path / "pages"
    folder.mkdir()
    names = {}
    for number, (name, response) in enumerate(pages.items()):
        (folder / f"page{number}.html").write_text(response.get_data(as_text=True))
        names[f"page{number}.html"] = name
    errors = [f"{names[m['url'].rsplit('/', 1)[1]]}: {m['message']}" for m in validate(folder)]
    assert errors == []
