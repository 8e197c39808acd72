"""Telling the cohort's trainers about apologies, flags and catch-up reflections."""

from flask import url_for

from course.modules.accounts.services import cohort_trainers
from course.modules.attendance.records import marks_by_key
from course.modules.attendance.services import SessionFacts, has_consecutive_absences
from course.modules.notifications.services import notify
from course.modules.programme.services import cohort_sessions


def notify_trainers(cohort_id, kind, subject, body="", link=None):
    """Queue one message for each of the cohort's trainers; the caller commits."""
    for trainer in cohort_trainers(cohort_id):
        notify(trainer, kind, subject, body=body, link=link)


def _flagged(sessions, statuses):
    """Whether these statuses ({session_id: status}) make two absences in a row."""
    return has_consecutive_absences(
        [
            SessionFacts(
                s.number, held=s.is_past(), status=statuses.get(s.id), cancelled=s.cancelled
            )
            for s in sessions
        ]
    )


def notify_new_flags(cohort_id, changes):
    """Tell the trainers about each person whose change made two absences in a row.

    `changes` is a list of (user, session_id, status before); the marks in the database (this
    transaction included) are the state after.
    """
    if not changes:
        return []
    sessions = cohort_sessions(cohort_id)
    marks = marks_by_key([s.id for s in sessions], [user.id for user, _, _ in changes], fresh=True)
    flagged = []
    for user, session_id, before_status in changes:
        after = {s.id: m.status for s in sessions if (m := marks.get((s.id, user.id)))}
        before = {**after, session_id: before_status}
        if _flagged(sessions, after) and not _flagged(sessions, before):
            flagged.append(user)
            notify_trainers(
                cohort_id,
                "consecutive_absences",
                f"{user.name} has missed two sessions in a row",
                body="Their attendance and catch-up tasks are on the attendance page.",
                link=url_for("attendance.index"),
            )
    return flagged
