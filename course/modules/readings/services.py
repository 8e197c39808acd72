"""Rules that span readings, sessions and people; other modules call the helpers here.

For other modules:
- required_readings_for_sessions(session_ids): {session id: [Reading, ...]} (catch-up tasks).
- readings_for_sessions(session_ids): {session id: [SessionReading with .reading]} (calendar).
- unread_required_readings(user_id, session_ids): {session id: [Reading]} (reminders).
- read_reading_ids(user_id, reading_ids): the ones the person has marked read.
Each makes one or two queries whatever the number of sessions.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES, CohortMember, User
from course.modules.programme.models import CourseSession
from course.modules.programme.services import cohort_sessions
from course.modules.readings.guides import read_guides
from course.modules.readings.models import Reading, ReadingProgress, SessionReading
from course.request_cache import once_per_request


@dataclass
class SyncResult:
    """What a sync did, by file name."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self):
        """Whether the sync changed anything."""
        return bool(self.added or self.updated or self.restored or self.retired)


def sync_readings(directory=None):
    """Load the guide files into the library, keyed by file name; the caller commits.

    Every file is checked before anything changes, so a bad file (GuideFileError) changes
    nothing. An unchanged file leaves its reading alone, including edits made in the site
    (retiring it there too); a removed file retires its reading, which keeps its page, lists
    and progress, and the reading comes back if the file does.
    """
    guides = read_guides(directory)
    existing = {
        r.slug: r for r in db.session.scalars(select(Reading).where(Reading.slug.is_not(None)))
    }
    result = SyncResult()
    for guide in guides:
        reading = existing.get(guide.slug)
        if reading is None:
            reading = Reading(slug=guide.slug)
            db.session.add(reading)
            _apply_guide(reading, guide)
            result.added.append(guide.slug)
        elif reading.source_hash != guide.source_hash:
            came_back = reading.source_hash is None  # its file had been removed
            _apply_guide(reading, guide)
            if came_back:
                reading.retired = False
            (result.restored if came_back else result.updated).append(guide.slug)
        else:
            result.unchanged.append(guide.slug)  # a reading retired in the site stays retired
    on_disk = {guide.slug for guide in guides}
    for slug, reading in sorted(existing.items()):
        if slug not in on_disk and reading.source_hash is not None:
            reading.retired, reading.source_hash = True, None
            result.retired.append(slug)
    db.session.flush()
    return result


def _apply_guide(reading, guide):
    """Copy a guide file's fields onto its reading."""
    reading.title, reading.authors, reading.year = guide.title, guide.authors, guide.year
    reading.publication, reading.link, reading.guide = guide.publication, guide.link, guide.body
    reading.library_details = guide.library
    reading.session_numbers = ",".join(str(n) for n in guide.sessions)
    reading.default_required = guide.required
    reading.verify_note = guide.verify
    reading.source_hash = guide.source_hash


def attach_to_cohort(cohort):
    """Put each synced reading on the cohort's sessions its guide names; returns links added.

    Readings already on a session's list keep their place and kind, so running it again
    only adds what is missing (a reading synced since, say).
    """
    sessions = {s.number: s for s in cohort_sessions(cohort.id)}
    readings = db.session.scalars(
        select(Reading).where(
            Reading.slug.is_not(None), Reading.retired.is_(False), Reading.session_numbers != ""
        )
    ).all()
    links = db.session.scalars(
        select(SessionReading).where(
            SessionReading.session_id.in_([s.id for s in sessions.values()])
        )
    ).all()
    present = {(link.session_id, link.reading_id) for link in links}
    next_position = defaultdict(int)
    for link in links:
        next_position[link.session_id] = max(next_position[link.session_id], link.position + 1)
    added = 0
    for reading in sorted(readings, key=lambda r: (not r.default_required, r.year or 0, r.slug)):
        for number in reading.session_number_list:
            course_session = sessions.get(number)
            if course_session is None or (course_session.id, reading.id) in present:
                continue
            db.session.add(
                SessionReading(
                    session_id=course_session.id,
                    reading_id=reading.id,
                    required=reading.default_required,
                    position=next_position[course_session.id],
                )
            )
            next_position[course_session.id] += 1
            added += 1
    db.session.flush()
    return added


