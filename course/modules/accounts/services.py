"""Signing in and out, server-side sessions, throttling and set-password links."""

import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user
from sqlalchemy import select, update

from course import audit
from course.extensions import db
from course.modules.accounts import notices
from course.modules.accounts.models import (
    CohortMember,
    Role,
    SessionEnd,
    SetPasswordToken,
    User,
    UserSession,
    hash_token,
)
from course.modules.accounts.passwords import hash_password
from course.modules.notifications.services import queue_set_password_email
from course.timeutil import utcnow

SESSION_KEY = "sid"
COPY_OWNER_KEY = "copy_owner"  # whose browser copies of journal text this sign-in may see
LAST_SEEN_WRITE_INTERVAL = timedelta(minutes=1)


class SignInRefused(Exception):
    """Raised when a password check is throttled or the credentials are wrong."""

    def __init__(self, message, throttled=False, wait_minutes=None):
        super().__init__(message)
        self.throttled = throttled
        self.wait_minutes = wait_minutes


def normalise_email(email):
    """Emails compare case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def _previous_sign_in_here():
    """The server-side record of the sign-in this browser's cookie last named, or None."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(token)))


def _browser_copy_owner(user, keep):
    """The id the journal's browser copies are kept under for this sign-in.

    A new random id for each sign-in, except that a person signing in again here after their
    sign-in expired (or who changed their password) keeps theirs, so text kept in this browser
    while they were away is still theirs to restore. Nobody else ever gets it.
    """
    owner = session.get(COPY_OWNER_KEY)
    previous = _previous_sign_in_here()
    same_person = previous is not None and previous.user_id == user.id
    g.clear_site_storage = previous is not None and not same_person
    if owner and same_person and (keep or previous.end_reason == SessionEnd.EXPIRED):
        return owner
    return secrets.token_urlsafe(18)


def start_session(user, keep_browser_copy=False):
    """Record a new server-side session and put its token in the cookie."""
    copy_owner = _browser_copy_owner(user, keep_browser_copy)
    token = UserSession.new_token()
    user.last_sign_in_at = utcnow()
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
    session[COPY_OWNER_KEY] = copy_owner
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
        record.ended_at, record.end_reason = now, SessionEnd.EXPIRED
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
            .values(ended_at=utcnow(), end_reason=SessionEnd.SIGNED_OUT)
        )
    session.clear()


def end_all_sessions(user, reason):
    """End every session of a user (deactivation, password change), saying why."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )


def set_password(user, password):
    """Set a new password and end the user's other sessions."""
    user.password_hash = hash_password(password)
    end_all_sessions(user, SessionEnd.PASSWORD_CHANGED)
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


def link_valid_until():
    """When a set-password link made now stops working."""
    return utcnow() + current_app.config["COURSE_SET_PASSWORD_LINK_LIFETIME"]


def find_set_password_token(token):
    """The live (unused, unexpired) record for a set-password token, or None."""
    record = db.session.scalar(
        select(SetPasswordToken).where(SetPasswordToken.token_hash == hash_token(token or ""))
    )
    if record is None or record.used_at is not None or record.expires_at < utcnow():
        return None
    return record


def use_set_password_token(record, password):
    """Set the password from a link and spend the link; tell the person if it replaced one."""
    record.used_at = utcnow()
    if record.user.link_only_by_email:  # not a first password: someone else may hold the link
        notices.tell_password_changed(record.user)
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


def member_on(span, day):
    """Whether a membership (joined_on, left_on) covered the day; None ends are open."""
    joined_on, left_on = span or (None, None)
    return (joined_on is None or joined_on <= day) and (left_on is None or day <= left_on)


def membership_spans(cohort_id):
    """{user id: (joined_on, left_on)} for the cohort's members: one query. None ends are open
    (a member from the cohort's start, or still a member)."""
    query = select(CohortMember.user_id, CohortMember.joined_on, CohortMember.left_on).where(
        CohortMember.cohort_id == cohort_id
    )
    return {user_id: (joined, left) for user_id, joined, left in db.session.execute(query)}
