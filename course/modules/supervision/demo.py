"""Demo data for the supervision log: eight managers and a senior manager, each with two or three
supervisees (by pseudonym) and five months of records; some actions unclear, some overdue.
Deterministic for a given demo date; every text passes the anonymisation check."""

import random
from datetime import timedelta

from course.extensions import db
from course.modules.supervision.clarity import (
    ActionInput,
    RecordInput,
    ReviewInput,
    clarity_prompts,
)
from course.modules.supervision.models import Supervisee
from course.modules.supervision.services import actions_to_review, create_record

LABELS = [("SW1", False), ("SW2", False), ("Newly qualified A", True)]
NOTES = {
    "experience": [
        "Two home visits this month where Mother would not open the door.",
        "A strategy discussion that went well; the school is now sharing concerns early.",
        "Child B's bruising was explained differently by each parent.",
        "Court work took most of the month; visits were squeezed.",
    ],
    "reflection": [
        "SW1 said she dreads the visits and then feels guilty for dreading them.",
        "We noticed we were both reassured too quickly by the improved attendance.",
        "The worker felt undermined when the plan changed without her.",
        "I realised I was rushing to the plan because of my own anxiety.",
    ],
    "analysis": [
        "Two hypotheses: neglect linked to Mother's low mood, or a family coping with poverty.",
        "Disguised compliance is possible: appointments kept, nothing changing for the child.",
        "The drift looks like the family's chaos repeated in the professional network.",
    ],
    "action_planning": ["We agreed what would count as change within six weeks."],
    "management": [
        "Caseload is at 22; two cases to close.",
        "Recording is three weeks behind on one case.",
    ],
    "support": [
        "Talked about the impact of the hostile visit; SW1 will use the team debrief.",
        "Wellbeing check: sleeping badly after the court hearing.",
    ],
    "development": ["Interested in the systemic practice course; will apply."],
    "mediation": ["The health visitor has not replied; I will raise it with her manager."],
}
FUNCTION_CHANCE = {"management": 1.0, "support": 0.7, "development": 0.45, "mediation": 0.2}
DECISIONS = [
    ("Keep the child protection plan", "Risk has not reduced: the child's voice is missing."),
    ("Step down to child in need", "Three months of change seen by school and health."),
    ("Ask for a legal planning meeting", ""),
    ("Hold the case for another month", "The worker needs time to build trust with Father."),
]
ACTIONS = [
    ("See Child A alone at school", "supervisee", "", "Child A's own words in the next record"),
    ("Book a joint visit with the manager", "manager", "", "Visit in the diary"),
    ("Chase the GP for the health summary", "other", "Team administrator", "Summary on file"),
    ("Write up the chronology", "supervisee", "", "Chronology shared at the core group"),
    ("Arrange the family group conference", None, "", ""),
    ("Ask the school for an attendance report", "supervisee", "", ""),
]


def seed(demo):
    """Supervision logs for the first eight managers and the first senior manager."""
    rng = random.Random(15)  # nosec B311 - demo content, not security
    today = demo.today
    for manager in demo.managers[:8] + demo.seniors[:1]:
        for label, newly_qualified in LABELS[: rng.choice((2, 3))]:
            supervisee = Supervisee(
                manager_id=manager.id,
                label=label,
                newly_qualified=newly_qualified,
                started_on=today - timedelta(days=130) if newly_qualified else None,
                policy="lga",
            )
            db.session.add(supervisee)
            db.session.flush()
            _records(manager, supervisee, today, rng)


def _records(manager, supervisee, today, rng):
    """About five months of records, two to four weeks apart (weekly early on for a newly
    qualified worker), the last few days ago."""
    day = today - timedelta(days=150 + rng.randrange(10))
    while day < today - timedelta(days=2):
        data = _record(day, rng)
        review_actions = actions_to_review(manager, supervisee.id)
        data.reviews = [
            ReviewInput(a.id, rng.choice(("done", "done", "carried", "closed")), "")
            for a in review_actions
            if rng.random() < 0.85
        ]
        overdue = [a for a in review_actions if a.due_on and a.due_on < day]
        prompts = len(clarity_prompts(data, overdue))
        create_record(manager, supervisee, data, prompts=prompts, saved_anyway=bool(prompts))
        gap = rng.choice((7, 14)) if supervisee.newly_qualified and rng.random() < 0.5 else 0
        day += timedelta(days=gap or rng.choice((14, 21, 28, 35, 42)))


def _record(day, rng):
    """One record's content."""
    parts = {}
    for key in ("experience", "reflection", "analysis", "action_planning"):
        if rng.random() < (0.6 if key == "reflection" else 0.75):
            parts[key] = rng.choice(NOTES[key])
    for key, chance in FUNCTION_CHANCE.items():
        if rng.random() < chance:
            parts[key] = rng.choice(NOTES[key])
    actions = []
    for what, owner, role, progress in rng.sample(ACTIONS, rng.choice((1, 2, 2, 3))):
        dated = owner is not None and rng.random() < 0.85
        actions.append(
            ActionInput(
                what=what,
                owner=owner,
                owner_role=role,
                due_on=day + timedelta(days=rng.choice((7, 14, 21))) if dated else None,
                progress=progress,
            )
        )
    return RecordInput(
        held_on=day,
        minutes=rng.choice((60, 75, 90, 90, 90, 105, 120)),
        kind="group" if rng.random() < 0.1 else "one_to_one",
        uninterrupted=rng.random() < 0.75,
        next_on=day + timedelta(days=28),
        parts=parts,
        decisions=rng.sample(DECISIONS, rng.choice((0, 1, 1, 2))),
        actions=actions,
    )