def _session_links(session_ids, *columns):
    """SQL: the sessions' readings not retired (with `columns`), each reading loaded, required
    first, in order."""
    return (
        select(SessionReading, *columns)
        .join(Reading, Reading.id == SessionReading.reading_id)
        .where(SessionReading.session_id.in_(list(session_ids)), Reading.retired.is_(False))
        .options(joinedload(SessionReading.reading))
        .order_by(SessionReading.required.desc(), SessionReading.position, SessionReading.id)
    )


def readings_for_sessions(session_ids, required_only=False):
    """{session id: [SessionReading, ...]} with each reading loaded, required first, in order."""
    if not session_ids:
        return {}
    query = _session_links(session_ids)
    if required_only:
        query = query.where(SessionReading.required.is_(True))
    by_session = {session_id: [] for session_id in session_ids}
    for link in db.session.scalars(query):
        by_session[link.session_id].append(link)
    return by_session


def readings_with_readers(session_id, cohort_id):
    """A trainer's view of a session's readings: ([SessionReading] as `readings_for_sessions`
    gives them, {reading id: how many of the cohort's attendees have read it, for those read by
    anyone}, how many attendees the cohort has). One query."""
    rows = db.session.execute(
        _session_links(
            [session_id],
            _readers_of(SessionReading.reading_id, cohort_id),
            _attendee_total(cohort_id),
        )
    ).all()
    links = [link for link, _, _ in rows]
    counts = {link.reading_id: count for link, count, _ in rows if count}
    return links, counts, rows[0][2] if rows else 0


def required_readings_for_sessions(session_ids):
    """{session id: [Reading, ...]}: each session's required readings, in order."""
    return {
        session_id: [link.reading for link in links]
        for session_id, links in readings_for_sessions(session_ids, required_only=True).items()
    }


def unobtainable_required_readings(cohort_id):
    """[(Reading, [session numbers])]: readings required on the cohort's sessions that nobody
    can get through the site, having no link, no file and no library details (one query)."""
    rows = db.session.execute(
        select(Reading, CourseSession.number)
        .join(SessionReading, SessionReading.reading_id == Reading.id)
        .join(CourseSession, CourseSession.id == SessionReading.session_id)
        .where(
            CourseSession.cohort_id == cohort_id,
            SessionReading.required.is_(True),
            Reading.retired.is_(False),
            or_(Reading.link.is_(None), Reading.link == ""),
            Reading.file_size.is_(None),
            or_(Reading.library_details.is_(None), Reading.library_details == ""),
        )
        .order_by(CourseSession.number, SessionReading.position, SessionReading.id)
    ).all()
    found = {}
    for reading, number in rows:
        found.setdefault(reading.id, (reading, []))[1].append(number)
    return list(found.values())


def read_reading_ids(user_id, reading_ids=None):
    """The ids of the readings (of those given, or all) the person has marked read. All of
    them are loaded once a request (a few dozen at most), so a page's panels share one query."""
    if reading_ids is not None and not reading_ids:
        return set()
    every = once_per_request(
        "read_reading_ids",
        user_id,
        lambda: db.session.scalars(
            select(ReadingProgress.reading_id).where(ReadingProgress.user_id == user_id)
        ).all(),
    )
    return set(every) if reading_ids is None else set(every).intersection(reading_ids)


def unread_required_readings(user_id, session_ids):
    """{session id: [Reading, ...]}: the required readings the person has not marked read."""
    required = required_readings_for_sessions(session_ids)
    done = read_reading_ids(user_id, {r.id for readings in required.values() for r in readings})
    return {
        session_id: [r for r in readings if r.id not in done]
        for session_id, readings in required.items()
    }


