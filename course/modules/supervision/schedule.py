"""How often a supervisee should be supervised, and whether they are due: pure functions.

The LGA employer standard (DOMAIN.md section 6): a newly qualified worker weekly for the first
six weeks, fortnightly to six months, then at least monthly; an experienced worker at least
monthly; each supervision at least 90 minutes, uninterrupted.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from course.modules.programme.services import add_months

MINIMUM_MINUTES = 90
DUE_SOON_DAYS = 7


def _step(policy, newly_qualified, started_on, on_day):
    """'weekly', 'fortnightly' or 'monthly': the gap that applies on a day."""
    if policy != "lga":
        return policy
    if newly_qualified and started_on is not None:
        if on_day < started_on + timedelta(weeks=6):
            return "weekly"
        if on_day < add_months(started_on, 6):
            return "fortnightly"
    return "monthly"


def _after(step, day):
    """The day one step after `day`."""
    if step == "weekly":
        return day + timedelta(days=7)
    if step == "fortnightly":
        return day + timedelta(days=14)
    return add_months(day, 1)


def expected_gap(supervisee, on_day):
    """'weekly', 'fortnightly' or 'monthly' for this supervisee on that day."""
    return _step(supervisee.policy, supervisee.newly_qualified, supervisee.started_on, on_day)


def next_due(supervisee, last_held_on, first_day=None):
    """The day the next supervision is due: one step after the last, or from the start."""
    if last_held_on is None:
        return supervisee.started_on or first_day
    return _after(expected_gap(supervisee, last_held_on), last_held_on)


def on_time(supervisee, previous_on, held_on):
    """Whether a supervision followed the one before within the policy's gap."""
    return held_on <= _after(expected_gap(supervisee, previous_on), previous_on)


@dataclass
class Due:
    """Where a supervisee stands against their policy today."""

    due_on: date | None
    state: str  # "overdue", "due", "ok" or "never"
    gap: str

    @property
    def label(self):
        """What the at-a-glance table says."""
        return {
            "overdue": "Overdue",
            "due": "Due soon",
            "ok": "On track",
            "never": "No supervision recorded yet",
        }[self.state]


def due_state(supervisee, last_held_on, today):
    """Overdue, due within a week, on track, or never supervised here."""
    gap = expected_gap(supervisee, today)
    if last_held_on is None:
        due_on = supervisee.started_on if supervisee.newly_qualified else None
        state = "overdue" if due_on is not None and due_on < today else "never"
        return Due(due_on, state, gap)
    due_on = next_due(supervisee, last_held_on)
    if due_on < today:
        state = "overdue"
    elif due_on <= today + timedelta(days=DUE_SOON_DAYS):
        state = "due"
    else:
        state = "ok"
    return Due(due_on, state, gap)
