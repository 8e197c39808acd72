"""Leavers: a deactivated person may download their data for a while after leaving.

Not a sign-in: the email and password, checked with the sign-in's throttling, give the
person's data pack and nothing else, for COURSE_LEAVER_EXPORT_DAYS after deactivation.
"""

from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select

from course import audit
from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.authentication import (
    password_attempt_succeeded,
    reserve_password_attempt,
)
from course.modules.accounts.models import LoginAttempt, User
from course.modules.accounts.passwords import hash_password, verify_password
from course.modules.accounts.services import SignInRefused, normalise_email
from course.modules.privacy.erasure import ERASED_DOMAIN
from course.timeutil import utcnow

REFUSED = (
    "These details do not open a closed account that can still download its data. "
    "Check them, or ask the programme's administrator."
)


def deactivated_at(user):
    """When the account was last deactivated (from the audit log), or None."""
    return db.session.scalar(
        select(AuditEvent.at)
        .where(
            AuditEvent.action == "user_deactivated",
            AuditEvent.object_type == "User",
            AuditEvent.object_id == user.id,
        )
        .order_by(AuditEvent.at.desc())
        .limit(1)
    )


def leaver_for(email, password, now=None):
    """The deactivated person these details belong to, within the period; SignInRefused if not."""
    now = now or utcnow()
    email = normalise_email(email)
    ip = request.remote_addr
    reserved = reserve_password_attempt(email)  # the sign-in's counters; raises when paused
    days = current_app.config["COURSE_LEAVER_EXPORT_DAYS"]
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:  # take as long as for a real account
        verify_password(_dummy_hash(), password)
    ok = (
        user is not None
        and not user.active
        and not user.email.endswith(f"@{ERASED_DOMAIN}")
        and verify_password(user.password_hash, password)
    )
    if ok:
        left = deactivated_at(user)
        ok = left is not None and left + timedelta(days=days) > now
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=ok))
    if not ok:
        audit.record("leaver_export_refused", object_type="User", email=email)
        db.session.commit()
        raise SignInRefused(REFUSED)
    password_attempt_succeeded(reserved)
    return user


_DUMMY = []


def _dummy_hash():
    """A hash to check against when there is no account."""
    if not _DUMMY:
        _DUMMY.append(hash_password("not a real password for timing only"))
    return _DUMMY[0]
