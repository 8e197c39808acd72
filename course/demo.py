"""The demo cohort: realistic accounts and a programme part-way through its year."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import import_module

from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Organisation, Role, User
from course.modules.accounts.passwords import hash_password
from course.modules.programme.services import (
    DEFAULT_START,
    SESSION_WEEKDAY,
    add_months,
    create_programme,
)
from course.timeutil import london_today, to_utc, utcnow

DEMO_DOMAIN = "example.org"
TEAMS = [
    "Assessment Team 1", "Assessment Team 2", "Child Protection Team 1",
    "Child Protection Team 2", "Children in Care", "Leaving Care", "Disabled Children",
    "Family Support",
]  # fmt: skip
FIRST_NAMES = [
    "Amira", "Ben", "Chloe", "David", "Esther", "Farid", "Grace", "Harpreet", "Imogen", "James",
    "Kemi", "Liam", "Maria", "Nadia", "Owen", "Priya", "Rachel", "Sam", "Tariq", "Una",
    "Victor", "Wendy", "Yusuf", "Zoe", "Aisha", "Bernard", "Ciara", "Dominic", "Eleni", "Femi",
    "Gemma", "Hassan", "Isla", "Joel", "Kirsty", "Leon",
]  # fmt: skip
SURNAMES = [
    "Ahmed", "Brennan", "Clarke", "Davies", "Evans", "Fraser", "Gill", "Hughes", "Ibrahim",
    "Jones", "Khan", "Lewis", "Morgan", "Nowak", "Okafor", "Patel", "Quinn", "Robinson", "Shah",
    "Taylor", "Usman", "Vaughan", "Walsh", "Young", "Zielinski", "Baker", "Campbell", "Doyle",
    "Edwards", "Francis", "Green", "Hall", "Iqbal", "Johnson", "King", "Lloyd",
]  # fmt: skip
DEMO_ORGANISATION = "Demo Borough Council Children's Social Care"
# The other demo cohorts have no rota (its demo is written for the main cohort's 36 people).
OTHER_COHORT_SEEDS = ("readings", "attendance", "journal", "barriers")
# A second council whose cohort trainer1 and the evaluator also work in (issue 18).
SECOND_ORGANISATION = "Northfield City Council Children's Services"
# Participants of last year's (archived) Demo Borough cohort and of Northfield's cohort.
LAST_YEAR_MANAGERS = range(57, 77)
NORTHFIELD_MANAGERS = range(37, 57)
# Later modules' demo data, added in this order.
MODULE_SEEDS = (
    "readings", "attendance", "presentations", "journal", "barriers", "notifications",
    "evaluation",
    "supervision",
)  # fmt: skip


@dataclass
class Demo:
    """What each module's demo seed needs."""

    cohort: Cohort
    sessions: list
    admin: User
    trainers: list[User]
    seniors: list[User]
    evaluator: User
    managers: list[User]
    today: date
    # Demo data, not a secret: a seeded generator makes the same demo each time.
    rng: random.Random = field(default_factory=lambda: random.Random(2010))  # nosec B311

    @property
    def attendees(self):
        """Everyone who attends sessions: managers and senior managers."""
        return self.managers + self.seniors


def demo_accounts():
    """(email, name, role, team) of every demo account."""
    accounts = [
        (f"admin@{DEMO_DOMAIN}", "Alex Administrator", Role.ADMIN, None),
        (f"trainer1@{DEMO_DOMAIN}", "Dr Judith Bellamy", Role.TRAINER, None),
        (f"trainer2@{DEMO_DOMAIN}", "Dr David Lawton", Role.TRAINER, None),
        (f"senior1@{DEMO_DOMAIN}", "Sandra Okoye", Role.SENIOR_MANAGER, "Senior management"),
        (f"senior2@{DEMO_DOMAIN}", "Martin Hale", Role.SENIOR_MANAGER, "Senior management"),
        (f"senior3@{DEMO_DOMAIN}", "Fiona Reid", Role.SENIOR_MANAGER, "Senior management"),
        (f"evaluator@{DEMO_DOMAIN}", "Eva Lindqvist", Role.EVALUATOR, None),
    ]
    for n in range(1, 37):
        name = f"{FIRST_NAMES[n - 1]} {SURNAMES[(n * 7) % len(SURNAMES)]}"
        team = TEAMS[(n - 1) % len(TEAMS)]
        accounts.append((f"manager{n:02d}@{DEMO_DOMAIN}", name, Role.PARTICIPANT, team))
    return accounts + other_cohort_accounts()


def other_cohort_accounts():
    """(email, name, role, team) of Northfield's people and last year's Demo Borough cohort."""
    accounts = [
        (f"admin2@{DEMO_DOMAIN}", "Nia Administrator", Role.ADMIN, None),
        (f"senior4@{DEMO_DOMAIN}", "Graham Pike", Role.SENIOR_MANAGER, "Senior management"),
    ]
    for n in [*NORTHFIELD_MANAGERS, *LAST_YEAR_MANAGERS]:
        name = f"{FIRST_NAMES[-n % 36]} {SURNAMES[(n * 11) % len(SURNAMES)]}"
        team = TEAMS[n % len(TEAMS)]
        accounts.append((f"manager{n:02d}@{DEMO_DOMAIN}", name, Role.PARTICIPANT, team))
    return accounts


