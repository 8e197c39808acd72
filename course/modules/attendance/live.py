"""The trainer's live view of the room: who is here, who is expected, marking the rest absent.

Every mark made here goes through register.save_register, so it follows the register's rules
(the conditional write that never overwrites someone else's change) and is audited.
"""

from dataclasses import dataclass

from sqlalchemy import select, update

from course import audit
from course.extensions import db
from course.modules.attendance.check_in import check_ins, flag_from
from course.modules.attendance.models import (
    ATTENDED,
    AbsentBatch,
    AttendanceStatus,
    reason_label,
    status_label,
)
from course.modules.attendance.records import attendees, marks_by_key, session_attendees
from course.modules.attendance.register import MarkValues, RegisterEntry, save_register
from course.timeutil import utcnow

GROUPS = (
    ("here", "Here"),
    ("expected", "Still expected"),
    ("apologies", "Sent apologies"),
    ("absent", "Absent"),
)


@dataclass(frozen=True)
class PersonInRoom:
    """One person's line on the live view."""

    user: object
    status: str | None
    reason: str | None
    check_in: object  # their CheckIn, if they checked in themselves
    flagged: bool  # checked in long after the start

    @property
    def label(self):
        """'Present', 'Unmarked', ..."""
        return status_label(self.status)

    @property
    def group(self):
        """Which list the person is in: here, expected, apologies or absent."""
        if self.status in ATTENDED:
            return "here"
        if self.status == AttendanceStatus.APOLOGIES:
            return "apologies"
        if self.status is None:
            return "expected"
        return "absent"

    def as_json(self, time_format):
        """What the live view's script needs to move and relabel the person's line."""
        return dict(
            id=self.user.id,
            group=self.group,
            status=self.status or "unmarked",
            label=self.label,
            checked_in=time_format(self.check_in.checked_in_at) if self.check_in else None,
            flagged=self.flagged,
        )


def room(course_session):
    """Everyone on the register with their mark and check-in: three queries."""
    marks = {uid: mark for (_, uid), mark in marks_by_key([course_session.id], fresh=True).items()}
    people = session_attendees(course_session, marks)
    arrivals = check_ins(course_session.id)
    late_flag = flag_from(course_session)
    lines = []
    for person in people:
        mark = marks.get(person.id)
        check_in = arrivals.get(person.id)
        status = mark.status if mark else None
        lines.append(
            PersonInRoom(
                user=person,
                status=status,
                reason=reason_label(mark.apology_reason) if mark else "",
                check_in=check_in,
                flagged=bool(
                    check_in and status in ATTENDED and check_in.checked_in_at >= late_flag
                ),
            )
        )
    return lines


def mark_by_hand(course_session, person, was, new_status, trainer):
    """Mark one person from the live view, if their mark is still what the page showed.

    The remark and an apology's reason stay as stored. Returns the register's SaveResult.
    """
    stored = marks_by_key([course_session.id], [person.id], fresh=True).get(
        (course_session.id, person.id)
    )
    kept = MarkValues.of(stored)
    original = MarkValues(was, kept.reason, kept.note) if was else MarkValues()
    if was and kept.status != was:
        original = MarkValues(was)  # changed meanwhile: the write will report the conflict
    submitted = MarkValues.clean(new_status, kept.reason, kept.note)
    return save_register(
        course_session,
        [RegisterEntry(person.id, original, submitted)],
        {person.id: person},
        trainer,
    )


def latest_batch(session_id):
    """The latest 'mark the rest absent' that has not been undone, or None."""
    return db.session.scalar(
        select(AbsentBatch)
        .where(AbsentBatch.session_id == session_id, AbsentBatch.undone_at.is_(None))
        .order_by(AbsentBatch.id.desc())
        .limit(1)
    )


def mark_rest_absent(course_session, trainer):
    """Mark everyone still unmarked as Absent, and remember whom, for undo. The caller commits."""
    marks = marks_by_key([course_session.id], fresh=True)
    people = session_attendees(course_session, {uid for _, uid in marks})
    entries = [
        RegisterEntry(p.id, MarkValues(), MarkValues(AttendanceStatus.ABSENT))
        for p in people
        if (course_session.id, p.id) not in marks
    ]
    result = save_register(course_session, entries, {p.id: p for p in people}, trainer)
    marked = sorted(user.id for user, _, _ in result.changed)
    batch = None
    if marked:
        batch = AbsentBatch(
            session_id=course_session.id,
            user_ids=",".join(str(i) for i in marked),
            marked_by_id=trainer.id,
            marked_at=utcnow(),
        )
        db.session.add(batch)
        audit.record(
            "register_rest_marked_absent",
            object_type="CourseSession",
            object_id=course_session.id,
            session_number=course_session.number,
            people=len(marked),
        )
    return batch, result


def undo_rest_absent(course_session, batch_id, trainer):
    """Unmark the people a batch marked Absent, unless someone has changed them since.

    Returns the register's SaveResult, or None when the batch was already undone. The caller
    commits.
    """
    claimed = db.session.execute(
        update(AbsentBatch)
        .where(
            AbsentBatch.id == batch_id,
            AbsentBatch.session_id == course_session.id,
            AbsentBatch.undone_at.is_(None),
        )
        .values(undone_at=utcnow())
    ).rowcount
    if claimed != 1:
        return None
    batch = db.session.get(AbsentBatch, batch_id, populate_existing=True)
    ids = set(batch.people)
    people = {p.id: p for p in attendees(course_session.cohort_id) if p.id in ids}
    entries = [
        RegisterEntry(i, MarkValues(AttendanceStatus.ABSENT), MarkValues()) for i in sorted(ids)
    ]
    result = save_register(course_session, entries, people, trainer)
    audit.record(
        "register_rest_absent_undone",
        object_type="CourseSession",
        object_id=course_session.id,
        session_number=course_session.number,
        people=len(result.changed),
        kept=len(result.conflicts),
    )
    return result
