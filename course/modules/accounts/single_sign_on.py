"""Single sign-on with the organisation's OpenID Connect provider (Entra ID, Google, any other).

The authorisation code flow with PKCE (S256). The state, nonce and code verifier of one sign-in
are kept in the signed session cookie and used once: a callback whose state is not the one this
browser started (a replay, or someone else's link) is refused. The ID token's signature is checked
against the keys the provider publishes, then its issuer, audience, expiry and nonce
(Authlib's CodeIDToken). A person is found by the provider's (issuer, subject), remembered after
the first match on a verified email (or the configured claim). Every outcome is audited, a failure
with its reason; the person sees what happened and what to do (SignOnFailed).
"""

import hmac
import secrets
import time

import requests
from authlib.common.security import is_secure_transport
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from flask import current_app, request, session, url_for
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from course import audit
from course.extensions import db
from course.modules.accounts.services import SignInRefused, normalise_email
from course.site_address import absolute_url

PENDING_KEY = "sso_pending"  # {"state", "nonce", "verifier", "at", "next"} of one sign-in
SIGN_OUT_KEY = "sso_sign_out"  # the provider's sign-out address, offered after signing out
PENDING_LIFETIME = 15 * 60  # seconds from leaving for the provider to coming back
LEEWAY = 60  # seconds of clock difference allowed for the token's times
TIMEOUT = 10  # seconds for each request to the provider
METADATA_LIFETIME = 3600  # seconds the provider's metadata and keys are kept
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
MAX_PARAMETER = 2048  # characters of a code or state read from the callback

TRY_LATER = "Try again in a few minutes. If it keeps happening, tell the programme's administrator."
_metadata_cache = {}  # issuer -> (fetched at, metadata, keys or None)


class SignOnFailed(Exception):
    """Signing in with the provider did not work: the reason (audited) and words for the person."""

    def __init__(self, reason, happened, advice=None, status=400):
        super().__init__(reason)
        self.reason = reason
        self.happened = happened
        self.advice = (
            advice
            or "Try signing in again. If it keeps happening, tell the programme's administrator."
        )
        self.status = status


def configured():
    """Whether an issuer, a client id and its secret are set."""
    config = current_app.config
    return all(
        config.get(key)
        for key in ("COURSE_OIDC_ISSUER", "COURSE_OIDC_CLIENT_ID", "COURSE_OIDC_CLIENT_SECRET")
    )


def provider_name():
    """The organisation as the sign-in button names it."""
    return current_app.config.get("COURSE_OIDC_NAME") or "your organisation"


def sso_only():
    """Whether the password form is closed to everyone but the break-glass account."""
    return configured() and bool(current_app.config.get("COURSE_SSO_ONLY"))


def is_break_glass(email):
    """Whether this email is the administrator's account kept for when the provider fails."""
    kept = normalise_email(current_app.config.get("COURSE_SSO_BREAK_GLASS"))
    return bool(kept) and hmac.compare_digest(kept, normalise_email(email))


def refuse_password_when_sso_only(email):
    """With single sign-on only, refuse a password from anyone but the break-glass account."""
    if not sso_only() or is_break_glass(email):
        return
    audit.record("sign_in_failed", object_type="User", reason="single sign-on only")
    db.session.commit()
    name = provider_name()
    raise SignInRefused(
        f"This site signs people in with {name}: use the 'Sign in with {name}' button."
    )


def login_page_context(password_tried):
    """What the sign-in page offers: the provider's button, the password form, its sign-out."""
    offer = None
    if configured():
        offer = url_for("accounts.sso_start", next=request.args.get("next") or None)
    emergency = request.args.get("break_glass") == "1" or bool(password_tried)
    return {
        "sso_name": provider_name() if offer else None,
        "sso_url": offer,
        "password_form": not sso_only() or emergency,
        "provider_sign_out": session.pop(SIGN_OUT_KEY, None),
    }


def _issuer():
    return current_app.config["COURSE_OIDC_ISSUER"].rstrip("/")


def _get_json(url):
    """A JSON document from the provider; SignOnFailed when it cannot be had."""
    if not is_secure_transport(url):
        raise SignOnFailed(
            "provider address not https", "The sign-in service's address is not secure."
        )
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignOnFailed(
            "provider unreachable",
            f"The site could not reach {provider_name()}'s sign-in service.",
            TRY_LATER,
            status=503,
        ) from error


def provider_metadata(refresh_keys=False):
    """The provider's published metadata and keys (kept for an hour): (metadata, KeySet)."""
    issuer = _issuer()
    fetched_at, metadata, keys = _metadata_cache.get(issuer, (0, None, None))
    if metadata is None or time.monotonic() - fetched_at > METADATA_LIFETIME:
        metadata = _get_json(f"{issuer}/.well-known/openid-configuration")
        if metadata.get("issuer", "").rstrip("/") != issuer:
            raise SignOnFailed(
                "metadata names another issuer", "The sign-in service is not set up as expected."
            )
        fetched_at, keys = time.monotonic(), None
    if keys is None or refresh_keys:
        keys = KeySet.import_key_set(_get_json(metadata["jwks_uri"]))
    _metadata_cache[issuer] = (fetched_at, metadata, keys)
    return metadata, keys


