"""Checking a password at sign-in: throttled without a lock-out, the same work on every failure.

Guessing is slowed per key (accounts/throttling.py). A browser where the person signed in
before (a device cookie, accounts/devices.py) is throttled on its own key only; any other
browser is throttled by account and by address. So an attacker hammering an account, or a whole
office's shared address, pauses guessing from unknown browsers but never locks the owner out of
the browsers they use.
"""

import secrets
from functools import cache

from flask import current_app, request
from sqlalchemy import select

from course import audit
from course.extensions import db
from course.modules.accounts.devices import device_nonce
from course.modules.accounts.models import LoginAttempt, User
from course.modules.accounts.passwords import hash_password, verify_password
from course.modules.accounts.services import SignInRefused, normalise_email
from course.modules.accounts.throttling import (
    ThrottleRule,
    clear,
    give_back,
    reserve,
    throttle_key,
)

WRONG_CREDENTIALS = "The email address or password is not right. Check them and try again."


def sign_in_rules(config):
    """The throttle rules for a password: per unknown browser's account and address, per device."""
    pauses = dict(
        first_pause=config["COURSE_LOGIN_FIRST_PAUSE"],
        longest_pause=config["COURSE_LOGIN_LONGEST_PAUSE"],
        forget_after=config["COURSE_LOGIN_FORGET_AFTER"],
    )
    return {
        "account": ThrottleRule(config["COURSE_LOGIN_MAX_FAILURES_PER_ACCOUNT"], **pauses),
        "address": ThrottleRule(config["COURSE_LOGIN_MAX_FAILURES_PER_ADDRESS"], **pauses),
        "device": ThrottleRule(config["COURSE_LOGIN_MAX_FAILURES_PER_DEVICE"], **pauses),
    }


@cache
def _dummy_hash(time_cost, memory_cost):
    """A hash of nothing anyone knows, with this deployment's costs, made once per worker."""
    return hash_password(secrets.token_hex(16))


def check_password(user, password):
    """Whether the password is this active user's; always exactly one argon2 verification.

    An unknown email, a deactivated account and an account with no password yet are checked
    against a dummy hash, so every failure takes the same time and says nothing about accounts.
    """
    config = current_app.config
    dummy = _dummy_hash(config["COURSE_ARGON2_TIME_COST"], config["COURSE_ARGON2_MEMORY_COST"])
    usable = user is not None and user.active and bool(user.password_hash)
    matched = verify_password(user.password_hash if usable else dummy, password)
    return usable and matched


def _refuse(email, reservation):
    """Say that signing in is paused here, and for how long."""
    audit.record("sign_in_throttled", object_type="User", email=email)
    db.session.commit()
    minutes = reservation.wait_minutes
    raise SignInRefused(
        "Too many failed attempts to sign in. For your security, signing in from this browser "
        f"is paused: try again in {minutes} minute{'s' if minutes != 1 else ''}. On a computer "
        "or phone where you have signed in before, you can still sign in now. Forgotten your "
        "password? Ask the programme's administrator for a set-password link.",
        throttled=True,
        wait_minutes=minutes,
    )


def _reserve_attempt(email, ip, rules):
    """Count this attempt where it belongs, or refuse it; [(key, rule to give back, or None)].

    On success a device's and an account's failures are forgotten (the person knew the
    password); an address only gets this attempt back, since colleagues share it.
    """
    nonce = device_nonce(email)
    if nonce:
        device = reserve(throttle_key("device", nonce), rules["device"])
        if device.allowed:
            return [(device.key, None)]
        # A device cookie that guesses too much is treated as an unknown browser.
    address = reserve(throttle_key("address", ip), rules["address"])
    if not address.allowed:
        _refuse(email, address)
    account = reserve(throttle_key("account", email), rules["account"])
    if not account.allowed:
        give_back(address.key, rules["address"])  # this attempt never reached a password
        _refuse(email, account)
    return [(address.key, rules["address"]), (account.key, None)]


def reserve_password_attempt(email):
    """Count a password attempt for this email from this browser; SignInRefused when paused.

    For any form that checks a password (sign-in, a leaver's download): the same counters, so
    one form is no way around another's throttling. Committed at once. Returns what to pass to
    `password_attempt_succeeded` when the password turns out right.
    """
    db.session.commit()  # the count below starts its own short transaction
    reserved = _reserve_attempt(
        normalise_email(email), request.remote_addr, sign_in_rules(current_app.config)
    )
    db.session.commit()
    return reserved


def password_attempt_succeeded(reserved):
    """The password was right: the attempt no longer counts. The caller commits."""
    for key, rule in reserved:
        if rule is None:
            clear(key)
        else:
            give_back(key, rule)


def authenticate(email, password):
    """The active user with these credentials; raises SignInRefused with a message otherwise.

    The attempt is counted (and committed) before the password is checked, so parallel guesses
    cannot slip past the count. On success the caller commits.
    """
    email = normalise_email(email)
    reserved = reserve_password_attempt(email)
    user = db.session.scalar(select(User).where(User.email == email))
    ok = check_password(user, password)
    db.session.add(LoginAttempt(email=email, ip=request.remote_addr, succeeded=ok))
    if not ok:
        audit.record("sign_in_failed", user, object_type="User", email=email)
        db.session.commit()
        raise SignInRefused(WRONG_CREDENTIALS)
    password_attempt_succeeded(reserved)
    return user
