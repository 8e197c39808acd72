"""Self check-in: the trainer's projected code, and the form people check in with."""

import segno
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.attendance import check_in as checking
from course.modules.attendance.forms import CheckInForm
from course.modules.attendance.models import status_label
from course.modules.attendance.routes import bp
from course.modules.programme.models import CourseSession
from course.permissions import cohort_ids_for, get_course_session_or_404, role_required
from course.site_address import absolute_url
from course.timeutil import format_time, utcnow


def _spaced(code):
    """'123 456': easier to read off a screen and to say aloud."""
    return f"{code[:3]} {code[3:]}"


def _qr_svg(url, code):
    """The check-in link as an inline SVG QR code whose text alternative is the code."""
    svg = segno.make(url, error="m").svg_inline(scale=8, omitsize=True, svgclass="qr-code")
    label = escape(f"QR code for checking in; the code is {_spaced(code)}")
    # segno writes the <svg> element itself; the label is escaped above.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S704  # nosec B704


def _screen(course_session, now):
    """What the projected screen shows now: the code, its QR code, seconds until it changes."""
    secret = checking.session_secret(course_session)
    code = checking.code_at(secret, now)
    # From the site's own address (COURSE_SITE_URL), never from the request's Host header.
    url = absolute_url("attendance.check_in", session_id=course_session.id, code=code)
    return dict(
        code=code,
        spaced=_spaced(code),
        svg=_qr_svg(url, code),
        seconds_left=checking.seconds_left(now),
    )


@bp.route("/<int:session_id>/check-in/screen")
@role_required(Role.TRAINER)
def check_in_screen(session_id):
    """The code to project: large, with a QR code, changing every 30 seconds."""
    course_session = get_course_session_or_404(session_id)
    now = utcnow()
    is_open = checking.window_is_open(course_session, now)
    screen = _screen(course_session, now) if is_open else None
    db.session.commit()  # the session's secret, made on first use
    return render_template(
        "attendance/check_in_screen.html",
        course_session=course_session,
        is_open=is_open,
        screen=screen,
        opens_at=checking.opens_at(course_session),
        closes_at=checking.closes_at(course_session),
        late_from=checking.late_from(course_session),
        protects=checking.PROTECTS,
        does_not_protect=checking.DOES_NOT_PROTECT,
    )


@bp.route("/<int:session_id>/check-in/screen.json")
@role_required(Role.TRAINER)
def check_in_screen_json(session_id):
    """The current code for the screen's script to show, without reloading the page."""
    course_session = get_course_session_or_404(session_id)
    now = utcnow()
    if not checking.window_is_open(course_session, now):
        return jsonify(open=False)
    screen = _screen(course_session, now)
    db.session.commit()
    return jsonify(
        open=True,
        code=screen["spaced"],
        svg=str(screen["svg"]),
        seconds_left=screen["seconds_left"],
    )


def _session_for_check_in(session_id):
    """The session, if it belongs to one of the person's cohorts; None otherwise."""
    return db.session.scalar(
        select(CourseSession).where(
            CourseSession.id == session_id,
            CourseSession.cohort_id.in_(cohort_ids_for(current_user)),
        )
    )


@bp.route("/<int:session_id>/check-in", methods=["GET", "POST"])
@role_required(Role.PARTICIPANT, Role.SENIOR_MANAGER)
def check_in(session_id):
    """Type (or scan) the code on the screen and be marked Present, or Late."""
    course_session = _session_for_check_in(session_id)
    if course_session is None:
        # The same answer for a session of another cohort and for none at all.
        return render_template("attendance/check_in_not_yours.html"), 404
    get_course_session_or_404(session_id)  # remembers the cohort, as every session page does
    form = CheckInForm(code=request.args.get("code", "")[: checking.CODE_MAX])
    if form.validate_on_submit():
        try:
            result = checking.check_in(course_session, current_user, form.code.data)
        except checking.CheckInRefused as refusal:
            db.session.commit()  # a wrong guess still counts
            form.code.errors.append(str(refusal))
        else:
            db.session.commit()
            message = (
                f"You are checked in: {status_label(result.status)} at {format_time(result.at)}."
            )
            if result.had_apologies:
                message += " Your apologies stay in the record, and the trainers can see you came."
            flash(message, "success")
            return redirect(url_for("programme.detail", session_id=session_id))
    return render_template(
        "attendance/check_in.html",
        course_session=course_session,
        form=form,
        is_open=checking.window_is_open(course_session),
        opens_at=checking.opens_at(course_session),
        closes_at=checking.closes_at(course_session),
        late_from=checking.late_from(course_session),
        protects=checking.PROTECTS,
        does_not_protect=checking.DOES_NOT_PROTECT,
    )
