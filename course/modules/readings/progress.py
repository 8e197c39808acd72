"""Who has read what: a session's matrix and the cohort's summary, in a fixed number of queries."""

from dataclasses import dataclass

from sqlalchemy import func, select

from course.extensions import db
from course.modules.programme.services import cohort_sessions
from course.modules.readings.models import ReadingProgress
from course.modules.readings.services import (
    attendee_ids_query,
    attendees_query,
    readers_by_reading,
    required_readings_for_sessions,
)
from course.timeutil import utcnow


def percent(part, whole):
    """A whole-number percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


@dataclass
class MatrixRow:
    """One person against the session's required readings."""

    person: object
    read: list[bool]

    @property
    def done(self):
        """How many of the readings the person has read."""
        return sum(self.read)


@dataclass
class Matrix:
    """People by a session's required readings."""

    readings: list
    rows: list[MatrixRow]
    counts: list[int]

    @property
    def percents(self):
        """Per reading, the share of people who have read it."""
        return [percent(count, len(self.rows)) for count in self.counts]

    @property
    def everyone_done(self):
        """How many people have read every required reading."""
        return sum(1 for row in self.rows if row.done == len(self.readings))


def session_matrix(course_session):
    """The cohort's attendees against one session's required readings (three queries)."""
    readings = required_readings_for_sessions([course_session.id])[course_session.id]
    people = db.session.scalars(attendees_query(course_session.cohort_id)).all()
    read = set(
        db.session.execute(
            select(ReadingProgress.user_id, ReadingProgress.reading_id).where(
                ReadingProgress.reading_id.in_([r.id for r in readings]),
                ReadingProgress.user_id.in_(attendee_ids_query(course_session.cohort_id)),
            )
        ).all()
    )
    rows = [MatrixRow(person, [(person.id, r.id) in read for r in readings]) for person in people]
    counts = [sum(row.read[i] for row in rows) for i in range(len(readings))]
    return Matrix(readings=readings, rows=rows, counts=counts)


@dataclass
class SessionSummary:
    """One session's required readings and the share of the cohort who read each."""

    course_session: object
    readings: list  # [(Reading, readers, percent)]
    percent: int | None


@dataclass
class CohortSummary:
    """Reading across the cohort's sessions."""

    attendees: int
    sessions: list[SessionSummary]
    held_percent: int | None  # over the sessions held so far
    people: list | None = None  # [(User, read, of)] for trainers only


def cohort_summary(cohort_id, attendees, with_people=False, now=None):
    """Percentages per session and reading; with_people adds each person's total (trainers)."""
    now = now or utcnow()
    sessions = cohort_sessions(cohort_id)
    required = required_readings_for_sessions([s.id for s in sessions])
    all_ids = {r.id for readings in required.values() for r in readings}
    readers = readers_by_reading(cohort_id, all_ids)
    summaries, held_read, held_total = [], 0, 0
    for course_session in sessions:
        readings = required[course_session.id]
        read = sum(readers.get(r.id, 0) for r in readings)
        total = attendees * len(readings)
        summaries.append(
            SessionSummary(
                course_session,
                [
                    (r, readers.get(r.id, 0), percent(readers.get(r.id, 0), attendees))
                    for r in readings
                ],
                percent(read, total),
            )
        )
        if course_session.has_started(now):
            held_read, held_total = held_read + read, held_total + total
    summary = CohortSummary(attendees, summaries, percent(held_read, held_total))
    if with_people:
        held_ids = {r.id for s in sessions if s.has_started(now) for r in required[s.id]}
        summary.people = person_totals(cohort_id, held_ids)
    return summary


def person_totals(cohort_id, reading_ids):
    """[(User, read, of)] for each attendee over the given readings, fewest read first."""
    people = db.session.scalars(attendees_query(cohort_id)).all()
    counts = dict(
        db.session.execute(
            select(ReadingProgress.user_id, func.count(ReadingProgress.reading_id))
            .where(
                ReadingProgress.reading_id.in_(list(reading_ids)),
                ReadingProgress.user_id.in_(attendee_ids_query(cohort_id)),
            )
            .group_by(ReadingProgress.user_id)
        ).all()
    )
    totals = [(person, counts.get(person.id, 0), len(reading_ids)) for person in people]
    return sorted(totals, key=lambda t: (t[1], t[0].name))
