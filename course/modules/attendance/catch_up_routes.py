"""Catch-up reflections: writing one, and the trainers' review and approval."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from course import audit
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import CohortMember, Role, User
from course.modules.attendance import catch_ups
from course.modules.attendance.forms import CatchUpForm
from course.modules.attendance.routes import bp
from course.modules.attendance.services import CatchUpState
from course.permissions import current_cohort_or_404, get_course_session_or_404, role_required
from course.text import render_markdown
from course.timeutil import london_today


@bp.route("/catch-up/<int:session_id>", methods=["GET", "POST"])
@role_required(Role.PARTICIPANT, Role.SENIOR_MANAGER)
def catch_up(session_id):
    """A missed session's catch-up: its required readings and my reflection for the trainers."""
    course_session = get_course_session_or_404(session_id)
    mark, row, facts = catch_ups.catch_up_state(course_session, current_user)
    state = facts.catch_up_state(london_today())
    if state is None:
        abort(404)  # no catch-up: the session was attended, is to come, or is unmarked
    readings = catch_ups.required_readings([course_session.id])[course_session.id]
    form = CatchUpForm(reflection=row.reflection if row else None)
    can_send = state in (CatchUpState.TO_DO, CatchUpState.WAITING)
    if can_send and form.validate_on_submit():
        try:
            catch_ups.submit_catch_up(course_session, current_user, form.reflection.data, readings)
        except catch_ups.CatchUpRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash("Your catch-up reflection has been sent to the trainers.", "success")
            return redirect(url_for("attendance.index"))
    return render_template(
        "attendance/catch_up.html",
        course_session=course_session,
        mark=mark,
        row=row,
        state=state,
        due=facts.catch_up_due,
        readings=readings,
        read_ids=catch_ups.read_by(current_user, readings),
        task=catch_ups.task_text(course_session, readings),
        form=form,
        can_send=can_send,
    )


@bp.route("/catch-ups")
@role_required(Role.TRAINER)
def catch_up_list():
    """Catch-up reflections waiting for a trainer's approval."""
    cohort = current_cohort_or_404()
    waiting = catch_ups.waiting_for_approval(cohort.id)
    return render_template("attendance/catch_ups.html", cohort=cohort, waiting=waiting)


@bp.route("/catch-ups/<int:catch_up_id>")
@role_required(Role.TRAINER)
def review_catch_up(catch_up_id):
    """A trainer reads one reflection (the read is audited)."""
    row = catch_ups.get_catch_up_for_trainer_or_404(catch_up_id)
    if row.submitted_at is None:
        abort(404)
    audit.record("catch_up_read", row, person_id=row.user_id)
    db.session.commit()
    return render_template(
        "attendance/catch_up_review.html",
        row=row,
        reflection=render_markdown(row.reflection or ""),
        form=EmptyForm(),
    )


@bp.route("/catch-ups/<int:catch_up_id>/approve", methods=["POST"])
@role_required(Role.TRAINER)
def approve(catch_up_id):
    """Approve a reflection: the session counts as caught up."""
    row = catch_ups.get_catch_up_for_trainer_or_404(catch_up_id)
    if EmptyForm().validate_on_submit():
        try:
            catch_ups.approve_catch_up(row, current_user)
        except catch_ups.CatchUpRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
            return redirect(url_for("attendance.review_catch_up", catch_up_id=catch_up_id))
        message = f"Approved {row.user.name}'s catch-up for session {row.course_session.number}."
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("attendance.catch_up_list"))


@bp.route("/catch-up/<int:session_id>/<int:user_id>/extend", methods=["POST"])
@role_required(Role.TRAINER)
def extend(session_id, user_id):
    """Give a person two more weeks for an overdue catch-up."""
    course_session = get_course_session_or_404(session_id)
    person = db.session.scalar(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(User.id == user_id, CohortMember.cohort_id == course_session.cohort_id)
    )
    if person is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        row = catch_ups.extend_catch_up(course_session, person, current_user, london_today())
        db.session.commit()
        flash(
            f"{person.name}'s catch-up for session {course_session.number} "
            f"is now due on {row.due_on:%d/%m/%Y}.",
            "success",
        )
    return redirect(url_for("attendance.index"))
