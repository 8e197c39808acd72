"""Raising, moderating and releasing barriers, and responding to their themes.

Rules that keep raisers safe: a released barrier is locked (its theme, session and place in the
count never change again, so the published figures cannot move by one), a raiser's own actions
are not written to the audit log (which names the actor), and no message names anyone.
"""

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from course import audit
from course.extensions import db
from course.modules.barriers.models import (
    Barrier,
    BarrierStatus,
)
from course.modules.programme.models import CourseSession
from course.timeutil import utcnow


class BarrierLocked(Exception):
    """The barrier has been released, so it can no longer change."""


def started_sessions(cohort_id, now=None):
    """The cohort's sessions that have begun, in order: the ones a barrier can belong to."""
    return list(
        db.session.scalars(
            select(CourseSession)
            .where(
                CourseSession.cohort_id == cohort_id, CourseSession.starts_at <= (now or utcnow())
            )
            .order_by(CourseSession.number)
        )
    )


def period_for(cohort_id, course_session=None, at=None):
    """The session number whose part of the year a barrier belongs to."""
    if course_session is not None:
        return course_session.number
    number = db.session.scalar(
        select(func.max(CourseSession.number)).where(
            CourseSession.cohort_id == cohort_id, CourseSession.starts_at <= (at or utcnow())
        )
    )
    return number or 1


def _session_in_cohort(cohort_id, session_id):
    """The cohort's session with this id, or None."""
    if not session_id:
        return None
    return db.session.scalar(
        select(CourseSession).where(
            CourseSession.id == session_id, CourseSession.cohort_id == cohort_id
        )
    )


def raise_barrier(user, cohort_id, theme, text, session_id=None, quote_consent=False):
    """A participant or senior manager raises a barrier; the caller commits.

    Not audited: the audit log names its actor, and nobody is to learn who raised what.
    """
    course_session = _session_in_cohort(cohort_id, session_id)
    barrier = Barrier(
        cohort_id=cohort_id,
        theme=theme,
        text=text.strip(),
        raised_by_id=user.id,
        session_id=course_session.id if course_session else None,
        period=period_for(cohort_id, course_session),
        quote_consent=bool(quote_consent),
        status=BarrierStatus.NEW,
    )
    db.session.add(barrier)
    return barrier


def log_barrier_raised_aloud(trainer, cohort_id, theme, text, session_id, quote_consent, excerpt):
    """A trainer logs a barrier someone raised aloud in a session; it counts as one voice."""
    course_session = _session_in_cohort(cohort_id, session_id)
    barrier = Barrier(
        cohort_id=cohort_id,
        theme=theme,
        text=text.strip(),
        excerpt=(excerpt or "").strip() or None,
        raised_by_id=None,
        logged_by_id=trainer.id,
        session_id=course_session.id if course_session else None,
        period=period_for(cohort_id, course_session),
        quote_consent=bool(quote_consent),
        status=BarrierStatus.NEW,
    )
    db.session.add(barrier)
    db.session.flush()
    audit.record("barrier_logged_aloud", barrier, theme=theme)
    return barrier