def _organisation_of(email):
    """Which demo organisation an account belongs to (None for cross-organisation staff)."""
    local = email.split("@")[0]
    if local in ("admin2", "senior4") or (
        local.startswith("manager") and int(local[7:]) in NORTHFIELD_MANAGERS
    ):
        return SECOND_ORGANISATION
    if local.startswith(("manager", "senior")):
        return DEMO_ORGANISATION
    return None


def has_other_users():
    """Whether the database holds any account that is not a demo account."""
    demo_emails = [email for email, *_ in demo_accounts()]
    return db.session.scalar(select(User.id).where(User.email.not_in(demo_emails)).limit(1))


def demo_first_session(today):
    """The day the demo's monthly sessions start from, so that six fall before `today`.

    Six months back; but 31 March less six months is 30 September, and six months on from that
    is 30 March, which would put a seventh session before the 31st: start that much later.
    """
    first = add_months(today, -6)
    return first + (today - add_months(first, 6))


def demo_layout_day(today):
    """The day the demo is laid out from: today, or tomorrow once today's session has begun.

    Seeded on a session day after 9:30am, the seventh session would already be under way; the
    demo then lays out from tomorrow, so that session 7 is still the next one to come.
    """
    started = to_utc(datetime.combine(today, DEFAULT_START)) <= utcnow()
    if today == london_today() and today.weekday() == SESSION_WEEKDAY and started:
        return today + timedelta(days=1)
    return today


def seed_demo(password, today=None):
    """Create the demo cohort about half-way through its year; returns its Demo.

    Also Demo Borough's cohort of last year (finished and archived) and Northfield's cohort
    (a second organisation, with trainer1 and the evaluator working in both).
    """
    today = today or london_today()
    password_hash = hash_password(password)
    organisations = {
        name: Organisation.named(name) for name in (DEMO_ORGANISATION, SECOND_ORGANISATION)
    }
    users = {}
    for email, name, role, team in demo_accounts():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email)
            db.session.add(user)
        user.name, user.role, user.team = name, role.value, team
        user.password_hash, user.active = password_hash, True
        organisation = _organisation_of(email)
        user.organisation = organisations[organisation] if organisation else None
        users[email] = user
    db.session.flush()

    def people(*emails):
        return [users[f"{email}@{DEMO_DOMAIN}"] for email in emails]

    staff = people("trainer1", "trainer2", "evaluator")
    # Six sessions before today and five to come: the programme is under way.
    first = demo_first_session(demo_layout_day(today))
    demo = _seed_cohort(
        f"Demo Borough {first.year}-{str(first.year + 1)[-2:]}",
        organisations[DEMO_ORGANISATION],
        first,
        today,
        [*staff, *people("senior1", "senior2", "senior3"), *people(*_managers(range(1, 37)))],
        admin=users[f"admin@{DEMO_DOMAIN}"],
    )
    # Last year's run: all 11 sessions held; archived, so year-on-year figures show.
    before = add_months(first, -12)
    last_year = _seed_cohort(
        f"Demo Borough {before.year}-{str(before.year + 1)[-2:]}",
        organisations[DEMO_ORGANISATION],
        before,
        today,
        [*staff, *people("senior1", "senior2"), *people(*_managers(LAST_YEAR_MANAGERS))],
        admin=users[f"admin@{DEMO_DOMAIN}"],
        modules=OTHER_COHORT_SEEDS,
    )
    last_year.cohort.archived_at = utcnow()
    # Northfield started two months before Demo Borough's current cohort.
    northfield = add_months(first, -2)
    _seed_cohort(
        f"Northfield {northfield.year}-{str(northfield.year + 1)[-2:]}",
        organisations[SECOND_ORGANISATION],
        northfield,
        today,
        [*people("trainer1", "evaluator", "senior4"), *people(*_managers(NORTHFIELD_MANAGERS))],
        admin=users[f"admin2@{DEMO_DOMAIN}"],
        modules=OTHER_COHORT_SEEDS,
    )
    db.session.commit()
    return demo


def _managers(numbers):
    """The local parts of some demo managers' addresses."""
    return [f"manager{n:02d}" for n in numbers]


def _seed_cohort(name, organisation, first, today, members, admin, modules=MODULE_SEEDS):
    """One demo cohort whose first session is on `first`, with the modules' demo data."""
    cohort = Cohort(
        name=name,
        organisation=organisation,
        starts_on=first.replace(day=1),
        ends_on=add_months(first, 11),
    )
    db.session.add(cohort)
    db.session.flush()
    sessions = create_programme(cohort, first=first)
    db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=u.id) for u in members)
    db.session.flush()
    by_role = {role: [u for u in members if u.role == role] for role in Role}
    demo = Demo(
        cohort=cohort,
        sessions=sessions,
        admin=admin,
        trainers=by_role[Role.TRAINER],
        seniors=by_role[Role.SENIOR_MANAGER],
        evaluator=by_role[Role.EVALUATOR][0],
        managers=by_role[Role.PARTICIPANT],
        today=today,
    )
    for module in modules:
        import_module(f"course.modules.{module}.demo").seed(demo)
        db.session.flush()
    return demo
