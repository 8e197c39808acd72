"""The attendance page for each role, the register and the CSV exports."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from course import audit
from course.extensions import db
from course.modules.accounts.models import Role, slugify
from course.modules.attendance import compliance, exports
from course.modules.attendance.catch_ups import waiting_count
from course.modules.attendance.check_in import check_ins
from course.modules.attendance.forms import (
    REGISTER_REASON_CHOICES,
    STATUS_CHOICES,
    RegisterForm,
)
from course.modules.attendance.models import (
    ApologyReason,
    AttendanceStatus,
    reason_label,
    status_label,
)
from course.modules.attendance.records import cohort_rows, marks_by_key, session_attendees
from course.modules.attendance.register import (
    register_history,
    register_is_open,
    register_opens_at,
    save_register,
)
from course.modules.attendance.services import ATTENDED_RULE
from course.modules.presentations.queries import presenter_ids
from course.modules.programme.services import cohort_sessions
from course.permissions import current_cohort, get_course_session_or_404, role_required
from course.spreadsheets import table_response
from course.timeutil import london_today, utcnow

bp = Blueprint("attendance", __name__, url_prefix="/attendance")


@bp.app_template_filter("percent")
def percent(rate):
    """A rate as the pages show it: '73%', or a dash when there is none yet."""
    return "—" if rate is None else f"{round(rate * 100)}%"


TEMPLATES = {
    Role.TRAINER: "attendance/matrix.html",
    Role.PARTICIPANT: "attendance/mine.html",
    Role.SENIOR_MANAGER: "attendance/senior.html",
    Role.EVALUATOR: "attendance/evaluator.html",
}


@bp.route("/")
@role_required(Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.TRAINER, Role.EVALUATOR)
def index():
    """Trainers: the matrix; participants: their record; seniors: the cohort; evaluators: rates."""
    cohort = current_cohort()
    if cohort is None:
        return render_template("attendance/no_cohort.html")
    sessions = cohort_sessions(cohort.id)
    context = dict(
        cohort=cohort, sessions=sessions, rule=ATTENDED_RULE, today=london_today(), now=utcnow()
    )
    role = current_user.role_enum
    if role == Role.TRAINER:
        context.update(compliance.trainer_view(cohort, sessions))
        context["waiting"] = db.session.scalar(select(waiting_count(cohort.id)))
    elif role == Role.EVALUATOR:
        context.update(compliance.evaluator_view(cohort, sessions))
    elif role == Role.SENIOR_MANAGER:
        # Their own row is one of the cohort's: loaded once for both.
        rows = cohort_rows(sessions, cohort.id)
        mine = next((row for row in rows if row.user.id == current_user.id), None)
        context.update(compliance.own_view(current_user, sessions, row=mine))
        context["cohort_figures"] = compliance.cohort_view(cohort, sessions, rows)
    else:
        context.update(compliance.own_view(current_user, sessions))
    return render_template(TEMPLATES[role], **context)


def _register_parts(course_session):
    """Everyone on the register, {user_id: User}, and {user_id: mark}."""
    marks = {user_id: mark for (_, user_id), mark in marks_by_key([course_session.id]).items()}
    people = session_attendees(course_session, marks)
    return people, {u.id: u for u in people}, marks


@bp.route("/<int:session_id>", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def register(session_id):
    """Take or correct a session's register: one form for everyone."""
    course_session = get_course_session_or_404(session_id)
    people, by_id, marks = _register_parts(course_session)
    is_open = register_is_open(course_session)
    form = RegisterForm()  # empty on a GET: the lines shown then come from the stored marks
    if is_open and form.validate_on_submit():
        result = save_register(
            course_session,
            form.entries(),
            by_id,
            current_user,
            fill_present=form.fill_present.data,
        )
        db.session.commit()
        _flash_result(result)
        return redirect(url_for("attendance.register", session_id=session_id))
    if form.is_submitted():  # kept as sent, with the errors
        lines = form.posted_lines(by_id)
    else:
        lines = RegisterForm.stored_lines(people, marks)
    return render_template(
        "attendance/register.html",
        course_session=course_session,
        form=form,
        is_open=is_open,
        lines=lines,
        participants=[line for line in lines if _role(line) == Role.PARTICIPANT],
        seniors=[line for line in lines if _role(line) == Role.SENIOR_MANAGER],
        status_choices=STATUS_CHOICES,
        reason_choices=REGISTER_REASON_CHOICES,
        apologies=[
            (p, marks[p.id], reason_label(marks[p.id].apology_reason))
            for p in people
            if p.id in marks and marks[p.id].status == AttendanceStatus.APOLOGIES
        ],
        marks=marks,
        opens_at=register_opens_at(course_session),
        reason_labels={reason.value: reason.label for reason in ApologyReason},
        presenters=presenter_ids(course_session.id),
        check_ins=check_ins(course_session.id),
        history=register_history(course_session.id),
        rule=ATTENDED_RULE,
    )


def _role(line):
    """The role of the person on a register line (None for a line naming nobody known)."""
    return line.person.role if line.person else None


def _flash_result(result):
    """Say what the save did, and whose marks someone else changed meanwhile."""
    if result.changed:
        count = len(result.changed)
        flash(f"Saved {count} {'change' if count == 1 else 'changes'} to the register.", "success")
    elif not result.conflicts:
        flash("Nothing had changed, so nothing was saved.", "success")
    if result.conflicts:
        names = "; ".join(
            f"{user.name} (now {status_label(now.status)})" for user, now in result.conflicts
        )
        flash(
            "Another trainer changed these marks while you had the register open, so your "
            f"changes to them were not saved: {names}. Check them below.",
            "error",
        )
    for user in result.flagged:
        flash(f"{user.name} has now missed two sessions in a row.", "error")


@bp.route("/<int:session_id>/register.csv", defaults={"format_": "csv"})
@bp.route("/<int:session_id>/register.xlsx", defaults={"format_": "xlsx"})
@role_required(Role.TRAINER)
def export_register(session_id, format_):
    """One register as CSV or .xlsx; the export is audited."""
    course_session = get_course_session_or_404(session_id)
    people, _, marks = _register_parts(course_session)
    header, rows = exports.register_rows(course_session, people, marks)
    audit.record("register_exported", course_session, people=len(people), format=format_)
    db.session.commit()
    of = slugify(current_cohort().name)  # the session's cohort: the file says which
    return table_response(f"register-{of}-session-{course_session.number}", header, rows, format_)


@bp.route("/matrix.csv", defaults={"format_": "csv"})
@bp.route("/matrix.xlsx", defaults={"format_": "xlsx"})
@role_required(Role.TRAINER)
def export_matrix(format_):
    """The cohort matrix as CSV or .xlsx; the export is audited."""
    cohort = current_cohort()
    if cohort is None:
        abort(404)
    sessions = cohort_sessions(cohort.id)
    view = compliance.trainer_view(cohort, sessions)
    header, rows = exports.matrix_rows(sessions, view["rows"], london_today())
    audit.record("attendance_matrix_exported", cohort, people=len(view["rows"]), format=format_)
    db.session.commit()
    return table_response(f"attendance-matrix-{slugify(cohort.name)}", header, rows, format_)
