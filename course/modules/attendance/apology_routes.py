"""Sending and withdrawing apologies for a session to come."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Role
from course.modules.attendance.apologies import (
    ApologyRefused,
    my_mark,
    send_apologies,
    withdraw_apologies,
)
from course.modules.attendance.forms import ApologiesForm
from course.modules.attendance.models import AttendanceStatus
from course.modules.attendance.routes import bp
from course.permissions import get_course_session_or_404, role_required


@bp.route("/<int:session_id>/apologies", methods=["GET", "POST"])
@role_required(Role.PARTICIPANT, Role.SENIOR_MANAGER)
def apologies(session_id):
    """Send apologies, with a reason, for a session that has not started."""
    course_session = get_course_session_or_404(session_id)
    mark = my_mark(course_session, current_user)
    sent = mark is not None and mark.status == AttendanceStatus.APOLOGIES
    form = ApologiesForm(reason=mark.apology_reason if sent else None)
    is_open = not course_session.has_started() and not course_session.cancelled
    if is_open and form.validate_on_submit():
        try:
            send_apologies(course_session, current_user, form.reason.data)
        except ApologyRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(
                f"Your apologies for session {course_session.number} have been sent to the "
                "trainers. You can withdraw them until the session starts.",
                "success",
            )
            return redirect(url_for("programme.detail", session_id=session_id))
    return render_template(
        "attendance/apologies.html",
        course_session=course_session,
        form=form,
        sent=sent,
        is_open=is_open,
        withdraw_form=EmptyForm(),
    )


@bp.route("/<int:session_id>/apologies/withdraw", methods=["POST"])
@role_required(Role.PARTICIPANT, Role.SENIOR_MANAGER)
def withdraw(session_id):
    """Withdraw apologies before the session starts."""
    course_session = get_course_session_or_404(session_id)
    if EmptyForm().validate_on_submit():
        try:
            withdraw_apologies(course_session, current_user)
        except ApologyRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash("Your apologies have been withdrawn: the trainers expect you.", "success")
    return redirect(url_for("programme.detail", session_id=session_id))
