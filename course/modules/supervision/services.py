"""The log's rules: whose it is, saving a record with its actions and reviews, what is open.

Every getter filters by the manager in the query, so another person's supervisee, record or
draft is simply not found: 404, whoever asks (DESIGN.md rule 2 and rule 8).
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES
from course.modules.supervision.models import (
    Supervisee,
    SupervisionAction,
    SupervisionDecision,
    SupervisionDraft,
    SupervisionPart,
    SupervisionRecord,
    SupervisionReview,
)
from course.timeutil import format_date, utcnow

MANAGER_ROLES = ATTENDING_ROLES  # participants and senior managers supervise teams


def manager_only(view):
    """Signed-in managers only; every other role gets 404, as if the page did not exist."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in MANAGER_ROLES:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def supervisees_of(manager, archived=False):
    """The manager's supervisees, current (or archived), by label (sorted here: it is encrypted)."""
    condition = (
        Supervisee.archived_at.is_not(None) if archived else Supervisee.archived_at.is_(None)
    )
    supervisees = db.session.scalars(
        select(Supervisee).where(Supervisee.manager_id == manager.id, condition)
    )
    return sorted(supervisees, key=lambda s: (s.label.lower(), s.id))


def get_supervisee_or_404(supervisee_id, manager):
    """The manager's own supervisee; 404 for anyone else's."""
    supervisee = db.session.scalar(
        select(Supervisee).where(
            Supervisee.id == supervisee_id, Supervisee.manager_id == manager.id
        )
    )
    if supervisee is None:
        abort(404)
    return supervisee


def label_taken(manager, label, except_id=None):
    """Whether the manager already uses this label (ignoring case; compared here, as the
    label is encrypted)."""
    labels = db.session.execute(
        select(Supervisee.id, Supervisee.label).where(Supervisee.manager_id == manager.id)
    )
    return any(other.lower() == label.lower() for id_, other in labels if id_ != except_id)


def with_details(statement):
    """Load what a record's page shows in a fixed number of queries."""
    return statement.options(
        joinedload(SupervisionRecord.supervisee),
        selectinload(SupervisionRecord.parts),
        selectinload(SupervisionRecord.decisions),
        selectinload(SupervisionRecord.actions),
        selectinload(SupervisionRecord.reviews).joinedload(SupervisionReview.action),
    )


def get_record_or_404(record_id, manager, details=False):
    """The manager's own record; 404 for anyone else's."""
    statement = select(SupervisionRecord).where(
        SupervisionRecord.id == record_id, SupervisionRecord.manager_id == manager.id
    )
    record = db.session.scalar(with_details(statement) if details else statement)
    if record is None:
        abort(404)
    return record


def records_of(manager, supervisee_id=None):
    """The manager's records, newest first, with their supervisee and actions."""
    statement = select(SupervisionRecord).where(SupervisionRecord.manager_id == manager.id)
    if supervisee_id is not None:
        statement = statement.where(SupervisionRecord.supervisee_id == supervisee_id)
    return list(
        db.session.scalars(
            statement.options(
                joinedload(SupervisionRecord.supervisee),
                selectinload(SupervisionRecord.actions),
            ).order_by(SupervisionRecord.held_on.desc(), SupervisionRecord.id.desc())
        )
    )


def actions_to_review(manager, supervisee_id, record=None):
    """The supervisee's actions a record looks back on: the open ones from earlier records,
    and (when editing) the ones this record reviewed; oldest due first."""
    reviewed_here = (
        select(SupervisionReview.action_id).where(SupervisionReview.record_id == record.id)
        if record is not None
        else None
    )
    condition = SupervisionAction.status == "open"
    if reviewed_here is not None:
        condition = condition | SupervisionAction.id.in_(reviewed_here)
    statement = select(SupervisionAction).where(
        SupervisionAction.manager_id == manager.id,
        SupervisionAction.supervisee_id == supervisee_id,
        condition,
    )
    if record is not None:
        statement = statement.where(SupervisionAction.record_id != record.id)
    return list(
        db.session.scalars(
            statement.order_by(
                SupervisionAction.due_on.is_(None),
                SupervisionAction.due_on,
                SupervisionAction.id,
            )
        )
    )


