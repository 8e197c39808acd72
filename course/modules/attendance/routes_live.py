"""The trainer's live view of the room, its JSON for the page's script, and its buttons."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Role
from course.modules.attendance import check_in as checking
from course.modules.attendance import live
from course.modules.attendance.forms import STATUS_CHOICES
from course.modules.attendance.models import UNMARKED, AttendanceStatus, status_label
from course.modules.attendance.records import attendees
from course.modules.attendance.register import register_is_open
from course.modules.attendance.routes import _flash_result, bp
from course.permissions import get_course_session_or_404, role_required
from course.timeutil import format_time, utcnow

KNOWN = {status.value for status in AttendanceStatus}


def _back(session_id):
    """The live view again."""
    return redirect(url_for("attendance.live", session_id=session_id))


def _counts(lines):
    """How many people are in each group."""
    counts = {key: 0 for key, _ in live.GROUPS}
    for line in lines:
        counts[line.group] += 1
    return counts


@bp.route("/<int:session_id>/live", endpoint="live")
@role_required(Role.TRAINER)
def live_view(session_id):
    """Who is here, who is still expected, who sent apologies; mark anyone from here."""
    course_session = get_course_session_or_404(session_id)
    lines = live.room(course_session)
    return render_template(
        "attendance/live.html",
        course_session=course_session,
        groups=[(key, label, [x for x in lines if x.group == key]) for key, label in live.GROUPS],
        counts=_counts(lines),
        choices=STATUS_CHOICES,
        is_open=register_is_open(course_session),
        batch=live.latest_batch(course_session.id),
        flag_from=checking.flag_from(course_session),
        check_in_open=checking.window_is_open(course_session),
        form=EmptyForm(),
        now=utcnow(),
    )


@bp.route("/<int:session_id>/live.json")
@role_required(Role.TRAINER)
def live_json(session_id):
    """The room as JSON, for the live view's script."""
    course_session = get_course_session_or_404(session_id)
    lines = live.room(course_session)
    return jsonify(
        counts=_counts(lines),
        people=[line.as_json(format_time) for line in lines],
    )


@bp.post("/<int:session_id>/live/mark")
@role_required(Role.TRAINER)
def live_mark(session_id):
    """Mark one person by hand, through the register's rules."""
    course_session = get_course_session_or_404(session_id)
    if not EmptyForm().validate_on_submit() or not register_is_open(course_session):
        abort(400)
    person_id = request.form.get("person", type=int)
    person = next((p for p in attendees(course_session.cohort_id) if p.id == person_id), None)
    status = request.form.get("status", "")
    was = request.form.get("was", UNMARKED)
    if person is None or status not in KNOWN | {UNMARKED} or was not in KNOWN | {UNMARKED}:
        abort(400)
    result = live.mark_by_hand(
        course_session, person, None if was == UNMARKED else was, status, current_user
    )
    db.session.commit()
    _flash_result(result)
    return _back(session_id)


@bp.post("/<int:session_id>/live/absent")
@role_required(Role.TRAINER)
def live_mark_rest_absent(session_id):
    """Mark everyone not yet here, and not marked otherwise, as Absent."""
    course_session = get_course_session_or_404(session_id)
    if not EmptyForm().validate_on_submit() or not register_is_open(course_session):
        abort(400)
    batch, result = live.mark_rest_absent(course_session, current_user)
    db.session.commit()
    if batch is None:
        flash("Nobody was still expected, so nobody was marked absent.", "success")
    else:
        count = len(batch.people)
        flash(
            f"Marked {count} {'person' if count == 1 else 'people'} absent. "
            "Use Undo to put them back as unmarked.",
            "success",
        )
    for user in result.flagged:
        flash(f"{user.name} has now missed two sessions in a row.", "error")
    return _back(session_id)


@bp.post("/<int:session_id>/live/undo/<int:batch_id>")
@role_required(Role.TRAINER)
def live_undo_absent(session_id, batch_id):
    """Undo 'mark everyone not yet here as absent': they are unmarked again."""
    course_session = get_course_session_or_404(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    result = live.undo_rest_absent(course_session, batch_id, current_user)
    db.session.commit()
    if result is None:
        flash("That has already been undone.", "success")
        return _back(session_id)
    count = len(result.changed)
    flash(
        f"Undone: {count} {'person is' if count == 1 else 'people are'} unmarked again.", "success"
    )
    if result.conflicts:
        names = "; ".join(
            f"{u.name} (now {status_label(now.status)})" for u, now in result.conflicts
        )
        flash(f"These were changed after being marked absent, so they were kept: {names}.", "error")
    return _back(session_id)
