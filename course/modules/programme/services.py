"""Building a cohort's programme and reading where a cohort is in its year."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from course.extensions import db
from course.modules.programme.models import SESSION_COUNT, CourseSession
from course.modules.programme.outline import OUTLINE
from course.request_cache import once_per_request
from course.timeutil import to_utc, utcnow

DEFAULT_START = time(9, 30)
DEFAULT_END = time(13, 0)
SESSION_WEEKDAY = 1  # Tuesday


def add_months(day, months):
    """The same day of the month, `months` later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def monthly_dates(first, count=SESSION_COUNT, weekday=SESSION_WEEKDAY):
    """One date a month from `first`, each moved on to the next given weekday."""
    dates = []
    for offset in range(count):
        day = add_months(first, offset)
        dates.append(day + timedelta(days=(weekday - day.weekday()) % 7))
    return dates


def create_programme(cohort, location="Training room, Civic Centre", first=None):
    """Create the eleven sessions of a cohort from the standard outline."""
    sessions = []
    for number, (day, (title, focus)) in enumerate(
        zip(monthly_dates(first or cohort.starts_on), OUTLINE, strict=True), start=1
    ):
        sessions.append(
            CourseSession(
                cohort_id=cohort.id,
                number=number,
                title=title,
                focus=focus,
                location=location,
                starts_at=to_utc(datetime.combine(day, DEFAULT_START)),
                ends_at=to_utc(datetime.combine(day, DEFAULT_END)),
                presentation_slots=2,
            )
        )
    db.session.add_all(sessions)
    return sessions


def cohort_sessions(cohort_id):
    """A cohort's sessions in order (one query a request: the page's panels all ask)."""
    return once_per_request(
        "cohort_sessions",
        cohort_id,
        lambda: db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == cohort_id)
            .order_by(CourseSession.number)
        ).all(),
    )


def held_session_counts(cohort_ids, now=None):
    """{cohort id: how many of its sessions have been held (ended, not cancelled)}: one query."""
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(CourseSession.cohort_id, func.count(CourseSession.id))
        .where(
            CourseSession.cohort_id.in_(cohort_ids),
            CourseSession.ends_at <= (now or utcnow()),
            CourseSession.cancelled.is_(False),
        )
        .group_by(CourseSession.cohort_id)
    )
    return dict(rows.tuples().all())


def next_session(sessions, now=None):
    """The first session that has not yet ended, or None when the programme is over."""
    now = now or utcnow()
    return next((s for s in sessions if not s.cancelled and s.ends_at > now), None)


def split_sessions(sessions, now=None):
    """(past, next, upcoming) for the programme page."""
    now = now or utcnow()
    upcoming_session = next_session(sessions, now)
    past = [s for s in sessions if s.ends_at <= now]
    later = [s for s in sessions if s.ends_at > now and s is not upcoming_session]
    return past, upcoming_session, later
