"""A national dataset: 150 organisations, 170 cohorts, 5,800 people and a year of their records.

    .venv/bin/python tests/bench/national.py --database-url sqlite:////tmp/national.sqlite
    .venv/bin/python tests/bench/national.py --scale 0.1   # a tenth of it, for a quick look

Into an empty database whose schema exists (or is made here with --create). Rows go in with
bulk inserts and ids chosen here, so the full size takes about a minute on SQLite. Every person
has the password PASSWORD. Twenty organisations are in their second year: last year's cohort is
finished and archived. Each cohort has 31 participants and 2 senior managers, 2 trainers from a
pool of 40 who work across organisations (so each trainer is in about 9 cohorts), and one of
6 evaluators; each organisation has its own administrator.
"""

import argparse
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).parents[2]))

from course import create_app  # noqa: E402
from course.extensions import db  # noqa: E402
from course.modules.accounts.models import (  # noqa: E402
    Cohort,
    CohortMember,
    Organisation,
    Role,
    User,
)
from course.modules.accounts.passwords import hash_password  # noqa: E402
from course.modules.attendance.models import AttendanceMark, CatchUp  # noqa: E402
from course.modules.barriers.models import Barrier, BarrierResponse  # noqa: E402
from course.modules.barriers.themes import Theme  # noqa: E402
from course.modules.journal.models import JournalDraft, JournalEntry  # noqa: E402
from course.modules.notifications.models import Notification  # noqa: E402
from course.modules.presentations.models import Presentation  # noqa: E402
from course.modules.programme.models import CourseSession  # noqa: E402
from course.modules.programme.outline import OUTLINE  # noqa: E402
from course.modules.programme.services import (  # noqa: E402
    DEFAULT_END,
    DEFAULT_START,
    add_months,
    monthly_dates,
)
from course.modules.readings.models import ReadingProgress, SessionReading  # noqa: E402
from course.modules.readings.services import attach_to_cohort, sync_readings  # noqa: E402
from course.timeutil import london_today, to_utc  # noqa: E402

PASSWORD = "national benchmark passphrase"
ORGANISATIONS = 150
SECOND_YEAR = 20  # organisations running the programme again: 150 + 20 = 170 cohorts
PARTICIPANTS, SENIORS = 31, 2
TRAINERS, EVALUATORS = 40, 6
JOURNAL_ENTRIES = 60_000
STATUSES = ["present"] * 88 + ["late"] * 4 + ["left_early"] * 2 + ["apologies"] * 4 + ["absent"] * 2
WORDS = [
    "supervision", "case", "family", "risk", "worker", "reflect", "feeling", "anxious", "visit",
    "plan", "child", "team", "manager", "court", "conference", "recording", "time", "space",
    "think", "notice", "pattern", "curious", "hypothesis", "mother", "father", "school",
    "health", "police", "threshold", "assessment", "review", "meeting", "strategy",
]  # fmt: skip


def _text(rng, words):
    """Plausible filler text of about `words` words."""
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


class Ids:
    """Hands out ids table by table, so rows can refer to each other before they are inserted."""

    def __init__(self):
        self.next = {}

    def __call__(self, table):
        self.next[table] = self.next.get(table, 0) + 1
        return self.next[table]


def _bulk(model, rows, chunk=5000):
    """Insert plain dicts fast (Core executemany), in chunks."""
    for start in range(0, len(rows), chunk):
        db.session.execute(insert(model), rows[start : start + chunk])


