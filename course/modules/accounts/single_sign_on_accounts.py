"""Which account a provider's sign-in is, whether its second factor counts, and signing out there.

A person is found by (issuer, subject) once known; the first time, by the configured claim
(COURSE_OIDC_MATCH_CLAIM): for "email", only an email the provider says it verified. Accounts
are made on a first sign-in only when COURSE_OIDC_CREATE_ACCOUNTS is on (cohorts are imported).
"""

from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import select

from course import audit
from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.accounts.models_single_sign_on import SingleSignOnIdentity
from course.modules.accounts.services import normalise_email
from course.modules.accounts.single_sign_on import (
    SignOnFailed,
    configured,
    provider_metadata,
    provider_name,
)
from course.site_address import absolute_url
from course.timeutil import utcnow

NAME_MAX = 120
EMAIL_MAX = 254


def _no_account(value):
    return SignOnFailed(
        "no account",
        f"You signed in at {provider_name()}, but this site has no account for {value}.",
        "Ask the programme's administrator to add you to the programme, with the email address "
        "your organisation uses.",
        status=403,
    )


def _account_by_claim(claims):
    """The account the configured claim names (or a new one, when allowed); SignOnFailed if none."""
    config = current_app.config
    claim = config["COURSE_OIDC_MATCH_CLAIM"]
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip() or len(value) > EMAIL_MAX:
        raise SignOnFailed(
            f"no {claim} claim", f"{provider_name()} did not give the site your email address."
        )
    if claim == "email" and claims.get("email_verified") is not True:
        raise SignOnFailed(
            "email not verified",
            f"{provider_name()} has not verified your email address, so the site cannot tell "
            "which account is yours.",
            "Ask your organisation's IT service to verify your email address, or tell the "
            "programme's administrator.",
            status=403,
        )
    email = normalise_email(value)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        if not config["COURSE_OIDC_CREATE_ACCOUNTS"]:
            raise _no_account(email)
        name = claims.get("name") if isinstance(claims.get("name"), str) else ""
        user = User(email=email, name=(name.strip() or email)[:NAME_MAX], role=Role.PARTICIPANT)
        db.session.add(user)
        db.session.flush()
        audit.record("sso_account_created", user, actor=user, issuer=claims["iss"])
    return user


def match_account(claims):
    """The active account for these verified claims, its provider identity remembered."""
    issuer, subject = claims["iss"], str(claims["sub"])[:255]
    identity = db.session.scalar(
        select(SingleSignOnIdentity).where(
            SingleSignOnIdentity.issuer == issuer, SingleSignOnIdentity.subject == subject
        )
    )
    if identity is None:
        user = _account_by_claim(claims)
        taken = db.session.scalar(
            select(SingleSignOnIdentity).where(
                SingleSignOnIdentity.user_id == user.id, SingleSignOnIdentity.issuer == issuer
            )
        )
        if taken is not None:
            raise SignOnFailed(
                "account linked to another provider identity",
                f"This site's account for {user.email} is linked to someone else at "
                f"{provider_name()}.",
                "Tell the programme's administrator.",
                status=403,
            )
        identity = SingleSignOnIdentity(user=user, issuer=issuer, subject=subject)
        db.session.add(identity)
        audit.record("sso_linked", user, actor=user, issuer=issuer)
    user = identity.user
    if not user.active:
        raise SignOnFailed(
            "account deactivated",
            "Your account on this site has been closed.",
            "If you think this is a mistake, ask the programme's administrator.",
            status=403,
        )
    identity.last_used_at = utcnow()
    return user


def trusted_second_factor(claims):
    """The provider's authentication methods (amr) that the site counts as a second factor."""
    trusted = current_app.config["COURSE_OIDC_TRUSTED_AMR"]
    if isinstance(trusted, str):
        trusted = [value.strip() for value in trusted.split(",")]
    amr = claims.get("amr")
    if not isinstance(amr, list):
        return []
    return sorted({value for value in amr if isinstance(value, str)} & set(filter(None, trusted)))


def sign_out_offer(user):
    """The provider's sign-out address for someone linked to it, when it publishes one."""
    if not configured():
        return None
    linked = db.session.scalar(
        select(SingleSignOnIdentity.id).where(SingleSignOnIdentity.user_id == user.id)
    )
    if linked is None:
        return None
    try:
        metadata, _ = provider_metadata()
    except SignOnFailed:
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode(
        {
            "client_id": current_app.config["COURSE_OIDC_CLIENT_ID"],
            "post_logout_redirect_uri": absolute_url("accounts.login"),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
