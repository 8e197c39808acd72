"""Administrators: a data pack made for a person (which they cannot open), and erasure."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from course.extensions import db
from course.modules.accounts import scope
from course.modules.accounts.admin import bp
from course.modules.accounts.forms import EmptyForm
from course.modules.privacy import services
from course.modules.privacy.erasure import erase_person
from course.modules.privacy.forms import ErasureForm


def _person_or_404(user_id):
    """Anyone the administrator manages (their organisation's people) but themselves."""
    user = scope.get_managed_user_or_404(user_id)
    if user.id == current_user.id:
        abort(404)
    return user


@bp.route("/users/<int:user_id>/privacy")
def person_privacy(user_id):
    """A person's data requests: make a data pack, erase."""
    user = _person_or_404(user_id)
    return _page(user, ErasureForm())


def _page(user, form, status=200):
    """The page with the packs made so far."""
    packs = services.packs_made_for(user)
    return (
        render_template(
            "privacy/admin_person.html", user=user, packs=packs, form=form, empty=EmptyForm()
        ),
        status,
    )


@bp.post("/users/<int:user_id>/data-pack")
def make_data_pack(user_id):
    """Have a pack made for the person; they are sent a one-time link."""
    user = _person_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.make_pack_link(user, current_user)
    db.session.commit()
    flash(f"A copy of {user.name}'s data was made and a link sent to them.", "success")
    return redirect(url_for("admin.person_privacy", user_id=user.id))


@bp.post("/users/<int:user_id>/erase")
def erase(user_id):
    """Erase a person, with their email typed to confirm and a reason."""
    user = _person_or_404(user_id)
    form = ErasureForm()
    if form.validate_on_submit():
        if form.confirmation.data.strip().lower() != user.email.lower():
            form.confirmation.errors.append("This is not the person's email address")
        else:
            erase_person(user, form.reason.data.strip(), current_user)
            flash("The person was erased. The audit log records it.", "success")
            return redirect(url_for("admin.users"))
    return _page(user, form, 400)
