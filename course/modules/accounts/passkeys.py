"""Passkeys and security keys (WebAuthn) as a second factor, verified with the `webauthn` library.

A person may add several, each named; each counts as a second factor like an authenticator
app. The relying party is the site's own address (COURSE_SITE_URL, or localhost in development
and tests): its host is the RP ID and its origin the only one accepted. Each ceremony's challenge
is kept in the signed session for CHALLENGE_SECONDS and works once: answering it takes it out of
the session and writes its digest to the database (PasskeyChallengeUsed), so a copy of an old
cookie replayed with an old answer is refused too. User verification is preferred, not required.
"""

import hashlib
import hmac
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, session
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from course import audit
from course.extensions import db
from course.modules.accounts.models import Passkey, PasskeyChallengeUsed
from course.modules.accounts.second_factor import CodeRefused, second_step_rule
from course.modules.accounts.throttling import clear, reserve, throttle_key
from course.site_address import site_root
from course.timeutil import utcnow

RP_NAME = "Reflective Supervision Programme"
CHALLENGE_KEY = "passkey_challenge"  # {"value": hex, "at": epoch, "purpose": ..., "user": id}
CHALLENGE_SECONDS = 300
CEREMONY_MILLISECONDS = 120_000
NAME_MAX_LENGTH = 60
MOST_PER_PERSON = 20
RESPONSE_MAX_BYTES = 16_000  # a browser's answer is a few hundred bytes to a few kilobytes
ADD = "add"
SIGN_IN = "sign_in"

START_AGAIN = "That took too long, or was already used. Try again."
NOT_ACCEPTED = (
    "That passkey or security key was not accepted. Try again, or use another way to sign in."
)


class PasskeyRefused(CodeRefused):
    """A passkey step failed; the message says why, in words for the person, and the reason
    for the audit log."""

    def __init__(self, message, reason=None, **kwargs):
        super().__init__(message, **kwargs)
        self.reason = reason


def relying_party():
    """(RP ID, origin): the site's host, and its scheme, host and port."""
    origin = site_root()
    return urlsplit(origin).hostname, origin


def _user_handle(user):
    """The id the authenticator keeps for this person: keyed, so it names nobody."""
    secret = current_app.secret_key
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, b"passkey-user\0" + str(user.id).encode(), hashlib.sha256).digest()


def passkeys_of(user_or_id):
    """The person's passkeys, oldest first."""
    user_id = getattr(user_or_id, "id", user_or_id)
    return db.session.scalars(
        select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.created_at, Passkey.id)
    ).all()


def has_passkey(user_or_id):
    """Whether the person has at least one passkey."""
    user_id = getattr(user_or_id, "id", user_or_id)
    return bool(db.session.scalar(select(func.count(Passkey.id)).where(Passkey.user_id == user_id)))


def _descriptors(passkeys):
    """The credentials as the browser is told about them (id and how to reach them)."""
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=p.credential_id,
            transports=[AuthenticatorTransport(t) for t in p.transports.split(",") if t in known],
        )
        for p in passkeys
    ]


def _remember_challenge(purpose, user, challenge, **extra):
    session[CHALLENGE_KEY] = {
        "value": challenge.hex(),
        "at": int(time.time()),
        "purpose": purpose,
        "user": user.id,
        **extra,
    }


def registration_options(user, name):
    """The options for adding a passkey named `name`, as JSON; the challenge goes in the session."""
    rp_id, _ = relying_party()
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_name=user.email,
        user_id=_user_handle(user),
        user_display_name=user.name,
        timeout=CEREMONY_MILLISECONDS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(passkeys_of(user)),
    )
    _remember_challenge(ADD, user, options.challenge, name=name)
    return options_to_json(options)


def sign_in_options(user):
    """The options for signing in with one of the person's passkeys, as JSON."""
    rp_id, _ = relying_party()
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=CEREMONY_MILLISECONDS,
        allow_credentials=_descriptors(passkeys_of(user)),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember_challenge(SIGN_IN, user, options.challenge)
    return options_to_json(options)


def _insert_used():
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(PasskeyChallengeUsed)