def open_actions(manager):
    """Every open action of the manager's current supervisees, due first."""
    return list(
        db.session.scalars(
            select(SupervisionAction)
            .join(Supervisee, Supervisee.id == SupervisionAction.supervisee_id)
            .where(
                SupervisionAction.manager_id == manager.id,
                SupervisionAction.status == "open",
                Supervisee.archived_at.is_(None),
            )
            .options(joinedload(SupervisionAction.supervisee), joinedload(SupervisionAction.record))
            .order_by(
                SupervisionAction.due_on.is_(None), SupervisionAction.due_on, SupervisionAction.id
            )
        )
    )


def current_count(manager):
    """How many current supervisees the manager has, as a scalar subquery."""
    return (
        select(func.count(Supervisee.id))
        .where(Supervisee.manager_id == manager.id, Supervisee.archived_at.is_(None))
        .scalar_subquery()
    )


def draft_count(manager):
    """How many drafts the manager keeps, as a scalar subquery."""
    return (
        select(func.count(SupervisionDraft.id))
        .where(SupervisionDraft.user_id == manager.id)
        .scalar_subquery()
    )


def current_with_latest(manager, overdue_on=None):
    """[(supervisee, last held_on, next date booked then)] for the manager's current
    supervisees, by label: one query (their latest record found by a window function). Given a
    day, each row also counts the supervisee's open actions due before it."""
    latest = (
        select(
            SupervisionRecord.supervisee_id,
            SupervisionRecord.held_on,
            SupervisionRecord.next_on,
            func.row_number()
            .over(
                partition_by=SupervisionRecord.supervisee_id,
                order_by=(SupervisionRecord.held_on.desc(), SupervisionRecord.id.desc()),
            )
            .label("n"),
        )
        .where(SupervisionRecord.manager_id == manager.id)
        .subquery()
    )
    columns = [Supervisee, latest.c.held_on, latest.c.next_on]
    if overdue_on is not None:
        columns.append(
            select(func.count(SupervisionAction.id))
            .where(
                SupervisionAction.supervisee_id == Supervisee.id,
                SupervisionAction.manager_id == manager.id,
                SupervisionAction.status == "open",
                SupervisionAction.due_on < overdue_on,
            )
            .scalar_subquery()
        )
    rows = db.session.execute(
        select(*columns)
        .outerjoin(latest, and_(latest.c.supervisee_id == Supervisee.id, latest.c.n == 1))
        .where(Supervisee.manager_id == manager.id, Supervisee.archived_at.is_(None))
    ).all()
    return sorted(rows, key=lambda row: (row[0].label.lower(), row[0].id))


def create_record(manager, supervisee, data, *, prompts=0, saved_anyway=False):
    """Store a new record with its parts, decisions, actions and reviews; the caller commits."""
    record = SupervisionRecord(manager_id=manager.id, supervisee_id=supervisee.id)
    _set_columns(record, data, prompts, saved_anyway)
    db.session.add(record)
    db.session.flush()
    allowed = {a.id for a in actions_to_review(manager, supervisee.id, record)}
    _write_children(manager, record, data, set(), allowed)
    return record


