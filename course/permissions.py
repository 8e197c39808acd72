"""Who may see what: role checks and object getters scoped to the current user."""

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role
from course.modules.programme.models import CourseSession


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


def current_cohort():
    """The signed-in user's cohort: the latest-starting one they belong to, or None."""
    if "current_cohort" not in g:
        g.current_cohort = db.session.scalar(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == current_user.id)
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
            .limit(1)
        )
    return g.current_cohort


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
    course_session = db.session.scalar(
        select(CourseSession).where(
            CourseSession.id == session_id,
            CourseSession.cohort_id.in_(cohort_ids_for(current_user)),
        )
    )
    if course_session is None:
        abort(404)
    return course_session


def is_staff(user):
    """Trainers run the programme."""
    return user.role == Role.TRAINER
