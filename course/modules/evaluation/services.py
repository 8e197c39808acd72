"""Building questionnaires, who is asked, who has answered (as a count), and reminders."""

from dataclasses import dataclass
from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course.extensions import db
from course.modules.accounts.models import CohortMember, Role, User
from course.modules.evaluation.models import (
    Audience,
    Item,
    ItemKind,
    Participation,
    Questionnaire,
    Status,
)
from course.modules.evaluation.question_sets import QUESTION_SETS, SUPERVISEE_SETS
from course.permissions import cohort_ids_for
from course.timeutil import utcnow

_SECOND = timedelta(seconds=1)
ROLE_LABELS = {Role.PARTICIPANT.value: "Participants", Role.SENIOR_MANAGER.value: "Senior managers"}


class Frozen(Exception):
    """The questions cannot change: answers have arrived."""


def k_anonymity():
    """The smallest number of people a figure may describe."""
    return current_app.config["COURSE_K_ANONYMITY"]


def get_questionnaire_or_404(questionnaire_id, user):
    """A questionnaire of one of the user's cohorts; 404 for any other."""
    questionnaire = db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.id == questionnaire_id,
            Questionnaire.cohort_id.in_(cohort_ids_for(user)),
        )
    )
    if questionnaire is None:
        abort(404)
    return questionnaire


def get_questionnaire_by_id(questionnaire_id):
    """A questionnaire by its id (for the demo and services; never for a request)."""
    return db.session.get(Questionnaire, questionnaire_id)


def cohort_questionnaires(cohort_id):
    """The cohort's questionnaires, latest window first."""
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(Questionnaire.cohort_id == cohort_id)
            .order_by(Questionnaire.opens_at.desc(), Questionnaire.id.desc())
        )
    )


def items_of(questionnaire_id):
    """The questionnaire's items in order."""
    return list(
        db.session.scalars(
            select(Item).where(Item.questionnaire_id == questionnaire_id).order_by(Item.position)
        )
    )


def create_questionnaire(cohort_id, *, kind, title, opens_at, closes_at, audience, anonymity,
                         session_id=None, from_template=True, remind_days_before=None):  # fmt: skip
    """A draft questionnaire, with the site's starting questions for its kind if asked."""
    sets = SUPERVISEE_SETS if audience == Audience.SUPERVISEES else QUESTION_SETS
    default_title, introduction, specs = sets[kind]
    questionnaire = Questionnaire(
        cohort_id=cohort_id,
        kind=kind,
        title=title or default_title,
        introduction=introduction if from_template else "",
        session_id=session_id,
        audience=audience,
        anonymity=anonymity,
        status=Status.DRAFT.value,
        opens_at=opens_at,
        closes_at=closes_at,
        remind_days_before=remind_days_before,
    )
    db.session.add(questionnaire)
    db.session.flush()
    if from_template:
        for position, spec in enumerate(specs, start=1):
            db.session.add(
                Item(
                    questionnaire_id=questionnaire.id,
                    position=position,
                    kind=spec.kind,
                    wording=spec.wording,
                    scale=spec.scale,
                    options="\n".join(spec.options),
                    required=spec.required,
                    min_value=spec.min_value,
                    max_value=spec.max_value,
                )
            )
        db.session.flush()
    return questionnaire


def copy_questionnaires(source_cohort_id, cohort_id, sessions, shift):
    """Copy a cohort's questionnaires into a new run of it, as drafts with no answers.

    `sessions` maps the source's session ids to the new ones; a questionnaire of a session moves
    with its session, any other by `shift` (the time between the two first sessions).
    """
    new_of = {old.id: new for old, new in sessions.items()}
    moved = {old.id: new.starts_at - old.starts_at for old, new in sessions.items()}
    sources = db.session.scalars(
        select(Questionnaire)
        .where(
            Questionnaire.cohort_id == source_cohort_id,
            # A supervisee round is made afresh when a manager first asks for a link in it.
            Questionnaire.audience != Audience.SUPERVISEES.value,
        )
        .options(selectinload(Questionnaire.items))
        .order_by(Questionnaire.opens_at, Questionnaire.id)
    ).all()
    for old in sources:
        offset = moved.get(old.session_id, shift)
        copy = Questionnaire(
            cohort_id=cohort_id,
            kind=old.kind,
            title=old.title,
            introduction=old.introduction,
            session_id=new_of[old.session_id].id if old.session_id in new_of else None,
            audience=old.audience,
            anonymity=old.anonymity,
            status=Status.DRAFT.value,
            opens_at=old.opens_at + offset,
            closes_at=old.closes_at + offset,
            remind_days_before=old.remind_days_before,
        )
        copy.items = [
            Item(
                position=item.position,
                kind=item.kind,
                wording=item.wording,
                scale=item.scale,
                options=item.options,
                required=item.required,
                min_value=item.min_value,
                max_value=item.max_value,
            )
            for item in old.items
        ]
        db.session.add(copy)
    db.session.flush()
    return len(sources)


