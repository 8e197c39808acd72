"""'You said, we did': senior managers' responses to themes, and who is told about them."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from course import audit
from course.extensions import db
from course.modules.accounts.models import User
from course.modules.barriers.models import OPEN_RESPONSE_STATUSES, Barrier, BarrierResponse
from course.modules.notifications.services import notify


def record_response(author, cohort_id, theme, response, owner, due_on, status, reason=None):
    """A senior manager records what will be done about a theme; its raisers are told."""
    entry = BarrierResponse(
        cohort_id=cohort_id,
        theme=theme,
        response=response.strip(),
        owner=owner.strip(),
        due_on=due_on,
        status=status,
        reason=(reason or "").strip() or None,
        created_by_id=author.id,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record("barrier_response_recorded", entry, theme=theme, status=status)
    notify_raisers(entry, author, new=True)
    return entry


def update_response(entry, author, response, owner, due_on, status, reason=None):
    """A senior manager updates a response; raisers are told when its status changes."""
    status_changed = entry.status != status
    entry.response = response.strip()
    entry.owner = owner.strip()
    entry.due_on = due_on
    entry.status = status
    entry.reason = (reason or "").strip() or None
    audit.record("barrier_response_updated", entry, theme=entry.theme, status=status)
    if status_changed:
        notify_raisers(entry, author, new=False)


def raisers_of_theme(cohort_id, theme):
    """The people who raised a barrier in a theme (not the ones logged aloud)."""
    return db.session.scalars(
        select(User)
        .where(
            User.id.in_(
                select(Barrier.raised_by_id).where(
                    Barrier.cohort_id == cohort_id,
                    Barrier.theme == theme,
                    Barrier.raised_by_id.is_not(None),
                )
            ),
            User.active.is_(True),
        )
        .order_by(User.id)
    ).all()


def notify_raisers(entry, author, new):
    """Tell each person who raised a barrier in the theme, naming nobody and no theme."""
    subject = (
        "Senior managers have responded to a barrier you raised"
        if new
        else "A response to a barrier you raised has been updated"
    )
    body = (
        "The senior management team has posted a response to one of the themes of the "
        "barriers you raised. See what will be done, by whom and by when on your barriers page."
    )
    for person in raisers_of_theme(entry.cohort_id, entry.theme):
        if person.id != author.id:
            notify(person, "barrier_response", subject, body, link="/barriers/")


def cohort_responses(cohort_id, theme=None):
    """A cohort's responses (to one theme, if given): open ones first, soonest due first."""
    query = select(BarrierResponse).where(BarrierResponse.cohort_id == cohort_id)
    if theme is not None:
        query = query.where(BarrierResponse.theme == theme)
    return list(
        db.session.scalars(
            query.order_by(
                BarrierResponse.status.in_(OPEN_RESPONSE_STATUSES).desc(),
                BarrierResponse.due_on,
                BarrierResponse.id,
            )
        )
    )


def my_themes(user, cohort_id):
    """SQL: the themes a person has raised barriers in."""
    return select(Barrier.theme).where(
        Barrier.cohort_id == cohort_id, Barrier.raised_by_id == user.id
    )


def _to_my_themes(user, cohort_id):
    """SQL conditions: the cohort's responses to the themes a person raised."""
    return (
        BarrierResponse.cohort_id == cohort_id,
        BarrierResponse.theme.in_(my_themes(user, cohort_id)),
    )


def responses_to_my_themes(user, cohort_id, limit=None):
    """Responses to the themes a person raised, latest first."""
    query = (
        select(BarrierResponse)
        .where(*_to_my_themes(user, cohort_id))
        .order_by(BarrierResponse.updated_at.desc(), BarrierResponse.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def responses_to_my_themes_count(user, cohort_id):
    """How many responses there are to the themes a person raised, as a scalar subquery."""
    return (
        select(func.count(BarrierResponse.id))
        .where(*_to_my_themes(user, cohort_id))
        .scalar_subquery()
    )


def overdue_count_query(cohort_id, today):
    """How many responses are past their due date and still open, as a scalar subquery."""
    return (
        select(func.count(BarrierResponse.id))
        .where(
            BarrierResponse.cohort_id == cohort_id,
            BarrierResponse.status.in_(OPEN_RESPONSE_STATUSES),
            BarrierResponse.due_on < today,
        )
        .scalar_subquery()
    )


def overdue_count(cohort_id, today):
    """How many responses are past their due date and still open."""
    return db.session.scalar(select(overdue_count_query(cohort_id, today)))


# A theme's response status, as the ranking shows it.
RESPONDED, IN_PROGRESS, NO_RESPONSE = "responded", "in_progress", "none"
THEME_STATUS_LABELS = {
    RESPONDED: "Responded",
    IN_PROGRESS: "In progress",
    NO_RESPONSE: "No response yet",
}


@dataclass(frozen=True)
class ThemeStatus:
    """Where the responses to one theme stand."""

    key: str
    overdue: bool = False

    @property
    def label(self):
        """'Responded', 'In progress' (', overdue') or 'No response yet'."""
        label = THEME_STATUS_LABELS[self.key]
        return f"{label}, overdue" if self.overdue else label


def theme_statuses(cohort_id, today):
    """{theme value: ThemeStatus} for every theme with a response (one query); a theme missing
    has no response yet. A theme with an open response (planned or in progress) is in progress;
    one whose responses are all done or not possible has been responded to."""
    found = {}
    for theme, status, due_on in db.session.execute(
        select(BarrierResponse.theme, BarrierResponse.status, BarrierResponse.due_on).where(
            BarrierResponse.cohort_id == cohort_id
        )
    ):
        current = found.get(theme)
        if status in OPEN_RESPONSE_STATUSES:
            overdue = due_on < today or bool(current and current.overdue)
            found[theme] = ThemeStatus(IN_PROGRESS, overdue)
        elif current is None:
            found[theme] = ThemeStatus(RESPONDED)
    return found


def theme_status(statuses, theme):
    """The status of one theme from theme_statuses()."""
    return statuses.get(getattr(theme, "value", theme), ThemeStatus(NO_RESPONSE))


def example_due_date(today):
    """A date for the due-date hint: about three months ahead, so never in the past."""
    return today + timedelta(days=91)
