"""Passkeys and security keys: adding, naming and removing them, and signing in with one.

Routes on the accounts blueprint (see routes.py). The browser's side of each ceremony is
static/js/passkeys.js, which asks for options, hands them to the browser and sends back its
answer as JSON (with the CSRF token in a header); the answers are checked in passkeys.py.
Without JavaScript the pages say so, and the other second factors still work.
"""

from flask import abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from course.extensions import db
from course.modules.accounts import passkeys, second_factor
from course.modules.accounts.forms import PasskeyNameForm
from course.modules.accounts.routes import bp, finish_sign_in

TOO_LONG = "That answer from the browser is too long. Try again."


def _answer():
    """The browser's answer, as text, or None when there is none or it is too long."""
    length = request.content_length
    if length is None or length > passkeys.RESPONSE_MAX_BYTES:
        return None
    return request.get_data(as_text=True)


def _may_add(user):
    if not second_factor.may_use(user):
        abort(404)


@bp.route("/account/passkeys/new", methods=["GET", "POST"])
@login_required
def add_passkey():
    """Name a new passkey or security key; the browser ceremony itself needs JavaScript."""
    user = current_user._get_current_object()
    _may_add(user)
    form = PasskeyNameForm()
    needs_script = form.validate_on_submit()  # the form came without the script
    return render_template(
        "accounts/passkey_add.html",
        form=form,
        needs_script=needs_script,
        must=second_factor.must_use(user) and not second_factor.has_second_factor(user),
    )


@bp.post("/account/passkeys/options")
@login_required
def passkey_registration_options():
    """The options for the browser to make a new passkey (JSON), once the name is right."""
    user = current_user._get_current_object()
    _may_add(user)
    form = PasskeyNameForm()
    if not form.validate_on_submit():
        return jsonify(invalid=True)  # the script then sends the form, to show why by the field
    if len(passkeys.passkeys_of(user)) >= passkeys.MOST_PER_PERSON:
        return jsonify(
            message=f"You have {passkeys.MOST_PER_PERSON} passkeys, the most you can have. "
            "Remove one you no longer use first."
        ), 400
    options = passkeys.registration_options(user, form.name.data)
    return options, 200, {"Content-Type": "application/json"}


@bp.post("/account/passkeys")
@login_required
def passkey_register():
    """Check the browser's new passkey and keep it (JSON: where to go next, or why not)."""
    user = current_user._get_current_object()
    _may_add(user)
    answer = _answer()
    if answer is None:
        return jsonify(message=TOO_LONG), 400
    try:
        passkey = passkeys.add_passkey(user, answer)
    except passkeys.PasskeyRefused as refused:
        return jsonify(message=str(refused)), 400
    session[second_factor.DONE_KEY] = True
    flash(f"Your passkey “{passkey.name}” is added.", "success")
    if second_factor.recovery_codes_left(user) == 0:
        flash(
            "Make recovery codes now (below), in case you lose your passkey or security key.",
            "warning",
        )
    return jsonify(redirect=url_for("accounts.account", _anchor="second-factor"))


@bp.post("/account/passkeys/<int:passkey_id>/remove")
@login_required
def remove_passkey(passkey_id):
    """Remove one of my passkeys; without any second factor left, one who must sets one up."""
    user = current_user._get_current_object()
    name = passkeys.remove(user, passkey_id)
    if name is None:
        abort(404)
    db.session.commit()
    flash(f"Your passkey “{name}” is removed.", "success")
    if not second_factor.has_second_factor(user):
        session.pop(second_factor.DONE_KEY, None)
        if second_factor.must_use(user):
            flash("People in your role must sign in with a second factor: set one up now.", "info")
            return redirect(url_for("accounts.setup_second_factor"))
    return redirect(url_for("accounts.account", _anchor="second-factor"))


def _pending_or_none():
    user = second_factor.pending_user()
    if user is None or not passkeys.has_passkey(user):
        return None
    return user


LAPSED = "Signing in took too long, or has not started. Enter your email and password."


@bp.post("/login/passkey/options")
def passkey_sign_in_options():
    """The options for the browser to sign in with one of this person's passkeys (JSON)."""
    user = _pending_or_none()
    if user is None:
        return jsonify(message=LAPSED, redirect=url_for("accounts.login")), 400
    return passkeys.sign_in_options(user), 200, {"Content-Type": "application/json"}


@bp.post("/login/passkey")
def passkey_sign_in():
    """The second step with a passkey: check the browser's answer and finish signing in."""
    user = _pending_or_none()
    if user is None:
        return jsonify(message=LAPSED, redirect=url_for("accounts.login")), 400
    answer = _answer()
    if answer is None:
        return jsonify(message=TOO_LONG), 400
    try:
        passkeys.check_passkey(user, answer)
    except passkeys.PasskeyRefused as refused:
        status = 429 if refused.throttled else 400
        return jsonify(message=str(refused)), status
    next_address = session.get(second_factor.PENDING_KEY, {}).get("next")
    response = finish_sign_in(user, next_address, second_factor_done=True)
    address = response.location
    response.status_code = 200
    del response.headers["Location"]
    response.set_data(jsonify(redirect=address).get_data())
    response.mimetype = "application/json"
    return response
