"""Reminders to the people who have not answered: on the evaluator's button, and automatically
a few days before closing (queued by `flask queue-reminders` and `send-notifications`).

A reminder says which questionnaire is waiting and when it closes; it never says who else has
or has not answered. Nobody but the recipient sees that they were reminded.
"""

from datetime import timedelta

from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import User
from course.modules.evaluation.models import Participation, Questionnaire, Status
from course.modules.evaluation.services import invited_query
from course.modules.notifications.services import insert_ignoring_duplicates
from course.timeutil import format_datetime, utcnow

KIND = "questionnaire_reminder"


def non_respondents(questionnaire):
    """The ids of the people asked who have not answered (for reminders only)."""
    return list(
        db.session.scalars(
            invited_query(questionnaire).where(
                User.id.not_in(
                    select(Participation.user_id).where(
                        Participation.questionnaire_id == questionnaire.id,
                        Participation.user_id.is_not(None),
                    )
                )
            )
        )
    )


def _queue(questionnaire, key_suffix):
    """Queue one reminder per non-respondent, at most once per key; how many were added."""
    subject = f"Waiting for your answers: {questionnaire.title}"
    body = (
        f"The questionnaire \u201c{questionnaire.title}\u201d closes on "
        f"{format_datetime(questionnaire.closes_at)}. Your answers cannot be traced to you. "
        "If you have already answered, thank you: you can ignore this message."
    )
    rows = [
        dict(
            user_id=user_id,
            kind=KIND,
            subject=subject,
            body=body,
            link=f"/evaluation/{questionnaire.id}/answer",
            dedupe_key=f"{KIND}:{questionnaire.id}:{user_id}:{key_suffix}",
        )
        for user_id in non_respondents(questionnaire)
    ]
    return len(insert_ignoring_duplicates(rows))


def remind_now(questionnaire, now=None):
    """The evaluator's button: remind those who have not answered (once a day at most)."""
    now = now or utcnow()
    if not questionnaire.is_answerable(now):
        return 0
    return _queue(questionnaire, now.date().isoformat())


def queue_due_reminders(now=None):
    """The automatic reminders: for each open questionnaire within its reminder window."""
    now = now or utcnow()
    candidates = db.session.scalars(
        select(Questionnaire).where(
            Questionnaire.status == Status.OPEN.value,
            Questionnaire.remind_days_before.is_not(None),
            Questionnaire.opens_at <= now,
            Questionnaire.closes_at > now,
        )
    )
    added = 0
    for questionnaire in candidates:
        if questionnaire.closes_at - timedelta(days=questionnaire.remind_days_before) <= now:
            added += _queue(questionnaire, "auto")
    db.session.commit()
    return added