def update_record(manager, record, version, data, *, prompts=0, saved_anyway=False):
    """Apply an edit made from `version`; False (nothing changed) when the record moved on.

    One conditional UPDATE, so two saves from the same version cannot both win.
    """
    values = dict(
        held_on=data.held_on,
        minutes=data.minutes,
        kind=data.kind,
        uninterrupted=data.uninterrupted,
        next_on=data.next_on,
        clarity_prompts=prompts,
        saved_anyway=saved_anyway,
        updated_at=utcnow(),
        version=SupervisionRecord.version + 1,
    )
    result = db.session.execute(
        update(SupervisionRecord)
        .where(
            SupervisionRecord.id == record.id,
            SupervisionRecord.manager_id == manager.id,
            SupervisionRecord.version == version,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    allowed = {a.id for a in actions_to_review(manager, record.supervisee_id, record)}
    previously_reviewed = set(
        db.session.scalars(
            select(SupervisionReview.action_id).where(SupervisionReview.record_id == record.id)
        )
    )
    db.session.execute(delete(SupervisionPart).where(SupervisionPart.record_id == record.id))
    db.session.execute(
        delete(SupervisionDecision).where(SupervisionDecision.record_id == record.id)
    )
    db.session.execute(delete(SupervisionReview).where(SupervisionReview.record_id == record.id))
    _write_children(manager, record, data, previously_reviewed, allowed)
    db.session.expire(record)
    return True


def _set_columns(record, data, prompts, saved_anyway):
    """The record's own columns from the form."""
    record.held_on, record.minutes, record.kind = data.held_on, data.minutes, data.kind
    record.uninterrupted, record.next_on = data.uninterrupted, data.next_on
    record.clarity_prompts, record.saved_anyway = prompts, saved_anyway


def _write_children(manager, record, data, previously_reviewed, allowed):
    """Parts, decisions, actions (kept by id when edited) and reviews of one record; only
    actions in `allowed` (the supervisee's open ones, or this record's own reviews) are reviewed."""
    db.session.add_all(
        SupervisionPart(record_id=record.id, part=key, note=note)
        for key, note in data.parts.items()
    )
    db.session.add_all(
        SupervisionDecision(record_id=record.id, position=n, what=what, rationale=rationale)
        for n, (what, rationale) in enumerate(data.decisions)
    )
    existing = {
        action.id: action
        for action in db.session.scalars(
            select(SupervisionAction).where(SupervisionAction.record_id == record.id)
        )
    }
    kept = set()
    for n, row in enumerate(data.actions):
        action = existing.get(row.id)
        if action is None:
            action = SupervisionAction(
                manager_id=manager.id, supervisee_id=record.supervisee_id, record_id=record.id
            )
            db.session.add(action)
        kept.add(action.id)
        action.position, action.what, action.owner = n, row.what, row.owner
        action.owner_role = row.owner_role if row.owner == "other" else ""
        action.due_on, action.progress = row.due_on, row.progress
    for action_id, action in existing.items():
        if action_id not in kept:
            db.session.delete(action)
    reviews = [r for r in data.reviews if r.outcome and r.action_id in allowed]
    db.session.add_all(
        SupervisionReview(record_id=record.id, action_id=r.action_id, outcome=r.outcome, why=r.why)
        for r in reviews
    )
    db.session.flush()
    refresh_action_statuses(previously_reviewed | {r.action_id for r in reviews})


def refresh_action_statuses(action_ids):
    """Each action's status follows its latest review: done, closed, or open (carried)."""
    if not action_ids:
        return
    latest = {}
    rows = db.session.execute(
        select(SupervisionReview.action_id, SupervisionReview.outcome, SupervisionRecord.held_on)
        .join(SupervisionRecord, SupervisionRecord.id == SupervisionReview.record_id)
        .where(SupervisionReview.action_id.in_(action_ids))
        .order_by(SupervisionRecord.held_on, SupervisionRecord.id)
    )
    for row in rows:
        latest[row.action_id] = (row.outcome, row.held_on)
    for action in db.session.scalars(
        select(SupervisionAction).where(SupervisionAction.id.in_(action_ids))
    ):
        outcome, held_on = latest.get(action.id, ("carried", None))
        action.status = {"done": "done", "closed": "closed"}.get(outcome, "open")
        action.closed_on = held_on if action.status != "open" else None


def drafts_of(manager):
    """The manager's kept drafts, newest first, with their supervisee."""
    return list(
        db.session.scalars(
            select(SupervisionDraft)
            .where(SupervisionDraft.user_id == manager.id)
            .options(joinedload(SupervisionDraft.supervisee))
            .order_by(SupervisionDraft.saved_at.desc())
        )
    )


def owns_record(user, record_id):
    """Whether the record is the user's own (for links from the journal)."""
    return (
        db.session.scalar(
            select(SupervisionRecord.id).where(
                SupervisionRecord.id == record_id, SupervisionRecord.manager_id == user.id
            )
        )
        is not None
    )


def record_label(user, record_id):
    """'your supervision with SW1 on 14 October 2026' for the user's own record, else None."""
    row = db.session.scalar(
        select(SupervisionRecord)
        .where(SupervisionRecord.id == record_id, SupervisionRecord.manager_id == user.id)
        .options(joinedload(SupervisionRecord.supervisee))
    )
    if row is None:
        return None
    return f"your supervision with {row.supervisee.label} on {format_date(row.held_on)}"
