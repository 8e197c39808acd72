"""The suite's clock: every test runs at a stated moment, by default DEFAULT_NOW.

    .venv/bin/pytest --now=2027-03-28T00:30            # UK local time
    .venv/bin/pytest --now=2027-10-31T01:30+00:00      # an offset picks the second 01:30
    COURSE_TEST_NOW=2028-02-29T12:00 .venv/bin/pytest  # the same through the environment
    .venv/bin/pytest --now=real                        # the machine's own clock (e.g. libfaketime)

Each test starts at the moment and the clock then ticks on (time-machine, tick=True), so what a
test sees never depends on the day it runs. A local time that does not exist (01:30 on the night
the clocks go forward) is read with the offset before the change, as Python does (fold=0): 01:30
GMT, which is 02:30 BST. A local time that happens twice (01:30 on the night they go back) is the
first one (BST) unless an offset is given.
"""

import os
from datetime import UTC, datetime

import pytest
import time_machine

from course.timeutil import LONDON

# An ordinary Wednesday morning in the autumn term, half-way through a programme.
DEFAULT_NOW = "2026-11-18T10:00"
REAL = "real"


def pytest_addoption(parser):
    """--now=MOMENT (or COURSE_TEST_NOW): run the suite as if it were that moment."""
    parser.addoption(
        "--now",
        default=os.environ.get("COURSE_TEST_NOW") or DEFAULT_NOW,
        help="run every test as if it started at this moment: 2027-03-28T00:30 (UK time "
        "unless an offset is given), or 'real' for the machine's clock; also COURSE_TEST_NOW "
        f"(default {DEFAULT_NOW})",
    )


def parse_moment(text):
    """An aware UTC datetime for '2027-03-28T00:30' (London) or '...+01:00'; None for 'real'."""
    text = text.strip()
    if text.lower() == REAL:
        return None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError as error:
        raise pytest.UsageError(
            f"--now / COURSE_TEST_NOW: {text!r} is not a moment like 2027-03-28T00:30"
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


def suite_moment(config):
    """The moment the suite runs at (aware UTC), or None on the machine's clock."""
    return parse_moment(config.getoption("--now"))


def pytest_configure(config):
    """Check the moment once, so a typo stops the run before any test."""
    suite_moment(config)


def pytest_report_header(config):
    """Say in every run's header which moment it runs at."""
    moment = suite_moment(config)
    if moment is None:
        return "now: the machine's clock (--now=real)"
    local = moment.astimezone(LONDON)
    return f"now: {local:%Y-%m-%d %H:%M %Z} ({moment:%H:%M} UTC); --now or COURSE_TEST_NOW"


@pytest.fixture(autouse=True)
def clock(request):
    """Every test starts at the suite's moment and time then runs on; yields that moment."""
    moment = suite_moment(request.config)
    if moment is None:
        yield datetime.now(UTC)
        return
    with time_machine.travel(moment, tick=True):
        yield moment
