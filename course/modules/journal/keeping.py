"""Keep the editor's text when a save cannot be applied: never answer a writer by dropping it.

A save or autosave can arrive after the sign-in expired (idle or absolute expiry), or carry the
form token of an earlier sign-in (the writer signed in again in another tab). The usual answer,
a redirect to sign in or a "form expired" page, would lose an hour's writing. Instead the text
is kept as a draft for the person whose sign-in it was, and after signing in they land on it.

Only an expired sign-in qualifies: one ended by signing out, a password change or deactivation
keeps nothing. And a post without this sign-in's token is taken only from the site's own pages
(Sec-Fetch-Site or Origin): another origin, even of the same site, gets 403.
"""

from functools import wraps

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from course.extensions import csrf, db
from course.modules.journal.drafts import (
    fields_from_form,
    keep_draft,
    own_entry,
    writer_of_ended_session,
)
from course.modules.journal.services import AUTHOR_ROLES
from course.security import from_this_site

SIGNED_OUT_MESSAGE = (
    "Your sign-in had ended, so your writing has been kept safely. "
    "Sign in again and it will be waiting for you."
)
SIGNED_OUT_NOTE = (
    "your sign-in has ended. Your text is kept as a draft: sign in again (in another tab if "
    "you like) and reload this page to carry on."
)
EARLIER_FORM_NOTE = (
    "this page was opened before your latest sign-in. Your text is kept as a draft: reload "
    "this page to carry on."
)
EARLIER_FORM_MESSAGE = (
    "This page was opened before your latest sign-in, so your writing was not saved to the "
    "journal yet. It is kept here: check it and save."
)


def wants_json():
    """Whether the editor's script sent this request."""
    return request.accept_mimetypes.best == "application/json"


def _token_is_valid():
    """Whether the request carries this sign-in's form token (header or form field)."""
    token = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True


def _int_or_none(value):
    """A form value as an int, or None."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def keeps_text(view):
    """Run the editor's view; a POST it cannot accept is kept as a draft instead of refused.

    The view is exempt from the site-wide CSRF check because the check is made here: a POST
    without this sign-in's token never reaches the view, it only becomes a draft that the
    writer must open and save themselves.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        token_ok = _token_is_valid()
        if current_user.is_authenticated and token_ok:
            return view(*args, **kwargs)
        signed_in = current_user.is_authenticated
        writer = current_user._get_current_object() if signed_in else writer_of_ended_session()
        if writer is None or writer.role not in AUTHOR_ROLES:
            if signed_in:
                raise CSRFError("The CSRF token is missing or invalid.")
            if wants_json():
                return jsonify(kept=False, signed_out=True), 401
            return current_app.login_manager.unauthorized()
        if not from_this_site():  # without the token, only the site's own pages are believed
            abort(403)
        draft = _keep(writer, kwargs.get("entry_id"))
        return _answer(draft, signed_in)

    csrf.exempt(wrapped)
    return wrapped


def _keep(writer, entry_id):
    """Store the posted text as the writer's draft; None when there was nothing to keep."""
    fields = fields_from_form(request.form)
    if not fields.title and not fields.body:
        return None
    entry = own_entry(writer, entry_id) if entry_id else None
    draft = keep_draft(
        writer,
        fields,
        draft_id=request.form.get("draft_id"),
        entry=entry,
        base_version=_int_or_none(request.form.get("version")) if entry else None,
        reason="signed_out",
    )
    db.session.commit()
    return draft


def _answer(draft, signed_in):
    """Tell the writer where the text is: JSON for the script, a redirect for the form."""
    target = url_for("journal.draft", draft_id=draft.id) if draft else None
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
        return redirect(target or url_for("journal.index"))
    if draft:
        flash(SIGNED_OUT_MESSAGE, "info")
    return redirect(url_for("accounts.login", next=target))
