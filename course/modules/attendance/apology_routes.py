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
from course.modules.presentations import absence
from course.modules.presentations.models import PresentationStatus
from course.modules.presentations.services import RotaError
from course.permissions import get_course_session_or_404, role_required


@bp.route("/<int:session_id>/apologies", methods=["GET", "POST"])
@role_required(Role.PARTICIPANT, Role.SENIOR_MANAGER)
def apologies(session_id):
    """Send apologies, with a reason, for a session that has not started.

    A confirmed presenter is warned and chooses whether to withdraw (even inside the rota's
    cut-off); a reserve leaves the reserve list.
    """
    course_session = get_course_session_or_404(session_id)
    mark = my_mark(course_session, current_user)
    sent = mark is not None and mark.status == AttendanceStatus.APOLOGIES
    form = ApologiesForm(reason=mark.apology_reason if sent else None)
    is_open = not course_session.has_started() and not course_session.cancelled
    sign_up = absence.live_sign_up(course_session.id, current_user.id)
    presenting = sign_up is not None and sign_up.status == PresentationStatus.CONFIRMED
    valid = is_open and form.validate_on_submit()
    if valid and presenting and not sent:
        valid = form.validate_for_presenter()
    if valid:
        try:
            note, trainers_note = absence.after_apologies(
                course_session, current_user, form.presenting.data == "withdraw"
            )
            send_apologies(
                course_session, current_user, form.reason.data, trainers_note=trainers_note
            )
        except (ApologyRefused, RotaError) as refusal:
            db.session.rollback()
            flash(str(refusal), "error")
        else:
            db.session.commit()
            flash(
                f"Your apologies for session {course_session.number} have been sent to the "
                "trainers. You can withdraw them until the session starts."
                + (f" {note}" if note else ""),
                "success",
            )
            return redirect(url_for("programme.detail", session_id=session_id))
    return render_template(
        "attendance/apologies.html",
        course_session=course_session,
        form=form,
        sent=sent,
        is_open=is_open,
        sign_up=sign_up,
        presenting=presenting,
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
            if absence.gave_up_slot(course_session.id, current_user.id):
                flash(
                    "The place to present that you gave up is not given back: it may have "
                    "gone to someone else. To present, sign up again or ask the trainers.",
                    "info",
                )
    return redirect(url_for("programme.detail", session_id=session_id))
