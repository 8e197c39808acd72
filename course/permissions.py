"""Who may see what: role checks and object getters scoped to the current user."""

from functools import wraps

from flask import abort, g, request, session
from flask_login import current_user, login_required
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role
from course.modules.programme.models import CourseSession
from course.request_cache import once_per_request


def role_required(*roles):
    """Let signed-in users with one of the roles through; 403 for other roles."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def cohort_ids_for(user):
    """The ids of the cohorts a user belongs to."""
    return select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)


# The cohort a person chose to work in, kept in the (per sign-in) session.
CHOSEN_COHORT_KEY = "cohort_id"


def _cohort_wanted():
    """The cohort named by the address (`?cohort=<id>`), or None."""
    value = request.args.get("cohort", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def current_cohort():
    """The cohort the signed-in user is working in, or None if they belong to none.

    In order: the cohort the address names (`?cohort=<id>`, so a bookmarked or emailed link opens
    it), the one chosen with the switcher, else the latest-starting one. Membership is checked on
    every request: the choice is made among the person's cohorts (`my_cohorts`, the one query
    every page needs for the header's switcher anyway).
    """
    if "current_cohort" not in g:
        wanted = _cohort_wanted()
        chosen = session.get(CHOSEN_COHORT_KEY)
        cohorts = my_cohorts(current_user)
        by_id = {cohort.id: cohort for cohort in cohorts}
        chosen = chosen if isinstance(chosen, int) else None
        cohort = by_id.get(wanted) or by_id.get(chosen) or next(iter(cohorts), None)
        if cohort is not None and cohort.id == wanted:
            remember_cohort(cohort)
        g.current_cohort = cohort
    return g.current_cohort


def remember_cohort(cohort):
    """Work in this cohort for the rest of the sign-in (the caller checked membership)."""
    g.current_cohort = cohort
    if session.get(CHOSEN_COHORT_KEY) != cohort.id:
        session[CHOSEN_COHORT_KEY] = cohort.id


def remember_cohort_id(cohort_id):
    """Work in the cohort of the object this page shows (the caller checked membership)."""
    current = g.get("current_cohort")
    if current is not None and current.id == cohort_id:
        return
    session[CHOSEN_COHORT_KEY] = cohort_id
    g.pop("current_cohort", None)  # current_cohort() now finds the chosen one


def _my_memberships(user):
    """[(cohort, joined_on, left_on)] for every cohort the user belongs to, latest first: one
    query a request."""
    return once_per_request(
        "my_cohorts",
        user.id,
        lambda: db.session.execute(
            select(Cohort, CohortMember.joined_on, CohortMember.left_on)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user.id)
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        ).all(),
    )


def my_cohorts(user):
    """Every cohort the user belongs to, latest first (one query a request)."""
    return [cohort for cohort, _joined_on, _left_on in _my_memberships(user)]


def my_membership_span(user, cohort_id):
    """(joined_on, left_on) of the user's membership of the cohort (None ends are open), or
    None if they are not a member: from the same query as `my_cohorts`."""
    spans = {cohort.id: (joined, left) for cohort, joined, left in _my_memberships(user)}
    return spans.get(cohort_id)


def current_cohort_or_404():
    """The signed-in user's cohort; 404 for someone who belongs to none."""
    cohort = current_cohort()
    if cohort is None:
        abort(404)
    return cohort


def is_member(user, cohort_id):
    """Whether the user belongs to the cohort."""
    return (
        db.session.scalar(
            select(CohortMember.id).where(
                CohortMember.user_id == user.id, CohortMember.cohort_id == cohort_id
            )
        )
        is not None
    )


def get_course_session_or_404(session_id):
    """A session of one of the current user's cohorts; 404 for any other."""
    row = db.session.execute(
        select(CourseSession, Cohort)
        .join(Cohort, Cohort.id == CourseSession.cohort_id)
        .where(
            CourseSession.id == session_id,
            CourseSession.cohort_id.in_(cohort_ids_for(current_user)),
        )
    ).first()
    if row is None:
        abort(404)
    course_session, cohort = row
    remember_cohort(cohort)  # a session's page is a page of its cohort
    return course_session


def is_staff(user):
    """Trainers run the programme."""
    return user.role == Role.TRAINER
