"""Trainers run the rota: confirm, cancel, move, mark as given, roles, and the run sheet."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import ATTENDING_ROLES, CohortMember, Role, User
from course.modules.presentations import queries, services, trainer_actions
from course.modules.presentations.forms import MoveForm, RolesForm, RunSheetNoteForm
from course.modules.presentations.ground_rules import GROUND_RULES
from course.modules.presentations.models import HOLDS_SLOT, PresentationStatus, RunSheetNote
from course.modules.presentations.routes import bp
from course.modules.presentations.runsheet import (
    ITEM_KEY_MAX,
    ROLES,
    item_keys,
    session_timetable,
)
from course.modules.programme.services import cohort_sessions
from course.permissions import get_course_session_or_404, role_required
from course.timeutil import utcnow


def _back_to_rota(course_session_number):
    """The rota, scrolled to the session."""
    return redirect(url_for("presentations.index", _anchor=f"session-{course_session_number}"))


def _announce(promoted):
    """Tell the trainer who moved up from a reserve list (one query for their names)."""
    ids = [p.presenter_id for p in promoted]
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    for presentation in promoted:
        name = names[presentation.presenter_id]
        flash(f"{name} moved up from the reserve list and has been told.", "success")


def _trainer_presentation(presentation_id):
    """Any sign-up in one of the trainer's cohorts; 404 for others."""
    return queries.get_presentation_or_404(presentation_id, current_user)


def _rota_action(presentation_id, action, success):
    """Run a trainer's action on a sign-up, say how it went, and go back to the rota."""
    presentation = _trainer_presentation(presentation_id)
    number, name = presentation.course_session.number, presentation.presenter.name
    if EmptyForm().validate_on_submit():
        try:
            promoted = action(presentation)
        except services.RotaError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(success.format(name=name, number=number), "success")
            _announce(promoted)
            db.session.commit()
    return _back_to_rota(number)


@bp.post("/<int:presentation_id>/confirm")
@role_required(Role.TRAINER)
def confirm(presentation_id):
    """Confirm a reserve (or reinstate a withdrawn sign-up) into a free slot."""

    def action(presentation):
        trainer_actions.confirm(presentation)
        return []

    return _rota_action(presentation_id, action, "Confirmed {name} for session {number}.")


@bp.post("/<int:presentation_id>/cancel")
@role_required(Role.TRAINER)
def cancel(presentation_id):
    """Cancel a sign-up at any time; the first reserve moves up."""
    return _rota_action(
        presentation_id, trainer_actions.cancel, "Cancelled {name}'s sign-up for session {number}."
    )


@bp.post("/<int:presentation_id>/move")
@role_required(Role.TRAINER)
def move(presentation_id):
    """Move a sign-up to another session of the cohort."""
    presentation = _trainer_presentation(presentation_id)
    source = presentation.course_session
    form = MoveForm()
    form.target_session_id.choices = [
        (s.id, s.label) for s in cohort_sessions(source.cohort_id) if s.id != source.id
    ]
    if not form.validate_on_submit():
        flash("Choose a session to move to.", "error")
        return _back_to_rota(source.number)
    target = get_course_session_or_404(form.target_session_id.data)
    try:
        moved, promoted = trainer_actions.move(presentation, target)
    except services.RotaError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_rota(source.number)
    where = "confirmed" if moved.status == PresentationStatus.CONFIRMED else "on the reserve list"
    flash(
        f"Moved {presentation.presenter.name} to session {target.number}, {where} there.",
        "success",
    )
    _announce(promoted)
    db.session.commit()
    return _back_to_rota(target.number)


@bp.post("/<int:presentation_id>/given")
@role_required(Role.TRAINER)
def mark_given(presentation_id):
    """Record that a confirmed presentation was given."""

    def action(presentation):
        trainer_actions.mark_given(presentation)
        return []

    return _rota_action(presentation_id, action, "Marked {name}'s presentation as given.")


def _role_choices(cohort_id):
    """Trainers and attending members of the cohort, for the role pickers: 1 query."""
    people = db.session.scalars(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort_id,
            User.role.in_((Role.TRAINER, *ATTENDING_ROLES)),
            User.active.is_(True),
        )
        .order_by(User.role.desc(), User.name)
    ).all()
    return [(0, "To be agreed")] + [(u.id, u.name) for u in people]


