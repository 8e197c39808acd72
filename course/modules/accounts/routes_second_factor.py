"""The second step of signing in, setting up an authenticator app, and the person's sign-ins.

Routes on the accounts blueprint (see routes.py). Someone whose role must use a second factor
and who has none is sent to set one up after signing in, and reaches nothing else until then.
"""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update

from course import audit
from course.extensions import db
from course.modules.accounts import passkeys, second_factor
from course.modules.accounts.forms import CodeForm, EmptyForm, PasskeyNameForm
from course.modules.accounts.models import SessionEnd, UserSession, hash_token
from course.modules.accounts.routes import bp, finish_sign_in
from course.modules.accounts.services import SESSION_KEY
from course.timeutil import utcnow

# What someone who must set up a second factor may still reach before they have.
OPEN_WHILE_SETTING_UP = {
    "static",
    "accounts.setup_second_factor",
    "accounts.add_passkey",
    "accounts.passkey_registration_options",
    "accounts.passkey_register",
    "accounts.logout",
    "accounts.login",
    "privacy.policy",
}
RECENT_SIGN_INS = 10


@bp.before_app_request
def second_factor_gate():
    """Send someone who must use a second factor and has none to set one up."""
    if not current_user.is_authenticated or session.get(second_factor.DONE_KEY):
        return None
    if request.endpoint in OPEN_WHILE_SETTING_UP or request.endpoint is None:
        return None
    if not second_factor.must_use(current_user):
        return None
    if second_factor.has_second_factor(current_user):
        session[second_factor.DONE_KEY] = True
        return None
    return redirect(url_for("accounts.setup_second_factor"))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step: a code from the authenticator app, or a recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user = second_factor.pending_user()
    if user is None:
        session.pop(second_factor.PENDING_KEY, None)
        flash("Signing in took too long, or has not started. Enter your email and password.")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    refused = None
    if form.validate_on_submit():
        try:
            method = second_factor.check_second_step(user, form.code.data)
        except second_factor.CodeRefused as error:
            refused = error
            form.code.errors.append(str(error))
        else:
            next_address = session.get(second_factor.PENDING_KEY, {}).get("next")
            response = finish_sign_in(user, next_address, second_factor_done=True)
            if method == "recovery code":
                left = second_factor.recovery_codes_left(user)
                flash(
                    f"You signed in with a recovery code; it will not work again. You have {left} "
                    "left: make new ones from your account page if you are running out.",
                    "warning" if left < 3 else "info",
                )
            return response
    response = render_template(
        "accounts/login_code.html",
        form=form,
        has_app=second_factor.has_app(user),
        has_passkey=passkeys.has_passkey(user),
    )
    if refused and refused.throttled:
        return response, 429, {"Retry-After": str(refused.wait_minutes * 60)}
    return response


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def setup_second_factor():
    """Set up an authenticator app: scan the QR code (or type the key), then enter a code."""
    user = current_user._get_current_object()
    if not second_factor.may_use(user):
        abort(404)
    factor = second_factor.start_setup(user)
    if factor.confirmed_at is not None:
        flash("Your authenticator app is already set up.", "info")
        return redirect(url_for("accounts.account"))
    form = CodeForm()
    if form.validate_on_submit():
        code = second_factor.normalise_code(form.code.data)
        codes = second_factor.confirm_setup(user, factor, code) if code.isdigit() else None
        if codes:
            return render_template("accounts/recovery_codes.html", codes=codes, new=True)
        form.code.errors.append(
            "That code is not right. Enter the 6-digit code your app shows for this site now; "
            "check the time on your phone is set automatically."
        )
    uri = second_factor.provisioning_uri(user, factor.totp_secret)
    return render_template(
        "accounts/second_factor_setup.html",
        form=form,
        qr=second_factor.qr_svg(uri),
        key=second_factor.grouped(factor.totp_secret),
        must=second_factor.must_use(user),
    )


@bp.post("/account/recovery-codes")
@login_required
def new_recovery_codes():
    """Make ten new recovery codes; the old ones stop working."""
    user = current_user._get_current_object()
    if not second_factor.has_second_factor(user):
        abort(404)
    codes = second_factor.new_recovery_codes(user)
    audit.record("recovery_codes_made", user, reason="made by the person")
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes, new=False)


@bp.post("/account/second-factor/remove")
@login_required
def remove_second_factor():
    """Turn off my authenticator app, where my role does not require one or I have a passkey."""
    user = current_user._get_current_object()
    keeps_passkey = passkeys.has_passkey(user)
    if not second_factor.has_app(user) or (second_factor.must_use(user) and not keeps_passkey):
        abort(404)
    if keeps_passkey:
        second_factor.remove_app(user)
    else:
        second_factor.reset(user)
    audit.record("second_factor_reset", user, reason="turned off by the person")
    db.session.commit()
    flash(
        "Your authenticator app is turned off: you sign in with your passkey."
        if keeps_passkey
        else "Your authenticator app is turned off: you sign in with your password alone.",
        "success",
    )
    return redirect(url_for("accounts.account"))


def recent_sign_ins(user):
    """The person's latest sign-ins, newest first."""
    return db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        .limit(RECENT_SIGN_INS)
    ).all()


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    """Sign out everywhere else: every other live sign-in of mine ends."""
    token_hash = hash_token(session.get(SESSION_KEY) or "")
    ended = db.session.execute(
        update(UserSession)
        .where(
            UserSession.user_id == current_user.id,
            UserSession.ended_at.is_(None),
            UserSession.token_hash != token_hash,
        )
        .values(ended_at=utcnow(), end_reason=SessionEnd.SIGNED_OUT)
    ).rowcount
    audit.record("other_sessions_ended", current_user, count=ended)
    db.session.commit()
    flash(
        f"Signed out {ended} other sign-in{'s' if ended != 1 else ''}."
        if ended
        else "You were not signed in anywhere else.",
        "success",
    )
    return redirect(url_for("accounts.account"))


def account_context(user):
    """What the account page shows about signing in."""
    has = second_factor.has_second_factor(user)
    return {
        "has_second_factor": has,
        "has_app": second_factor.has_app(user),
        "passkeys": passkeys.passkeys_of(user),
        "passkey_form": PasskeyNameForm(),
        "may_use_second_factor": second_factor.may_use(user),
        "must_use_second_factor": second_factor.must_use(user),
        "recovery_codes_left": second_factor.recovery_codes_left(user) if has else 0,
        "sign_ins": recent_sign_ins(user),
        "this_sign_in": hash_token(session.get(SESSION_KEY) or ""),
        "empty": EmptyForm(),
    }
