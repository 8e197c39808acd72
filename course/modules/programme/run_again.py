"""Run the programme again: a new cohort like an earlier one, its sessions on new dates.

The dates follow a rhythm from the first session's date: monthly on the same weekday of the same
week of the month (e.g. the second Tuesday), or every four weeks. A date that falls on a bank
holiday in England and Wales (from the `holidays` package) moves on a week.
"""

from datetime import date, datetime, timedelta

import holidays
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort
from course.modules.evaluation.services import copy_questionnaires
from course.modules.programme.models import SESSION_COUNT, CourseSession
from course.modules.programme.services import add_months
from course.modules.readings.services import copy_reading_lists
from course.timeutil import to_local, to_utc

MONTHLY = "monthly"
FOUR_WEEKLY = "four_weekly"
RHYTHMS = {
    MONTHLY: "Monthly, on the same weekday of the same week (e.g. the second Tuesday)",
    FOUR_WEEKLY: "Every four weeks, on the same weekday",
}
ORDINALS = ("first", "second", "third", "fourth", "last")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def bank_holidays(years):
    """England and Wales bank holidays in these years."""
    return holidays.country_holidays("GB", subdiv="ENG", years=sorted(set(years)))


def week_of_month(day):
    """0 for the first such weekday of its month, ... 3 for the fourth, 4 for the last (fifth)."""
    return min((day.day - 1) // 7, 4)


def rhythm_label(first, rhythm):
    """'the second Tuesday of each month', said from the first session's date."""
    if rhythm == FOUR_WEEKLY:
        return f"every fourth {WEEKDAYS[first.weekday()]}"
    return f"the {ORDINALS[week_of_month(first)]} {WEEKDAYS[first.weekday()]} of each month"


def nth_weekday(year, month, weekday, week):
    """The week-th (0-based; 4 = last) given weekday of a month."""
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    if week == 4:  # the last one
        while (day + timedelta(days=7)).month == month:
            day += timedelta(days=7)
        return day
    return day + timedelta(days=7 * week)


def schedule(first, rhythm=MONTHLY, count=SESSION_COUNT):
    """The dates of `count` sessions from `first`, none on a bank holiday or a weekend."""
    if first.weekday() >= 5:
        raise ValueError("The first session must be on a working day")
    week, weekday = week_of_month(first), first.weekday()
    dates = []
    for n in range(count):
        if rhythm == FOUR_WEEKLY:
            day = first + timedelta(weeks=4 * n)
        else:
            month = add_months(first.replace(day=1), n)
            day = nth_weekday(month.year, month.month, weekday, week)
        dates.append(day)
    closed = bank_holidays([*(d.year for d in dates), dates[-1].year + 1])
    moved = []
    for day in dates:
        while day in closed or (moved and day <= moved[-1]):
            day += timedelta(weeks=1)  # the same weekday, a week on
        moved.append(day)
    return moved


def start_cohort_like(source, name, first, rhythm=MONTHLY):
    """A new cohort of the same organisation with the source's sessions on new dates.

    Copies each session's title, focus, location, times, presentation slots and reading list,
    and the cohort's questionnaires as drafts on the new dates; no people, journals, marks,
    answers or barriers. Returns the new cohort (flushed, not committed).
    """
    sessions = db.session.scalars(
        select(CourseSession)
        .where(CourseSession.cohort_id == source.id)
        .order_by(CourseSession.number)
    ).all()
    dates = schedule(first, rhythm, len(sessions))
    cohort = Cohort(
        name=name,
        organisation_id=source.organisation_id,
        starts_on=first.replace(day=1),
        ends_on=max(add_months(first, 11), dates[-1] + timedelta(days=1)),
    )
    db.session.add(cohort)
    db.session.flush()
    copies = {}
    for old, day in zip(sessions, dates, strict=True):
        starts, ends = to_local(old.starts_at), to_local(old.ends_at)
        new = CourseSession(
            cohort_id=cohort.id,
            number=old.number,
            title=old.title,
            focus=old.focus,
            location=old.location,
            presentation_slots=old.presentation_slots,
            starts_at=to_utc(datetime.combine(day, starts.time())),
            ends_at=to_utc(datetime.combine(day + (ends.date() - starts.date()), ends.time())),
        )
        db.session.add(new)
        copies[old.id] = new
    db.session.flush()
    copy_reading_lists({old: new.id for old, new in copies.items()})
    by_session = {old: copies[old.id] for old in sessions}
    shift = copies[sessions[0].id].starts_at - sessions[0].starts_at if sessions else timedelta()
    copy_questionnaires(source.id, cohort.id, by_session, shift)
    return cohort
