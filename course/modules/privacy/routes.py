"""The privacy page, and my data: the pack from the account page or from a one-time link."""

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user, login_required

from course import audit
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.services import SignInRefused
from course.modules.privacy import services
from course.modules.privacy.forms import LeaverForm
from course.modules.privacy.leavers import leaver_for
from course.modules.privacy.pack import build_pack, pack_filename
from course.modules.privacy.policy import privacy_facts

bp = Blueprint("privacy", __name__, cli_group=None)


@bp.route("/privacy")
def policy():
    """What the site stores, who sees it, for how long, and how to ask: from the settings."""
    return render_template("privacy/policy.html", facts=privacy_facts(current_app.config))


def _send_pack(how, person=None):
    """The person's (by default the signed-in person's) pack as a download; audited."""
    person = person or current_user
    data = build_pack(person)
    audit.record("data_pack_downloaded", person, actor=person, how=how)
    db.session.commit()
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{pack_filename()}"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/account/my-data")
@login_required
def download_my_data():
    """Download everything the site holds about me."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _send_pack("account page")


@bp.route("/my-data/<token>", methods=["GET", "POST"])
@login_required
def pack_link(token):
    """A pack an administrator had made for me: works once, for me alone, until it expires."""
    link = services.pack_link_for(current_user, token) or abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        if services.use_pack_link(link):
            return _send_pack("link")
        db.session.rollback()
    usable = link.used_at is None and link.expires_at > services.utcnow()
    return render_template("privacy/pack_link.html", link=link, usable=usable, form=form), (
        200 if usable else 410
    )


@bp.route("/leaving/my-data", methods=["GET", "POST"])
def leaver_download():
    """A closed account downloads its data for a while after leaving, if the setting allows."""
    days = current_app.config["COURSE_LEAVER_EXPORT_DAYS"]
    if not days:
        abort(404)
    form = LeaverForm()
    refused = None
    if form.validate_on_submit():
        try:
            person = leaver_for(form.email.data, form.password.data)
        except SignInRefused as error:
            refused = error
        else:
            return _send_pack("after leaving", person)
    status = 429 if refused and refused.throttled else (400 if request.method == "POST" else 200)
    return render_template("privacy/leaver.html", form=form, refused=refused, days=days), status
