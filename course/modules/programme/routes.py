"""The programme page, the session page and editing a session."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from course import audit
from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.programme import panels
from course.modules.programme.forms import CourseSessionForm
from course.modules.programme.models import CourseSession
from course.modules.programme.services import cohort_sessions, split_sessions
from course.permissions import (
    current_cohort,
    get_course_session_or_404,
    role_required,
)
from course.text import render_markdown
from course.timeutil import to_local

bp = Blueprint("programme", __name__, url_prefix="/programme")
MEMBER_ROLES = (Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.TRAINER, Role.EVALUATOR)


@bp.route("/")
@role_required(*MEMBER_ROLES)
def index():
    """The cohort's eleven sessions: past, next and upcoming."""
    cohort = current_cohort()
    sessions = cohort_sessions(cohort.id) if cohort else []
    past, next_one, upcoming = split_sessions(sessions)
    return render_template(
        "programme/index.html", cohort=cohort, past=past, next_one=next_one, upcoming=upcoming
    )


@bp.route("/<int:session_id>")
@role_required(*MEMBER_ROLES)
def detail(session_id):
    """One session: its focus, readings, presenters and my status."""
    course_session = get_course_session_or_404(session_id)
    return render_template(
        "programme/detail.html",
        course_session=course_session,
        focus=render_markdown(course_session.focus),
        sections=panels.session_sections(current_user, course_session),
    )


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def edit(session_id):
    """Trainers edit a session; the calendar sequence goes up so feeds update the event."""
    course_session = get_course_session_or_404(session_id)
    cohort = db.session.get(Cohort, course_session.cohort_id)
    siblings = set(
        db.session.scalars(
            select(CourseSession.number).where(
                CourseSession.cohort_id == course_session.cohort_id,
                CourseSession.id != course_session.id,
            )
        )
    )
    local_start = to_local(course_session.starts_at)
    form = CourseSessionForm(
        obj=course_session,
        day=local_start.date(),
        start_time=local_start.time(),
        end_time=to_local(course_session.ends_at).time(),
        cohort=cohort,
        sibling_numbers=siblings,
    )
    if form.validate_on_submit():
        for name in ("number", "title", "location", "focus", "presentation_slots"):
            setattr(course_session, name, getattr(form, name).data)
        course_session.starts_at = form.starts_at()
        course_session.ends_at = form.ends_at()
        course_session.sequence += 1
        audit.record("session_edited", course_session, number=course_session.number)
        db.session.commit()
        flash(f"Saved session {course_session.number}.", "success")
        return redirect(url_for("programme.detail", session_id=course_session.id))
    return render_template("programme/edit.html", form=form, course_session=course_session)
