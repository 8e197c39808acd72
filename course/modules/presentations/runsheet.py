"""The shape of a session and of each reflecting-team consultation, for the printable run sheet."""

from dataclasses import dataclass, field
from datetime import timedelta

# Andersen's reflecting team adapted for training (DOMAIN.md section 1), with its minutes.
CONSULTATION_STEPS = (
    ("The presenter describes the case and the help they want from the group.", 10),
    ("The interviewer asks questions: inquiry before advice, the presenter keeps the problem.", 10),
    (
        "The reflecting team talks among themselves, tentatively and in questions; "
        "the presenter listens without replying.",
        15,
    ),
    ("The presenter says what was useful and what stays with them.", 5),
    ("Close: anything for the child's record goes back through the normal line.", 5),
)
CONSULTATION_MINUTES = sum(minutes for _, minutes in CONSULTATION_STEPS)
# Each item has a key that stays the same when presentations move, for ticking it done.
OPENING = (
    ("check-in", "Check-in", 15),
    ("theory", "Theory linked to the session's reading", 40),
)
BREAK = ("break", "Break", 15)
CLOSING = (
    ("barriers", "Barriers slot with the senior managers", 30),
    ("journal", "Journal entry and next reading", 15),
)
ROLES = (
    ("Presenter", "Brings the case and the question; listens during the reflection."),
    ("Interviewer", "Helps the presenter think: asks, does not advise."),
    ("Reflecting team", "Everyone else in the room: reflects aloud, to each other."),
    (
        "Observers",
        "Anyone sitting in without a part in this consultation: listens, and does not join "
        "the interview or the reflection.",
    ),
    ("Timekeeper", "Keeps each stage to its minutes and calls the changes."),
)
ITEM_KEY_MAX = 40


@dataclass
class TimetableItem:
    """One part of the session, with its clock times; consultations carry their steps."""

    starts_at: object
    ends_at: object
    title: str
    key: str = ""
    presentation: object = None
    steps: list = field(default_factory=list)


def session_timetable(starts_at, presentations):
    """The session's plan from its start: opening, one consultation per presenter, closing."""
    items, clock = [], starts_at

    def add(key, title, minutes, presentation=None):
        nonlocal clock
        item = TimetableItem(clock, clock + timedelta(minutes=minutes), title, key, presentation)
        items.append(item)
        clock = item.ends_at
        return item

    for key, title, minutes in OPENING:
        add(key, title, minutes)
    for number, presentation in enumerate(presentations, start=1):
        key = f"presentation-{presentation.id}"
        item = add(key, f"Case consultation {number}", CONSULTATION_MINUTES, presentation)
        step_clock = item.starts_at
        for text, minutes in CONSULTATION_STEPS:
            item.steps.append((step_clock, minutes, text))
            step_clock += timedelta(minutes=minutes)
        if number == 1:
            add(*BREAK)
    if not presentations:
        add(*BREAK)
    for key, title, minutes in CLOSING:
        add(key, title, minutes)
    return items


def item_keys(items):
    """The keys of a timetable's items, for checking what a tick form sends."""
    return {item.key for item in items}
