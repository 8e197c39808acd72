"""Administration of accounts: list, create, edit, deactivate, set-password links, CSV import."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from course import audit
from course.extensions import db
from course.modules.accounts import importing, notices, scope, second_factor, services
from course.modules.accounts.forms import EmptyForm, ImportConfirmForm, ImportForm, UserForm
from course.modules.accounts.models import Cohort, CohortMember, Role, SessionEnd, User
from course.permissions import role_required
from course.timeutil import london_today

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


@bp.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Every page here is for administrators only."""


def _cohort_choices():
    """The cohorts for a select, with 'none' first."""
    cohorts = db.session.scalars(scope.managed_cohorts().order_by(Cohort.starts_on.desc()))
    return [(0, "No cohort")] + [(c.id, c.name) for c in cohorts]


def _prepare_user_form(form):
    """The roles, cohorts and organisations this administrator may choose from."""
    form.role.choices = scope.role_choices()
    if scope.managed_organisation_id() is None:
        form.organisation_id.choices = scope.organisation_choices()
    else:
        del form.organisation_id  # an organisation's administrator adds its own people


@bp.route("/users")
def users():
    """Search and filter accounts."""
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    cohort_id = request.args.get("cohort", type=int)
    stmt = select(User).options(selectinload(User.memberships).selectinload(CohortMember.cohort))
    stmt = scope.visible_users(stmt)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
    if role in Role.__members__.values():
        stmt = stmt.where(User.role == role)
    if cohort_id:
        stmt = stmt.where(
            User.id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id))
        )
    page = db.paginate(stmt.order_by(User.name, User.id), per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/users.html",
        page=page,
        query=query,
        role=role,
        cohort_id=cohort_id,
        roles=list(Role),
        cohorts=_cohort_choices()[1:],
        can_edit=scope.can_edit,
        memberships=scope.visible_memberships,
        args={k: v for k, v in request.args.items() if k != "page"},
    )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account and show its set-password link."""
    form = UserForm()
    form.cohort_id.choices = _cohort_choices()
    _prepare_user_form(form)
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        if db.session.scalar(select(User.id).where(User.email == email)):
            form.email.errors.append("An account with this email address already exists")
        elif _apply_organisation(form, user := User(email=email)):
            _apply_user_form(form, user)
            db.session.add(user)
            db.session.flush()
            if form.cohort_id.data:
                db.session.add(
                    CohortMember(
                        user_id=user.id, cohort_id=form.cohort_id.data, joined_on=london_today()
                    )
                )
                notices.announce_new_trainers(form.cohort_id.data, [user])
            audit.record("user_created", user, role=user.role)
            token = services.issue_set_password_link(user)
            db.session.commit()
            return _link_page(user, token, created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id):
    """Edit an account; deactivating it ends its sessions."""
    user = scope.get_managed_user_or_404(
        user_id, options=[selectinload(User.memberships).selectinload(CohortMember.cohort)]
    )
    form = UserForm(obj=user)
    del form.cohort_id  # memberships are managed on the cohort's page
    _prepare_user_form(form)
    if form.validate_on_submit():
        email = services.normalise_email(form.email.data)
        clash = db.session.scalar(select(User.id).where(User.email == email, User.id != user.id))
        if clash:
            form.email.errors.append("Another account already uses this email address")
        elif _apply_organisation(form, user):
            was_active, old_email, old_role = user.active, user.email, user.role
            user.email = email
            _apply_user_form(form, user)
            if email != old_email:
                notices.tell_email_changed(user, old_email)
            if user.role == Role.TRAINER != old_role:
                for membership in user.memberships:
                    notices.announce_new_trainers(membership.cohort_id, [user])
            if was_active and not user.active:
                services.end_all_sessions(user, SessionEnd.DEACTIVATED)
                audit.record("user_deactivated", user)
            audit.record("user_edited", user, role=user.role, active=user.active)
            db.session.commit()
            flash(f"Saved the changes to {user.name}.", "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        memberships=scope.visible_memberships(user),
        empty=EmptyForm(),
        has_second_factor=second_factor.has_second_factor(user),
    )


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id):
    """Deactivate an account at once; its sessions end."""
    user = scope.get_managed_user_or_404(user_id)
    user.active = False
    services.end_all_sessions(user, SessionEnd.DEACTIVATED)
    audit.record("user_deactivated", user)
    db.session.commit()
    flash(f"{user.name} is deactivated and signed out everywhere.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/second-factor/reset")
def reset_second_factor(user_id):
    """Remove a person's second factor (a lost phone): they set up a new one at next sign-in.

    Never one's own: another administrator, or the command line, must do that.
    """
    user = scope.get_managed_user_or_404(user_id)
    if user.id == current_user.id:
        audit.record("second_factor_reset_refused", user, reason="own second factor")
        db.session.commit()
        flash(
            "You cannot reset your own second factor. Ask another administrator, or whoever "
            "runs the server (flask --app course reset-second-factor EMAIL).",
            "error",
        )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    second_factor.reset(user)
    services.end_all_sessions(user, SessionEnd.SECOND_FACTOR_RESET)  # the factor may be lost
    notices.tell_second_factor_reset(user)
    audit.record("second_factor_reset", user, reason="reset by an administrator")
    db.session.commit()
    flash(
        f"{user.name}'s second factor is reset; they have been told, and will set up a new one "
        "when they next sign in.",
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/set-password-link")
def set_password_link(user_id):
    """Email a new set-password link (a forgotten password); show it only as a fallback."""
    user = scope.get_managed_user_or_404(user_id)
    token = services.issue_set_password_link(user)
    db.session.commit()
    return _link_page(user, token, created=False)


def _link_page(user, token, created):
    """What was emailed, until when; the link itself only for an account never used."""
    return render_template(
        "admin/link.html",
        user=user,
        link=None if user.link_only_by_email else token,
        created=created,
        valid_until=services.link_valid_until(),
        mail_configured=bool(current_app.config["MAIL_SERVER"]),
    )


@bp.route("/users/import", methods=["GET", "POST"])
def import_users():
    """Upload a CSV and see a preview; nothing is imported until it is confirmed."""
    form = ImportForm()
    preview = None
    if form.validate_on_submit():
        text = importing.read_upload(form.file.data.read())
        preview = importing.preview_import(text, scope.managed_organisation_id())
        confirm = ImportConfirmForm(csv_text=text)
        return render_template("admin/import.html", form=form, preview=preview, confirm=confirm)
    return render_template("admin/import.html", form=form, preview=preview, confirm=None)


@bp.post("/users/import/confirm")
def confirm_import():
    """Import a previewed file, all rows or none."""
    confirm = ImportConfirmForm()
    if not confirm.validate_on_submit():
        abort(400)
    preview = importing.preview_import(confirm.csv_text.data, scope.managed_organisation_id())
    if not preview.ok:  # something changed since the preview: show it again
        form = ImportForm()
        return render_template("admin/import.html", form=form, preview=preview, confirm=confirm)
    created = importing.import_users(preview)
    return render_template(
        "admin/imported.html",
        created=created,
        valid_until=services.link_valid_until(),
        mail_configured=bool(current_app.config["MAIL_SERVER"]),
    )


def _apply_organisation(form, user):
    """Set the person's organisation; False (with a message by the field) when it is missing.

    An organisation's administrator adds people to its own organisation. Otherwise the chosen
    organisation, else that of the cohort the person joins. Participants and senior managers
    must belong to one; trainers and evaluators belong to none.
    """
    org_id = scope.managed_organisation_id()
    if org_id is None:
        org_id = form.organisation_id.data or None
        cohort_id = form.cohort_id.data if form.cohort_id else None
        if org_id is None and cohort_id:
            org_id = db.session.scalar(select(Cohort.organisation_id).where(Cohort.id == cohort_id))
        if form.role.data in (Role.TRAINER, Role.EVALUATOR):
            org_id = None
        elif org_id is None and form.role.data != Role.ADMIN and scope.organisations_exist():
            form.organisation_id.errors.append("Choose the organisation this person works for")
            return False
    if form.cohort_id and form.cohort_id.data and org_id is not None:
        cohort_org = db.session.scalar(
            select(Cohort.organisation_id).where(Cohort.id == form.cohort_id.data)
        )
        if cohort_org != org_id:
            form.cohort_id.errors.append("Choose a cohort of the person's own organisation")
            return False
    user.organisation_id = org_id
    return True


def _apply_user_form(form, user):
    """Copy the form's fields onto the user."""
    user.name = form.name.data.strip()
    user.role = form.role.data
    user.team = (form.team.data or "").strip() or None
    user.active = form.active.data
