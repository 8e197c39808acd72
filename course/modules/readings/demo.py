"""Demo data for the readings module: the standard lists and uneven reading for past sessions."""

from datetime import timedelta

from sqlalchemy import select

from course.extensions import db
from course.modules.readings.models import ReadingProgress
from course.modules.readings.services import (
    attach_to_cohort,
    readings_for_sessions,
    sync_readings,
)
from course.timeutil import utcnow

# How likely each kind of reader is to read a required reading; optional ones much less.
READER_HABITS = (0.97, 0.9, 0.8, 0.65, 0.45, 0.2)
OPTIONAL_FACTOR = 0.3


def seed(demo):
    """Sync the guide files, list them on the demo sessions and record who has read what."""
    sync_readings()  # a no-op when `flask --app course init` has synced already
    attach_to_cohort(demo.cohort)
    sessions = sorted(demo.sessions, key=lambda s: s.number)
    links = readings_for_sessions([s.id for s in sessions])
    past = [s for s in sessions if s.starts_at.date() < demo.today]
    upcoming = next((s for s in sessions if s.starts_at.date() >= demo.today), None)
    # Someone in an earlier demo cohort too has read some papers already.
    read = set(
        db.session.execute(
            select(ReadingProgress.user_id, ReadingProgress.reading_id).where(
                ReadingProgress.user_id.in_([p.id for p in demo.attendees])
            )
        ).tuples()
    )
    for person in demo.attendees:
        habit = demo.rng.choice(READER_HABITS)
        for number, course_session in enumerate(past, start=1):
            # Reading tails off a little as the year gets busier.
            likelihood = habit - 0.03 * number
            for link in links[course_session.id]:
                chance = likelihood if link.required else likelihood * OPTIONAL_FACTOR
                if (person.id, link.reading_id) not in read and demo.rng.random() < chance:
                    read.add((person.id, link.reading_id))
                    days_before = demo.rng.randint(0, 20)
                    _record(person, link.reading_id, course_session.starts_at, days_before)
        if upcoming is not None and habit >= 0.9:  # the keenest have started on the next one
            for link in links[upcoming.id]:
                if link.required and demo.rng.random() < 0.4:
                    read.add((person.id, link.reading_id))
                    _record(person, link.reading_id, upcoming.starts_at, 25)
    db.session.flush()


def _record(person, reading_id, session_start, days_before):
    """Add that the person read the reading some days before the session."""
    db.session.add(
        ReadingProgress(
            user_id=person.id,
            reading_id=reading_id,
            read_at=min(session_start - timedelta(days=days_before, hours=7), utcnow()),
        )
    )
