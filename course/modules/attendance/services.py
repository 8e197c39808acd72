"""The attendance rules, as pure functions over plain values (no database, no request).

A person's year is a list of SessionFacts, one per session in number order. From it come the
attendance rates, the catch-ups still to do, the two-consecutive-absences flag, completion and
the forecast of whether the person can still complete.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from course.modules.attendance.models import ATTENDED, MISSED

ATTENDED_RULE = "Present, Late and Left early count as attended."
CONSECUTIVE_ABSENCES = 2


class CatchUpState(StrEnum):
    """Where a missed session's catch-up stands."""

    TO_DO = "to_do"  # nothing sent yet, still in time
    OVERDUE = "overdue"  # nothing sent and the due date has passed
    WAITING = "waiting"  # sent, waiting for a trainer's approval
    APPROVED = "approved"  # the session is caught up


NOT_SENT = (CatchUpState.TO_DO, CatchUpState.OVERDUE)


@dataclass(frozen=True)
class SessionFacts:
    """What is known about one person and one session."""

    number: int
    held: bool  # the session has ended (and was not cancelled)
    status: str | None = None  # an AttendanceStatus value; None is unmarked
    cancelled: bool = False
    catch_up_submitted: bool = False
    catch_up_approved: bool = False
    catch_up_due: date | None = None  # for a missed session that was held
    member: bool = True  # the person belonged to the cohort on the session's day

    @property
    def counts(self):
        """The session counts for this person: not cancelled, and held while they were a member."""
        return self.member and not self.cancelled

    @property
    def attended(self):
        """Present, Late and Left early count as attended."""
        return counts_as_attended(self.status)

    @property
    def missed(self):
        """A held session the person missed (Apologies or Absent): it needs a catch-up."""
        return self.held and self.counts and is_absence(self.status)

    def catch_up_state(self, today):
        """The catch-up's state for a missed session; None for any other session."""
        if not self.missed:
            return None
        if self.catch_up_approved:
            return CatchUpState.APPROVED
        if self.catch_up_submitted:
            return CatchUpState.WAITING
        if self.catch_up_due is not None and today > self.catch_up_due:
            return CatchUpState.OVERDUE
        return CatchUpState.TO_DO


def counts_as_attended(status):
    """Present, Late and Left early count as attended; Apologies, Absent and Unmarked do not."""
    return status in ATTENDED


def is_absence(status):
    """Apologies and Absent are absences; Unmarked is not (the register is not yet taken)."""
    return status in MISSED


def attendance_rate(attended, sessions):
    """attended / sessions as a fraction, or None when there are no sessions to count."""
    return attended / sessions if sessions else None


def catch_up_due(session_day, marked_day, days, extended_to=None):
    """When a catch-up is due: `days` after the session, or after a late mark; or as extended."""
    if extended_to is not None:
        return extended_to
    start = max(session_day, marked_day) if marked_day else session_day
    return start + timedelta(days=days)


def longest_absence_run(facts):
    """The most sessions missed in a row, at any time in the year.

    Cancelled sessions, and sessions outside the person's membership, are skipped; apologies
    already sent for a session to come count, so a second absence in a row is flagged as soon
    as it is known. Unmarked and attended sessions end a run.
    """
    longest = current = 0
    for fact in facts:
        if not fact.counts:
            continue
        current = current + 1 if is_absence(fact.status) else 0
        longest = max(longest, current)
    return longest


def has_consecutive_absences(facts, run=CONSECUTIVE_ABSENCES):
    """The flag: two (or more) absences in a row, and no session attended since.

    Attending a session clears it, so the flag is never shown beside someone who came last time.
    """
    flagged, current = False, 0
    for fact in facts:
        if not fact.counts:
            continue
        current = current + 1 if is_absence(fact.status) else 0
        if current >= run:
            flagged = True
        elif fact.attended:
            flagged = False
    return flagged


