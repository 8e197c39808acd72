"""Device cookies: a browser where a person signed in before is trusted for that person.

OWASP's "slow down online guessing attacks with device cookies": after a successful sign-in the
browser gets a signed cookie naming (by a keyed digest) the person and a random nonce. A guess
made from that browser for that person is throttled per device only, so an attacker hammering
the account from elsewhere cannot lock its owner out of the browsers they use. One cookie holds
the last few people who signed in on a shared computer; it survives signing out on purpose.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "course_device"
LIFETIME = timedelta(days=180)
MAX_PEOPLE = 5  # a shared office computer remembers the last five people


def _serializer():
    """Signs the cookie with the site's secret key."""
    return URLSafeSerializer(current_app.secret_key, salt="device-cookie")


def _who(email):
    """A keyed digest of the email: the cookie does not say who used the browser."""
    secret = current_app.secret_key
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, email.encode(), hashlib.sha256).hexdigest()[:32]


def _entries():
    """[(who, nonce), ...] from this request's cookie; empty when missing or tampered with."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return []
    try:
        entries = _serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [tuple(e) for e in entries if isinstance(e, list) and len(e) == 2]


def device_nonce(email):
    """The nonce this browser holds for the person, or None when it is not a known device."""
    who = _who(email)
    return next((nonce for owner, nonce in _entries() if owner == who), None)


def remember_device(response, email):
    """After a successful sign-in: a fresh nonce for this person in the browser's cookie."""
    who = _who(email)
    others = [list(e) for e in _entries() if e[0] != who][: MAX_PEOPLE - 1]
    value = _serializer().dumps([[who, secrets.token_urlsafe(16)], *others])
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=int(LIFETIME.total_seconds()),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