@bp.route("/<int:session_id>/run-sheet")
@role_required(Role.TRAINER, *ATTENDING_ROLES)
def run_sheet(session_id):
    """The day's plan: times, presenters and their roles, ground rules; trainers tick items done.

    Participants and senior managers see the same plan without the trainers' notes, without
    who sent apologies, and without the forms.
    """
    return _render_run_sheet(get_course_session_or_404(session_id))


def _render_run_sheet(course_session, note_form=None, status=200):
    """The run sheet page; a notes form that failed is shown with its message and text."""
    is_trainer = current_user.role == Role.TRAINER
    presenting = [
        p for p in queries.session_presentations(course_session.id) if p.status in HOLDS_SLOT
    ]
    timetable = session_timetable(course_session.starts_at, presenting)
    role_forms = {}
    if is_trainer:
        if note_form is None:
            note = db.session.get(RunSheetNote, course_session.id)
            note_form = RunSheetNoteForm(text=note.text if note else "")
        choices = _role_choices(course_session.cohort_id)
        for presentation in presenting:
            form = RolesForm(
                prefix=f"p{presentation.id}",
                interviewer_id=presentation.interviewer_id or 0,
                timekeeper_id=presentation.timekeeper_id or 0,
            )
            form.interviewer_id.choices = form.timekeeper_id.choices = choices
            role_forms[presentation.id] = form
    return render_template(
        "presentations/run_sheet.html",
        course_session=course_session,
        is_trainer=is_trainer,
        presenting=presenting,
        timetable=timetable,
        slots={item.presentation.id: item for item in timetable if item.presentation},
        ticked=queries.ticked_items(course_session.id),
        ground_rules=[text for _, text in GROUND_RULES],
        roles=ROLES,
        role_forms=role_forms,
        away=queries.away_from(course_session.id) if is_trainer else set(),
        tick_form=EmptyForm(),
        note_form=note_form,
        now=utcnow(),
    ), status


@bp.post("/<int:session_id>/run-sheet/notes")
@role_required(Role.TRAINER)
def save_run_sheet_note(session_id):
    """Save the trainers' notes on the run sheet; participants never see them."""
    course_session = get_course_session_or_404(session_id)
    form = RunSheetNoteForm()
    if form.validate_on_submit():
        text = (form.text.data or "").strip()
        trainer_actions.save_run_sheet_note(course_session.id, text, current_user)
        db.session.commit()
        flash("Saved the trainers' notes." if text else "Removed the trainers' notes.", "success")
        back = url_for("presentations.run_sheet", session_id=session_id, _anchor="trainers-notes")
        return redirect(back)
    return _render_run_sheet(course_session, note_form=form, status=400)


@bp.post("/<int:session_id>/run-sheet/tick")
@role_required(Role.TRAINER)
def tick_run_sheet(session_id):
    """Tick a run-sheet item done, or untick it."""
    course_session = get_course_session_or_404(session_id)
    presenting = [
        p for p in queries.session_presentations(course_session.id) if p.status in HOLDS_SLOT
    ]
    item = request.form.get("item", "")[:ITEM_KEY_MAX]
    known = item_keys(session_timetable(course_session.starts_at, presenting))
    if not EmptyForm().validate_on_submit() or item not in known:
        abort(400)
    trainer_actions.tick_run_sheet_item(
        course_session.id, item, current_user, done=request.form.get("done") == "1"
    )
    db.session.commit()
    return redirect(
        url_for("presentations.run_sheet", session_id=session_id, _anchor=f"item-{item}")
    )


@bp.post("/<int:presentation_id>/roles")
@role_required(Role.TRAINER)
def set_roles(presentation_id):
    """Say who interviews and who keeps time for a consultation."""
    presentation = _trainer_presentation(presentation_id)
    course_session = presentation.course_session
    form = RolesForm(prefix=f"p{presentation.id}")
    form.interviewer_id.choices = form.timekeeper_id.choices = _role_choices(
        course_session.cohort_id
    )
    if form.validate_on_submit():
        name = presentation.presenter.name
        trainer_actions.assign_roles(
            presentation, form.interviewer_id.data or None, form.timekeeper_id.data or None
        )
        db.session.commit()
        flash(f"Saved the roles for {name}'s consultation.", "success")
    else:
        flash("Choose people from the lists.", "error")
    return redirect(url_for("presentations.run_sheet", session_id=course_session.id))
