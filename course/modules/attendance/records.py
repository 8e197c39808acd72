"""Loading attendance from the database into the rules' plain facts, in a fixed few queries."""

from collections import namedtuple
from dataclasses import dataclass, field
from functools import cache

from flask import current_app
from markupsafe import Markup
from sqlalchemy import and_, case, func, or_, select

from course.extensions import db
from course.modules.accounts.models import CohortMember, Role, User
from course.modules.accounts.services import member_on, membership_spans
from course.modules.attendance.models import MISSED, AttendanceMark, AttendanceStatus, CatchUp
from course.modules.attendance.services import (
    CONSECUTIVE_ABSENCES,
    SessionFacts,
    catch_up_due,
    has_consecutive_absences,
    is_absence,
    person_record,
)
from course.permissions import my_membership_span
from course.timeutil import to_local, utcnow


def _attending(query, cohort_id):
    """Narrow a query on User to the people who attend the cohort's sessions."""
    return query.join(CohortMember, CohortMember.user_id == User.id).where(
        CohortMember.cohort_id == cohort_id,
        User.role.in_([Role.PARTICIPANT, Role.SENIOR_MANAGER]),
        # An erased person's anonymous marks still count, so the cohort's rates stay true.
        or_(User.active.is_(True), User.email.like("erased-%@erased.invalid")),
    )


Attendee = namedtuple("Attendee", "id name")

# Participants, then senior managers; by name.
_BY_NAME = (case((User.role == Role.SENIOR_MANAGER, 1), else_=0), User.name, User.id)


def attendees(cohort_id):
    """Everyone who attends the cohort's sessions: participants, then senior managers; by name."""
    return list(db.session.scalars(_attending(select(User), cohort_id).order_by(*_BY_NAME)))


def session_attendees(course_session, marks=()):
    """The attendees who were members on the session's day (joined by then, not yet left),
    and anyone already marked for it: the people its register and live view list."""
    spans = membership_spans(course_session.cohort_id)
    return [
        person
        for person in attendees(course_session.cohort_id)
        if person.id in marks or was_member(course_session, spans.get(person.id))
    ]


def attendee_count(cohort_id):
    """How many people attend the cohort's sessions."""
    return db.session.scalar(_attending(select(func.count(User.id)), cohort_id))


def marks_by_key(session_ids, user_ids=None, fresh=False):
    """{(session_id, user_id): AttendanceMark} for the sessions (and people, if given).

    `fresh` reloads marks already in the session, for reading after a direct UPDATE or after
    another transaction's commit.
    """
    query = select(AttendanceMark).where(AttendanceMark.session_id.in_(session_ids))
    if user_ids is not None:
        query = query.where(AttendanceMark.user_id.in_(user_ids))
    if fresh:
        query = query.execution_options(populate_existing=True)
    return {(m.session_id, m.user_id): m for m in db.session.scalars(query)}


def catch_ups_by_key(session_ids, user_ids=None):
    """{(session_id, user_id): CatchUp} for the sessions (and people, if given)."""
    query = select(CatchUp).where(CatchUp.session_id.in_(session_ids))
    if user_ids is not None:
        query = query.where(CatchUp.user_id.in_(user_ids))
    return {(c.session_id, c.user_id): c for c in db.session.scalars(query)}


def was_member(course_session, span):
    """Whether the session fell within a membership (joined_on, left_on); None ends are open."""
    return member_on(span, to_local(course_session.starts_at).date())


def session_facts(course_session, mark, catch_up, now, days, member=True):
    """The rules' view of one person and one session."""
    held = course_session.is_past(now) and not course_session.cancelled
    ended_on = _end_day(course_session, held)
    return _facts(course_session, held, ended_on, mark, catch_up, days, member)


def _end_day(course_session, held):
    """The local day a held session ended (what a catch-up's due date counts from)."""
    return to_local(course_session.ends_at).date() if held else None


