"""Questionnaires, their items, and answers that cannot be traced to the person who gave them.

The answer tables (Response, Answer) hold no user id, no time and no id that follows the order
of answering: their keys are random 63-bit integers, which on SQLite are the rowid itself, so
even the table's storage order is random. Who has answered is kept apart, in Participation,
only so that reminders go to those who have not; nothing links a Participation to a Response.
"""

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.crypto import EncryptedText
from course.extensions import db
from course.timeutil import UTCDateTime, utcnow

# INTEGER on SQLite so the key is the rowid (a BIGINT key would leave a hidden, sequential one).
RandomKey = BigInteger().with_variant(Integer, "sqlite")


def random_key():
    """A random positive 63-bit key: it says nothing about when the row was written."""
    return secrets.randbits(63) or 1


class Kind(StrEnum):
    """What a questionnaire is for."""

    SESSION_FEEDBACK = "session_feedback"
    BASELINE = "baseline"
    MID = "mid"
    END = "end"
    FOLLOW_UP = "follow_up"

    @property
    def label(self):
        """'Feedback after a session', 'Baseline', ..."""
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.SESSION_FEEDBACK: "Feedback after a session",
    Kind.BASELINE: "Baseline, before session 1",
    Kind.MID: "Mid-programme, after session 6",
    Kind.END: "End of programme, after session 11",
    Kind.FOLLOW_UP: "Follow-up, some months later",
}


class Audience(StrEnum):
    """Who is asked."""

    PARTICIPANTS = "participants"
    SENIOR_MANAGERS = "senior_managers"
    BOTH = "both"
    # The social workers a participant supervises: no accounts, asked through a team's link.
    SUPERVISEES = "supervisees"

    @property
    def roles(self):
        """The roles asked (none for supervisees: they have no accounts)."""
        return {
            Audience.PARTICIPANTS: ("participant",),
            Audience.SENIOR_MANAGERS: ("senior_manager",),
            Audience.BOTH: ("participant", "senior_manager"),
            Audience.SUPERVISEES: (),
        }[self]

    @property
    def label(self):
        """'Participants and senior managers'."""
        return {
            Audience.PARTICIPANTS: "Participants",
            Audience.SENIOR_MANAGERS: "Senior managers",
            Audience.BOTH: "Participants and senior managers",
            Audience.SUPERVISEES: "The participants' supervisees, through a team link",
        }[self]


class Anonymity(StrEnum):
    """Fixed at creation: anonymous, or anonymous with a self-generated code to pair answers."""

    ANONYMOUS = "anonymous"
    PAIRED = "paired"


class Status(StrEnum):
    """A draft can be edited; an open one is answered within its window; a closed one is not."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class ItemKind(StrEnum):
    """The kinds of question."""

    LIKERT = "likert"
    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMBER = "number"
    TEXT = "text"

    @property
    def label(self):
        """How the evaluator's editor names it."""
        return ITEM_KIND_LABELS[self]


ITEM_KIND_LABELS = {
    ItemKind.LIKERT: "A statement rated from strongly disagree to strongly agree",
    ItemKind.SINGLE: "Choose one",
    ItemKind.MULTIPLE: "Choose any",
    ItemKind.NUMBER: "A number",
    ItemKind.TEXT: "Free text",
}
LIKERT_LABELS = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)


def _values(enum):
    return tuple(member.value for member in enum)


