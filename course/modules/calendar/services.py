"""Feed addresses (issued, found, revoked) and the sessions that go in a person's calendar."""

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from course import audit
from course.extensions import db
from course.modules.accounts.models import hash_token
from course.modules.calendar.agenda import agendas
from course.modules.calendar.ics import UID_DOMAIN, build_calendar
from course.modules.calendar.models import CalendarFeed
from course.modules.programme.models import CourseSession
from course.permissions import cohort_ids_for
from course.timeutil import utcnow

FETCH_WRITE_INTERVAL = timedelta(hours=1)


def live_feed(user):
    """The person's working feed record, or None."""
    return db.session.scalar(
        select(CalendarFeed).where(
            CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None)
        )
    )


def _revoke_live_feeds(user):
    """Stop every working address of the person."""
    return db.session.execute(
        update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount


def issue_feed_token(user):
    """A new secret feed token for the person (shown once); any older address stops working."""
    for attempt in range(2):  # two clicks at once: the database keeps one live address
        token = secrets.token_urlsafe(32)
        _revoke_live_feeds(user)
        feed = CalendarFeed(user_id=user.id, token_hash=hash_token(token))
        db.session.add(feed)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise
            continue
        audit.record("calendar_feed_issued", feed, actor=user)
        db.session.commit()
        return token
    raise AssertionError("unreachable")


def revoke_feed(user):
    """Stop the person's address; whether there was one."""
    feed = live_feed(user)
    if feed is None:
        return False
    _revoke_live_feeds(user)
    audit.record("calendar_feed_revoked", feed, actor=user)
    db.session.commit()
    return True


def user_for_feed_token(token):
    """The active person whose live feed this token opens, or None."""
    feed = db.session.scalar(
        select(CalendarFeed)
        .options(joinedload(CalendarFeed.user))
        .where(CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None))
    )
    if feed is None or not feed.user.active:
        return None
    user, now = feed.user, utcnow()
    if feed.last_fetched_at is None or now - feed.last_fetched_at > FETCH_WRITE_INTERVAL:
        feed.last_fetched_at = now  # at most hourly: calendars poll often
        db.session.commit()
    return user


def sessions_for_calendar(user):
    """Every session of the person's cohorts, with its cohort, in time order."""
    return list(
        db.session.scalars(
            select(CourseSession)
            .options(joinedload(CourseSession.cohort))
            .where(CourseSession.cohort_id.in_(cohort_ids_for(user)))
            .order_by(CourseSession.starts_at, CourseSession.id)
        )
    )


def _calendar(user, sessions, session_url, name, uid, subscription=True):
    """The person's calendar of these sessions, with their agenda for each."""
    by_pair = agendas([user.id], [s.id for s in sessions])
    return build_calendar(
        name,
        sessions,
        {s.id: by_pair[(user.id, s.id)] for s in sessions},
        session_url,
        uid=f"{uid}@{UID_DOMAIN}",
        subscription=subscription,
    )


def feed_calendar(user, session_url):
    """Every session of the person's cohorts as one calendar."""
    sessions = sessions_for_calendar(user)
    cohorts = dict.fromkeys(s.cohort.name for s in reversed(sessions))
    name = "Reflective supervision" + (f": {', '.join(cohorts)}" if cohorts else "")
    return _calendar(user, sessions, session_url, name, f"calendar-{user.id}")


def session_calendar(user, course_session, session_url):
    """One session as a calendar file to open once."""
    return _calendar(
        user,
        [course_session],
        session_url,
        course_session.label,
        f"calendar-{user.id}-session-{course_session.id}",
        subscription=False,
    )
