"""What the accounts module holds about a person: the account, cohorts, sign-ins, passkeys."""

from sqlalchemy import delete, select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import (
    Cohort,
    CohortMember,
    LoginAttempt,
    Organisation,
    Passkey,
    RecoveryCode,
    SecondFactor,
    SetPasswordToken,
    User,
    UserSession,
)
from course.modules.accounts.models_single_sign_on import SingleSignOnIdentity
from course.modules.privacy.registry import Section, records


def export(user):
    """The account, cohorts, sign-ins, passkeys and the actions the person took."""
    account = records(
        db.session.execute(
            select(
                User.name,
                User.email,
                User.role,
                User.team,
                User.active,
                User.created_at,
                User.last_sign_in_at,
            ).where(User.id == user.id)
        )
    )
    cohorts = records(
        db.session.execute(
            select(
                Cohort.name,
                Organisation.name.label("organisation"),
                Cohort.starts_on,
                Cohort.ends_on,
            )
            .join(Organisation, Organisation.id == Cohort.organisation_id)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user.id)
            .order_by(Cohort.starts_on)
        )
    )
    sign_ins = records(
        db.session.execute(
            select(
                UserSession.created_at.label("signed_in_at"),
                UserSession.last_seen_at,
                UserSession.ended_at,
                UserSession.end_reason,
                UserSession.ip,
                UserSession.user_agent,
            )
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.created_at)
        )
    )
    single_sign_on = records(
        db.session.execute(
            select(
                SingleSignOnIdentity.issuer,
                SingleSignOnIdentity.subject,
                SingleSignOnIdentity.created_at.label("linked_at"),
                SingleSignOnIdentity.last_used_at,
            ).where(SingleSignOnIdentity.user_id == user.id)
        )
    )
    passkeys = records(
        db.session.execute(
            select(
                Passkey.name,
                Passkey.created_at.label("added_at"),
                Passkey.last_used_at,
                Passkey.transports,
            )
            .where(Passkey.user_id == user.id)
            .order_by(Passkey.created_at)
        )
    )
    actions = records(
        db.session.execute(
            select(AuditEvent.at, AuditEvent.action, AuditEvent.object_type)
            .where(AuditEvent.actor_id == user.id)
            .order_by(AuditEvent.at)
        )
    )
    return [
        Section("account", "Your account", account),
        Section("cohorts", "Your cohorts", cohorts),
        Section("sign_ins", "Your sign-ins", sign_ins),
        Section("single_sign_on", "Who you are at your organisation's sign-in", single_sign_on),
        Section("passkeys", "Your passkeys and security keys", passkeys),
        Section("actions", "What you did on the site (from the audit log)", actions),
    ]


def erase(user):
    """Anonymise the account (the row stays, so counts that include the person stay true)."""
    old_email = user.email
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(delete(SetPasswordToken).where(SetPasswordToken.user_id == user.id))
    db.session.execute(delete(SingleSignOnIdentity).where(SingleSignOnIdentity.user_id == user.id))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == old_email))
    db.session.execute(delete(Passkey).where(Passkey.user_id == user.id))
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.email = f"erased-{user.id}@erased.invalid"
    user.name = f"Erased person {user.id}"
    user.team = None
    user.password_hash = None
    user.active = False
