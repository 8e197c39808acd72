"""After the session: reflections for the presenter, and the presenter's follow-up."""

from flask import flash, redirect, url_for
from flask_login import current_user

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES
from course.modules.presentations import after_session, queries
from course.modules.presentations.forms import FollowUpForm, ReflectionForm
from course.modules.presentations.routes import bp, render_detail
from course.permissions import role_required


@bp.post("/<int:presentation_id>/reflection")
@role_required(*ATTENDING_ROLES)
def reflect(presentation_id):
    """Someone who was in the room leaves the presenter a short reflection."""
    presentation = queries.get_presentation_or_404(presentation_id, current_user)
    problem = after_session.reflection_problem(presentation, current_user)
    if problem:
        flash(problem, "error")
        return redirect(url_for("presentations.detail", presentation_id=presentation.id))
    form = ReflectionForm()
    if not form.validate_on_submit():
        return render_detail(presentation, reflection_form=form), 400
    after_session.save_reflection(presentation, current_user, form.text.data.strip())
    db.session.commit()
    flash("Saved. Only the presenter and the trainers can read your reflection.", "success")
    return redirect(url_for("presentations.detail", presentation_id=presentation.id))


@bp.post("/<int:presentation_id>/follow-up")
@role_required(*ATTENDING_ROLES)
def follow_up(presentation_id):
    """The presenter writes what they are taking away from the group's reflections."""
    presentation = queries.get_presentation_or_404(presentation_id, current_user)
    problem = after_session.follow_up_problem(presentation, current_user)
    if problem:
        flash(problem, "error")
        return redirect(url_for("presentations.detail", presentation_id=presentation.id))
    form = FollowUpForm()
    if not form.validate_on_submit():
        return render_detail(presentation, follow_up_form=form), 400
    after_session.save_follow_up(presentation, form.text.data.strip())
    db.session.commit()
    flash("Saved your follow-up. The trainers can read it too.", "success")
    return redirect(url_for("presentations.detail", presentation_id=presentation.id))
