"""Self check-in with a rotating code: the code, the window, and marking oneself Present or Late.

Each session has its own secret (CheckInKey). The code is a time-based one-time code (RFC 6238,
30-second steps, 6 digits) computed from that secret and the server's clock only, so every app
server shows and accepts the same code without a shared cache, and a phone's clock plays no
part. The code of the step before is still accepted, as grace for someone typing across a
change. Every mark goes through the register's conditional write (register.save_register), so
a check-in never overwrites a trainer's mark, and is audited the same way.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from course import audit
from course.extensions import db
from course.modules.accounts.models import User
from course.modules.accounts.throttling import ThrottleRule, clear, reserve, throttle_key
from course.modules.attendance.models import (
    AttendanceStatus,
    CheckIn,
    CheckInKey,
    status_label,
)
from course.modules.attendance.records import _attending, marks_by_key
from course.modules.attendance.register import MarkValues, RegisterEntry, save_register
from course.modules.programme.models import CourseSession
from course.timeutil import format_time, utcnow

STEP_SECONDS = 30
DIGITS = 6
GRACE_STEPS = 1  # the code before the current one is still accepted
EXPIRED_LOOKBACK_STEPS = 20  # older codes (up to ten minutes) are named as expired, not wrong
CODE_MAX = 20  # what the form accepts before it stops reading
GUESS_RULE = ThrottleRule(
    limit=5,
    first_pause=timedelta(seconds=30),
    longest_pause=timedelta(minutes=5),
    forget_after=timedelta(hours=3),
)
PROTECTS = (
    "The code changes every 30 seconds and is only accepted for a minute, so a code copied "
    "earlier, or sent round in a message, soon stops working.",
    "Check-in is open only from shortly before the start until a set time after it.",
    "Each person checks in once, only for their own cohort's session, and only when signed in.",
    "Wrong guesses are counted per person and slowed down.",
    "The trainers see who checked in and when, and check-ins long after the start are flagged.",
)
DOES_NOT_PROTECT = (
    "Someone in the room can read the code to a friend on the phone, and the friend can check "
    "in from elsewhere within the minute. The trainers' look round the room is what catches "
    "that: compare the list of people here with the faces in front of you."
)


class CheckInRefused(Exception):
    """A check-in that cannot go ahead; the message says why, for the person."""


@dataclass(frozen=True)
class CheckInResult:
    """A check-in that was recorded."""

    status: str
    at: datetime
    had_apologies: bool


def _totp(secret):
    """The session's code generator: 6 digits, 30-second steps."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def _insert(table):
    """INSERT ... ON CONFLICT for the database in use."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def session_secret(course_session, create=True):
    """The session's secret; made once, safely when two servers make it at the same moment."""
    secret = db.session.scalar(
        select(CheckInKey.secret).where(CheckInKey.session_id == course_session.id)
    )
    if secret is not None or not create:
        return secret
    # The column's type encrypts the secret on the way in, as it does for the ORM.
    db.session.execute(
        _insert(CheckInKey.__table__)
        .values(session_id=course_session.id, secret=pyotp.random_base32(), created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["session_id"])
    )
    return db.session.scalar(
        select(CheckInKey.secret)
        .where(CheckInKey.session_id == course_session.id)
        .execution_options(populate_existing=True)
    )


def code_at(secret, moment):
    """The code for the 30-second step that holds `moment` (server time)."""
    return _totp(secret).at(moment)


def seconds_left(moment):
    """Seconds until the code changes."""
    return STEP_SECONDS - int(moment.timestamp()) % STEP_SECONDS


def opens_at(course_session):
    """When check-in opens: COURSE_CHECK_IN_OPENS_BEFORE the start."""
    return course_session.starts_at - current_app.config["COURSE_CHECK_IN_OPENS_BEFORE"]


def closes_at(course_session):
    """When check-in closes: COURSE_CHECK_IN_CLOSES_AFTER the start."""
    return course_session.starts_at + current_app.config["COURSE_CHECK_IN_CLOSES_AFTER"]


def late_from(course_session):
    """Check-ins from this moment on are marked Late."""
    return course_session.starts_at + current_app.config["COURSE_CHECK_IN_LATE_AFTER"]


def flag_from(course_session):
    """Check-ins from this moment on are flagged on the trainer's view."""
    return course_session.starts_at + current_app.config["COURSE_CHECK_IN_FLAG_AFTER"]


def window_is_open(course_session, now=None):
    """Check-in is open from shortly before the start to a set time after it."""
    now = now or utcnow()
    return not course_session.cancelled and opens_at(course_session) <= now < closes_at(
        course_session
    )


def clean_code(text):
    """The digits of what was typed ('123 456' and '123-456' are 123456)."""
    return re.sub(r"[\s-]", "", (text or "")[:CODE_MAX])


def _matches(secret, code, now, steps):
    """Whether `code` is the code of one of `steps` (0 is now, 1 the step before, ...)."""
    return any(code == code_at(secret, now - timedelta(seconds=STEP_SECONDS * n)) for n in steps)


