"""The evaluator's figures from the supervision logs: aggregates over at least K managers.

The programme's evidence of change in practice (DOMAIN.md section 9: "behaviour"), by stage of
the programme (sessions 1-4, 5-8, 9-11): the share of records with clear actions, how often
supervision kept to each supervisee's policy, length, uninterrupted time and the four functions.
A stage where fewer than K managers kept records shows "fewer than K" and no figure at all. Only
shares are published, never a manager, a supervisee, a record or a total a stage could be
subtracted from. Other modules (the impact report) call `cohort_figures`.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import case, func, select

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES, Cohort, CohortMember, User
from course.modules.programme.services import cohort_sessions
from course.modules.supervision.models import (
    FUNCTIONS,
    Supervisee,
    SupervisionAction,
    SupervisionFiguresRelease,
    SupervisionPart,
    SupervisionRecord,
)
from course.modules.supervision.schedule import MINIMUM_MINUTES, on_time
from course.timeutil import to_local

STAGES = (("Sessions 1 to 4", 1), ("Sessions 5 to 8", 5), ("Sessions 9 to 11", 9))


def k_threshold():
    """K from the settings, never below 2."""
    return max(2, int(current_app.config["COURSE_K_ANONYMITY"]))


@dataclass
class StageFigures:
    """One stage's figures, or only the fact that fewer than K managers kept records."""

    label: str
    shown: bool
    managers: int = 0
    records: int = 0
    clear_actions: float = 0.0
    no_prompts: float = 0.0
    on_time: float | None = None
    long_enough: float = 0.0
    uninterrupted: float = 0.0
    functions: dict = field(default_factory=dict)

    @staticmethod
    def percent(share):
        """A share as a whole percentage, or a dash when there is none."""
        return "–" if share is None else f"{round(100 * share)}%"


def _stage_starts(cohort):
    """The first day of each stage: the cohort's start, then sessions 5 and 9."""
    sessions = {s.number: s for s in cohort_sessions(cohort.id)}
    starts = [cohort.starts_on]
    for _label, number in STAGES[1:]:
        session = sessions.get(number)
        starts.append(to_local(session.starts_at).date() if session else cohort.ends_on)
    return starts


def _stage_of(held_on, starts, ends_on):
    """The index of the stage a day falls in, or None outside the programme."""
    if held_on < starts[0] or held_on > ends_on:
        return None
    return max(i for i, start in enumerate(starts) if held_on >= start)


def _share(part, whole):
    """part / whole, or 0 with nothing to divide."""
    return part / whole if whole else 0.0


def cohort_figures(cohort_id, k=None):
    """[StageFigures] for a cohort's managers' logs (five queries, whatever the cohort's size)."""
    k = k or k_threshold()
    cohort = db.session.get(Cohort, cohort_id)
    starts = _stage_starts(cohort)
    managers = (
        select(CohortMember.user_id)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id, User.role.in_(ATTENDING_ROLES))
    )
    rows = db.session.execute(
        select(
            SupervisionRecord.id,
            SupervisionRecord.manager_id,
            SupervisionRecord.supervisee_id,
            SupervisionRecord.held_on,
            SupervisionRecord.minutes,
            SupervisionRecord.uninterrupted,
            SupervisionRecord.clarity_prompts,
            Supervisee.policy,
            Supervisee.newly_qualified,
            Supervisee.started_on,
        )
        .join(Supervisee, Supervisee.id == SupervisionRecord.supervisee_id)
        .where(SupervisionRecord.manager_id.in_(managers))
        .order_by(SupervisionRecord.supervisee_id, SupervisionRecord.held_on, SupervisionRecord.id)
    ).all()
    ids = select(SupervisionRecord.id).where(SupervisionRecord.manager_id.in_(managers))
    unclear = func.sum(
        case((SupervisionAction.owner.is_(None) | SupervisionAction.due_on.is_(None), 1), else_=0)
    )
    actions = {
        row.record_id: (row.n, row.unclear)
        for row in db.session.execute(
            select(SupervisionAction.record_id, func.count().label("n"), unclear.label("unclear"))
            .where(SupervisionAction.record_id.in_(ids))
            .group_by(SupervisionAction.record_id)
        )
    }
    parts = {}
    for record_id, part in db.session.execute(
        select(SupervisionPart.record_id, SupervisionPart.part).where(
            SupervisionPart.record_id.in_(ids), SupervisionPart.part.in_(FUNCTIONS)
        )
    ):
        parts.setdefault(record_id, set()).add(part)
    return _figures(rows, actions, parts, starts, cohort.ends_on, k)


def _figures(rows, actions, parts, starts, ends_on, k):
    """Fold the rows into each stage's figures, hiding a stage under K managers."""
    stages = [dict(managers=set(), records=0, clear=0, no_prompts=0, long=0, quiet=0,
                   follow_ups=0, on_time=0, functions=dict.fromkeys(FUNCTIONS, 0))
              for _ in STAGES]  # fmt: skip
    previous = {}
    for row in rows:
        stage_index = _stage_of(row.held_on, starts, ends_on)
        earlier = previous.get(row.supervisee_id)
        previous[row.supervisee_id] = row.held_on
        if stage_index is None:
            continue
        stage = stages[stage_index]
        stage["managers"].add(row.manager_id)
        stage["records"] += 1
        count, unclear = actions.get(row.id, (0, 0))
        stage["clear"] += count > 0 and not unclear
        stage["no_prompts"] += row.clarity_prompts == 0
        stage["long"] += row.minutes >= MINIMUM_MINUTES
        stage["quiet"] += bool(row.uninterrupted)
        for key in parts.get(row.id, ()):
            stage["functions"][key] += 1
        if earlier is not None:
            policy = SimpleNamespace(
                policy=row.policy, newly_qualified=row.newly_qualified, started_on=row.started_on
            )
            stage["follow_ups"] += 1
            stage["on_time"] += on_time(policy, earlier, row.held_on)
    figures = []
    for (label, _number), stage in zip(STAGES, stages, strict=True):
        if len(stage["managers"]) < k:
            figures.append(StageFigures(label=label, shown=False))
            continue
        n = stage["records"]
        figures.append(
            StageFigures(
                label=label,
                shown=True,
                managers=len(stage["managers"]),
                records=n,
                clear_actions=_share(stage["clear"], n),
                no_prompts=_share(stage["no_prompts"], n),
                on_time=_share(stage["on_time"], stage["follow_ups"])
                if stage["follow_ups"]
                else None,
                long_enough=_share(stage["long"], n),
                uninterrupted=_share(stage["quiet"], n),
                functions={key: _share(c, n) for key, c in stage["functions"].items()},
            )
        )
    return figures


def release_count(cohort_id):
    """1 if the evaluator has released the cohort's figures to its senior managers, else 0, as
    a scalar subquery."""
    return (
        select(func.count(SupervisionFiguresRelease.id))
        .where(SupervisionFiguresRelease.cohort_id == cohort_id)
        .scalar_subquery()
    )


def is_released(cohort_id):
    """Whether the evaluator has released the cohort's figures to its senior managers."""
    return bool(db.session.scalar(select(release_count(cohort_id))))
