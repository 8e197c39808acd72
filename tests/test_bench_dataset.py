"""The benchmark's national dataset, built small: real migrations, every kind of record, and
every page the benchmark measures answering its role (so `make bench` cannot quietly break)."""

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts.models import Cohort, Organisation, User
from course.modules.attendance.models import AttendanceMark
from course.modules.barriers.models import Barrier
from course.modules.journal.models import JournalEntry
from tests.bench import load

CLOCK = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock():
    """The dataset is built around 30 November 2026."""
    with time_machine.travel(CLOCK, tick=False):
        yield


def test_the_small_national_dataset_has_every_record_and_every_benchmarked_page_answers(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("COURSE_INSTANCE_PATH", str(tmp_path))
    app, accounts, pages, trainer_cohort = load.prepare(
        f"sqlite:///{tmp_path / 'national.sqlite'}", 0.02
    )
    with app.app_context():
        counts = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Organisation, Cohort, User, AttendanceMark, JournalEntry, Barrier)
        }
        archived = db.session.scalar(
            select(func.count()).select_from(Cohort).where(Cohort.archived_at.is_not(None))
        )
    assert counts["Organisation"] == 3
    assert counts["Cohort"] == 4 and archived == 1  # one organisation in its second year
    assert all(counts.values()), counts
    # Every page of every role answers 200, signed in through the real form (or it raises).
    queries = load.count_queries(app, accounts, pages, trainer_cohort)
    assert len(queries) == sum(len(paths) for paths in load.PAGES.values()) == 30
    with app.app_context():
        db.engine.dispose()
