"""My supervision at a glance: who is due, and my habits month by month (a fixed number of
queries, whatever the size of the log)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from course.extensions import db
from course.modules.programme.services import add_months
from course.modules.supervision.models import (
    FUNCTIONS,
    PARTS,
    SupervisionPart,
    SupervisionRecord,
)
from course.modules.supervision.schedule import MINIMUM_MINUTES, due_state
from course.modules.supervision.services import current_with_latest

LITTLE_TIME = 0.5  # a function covered in fewer than half the records gets little time


@dataclass
class Month:
    """One month's supervisions."""

    start: date
    count: int = 0
    minutes: int = 0
    long_enough: int = 0
    uninterrupted: int = 0
    clear: int = 0

    @property
    def label(self):
        """'Oct 2026'."""
        return f"{self.start:%b %Y}"

    @property
    def average_minutes(self):
        """Mean length, or None with no supervision."""
        return round(self.minutes / self.count) if self.count else None


def programme_months(cohort, today):
    """The first day of each month of the programme so far (the last 12 months without one)."""
    if cohort is not None:
        first, last = cohort.starts_on.replace(day=1), min(today, cohort.ends_on)
    else:
        first, last = add_months(today.replace(day=1), -11), today
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months or [today.replace(day=1)]


def due_table(manager, today):
    """[(supervisee, Due, last held_on, next date booked)] for current supervisees."""
    return _due_rows(current_with_latest(manager), today)


def due_table_and_overdue_actions(manager, today):
    """(`due_table`, how many open actions of current supervisees are past their date): the
    home page's glance, in one query."""
    rows = current_with_latest(manager, overdue_on=today)
    return _due_rows([row[:3] for row in rows], today), sum(row[3] for row in rows)


def _due_rows(rows, today):
    """Each supervisee's state, overdue first, then never supervised, due, and the rest."""
    rows = [
        (supervisee, due_state(supervisee, last, today), last, booked)
        for supervisee, last, booked in rows
    ]
    order = {"overdue": 0, "never": 1, "due": 2, "ok": 3}
    return sorted(rows, key=lambda row: (order[row[1].state], row[1].due_on or today))


def habits(manager, months):
    """(months, coverage, total): each month's figures, each part's share of the records, and
    how many records the months hold."""
    start, end = months[0], add_months(months[-1], 1)
    in_range = (
        SupervisionRecord.manager_id == manager.id,
        SupervisionRecord.held_on >= start,
        SupervisionRecord.held_on < end,
    )
    by_month = {m: Month(m) for m in months}
    rows = db.session.execute(
        select(
            SupervisionRecord.held_on,
            SupervisionRecord.minutes,
            SupervisionRecord.uninterrupted,
            SupervisionRecord.clarity_prompts,
        ).where(*in_range)
    )
    total = 0
    for row in rows:
        month = by_month[row.held_on.replace(day=1)]
        total += 1
        month.count += 1
        month.minutes += row.minutes
        month.long_enough += row.minutes >= MINIMUM_MINUTES
        month.uninterrupted += bool(row.uninterrupted)
        month.clear += row.clarity_prompts == 0
    counts = dict(
        db.session.execute(
            select(SupervisionPart.part, func.count())
            .join(SupervisionRecord, SupervisionRecord.id == SupervisionPart.record_id)
            .where(*in_range)
            .group_by(SupervisionPart.part)
        ).all()
    )
    coverage = [
        Coverage(key, label, counts.get(key, 0), total, key in FUNCTIONS)
        for key, label in PARTS.items()
    ]
    return list(by_month.values()), coverage, total


@dataclass
class Coverage:
    """How many records covered one part of the cycle or one function."""

    key: str
    label: str
    count: int
    total: int
    is_function: bool

    @property
    def share(self):
        """The share of records, 0..1."""
        return self.count / self.total if self.total else 0.0

    @property
    def percent(self):
        """Rounded percentage."""
        return round(100 * self.share)

    @property
    def little(self):
        """Whether this part gets little time."""
        return self.total > 0 and self.share < LITTLE_TIME


def coverage_chart(coverage, width=640, label_width=130, row_height=30):
    """Bar geometry for the four functions (a server-drawn SVG with its table)."""
    functions = [c for c in coverage if c.is_function]
    area = width - label_width - 70
    bars = [
        {
            "y": 10 + i * row_height,
            "label": c.label,
            "width": round(area * c.share, 1),
            "text": f"{c.percent}%",
            "little": c.little,
        }
        for i, c in enumerate(functions)
    ]
    return {
        "width": width,
        "height": 20 + len(bars) * row_height,
        "label_width": label_width,
        "row_height": row_height,
        "bars": bars,
        "summary": "; ".join(f"{c.label}: {c.percent}% of records" for c in functions) + ".",
    }
