"""The site's own starting questionnaires, written for this programme (no licensed instrument).

The baseline, mid, end and follow-up sets share the three rated scales word for word, so the
answers can be compared over time; each adds questions of its own. An evaluator who holds a
licence for a published instrument can type its items in instead.
"""

from dataclasses import dataclass

from course.modules.evaluation.models import Kind

CONFIDENCE = "Confidence in reflective supervision"
SUPPORT = "Feeling supported"
STAYING = "Intention to stay in child protection"


@dataclass(frozen=True)
class ItemSpec:
    """One question of a starting set."""

    kind: str
    wording: str
    scale: str | None = None
    options: tuple = ()
    required: bool = True
    min_value: int | None = None
    max_value: int | None = None


def _rated(scale, *statements):
    return [ItemSpec("likert", s, scale=scale) for s in statements]


SCALES = (
    _rated(
        CONFIDENCE,
        "I am confident using supervision to help a worker think a case through, "
        "not only to check tasks.",
        "I can help a worker notice how a family is making them feel, and use that in the work.",
        "I can hold a supervision discussion open when the answer is not yet clear.",
        "I can name drift in a case and agree what will change.",
    )
    + _rated(
        SUPPORT,
        "I have somewhere to take the hardest parts of my own work.",
        "Senior managers understand what gets in the way of good supervision in my service.",
        "I feel part of a group of managers who learn from each other.",
    )
    + _rated(
        STAYING,
        "I expect to be working in child protection in two years' time.",
        "I would recommend managing in this service to a colleague.",
    )
)
SUPERVISION_COUNT = ItemSpec(
    "number",
    "In the last four weeks, how many individual supervision sessions did you hold?",
    required=False,
    min_value=0,
    max_value=200,
)
WHAT_HELPED = ItemSpec("text", "What has helped you most so far?", required=False)

QUESTION_SETS = {
    Kind.SESSION_FEEDBACK: (
        "Feedback on today's session",
        "Four short questions about the session you have just been to.",
        [
            ItemSpec("likert", "The session was relevant to my work as a manager."),
            ItemSpec("likert", "I will use something from today in supervision this month."),
            ItemSpec(
                "single",
                "How was the balance between input and discussion?",
                options=("Too much input", "About right", "Too much discussion"),
            ),
            ItemSpec("text", "One thing to keep, or one thing to change.", required=False),
        ],
    ),
    Kind.BASELINE: (
        "Before the programme",
        "Where you are starting from. There are no right answers.",
        [
            *SCALES,
            SUPERVISION_COUNT,
            ItemSpec(
                "single",
                "How long have you managed a team?",
                options=("Less than a year", "1 to 3 years", "More than 3 years"),
            ),
            ItemSpec("text", "What do you hope to get from the programme?", required=False),
        ],
    ),
    Kind.MID: (
        "Half-way through the programme",
        "How the first six sessions have gone, so the second half can change if it needs to.",
        [
            *SCALES,
            ItemSpec("likert", "The sessions are helping me deepen and focus my practice."),
            ItemSpec(
                "multiple",
                "Which parts of the sessions help you most?",
                options=(
                    "Case presentations",
                    "The readings",
                    "Discussion in the whole group",
                    "Time to reflect on my own",
                ),
                required=False,
            ),
            WHAT_HELPED,
            ItemSpec("text", "What should change in the second half?", required=False),
        ],
    ),
    Kind.END: (
        "At the end of the programme",
        "Looking back over the eleven sessions.",
        [
            *SCALES,
            SUPERVISION_COUNT,
            ItemSpec("likert", "My supervision has changed because of the programme."),
            WHAT_HELPED,
            ItemSpec("text", "What would you tell a manager about to start?", required=False),
        ],
    ),
    Kind.FOLLOW_UP: (
        "Some months after the programme",
        "What has lasted since the programme ended.",
        [
            *SCALES,
            SUPERVISION_COUNT,
            ItemSpec("likert", "I still use what I learned on the programme."),
            ItemSpec("text", "What has lasted, and what has faded?", required=False),
        ],
    ),
}


# The supervisee survey: the social workers a participant supervises say what supervision is
# like for them. Every round (baseline, end, follow-up) asks the same items, word for word.
REFLECTION = "Room for reflection and feelings"
CLEAR_ACTIONS = "Clear actions"
FEELING_SUPPORTED = "Feeling supported"
STAYING_IN_TEAM = "Intending to stay"
SUPERVISEE_ITEMS = [
    ItemSpec(
        "single",
        "In the last three months, how often have you had one-to-one supervision "
        "with your manager?",
        options=(
            "Every two weeks or more often",
            "About every three to four weeks",
            "About every five to eight weeks",
            "Less often than every eight weeks",
            "Not at all in the last three months",
        ),
    ),
    ItemSpec(
        "single",
        "How long does a supervision session usually last?",
        options=(
            "Less than 30 minutes",
            "30 minutes to an hour",
            "An hour to an hour and a half",
            "More than an hour and a half",
        ),
    ),
    ItemSpec(
        "single",
        "Is your supervision usually uninterrupted (no calls, emails or people coming in)?",
        options=("Nearly always", "Sometimes interrupted", "Often interrupted or cut short"),
    ),
    *_rated(
        REFLECTION,
        "Supervision gives me room to think a case through, not only to report on tasks.",
        "Supervision makes room for how the work is making me feel.",
    ),
    *_rated(
        CLEAR_ACTIONS,
        "After supervision I know what was agreed, who will do it and by when.",
    ),
    *_rated(FEELING_SUPPORTED, "I feel supported by my manager in this work."),
    *_rated(STAYING_IN_TEAM, "I intend to still be working in this team a year from now."),
    ItemSpec(
        "text",
        "Anything else you want to say about the supervision you receive? "
        "Please do not name children, families or colleagues.",
        required=False,
    ),
]
SUPERVISEE_INTRODUCTION = (
    "Your manager is taking part in a programme about supervision. These questions ask what "
    "your supervision is like. There are no right answers, and nobody will know which answers "
    "are yours."
)
SUPERVISEE_SETS = {
    Kind.BASELINE: ("Your supervision: early in the programme", SUPERVISEE_INTRODUCTION,
                    SUPERVISEE_ITEMS),
    Kind.END: ("Your supervision: at the end of the programme", SUPERVISEE_INTRODUCTION,
               SUPERVISEE_ITEMS),
    Kind.FOLLOW_UP: ("Your supervision: some months after the programme", SUPERVISEE_INTRODUCTION,
                     SUPERVISEE_ITEMS),
}  # fmt: skip
