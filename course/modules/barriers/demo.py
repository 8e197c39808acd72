"""Demo barriers: some themes pass K and some do not, quotations with and without consent,
batches released after sessions 1 to 5 with session 6's still waiting, and responses."""

from datetime import datetime, time, timedelta

from course.extensions import db
from course.modules.barriers.models import Barrier, BarrierResponse, BarrierStatus
from course.modules.barriers.themes import Theme
from course.timeutil import to_utc

# For each theme: (session, how many people raised it there for the first time). Sessions 1
# to 5 were released a day after each session; session 6's barriers are waiting for review.
# Chosen so that some themes pass K and some do not, one theme's stage breakdown is withheld,
# and figures step up over time.
SPREAD = {
    Theme.WORKLOAD: [(1, 6), (2, 4), (3, 1), (4, 2), (5, 2), (6, 2)],
    Theme.TIME: [(1, 5), (2, 2), (3, 3), (5, 1), (6, 1)],
    Theme.RECORDING: [(1, 3), (2, 2), (5, 5)],
    Theme.IT_SYSTEMS: [(2, 4), (3, 3), (6, 1)],
    Theme.OFFICE_SPACE: [(1, 1), (3, 2), (4, 2)],
    Theme.TURNOVER: [(2, 2), (4, 1), (6, 1)],
    Theme.DUAL_ROLE: [(3, 3), (6, 1)],
    Theme.COMPLIANCE: [(1, 1), (4, 2)],
    Theme.SPONSORSHIP: [(3, 1), (5, 1)],
    Theme.OWN_SUPERVISION: [(2, 1), (5, 1)],
    Theme.EMOTIONAL_AVOIDANCE: [(4, 2)],
    Theme.CONFIDENCE: [(3, 1)],
    Theme.OTHER: [(2, 1)],
}
# People raising a theme again at a later session: they still count once.
REPEATS = {Theme.WORKLOAD: [(4, 2)], Theme.TIME: [(4, 1), (6, 1)], Theme.RECORDING: [(3, 1)]}
# Raised aloud and logged by a trainer without a name: one voice each.
ALOUD = [(Theme.WORKLOAD, 2), (Theme.TIME, 4), (Theme.SPONSORSHIP, 5)]

# What people wrote, and the trainers' excerpt for quotation.
WORDS = {
    Theme.WORKLOAD: [
        (
            "My workers each hold over 25 children. Supervision is a list of case checks and "
            "there is no room to think about any one family.",
            "Supervision has become a list of case checks; there is no room to think.",
        ),
        (
            "I manage nine workers and two of them are newly qualified. I cannot give the "
            "weekly supervision they need and keep on top of allocations.",
            "I cannot give newly qualified workers the supervision they need and keep on top "
            "of allocations.",
        ),
        (
            "Duty weeks swallow everything. Reflective sessions are the first thing to go.",
            "Duty weeks swallow everything; reflection is the first thing to go.",
        ),
    ],
    Theme.TIME: [
        (
            "Supervision gets cancelled whenever there is a strategy meeting or a court "
            "deadline, which is most weeks.",
            "Supervision is cancelled whenever there is a strategy meeting or court deadline.",
        ),
        (
            "I never get an uninterrupted hour and a half; my phone goes all through it.",
            "I never get an uninterrupted hour and a half.",
        ),
        (
            "We book supervision and it is moved three times before it happens.",
            "Supervision is moved several times before it happens.",
        ),
    ],
    Theme.RECORDING: [
        (
            "The supervision template is all timescales and performance indicators. Nothing "
            "in it asks what the worker thinks is happening for the child.",
            "The template is all timescales; nothing asks what the worker thinks is happening "
            "for the child.",
        ),
        (
            "Audit asks whether supervision happened, not whether it helped anyone think.",
            "Audit asks whether supervision happened, not whether it helped.",
        ),
    ],
    Theme.IT_SYSTEMS: [
        (
            "Recording supervision in the case system takes longer than the session itself.",
            "Recording supervision takes longer than the session.",
        ),
        (
            "The system forces one case at a time, so themes across a caseload never get "
            "discussed.",
            "The system forces one case at a time, so patterns across a caseload are missed.",
        ),
    ],
    Theme.OFFICE_SPACE: [
        (
            "Since the move to hot-desking there is nowhere private to have a difficult "
            "conversation with a worker.",
            "There is nowhere private to have a difficult conversation with a worker.",
        ),
        (
            "The quiet rooms are always booked for contact sessions.",
            "The quiet rooms are always booked.",
        ),
    ],
    Theme.TURNOVER: [
        (
            "Half my team are agency workers on short contracts; by the time trust builds they "
            "have moved on.",
            "By the time trust builds, agency workers have moved on.",
        ),
    ],
    Theme.DUAL_ROLE: [
        (
            "Workers will not admit doubt to the person who also does their appraisal.",
            "Workers will not admit doubt to the person who does their appraisal.",
        ),
    ],
    Theme.COMPLIANCE: [
        (
            "After the last inspection everything is about evidencing that we did it by the book.",
            "Everything is about evidencing that we did it by the book.",
        ),
    ],
    Theme.SPONSORSHIP: [
        (
            "When I try what we learn here, my own manager asks why the numbers are slipping.",
            "My own manager asks why the numbers are slipping.",
        ),
    ],
    Theme.OWN_SUPERVISION: [
        ("I have not had supervision myself since the spring.", None),
    ],
    Theme.EMOTIONAL_AVOIDANCE: [
        (
            "The team jokes its way past anything upsetting; slowing down feels dangerous.",
            "The team jokes its way past anything upsetting.",
        ),
    ],
    Theme.CONFIDENCE: [
        ("I was never trained to supervise; I copy what my old manager did.", None),
    ],
    Theme.OTHER: [
        ("Parking at the civic centre makes people late for supervision.", None),
    ],
}

