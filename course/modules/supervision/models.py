"""A manager's private supervision log: supervisees by pseudonym, records, decisions, actions.

Everything here belongs to one manager (`manager_id` on every table a page lists), and only that
manager ever reads it; the evaluator sees aggregates over at least K managers (aggregates.py).
Free text holds no identifiers: the forms refuse them with the anonymisation check.
"""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.crypto import EncryptedText
from course.extensions import db
from course.timeutil import UTCDateTime, utcnow

# Every free-text column is encrypted at rest (DESIGN.md rule 9), the label too: SQL cannot
# compare or sort these, so uniqueness and order of labels are kept in Python (services.py).
SecretText = EncryptedText

POLICIES = {
    "lga": "LGA standard (newly qualified: weekly for 6 weeks, fortnightly to 6 months, then "
    "monthly; experienced: at least monthly)",
    "weekly": "Weekly",
    "fortnightly": "Fortnightly",
    "monthly": "Monthly",
}
KINDS = {"one_to_one": "One-to-one", "group": "Group"}
CYCLE_PARTS = {
    "experience": "Experience",
    "reflection": "Reflection",
    "analysis": "Analysis",
    "action_planning": "Action planning",
}
FUNCTIONS = {
    "management": "Management",
    "support": "Support",
    "development": "Development",
    "mediation": "Mediation",
}
PARTS = {**CYCLE_PARTS, **FUNCTIONS}
OWNERS = {"supervisee": "The supervisee", "manager": "Me (the manager)", "other": "Someone else"}
ACTION_STATUSES = {"open": "Open", "done": "Done", "closed": "Not done, closed"}
OUTCOMES = {
    "done": "Done",
    "carried": "Not done: carry it forward",
    "closed": "Not done: close it",
}
DRAFT_REASONS = {
    "autosave": "Autosaved, not yet saved to your log",
    "conflict": "Kept when another tab or window saved this record first",
    "signed_out": "Kept when your sign-in ended",
}


def _in(values):
    """A SQL IN list of the keys, for a check constraint."""
    return "(" + ", ".join(f"'{key}'" for key in values) + ")"


class Supervisee(db.Model):
    """Someone the manager supervises, known here only by the manager's own label."""

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(SecretText)
    newly_qualified: Mapped[bool] = mapped_column(Boolean, default=False)
    # For a newly qualified worker: when they started in post, which the LGA schedule counts from.
    started_on: Mapped[date | None] = mapped_column(Date)
    policy: Mapped[str] = mapped_column(String(20), default="lga")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(f"policy IN {_in(POLICIES)}", name="policy_known"),
        Index("ix_supervisee_manager", "manager_id", "archived_at"),
    )

    @property
    def policy_label(self):
        """The policy as the manager chose it."""
        return POLICIES[self.policy]


class SupervisionRecord(db.Model):
    """One supervision, recorded as DOMAIN.md section 6 describes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    supervisee_id: Mapped[int] = mapped_column(
        ForeignKey("supervisee.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="one_to_one")
    uninterrupted: Mapped[bool] = mapped_column(Boolean, default=True)
    next_on: Mapped[date | None] = mapped_column(Date)
    # The clarity checks at the final save: how many prompts remained, and whether the manager
    # chose to save anyway (counted, never a gate).
    clarity_prompts: Mapped[int] = mapped_column(Integer, default=0)
    saved_anyway: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    supervisee = relationship("Supervisee", lazy="raise")
    parts = relationship(
        "SupervisionPart", lazy="raise", order_by="SupervisionPart.id", passive_deletes=True
    )
    decisions = relationship(
        "SupervisionDecision",
        lazy="raise",
        order_by="SupervisionDecision.position",
        passive_deletes=True,
    )
    actions = relationship(
        "SupervisionAction",
        lazy="raise",
        order_by="SupervisionAction.position",
        passive_deletes=True,
        back_populates="record",
    )
    reviews = relationship(
        "SupervisionReview", lazy="raise", order_by="SupervisionReview.id", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint(f"kind IN {_in(KINDS)}", name="kind_known"),
        CheckConstraint("minutes > 0 AND minutes <= 600", name="minutes_sensible"),
        CheckConstraint("clarity_prompts >= 0", name="prompts_counted"),
        Index("ix_supervision_record_manager_held", "manager_id", "held_on"),
    )

    @property
    def kind_label(self):
        """'One-to-one' or 'Group'."""
        return KINDS[self.kind]

    def part(self, key):
        """The ticked part with this key, or None."""
        return next((p for p in self.parts if p.part == key), None)


class SupervisionPart(db.Model):
    """A part of the reflective cycle, or a function, that a supervision covered; a short note."""

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_record.id", ondelete="CASCADE"), index=True
    )
    part: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(SecretText, default="")

    __table_args__ = (
        UniqueConstraint("record_id", "part"),
        CheckConstraint(f"part IN {_in(PARTS)}", name="part_known"),
    )

    @property
    def label(self):
        """'Reflection', 'Support'..."""
        return PARTS[self.part]


class SupervisionDecision(db.Model):
    """A decision made in supervision, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_record.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(SecretText)
    rationale: Mapped[str] = mapped_column(SecretText, default="")


