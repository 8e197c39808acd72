"""A supervision's anonymised summary, the starting brief of a case presentation.

Imports nothing from the presentations module, which calls it from its sign-up page.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from course.extensions import db
from course.modules.supervision.models import CYCLE_PARTS, SupervisionRecord

SUMMARY_PARTS = ("experience", "reflection", "analysis")
PRESENTATION_KIND = "supervisory_dilemma"


def presentation_start(user, record_id, brief_max=3000):
    """(title, brief, kind) to start a presentation sign-up from the user's own record, or None.

    Built only from the record's checked text; no label and no dates, so it names nobody.
    """
    record = db.session.scalar(
        select(SupervisionRecord)
        .where(SupervisionRecord.id == record_id, SupervisionRecord.manager_id == user.id)
        .options(
            joinedload(SupervisionRecord.supervisee),
            selectinload(SupervisionRecord.parts),
            selectinload(SupervisionRecord.decisions),
            selectinload(SupervisionRecord.actions),
        )
    )
    if record is None:
        return None
    worker = "a newly qualified worker" if record.supervisee.newly_qualified else "a worker"
    title = f"A supervision with {worker} that feels stuck"
    lines = [
        f"From my supervision log: a {record.kind_label.lower()} supervision of "
        f"{record.minutes} minutes with {worker}.",
        "",
    ]
    for key in SUMMARY_PARTS:
        part = record.part(key)
        if part is not None and part.note:
            lines += [f"**{CYCLE_PARTS[key]}:** {part.note}", ""]
    if record.decisions:
        lines += ["**Decisions so far:**"]
        lines += [
            f"- {d.what}" + (f" (why: {d.rationale})" if d.rationale else "")
            for d in record.decisions
        ]
        lines.append("")
    if record.actions:
        lines += ["**Actions agreed:**"]
        lines += [f"- {a.what} ({a.owner_label}, {a.status_label.lower()})" for a in record.actions]
        lines.append("")
    lines.append("**What I would like from the group:** ")
    brief = "\n".join(lines)
    if len(brief) > brief_max:
        brief = brief[: brief_max - 1].rstrip() + "…"
    return title, brief, PRESENTATION_KIND
