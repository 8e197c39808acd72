"""A questionnaire's results, with small numbers hidden, in a fixed number of queries.

The rules follow the barrier overview's (barriers/suppression.py):
1. Nothing is shown for fewer than K responses; an item answered by fewer than K shows
   'fewer than K' and no distribution.
2. Before closing, the evaluator's interim results count only whole batches of at least K
   responses (see answering._count_into_batches), so two looks differ by K or more people.
3. A breakdown by role is shown only when every role asked has at least K responses for
   the item and every response's role is known; otherwise the whole breakdown is withheld,
   so no group's figure can be worked out from the total minus the others.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select

from course.extensions import db
from course.modules.barriers.suppression import FEWER_FIGURE, WITHHELD_FIGURE, Figure, shown
from course.modules.evaluation import statistics
from course.modules.evaluation.models import (
    LIKERT_LABELS,
    Anonymity,
    Answer,
    Excerpt,
    Item,
    ItemKind,
    Kind,
    Questionnaire,
    Response,
)
from course.modules.evaluation.services import ROLE_LABELS, items_of

TEXT_SHOWN = 200  # free-text answers listed per questionnaire for the evaluator


@dataclass
class ItemResult:
    """What is shown for one item."""

    item: Item
    answered: Figure
    counts: list = field(default_factory=list)  # per value (likert 1-5, option 1-n)
    median: float | None = None
    agreeing: float | None = None
    estimate: statistics.Estimate | None = None  # number items
    by_role: list = field(default_factory=list)  # [(label, n, median, agreeing)]
    breakdown: Figure | None = None  # shown/withheld for the role breakdown
    texts: list = field(default_factory=list)

    @property
    def labels(self):
        """The value labels, for tables."""
        if self.item.kind == ItemKind.LIKERT:
            return list(LIKERT_LABELS)
        return self.item.choices


@dataclass
class ScaleResult:
    """A scale's mean score (the mean of its items, per respondent) and 95% interval."""

    name: str
    estimate: statistics.Estimate | None
    figure: Figure


@dataclass
class PairedResult:
    """The change per scale since the baseline, for people who answered both with one code."""

    baseline: Questionnaire | None
    pairs: int
    changes: list  # [(scale, Figure, Change or None)]


@dataclass
class Results:
    """Everything a results page shows."""

    questionnaire: Questionnaire
    k: int
    responses: int
    interim: bool
    items: list
    scales: list
    paired: PairedResult | None
    excerpts: list

    @property
    def enough(self):
        """Whether there are K responses or more to show anything."""
        return self.responses >= self.k

    @property
    def likert_results(self):
        """The rated statements' results."""
        return [r for r in self.items if r.item.kind == ItemKind.LIKERT]


def _responses(questionnaire_id, interim, team_link_id=None):
    """The responses counted: all of them, or whole batches for interim results; for one
    team of a supervisee survey, that team's whole batches only (whether open or closed)."""
    query = select(Response.id).where(Response.questionnaire_id == questionnaire_id)
    if team_link_id is not None:
        return query.where(Response.survey_link_id == team_link_id, Response.batch.is_not(None))
    return query.where(Response.batch.is_not(None)) if interim else query


def counted_responses(questionnaire, *, interim=False):
    """How many responses the results (or an export) count."""
    return db.session.scalar(
        select(func.count()).select_from(_responses(questionnaire.id, interim).subquery())
    )


