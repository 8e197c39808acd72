"""Clarity checks a colleague would make before a record is saved: prompts, never a gate.

Ofsted found recorded supervision that "did not provide clarity on future actions required"
(DOMAIN.md section 0); the course's rubric (section 6) asks that every action has an owner and a
date, every decision a rationale, reflection is recorded, and overdue actions are reviewed.
"""

from dataclasses import dataclass, field
from datetime import date

from course.timeutil import format_date


@dataclass
class ActionInput:
    """One action row as the form gives it."""

    what: str = ""
    owner: str | None = None
    owner_role: str = ""
    due_on: date | None = None
    progress: str = ""
    id: int | None = None


@dataclass
class ReviewInput:
    """One review of an earlier action."""

    action_id: int
    outcome: str | None = None
    why: str = ""


@dataclass
class RecordInput:
    """A record as the form gives it, before it is stored."""

    held_on: date | None = None
    minutes: int | None = None
    kind: str = "one_to_one"
    uninterrupted: bool = True
    next_on: date | None = None
    parts: dict = field(default_factory=dict)  # ticked part -> note
    decisions: list = field(default_factory=list)  # (what, rationale)
    actions: list = field(default_factory=list)  # ActionInput
    reviews: list = field(default_factory=list)  # ReviewInput


@dataclass(frozen=True)
class Prompt:
    """A question before saving, pointing at the field it is about."""

    text: str
    anchor: str


def _short(text, length=60):
    """The first words of a text, for naming it in a prompt."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def clarity_prompts(record, overdue_actions):
    """The prompts for a record; `overdue_actions` are the supervisee's open actions due
    before the supervision (objects with id, what and due_on), which it should review."""
    prompts = []
    for n, action in enumerate(record.actions, start=1):
        if not action.owner:
            prompts.append(
                Prompt(f"Action {n} has no owner: who will do it?", f"actions-{n - 1}-owner")
            )
        if action.due_on is None:
            prompts.append(
                Prompt(
                    f"Action {n} has no date: by when will it be done?", f"actions-{n - 1}-due_on"
                )
            )
    for n, (_what, rationale) in enumerate(record.decisions, start=1):
        if not rationale.strip():
            prompts.append(
                Prompt(
                    f"Decision {n} has no rationale: why was it decided?",
                    f"decisions-{n - 1}-rationale",
                )
            )
    if "reflection" not in record.parts:
        prompts.append(
            Prompt(
                "There is no reflection in this record: what did the supervisee (or you) "
                "think and feel about the work, and what might be going on?",
                "part_reflection",
            )
        )
    reviewed = {review.action_id for review in record.reviews if review.outcome}
    for action in overdue_actions:
        if action.id not in reviewed:
            prompts.append(
                Prompt(
                    f"“{_short(action.what)}” was due on {format_date(action.due_on)} and is "
                    "not reviewed: was it done?",
                    f"review-{action.id}",
                )
            )
    return prompts


def has_clear_actions(actions):
    """At least one action, and every action with an owner and a date."""
    return bool(actions) and all(a.owner and a.due_on is not None for a in actions)
