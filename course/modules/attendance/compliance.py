"""What each role sees on the attendance page, assembled for the templates."""

from dataclasses import dataclass

from flask import current_app

from course.modules.attendance.catch_ups import read_by, required_readings
from course.modules.attendance.records import cohort_rows, own_row
from course.modules.attendance.services import (
    CatchUpState,
    cohort_figures,
    counts_as_attended,
    session_rate,
)
from course.timeutil import to_local, utcnow


@dataclass(frozen=True)
class SessionFigure:
    """One held session's attendance over the cohort (an aggregate)."""

    course_session: object
    people: int
    attended: int
    rate: float | None


def session_figures(sessions, rows):
    """Attendance per held session, over everyone on the register."""
    figures = []
    for index, course_session in enumerate(sessions):
        if course_session.cancelled or not course_session.is_past():
            continue
        members = [row for row in rows if course_session.id not in row.outside]
        statuses = [row.marks[index].status if row.marks[index] else None for row in members]
        figures.append(
            SessionFigure(
                course_session,
                len(statuses),
                sum(1 for s in statuses if counts_as_attended(s)),
                session_rate(statuses),
            )
        )
    return figures


def trainer_view(cohort, sessions):
    """The matrix: every person by every session, with their figures."""
    rows = cohort_rows(sessions, cohort.id)
    return dict(
        rows=rows,
        overdue=[(r.user, s) for r in rows for s in sessions if s.number in r.record.overdue],
        participants=[r for r in rows if r.user.role == "participant"],
        seniors=[r for r in rows if r.user.role == "senior_manager"],
        figures=cohort_figures(r.record for r in rows),
        per_session=session_figures(sessions, rows),
    )


@dataclass(frozen=True)
class CatchUpTask:
    """A catch-up on someone's own page: the session, its readings and where it stands."""

    course_session: object
    state: CatchUpState
    due: object
    readings: list
    read_ids: set


def own_view(user, sessions, now=None, row=None):
    """A person's own record, catch-up tasks and sessions to come (from their row, if the
    caller has it already)."""
    now = now or utcnow()
    today = to_local(now).date()
    row = row or own_row(sessions, user, now)
    missed = [
        (s, fact) for s, fact in zip(sessions, row.facts, strict=True) if fact.catch_up_state(today)
    ]
    readings = required_readings([s.id for s, _ in missed])
    read_ids = read_by(user, [r for rs in readings.values() for r in rs])
    tasks = [
        CatchUpTask(s, fact.catch_up_state(today), fact.catch_up_due, readings[s.id], read_ids)
        for s, fact in missed
    ]
    upcoming = [
        (s, mark)
        for s, mark in zip(sessions, row.marks, strict=True)
        if not s.cancelled and not s.has_started(now)
    ]
    return dict(row=row, cells=row.cells(sessions, today), tasks=tasks, upcoming=upcoming)


def cohort_view(cohort, sessions, rows=None):
    """Senior managers: the cohort's figures and the people flagged or unable to complete
    (from everyone's rows, if the caller has them already)."""
    rows = cohort_rows(sessions, cohort.id) if rows is None else rows
    return dict(
        figures=cohort_figures(r.record for r in rows),
        per_session=session_figures(sessions, rows),
        at_risk=[r for r in rows if r.record.flagged or not r.record.can_complete],
    )


def evaluator_view(cohort, sessions):
    """Evaluators: rates only, and only over enough people that no one can be picked out."""
    rows = cohort_rows(sessions, cohort.id)
    minimum = current_app.config["COURSE_K_ANONYMITY"]
    enough = len(rows) >= minimum
    return dict(
        enough=enough,
        minimum=minimum,
        figures=cohort_figures(r.record for r in rows) if enough else None,
        per_session=session_figures(sessions, rows) if enough else [],
    )