def _facts(course_session, held, ended_on, mark, catch_up, days, member):
    """session_facts, with what depends on the session alone worked out by the caller."""
    status = mark.status if mark else None
    due = None
    if held and is_absence(status):
        due = catch_up_due(
            ended_on,
            to_local(mark.marked_at).date(),
            days,
            catch_up.due_on if catch_up else None,
        )
    return SessionFacts(
        number=course_session.number,
        held=held,
        status=status,
        cancelled=course_session.cancelled,
        catch_up_submitted=bool(catch_up and catch_up.submitted_at),
        catch_up_approved=bool(catch_up and catch_up.approved_at),
        catch_up_due=due,
        member=member,
    )


@dataclass
class PersonRow:
    """One person's line: their sessions' marks and catch-ups, the facts and the record."""

    user: User
    marks: list  # AttendanceMark or None, in session order
    catch_ups: list  # CatchUp or None, in session order
    facts: list
    record: object
    outside: set = field(default_factory=set)  # ids of sessions held while not a member

    def cells(self, sessions, today):
        """(session, mark, catch-up state) for each session."""
        return [
            (s, mark, fact.catch_up_state(today))
            for s, mark, fact in zip(sessions, self.marks, self.facts, strict=True)
        ]

    def cell_html(self, sessions, today, now):
        """The matrix's cell for each session, as HTML: what the status_cell macro renders,
        made here because a macro call per cell was half of the matrix's time."""
        return [
            OUTSIDE_CELL
            if s.id in self.outside and mark is None
            else status_cell_html(
                s.cancelled,
                mark.status if mark else None,
                state.value if state else None,
                s.ends_at <= now,
            )
            for s, mark, state in self.cells(sessions, today)
        ]


CODES = {"present": "P", "late": "L", "left_early": "E", "apologies": "A", "absent": "X"}
NAMES = {
    "present": "Present", "late": "Late", "left_early": "Left early", "apologies": "Apologies",
    "absent": "Absent",
}  # fmt: skip
CATCH_UP_SIGNS = {
    "approved": ("✓", "caught up"),
    "waiting": ("…", "catch-up waiting for approval"),
    "to_do": ("○", "catch-up to do"),
    "overdue": ("!", "catch-up overdue"),
}


OUTSIDE_CELL = Markup(
    '<span aria-hidden="true">·</span><span class="visually-hidden">Not a member then</span>'
)


@cache
def status_cell_html(cancelled, status, state, past):
    """One matrix cell (the same as attendance/_macros.html's status_cell), made once a kind."""
    if cancelled:
        return Markup(
            '<span aria-hidden="true">c</span><span class="visually-hidden">Cancelled</span>'
        )
    if status:
        sign, said = CATCH_UP_SIGNS[state] if state else ("", "")
        return Markup(
            '<span class="mark mark-{}" aria-hidden="true">{}{}</span>'
            '<span class="visually-hidden">{}{}</span>'
        ).format(status, CODES[status], sign, NAMES[status], ", " + said if state else "")
    if past:
        return Markup(
            '<span class="mark mark-unmarked" aria-hidden="true">–</span>'
            '<span class="visually-hidden">Unmarked</span>'
        )
    return Markup('<span class="visually-hidden">To come</span>')


def person_rows(sessions, users, marks, catch_ups, now=None, spans=None):
    """A PersonRow for each user, from marks, catch-ups and membership spans already loaded.

    Sessions held before a person joined the cohort, or after they left, count for nothing.
    """
    now = now or utcnow()
    today = to_local(now).date()
    days = current_app.config["COURSE_CATCH_UP_DAYS"]
    spans = spans or {}
    # What depends on the session alone, worked out once rather than once a person.
    held = [s.is_past(now) and not s.cancelled for s in sessions]
    basics = [
        (s, s.id, done, _end_day(s, done), to_local(s.starts_at).date())
        for s, done in zip(sessions, held, strict=True)
    ]
    rows = []
    for user in users:
        span = spans.get(user.id)
        user_marks, user_catch_ups, facts, outside = [], [], [], set()
        for s, session_id, done, ended_on, day in basics:
            mark, catch_up = marks.get((session_id, user.id)), catch_ups.get((session_id, user.id))
            inside = member_on(span, day)
            user_marks.append(mark)
            user_catch_ups.append(catch_up)
            facts.append(_facts(s, done, ended_on, mark, catch_up, days, inside))
            if not inside:
                outside.add(session_id)
        record = person_record(facts, today)
        rows.append(PersonRow(user, user_marks, user_catch_ups, facts, record, outside))
    return rows


