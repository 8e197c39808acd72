"""Demo data for the attendance module: registers for the past sessions, apologies, catch-ups."""

from datetime import timedelta

from course.extensions import db
from course.modules.attendance.catch_ups import required_readings, task_text
from course.modules.attendance.models import (
    ApologyReason,
    AttendanceMark,
    AttendanceStatus,
    CatchUp,
)
from course.timeutil import utcnow

REFLECTIONS = [
    "The reading on containment helped me see why my team brings me their anxiety about the "
    "Thursday strategy meetings. I have started to leave ten minutes at the end of supervision "
    "for how the work feels, not only what needs doing.",
    "I found the four functions of supervision useful. My supervision notes are almost all "
    "management: actions and timescales. I want to make room for the developmental and "
    "supportive parts, and will try this with two workers this month.",
    "The paper on organisational defences made me think about how quickly we close cases down "
    "after a difficult visit. I noticed it in myself last week and asked a worker what she had "
    "not said in the meeting.",
    "What stayed with me was the idea of curiosity as a protective factor. In the group I "
    "missed, colleagues practised hypothesising; I tried it with an anonymised case of my own "
    "and came up with two explanations I had not considered.",
    "I read the session's paper on analysis and intuition. I tend to trust my gut and then look "
    "for evidence. Writing this down, I can see where that has narrowed the options we "
    "considered for a family.",
]


def _status_for(rng, previous_missed):
    """Mostly present; now and then late, left early, apologies or absent."""
    roll = rng.random()
    if roll < 0.84 or previous_missed:
        return AttendanceStatus.PRESENT, None
    if roll < 0.90:
        return AttendanceStatus.LATE, None
    if roll < 0.93:
        return AttendanceStatus.LEFT_EARLY, None
    if roll < 0.99:
        return AttendanceStatus.APOLOGIES, rng.choice(list(ApologyReason))
    return AttendanceStatus.ABSENT, None


def seed(demo):
    """Registers for the past sessions; one person with two absences in a row; catch-ups."""
    rng = demo.rng
    now = utcnow()
    trainer = demo.trainers[0]
    past = [s for s in demo.sessions if s.is_past(now)]
    upcoming = [s for s in demo.sessions if not s.has_started(now)]
    flagged, waiting = demo.managers[6], demo.managers[11]
    sending_next = {
        demo.managers[2].id: ApologyReason.COURT,
        (demo.seniors[1:] or demo.seniors)[0].id: ApologyReason.LEAVE,
    }
    fixed = {}
    if len(past) >= 3:
        # The latest two in a row: the flag is about now, so it clears once they come back.
        fixed[(flagged.id, past[-2].id)] = (AttendanceStatus.APOLOGIES, ApologyReason.SICKNESS)
        fixed[(flagged.id, past[-1].id)] = (AttendanceStatus.ABSENT, None)
        fixed[(waiting.id, past[-2].id)] = (AttendanceStatus.APOLOGIES, ApologyReason.COURT)
    readings = required_readings([s.id for s in past])
    missed = []
    for person in demo.attendees:
        previous_missed = False
        for index, course_session in enumerate(past):
            # Keep other absences apart, so only the flagged person has two in a row.
            next_id = past[index + 1].id if index + 1 < len(past) else None
            keep_apart = (
                previous_missed
                or (person.id, next_id) in fixed
                or (next_id is None and person.id in sending_next)
            )
            status, reason = fixed.get((person.id, course_session.id)) or _status_for(
                rng, keep_apart
            )
            previous_missed = status in (AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT)
            in_advance = status == AttendanceStatus.APOLOGIES and rng.random() < 0.7
            db.session.add(
                AttendanceMark(
                    session_id=course_session.id,
                    user_id=person.id,
                    status=status,
                    apology_reason=reason,
                    note="Held up at a strategy meeting" if status == "late" else None,
                    marked_by_id=person.id if in_advance else trainer.id,
                    marked_at=course_session.starts_at
                    - (timedelta(days=rng.randint(2, 9)) if in_advance else -timedelta(hours=1)),
                )
            )
            if previous_missed:
                missed.append((person, course_session))
    _seed_catch_ups(demo, missed, past, readings, flagged, waiting, trainer)
    if upcoming:  # apologies already sent for the next session: a court hearing, a week's leave
        for person_id, reason in sending_next.items():
            db.session.add(
                AttendanceMark(
                    session_id=upcoming[0].id,
                    user_id=person_id,
                    status=AttendanceStatus.APOLOGIES,
                    apology_reason=reason,
                    marked_by_id=person_id,
                    marked_at=now - timedelta(days=3),
                )
            )


def _seed_catch_ups(demo, missed, past, readings, flagged, waiting, trainer):
    """Catch-ups approved for the older sessions, one waiting for approval, the latest to do."""
    rng = demo.rng
    for person, course_session in missed:
        if course_session is past[-1] or person is flagged and course_session is past[-2]:
            continue  # still to do (the flagged person's is overdue)
        sent = course_session.ends_at + timedelta(days=rng.randint(5, 20))
        is_waiting = person is waiting and course_session is past[-2]
        db.session.add(
            CatchUp(
                session_id=course_session.id,
                user_id=person.id,
                task=task_text(course_session, readings[course_session.id]),
                reflection=rng.choice(REFLECTIONS),
                submitted_at=sent,
                approved_at=None if is_waiting else sent + timedelta(days=rng.randint(1, 6)),
                approved_by_id=None if is_waiting else trainer.id,
            )
        )
