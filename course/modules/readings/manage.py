"""Trainers: adding and editing readings, attaching files, and each session's reading list."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course import audit
from course.extensions import db
from course.fields import with_placeholder
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Cohort, Role
from course.modules.readings import lists
from course.modules.readings.files import FileRefused, check_upload
from course.modules.readings.forms import (
    AddToSessionForm,
    FileForm,
    KindForm,
    MoveForm,
    ReadingForm,
)
from course.modules.readings.models import MAX_FILE_SIZE, Reading, SessionReading
from course.modules.readings.routes import bp
from course.modules.readings.services import (
    attach_to_cohort,
    may_change_reading,
    readings_for_sessions,
)
from course.permissions import get_course_session_or_404, role_required
from course.text import render_markdown

TEXT_FIELDS = (
    "title", "authors", "year", "publication", "link", "library_details", "verify_note", "guide",
)  # fmt: skip
USED_ELSEWHERE = (
    "This reading is also on the reading lists of cohorts you do not train, so a change would "
    "reach them too: it cannot be changed here. Add a new reading for your cohorts instead."
)


class ReadingUsedElsewhere(Exception):
    """A change to a reading that other trainers' cohorts use."""


def get_reading_to_change_or_404(reading_id):
    """A reading the signed-in trainer may change; ReadingUsedElsewhere if others use it."""
    reading = db.get_or_404(Reading, reading_id)
    if not may_change_reading(current_user, reading.id):
        raise ReadingUsedElsewhere(reading.id)
    return reading


@bp.errorhandler(ReadingUsedElsewhere)
def reading_used_elsewhere(error):
    """Say why nothing changed, on the reading's page."""
    db.session.rollback()
    flash(USED_ELSEWHERE, "error")
    return redirect(url_for("readings.detail", reading_id=error.args[0]))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def new():
    """Add a reading to the library; 'Preview' shows the guide as it will look."""
    form = ReadingForm()
    del form.retired
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        reading = Reading()
        _copy(form, reading)
        db.session.add(reading)
        db.session.flush()
        audit.record("reading_created", reading, title=reading.title)
        db.session.commit()
        flash("Added the reading. You can attach a file to it below.", "success")
        return redirect(url_for("readings.edit", reading_id=reading.id))
    return render_template("readings/form.html", form=form, reading=None, preview=preview)


