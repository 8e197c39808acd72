"""A second factor at sign-in: an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

The app's key is stored encrypted (course/crypto.py). A code is accepted at the current time
step or one step either side (a phone's clock drifts), and only for a step later than the last
one accepted, written in one conditional UPDATE, so no code works twice, even from two
browsers at once. Recovery codes are stored as keyed digests (HMAC-SHA256 under the site's
secret key: each code carries 50 random bits, so a slow hash adds nothing) and each works once.

After the password, a person with a second factor is only half signed in: the signed session
cookie holds who and since when (PENDING_KEY), nothing else is reachable, and it lapses after
COURSE_MFA_PENDING_LIFETIME. The code is throttled in the database like the password.
"""

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app, session
from sqlalchemy import delete, or_, select, update

from course import audit
from course.extensions import db
from course.modules.accounts.models import Passkey, RecoveryCode, Role, SecondFactor, User
from course.modules.accounts.throttling import ThrottleRule, clear, reserve, throttle_key
from course.timeutil import utcnow

ISSUER = "Reflective supervision course"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
PENDING_KEY = "mfa_pending"  # {"user": id, "at": epoch seconds, "next": address}
DONE_KEY = "mfa_done"  # this sign-in passed a second factor, or was checked to need none
CODE_MAX_LENGTH = 40


def required_roles():
    """The roles that must use a second factor (COURSE_MFA_REQUIRED_ROLES)."""
    roles = current_app.config["COURSE_MFA_REQUIRED_ROLES"]
    if isinstance(roles, str):
        roles = [r.strip() for r in roles.split(",")]
    return {r for r in roles if r}


def must_use(user):
    """Whether this person's role must use a second factor."""
    return user.role in required_roles()


def may_use(user):
    """Whether this person may set up a second factor (participants only when allowed)."""
    if must_use(user) or user.role != Role.PARTICIPANT:
        return True
    return bool(current_app.config["COURSE_MFA_PARTICIPANTS_MAY"])


def factor_of(user_or_id):
    """The person's authenticator record (confirmed or being set up), or None."""
    user_id = getattr(user_or_id, "id", user_or_id)
    return db.session.scalar(select(SecondFactor).where(SecondFactor.user_id == user_id))


def has_app(user_or_id):
    """Whether the person has a confirmed authenticator app."""
    factor = factor_of(user_or_id)
    return factor is not None and factor.confirmed_at is not None


def has_second_factor(user_or_id):
    """Whether the person has a second factor: a confirmed authenticator app or a passkey."""
    user_id = getattr(user_or_id, "id", user_or_id)
    passkey = db.session.scalar(select(Passkey.id).where(Passkey.user_id == user_id).limit(1))
    return passkey is not None or has_app(user_id)


def current_step(now=None):
    """The TOTP time step of this moment."""
    return int((time.time() if now is None else now) // STEP_SECONDS)


def _totp(secret):
    return pyotp.TOTP(secret, interval=STEP_SECONDS)


def provisioning_uri(user, secret):
    """The otpauth:// address an authenticator app reads from the QR code."""
    return _totp(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri):
    """The QR code of an address as inline SVG (no image file, no script)."""
    return segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", title="QR code for your authenticator app"
    )


def grouped(secret):
    """The key in groups of four, easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def start_setup(user):
    """The record being set up for this person: a fresh key unless one is already waiting."""
    factor = factor_of(user)
    if factor is not None and factor.confirmed_at is not None:
        return factor
    if factor is None:
        factor = SecondFactor(user_id=user.id, totp_secret=pyotp.random_base32())
        db.session.add(factor)
        db.session.commit()
    return factor


def _matching_step(secret, code):
    """The step within the drift window whose code this is, or None."""
    now = current_step()
    totp = _totp(secret)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def use_totp(factor, code):
    """Accept a code once: 'ok', 'reused' (its step, or a later one, was used) or 'wrong'.

    The step is recorded in the same statement that checks it was not used, so two
    browsers sending one code at once cannot both succeed. The caller commits.
    """
    step = _matching_step(factor.totp_secret, code)
    if step is None:
        return "wrong"
    done = db.session.execute(
        update(SecondFactor)
        .where(
            SecondFactor.id == factor.id,
            or_(SecondFactor.last_step.is_(None), SecondFactor.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return "reused"
    db.session.expire(factor, ["last_step"])
    return "ok"


def confirm_setup(user, factor, code):
    """Confirm a new authenticator with a code from it; the new recovery codes, or None."""
    if use_totp(factor, code) != "ok":
        audit.record("second_factor_failed", user, actor=user, reason="setup code not right")
        db.session.commit()
        return None
    factor.confirmed_at = utcnow()
    codes = new_recovery_codes(user)
    audit.record("second_factor_set_up", user, actor=user, method="authenticator app")
    session[DONE_KEY] = True
    db.session.commit()
    return codes


def _digest(code):
    """A recovery code's keyed digest."""
    secret = current_app.secret_key
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, b"recovery\0" + code.encode(), hashlib.sha256).hexdigest()


