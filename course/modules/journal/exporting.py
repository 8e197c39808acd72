"""My journal as a Markdown file, and a CPD record (the fields Social Work England asks for)."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from course.extensions import db
from course.modules.journal.frameworks import section_text
from course.modules.journal.models import JournalComment, JournalEntry
from course.timeutil import format_date, to_local

CPD_COLUMNS = (
    "Type of activity",
    "Description",
    "Date",
    "What I learnt",
    "Impact on my practice",
    "Peer reflection",
)
LONG_TEXT = 2000


def entries_for_export(author, entry_ids=None):
    """The author's entries (all, or these ids) with everything the export shows, oldest first."""
    statement = (
        select(JournalEntry)
        .where(JournalEntry.author_id == author.id, JournalEntry.deleted_at.is_(None))
        .options(
            joinedload(JournalEntry.course_session),
            joinedload(JournalEntry.reading),
            joinedload(JournalEntry.presentation),
            selectinload(JournalEntry.tags),
            selectinload(JournalEntry.comments).joinedload(JournalComment.author),
        )
        .order_by(JournalEntry.created_at, JournalEntry.id)
    )
    if entry_ids is not None:
        statement = statement.where(JournalEntry.id.in_(entry_ids))
    return list(db.session.scalars(statement))


def entry_markdown(entry):
    """One entry as a Markdown section: title, details, body and the trainers' feedback."""
    details = [f"- Written: {format_date(entry.created_at)}"]
    details.append(f"- Framework: {entry.framework_info.name}")
    if entry.course_session:
        details.append(f"- Session: {entry.course_session.label}")
    if entry.reading:
        details.append(f"- Reading: {entry.reading.citation}")
    if entry.presentation:
        details.append(f"- Case presentation: {entry.presentation.title}")
    if entry.tags:
        details.append(f"- Tags: {', '.join(entry.tag_names)}")
    parts = [f"## {entry.title}", "\n".join(details), entry.body]
    for comment in entry.comments:
        quoted = "\n".join(f"> {line}" for line in comment.body.splitlines())
        parts.append(
            f"**Feedback from {comment.author.name}, {format_date(comment.created_at)}**"
            f"\n\n{quoted}"
        )
    return "\n\n".join(parts)


def journal_markdown(author, entries, today):
    """The whole journal as one Markdown document."""
    header = f"# Reflective journal of {author.name}\n\nExported on {format_date(today)}."
    if not entries:
        return header + "\n\nThere are no entries yet.\n"
    return "\n\n---\n\n".join([header, *(entry_markdown(entry) for entry in entries)]) + "\n"


def file_name(text, day):
    """A safe download name: 'journal-2025-10-14.md'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "entry"
    return f"{slug}-{day.isoformat()}.md"


@dataclass
class CpdRecord:
    """One row of a CPD record."""

    activity: str
    description: str
    day: date
    learnt: str
    impact: str
    peer_reflection: bool


def activity_type(entry):
    """What kind of CPD activity the entry records."""
    if entry.presentation:
        return "Case consultation with a reflecting team"
    if entry.course_session:
        return "Reflective supervision programme: group session"
    if entry.reading:
        return "Professional reading"
    return "Reflective writing"


def cpd_record(entry):
    """The CPD fields for an entry, drawn from its links and its framework's sections."""
    framework = entry.framework_info
    about = [entry.title + "."]
    if entry.course_session:
        about.append(f"{entry.course_session.label}.")
    if entry.reading:
        about.append(f"Reading: {entry.reading.citation}")
    if entry.presentation:
        about.append(f"Case presentation: {entry.presentation.title}.")
    about.append(f"Reflection using {framework.name}.")
    learnt = section_text(framework, entry.body, framework.learnt) or entry.body
    impact = section_text(framework, entry.body, framework.impact)
    day = entry.course_session.starts_at if entry.course_session else entry.created_at
    return CpdRecord(
        activity=activity_type(entry),
        description=" ".join(about),
        day=to_local(day).date(),
        learnt=plain_lines(learnt),
        impact=plain_lines(impact),
        peer_reflection=bool(entry.course_session or entry.presentation or entry.comments),
    )


def cpd_table(records):
    """The CPD record as a table: its header and one row per entry."""
    rows = [
        [r.activity, r.description, r.day, r.learnt, r.impact, r.peer_reflection] for r in records
    ]
    return list(CPD_COLUMNS), rows


def plain_lines(source, limit=LONG_TEXT):
    """Markdown as plain text with its line breaks and list dashes, cut at a word near `limit`."""
    lines = [line.rstrip() for line in (source or "").strip().splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