def is_complete(facts):
    """Complete when every session (not cancelled) is held and attended or caught up."""
    scheduled = [f for f in facts if f.counts]
    return bool(scheduled) and all(
        f.held and (f.attended or (f.missed and f.catch_up_approved)) for f in scheduled
    )


def can_still_complete(facts, today):
    """Whether completion is still possible: no missed session's catch-up is overdue.

    A session yet to come can still be attended, a missed one caught up until its catch-up is
    due, and a reflection already sent may still be approved. A held session without a mark
    is taken as the register not yet taken, not as an absence.
    """
    return is_complete(facts) or all(f.catch_up_state(today) != CatchUpState.OVERDUE for f in facts)


@dataclass(frozen=True)
class PersonRecord:
    """One person's figures for the year."""

    attended: int
    held: int
    scheduled: int
    missed: int
    caught_up: int
    to_do: tuple[int, ...]  # numbers of sessions whose catch-up is not yet sent
    waiting: tuple[int, ...]  # numbers of sessions whose catch-up waits for approval
    overdue: tuple[int, ...]
    flagged: bool
    complete: bool
    can_complete: bool

    @property
    def rate_held(self):
        """Attended over the sessions held so far."""
        return attendance_rate(self.attended, self.held)

    @property
    def rate_all(self):
        """Attended over all the programme's sessions (not cancelled)."""
        return attendance_rate(self.attended, self.scheduled)

    @property
    def outstanding(self):
        """Catch-ups not yet approved (to do, overdue or waiting)."""
        return len(self.to_do) + len(self.waiting)


def person_record(facts, today):
    """The figures for one person from their sessions' facts."""
    states = {f.number: f.catch_up_state(today) for f in facts}
    return PersonRecord(
        attended=sum(1 for f in facts if f.held and f.counts and f.attended),
        held=sum(1 for f in facts if f.held and f.counts),
        scheduled=sum(1 for f in facts if f.counts),
        missed=sum(1 for f in facts if f.missed),
        caught_up=sum(1 for s in states.values() if s == CatchUpState.APPROVED),
        to_do=tuple(n for n, s in states.items() if s in NOT_SENT),
        waiting=tuple(n for n, s in states.items() if s == CatchUpState.WAITING),
        overdue=tuple(n for n, s in states.items() if s == CatchUpState.OVERDUE),
        flagged=has_consecutive_absences(facts),
        complete=is_complete(facts),
        can_complete=can_still_complete(facts, today),
    )


@dataclass(frozen=True)
class CohortFigures:
    """Aggregates over a group of people: no row about any one person."""

    people: int
    attended: int
    person_sessions_held: int
    person_sessions_all: int
    flagged: int
    complete: int
    cannot_complete: int
    catch_ups_outstanding: int

    @property
    def rate_held(self):
        """Attendances over the person-sessions held."""
        return attendance_rate(self.attended, self.person_sessions_held)

    @property
    def rate_all(self):
        """Attendances over every person-session of the programme."""
        return attendance_rate(self.attended, self.person_sessions_all)


def cohort_figures(records):
    """Sum people's records into the cohort's figures."""
    records = list(records)
    return CohortFigures(
        people=len(records),
        attended=sum(r.attended for r in records),
        person_sessions_held=sum(r.held for r in records),
        person_sessions_all=sum(r.scheduled for r in records),
        flagged=sum(1 for r in records if r.flagged),
        complete=sum(1 for r in records if r.complete),
        cannot_complete=sum(1 for r in records if not r.can_complete),
        catch_ups_outstanding=sum(r.outstanding for r in records),
    )


def session_rate(statuses):
    """Attended over the people on one session's register, or None for an empty register."""
    statuses = list(statuses)
    return attendance_rate(sum(1 for s in statuses if counts_as_attended(s)), len(statuses))


def percent(rate):
    """'83%' for 0.8333; an em dash when there is nothing to count."""
    return "—" if rate is None else f"{int(rate * 100 + 0.5)}%"  # halves round up, as in the pages
