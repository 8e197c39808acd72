"""Keep a record's text when a save cannot be applied, as the journal does (journal/keeping.py).

A save or autosave after the sign-in ended, or with the form token of an earlier sign-in, is
kept as a draft for the person whose sign-in it was; after signing in they land on it.
"""

from functools import wraps

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from course.extensions import csrf, db
from course.modules.journal.drafts import writer_of_ended_session
from course.modules.journal.keeping import wants_json
from course.modules.supervision.drafts import keep_draft, owned_record, owned_supervisee
from course.modules.supervision.services import MANAGER_ROLES

SIGNED_OUT_MESSAGE = (
    "Your sign-in had ended, so your record has been kept safely as a draft. "
    "Sign in again and it will be waiting for you."
)
SIGNED_OUT_NOTE = (
    "your sign-in has ended. Your record is kept as a draft: sign in again (in another tab if "
    "you like) and reload this page to carry on."
)
EARLIER_FORM_NOTE = (
    "this page was opened before your latest sign-in. Your record is kept as a draft: reload "
    "this page to carry on."
)
EARLIER_FORM_MESSAGE = (
    "This page was opened before your latest sign-in, so your record was not saved yet. "
    "It is kept here: check it and save."
)


def _token_is_valid():
    """Whether the request carries this sign-in's form token (header or form field)."""
    token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True


def keeps_record_text(view):
    """Run the editor's view; a POST it cannot accept is kept as a draft instead of refused.

    Exempt from the site-wide CSRF check because the check is made here: a POST without this
    sign-in's token never reaches the view; it only becomes a draft the writer must reopen.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        signed_in = current_user.is_authenticated
        if signed_in and _token_is_valid():
            return view(*args, **kwargs)
        writer = current_user._get_current_object() if signed_in else writer_of_ended_session()
        if writer is None or writer.role not in MANAGER_ROLES:
            if signed_in:
                raise CSRFError("The CSRF token is missing or invalid.")
            if wants_json():
                return jsonify(kept=False, signed_out=True), 401
            return current_app.login_manager.unauthorized()
        draft = _keep(writer, kwargs)
        return _answer(draft, signed_in)

    csrf.exempt(wrapped)
    return wrapped


def _keep(writer, kwargs):
    """Store the posted form as the writer's draft; None when it is not theirs or holds nothing."""
    record = owned_record(writer, kwargs["record_id"]) if "record_id" in kwargs else None
    supervisee = (
        owned_supervisee(writer, kwargs["supervisee_id"]) if "supervisee_id" in kwargs else None
    )
    if record is None and supervisee is None:
        return None
    version = request.form.get("version", "")
    draft = keep_draft(
        writer,
        request.form,
        supervisee=supervisee,
        record=record,
        base_version=int(version) if version.isdigit() and record else None,
        reason="signed_out",
    )
    db.session.commit()
    return draft


def _answer(draft, signed_in):
    """Tell the writer where the text is: JSON for the script, a redirect for the form."""
    target = url_for("supervision.draft", draft_id=draft.id) if draft else None
    if wants_json():
        return jsonify(
            kept=draft is not None,
            signed_out=not signed_in,
            draft_id=draft.id if draft else None,
            draft_url=target,
            message=EARLIER_FORM_NOTE if signed_in else SIGNED_OUT_NOTE,
        ), 409 if signed_in else 401
    if signed_in:
        flash(EARLIER_FORM_MESSAGE, "info")
        return redirect(target or url_for("supervision.index"))
    if draft:
        flash(SIGNED_OUT_MESSAGE, "info")
    return redirect(url_for("accounts.login", next=target))
