"""Administration of cohorts and their members, and the audit log."""

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course import audit
from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts import notices, scope
from course.modules.accounts.admin import bp
from course.modules.accounts.forms import AddMemberForm, CohortForm, EmptyForm
from course.modules.accounts.models import (
    ATTENDING_ROLES,
    Cohort,
    CohortMember,
    Organisation,
    User,
)
from course.modules.accounts.services import normalise_email
from course.modules.programme.services import create_programme
from course.modules.readings.services import attach_to_cohort
from course.timeutil import london_today

AUDIT_PER_PAGE = 100


@bp.route("/cohorts")
def cohorts():
    """Every cohort with its size."""
    counts = (
        select(CohortMember.cohort_id, func.count(CohortMember.id).label("members"))
        .group_by(CohortMember.cohort_id)
        .subquery()
    )
    stmt = scope.managed_cohorts().add_columns(func.coalesce(counts.c.members, 0))
    rows = db.session.execute(
        stmt.outerjoin(counts, counts.c.cohort_id == Cohort.id).order_by(Cohort.starts_on.desc())
    ).all()
    return render_template("admin/cohorts.html", rows=rows)


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new_cohort():
    """Create a cohort with its eleven sessions from the standard outline."""
    form = CohortForm()
    _prepare_cohort_form(form)
    if form.validate_on_submit():
        if db.session.scalar(select(Cohort.id).where(Cohort.name == form.name.data.strip())):
            form.name.errors.append("A cohort with this name already exists")
        else:
            cohort = Cohort()
            _apply(form, cohort)
            db.session.add(cohort)
            db.session.flush()
            create_programme(cohort)
            db.session.flush()
            attach_to_cohort(cohort)  # the course's standard reading lists
            audit.record("cohort_created", cohort, name=cohort.name)
            db.session.commit()
            flash(
                f"Created {cohort.name} with its 11 sessions. Trainers can now edit them.",
                "success",
            )
            return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    return render_template("admin/cohort_form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
def cohort(cohort_id):
    """A cohort's details and members; add members by email."""
    cohort = scope.get_managed_cohort_or_404(cohort_id)
    form = CohortForm(obj=cohort, prefix="cohort")
    _prepare_cohort_form(form)
    add_form = AddMemberForm(prefix="add")
    if request.method == "POST" and "add-emails" in request.form:
        if add_form.validate_on_submit():
            _add_members(cohort, add_form)
            if not add_form.errors:
                return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    elif form.validate_on_submit():
        _apply(form, cohort)
        audit.record("cohort_edited", cohort, name=cohort.name)
        db.session.commit()
        flash("Saved the cohort.", "success")
        return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    members = db.session.scalars(
        select(CohortMember)
        .where(CohortMember.cohort_id == cohort.id)
        .options(selectinload(CohortMember.user))
        .join(User, User.id == CohortMember.user_id)
        .order_by(User.role, User.name)
    ).all()
    return render_template(
        "admin/cohort.html",
        cohort=cohort,
        form=form,
        add_form=add_form,
        members=members,
        can_edit=scope.can_edit,
        empty=EmptyForm(),
    )


@bp.post("/cohorts/<int:cohort_id>/members/<int:member_id>/remove")
def remove_member(cohort_id, member_id):
    """Take a person out of a cohort (their account stays)."""
    member = _member_or_404(cohort_id, member_id)
    audit.record(
        "cohort_member_removed", object_type="Cohort", object_id=cohort_id, user_id=member.user_id
    )
    db.session.delete(member)
    db.session.commit()
    flash("Removed the person from the cohort.", "success")
    return redirect(url_for("admin.cohort", cohort_id=cohort_id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:member_id>/left")
def member_left(cohort_id, member_id):
    """Record that a person left the cohort today: later sessions no longer count for them."""
    member = _member_or_404(cohort_id, member_id)
    today = london_today()
    member.left_on = max(today, member.joined_on or today)
    audit.record(
        "cohort_member_left",
        object_type="Cohort",
        object_id=cohort_id,
        user_id=member.user_id,
        left_on=member.left_on.isoformat(),
    )
    db.session.commit()
    flash(
        f"Recorded that {_name(member)} left on {member.left_on:%-d %B %Y}. Sessions after "
        "that do not count for or against them, and they are not on those registers.",
        "success",
    )
    return redirect(url_for("admin.cohort", cohort_id=cohort_id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:member_id>/returned")
def member_returned(cohort_id, member_id):
    """Undo a recorded leaving: the person is a member again with no end date."""
    member = _member_or_404(cohort_id, member_id)
    member.left_on = None
    audit.record(
        "cohort_member_returned", object_type="Cohort", object_id=cohort_id, user_id=member.user_id
    )
    db.session.commit()
    flash(f"{_name(member)} is a member again, with no end date.", "success")
    return redirect(url_for("admin.cohort", cohort_id=cohort_id))


def _name(member):
    """The member's name, for a message."""
    return db.session.get(User, member.user_id).name


def _member_or_404(cohort_id, member_id):
    """A membership of a cohort this administrator manages; 404 for any other."""
    scope.get_managed_cohort_or_404(cohort_id)
    return db.session.scalar(
        select(CohortMember).where(
            CohortMember.id == member_id, CohortMember.cohort_id == cohort_id
        )
    ) or abort(404)


@bp.route("/audit")
def audit_log():
    """The audit log, newest first, filtered by action and person."""
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", "").strip().lower()
    scope.require_site_admin()  # the log names people of every organisation
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor:
        stmt = stmt.where(
            AuditEvent.actor_id.in_(
                select(User.id).where(func.lower(User.email).like(f"%{actor}%"))
            )
        )
    page = db.paginate(
        stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()),
        per_page=AUDIT_PER_PAGE,
        error_out=False,
    )
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    return render_template(
        "admin/audit.html",
        page=page,
        action=action,
        actor=actor,
        actions=list(actions),
        args={k: v for k, v in request.args.items() if k != "page"},
    )


def _prepare_cohort_form(form):
    """An organisation's administrator makes and edits only its own cohorts."""
    if scope.managed_organisation_id() is not None:
        del form.organisation


def _apply(form, cohort):
    """Copy the form onto the cohort."""
    cohort.name = form.name.data.strip()
    if form.organisation:
        cohort.organisation = Organisation.named(form.organisation.data)
    else:
        cohort.organisation_id = scope.managed_organisation_id()
    cohort.starts_on = form.starts_on.data
    cohort.ends_on = form.ends_on.data


def _add_members(cohort, add_form):
    """Add the listed accounts; name the addresses that have none, adding nobody then."""
    emails = [normalise_email(e) for e in add_form.emails.data.replace(",", "\n").split()]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    unknown = [e for e in emails if e not in users]
    if unknown:
        add_form.emails.errors.append("No account has these addresses: " + ", ".join(unknown))
        return
    existing = set(
        db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id))
    )
    outsiders = [u.email for u in users.values() if not scope.may_join(u, cohort)]
    if outsiders:
        add_form.emails.errors.append(
            "These people belong to another organisation: " + ", ".join(outsiders)
        )
        return
    added = [u for u in users.values() if u.id not in existing]
    for user in added:  # a participant's first cohort settles their organisation
        if user.organisation_id is None and user.role in ATTENDING_ROLES:
            user.organisation_id = cohort.organisation_id
    today = london_today()  # they count from today: sessions already held are not theirs
    db.session.add_all(
        CohortMember(cohort_id=cohort.id, user_id=u.id, joined_on=today) for u in added
    )
    notices.announce_new_trainers(cohort.id, added)
    audit.record("cohort_members_added", cohort, count=len(added))
    db.session.commit()
    flash(f"Added {len(added)} people to {cohort.name}.", "success")
