"""The supervisee survey's rounds and team links: create, close, replace, find, cap, throttle.

A round is a questionnaire of the cohort whose audience is the supervisees, made from the
site's supervisee template the first time a manager asks for a link in it. Each manager has
at most one link per round; the link is the team.
"""

import hashlib
import math
import secrets
from datetime import datetime, time, timedelta

from flask import abort
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.evaluation import services
from course.modules.evaluation.models import Anonymity, Audience, Kind, Questionnaire, Response
from course.modules.evaluation.survey_models import SurveyLink, SurveyThrottle
from course.permissions import cohort_ids_for
from course.timeutil import utcnow

ROUND_KINDS = (Kind.BASELINE, Kind.END, Kind.FOLLOW_UP)
ROUND_LABELS = {
    Kind.BASELINE: "Baseline (early in the programme)",
    Kind.END: "End of the programme",
    Kind.FOLLOW_UP: "Follow-up (some months later)",
}
WINDOW_MINUTES = 10
POSTS_PER_WINDOW_FLOOR = 20
LINK_MANAGERS = (Role.TRAINER,)  # besides the link's own manager


class LinkExists(Exception):
    """The manager already has a link for this round."""


def token_digest(token):
    """The hash a link is looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def margin(team_size):
    """How many answers beyond the team size are accepted (a new starter, a locum)."""
    return max(2, math.ceil(team_size / 5))


def cap(link):
    """The most answers a link accepts."""
    return link.team_size + margin(link.team_size)


def rounds_of(cohort_id):
    """{Kind: questionnaire} for the cohort's supervisee rounds that exist."""
    rows = db.session.scalars(
        select(Questionnaire).where(
            Questionnaire.cohort_id == cohort_id,
            Questionnaire.audience == Audience.SUPERVISEES.value,
        )
    )
    return {Kind(q.kind): q for q in rows}


def ensure_round(cohort_id, kind):
    """The cohort's round of this kind, made (open) from the supervisee template if missing."""
    existing = rounds_of(cohort_id).get(kind)
    if existing is not None:
        return existing
    cohort = db.session.get(Cohort, cohort_id)
    now = utcnow()
    ends = datetime.combine(cohort.ends_on, time(23, 59), tzinfo=now.tzinfo)
    questionnaire = services.create_questionnaire(
        cohort_id,
        kind=kind.value,
        title=None,
        opens_at=now,
        closes_at=max(ends, now) + timedelta(days=365),
        audience=Audience.SUPERVISEES.value,
        anonymity=Anonymity.ANONYMOUS.value,
    )
    services.open_questionnaire(questionnaire)
    return questionnaire


def _new_token(link):
    token = secrets.token_urlsafe(24)
    link.token = token
    link.token_hash = token_digest(token)
    return token


def create_link(manager, cohort_id, kind, team_size):
    """A new open link for the manager's team in a round. Raises LinkExists. Caller commits."""
    questionnaire = ensure_round(cohort_id, kind)
    if not questionnaire.is_answerable():
        raise LinkExists("This round is closed.")
    existing = db.session.scalar(
        select(SurveyLink.id).where(
            SurveyLink.questionnaire_id == questionnaire.id, SurveyLink.manager_id == manager.id
        )
    )
    if existing is not None:
        raise LinkExists("You already have a link for this round: close or replace it below.")
    link = SurveyLink(questionnaire_id=questionnaire.id, manager_id=manager.id,
                      team_size=team_size, open=True, replaced=0)  # fmt: skip
    _new_token(link)
    db.session.add(link)
    db.session.flush()
    return link


def _forget_posts(link):
    """The flood counter's window says roughly when the team last answered: drop it."""
    db.session.execute(delete(SurveyThrottle).where(SurveyThrottle.link_id == link.id))


def replace_link(link):
    """A new address for the same team (the old one stops working); the link is open again."""
    _new_token(link)
    link.replaced += 1
    link.open = True
    _forget_posts(link)