def normalise_code(text):
    """A typed code without spaces or dashes, lower case."""
    return re.sub(r"[\s-]+", "", (text or "")[:CODE_MAX_LENGTH]).lower()


def new_recovery_codes(user):
    """Ten fresh recovery codes (the old ones stop working), to show once. The caller commits."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(raw)))
    return codes


def recovery_codes_left(user):
    """How many unused recovery codes the person has."""
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def use_recovery_code(user, code):
    """Spend a recovery code: whether it was one of this person's unused codes."""
    done = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def second_step_rule(config):
    """The throttle for codes: as for a password per account."""
    return ThrottleRule(
        config["COURSE_LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        first_pause=config["COURSE_LOGIN_FIRST_PAUSE"],
        longest_pause=config["COURSE_LOGIN_LONGEST_PAUSE"],
        forget_after=config["COURSE_LOGIN_FORGET_AFTER"],
    )


class CodeRefused(Exception):
    """The second step failed; the message says why, in words for the person."""

    def __init__(self, message, throttled=False, wait_minutes=None):
        super().__init__(message)
        self.throttled = throttled
        self.wait_minutes = wait_minutes


WRONG_CODE = (
    "That code is not right. Enter the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes."
)


def check_second_step(user, typed):
    """Check a code or a recovery code at sign-in, throttled; the method used, or CodeRefused.

    Commits the count before checking, like the password.
    """
    rule = second_step_rule(current_app.config)
    key = throttle_key("second_factor", user.id)
    db.session.commit()
    reservation = reserve(key, rule)
    db.session.commit()
    if not reservation.allowed:
        audit.record("second_factor_throttled", user, actor=user)
        db.session.commit()
        minutes = reservation.wait_minutes
        raise CodeRefused(
            "Too many codes that were not right. For your security, try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''}.",
            throttled=True,
            wait_minutes=minutes,
        )
    code = normalise_code(typed)
    factor = factor_of(user)
    method, reason = None, "code not right"
    if re.fullmatch(r"\d{6}", code) and (factor is None or factor.confirmed_at is None):
        reason = "no authenticator app"
    elif re.fullmatch(r"\d{6}", code):
        result = use_totp(factor, code)
        if result == "ok":
            method = "authenticator app"
        elif result == "reused":
            reason = "code already used"
    elif re.fullmatch(r"[a-z0-9]{10}", code) and use_recovery_code(user, code):
        method = "recovery code"
    else:
        reason = "recovery code not right" if len(code) == 10 else reason
    if method is None:
        audit.record("second_factor_failed", user, actor=user, reason=reason)
        db.session.commit()
        if reason == "code already used":
            raise CodeRefused(
                "That code has already been used. Wait for your authenticator app to show a "
                "new code, then enter it."
            )
        raise CodeRefused(WRONG_CODE)
    clear(key)
    audit.record("second_factor_used", user, actor=user, method=method)
    return method


def begin_pending(user, next_address):
    """Remember, in the signed cookie, that this person has given their password.

    Whatever else the cookie held goes, except which sign-in it last named and whose browser
    copies it keeps (start_session reads those to decide about the browser's stored text).
    """
    kept = {key: session[key] for key in ("sid", "copy_owner") if key in session}
    session.clear()
    session.update(kept)
    session[PENDING_KEY] = {"user": user.id, "at": int(time.time()), "next": next_address}


def pending_user():
    """The person half signed in by this cookie, or None (none, lapsed, or deactivated)."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    lifetime = current_app.config["COURSE_MFA_PENDING_LIFETIME"].total_seconds()
    if time.time() - pending.get("at", 0) > lifetime:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active:
        return None
    return user


def reset(user):
    """Remove a person's authenticator, passkeys and recovery codes. The caller audits, commits."""
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(delete(Passkey).where(Passkey.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    clear(throttle_key("second_factor", user.id))


def remove_app(user):
    """Remove a person's authenticator app alone (they keep a passkey). The caller commits."""
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))


def give_demo_key(user):
    """A confirmed authenticator with a fresh key, for a demo account. The caller commits."""
    factor = factor_of(user) or SecondFactor(user_id=user.id)
    factor.totp_secret = pyotp.random_base32()
    factor.confirmed_at, factor.last_step = utcnow(), None
    db.session.add(factor)
    return factor
