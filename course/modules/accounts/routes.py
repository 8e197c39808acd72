"""Signing in and out, and setting passwords."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from course.extensions import db, login_manager
from course.modules.accounts import second_factor, services, single_sign_on
from course.modules.accounts.authentication import SignInRefused, authenticate
from course.modules.accounts.devices import remember_device
from course.modules.accounts.forms import ChangePasswordForm, LoginForm, NewPasswordForm
from course.modules.accounts.passwords import verify_password
from course.modules.accounts.single_sign_on_accounts import sign_out_offer

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = None  # sessions are server-side records instead
login_manager.user_loader(services.load_session_user)
# Sent with the sign-out: the browser forgets every copy of text kept for this site.
CLEAR_SITE_DATA = '"cache", "storage"'


@bp.app_context_processor
def browser_copy_owner():
    """The id that the journal's browser copies of this sign-in are kept under (see journal.js)."""
    signed_in = current_user.is_authenticated
    return {"browser_copy_owner": session.get(services.COPY_OWNER_KEY) if signed_in else None}


def _safe_next(target):
    """Only follow a 'next' address on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next"))
    refused = None
    if form.validate_on_submit():
        try:
            single_sign_on.refuse_password_when_sso_only(form.email.data)
            user = authenticate(form.email.data, form.password.data)
        except SignInRefused as error:
            refused = error
        else:
            next_address = _safe_next(form.next.data)
            if second_factor.has_second_factor(user):  # half signed in until the code
                db.session.commit()
                second_factor.begin_pending(user, next_address)
                return redirect(url_for("accounts.login_code"))
            return finish_sign_in(user, next_address)
    response = render_template(
        "accounts/login.html",
        form=form,
        refused=refused,
        **single_sign_on.login_page_context(form.errors or refused),
    )
    if refused and refused.throttled:
        return response, 429, {"Retry-After": str(refused.wait_minutes * 60)}
    return response


def finish_sign_in(user, next_address, second_factor_done=False):
    """Start the session (after the password, and the second factor if any) and go on."""
    services.start_session(user)
    if second_factor_done:
        session[second_factor.DONE_KEY] = True
    response = redirect(next_address or url_for("home.index"))
    if g.pop("clear_site_storage", False):  # someone else signed in here before
        response.headers["Clear-Site-Data"] = '"storage"'
    return remember_device(response, user.email)


@bp.post("/logout")
@login_required
def logout():
    """Sign out: the server-side session ends, so the old cookie stops working."""
    provider_sign_out = sign_out_offer(current_user)
    services.end_current_session()
    db.session.commit()
    if provider_sign_out:  # shown once on the sign-in page
        session[single_sign_on.SIGN_OUT_KEY] = provider_sign_out
    flash("You have signed out.", "success")
    response = redirect(url_for("accounts.login"))
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token):
    """Set a password from a one-time link."""
    record = services.find_set_password_token(token)
    if record is None:
        return render_template("accounts/link_expired.html"), 404
    form = NewPasswordForm(email=record.user.email)
    if form.validate_on_submit():
        services.use_set_password_token(record, form.password.data)
        flash("Your password is set. Sign in with it now.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, user=record.user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change my password; my other sign-ins end."""
    form = ChangePasswordForm(email=current_user.email)
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not right")
        else:
            user = current_user._get_current_object()
            services.set_password(user, form.password.data)
            db.session.commit()
            services.start_session(user, keep_browser_copy=True)
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/")
@login_required
def account():
    """My account: details, signing in (second factor, recent sign-ins) and links."""
    from course.modules.accounts.routes_second_factor import account_context

    return render_template(
        "accounts/account.html", **account_context(current_user._get_current_object())
    )
