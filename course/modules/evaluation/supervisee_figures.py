"""The cohort's supervisee survey figures across teams, and the change from baseline to end.

A round's cohort figures appear only when (1) the round is closed, so no two looks at it can
differ, (2) at least K supervisees answered, and (3) at least two teams answered, so the
figures are never one team's. No figure per team is ever shown here; every team's answers
count, whether or not the team reached K, so no team appears or disappears from a total.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from course.extensions import db
from course.modules.barriers.suppression import FEWER_FIGURE, shown
from course.modules.evaluation import statistics
from course.modules.evaluation.models import Answer, Item, ItemKind, Kind, Response
from course.modules.evaluation.results import questionnaire_results
from course.modules.evaluation.supervisee_links import ROUND_KINDS, rounds_of

MIN_TEAMS = 2


@dataclass
class RoundFigures:
    """One round: why nothing is shown, or its results."""

    kind: Kind
    questionnaire: object
    state: str  # "open", "fewer", "few_teams" or "shown"
    results: object = None


def _answer_counts(questionnaire_ids):
    """{questionnaire id: (responses, teams answering)} in one query."""
    rows = db.session.execute(
        select(
            Response.questionnaire_id,
            func.count(Response.id),
            func.count(func.distinct(Response.survey_link_id)),
        )
        .where(Response.questionnaire_id.in_(questionnaire_ids))
        .group_by(Response.questionnaire_id)
    ).all()
    return {q: (n, teams) for q, n, teams in rows}


def round_state(questionnaire, counts, k):
    """'open', 'fewer', 'few_teams' or 'shown' under the rules above."""
    responses, teams = counts.get(questionnaire.id, (0, 0))
    if not questionnaire.is_closed():
        return "open"
    if responses < k:
        return "fewer"
    if teams < MIN_TEAMS:
        return "few_teams"
    return "shown"


def cohort_round_figures(cohort_id, k, *, with_texts=False):
    """Each existing round of the cohort, in order, with its figures where the rules allow."""
    rounds = rounds_of(cohort_id)
    counts = _answer_counts([q.id for q in rounds.values()])
    figures = []
    for kind in ROUND_KINDS:
        questionnaire = rounds.get(kind)
        if questionnaire is None:
            continue
        state = round_state(questionnaire, counts, k)
        results = None
        if state == "shown":
            results = questionnaire_results(questionnaire, k, with_texts=with_texts)
        figures.append(RoundFigures(kind, questionnaire, state, results))
    return figures


def _scores_by_scale(questionnaire_id):
    """{scale: [each response's mean rating on it]}."""
    rows = db.session.execute(
        select(Response.id, Item.scale, func.avg(Answer.number))
        .join(Answer, Answer.response_id == Response.id)
        .join(Item, Item.id == Answer.item_id)
        .where(
            Response.questionnaire_id == questionnaire_id,
            Item.kind == ItemKind.LIKERT.value,
            Item.scale.is_not(None),
        )
        .group_by(Response.id, Item.scale)
    ).all()
    scores = defaultdict(list)
    for _response, scale, mean in rows:
        scores[scale].append(float(mean))
    return scores


def cohort_change(figures, k):
    """[(scale, Figure, Change or None)] from the baseline round to the end round, where both
    rounds' figures are shown and each scale has at least K answers in both; else []."""
    shown_rounds = {r.kind: r for r in figures if r.state == "shown"}
    if Kind.BASELINE not in shown_rounds or Kind.END not in shown_rounds:
        return []
    before = _scores_by_scale(shown_rounds[Kind.BASELINE].questionnaire.id)
    after = _scores_by_scale(shown_rounds[Kind.END].questionnaire.id)
    changes = []
    for scale in sorted(set(before) | set(after)):
        a, b = before.get(scale, []), after.get(scale, [])
        if len(a) >= k and len(b) >= k:
            changes.append((scale, shown(min(len(a), len(b))), statistics.independent_change(a, b)))
        else:
            changes.append((scale, FEWER_FIGURE, None))
    return changes