def build(scale=1.0, today=None, seed=2026, log=print):
    """Fill an empty database; returns a dict of sample accounts for the benchmark."""
    rng = random.Random(seed)
    today = today or london_today()
    now = to_utc(datetime.combine(today, DEFAULT_START))
    started = time.perf_counter()
    ids = Ids()
    password_hash = hash_password(PASSWORD)
    sync_readings()
    db.session.commit()
    organisations = max(2, round(ORGANISATIONS * scale))
    second_year = max(1, round(SECOND_YEAR * scale))
    trainers = max(2, round(TRAINERS * scale))
    evaluators = max(1, round(EVALUATORS * scale))

    users, orgs, cohorts, members = [], [], [], []

    def person(role, email, org_id=None, team=None):
        user_id = ids("user")
        users.append(
            dict(id=user_id, email=email, name=f"{role.label} {user_id}", role=role.value,
                 team=team, password_hash=password_hash, active=True, organisation_id=org_id,
                 created_at=now - timedelta(days=400))
        )  # fmt: skip
        return user_id

    person(Role.ADMIN, "admin@national.example")
    trainer_ids = [person(Role.TRAINER, f"trainer{n}@national.example") for n in range(trainers)]
    evaluator_ids = [
        person(Role.EVALUATOR, f"evaluator{n}@national.example") for n in range(evaluators)
    ]
    attendees, trainer_of = {}, {}  # cohort id -> [user ids], its first trainer
    for o in range(organisations):
        org_id = ids("organisation")
        orgs.append(dict(id=org_id, name=f"Council {o:03d}", slug=f"council-{o:03d}",
                         created_at=now - timedelta(days=500)))  # fmt: skip
        person(Role.ADMIN, f"admin{o}@council{o:03d}.example", org_id)
        # The current cohort started 5 to 11 months ago; a second-year organisation's first
        # cohort a year before that, finished and archived.
        first = add_months(today, -rng.randint(5, 11))
        years = [add_months(first, -12), first] if o < second_year else [first]
        for year, start in enumerate(years):
            cohort_id = ids("cohort")
            archived = start is not first
            cohorts.append(
                dict(id=cohort_id, name=f"Council {o:03d} {start.year}-{year}",
                     organisation_id=org_id, starts_on=start.replace(day=1),
                     ends_on=add_months(start, 11), archived_at=now if archived else None)
            )  # fmt: skip
            people = [
                person(Role.PARTICIPANT, f"p{cohort_id}-{n}@council{o:03d}.example", org_id,
                       f"Team {n % 8}")
                for n in range(PARTICIPANTS)
            ] + [
                person(Role.SENIOR_MANAGER, f"s{cohort_id}-{n}@council{o:03d}.example", org_id)
                for n in range(SENIORS)
            ]  # fmt: skip
            attendees[cohort_id] = people
            staff = rng.sample(trainer_ids, 2) + [rng.choice(evaluator_ids)]
            trainer_of[cohort_id] = staff[0]
            joined = to_utc(datetime.combine(start, DEFAULT_START))
            for user_id in people + staff:
                members.append(dict(cohort_id=cohort_id, user_id=user_id, joined_at=joined))
    _bulk(Organisation, orgs)
    _bulk(User, users)
    _bulk(Cohort, cohorts)
    _bulk(CohortMember, members)
    log(f"  {len(orgs)} organisations, {len(cohorts)} cohorts, {len(users)} people")

    sessions = []
    for cohort in cohorts:
        start = cohort["starts_on"]
        for number, (day, (title, focus)) in enumerate(
            zip(monthly_dates(start), OUTLINE, strict=True), start=1
        ):
            sessions.append(
                dict(id=ids("course_session"), cohort_id=cohort["id"], number=number,
                     title=title, focus=focus, location=f"Room {number}, Civic Centre",
                     starts_at=to_utc(datetime.combine(day, DEFAULT_START)),
                     ends_at=to_utc(datetime.combine(day, DEFAULT_END)), presentation_slots=2,
                     cancelled=False, sequence=0, updated_at=now)
            )  # fmt: skip
    _bulk(CourseSession, sessions)
    for cohort in db.session.scalars(select(Cohort)):
        attach_to_cohort(cohort)
    db.session.flush()
    readings_of = {}
    for session_id, reading_id in db.session.execute(
        select(SessionReading.session_id, SessionReading.reading_id)
    ):
        readings_of.setdefault(session_id, []).append(reading_id)
    held = [s for s in sessions if s["ends_at"] <= now]
    log(f"  {len(sessions)} sessions, {len(held)} held")

    marks, catch_ups, progress, presentations, notifications = [], [], [], [], []
    read = set()
    for s in held:
        people = attendees[s["cohort_id"]]
        trainer = trainer_of[s["cohort_id"]]
        for user_id in people:
            status = rng.choice(STATUSES)
            own = status == "apologies" and rng.random() < 0.7
            marks.append(
                dict(session_id=s["id"], user_id=user_id, status=status,
                     apology_reason=rng.choice(["court", "sickness", "leave", "other"])
                     if status == "apologies" else None,
                     marked_by_id=user_id if own else trainer,
                     marked_at=s["starts_at"] - timedelta(days=3) if own else s["ends_at"])
            )  # fmt: skip
            if status in ("apologies", "absent") and rng.random() < 0.6:
                sent = s["ends_at"] + timedelta(days=rng.randint(3, 30))
                approved = sent if rng.random() < 0.7 and sent < now else None
                catch_ups.append(
                    dict(session_id=s["id"], user_id=user_id, task="Read and reflect.",
                         reflection=_text(rng, 40), submitted_at=min(sent, now),
                         approved_at=approved, approved_by_id=trainer if approved else None,
                         due_on=None, created_at=min(sent, now))
                )  # fmt: skip
            for reading_id in readings_of.get(s["id"], []):
                if (user_id, reading_id) not in read and rng.random() < 0.7:
                    read.add((user_id, reading_id))
                    progress.append(dict(user_id=user_id, reading_id=reading_id,
                                         read_at=s["starts_at"] - timedelta(days=2)))  # fmt: skip
            notifications.append(
                dict(user_id=user_id, kind="session_reminder", subject="Reminder: session",
                     body=_text(rng, 30), link=f"/programme/{s['id']}", essential=False,
                     created_at=s["starts_at"] - timedelta(days=3), email_status="sent",
                     attempts=1, read_at=s["starts_at"] - timedelta(days=2),
                     dedupe_key=f"reminder:{s['id']}:{user_id}")
            )  # fmt: skip
        for slot, presenter in enumerate(rng.sample(people[:PARTICIPANTS], 2), start=1):
            presentations.append(
                dict(session_id=s["id"], presenter_id=presenter, kind="stuck_case",
                     title=_text(rng, 6)[:190], brief=None, status="given", position=slot,
                     slot=slot, created_at=s["starts_at"] - timedelta(days=20),
                     brief_deleted_at=s["ends_at"] + timedelta(days=7))
            )  # fmt: skip
    for batch, model in (
        (marks, AttendanceMark), (catch_ups, CatchUp), (progress, ReadingProgress),
        (presentations, Presentation), (notifications, Notification),
    ):  # fmt: skip
        _bulk(model, batch)
    log(f"  {len(marks)} marks, {len(catch_ups)} catch-ups, {len(progress)} readings read, "
        f"{len(presentations)} presentations, {len(notifications)} notifications")  # fmt: skip

    entries, drafts = [], []
    everyone = [(c, u) for c, people in attendees.items() for u in people]
    held_by_cohort = {}
    for s in held:
        held_by_cohort.setdefault(s["cohort_id"], []).append(s)
    for n in range(round(JOURNAL_ENTRIES * scale)):
        cohort_id, author = everyone[n % len(everyone)]
        past = held_by_cohort.get(cohort_id) or sessions[:1]
        s = rng.choice(past)
        written = min(s["ends_at"] + timedelta(days=rng.randint(0, 20)), now)
        shared = rng.random() < 0.1
        entries.append(
            dict(id=ids("journal_entry"), author_id=author, cohort_id=cohort_id,
                 title=_text(rng, 5)[:190], body=_text(rng, 120), framework="free",
                 session_id=s["id"], shared_with_trainers=shared,
                 shared_at=written if shared else None, created_at=written, updated_at=written,
                 version=1)
        )  # fmt: skip
    for _cohort_id, author in everyone[: len(everyone) // 6]:
        drafts.append(
            dict(user_id=author, reason="autosave", title="Half a thought",
                 body=_text(rng, 60), framework="free", tags="", saved_at=now)
        )  # fmt: skip
    _bulk(JournalEntry, entries)
    _bulk(JournalDraft, drafts)
    log(f"  {len(entries)} journal entries, {len(drafts)} drafts")

    barriers, responses = [], []
    themes = list(Theme)
    for cohort in cohorts:
        past = held_by_cohort.get(cohort["id"], [])
        people = attendees[cohort["id"]]
        for s in past[:6]:
            released = s["ends_at"] + timedelta(days=1)
            for raiser in rng.sample(people, 5):
                theme = themes[min(int(rng.expovariate(0.5)), len(themes) - 1)]
                barriers.append(
                    dict(cohort_id=cohort["id"], theme=theme.value, text=_text(rng, 30),
                         raised_by_id=raiser, session_id=s["id"], period=s["number"],
                         quote_consent=False, status="released" if released < now else "new",
                         created_at=s["ends_at"], released_at=released if released < now else None)
                )  # fmt: skip
        for theme in themes[:5]:
            responses.append(
                dict(cohort_id=cohort["id"], theme=theme.value, response=_text(rng, 25),
                     owner="Head of Service", due_on=today + timedelta(days=rng.randint(-30, 60)),
                     status="planned", created_by_id=people[-1], created_at=now, updated_at=now)
            )  # fmt: skip
    _bulk(Barrier, barriers)
    _bulk(BarrierResponse, responses)
    log(f"  {len(barriers)} barriers, {len(responses)} responses")
    _reset_sequences()
    db.session.commit()
    _analyse()
    log(f"  built in {time.perf_counter() - started:.0f}s")
    return sample_accounts()


def _analyse():
    """PostgreSQL: gather the planner's statistics now, as autovacuum would soon after on a
    live database; measured straight after bulk inserts, the planner would guess from none."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _reset_sequences():
    """PostgreSQL: after inserts with chosen ids, the id sequences carry on from the largest."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c:
            biggest = db.session.scalar(select(func.max(table.c.id))) or 0
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :next, false)"),
                {"table": f'"{table.name}"', "next": biggest + 1},
            )


