"""The moments CI runs the date-sensitive tests at, one a line, in UK time (see .ci/run).

The clock changes, New Year's Eve and a leap day are fixed; the day before a demo session, the
morning of one and its afternoon are worked out from the demo cohort's dates as seed-demo lays
them out when it runs on that day (its session 7 is the Tuesday on or after the day it is loaded,
or after it once that day's session has begun).
"""

from datetime import datetime, timedelta

from course.modules.programme.services import add_months, monthly_dates
from tests.clock import DEFAULT_NOW

FIXED = [
    "2027-03-28T00:30",  # the clocks go forward at 01:00 GMT: half an hour before
    "2027-03-28T01:30",  # a time that does not exist in the UK: read as 01:30 GMT (02:30 BST)
    "2027-10-31T01:30",  # the clocks go back: the first 01:30 (BST)
    "2026-12-31T23:59",  # New Year's Eve, a minute before midnight
    "2028-02-29T12:00",  # a leap day
]


def demo_sessions(today):
    """The days of the demo cohort's sessions when seed-demo runs on `today` (course.demo)."""
    return monthly_dates(add_months(today, -6))


def demo_moments(start):
    """The day before a demo session at noon, the morning of one at 08:30 and its afternoon at
    15:00 (seed-demo then lays the demo out from the next day), from `start` on."""
    day_before = morning = None
    for offset in range(60):
        day = start + timedelta(days=offset)
        sessions = demo_sessions(day)
        if day_before is None and day + timedelta(days=1) in sessions:
            day_before = f"{day.isoformat()}T12:00"
        if morning is None and day in sessions:
            morning = f"{day.isoformat()}T08:30"
    return [day_before, morning, morning.replace("T08:30", "T15:00")]


def moments(start=None):
    """Every moment: the fixed ones, then the two demo ones after the suite's default moment."""
    start = start or datetime.fromisoformat(DEFAULT_NOW).date()
    return [*FIXED, *demo_moments(start)]


if __name__ == "__main__":
    print("\n".join(moments()))