def has_answers(questionnaire):
    """Whether anyone has answered: from then on the questions are frozen."""
    return (
        db.session.scalar(
            select(Participation.id)
            .where(Participation.questionnaire_id == questionnaire.id)
            .limit(1)
        )
        is not None
    )


def _check_editable(questionnaire):
    if has_answers(questionnaire):
        raise Frozen("Answers have arrived, so the questions can no longer change.")


def save_item(questionnaire, item, fields):
    """Add (item None) or change an item; raises Frozen once answers exist. Caller commits."""
    _check_editable(questionnaire)
    if item is None:
        last = db.session.scalar(
            select(func.max(Item.position)).where(Item.questionnaire_id == questionnaire.id)
        )
        item = Item(questionnaire_id=questionnaire.id, position=(last or 0) + 1)
        db.session.add(item)
    for name, value in fields.items():
        setattr(item, name, value)
    if item.kind != ItemKind.LIKERT:
        item.scale = None
    if item.kind != ItemKind.NUMBER:
        item.min_value = item.max_value = None
    if item.kind not in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        item.options = ""
    db.session.flush()
    return item


def delete_item(questionnaire, item):
    """Remove an item; raises Frozen once answers exist."""
    _check_editable(questionnaire)
    db.session.delete(item)


def move_item(questionnaire, item, step):
    """Swap an item with its neighbour above (-1) or below (+1)."""
    _check_editable(questionnaire)
    items = items_of(questionnaire.id)
    index = items.index(item)
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        for position, each in enumerate(items, start=1):
            each.position = position


def open_questionnaire(questionnaire):
    """Publish it: it is answered within its window. Needs at least one item."""
    if not items_of(questionnaire.id):
        return False
    questionnaire.status = Status.OPEN.value
    return True


def close_questionnaire(questionnaire):
    """Stop answering now (the window's end moves to now if later)."""
    now = utcnow()
    questionnaire.status = Status.CLOSED.value
    if questionnaire.closes_at > now:
        questionnaire.closes_at = max(now, questionnaire.opens_at + _SECOND)
    return questionnaire


def release_results(questionnaire):
    """Let trainers and senior managers see the results, and participants the summary."""
    if questionnaire.results_released_at is None:
        questionnaire.results_released_at = utcnow()


def invited_query(questionnaire):
    """The ids of the active cohort members the questionnaire asks."""
    return (
        select(User.id)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == questionnaire.cohort_id,
            User.role.in_(questionnaire.audience_enum.roles),
            User.active.is_(True),
        )
    )


def is_asked(questionnaire, user):
    """Whether the user is one of the people the questionnaire asks."""
    return (
        user.role in questionnaire.audience_enum.roles
        and db.session.scalar(invited_query(questionnaire).where(User.id == user.id)) is not None
    )


def has_answered(questionnaire, user):
    """Whether the user has answered (the only per-person fact kept)."""
    return (
        db.session.scalar(
            select(Participation.id).where(
                Participation.questionnaire_id == questionnaire.id,
                Participation.user_id == user.id,
            )
        )
        is not None
    )


def invited_by_role(questionnaire):
    """{role: number asked}."""
    rows = db.session.execute(
        select(User.role, func.count(User.id))
        .where(User.id.in_(invited_query(questionnaire)))
        .group_by(User.role)
    ).all()
    return {role: n for role, n in rows}


