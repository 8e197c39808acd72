"""Signing in with the organisation's OpenID provider: leaving for it, and coming back.

Routes on the accounts blueprint (see routes.py). After the provider, a person whose provider
did a second factor the site trusts (COURSE_OIDC_TRUSTED_AMR) is signed in; anyone else with
an authenticator app on this site still gives its code, and someone whose role must use a second
factor and has none is sent to set one up, as after a password.
"""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from course import audit
from course.extensions import db
from course.modules.accounts import second_factor
from course.modules.accounts.routes import _safe_next, bp, finish_sign_in
from course.modules.accounts.single_sign_on import (
    SignOnFailed,
    begin,
    complete,
    configured,
    provider_name,
)
from course.modules.accounts.single_sign_on_accounts import match_account, trusted_second_factor


def _failed(error, user=None):
    """The clear page for a sign-in that did not work, audited with its reason."""
    db.session.rollback()
    audit.record("sso_failed", user, actor=user, object_type="User", reason=error.reason)
    db.session.commit()
    return (
        render_template("accounts/sso_failed.html", error=error, provider=provider_name()),
        error.status,
    )


@bp.get("/login/sso")
def sso_start():
    """Leave for the provider's sign-in page."""
    if not configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    try:
        return redirect(begin(_safe_next(request.args.get("next"))))
    except SignOnFailed as error:
        return _failed(error)


@bp.get("/login/sso/callback")
def sso_callback():
    """Come back from the provider: check everything, find the account, sign in."""
    if not configured():
        abort(404)
    try:
        claims, next_address = complete(request.args)
        user = match_account(claims)
    except SignOnFailed as error:
        return _failed(error)
    trusted = trusted_second_factor(claims)
    audit.record(
        "sso_signed_in",
        user,
        actor=user,
        issuer=claims["iss"],
        provider_second_factor=", ".join(trusted) or None,
    )
    db.session.commit()
    if trusted:
        return finish_sign_in(user, next_address, second_factor_done=True)
    if second_factor.has_second_factor(user):  # half signed in until the code
        second_factor.begin_pending(user, next_address)
        return redirect(url_for("accounts.login_code"))
    return finish_sign_in(user, next_address)
