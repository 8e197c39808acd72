"""The log as files for its manager: one record as plain text, the whole log as CSV and Markdown.

CSV cells are quoted, and a cell (or a part of it after a ; , or tab) that starts with = + - @
gets a leading apostrophe, so a spreadsheet shows it as text instead of running it as a formula.
"""

from sqlalchemy import select

from course.csv_export import csv_text
from course.extensions import db
from course.modules.supervision.models import CYCLE_PARTS, FUNCTIONS, SupervisionRecord
from course.modules.supervision.services import with_details
from course.timeutil import format_date


def records_for_export(manager):
    """Every record of the manager's, oldest first, with everything it holds."""
    statement = select(SupervisionRecord).where(SupervisionRecord.manager_id == manager.id)
    return list(
        db.session.scalars(
            with_details(statement).order_by(SupervisionRecord.held_on, SupervisionRecord.id)
        )
    )


def _covered(record, keys):
    """The labels of the ticked parts among keys."""
    return [part.label for part in record.parts if part.part in keys]


def _action_line(action):
    """'What (who, by 14 October 2026; progress: ...) [Open]'."""
    due = f"by {format_date(action.due_on)}" if action.due_on else "no date"
    line = f"{action.what} ({action.owner_label}, {due}"
    if action.progress:
        line += f"; progress known by: {action.progress}"
    return line + f") [{action.status_label}]"


def record_text(record):
    """One record as plain text, to give to the supervisee or paste into the case system."""
    lines = [
        "Supervision record",
        "",
        f"Supervisee: {record.supervisee.label}",
        f"Date: {format_date(record.held_on)}",
        f"Length: {record.minutes} minutes; {record.kind_label.lower()}; "
        + ("uninterrupted" if record.uninterrupted else "interrupted"),
        "",
        "Previous actions reviewed:",
    ]
    lines += [
        f"- {r.action.what}: {r.outcome_label}" + (f". {r.why}" if r.why else "")
        for r in record.reviews
    ] or ["- none"]
    for title, keys in (("Reflective cycle", CYCLE_PARTS), ("Functions", FUNCTIONS)):
        lines += ["", f"{title}:"]
        parts = [p for p in record.parts if p.part in keys]
        lines += [f"- {p.label}" + (f": {p.note}" if p.note else "") for p in parts] or [
            "- none ticked"
        ]
    lines += ["", "Decisions:"]
    lines += [
        f"{n}. {d.what}" + (f" Rationale: {d.rationale}" if d.rationale else " (no rationale)")
        for n, d in enumerate(record.decisions, start=1)
    ] or ["- none"]
    lines += ["", "Actions:"]
    lines += [f"{n}. {_action_line(a)}" for n, a in enumerate(record.actions, start=1)] or [
        "- none"
    ]
    lines += [
        "",
        f"Next supervision: {format_date(record.next_on) if record.next_on else 'not set'}",
    ]
    return "\n".join(lines) + "\n"


CSV_HEADINGS = [
    "Date", "Supervisee", "Kind", "Minutes", "Uninterrupted", "Reflective cycle", "Functions",
    "Decisions", "Actions", "Previous actions reviewed", "Next date", "Clarity prompts at save",
    "Saved anyway",
]  # fmt: skip


def log_csv(records):
    """The log as CSV, written safely by course/csv_export.py (quoted, no formulas, a BOM)."""
    rows = []
    for r in records:
        row = [
            r.held_on.isoformat(),
            r.supervisee.label,
            r.kind_label,
            r.minutes,
            "yes" if r.uninterrupted else "no",
            "; ".join(_covered(r, CYCLE_PARTS)),
            "; ".join(_covered(r, FUNCTIONS)),
            " | ".join(f"{d.what} (rationale: {d.rationale or 'none'})" for d in r.decisions),
            " | ".join(_action_line(a) for a in r.actions),
            " | ".join(f"{v.action.what}: {v.outcome_label}" for v in r.reviews),
            r.next_on.isoformat() if r.next_on else "",
            r.clarity_prompts,
            "yes" if r.saved_anyway else "no",
        ]
        rows.append(row)
    return csv_text(CSV_HEADINGS, rows)


def log_markdown(manager_name, records, today):
    """The log as one Markdown file, oldest record first."""
    lines = [f"# Supervision log of {manager_name}", "", f"Exported {format_date(today)}.", ""]
    for r in records:
        lines += [f"## {r.supervisee.label}, {format_date(r.held_on)}", ""]
        body = record_text(r).split("\n")[3:]
        lines += [line for line in body]
    return "\n".join(lines)
