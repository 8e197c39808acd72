"""The senior view's data: released barriers aggregated in SQL, then suppressed.

A fixed number of queries whatever the number of barriers: the releases, the new people each
release added to each theme, the same per theme and stage, and the quotations.

Only barriers raised by people who cannot see the figures count in them: the senior managers
raise barriers too, and anyone who knows some of a figure's people could subtract them (three
senior managers turning "fewer than 5" into 5 learn that 2 others raised it). So barriers raised
by a viewer of the overview (a senior manager; trainers and evaluators do not raise any) are
left out of every figure and quotation, and each senior manager sees their own listed apart.
"""

from collections import defaultdict

from flask import current_app
from sqlalchemy import and_, false, func, or_, select

from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.barriers.models import Barrier, BarrierStatus, stage_of_period, voice_of
from course.modules.barriers.suppression import suppressed_theme_counts
from course.modules.barriers.themes import STAGES, THEME_VALUES, Theme

QUOTES_PER_THEME = 5
# Who can see the overview's figures; what they raise is never counted in them.
OVERVIEW_ROLES = (Role.SENIOR_MANAGER, Role.EVALUATOR, Role.TRAINER)


def counted_in_figures():
    """SQL: the barrier was raised aloud (no name) or by someone who cannot see the figures."""
    viewers = select(User.id).where(User.role.in_([role.value for role in OVERVIEW_ROLES]))
    return or_(Barrier.raised_by_id.is_(None), Barrier.raised_by_id.not_in(viewers))


def parse_filters(args):
    """(stage, theme) from a query string; anything unknown means 'all'."""
    stage = args.get("stage", "")
    theme = args.get("theme", "")
    stage = int(stage) if stage.isdigit() and int(stage) in STAGES else None
    theme = Theme(theme) if theme in THEME_VALUES else None
    return stage, theme


def k_anonymity():
    """K: the fewest distinct people a published figure may count."""
    return max(2, int(current_app.config["COURSE_K_ANONYMITY"]))


def _released(cohort_id):
    """Each released barrier as (theme, stage, voice, release)."""
    return (
        select(
            Barrier.theme.label("theme"),
            stage_of_period().label("stage"),
            voice_of().label("voice"),
            Barrier.released_at.label("released_at"),
        )
        .where(
            Barrier.cohort_id == cohort_id,
            Barrier.released_at.is_not(None),
            counted_in_figures(),
        )
        .subquery()
    )


def _new_people(cohort_id, by_stage):
    """{(theme[, stage], release): people counted in the cell for the first time}."""
    barriers = _released(cohort_id)
    cell = [barriers.c.theme, barriers.c.stage] if by_stage else [barriers.c.theme]
    firsts = (
        select(*cell, func.min(barriers.c.released_at).label("first"))
        .group_by(*cell, barriers.c.voice)
        .subquery()
    )
    cell = [firsts.c.theme, firsts.c.stage] if by_stage else [firsts.c.theme]
    rows = db.session.execute(
        select(*cell, firsts.c.first, func.count()).group_by(*cell, firsts.c.first)
    )
    return {tuple(row[:-1]): row[-1] for row in rows}


def release_times(cohort_id):
    """When each batch with a counted barrier was released, oldest first."""
    return list(
        db.session.scalars(
            select(Barrier.released_at)
            .where(
                Barrier.cohort_id == cohort_id,
                Barrier.released_at.is_not(None),
                counted_in_figures(),
            )
            .distinct()
            .order_by(Barrier.released_at)
        )
    )


def cohort_overview(cohort_id, stage=None, theme=None, k=None):
    """The suppressed figures of a cohort under one choice of filters."""
    return suppressed_theme_counts(
        release_times(cohort_id),
        _new_people(cohort_id, by_stage=False),
        _new_people(cohort_id, by_stage=True),
        k or k_anonymity(),
        stage=stage,
        theme=theme,
    )


def quotations(cohort_id, overview, per_theme=QUOTES_PER_THEME):
    """{theme: [excerpt, ...]}: consented, released, edited excerpts of themes whose figure is
    shown, counted in that figure (released no later than its last step), each wording once,
    in alphabetical order (so their order says nothing about when they were raised)."""
    counted = [
        and_(Barrier.theme == row.theme.value, Barrier.released_at <= row.last_step_at)
        for row in overview.rows
        if row.total.shown and row.last_step_at is not None
    ]
    distinct = (
        select(Barrier.theme, Barrier.excerpt)
        .where(
            Barrier.cohort_id == cohort_id,
            Barrier.status == BarrierStatus.RELEASED,
            Barrier.quote_consent.is_(True),
            Barrier.excerpt.is_not(None),
            Barrier.excerpt != "",
            counted_in_figures(),
            or_(*counted) if counted else false(),
        )
        .group_by(Barrier.theme, Barrier.excerpt)
        .subquery()
    )
    ranked = select(
        distinct.c.theme,
        distinct.c.excerpt,
        func.row_number()
        .over(partition_by=distinct.c.theme, order_by=distinct.c.excerpt)
        .label("place"),
    ).subquery()
    quotes = defaultdict(list)
    for theme, excerpt in db.session.execute(
        select(ranked.c.theme, ranked.c.excerpt)
        .where(ranked.c.place <= per_theme)
        .order_by(ranked.c.theme, ranked.c.place)
    ):
        quotes[Theme(theme)].append(excerpt)
    return quotes


def own_uncounted_barriers(cohort_id, user):
    """A viewer's own released barriers, which the figures leave out: (theme, released_at)."""
    if user.role not in OVERVIEW_ROLES:
        return []
    return db.session.execute(
        select(Barrier.theme, Barrier.released_at)
        .where(
            Barrier.cohort_id == cohort_id,
            Barrier.raised_by_id == user.id,
            Barrier.released_at.is_not(None),
        )
        .order_by(Barrier.released_at, Barrier.id)
    ).all()


def cohorts_overviews(cohort_ids, k=None):
    """{cohort id: its overview of themes}, each cohort suppressed on its own, in two queries.

    For the year-on-year view: the cohorts' barriers are disjoint and no figure across cohorts
    is published, so no figure can be taken from a sum or another cohort's figure.
    """
    cohort_ids = list(cohort_ids)
    released = (
        select(
            Barrier.cohort_id.label("cohort_id"),
            Barrier.theme.label("theme"),
            voice_of().label("voice"),
            Barrier.released_at.label("released_at"),
        )
        .where(Barrier.cohort_id.in_(cohort_ids), Barrier.released_at.is_not(None))
        .subquery()
    )
    releases = defaultdict(set)
    for cohort_id, at in db.session.execute(
        select(released.c.cohort_id, released.c.released_at).distinct()
    ):
        releases[cohort_id].add(at)
    firsts = (
        select(
            released.c.cohort_id,
            released.c.theme,
            func.min(released.c.released_at).label("first"),
        )
        .group_by(released.c.cohort_id, released.c.theme, released.c.voice)
        .subquery()
    )
    new_in_theme = defaultdict(dict)
    for cohort_id, theme, first, count in db.session.execute(
        select(firsts.c.cohort_id, firsts.c.theme, firsts.c.first, func.count()).group_by(
            firsts.c.cohort_id, firsts.c.theme, firsts.c.first
        )
    ):
        new_in_theme[cohort_id][(theme, first)] = count
    k = k or k_anonymity()
    return {
        cohort_id: suppressed_theme_counts(
            sorted(releases[cohort_id]), new_in_theme[cohort_id], {}, k
        )
        for cohort_id in cohort_ids
    }