def cohort_rows(sessions, cohort_id, now=None):
    """Every attendee's row for the cohort: four queries, whatever the cohort's size."""
    session_ids = [s.id for s in sessions]
    users = attendees(cohort_id)
    return person_rows(
        sessions,
        users,
        marks_by_key(session_ids),
        catch_ups_by_key(session_ids),
        now,
        membership_spans(cohort_id),
    )


def flagged_attendees(sessions, cohort_id, now=None):
    """The attendees flagged for absences in a row, as (id, name) rows in the matrix's order:
    what the trainer's home page lists. One query of plain columns: only someone with two
    absences at least can be flagged, so it loads those people alone, with their membership
    dates and their marks' statuses."""
    now = now or utcnow()
    session_ids = [s.id for s in sessions]
    if not session_ids:
        return []
    absent_twice = (
        select(AttendanceMark.user_id)
        .where(AttendanceMark.session_id.in_(session_ids), AttendanceMark.status.in_(MISSED))
        .group_by(AttendanceMark.user_id)
        .having(func.count() >= CONSECUTIVE_ABSENCES)
    )
    rows = db.session.execute(
        _attending(
            select(
                User.id,
                User.name,
                CohortMember.joined_on,
                CohortMember.left_on,
                AttendanceMark.session_id,
                AttendanceMark.status,
            ),
            cohort_id,
        )
        .join(
            AttendanceMark,
            and_(AttendanceMark.user_id == User.id, AttendanceMark.session_id.in_(session_ids)),
        )
        .where(User.id.in_(absent_twice))
        .order_by(*_BY_NAME)
    )
    people = {}  # (id, name): (span, {session id: status}), in the matrix's order
    for user_id, name, joined_on, left_on, session_id, status in rows:
        person = Attendee(user_id, name)
        people.setdefault(person, ((joined_on, left_on), {}))[1][session_id] = status
    basics = [
        (s, s.is_past(now) and not s.cancelled, to_local(s.starts_at).date()) for s in sessions
    ]
    flagged = []
    for person, (span, statuses) in people.items():
        facts = [
            SessionFacts(
                number=s.number,
                held=held,
                status=statuses.get(s.id),
                cancelled=s.cancelled,
                member=member_on(span, day),
            )
            for s, held, day in basics
        ]
        if has_consecutive_absences(facts):
            flagged.append(person)
    return flagged


def own_row(sessions, user, now=None):
    """One person's own row."""
    session_ids = [s.id for s in sessions]
    span = my_membership_span(user, sessions[0].cohort_id) if sessions else None
    spans = {user.id: span} if span else {}
    return person_rows(
        sessions,
        [user],
        marks_by_key(session_ids, [user.id]),
        catch_ups_by_key(session_ids, [user.id]),
        now,
        spans,
    )[0]


def apologies_by_session(session_ids, user_ids=None):
    """{session_id: {user ids with apologies}}, for other modules (the rota): one query."""
    if not session_ids or (user_ids is not None and not user_ids):
        return {session_id: set() for session_id in session_ids}
    query = select(AttendanceMark.session_id, AttendanceMark.user_id).where(
        AttendanceMark.session_id.in_(list(session_ids)),
        AttendanceMark.status == AttendanceStatus.APOLOGIES,
    )
    if user_ids is not None:
        query = query.where(AttendanceMark.user_id.in_(list(user_ids)))
    found = {session_id: set() for session_id in session_ids}
    for session_id, user_id in db.session.execute(query):
        found.setdefault(session_id, set()).add(user_id)
    return found


def apologies_sent(session_id, user_id):
    """Whether the person has apologies for the session, as a SQL condition, so that other
    modules can ask it of each row of their own query (`session_id` and `user_id` may be
    columns)."""
    return (
        select(AttendanceMark.id)
        .where(
            AttendanceMark.session_id == session_id,
            AttendanceMark.user_id == user_id,
            AttendanceMark.status == AttendanceStatus.APOLOGIES,
        )
        .exists()
    )


def has_apologies(session_id, user_id):
    """Whether the person has apologies (sent or marked) for the session."""
    return user_id in apologies_by_session([session_id], [user_id])[session_id]
