"""Taking a register: saving only what a form changed, one person at a time, safely in parallel.

Two trainers may take the same register at once. Each form carries the marks as they were when
it was loaded; a save writes only the people whose mark that form changed, and each write is
conditional on the mark still being what the form saw. A person changed by someone else in the
meantime is not overwritten: the save reports them as a conflict.
"""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Text, and_, delete, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from course import audit, crypto
from course.audit import AuditEvent
from course.extensions import db
from course.modules.attendance.models import (
    AttendanceMark,
    AttendanceStatus,
    reason_label,
    status_label,
)
from course.modules.attendance.notices import notify_new_flags
from course.modules.attendance.records import marks_by_key
from course.timeutil import utcnow

MARK_TABLE = AttendanceMark.__table__


def register_opens_at(course_session):
    """When trainers can start taking the register: COURSE_REGISTER_OPENS_BEFORE the start."""
    return course_session.starts_at - current_app.config["COURSE_REGISTER_OPENS_BEFORE"]


def register_is_open(course_session, now=None):
    """The register is open from its opening time on, and for corrections at any time after."""
    return not course_session.cancelled and (now or utcnow()) >= register_opens_at(course_session)


@dataclass(frozen=True)
class MarkValues:
    """A mark as the register shows it: status (None is unmarked), apology reason, remark."""

    status: str | None = None
    reason: str | None = None
    note: str | None = None

    @classmethod
    def clean(cls, status, reason, note):
        """Normalise form input: '' and 'unmarked' are None; a reason only with apologies."""
        status = status if status in tuple(AttendanceStatus) else None
        reason = reason or None
        if status != AttendanceStatus.APOLOGIES:
            reason = None
        note = (note or "").strip() or None
        return cls(status, reason, note)

    @classmethod
    def of(cls, mark):
        """The values of a stored mark (or of no mark)."""
        if mark is None:
            return cls()
        return cls(mark.status, mark.apology_reason, mark.note)


@dataclass(frozen=True)
class RegisterEntry:
    """One person's line of a submitted register: what the form saw and what it sends."""

    user_id: int
    original: MarkValues
    submitted: MarkValues

    @property
    def changed(self):
        """Whether this form changed the person's mark."""
        return self.original != self.submitted


@dataclass
class SaveResult:
    """What a save did: who changed, who someone else had changed meanwhile."""

    changed: list = field(default_factory=list)  # (user, before, after)
    conflicts: list = field(default_factory=list)  # (user, what is stored now)
    flagged: list = field(default_factory=list)


def mark_insert():
    """INSERT ... ON CONFLICT for the database in use."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(MARK_TABLE)


def _write_one(session_id, user_id, original, new, trainer, now):
    """Write one person's mark if it is still what the form saw; True if written."""
    key = and_(MARK_TABLE.c.session_id == session_id, MARK_TABLE.c.user_id == user_id)
    values = dict(
        status=new.status,
        apology_reason=new.reason,
        note=new.note,
        marked_by_id=trainer.id,
        marked_at=now,
    )
    if original.status is None:
        inserted = db.session.execute(
            mark_insert()
            .values(session_id=session_id, user_id=user_id, **values)
            .on_conflict_do_nothing(index_elements=["session_id", "user_id"])
            .returning(MARK_TABLE.c.id)
        ).first()
        return inserted is not None  # (rowcount is not reliable for an insert on PostgreSQL)
    # The remark is encrypted with a fresh nonce each time, so SQL cannot compare it with the
    # form's: read the stored ciphertext, check it in Python, then write on condition that the
    # same ciphertext is still there.
    stored_note = type_coerce(MARK_TABLE.c.note, Text)
    stored = db.session.execute(select(stored_note).where(key)).scalar_one_or_none()
    if crypto.decrypt(stored) != original.note:
        return False
    unchanged = and_(
        key,
        MARK_TABLE.c.status == original.status,
        MARK_TABLE.c.apology_reason.is_not_distinct_from(original.reason),
        stored_note.is_not_distinct_from(stored),
    )
    if new.status is None:
        statement = delete(MARK_TABLE).where(unchanged)
    else:
        statement = update(MARK_TABLE).where(unchanged).values(**values)
    return db.session.execute(statement).rowcount == 1


def _audit_change(course_session, user, before, after):
    """One register change in the audit log: who (the actor), when, whose mark, from and to."""
    detail = dict(
        person_id=user.id,
        person=user.name,
        session_number=course_session.number,
        from_status=status_label(before.status),
        to_status=status_label(after.status),
    )
    if before.reason != after.reason:
        detail.update(from_reason=reason_label(before.reason), to_reason=reason_label(after.reason))
    if before.note != after.note:
        detail["remark_changed"] = True  # the remark's text stays out of the log
    audit.record(
        "register_mark_changed",
        object_type="CourseSession",
        object_id=course_session.id,
        **detail,
    )


def save_register(course_session, entries, people, trainer, fill_present=False, now=None):
    """Apply a submitted register; the caller commits.

    `people` maps user id to User for everyone on the register; entries for anyone else are
    ignored. With fill_present, everyone the form left unmarked, and whom nobody has marked
    since, is marked present.
    """
    now = now or utcnow()
    result = SaveResult()
    present = MarkValues(AttendanceStatus.PRESENT)
    # One order for every save, so two saves on PostgreSQL never wait on each other in a circle.
    for entry in sorted(entries, key=lambda e: e.user_id):
        user = people.get(entry.user_id)
        if user is None:
            continue
        submitted = entry.submitted
        filling = fill_present and entry.original.status is None and submitted.status is None
        if filling:
            submitted = MarkValues(present.status, None, submitted.note)
        if entry.original == submitted:
            continue
        if _write_one(course_session.id, user.id, entry.original, submitted, trainer, now):
            result.changed.append((user, entry.original, submitted))
            _audit_change(course_session, user, entry.original, submitted)
            continue
        if filling:
            continue  # someone marked them meanwhile: they are no longer unmarked
        stored_marks = marks_by_key([course_session.id], [user.id], fresh=True)
        stored = MarkValues.of(stored_marks.get((course_session.id, user.id)))
        if stored != submitted:
            result.conflicts.append((user, stored))
    result.flagged = notify_new_flags(
        course_session.cohort_id,
        [(user, course_session.id, before.status) for user, before, _ in result.changed],
    )
    return result


def register_history(session_id, limit=50):
    """The latest changes to a register, newest first, from the audit log."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .options(joinedload(AuditEvent.actor))
            .where(
                AuditEvent.action.in_(
                    ["register_mark_changed", "apologies_sent", "apologies_withdrawn"]
                ),
                AuditEvent.object_type == "CourseSession",
                AuditEvent.object_id == session_id,
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
