"""Drawing the record editor: its rows, its starting values and the page."""

from types import SimpleNamespace

from flask import render_template, url_for
from werkzeug.datastructures import MultiDict

from course.modules.supervision.forms import BLANK_ACTION_ROWS, RecordForm
from course.modules.supervision.models import CYCLE_PARTS, FUNCTIONS
from course.modules.supervision.schedule import MINIMUM_MINUTES


def record_data(record):
    """Form data that fills the editor from a saved record."""
    data = MultiDict(
        [
            ("held_on", record.held_on.isoformat()),
            ("minutes", str(record.minutes)),
            ("kind", record.kind),
            ("uninterrupted", "yes" if record.uninterrupted else "no"),
            ("next_on", record.next_on.isoformat() if record.next_on else ""),
            ("version", str(record.version)),
        ]
    )
    for part in record.parts:
        data.add(f"part_{part.part}", "y")
        data.add(f"note_{part.part}", part.note)
    for n, decision in enumerate(record.decisions):
        data.add(f"decisions-{n}-what", decision.what)
        data.add(f"decisions-{n}-rationale", decision.rationale)
    for n, action in enumerate(record.actions):
        for name, value in (
            ("id", str(action.id)),
            ("what", action.what),
            ("owner", action.owner or ""),
            ("owner_role", action.owner_role),
            ("due_on", action.due_on.isoformat() if action.due_on else ""),
            ("progress", action.progress),
        ):
            data.add(f"actions-{n}-{name}", value)
    for n, review in enumerate(record.reviews):
        data.add(f"reviews-{n}-action_id", str(review.action_id))
        data.add(f"reviews-{n}-outcome", review.outcome)
        data.add(f"reviews-{n}-why", review.why)
    return data


def build_form(formdata, review_actions, *, blank_action=False, blank_decision=False):
    """The editor's form from form data, with one review row per action to look back on and
    at least one blank action row to add to."""
    form = RecordForm(formdata=formdata) if formdata is not None else RecordForm()
    posted = {
        row.form.action_id.data: (row.form.outcome.data, row.form.why.data) for row in form.reviews
    }
    while len(form.reviews):
        form.reviews.pop_entry()
    for action in review_actions:
        outcome, why = posted.get(str(action.id), (None, ""))
        form.reviews.append_entry(
            SimpleNamespace(action_id=str(action.id), outcome=outcome, why=why or "")
        )
    filled = sum(not row.form.is_blank() for row in form.actions)
    while len(form.actions) < max(filled + 1, BLANK_ACTION_ROWS) or blank_action:
        form.actions.append_entry()
        blank_action = False
    if blank_decision:
        form.decisions.append_entry()
    return form


def render_editor(form, supervisee, review_actions, *, record=None, draft=None, prompts=()):
    """The editor page for a new record, a saved one, or a draft."""
    if record is not None:
        action = url_for("supervision.edit", record_id=record.id)
        autosave = url_for("supervision.autosave_record", record_id=record.id)
        storage_key = f"supervision-record-{record.id}"
    else:
        action = url_for("supervision.new_record", supervisee_id=supervisee.id)
        autosave = url_for("supervision.autosave_new", supervisee_id=supervisee.id)
        storage_key = f"supervision-new-{supervisee.id}"
    actions_by_id = {str(a.id): a for a in review_actions}
    return render_template(
        "supervision/editor.html",
        form=form,
        supervisee=supervisee,
        record=record,
        draft=draft,
        prompts=prompts,
        reviews=[(row, actions_by_id.get(row.form.action_id.data)) for row in form.reviews],
        cycle=[(form[f"part_{k}"], form[f"note_{k}"]) for k in CYCLE_PARTS],
        functions=[(form[f"part_{k}"], form[f"note_{k}"]) for k in FUNCTIONS],
        report=getattr(form, "report", {}),
        errors=form.error_list(),
        action=action,
        autosave_url=autosave,
        storage_key=storage_key,
        minimum_minutes=MINIMUM_MINUTES,
    )