class SupervisionAction(db.Model):
    """An action agreed in supervision: what, who, by when, and how progress will be known."""

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    supervisee_id: Mapped[int] = mapped_column(ForeignKey("supervisee.id", ondelete="CASCADE"))
    record_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_record.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(SecretText)
    owner: Mapped[str | None] = mapped_column(String(20))
    owner_role: Mapped[str] = mapped_column(SecretText, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[str] = mapped_column(SecretText, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)

    supervisee = relationship("Supervisee", lazy="raise")
    record = relationship("SupervisionRecord", lazy="raise", back_populates="actions")

    __table_args__ = (
        CheckConstraint(f"owner IS NULL OR owner IN {_in(OWNERS)}", name="owner_known"),
        CheckConstraint(f"status IN {_in(ACTION_STATUSES)}", name="status_known"),
        Index("ix_supervision_action_manager_status", "manager_id", "status"),
        Index("ix_supervision_action_supervisee_status", "supervisee_id", "status"),
    )

    @property
    def owner_label(self):
        """Who will do it, as the record says it."""
        if self.owner == "other":
            return self.owner_role or "Someone else"
        return {"supervisee": "Supervisee", "manager": "Manager"}.get(self.owner, "No owner")

    @property
    def status_label(self):
        """'Open', 'Done'..."""
        return ACTION_STATUSES[self.status]

    def is_overdue(self, today):
        """Open and past its date."""
        return self.status == "open" and self.due_on is not None and self.due_on < today


class SupervisionReview(db.Model):
    """A later supervision's look back at an action: done, carried forward or closed, and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_record.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(
        ForeignKey("supervision_action.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(20))
    why: Mapped[str] = mapped_column(SecretText, default="")

    action = relationship("SupervisionAction", lazy="raise")

    __table_args__ = (
        UniqueConstraint("record_id", "action_id"),
        CheckConstraint(f"outcome IN {_in(OUTCOMES)}", name="outcome_known"),
    )

    @property
    def outcome_label(self):
        """'Done', 'Not done: carry it forward'..."""
        return OUTCOMES[self.outcome]


class SupervisionDraft(db.Model):
    """A record on its way: the editor's fields as posted, kept so nothing typed is lost."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    supervisee_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervisee.id", ondelete="CASCADE")
    )
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_record.id", ondelete="CASCADE")
    )
    reason: Mapped[str] = mapped_column(String(20), default="autosave")
    # The posted form as JSON (without its token).
    fields: Mapped[str] = mapped_column(SecretText, default="{}")
    base_version: Mapped[int | None] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    supervisee = relationship("Supervisee", lazy="raise")

    __table_args__ = (CheckConstraint(f"reason IN {_in(DRAFT_REASONS)}", name="reason_known"),)

    @property
    def reason_label(self):
        """Why the draft was kept, as the writer would say it."""
        return DRAFT_REASONS[self.reason]


class SupervisionFiguresRelease(db.Model):
    """The evaluator has released a cohort's supervision figures to its senior managers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    released_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