def _is_attendee(course_session, user):
    """The person attends this session's cohort (a participant or senior manager in it)."""
    found = db.session.scalar(
        _attending(select(User.id), course_session.cohort_id).where(User.id == user.id).limit(1)
    )
    return found is not None


def _other_session_code(course_session, code, now):
    """Whether `code` is the current code of another session (any cohort's) held today.

    Only sessions starting within a day of now are compared, so the cost stays small however
    many sessions the site has run.
    """
    others = db.session.scalars(
        select(CheckInKey.secret)
        .join(CourseSession, CourseSession.id == CheckInKey.session_id)
        .where(
            CheckInKey.session_id != course_session.id,
            CourseSession.starts_at.between(now - timedelta(days=1), now + timedelta(days=1)),
        )
    )
    return any(_matches(secret, code, now, range(GRACE_STEPS + 1)) for secret in others)


def check_in(course_session, user, typed, now=None):
    """Mark `user` Present (or Late) at `course_session` with the code they typed.

    Raises CheckInRefused with a message for the person. The caller commits, also after a
    refusal, so that a wrong guess is counted.
    """
    now = now or utcnow()
    if course_session.cancelled:
        raise CheckInRefused("This session is cancelled, so there is nothing to check in to.")
    if now < opens_at(course_session):
        raise CheckInRefused(
            f"Check-in has not opened yet: it opens at {format_time(opens_at(course_session))}. "
            "Try again when you arrive."
        )
    if now >= closes_at(course_session):
        raise CheckInRefused(
            "Check-in for this session has closed. If you are here, tell a trainer, who can "
            "mark you on the register."
        )
    if not _is_attendee(course_session, user):
        raise CheckInRefused(
            "You are not on this session's register, so you cannot check in to it. "
            "If you think you should be, tell a trainer."
        )
    mark = marks_by_key([course_session.id], [user.id], fresh=True).get(
        (course_session.id, user.id)
    )
    if mark is not None and mark.status != AttendanceStatus.APOLOGIES:
        raise CheckInRefused(
            f"You are already marked {status_label(mark.status)} for this session, so there is "
            "nothing more to do. If that is wrong, tell a trainer."
        )
    code = clean_code(typed)
    if not code:
        raise CheckInRefused("Enter the code shown on the screen.")
    if not code.isdigit() or len(code) != DIGITS:
        raise CheckInRefused(f"Enter the code shown on the screen: {DIGITS} digits.")
    key = throttle_key("check-in", user.id)
    allowed = reserve(key, GUESS_RULE, now=now)
    if not allowed.allowed:
        seconds = max(1, math.ceil(allowed.wait.total_seconds()))
        raise CheckInRefused(
            f"Too many wrong codes. Wait {seconds} seconds and try the code on the screen "
            "again, or ask a trainer to mark you."
        )
    secret = session_secret(course_session, create=False)
    if secret is None or not _matches(secret, code, now, range(GRACE_STEPS + 1)):
        if secret is not None and _matches(
            secret, code, now, range(GRACE_STEPS + 1, EXPIRED_LOOKBACK_STEPS + 1)
        ):
            raise CheckInRefused(
                "That code has expired: the code changes every 30 seconds. "
                "Type the code on the screen now."
            )
        if _other_session_code(course_session, code, now):
            raise CheckInRefused(
                "That code is for a different session, not this one. Check that you opened "
                "check-in for the right session."
            )
        raise CheckInRefused("That code is not right. Check the code on the screen and try again.")
    clear(key)
    return _record(course_session, user, mark, now)


def _record(course_session, user, mark, now):
    """Write the mark through the register's rules, and the check-in beside it."""
    status = AttendanceStatus.LATE if now >= late_from(course_session) else AttendanceStatus.PRESENT
    before = MarkValues.of(mark)
    after = MarkValues(status, None, before.note)
    result = save_register(
        course_session, [RegisterEntry(user.id, before, after)], {user.id: user}, user, now=now
    )
    if not result.changed:
        stored = marks_by_key([course_session.id], [user.id], fresh=True).get(
            (course_session.id, user.id)
        )
        raise CheckInRefused(
            f"You are already marked {status_label(stored.status if stored else None)} for "
            "this session, so there is nothing more to do. If that is wrong, tell a trainer."
        )
    had_apologies = before.status == AttendanceStatus.APOLOGIES
    db.session.execute(
        _insert(CheckIn.__table__)
        .values(
            session_id=course_session.id,
            user_id=user.id,
            checked_in_at=now,
            status=status,
            had_apologies=had_apologies,
            apology_reason=before.reason,
        )
        .on_conflict_do_nothing(index_elements=["session_id", "user_id"])
    )
    audit.record(
        "checked_in",
        object_type="CourseSession",
        object_id=course_session.id,
        person_id=user.id,
        status=status_label(status),
        had_apologies=had_apologies,
    )
    return CheckInResult(status, now, had_apologies)


def check_ins(session_id):
    """{user_id: CheckIn} for a session."""
    return {
        c.user_id: c
        for c in db.session.scalars(
            select(CheckIn)
            .where(CheckIn.session_id == session_id)
            .execution_options(populate_existing=True)
        )
    }