RESPONSES = [
    (Theme.WORKLOAD, "A caseload weighting review across the assessment and child protection "
     "teams, with a ceiling agreed with team managers.",
     "Head of Service, Children's Social Care", 60, "in_progress", None),
    (Theme.TIME, "Supervision blocked in diaries is protected: no meetings may be booked over "
     "it without the team manager's agreement.", "Service Manager, Assessment", -14,
     "planned", None),
    (Theme.IT_SYSTEMS, "A shorter supervision recording form in the case system, with a "
     "section for reflection and one for actions.", "Business Systems Manager", -30,
     "done", None),
    (Theme.OFFICE_SPACE, "Two bookable rooms kept for supervision in each building.",
     "Facilities Lead", -7, "not_possible",
     "The building lease does not allow more meeting rooms before 2027. Instead, the "
     "second-floor library is kept free for supervision on Tuesday and Thursday mornings."),
]  # fmt: skip


def _raisings(demo):
    """(theme, person or None, session number) for every demo barrier."""
    raisings = []
    for theme, spread in SPREAD.items():
        # Team managers only: senior managers' own barriers are not counted in the figures.
        people = demo.rng.sample(demo.managers, sum(n for _, n in spread))
        for number, count in spread:
            raisings += [(theme, people.pop(), number) for _ in range(count)]
        earlier = [person for t, person, _ in raisings if t == theme]
        for number, count in REPEATS.get(theme, []):
            raisings += [(theme, person, number) for person in earlier[:count]]
    raisings += [(theme, None, number) for theme, number in ALOUD]
    return raisings


def seed(demo):
    """Add the demo barriers and responses."""
    held = [s for s in demo.sessions if s.number <= 6]
    releases = {
        s.number: to_utc(datetime.combine(s.ends_at.date() + timedelta(days=1), time(10)))
        for s in held[:5]
    }
    rows = []
    for theme, person, number in _raisings(demo):
        text, excerpt = demo.rng.choice(WORDS[theme])
        consent = person is not None and demo.rng.random() < 0.45
        course_session = held[number - 1]
        released_at = releases.get(number)
        rows.append(
            Barrier(
                cohort_id=demo.cohort.id,
                theme=theme,
                text=text,
                excerpt=excerpt if consent and released_at else None,
                raised_by_id=person.id if person else None,
                logged_by_id=None if person else demo.trainers[0].id,
                session_id=course_session.id,
                period=number,
                quote_consent=consent,
                status=BarrierStatus.RELEASED if released_at else BarrierStatus.NEW,
                created_at=course_session.ends_at - timedelta(minutes=30),
                released_at=released_at,
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    _merge_a_duplicate(rows)
    _add_responses(demo)


def _merge_a_duplicate(rows):
    """Group one waiting workload barrier with an earlier one, for the trainers to see."""
    waiting = [b for b in rows if b.status == BarrierStatus.NEW and b.theme == Theme.WORKLOAD]
    released = [b for b in rows if b.released_at and b.theme == Theme.WORKLOAD]
    if waiting and released:
        waiting[0].status = BarrierStatus.MERGED
        waiting[0].merged_into_id = released[0].id


def _add_responses(demo):
    """Responses in each state, one of them overdue."""
    author = demo.seniors[0]
    for theme, words, owner, due_in, status, reason in RESPONSES:
        db.session.add(
            BarrierResponse(
                cohort_id=demo.cohort.id,
                theme=theme,
                response=words,
                owner=owner,
                due_on=demo.today + timedelta(days=due_in),
                status=status,
                reason=reason,
                created_by_id=author.id,
            )
        )
