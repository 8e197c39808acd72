"""The demo cohort: realistic accounts and a programme part-way through its year."""

import random
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from course.modules.accounts.passwords import hash_password
from course.modules.programme.services import add_months, create_programme
from course.timeutil import london_today

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
    return accounts


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


def seed_demo(password, today=None):
    """Create the demo cohort about half-way through its year; returns the Demo."""
    today = today or london_today()
    password_hash = hash_password(password)
    users = {}
    for email, name, role, team in demo_accounts():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email)
            db.session.add(user)
        user.name, user.role, user.team = name, role.value, team
        user.password_hash, user.active = password_hash, True
        users[email] = user
    db.session.flush()

    # Six sessions before today and five to come: the programme is under way.
    first = demo_first_session(today)
    cohort = Cohort(
        name=f"Demo Borough {first.year}-{str(first.year + 1)[-2:]}",
        organisation="Demo Borough Council Children's Social Care",
        starts_on=first.replace(day=1),
        ends_on=add_months(first, 11),
    )
    db.session.add(cohort)
    db.session.flush()
    sessions = create_programme(cohort, first=first)
    db.session.add_all(
        CohortMember(cohort_id=cohort.id, user_id=u.id)
        for u in users.values()
        if u.role != Role.ADMIN
    )
    db.session.flush()
    by_role = {role: [u for u in users.values() if u.role == role] for role in Role}
    demo = Demo(
        cohort=cohort,
        sessions=sessions,
        admin=by_role[Role.ADMIN][0],
        trainers=by_role[Role.TRAINER],
        seniors=by_role[Role.SENIOR_MANAGER],
        evaluator=by_role[Role.EVALUATOR][0],
        managers=by_role[Role.PARTICIPANT],
        today=today,
    )
    for name in MODULE_SEEDS:
        import_module(f"course.modules.{name}.demo").seed(demo)
        db.session.flush()
    db.session.commit()
    return demo