def set_read(user_id, reading_id, read):
    """Mark a reading read or not read for a person; safe to repeat; the caller commits."""
    if not read:
        db.session.execute(
            delete(ReadingProgress).where(
                ReadingProgress.user_id == user_id, ReadingProgress.reading_id == reading_id
            )
        )
        return
    if reading_id in read_reading_ids(user_id, [reading_id]):
        return
    try:
        with db.session.begin_nested():  # a double click racing itself meets the unique rule
            db.session.add(ReadingProgress(user_id=user_id, reading_id=reading_id))
    except IntegrityError:
        pass


def listing_sessions(reading_id, cohort_ids):
    """[(SessionReading, CourseSession)] where the cohorts' sessions list the reading."""
    return db.session.execute(
        select(SessionReading, CourseSession)
        .join(CourseSession, CourseSession.id == SessionReading.session_id)
        .where(SessionReading.reading_id == reading_id, CourseSession.cohort_id.in_(cohort_ids))
        .order_by(CourseSession.starts_at)
    ).all()


def attendees_query(cohort_id):
    """The cohort's active participants and senior managers, by name."""
    return (
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort_id,
            User.role.in_([r.value for r in ATTENDING_ROLES]),
            User.active.is_(True),
        )
        .order_by(User.name, User.id)
    )


def attendee_ids_query(cohort_id):
    """The ids of the cohort's attendees, as a subquery."""
    return attendees_query(cohort_id).with_only_columns(User.id).order_by(None)


def readers_and_attendees(cohort_id, reading_ids):
    """({reading id: how many of the cohort's attendees have read it, for those read by
    anyone}, how many attendees the cohort has): one query."""
    if not reading_ids:
        return {}, attendee_count(cohort_id)
    rows = db.session.execute(
        select(Reading.id, _readers_of(Reading.id, cohort_id), _attendee_total(cohort_id)).where(
            Reading.id.in_(list(reading_ids))
        )
    ).all()
    counts = {reading_id: count for reading_id, count, _ in rows if count}
    return counts, rows[0][2] if rows else attendee_count(cohort_id)


def _readers_of(reading_id, cohort_id):
    """How many of the cohort's attendees have read the reading (`reading_id` a column of the
    wider query), as a scalar subquery."""
    return (
        select(func.count(ReadingProgress.user_id))
        .where(
            ReadingProgress.reading_id == reading_id,
            ReadingProgress.user_id.in_(attendee_ids_query(cohort_id)),
        )
        .scalar_subquery()
    )


def _attendee_total(cohort_id):
    """How many attendees the cohort has, as a scalar subquery."""
    return (
        select(func.count()).select_from(attendee_ids_query(cohort_id).subquery()).scalar_subquery()
    )


def attendee_count(cohort_id):
    """How many attendees the cohort has."""
    return db.session.scalar(select(_attendee_total(cohort_id)))


def may_change_reading(user, reading_id):
    """Whether the user may change a reading: a trainer, and no cohort they do not train lists it.

    A reading's citation, guide and file are shared by every cohort whose lists use it, so a
    change made for one cohort would reach the others: only trainers of all of them may make it.
    A reading on no list is the library's, for any trainer to prepare.
    """
    if user.role != "trainer":
        return False
    elsewhere = (
        select(SessionReading.id)
        .join(CourseSession, CourseSession.id == SessionReading.session_id)
        .where(
            SessionReading.reading_id == reading_id,
            CourseSession.cohort_id.not_in(
                select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)
            ),
        )
        .limit(1)
    )
    return db.session.scalar(elsewhere) is None


def copy_reading_lists(session_map):
    """Give new sessions the reading lists of old ones: {old session id: new session id}."""
    rows = db.session.scalars(
        select(SessionReading).where(SessionReading.session_id.in_(list(session_map)))
    ).all()
    db.session.add_all(
        SessionReading(
            session_id=session_map[row.session_id],
            reading_id=row.reading_id,
            required=row.required,
            position=row.position,
        )
        for row in rows
    )
    db.session.flush()
