"""What an administrator may manage: everything for a site administrator, one organisation's
people and cohorts for an organisation's administrator (privacy rule 10)."""

from flask import abort
from flask_login import current_user
from sqlalchemy import or_, select

from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Organisation, Role, User


def managed_organisation_id():
    """The organisation the signed-in administrator manages; None for a site administrator."""
    return current_user.organisation_id


def require_site_admin():
    """Pages for site administrators only: 404 for an organisation's administrator."""
    if managed_organisation_id() is not None:
        abort(404)


def managed_cohorts():
    """A select of the cohorts the administrator manages."""
    stmt = select(Cohort)
    org_id = managed_organisation_id()
    if org_id is not None:
        stmt = stmt.where(Cohort.organisation_id == org_id)
    return stmt


def get_managed_cohort_or_404(cohort_id):
    """A cohort the administrator manages; 404 for any other."""
    return db.session.scalar(managed_cohorts().where(Cohort.id == cohort_id)) or abort(404)


def visible_users(stmt):
    """Limit a select of users to the organisation's people and the staff of its cohorts."""
    org_id = managed_organisation_id()
    if org_id is None:
        return stmt
    staff_of_its_cohorts = (
        select(CohortMember.user_id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .where(Cohort.organisation_id == org_id)
    )
    return stmt.where(or_(User.organisation_id == org_id, User.id.in_(staff_of_its_cohorts)))


def can_edit(user):
    """Site administrators edit anyone; an organisation's administrator only its own people."""
    org_id = managed_organisation_id()
    return org_id is None or user.organisation_id == org_id


def get_managed_user_or_404(user_id, options=()):
    """An account the administrator may change; 404 for any other."""
    stmt = select(User).where(User.id == user_id).options(*options)
    org_id = managed_organisation_id()
    if org_id is not None:
        stmt = stmt.where(User.organisation_id == org_id)
    return db.session.scalar(stmt) or abort(404)


def role_choices():
    """The roles this administrator may give: trainers and evaluators work across
    organisations, so only a site administrator makes them."""
    roles = list(Role)
    if managed_organisation_id() is not None:
        roles = [r for r in roles if r not in (Role.TRAINER, Role.EVALUATOR)]
    return [(r.value, r.label) for r in roles]


def organisation_choices():
    """Organisations for a select, 'none' first (site administrators only)."""
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [(0, "None: a trainer, evaluator or site administrator")] + [
        (o.id, o.name) for o in organisations
    ]


def may_join(user, cohort):
    """Whether a person may be put in a cohort: its organisation's people, or cross-organisation
    staff (trainers, evaluators)."""
    if user.role in (Role.TRAINER, Role.EVALUATOR):
        return True
    return user.organisation_id in (None, cohort.organisation_id)


def organisations_exist():
    """Whether any organisation has been set up yet."""
    return db.session.scalar(select(Organisation.id).limit(1)) is not None


def visible_memberships(user):
    """The person's cohorts that this administrator manages (memberships loaded with cohorts)."""
    org_id = managed_organisation_id()
    return [m for m in user.memberships if org_id is None or m.cohort.organisation_id == org_id]
