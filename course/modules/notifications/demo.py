"""Demo data for the notifications module, added to the demo cohort by seed-demo."""

from datetime import timedelta

from course.modules.calendar.agenda import agendas
from course.modules.notifications.models import SESSION_REMINDER, EmailStatus
from course.modules.notifications.reminders import reminder_key, reminder_text
from course.modules.notifications.services import insert_ignoring_duplicates
from course.modules.programme.services import next_session
from course.timeutil import utcnow


def seed(demo):
    """A few notifications waiting: the next session's reminder, unread, and an older one read."""
    upcoming = next_session(demo.sessions)
    past = [s for s in demo.sessions if s.is_past() and not s.cancelled]
    people = [demo.managers[0], demo.managers[1], demo.seniors[0]]
    sessions = [s for s in (upcoming, past[-1] if past else None) if s is not None]
    by_pair = agendas([p.id for p in people], [s.id for s in sessions])
    rows = []
    for course_session in sessions:
        is_past = course_session is not upcoming
        for person in people if not is_past else people[:1]:
            subject, body = reminder_text(course_session, by_pair[(person.id, course_session.id)])
            queued_at = course_session.starts_at - timedelta(days=3) if is_past else utcnow()
            rows.append(
                dict(
                    user_id=person.id,
                    kind=SESSION_REMINDER,
                    subject=subject,
                    body=body,
                    link=f"/programme/{course_session.id}",
                    dedupe_key=reminder_key(course_session.id, person.id),
                    created_at=queued_at,
                    read_at=queued_at + timedelta(hours=2) if is_past else None,
                    email_status=EmailStatus.SENT if is_past else EmailStatus.PENDING,
                    sent_at=queued_at if is_past else None,
                    attempts=1 if is_past else 0,
                )
            )
    insert_ignoring_duplicates(rows)
