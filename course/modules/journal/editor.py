"""Drawing the editor: its choices, its starting values and the page."""

from flask import render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from course.extensions import db
from course.modules.journal.drafts import editor_data, fields_from_form
from course.modules.journal.forms import EntryForm
from course.modules.journal.frameworks import FRAMEWORKS, get_framework
from course.modules.presentations.models import Presentation, PresentationStatus
from course.modules.programme.models import CourseSession
from course.modules.programme.services import cohort_sessions
from course.modules.readings.models import Reading
from course.modules.supervision.services import owns_record, record_label
from course.permissions import current_cohort
from course.timeutil import to_local

LINKABLE_PRESENTATIONS = (PresentationStatus.CONFIRMED, PresentationStatus.GIVEN)


def clock(moment):
    """'14:02' in UK time, for "Saved at 14:02"."""
    return to_local(moment).strftime("%H:%M")


def _presentation_choices(cohort, keep_id):
    """(id, label) of the cohort's confirmed or given presentations (and the linked one)."""
    if cohort is None:
        return []
    rows = db.session.execute(
        select(Presentation.id, Presentation.title, CourseSession.number)
        .join(CourseSession, CourseSession.id == Presentation.session_id)
        .where(
            CourseSession.cohort_id == cohort.id,
            or_(Presentation.status.in_(LINKABLE_PRESENTATIONS), Presentation.id == keep_id),
        )
        .order_by(CourseSession.number, Presentation.position, Presentation.id)
    )
    return [(row.id, f"Session {row.number}: {row.title}") for row in rows]


def build_form(data=None, keep_presentation=None):
    """The editor's form with the current user's sessions, readings and presentations."""
    cohort = current_cohort()
    readings = db.session.scalars(
        select(Reading)
        .where(or_(Reading.retired.is_(False), Reading.id == (data or {}).get("reading_id")))
        .order_by(Reading.title)
    )
    kwargs = dict(
        sessions=cohort_sessions(cohort.id) if cohort else [],
        readings=list(readings),
        presentations=_presentation_choices(cohort, keep_presentation),
    )
    if data is not None:
        return EntryForm(formdata=None, data=data, **kwargs)
    return EntryForm(**kwargs)


def start_values(args):
    """A new entry's starting values from ?session=, ?reading=, ?presentation=, ?framework=."""
    framework = args.get("framework")
    if framework not in FRAMEWORKS:
        framework = "reading" if args.get("reading") else "free"
    supervision = args.get("supervision", 0, type=int)
    if supervision and not owns_record(current_user, supervision):
        supervision = 0
    return dict(
        framework=framework,
        shown_framework=framework,
        session_id=args.get("session", 0, type=int),
        reading_id=args.get("reading", 0, type=int),
        presentation_id=args.get("presentation", 0, type=int),
        supervision_record_id=supervision or "",
    )


def keep_only_known_links(form):
    """Drop starting links that are not among the choices (another cohort's session, say)."""
    for name in ("session_id", "reading_id", "presentation_id"):
        field = form[name]
        if field.data not in {value for value, _label in field.choices}:
            field.data = 0


def switched_form(entry_version=None):
    """The posted editor redrawn with the newly chosen framework's prompts; nothing is lost."""
    fields = fields_from_form(request.form)
    data = editor_data(fields, request.form.get("framework"))
    data.update(version=request.form.get("version", ""), draft_id=request.form.get("draft_id"))
    return build_form(data=data, keep_presentation=fields.presentation_id)


def render_editor(form, entry=None, draft=None, saved_body=None):
    """The editor page for a new entry, an entry or a draft."""
    framework = get_framework(form.shown_framework.data or form.framework.data)
    form.shown_framework.data = framework.key
    form.notes.label.text = framework.notes_label
    if entry is not None:
        action = url_for("journal.edit", entry_id=entry.id)
        autosave = url_for("journal.autosave_entry", entry_id=entry.id)
        storage_key = f"entry-{entry.id}"
    else:
        action = url_for("journal.new")
        autosave = url_for("journal.autosave_new")
        storage_key = "new"
    return render_template(
        "journal/editor.html",
        form=form,
        framework=framework,
        sections=[(form[framework.field_name(p)], p) for p in framework.prompts],
        entry=entry,
        draft=draft,
        saved_body=saved_body,
        action=action,
        autosave_url=autosave,
        storage_key=storage_key,
        user=current_user,
        supervision_label=_supervision_label(form),
    )


def _supervision_label(form):
    """What the entry reflects on, from the author's own supervision log, or None."""
    value = form.supervision_record_id.data
    if not str(value or "").isdigit():
        return None
    return record_label(current_user, int(value))