def recorded_role(questionnaire, role, k):
    """The role to keep on a response: only when every role asked has at least K people."""
    counts = invited_by_role(questionnaire)
    roles = questionnaire.audience_enum.roles
    if len(roles) > 1 and all(counts.get(r, 0) >= k for r in roles):
        return role
    return None


@dataclass
class RoleRate:
    """One role's response rate."""

    label: str
    answered: int
    asked: int


@dataclass
class ResponseRate:
    """'23 of 39 have answered', by role only where every role has at least K people."""

    answered: int
    asked: int
    by_role: list

    @property
    def text(self):
        """The sentence the pages show."""
        verb = "has" if self.answered == 1 else "have"
        return f"{self.answered} of {self.asked} {verb} answered"


def response_rate(questionnaire, k):
    """The response rate, in two queries whatever the cohort's size. Names nobody."""
    asked = invited_by_role(questionnaire)
    answered = dict(
        db.session.execute(
            select(User.role, func.count(Participation.id))
            .join(User, User.id == Participation.user_id)
            .where(Participation.questionnaire_id == questionnaire.id)
            .group_by(User.role)
        ).all()
    )
    return _rate(questionnaire, asked, answered, k)


def cohort_response_rates(cohort_id, questionnaires, k):
    """{questionnaire id: ResponseRate} for a list, in two queries however long the list."""
    members = dict(
        db.session.execute(
            select(User.role, func.count(User.id))
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort_id, User.active.is_(True))
            .group_by(User.role)
        ).all()
    )
    answered = {}
    for questionnaire_id, role, n in db.session.execute(
        select(Participation.questionnaire_id, User.role, func.count(Participation.id))
        .join(User, User.id == Participation.user_id)
        .where(Participation.questionnaire_id.in_([q.id for q in questionnaires]))
        .group_by(Participation.questionnaire_id, User.role)
    ):
        answered.setdefault(questionnaire_id, {})[role] = n
    return {
        q.id: _rate(q, {r: members.get(r, 0) for r in q.audience_enum.roles},
                    answered.get(q.id, {}), k)
        for q in questionnaires
    }  # fmt: skip


def _rate(questionnaire, asked, answered, k):
    """A ResponseRate from counts by role."""
    roles = questionnaire.audience_enum.roles
    by_role = []
    if len(roles) > 1 and all(asked.get(r, 0) >= k for r in roles):
        by_role = [RoleRate(ROLE_LABELS[r], answered.get(r, 0), asked.get(r, 0)) for r in roles]
    return ResponseRate(sum(answered.values()), sum(asked.values()), by_role)


def _waiting_for(user, cohort_id, now):
    """SQL conditions: open questionnaires of the cohort that ask the user, not yet answered."""
    return (
        Questionnaire.cohort_id == cohort_id,
        Questionnaire.status == Status.OPEN.value,
        Questionnaire.opens_at <= now,
        Questionnaire.closes_at > now,
        Questionnaire.audience.in_(_audiences_for(user.role)),
        Questionnaire.id.not_in(
            select(Participation.questionnaire_id).where(Participation.user_id == user.id)
        ),
    )


def waiting_for(user, cohort_id, now=None):
    """Open questionnaires of the cohort that ask the user and that they have not answered."""
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(*_waiting_for(user, cohort_id, now or utcnow()))
            .order_by(Questionnaire.closes_at)
        )
    )


def waiting_count(user, cohort_id, now=None):
    """How many questionnaires wait for the user, as a scalar subquery."""
    return (
        select(func.count(Questionnaire.id))
        .where(*_waiting_for(user, cohort_id, now or utcnow()))
        .scalar_subquery()
    )


def _audiences_for(role):
    """The audience values that include a role."""
    return [a.value for a in Audience if role in a.roles]


def released_for(user, cohort_id):
    """Questionnaires of the cohort whose results are released and that asked the user's role."""
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(
                Questionnaire.cohort_id == cohort_id,
                Questionnaire.results_released_at.is_not(None),
                Questionnaire.audience.in_(_audiences_for(user.role)),
            )
            .order_by(Questionnaire.results_released_at.desc())
        )
    )
