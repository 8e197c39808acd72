"""Who has read what: a session's matrix and the cohort's summary, in a fixed number of queries."""

from dataclasses import dataclass

from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.services import member_on, membership_spans
from course.modules.programme.services import cohort_sessions
from course.modules.readings.models import ReadingProgress
from course.modules.readings.services import (
    attendee_ids_query,
    attendees_query,
    required_readings_for_sessions,
)
from course.timeutil import to_local, utcnow


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


def _read_pairs(cohort_id, reading_ids):
    """{(user id, reading id)} for the readings the cohort's attendees have read: one query."""
    if not reading_ids:
        return set()
    return set(
        db.session.execute(
            select(ReadingProgress.user_id, ReadingProgress.reading_id).where(
                ReadingProgress.reading_id.in_(list(reading_ids)),
                ReadingProgress.user_id.in_(attendee_ids_query(cohort_id)),
            )
        ).all()
    )


def _members_at(course_session, people, spans):
    """The people who were members of the cohort on the session's day (joined, not yet left)."""
    day = to_local(course_session.starts_at).date()
    return [p for p in people if member_on(spans.get(p.id), day)]


def session_matrix(course_session):
    """The people who were members on the session's day against its required readings.

    Someone who joined the cohort after the session (or had left before it) is not counted.
    Four queries.
    """
    cohort_id = course_session.cohort_id
    readings = required_readings_for_sessions([course_session.id])[course_session.id]
    people = _members_at(
        course_session,
        db.session.scalars(attendees_query(cohort_id)).all(),
        membership_spans(cohort_id),
    )
    read = _read_pairs(cohort_id, [r.id for r in readings])
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
    """Percentages per session and reading; with_people adds each person's total (trainers).

    Each session counts the people who were members of the cohort on its day, so someone who
    joined part-way is not counted as behind on the readings of sessions before they came.
    """
    now = now or utcnow()
    sessions = cohort_sessions(cohort_id)
    required = required_readings_for_sessions([s.id for s in sessions])
    people = db.session.scalars(attendees_query(cohort_id)).all()
    spans = membership_spans(cohort_id)
    read = _read_pairs(cohort_id, {r.id for readings in required.values() for r in readings})
    summaries, held_read, held_total = [], 0, 0
    expected = {person.id: set() for person in people}  # held sessions' readings, per person
    for course_session in sessions:
        readings = required[course_session.id]
        members = _members_at(course_session, people, spans)
        readers = [sum((p.id, r.id) in read for p in members) for r in readings]
        summaries.append(
            SessionSummary(
                course_session,
                [
                    (r, count, percent(count, len(members)))
                    for r, count in zip(readings, readers, strict=True)
                ],
                percent(sum(readers), len(members) * len(readings)),
            )
        )
        if course_session.has_started(now):
            held_read += sum(readers)
            held_total += len(members) * len(readings)
            for person in members:
                expected[person.id].update(r.id for r in readings)
    summary = CohortSummary(attendees, summaries, percent(held_read, held_total))
    if with_people:
        totals = [
            (p, sum((p.id, r) in read for r in expected[p.id]), len(expected[p.id])) for p in people
        ]
        summary.people = sorted(totals, key=lambda t: (t[1], t[0].name))
    return summary