def _change_unreleased(barrier, **values):
    """Change a barrier only if it is still unreleased, in one conditional statement, so a
    release by another trainer at the same moment cannot be undone; else BarrierLocked."""
    changed = db.session.execute(
        update(Barrier)
        .where(Barrier.id == barrier.id, Barrier.released_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise BarrierLocked
    for name, value in values.items():
        set_committed_value(barrier, name, value)


def withdraw_barrier(barrier):
    """The raiser takes back a barrier that has not been released; duplicates of it stand alone.
    The caller rolls back on BarrierLocked."""
    if barrier.is_released:
        raise BarrierLocked
    db.session.execute(
        update(Barrier)
        .where(Barrier.merged_into_id == barrier.id, Barrier.released_at.is_(None))
        .values(merged_into_id=None, status=BarrierStatus.NEW)
    )
    deleted = db.session.execute(
        delete(Barrier)
        .where(Barrier.id == barrier.id, Barrier.released_at.is_(None))
        .execution_options(synchronize_session=False)
    ).rowcount
    if not deleted:
        raise BarrierLocked
    db.session.expunge(barrier)


def set_quote_consent(barrier, consent):
    """The raiser allows or stops anonymous quotation; it takes effect at once."""
    barrier.quote_consent = bool(consent)


def moderate(barrier, theme, session_id, excerpt):
    """A trainer re-themes a barrier, sets its session and writes the excerpt for quotation.

    The theme and session are locked once released; the excerpt can always be improved.
    """
    changed = []
    excerpt = (excerpt or "").strip() or None
    if excerpt != barrier.excerpt:
        barrier.excerpt = excerpt
        changed.append("excerpt")
    course_session = _session_in_cohort(barrier.cohort_id, session_id)
    new_session_id = course_session.id if course_session else None
    if theme != barrier.theme or new_session_id != barrier.session_id:
        changed += ["theme"] if theme != barrier.theme else []
        changed += ["session"] if new_session_id != barrier.session_id else []
        period = period_for(barrier.cohort_id, course_session, barrier.created_at)
        values = {"theme": theme, "session_id": new_session_id, "period": period}
        _change_unreleased(barrier, **values)
        db.session.execute(
            update(Barrier)
            .where(Barrier.merged_into_id == barrier.id, Barrier.released_at.is_(None))
            .values(theme=theme)
        )
    if changed:
        audit.record("barrier_moderated", barrier, changed=changed, theme=barrier.theme)
    return changed


def merge_barrier(duplicate, target):
    """Mark an unreleased barrier as a duplicate of another: it takes the other's theme.

    Its raiser still counts as a person in that theme; it is released with the next batch.
    """
    if target.id == duplicate.id or target.cohort_id != duplicate.cohort_id:
        raise ValueError("a barrier merges into another barrier of the same cohort")
    if target.merged_into_id is not None:
        target = db.session.get(Barrier, target.merged_into_id)
    if duplicate.status != BarrierStatus.NEW:
        raise BarrierLocked
    _change_unreleased(
        duplicate, merged_into_id=target.id, status=BarrierStatus.MERGED, theme=target.theme
    )
    db.session.execute(
        update(Barrier)
        .where(Barrier.merged_into_id == duplicate.id, Barrier.released_at.is_(None))
        .values(merged_into_id=target.id, theme=target.theme)
    )
    audit.record("barrier_merged", duplicate, into=target.id, theme=target.theme)


def release_batch(cohort_id, barrier_ids):
    """Release the chosen new barriers to the senior view, with every duplicate merged into a
    released barrier; all of them share one release time. Returns how many were released."""
    now = utcnow()
    released = db.session.execute(
        update(Barrier)
        .where(
            Barrier.cohort_id == cohort_id,
            Barrier.status == BarrierStatus.NEW,
            Barrier.id.in_(list(barrier_ids)),
        )
        .values(status=BarrierStatus.RELEASED, released_at=now)
    ).rowcount
    released_targets = select(Barrier.id).where(
        Barrier.cohort_id == cohort_id, Barrier.released_at.is_not(None)
    )
    duplicates = db.session.execute(
        update(Barrier)
        .where(
            Barrier.cohort_id == cohort_id,
            Barrier.status == BarrierStatus.MERGED,
            Barrier.released_at.is_(None),
            Barrier.merged_into_id.in_(released_targets.scalar_subquery()),
        )
        .values(released_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if released or duplicates:
        audit.record(
            "barriers_released",
            object_type="Cohort",
            object_id=cohort_id,
            barriers=released,
            duplicates=duplicates,
        )
    return released + duplicates


def waiting_count(cohort_id):
    """How many barriers are raised and not yet moderated in the cohort: a scalar subquery, so
    that `cohort_id` may be a column of a wider query (one row per cohort)."""
    return (
        select(func.count(Barrier.id))
        .where(Barrier.cohort_id == cohort_id, Barrier.status == BarrierStatus.NEW)
        .scalar_subquery()
    )