def take_challenge(purpose, user):
    """The session's challenge for this step, now used up: (bytes, what it kept), or refused.

    It leaves the session whatever happens next, and its digest is written down, so it answers
    once only. Digests older than a challenge's life are forgotten (their cookies have lapsed).
    """
    kept = session.pop(CHALLENGE_KEY, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose or kept.get("user") != user.id:
        raise PasskeyRefused(START_AGAIN, reason="no challenge")
    if time.time() - kept.get("at", 0) > CHALLENGE_SECONDS:
        raise PasskeyRefused(START_AGAIN, reason="challenge lapsed")
    try:
        challenge = bytes.fromhex(kept.get("value", ""))
    except ValueError:
        raise PasskeyRefused(START_AGAIN, reason="no challenge") from None
    digest = hashlib.sha256(challenge).hexdigest()
    db.session.execute(
        delete(PasskeyChallengeUsed).where(
            PasskeyChallengeUsed.used_at < utcnow() - timedelta(seconds=2 * CHALLENGE_SECONDS)
        )
    )
    inserted = db.session.execute(
        _insert_used()
        .values(digest=digest, used_at=utcnow())
        .on_conflict_do_nothing()
        .returning(PasskeyChallengeUsed.digest)
    ).first()
    if inserted is None:
        raise PasskeyRefused(START_AGAIN, reason="challenge already used")
    return challenge, kept


def _refuse(user, purpose, reason, message=NOT_ACCEPTED):
    """Audit a failed step and commit, then raise the refusal."""
    audit.record("passkey_failed", user, actor=user, step=purpose, reason=reason)
    db.session.commit()
    raise PasskeyRefused(message, reason=reason)


def _too_long(text):
    return not isinstance(text, str) or len(text) > RESPONSE_MAX_BYTES


def add_passkey(user, response_json):
    """Verify the browser's answer to the registration options and store the passkey."""
    try:
        challenge, kept = take_challenge(ADD, user)
    except PasskeyRefused as refused:
        _refuse(user, ADD, refused.reason, str(refused))
    if _too_long(response_json):
        _refuse(user, ADD, "answer too long")
    if len(passkeys_of(user)) >= MOST_PER_PERSON:
        _refuse(user, ADD, "too many", f"You can have at most {MOST_PER_PERSON} passkeys.")
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(
            credential=response_json,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
        transports = parse_registration_credential_json(response_json).response.transports or []
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        _refuse(user, ADD, _reason(error))
    passkey = Passkey(
        user_id=user.id,
        name=str(kept.get("name") or "Passkey")[:NAME_MAX_LENGTH],
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(t.value for t in transports)[:200],
    )
    db.session.add(passkey)
    try:
        db.session.flush()
    except IntegrityError:  # the key is already added (credential ids are unique)
        db.session.rollback()
        _refuse(user, ADD, "already added", "That passkey or security key is already added.")
    audit.record("passkey_added", user, actor=user, passkey=passkey.id, name=passkey.name)
    db.session.commit()
    return passkey


def _reason(error):
    """A short reason for the audit log, from the library's message (no user input in it)."""
    if isinstance(error, WebAuthnException):
        return f"{type(error).__name__}: {str(error)[:160]}"
    return "answer not readable"


def check_passkey(user, response_json):
    """Check a passkey at sign-in, throttled like a code; the passkey used, or PasskeyRefused."""
    rule = second_step_rule(current_app.config)
    key = throttle_key("second_factor", user.id)
    db.session.commit()
    reservation = reserve(key, rule)
    db.session.commit()
    if not reservation.allowed:
        session.pop(CHALLENGE_KEY, None)
        audit.record("second_factor_throttled", user, actor=user)
        db.session.commit()
        minutes = reservation.wait_minutes
        raise PasskeyRefused(
            "Too many tries that were not right. For your security, try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''}.",
            throttled=True,
            wait_minutes=minutes,
        )
    try:
        challenge, _ = take_challenge(SIGN_IN, user)
    except PasskeyRefused as refused:
        _refuse(user, SIGN_IN, refused.reason, str(refused))
    if _too_long(response_json):
        _refuse(user, SIGN_IN, "answer too long")
    try:
        credential = parse_authentication_credential_json(response_json)
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        _refuse(user, SIGN_IN, _reason(error))
    passkey = db.session.scalar(
        select(Passkey).where(
            Passkey.user_id == user.id, Passkey.credential_id == credential.raw_id
        )
    )
    if passkey is None:
        _refuse(user, SIGN_IN, "not this person's passkey")
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        _refuse(user, SIGN_IN, _reason(error))
    moved = db.session.execute(  # the counter moves on once, from the value just checked
        update(Passkey)
        .where(Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        _refuse(user, SIGN_IN, "sign count already used")
    clear(key)
    audit.record("passkey_used", user, actor=user, passkey=passkey.id)
    return passkey


def remove(user, passkey_id):
    """Remove one of the person's own passkeys: its name, or None if it is not theirs."""
    passkey = db.session.scalar(
        select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id)
    )
    if passkey is None:
        return None
    name = passkey.name
    db.session.delete(passkey)
    audit.record("passkey_removed", user, passkey=passkey_id, name=name)
    return name


def remove_all(user):
    """Remove every passkey of the person (a reset). The caller audits and commits."""
    db.session.execute(delete(Passkey).where(Passkey.user_id == user.id))
