"""Reading progress: the trainers' matrix for a session and the cohort summary for staff."""

from flask import current_app, render_template
from flask_login import current_user

from course.modules.accounts.models import Role
from course.modules.readings.progress import cohort_summary, session_matrix
from course.modules.readings.routes import bp
from course.modules.readings.services import attendee_count
from course.permissions import current_cohort_or_404, get_course_session_or_404, role_required


@bp.route("/sessions/<int:session_id>/progress")
@role_required(Role.TRAINER)
def matrix(session_id):
    """Participants against the session's required readings."""
    course_session = get_course_session_or_404(session_id)
    return render_template(
        "readings/matrix.html", course_session=course_session, matrix=session_matrix(course_session)
    )


@bp.route("/progress")
@role_required(Role.TRAINER, Role.SENIOR_MANAGER, Role.EVALUATOR)
def summary():
    """The cohort's reading by session; trainers also see who is behind, others percentages."""
    cohort = current_cohort_or_404()
    attendees = attendee_count(cohort.id)
    trainer = current_user.role == Role.TRAINER
    threshold = current_app.config["COURSE_K_ANONYMITY"]
    suppressed = not trainer and attendees < threshold
    return render_template(
        "readings/summary.html",
        cohort=cohort,
        trainer=trainer,
        suppressed=suppressed,
        threshold=threshold,
        summary=None if suppressed else cohort_summary(cohort.id, attendees, with_people=trainer),
    )
