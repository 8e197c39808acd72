"""Signing in and out, server-side sessions, throttling and set-password links."""

import secrets
from datetime import timedelta

from flask import current_app, request, session
from flask_login import login_user
from sqlalchemy import func, select, update

from course import audit
from course.extensions import db
from course.modules.accounts.models import (
    CohortMember,
    LoginAttempt,
    Role,
    SetPasswordToken,
    User,
    UserSession,
    hash_token,
)
from course.modules.accounts.passwords import hash_password, verify_password
from course.modules.notifications.services import queue_set_password_email
from course.timeutil import utcnow

SESSION_KEY = "sid"
LAST_SEEN_WRITE_INTERVAL = timedelta(minutes=1)
# Verified against when the email is unknown, so a failed sign-in takes as long either way.
_DUMMY_HASH = None


class SignInRefused(Exception):
    """Raised when sign-in is throttled or the credentials are wrong."""

    def __init__(self, message, throttled=False):
        super().__init__(message)
        self.throttled = throttled


def normalise_email(email):
    """Emails compare case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def is_throttled(email, ip):
    """Whether recent failures for this account or address mean we refuse for now."""
    config = current_app.config
    since = utcnow() - config["COURSE_LOGIN_LOCKOUT"]
    failures = select(func.count(LoginAttempt.id)).where(
        LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
    )
    by_account = db.session.scalar(failures.where(LoginAttempt.email == email))
    if by_account >= config["COURSE_LOGIN_MAX_FAILURES_PER_ACCOUNT"]:
        return True
    by_address = db.session.scalar(failures.where(LoginAttempt.ip == ip))
    return by_address >= config["COURSE_LOGIN_MAX_FAILURES_PER_ADDRESS"]


def authenticate(email, password):
    """The active user with these credentials; raises SignInRefused with a message otherwise."""
    global _DUMMY_HASH
    email = normalise_email(email)
    ip = request.remote_addr
    if is_throttled(email, ip):
        minutes = int(current_app.config["COURSE_LOGIN_LOCKOUT"].total_seconds() // 60)
        audit.record("sign_in_throttled", object_type="User", email=email)
        db.session.commit()
        raise SignInRefused(
            "Too many failed attempts to sign in. For your security, signing in is paused: "
            f"try again in {minutes} minutes, or ask the administrator for a set-password link.",
            throttled=True,
        )
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(16))
        verify_password(_DUMMY_HASH, password)
    ok = user is not None and user.active and verify_password(user.password_hash, password)
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=ok))
    if not ok:
        audit.record("sign_in_failed", user, object_type="User", email=email)
        db.session.commit()
        raise SignInRefused("The email address or password is not right. Check them and try again.")
    return user


def start_session(user):
    """Record a new server-side session and put its token in the cookie."""
    token = UserSession.new_token()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=hash_token(token),
            ip=request.remote_addr,
            user_agent=(request.user_agent.string or "")[:300],
        )
    )
    audit.record("sign_in", user, actor=user)
    db.session.commit()
    session.clear()  # a fresh cookie (and CSRF token) for each sign-in
    session.permanent = True
    session[SESSION_KEY] = token
    login_user(user)
    return token


def load_session_user(user_id):
    """The user whose live server-side session the cookie names, or None."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    record = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None)
        )
    )
    if record is None or str(record.user_id) != str(user_id) or not record.user.active:
        return None
    now = utcnow()
    config = current_app.config
    idle = now - record.last_seen_at > config["COURSE_IDLE_TIMEOUT"]
    too_old = now - record.created_at > config["COURSE_ABSOLUTE_TIMEOUT"]
    if idle or too_old:
        record.ended_at = now
        db.session.commit()
        return None
    if now - record.last_seen_at > LAST_SEEN_WRITE_INTERVAL:
        record.last_seen_at = now
        db.session.commit()
    return record.user


def end_current_session():
    """End the session the cookie names and clear the cookie."""
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
    session.clear()


def end_all_sessions(user):
    """End every session of a user: deactivation, password change."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def set_password(user, password):
    """Set a new password and end the user's other sessions."""
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    audit.record("password_changed", user)


def issue_set_password_link(user):
    """A one-time token for a set-password link, also emailed; earlier unused links stop working."""
    db.session.execute(
        update(SetPasswordToken)
        .where(SetPasswordToken.user_id == user.id, SetPasswordToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = secrets.token_urlsafe(32)
    lifetime = current_app.config["COURSE_SET_PASSWORD_LINK_LIFETIME"]
    db.session.add(
        SetPasswordToken(
            user_id=user.id, token_hash=hash_token(token), expires_at=utcnow() + lifetime
        )
    )
    audit.record("set_password_link_issued", user)
    queue_set_password_email(user, token)
    return token


def find_set_password_token(token):
    """The live (unused, unexpired) record for a set-password token, or None."""
    record = db.session.scalar(
        select(SetPasswordToken).where(SetPasswordToken.token_hash == hash_token(token or ""))
    )
    if record is None or record.used_at is not None or record.expires_at < utcnow():
        return None
    return record


def use_set_password_token(record, password):
    """Set the password from a link and spend the link."""
    record.used_at = utcnow()
    set_password(record.user, password)
    db.session.commit()


def cohort_trainers(cohort_id):
    """The active trainers of a cohort, who receive apologies, catch-ups and shared entries."""
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(
                CohortMember.cohort_id == cohort_id,
                User.role == Role.TRAINER,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def membership_spans(cohort_id, user_ids=None):
    """{user id: (joined_on, left_on)} for the cohort's members: one query. None ends are open
    (a member from the cohort's start, or still a member)."""
    query = select(CohortMember.user_id, CohortMember.joined_on, CohortMember.left_on).where(
        CohortMember.cohort_id == cohort_id
    )
    if user_ids is not None:
        query = query.where(CohortMember.user_id.in_(list(user_ids)))
    return {user_id: (joined, left) for user_id, joined, left in db.session.execute(query)}
