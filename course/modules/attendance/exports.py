"""The matrix and the registers as tables for a spreadsheet (course/spreadsheets.py writes them)."""

from course.modules.attendance.models import reason_label, status_label
from course.spreadsheets import Percent
from course.timeutil import to_local


def group_label(user):
    """Participants and senior managers are listed as two groups."""
    return "Senior manager" if user.role == "senior_manager" else "Participant"


def matrix_rows(sessions, rows, today):
    """The cohort matrix: its header and one row per person."""
    header = ["Name", "Group", "Team"]
    header += [f"Session {s.number}" for s in sessions]
    header += [
        "Attended",
        "Sessions held",
        "Rate over sessions held",
        "Rate over all sessions",
        "Catch-ups outstanding",
        "Two absences in a row",
        "Complete",
        "Can still complete",
    ]
    lines = []
    for row in rows:
        cells = [row.user.name, group_label(row.user), row.user.team or ""]
        for course_session, mark, state in row.cells(sessions, today):
            if course_session.id in row.outside and mark is None:
                cells.append("Not a member then")
            else:
                cells.append(_cell_text(course_session, mark, state, today))
        record = row.record
        cells += [
            record.attended,
            record.held,
            _share(record.rate_held),
            _share(record.rate_all),
            record.outstanding,
            record.flagged,
            record.complete,
            record.can_complete,
        ]
        lines.append(cells)
    return header, lines


def _share(rate):
    """A rate as a percentage cell; none before any session is held."""
    return None if rate is None else Percent(rate)


def _cell_text(course_session, mark, state, today):
    """'Apologies (Sickness); catch-up approved' for one cell."""
    if course_session.cancelled:
        return "Cancelled"
    if mark is None:
        return "" if not course_session.is_past() else "Unmarked"
    text = status_label(mark.status)
    if mark.apology_reason:
        text += f" ({reason_label(mark.apology_reason)})"
    if state is not None:
        text += f"; catch-up {state.value.replace('_', ' ')}"
    return text


def register_rows(course_session, people, marks):
    """One session's register: its header and one row per person."""
    header = ["Name", "Group", "Team", "Status", "Apology reason", "Remark", "Marked at"]
    lines = []
    for user in people:
        mark = marks.get(user.id)
        lines.append(
            [
                user.name,
                group_label(user),
                user.team or "",
                status_label(mark.status if mark else None),
                reason_label(mark.apology_reason) if mark else "",
                (mark.note or "") if mark else "",
                to_local(mark.marked_at) if mark and mark.marked_at else None,
            ]
        )
    return header, lines