def sample_accounts():
    """One account of each kind, from the busiest places: for the benchmark to sign in as."""
    trainer = db.session.execute(
        select(User.email)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(User.role == Role.TRAINER)
        .group_by(User.id, User.email)
        .order_by(func.count().desc(), User.id)
        .limit(1)
    ).scalar()
    current = select(Cohort.id).where(Cohort.archived_at.is_(None))

    def first_in_current(role):
        return db.session.scalar(
            select(User.email)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(User.role == role, CohortMember.cohort_id.in_(current))
            .order_by(User.id)
            .limit(1)
        )

    org_admin = db.session.scalar(
        select(User.email)
        .where(User.role == Role.ADMIN, User.organisation_id.is_not(None))
        .order_by(User.id)
        .limit(1)
    )
    return {
        "participant": first_in_current(Role.PARTICIPANT),
        "senior_manager": first_in_current(Role.SENIOR_MANAGER),
        "trainer": trainer,
        "evaluator": first_in_current(Role.EVALUATOR),
        "admin": "admin@national.example",
        "organisation admin": org_admin,
    }


def main():
    """Build the dataset into the database the arguments name."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="sqlite:////tmp/national.sqlite")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--create", action="store_true", help="make the schema first")
    args = parser.parse_args()
    app = create_app({"SECRET_KEY": "national", "SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        if args.create:
            db.create_all()
        print(build(args.scale))


if __name__ == "__main__":
    main()