@bp.route("/<int:reading_id>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def edit(reading_id):
    """Edit a reading's citation and guide; attach or remove its file."""
    reading = get_reading_to_change_or_404(reading_id)
    form = ReadingForm(obj=reading)
    preview = _preview(form)
    if preview is None and form.validate_on_submit():
        _copy(form, reading)
        reading.retired = form.retired.data
        audit.record("reading_edited", reading, title=reading.title, retired=reading.retired)
        db.session.commit()
        flash("Saved the reading.", "success")
        return redirect(url_for("readings.detail", reading_id=reading.id))
    return render_template(
        "readings/form.html",
        form=form,
        reading=reading,
        preview=preview,
        file_form=FileForm(),
        remove_form=EmptyForm(),
    )


def _preview(form):
    """The rendered guide when 'Preview' was pressed (nothing is saved), else None."""
    if request.method == "POST" and "preview" in request.form:
        form.validate_on_submit()  # show any errors beside the preview
        return render_markdown(form.guide.data or "")
    return None


def _copy(form, reading):
    """Copy the form's fields onto the reading."""
    for name in TEXT_FIELDS:
        value = getattr(form, name).data
        setattr(reading, name, value.strip() if isinstance(value, str) else value)
    reading.link = reading.link or None
    reading.verify_note = reading.verify_note or None
    reading.library_details = " ".join((reading.library_details or "").split()) or None
    reading.publication = reading.publication or ""


@bp.route("/<int:reading_id>/file", methods=["POST"])
@role_required(Role.TRAINER)
def attach_file(reading_id):
    """Attach a PDF or Word file (up to 20 MB), its type read from its content."""
    reading = get_reading_to_change_or_404(reading_id)
    file_form = FileForm()
    if file_form.validate_on_submit():
        upload = file_form.file.data
        data = upload.stream.read(MAX_FILE_SIZE + 1)
        try:
            kind, name = check_upload(data, upload.filename)
        except FileRefused as refusal:
            file_form.file.errors.append(str(refusal))
        else:
            reading.file_data, reading.file_size = data, len(data)
            reading.file_type, reading.file_name = kind.value, name
            audit.record("reading_file_attached", reading, file_name=name, size=len(data))
            db.session.commit()
            flash(f"Attached {name}.", "success")
            return redirect(url_for("readings.edit", reading_id=reading.id))
    form = ReadingForm(obj=reading, formdata=None)
    return render_template(
        "readings/form.html",
        form=form,
        reading=reading,
        preview=None,
        file_form=file_form,
        remove_form=EmptyForm(),
    ), 400


@bp.route("/<int:reading_id>/file/remove", methods=["POST"])
@role_required(Role.TRAINER)
def remove_file(reading_id):
    """Remove the reading's file."""
    reading = get_reading_to_change_or_404(reading_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    reading.file_data = reading.file_size = reading.file_type = reading.file_name = None
    audit.record("reading_file_removed", reading)
    db.session.commit()
    flash("Removed the file.", "success")
    return redirect(url_for("readings.edit", reading_id=reading.id))


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def session_list(session_id):
    """A session's reading list: add readings, order them, make them required or optional."""
    course_session = get_course_session_or_404(session_id)
    links = readings_for_sessions([course_session.id])[course_session.id]
    form = AddToSessionForm()
    on_list = {link.reading_id for link in links}
    readings = [
        (r.id, f"{r.authors} ({r.year or 'n.d.'}) {r.title}"[:160])
        for r in db.session.scalars(
            select(Reading)
            .where(Reading.retired.is_(False))
            .order_by(Reading.authors, Reading.year)
        )
        if r.id not in on_list
    ]
    form.reading.choices = with_placeholder("Choose a reading", readings)
    if form.validate_on_submit():
        link = lists.add(course_session, form.reading.data, form.kind.data == "required")
        audit.record(
            "session_reading_added", link, session_id=session_id, reading_id=link.reading_id
        )
        db.session.commit()
        flash("Added the reading to the session's list.", "success")
        return redirect(url_for("readings.session_list", session_id=session_id))
    return render_template(
        "readings/session_list.html",
        course_session=course_session,
        required=[link for link in links if link.required],
        optional=[link for link in links if not link.required],
        form=form,
    )


def _session_link_or_404(session_id, link_id):
    """A link on one of the trainer's sessions."""
    course_session = get_course_session_or_404(session_id)
    link = db.session.scalar(
        select(SessionReading).where(
            SessionReading.id == link_id, SessionReading.session_id == course_session.id
        )
    )
    if link is None:
        abort(404)
    return link


@bp.route("/sessions/<int:session_id>/links/<int:link_id>/move", methods=["POST"])
@role_required(Role.TRAINER)
def move_link(session_id, link_id):
    """Move a reading up or down among the session's required (or optional) readings."""
    link = _session_link_or_404(session_id, link_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    lists.move(link, form.direction.data)
    audit.record("session_reading_moved", link, direction=form.direction.data)
    db.session.commit()
    return redirect(url_for("readings.session_list", session_id=session_id))


@bp.route("/sessions/<int:session_id>/links/<int:link_id>/kind", methods=["POST"])
@role_required(Role.TRAINER)
def set_kind(session_id, link_id):
    """Make a reading on the list required or optional."""
    link = _session_link_or_404(session_id, link_id)
    form = KindForm()
    if not form.validate_on_submit():
        abort(400)
    lists.set_required(link, form.kind.data == "required")
    audit.record("session_reading_kind", link, kind=form.kind.data)
    db.session.commit()
    return redirect(url_for("readings.session_list", session_id=session_id))


@bp.route("/sessions/<int:session_id>/links/<int:link_id>/remove", methods=["POST"])
@role_required(Role.TRAINER)
def remove_link(session_id, link_id):
    """Take a reading off the session's list (the reading and people's progress stay)."""
    link = _session_link_or_404(session_id, link_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    audit.record("session_reading_removed", link, reading_id=link.reading_id)
    lists.remove(link)
    db.session.commit()
    flash("Removed the reading from the session's list.", "success")
    return redirect(url_for("readings.session_list", session_id=session_id))


@bp.route("/sessions/<int:session_id>/standard", methods=["POST"])
@role_required(Role.TRAINER)
def add_standard(session_id):
    """Add the course's standard readings (from the guide files) that the cohort lacks."""
    course_session = get_course_session_or_404(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    added = attach_to_cohort(db.session.get(Cohort, course_session.cohort_id))
    audit.record("standard_readings_added", course_session, links=added)
    db.session.commit()
    flash(f"Added {added} standard reading {'link' if added == 1 else 'links'}.", "success")
    return redirect(url_for("readings.session_list", session_id=session_id))