class Questionnaire(db.Model):
    """One questionnaire for a cohort."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_session.id", ondelete="SET NULL"), index=True
    )
    audience: Mapped[str] = mapped_column(String(20), default=Audience.PARTICIPANTS.value)
    anonymity: Mapped[str] = mapped_column(String(12), default=Anonymity.ANONYMOUS.value)
    status: Mapped[str] = mapped_column(String(10), default=Status.DRAFT.value)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_days_before: Mapped[int | None] = mapped_column(Integer)
    results_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items = relationship(
        "Item", order_by="Item.position", lazy="raise", cascade="all, delete-orphan"
    )
    course_session = relationship("CourseSession", lazy="raise")

    __table_args__ = (
        CheckConstraint(f"kind IN {_values(Kind)!r}", name="kind_known"),
        CheckConstraint(f"audience IN {_values(Audience)!r}", name="audience_known"),
        CheckConstraint(f"anonymity IN {_values(Anonymity)!r}", name="anonymity_known"),
        CheckConstraint(f"status IN {_values(Status)!r}", name="status_known"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("remind_days_before BETWEEN 1 AND 14", name="reminder_in_range"),
    )

    @property
    def kind_enum(self):
        """The kind as a Kind."""
        return Kind(self.kind)

    @property
    def audience_enum(self):
        """The audience as an Audience."""
        return Audience(self.audience)

    @property
    def paired(self):
        """Whether answers carry a pairing code's keyed hash."""
        return self.anonymity == Anonymity.PAIRED

    def is_answerable(self, now=None):
        """Whether it is open and within its window."""
        now = now or utcnow()
        return self.status == Status.OPEN and self.opens_at <= now < self.closes_at

    def is_closed(self, now=None):
        """Whether answering has ended (closed by hand or past its window)."""
        now = now or utcnow()
        return self.status == Status.CLOSED or (
            self.status == Status.OPEN and now >= self.closes_at
        )

    def state(self, now=None):
        """'draft', 'scheduled', 'open' or 'closed', as the pages say it."""
        if self.status == Status.DRAFT:
            return "draft"
        if self.is_closed(now):
            return "closed"
        return "open" if self.is_answerable(now) else "scheduled"

    @property
    def released(self):
        """Whether the evaluator has released the results."""
        return self.results_released_at is not None


class Item(db.Model):
    """One question."""

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    wording: Mapped[str] = mapped_column(Text)
    scale: Mapped[str | None] = mapped_column(String(120))  # likert items grouped into scales
    options: Mapped[str] = mapped_column(Text, default="")  # choices, one a line
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    min_value: Mapped[int | None] = mapped_column(Integer)
    max_value: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(f"kind IN {_values(ItemKind)!r}", name="item_kind_known"),
        CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR max_value >= min_value", name="range_order"
        ),
    )

    @property
    def kind_enum(self):
        """The kind as an ItemKind."""
        return ItemKind(self.kind)

    @property
    def choices(self):
        """The options as a list (for single and multiple choice)."""
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    @property
    def field_name(self):
        """The answer form's field for this item."""
        return f"item_{self.id}"


class Response(db.Model):
    """One person's submitted answers: no user, no time, a random key."""

    id: Mapped[int] = mapped_column(
        RandomKey, primary_key=True, autoincrement=False, default=random_key
    )
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    # The role, kept only when every role asked has at least K people (else nothing).
    role: Mapped[str | None] = mapped_column(String(20))
    # HMAC of the self-generated code with the cohort's key; paired questionnaires only.
    pair_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Interim results count responses in batches of at least K; None until its batch is full.
    # For a supervisee survey the batches are the team's (its link's), so a manager's figures
    # move only when K more of the team have answered.
    batch: Mapped[int | None] = mapped_column(Integer)
    # Supervisee surveys only: the team's link, the one thing known about who answered.
    survey_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_link.id", ondelete="CASCADE"), index=True
    )


class Answer(db.Model):
    """One answer to one item (a multiple choice gives one row per option chosen)."""

    id: Mapped[int] = mapped_column(
        RandomKey, primary_key=True, autoincrement=False, default=random_key
    )
    response_id: Mapped[int] = mapped_column(
        RandomKey, ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    number: Mapped[int | None] = mapped_column(Integer)  # the rating, option index or number
    text: Mapped[str | None] = mapped_column(EncryptedText)  # free text, encrypted at rest


class Participation(db.Model):
    """That someone has answered: for reminders and 'you have answered' only. No time, no link.

    A respondent is an account (user_id) or, for surveys answered through a link, the hash of
    the link's token (link_hash). The unique rule is what makes a second submission fail.
    """

    id: Mapped[int] = mapped_column(
        RandomKey, primary_key=True, autoincrement=False, default=random_key
    )
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    link_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("questionnaire_id", "user_id"),
        UniqueConstraint("questionnaire_id", "link_hash"),
        CheckConstraint("(user_id IS NULL) <> (link_hash IS NULL)", name="one_respondent"),
    )


class ResponseDraft(db.Model):
    """Answers saved to come back to, before submitting; deleted when the answers are sent.

    A draft is the one place answers sit beside a name, so it holds no pairing code, the
    answer form says so, and submitting deletes it in the same transaction.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # JSON {field name: value or [values]}, encrypted at rest
    answers: Mapped[str] = mapped_column(EncryptedText)
    reason: Mapped[str] = mapped_column(String(12), default="saved")  # or signed_out
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("questionnaire_id", "user_id"),)


class Excerpt(db.Model):
    """The evaluator's excerpt from free-text answers, shown to others once released."""

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(EncryptedText)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
