"""From a record to the rest of the course: reflect on it in the journal, or bring it to the
reflecting team. Only the record's id travels in the address, never its text."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from course.modules.supervision.blueprint import bp
from course.modules.supervision.links import team_sessions
from course.modules.supervision.services import get_record_or_404, manager_only


@bp.route("/records/<int:record_id>/reflect")
@manager_only
def reflect(record_id):
    """Open a new private journal entry (4x4x4 cycle prompts) linked to this supervision."""
    record = get_record_or_404(record_id, current_user)
    return redirect(url_for("journal.new", framework="cycle", supervision=record.id))


@bp.route("/records/<int:record_id>/present")
@manager_only
def present(record_id):
    """Start a presentation sign-up at the chosen session, the summary as the starting brief."""
    record = get_record_or_404(record_id, current_user)
    session_id = request.args.get("session", 0, type=int)
    if session_id not in {s.id for s in team_sessions()}:
        if not request.args.get("session"):
            abort(404)
        flash("Choose a session that is still open for sign-ups.", "error")
        return redirect(url_for("supervision.record", record_id=record.id, _anchor="team"))
    return redirect(url_for("presentations.signup", session_id=session_id, supervision=record.id))
