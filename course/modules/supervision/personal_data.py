"""The supervision log in a person's own data: gathered for their data pack, erased with them.

`personal_data(user)` gives everything the log holds for its manager, as plain values ready for
JSON (and `personal_data_markdown` the readable part); `erase_personal_data(user)` deletes it.
The privacy module's registry calls the same through `export`, `erase`, `after_cohort_holders`
and `delete_after_cohort`. The evaluator's figures are shares over at least K managers and hold
nothing to erase.
"""

from sqlalchemy import delete, select, union

from course.extensions import db
from course.modules.privacy.registry import Section
from course.modules.supervision.exporting import log_markdown, records_for_export
from course.modules.supervision.models import (
    Supervisee,
    SupervisionDraft,
    SupervisionRecord,
)
from course.timeutil import london_today


def _iso(value):
    """A date or time as ISO text, or None."""
    return value.isoformat() if value is not None else None


def personal_data(user):
    """{'supervisees': [...], 'records': [...], 'drafts': n} for the user's own log."""
    supervisees = db.session.scalars(
        select(Supervisee).where(Supervisee.manager_id == user.id).order_by(Supervisee.id)
    )
    records = records_for_export(user)
    return {
        "supervisees": [
            {
                "label": s.label,
                "newly_qualified": s.newly_qualified,
                "started_on": _iso(s.started_on),
                "policy": s.policy,
                "archived_at": _iso(s.archived_at),
            }
            for s in supervisees
        ],
        "records": [
            {
                "supervisee": r.supervisee.label,
                "held_on": _iso(r.held_on),
                "minutes": r.minutes,
                "kind": r.kind,
                "uninterrupted": r.uninterrupted,
                "next_on": _iso(r.next_on),
                "clarity_prompts": r.clarity_prompts,
                "saved_anyway": r.saved_anyway,
                "parts": {p.part: p.note for p in r.parts},
                "decisions": [{"what": d.what, "rationale": d.rationale} for d in r.decisions],
                "actions": [
                    {
                        "what": a.what,
                        "owner": a.owner,
                        "owner_role": a.owner_role,
                        "due_on": _iso(a.due_on),
                        "progress": a.progress,
                        "status": a.status,
                    }
                    for a in r.actions
                ],
                "reviews": [
                    {"action": v.action.what, "outcome": v.outcome, "why": v.why} for v in r.reviews
                ],
            }
            for r in records
        ],
        "drafts": len(
            db.session.scalars(
                select(SupervisionDraft.id).where(SupervisionDraft.user_id == user.id)
            ).all()
        ),
    }


def personal_data_markdown(user):
    """The readable part of the data pack: the log as Markdown."""
    return log_markdown(user.name, records_for_export(user), london_today())


def erase_personal_data(user):
    """Delete the user's whole log: drafts, records (with their actions) and supervisees.

    The caller commits. Journal entries linked to a record keep their text; the link is cleared
    by the database (ON DELETE SET NULL).
    """
    db.session.execute(delete(SupervisionDraft).where(SupervisionDraft.user_id == user.id))
    db.session.execute(delete(SupervisionRecord).where(SupervisionRecord.manager_id == user.id))
    db.session.execute(delete(Supervisee).where(Supervisee.manager_id == user.id))


def export(user):
    """The log as sections of the person's data pack."""
    data = personal_data(user)
    return [
        Section(
            "supervision_supervisees",
            "The people you supervise (by your own labels)",
            data["supervisees"],
        ),
        Section("supervision_records", "Your supervision log", data["records"]),
        Section(
            "supervision_drafts",
            "Your supervision drafts",
            [{"drafts kept": data["drafts"]}] if data["drafts"] else [],
        ),
    ]


def erase(user):
    """Delete the person's log (the registry's name for erase_personal_data)."""
    erase_personal_data(user)


def after_cohort_holders(user_ids):
    """Which of these people keep a log (retention warns them before deleting it)."""
    if not user_ids:
        return set()
    supervisees = select(Supervisee.manager_id).where(Supervisee.manager_id.in_(user_ids))
    drafts = select(SupervisionDraft.user_id).where(SupervisionDraft.user_id.in_(user_ids))
    return set(db.session.scalars(union(supervisees, drafts)))


def delete_after_cohort(user_ids):
    """Delete these people's logs (their cohort ended long enough ago); how many records."""
    if not user_ids:
        return 0
    db.session.execute(delete(SupervisionDraft).where(SupervisionDraft.user_id.in_(user_ids)))
    result = db.session.execute(
        delete(SupervisionRecord).where(SupervisionRecord.manager_id.in_(user_ids))
    )
    db.session.execute(delete(Supervisee).where(Supervisee.manager_id.in_(user_ids)))
    return result.rowcount