def questionnaire_results(questionnaire, k, *, interim=False, with_texts=False, released_only=True,
                          team_link_id=None):  # fmt: skip
    """The results under the rules above; the same number of queries for 40 or 4,000 answers.

    team_link_id: one team's figures of a supervisee survey (its whole batches, no excerpts).
    """
    items = items_of(questionnaire.id)
    counted = _responses(questionnaire.id, interim, team_link_id)
    by_role_total = dict(
        db.session.execute(
            select(Response.role, func.count(Response.id))
            .where(Response.id.in_(counted))
            .group_by(Response.role)
        ).all()
    )
    total = sum(by_role_total.values())
    results = Results(questionnaire, k, total, interim, [], [], None, [])
    excerpt_query = select(Excerpt).where(Excerpt.questionnaire_id == questionnaire.id)
    if released_only:
        excerpt_query = excerpt_query.where(Excerpt.released_at.is_not(None))
    if team_link_id is None:
        results.excerpts = list(
            db.session.scalars(excerpt_query.order_by(Excerpt.item_id, Excerpt.id))
        )
    if total < k:
        results.items = [ItemResult(item, FEWER_FIGURE) for item in items]
        return results
    counts = defaultdict(dict)
    for item_id, number, n in db.session.execute(
        select(Answer.item_id, Answer.number, func.count(Answer.id))
        .where(Answer.response_id.in_(counted), Answer.number.is_not(None))
        .group_by(Answer.item_id, Answer.number)
    ):
        counts[item_id][number] = n
    answered_counts = dict(
        db.session.execute(
            select(Answer.item_id, func.count(func.distinct(Answer.response_id)))
            .where(Answer.response_id.in_(counted))
            .group_by(Answer.item_id)
        ).all()
    )
    role_counts = defaultdict(dict)
    for role, item_id, number, n in db.session.execute(
        select(Response.role, Answer.item_id, Answer.number, func.count(Answer.id))
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.response_id.in_(counted), Answer.number.is_not(None))
        .group_by(Response.role, Answer.item_id, Answer.number)
    ):
        role_counts[(item_id, role)][number] = n
    texts = defaultdict(list)
    if with_texts:
        for item_id, text in db.session.execute(
            select(Answer.item_id, Answer.text)
            .where(Answer.response_id.in_(counted), Answer.text.is_not(None))
            .order_by(Answer.item_id, Answer.id)  # the key is random: no order of answering
            .limit(TEXT_SHOWN * max(1, len(items)))
        ):
            texts[item_id].append(text)
    roles = questionnaire.audience_enum.roles
    role_known = len(roles) > 1 and None not in by_role_total
    for item in items:
        results.items.append(
            _item_result(item, counts[item.id], answered_counts.get(item.id, 0),
                         role_counts, roles, role_known, texts[item.id], k)
        )  # fmt: skip
    results.scales = _scales(questionnaire.id, counted, k)
    if questionnaire.anonymity == Anonymity.PAIRED and questionnaire.kind != Kind.BASELINE:
        results.paired = _paired(questionnaire, k, interim)
    return results


def _item_result(item, counts, answered, role_counts, roles, role_known, texts, k):
    """One item's figures, or 'fewer than K'."""
    if answered < k:
        return ItemResult(item, FEWER_FIGURE)
    result = ItemResult(item, shown(answered), texts=texts)
    kind = item.kind_enum
    if kind == ItemKind.LIKERT:
        result.counts = [counts.get(v, 0) for v in range(1, len(LIKERT_LABELS) + 1)]
        result.median = statistics.median(counts)
        result.agreeing = statistics.share_agreeing(counts)
    elif kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        result.counts = [counts.get(v, 0) for v in range(1, len(item.choices) + 1)]
    elif kind == ItemKind.NUMBER:
        result.median = statistics.median(counts)
        result.estimate = statistics.mean_interval(statistics.expand(counts))
    if kind == ItemKind.LIKERT and len(roles) > 1:
        groups = [(r, role_counts.get((item.id, r), {})) for r in roles]
        if role_known and all(sum(c.values()) >= k for _, c in groups):
            result.breakdown = shown(len(groups))
            result.by_role = [
                (ROLE_LABELS[r], sum(c.values()), statistics.median(c),
                 statistics.share_agreeing(c))
                for r, c in groups
            ]  # fmt: skip
        else:
            result.breakdown = WITHHELD_FIGURE
    return result