def close_link(link):
    """Stop accepting answers through this link."""
    link.open = False
    _forget_posts(link)


def link_by_token(token):
    """The link for a survey address, with its round, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(SurveyLink)
        .options(joinedload(SurveyLink.questionnaire))
        .where(SurveyLink.token_hash == token_digest(token))
    )


def accepting(link, now=None):
    """Whether the link takes answers: open, in an open round."""
    return link.open and link.questionnaire.is_answerable(now)


def answers_through(link_id):
    """How many answers a link has taken (all of them, counted or not)."""
    return db.session.scalar(
        select(func.count(Response.id)).where(Response.survey_link_id == link_id)
    )


def take_post(link, now=None):
    """Count a post to the link in the current window; False when the window is full.

    One conditional UPDATE (or an INSERT the unique rule guards), so concurrent posts cannot
    both pass the last place, on SQLite and PostgreSQL alike. Older windows are deleted.
    """
    now = now or utcnow()
    window = int(now.timestamp() // 60) // WINDOW_MINUTES
    limit = max(POSTS_PER_WINDOW_FLOOR, 2 * cap(link))
    db.session.execute(
        delete(SurveyThrottle).where(
            SurveyThrottle.link_id == link.id, SurveyThrottle.window < window
        )
    )
    taken = db.session.execute(
        update(SurveyThrottle)
        .where(
            SurveyThrottle.link_id == link.id,
            SurveyThrottle.window == window,
            SurveyThrottle.posts < limit,
        )
        .values(posts=SurveyThrottle.posts + 1)
    ).rowcount
    if taken:
        return True
    exists = db.session.scalar(
        select(SurveyThrottle.id).where(
            SurveyThrottle.link_id == link.id, SurveyThrottle.window == window
        )
    )
    if exists is not None:
        return False
    db.session.add(SurveyThrottle(link_id=link.id, window=window, posts=1))
    db.session.flush()
    return True


def links_of_manager(manager_id, cohort_id):
    """The manager's links in the cohort, by round."""
    return list(
        db.session.scalars(
            select(SurveyLink)
            .options(joinedload(SurveyLink.questionnaire))
            .join(Questionnaire, Questionnaire.id == SurveyLink.questionnaire_id)
            .where(SurveyLink.manager_id == manager_id, Questionnaire.cohort_id == cohort_id)
            .order_by(Questionnaire.opens_at, SurveyLink.id)
        )
    )


def cohort_links(cohort_id):
    """Every team link of the cohort, with its manager and round (for the trainers)."""
    return list(
        db.session.scalars(
            select(SurveyLink)
            .options(joinedload(SurveyLink.questionnaire), joinedload(SurveyLink.manager))
            .join(Questionnaire, Questionnaire.id == SurveyLink.questionnaire_id)
            .where(Questionnaire.cohort_id == cohort_id)
            .order_by(Questionnaire.opens_at, SurveyLink.id)
        )
    )


def own_link_or_404(link_id, user):
    """The user's own link (any other, whoever asks, is 404)."""
    link = db.session.scalar(
        select(SurveyLink)
        .options(joinedload(SurveyLink.questionnaire))
        .where(SurveyLink.id == link_id, SurveyLink.manager_id == user.id)
    )
    if link is None:
        abort(404)
    return link


def managed_link_or_404(link_id, user):
    """A link the user may close or replace: their own, or any of their cohorts' if a trainer."""
    query = (
        select(SurveyLink)
        .options(joinedload(SurveyLink.questionnaire), joinedload(SurveyLink.manager))
        .join(Questionnaire, Questionnaire.id == SurveyLink.questionnaire_id)
        .where(SurveyLink.id == link_id)
    )
    if user.role in LINK_MANAGERS:
        query = query.where(Questionnaire.cohort_id.in_(cohort_ids_for(user)))
    else:
        query = query.where(SurveyLink.manager_id == user.id)
    link = db.session.scalar(query)
    if link is None:
        abort(404)
    return link