def _client():
    config = current_app.config
    return OAuth2Session(
        config["COURSE_OIDC_CLIENT_ID"],
        config["COURSE_OIDC_CLIENT_SECRET"],
        scope=config["COURSE_OIDC_SCOPES"],
        redirect_uri=absolute_url("accounts.sso_callback"),
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


def begin(next_address):
    """Where to send the browser to sign in at the provider; the flow's secrets go in the cookie."""
    metadata, _ = provider_metadata()
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    url, _ = _client().create_authorization_url(
        metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    session[PENDING_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "at": int(time.time()),
        "next": next_address,
    }
    audit.record("sso_started", object_type="User")
    db.session.commit()
    return url


def _take_pending(args):
    """This browser's sign-in that the callback's state names, spent; SignOnFailed otherwise."""
    pending = session.pop(PENDING_KEY, None)
    state = (args.get("state") or "")[:MAX_PARAMETER]
    if not isinstance(pending, dict) or not hmac.compare_digest(pending.get("state", ""), state):
        raise SignOnFailed(
            "state not recognised",
            "This sign-in link was already used, or was not started in this browser.",
            "Start again from the sign-in page.",
        )
    if time.time() - pending.get("at", 0) > PENDING_LIFETIME:
        raise SignOnFailed(
            "took too long", "Signing in took too long.", "Start again from the sign-in page."
        )
    return pending


def _refused_by_provider(args):
    error = args.get("error", "")[:60]
    if error == "access_denied":
        return SignOnFailed(
            "provider refused: access_denied",
            f"{provider_name()} did not let you sign in to this site, or you cancelled.",
        )
    return SignOnFailed(f"provider refused: {error}", f"{provider_name()} could not sign you in.")


def verify_id_token(token, nonce, metadata, keys):
    """The ID token's claims once its signature, issuer, audience, expiry and nonce are right."""
    raw = token.get("id_token")
    if not isinstance(raw, str) or not raw:
        raise SignOnFailed("no ID token", f"{provider_name()} did not say who you are.")
    allowed = [
        a
        for a in metadata.get("id_token_signing_alg_values_supported", ["RS256"])
        if a in ALGORITHMS
    ]
    registry = JWSRegistry(algorithms=allowed)
    try:
        try:
            decoded = jwt.decode(raw, keys, registry=registry)
        except InvalidKeyIdError:  # the provider may have rolled its keys
            _, keys = provider_metadata(refresh_keys=True)
            decoded = jwt.decode(raw, keys, registry=registry)
    except BadSignatureError as error:
        raise SignOnFailed("ID token signature not valid", _NOT_GENUINE) from error
    except JoseError as error:
        raise SignOnFailed(f"ID token not readable: {error.error}", _NOT_GENUINE) from error
    client_id = current_app.config["COURSE_OIDC_CLIENT_ID"]
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": client_id},
        },
        {"nonce": nonce, "client_id": client_id, "access_token": token.get("access_token")},
    )
    try:
        claims.validate(now=int(time.time()), leeway=LEEWAY)
    except ExpiredTokenError as error:
        raise SignOnFailed("ID token expired", _NOT_GENUINE) from error
    except ClaimError as error:
        raise SignOnFailed(f"ID token {error.claim} not valid", _NOT_GENUINE) from error
    except JoseError as error:
        raise SignOnFailed(f"ID token not valid: {error.error}", _NOT_GENUINE) from error
    return dict(claims)


_NOT_GENUINE = "The answer from the sign-in service could not be trusted, so you are not signed in."


def _with_userinfo(claims, token, metadata):
    """The claims, with the provider's userinfo added when the ID token lacks the match claim."""
    claim = current_app.config["COURSE_OIDC_MATCH_CLAIM"]
    if claim in claims or not metadata.get("userinfo_endpoint"):
        return claims
    try:
        client = _client()
        client.token = token
        response = client.get(metadata["userinfo_endpoint"], timeout=TIMEOUT)
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError, OAuthError) as error:
        raise SignOnFailed(
            "userinfo unreachable", f"{provider_name()} did not say who you are."
        ) from error
    if not isinstance(info, dict) or info.get("sub") != claims["sub"]:
        raise SignOnFailed("userinfo for another subject", _NOT_GENUINE)
    return {**info, **claims}


def complete(args):
    """The verified claims of the person signed in, and where they were going; or SignOnFailed."""
    pending = _take_pending(args)
    if args.get("error"):
        raise _refused_by_provider(args)
    metadata, keys = provider_metadata()
    if "iss" in args and args["iss"].rstrip("/") != metadata["issuer"].rstrip("/"):
        raise SignOnFailed("callback from another issuer", _NOT_GENUINE)
    code = args.get("code") or ""
    if not code or len(code) > MAX_PARAMETER:
        raise SignOnFailed("no code", f"{provider_name()} did not finish signing you in.")
    try:
        token = _client().fetch_token(
            metadata["token_endpoint"], code=code, code_verifier=pending["verifier"]
        )
    except OAuthError as error:
        raise SignOnFailed(
            f"code refused: {error.error}", f"{provider_name()} did not finish signing you in."
        ) from error
    except requests.RequestException as error:
        raise SignOnFailed(
            "provider unreachable",
            f"The site could not reach {provider_name()}'s sign-in service.",
            TRY_LATER,
            status=503,
        ) from error
    claims = verify_id_token(token, pending["nonce"], metadata, keys)
    return _with_userinfo(claims, token, metadata), pending.get("next")