def _scale_scores(questionnaire_ids, counted=None, interim_of=None):
    """{(questionnaire id, respondent key, scale): mean rating} in one query.

    The respondent key is the response's random id, or its pair hash for pairing.
    """
    key = Response.pair_hash if counted is None else Response.id
    query = (
        select(Response.questionnaire_id, key, Item.scale, func.avg(Answer.number))
        .join(Answer, Answer.response_id == Response.id)
        .join(Item, Item.id == Answer.item_id)
        .where(
            Response.questionnaire_id.in_(questionnaire_ids),
            Item.kind == ItemKind.LIKERT.value,
            Item.scale.is_not(None),
        )
        .group_by(Response.questionnaire_id, key, Item.scale)
    )
    if counted is not None:
        query = query.where(Response.id.in_(counted))
    else:
        query = query.where(Response.pair_hash.is_not(None))
    if interim_of is not None:  # only whole batches of the questionnaire still open
        query = query.where(
            or_(Response.questionnaire_id != interim_of, Response.batch.is_not(None))
        )
    return db.session.execute(query).all()


def _scales(questionnaire_id, counted, k):
    """Each scale's mean score and interval, over respondents who rated any of its items."""
    scores = defaultdict(list)
    for _q, _respondent, scale, mean in _scale_scores([questionnaire_id], counted):
        scores[scale].append(float(mean))
    return [
        ScaleResult(name, statistics.mean_interval(values), shown(len(values)))
        if len(values) >= k
        else ScaleResult(name, None, FEWER_FIGURE)
        for name, values in sorted(scores.items())
    ]


def paired_baseline(questionnaire):
    """The cohort's paired baseline questionnaire to compare with, or None."""
    return db.session.scalar(
        select(Questionnaire)
        .where(
            Questionnaire.cohort_id == questionnaire.cohort_id,
            Questionnaire.kind == Kind.BASELINE.value,
            Questionnaire.anonymity == Anonymity.PAIRED.value,
            Questionnaire.id != questionnaire.id,
        )
        .order_by(Questionnaire.opens_at.desc())
        .limit(1)
    )


def _paired(questionnaire, k, interim=False):
    """Scale changes since the paired baseline, over codes found once in each questionnaire."""
    baseline = paired_baseline(questionnaire)
    if baseline is None:
        return PairedResult(None, 0, [])
    rows = _scale_scores(
        [baseline.id, questionnaire.id], interim_of=questionnaire.id if interim else None
    )
    scores = defaultdict(dict)  # (scale, hash) -> {questionnaire id: mean}
    for q_id, code, scale, mean in rows:
        scores[(scale, code)][q_id] = float(mean)
    duplicated = _codes_used_twice(baseline.id, questionnaire.id)
    changes, all_pairs = [], set()
    for scale in sorted({scale for scale, _ in scores}):
        pairs = [
            (v[baseline.id], v[questionnaire.id])
            for (s, code), v in scores.items()
            if s == scale and len(v) == 2 and code not in duplicated
        ]
        all_pairs |= {
            code for (s, code), v in scores.items() if s == scale and len(v) == 2
        } - duplicated
        if len(pairs) >= k:
            before, after = zip(*pairs, strict=True)
            changes.append((scale, shown(len(pairs)), statistics.paired_change(before, after)))
        else:
            changes.append((scale, FEWER_FIGURE, None))
    return PairedResult(baseline, len(all_pairs), changes)


def _codes_used_twice(*questionnaire_ids):
    """Codes given by two respondents of one questionnaire: they pair with nobody."""
    return set(
        db.session.scalars(
            select(Response.pair_hash)
            .where(
                Response.questionnaire_id.in_(questionnaire_ids), Response.pair_hash.is_not(None)
            )
            .group_by(Response.questionnaire_id, Response.pair_hash)
            .having(func.count(Response.id) > 1)
        )
    )
