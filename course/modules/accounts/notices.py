"""What a person is told when someone else changes their account or who can read their journal.

Administrators never read journals; these messages let people check that for themselves: a
password set through a link, an email address changed, a trainer added to their cohort.
"""

from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES, CohortMember, Role, User
from course.modules.notifications.services import notify
from course.timeutil import format_datetime, utcnow

ACCOUNT_CHANGED = "account_changed"
TRAINER_ADDED = "trainer_added"
IF_NOT_YOU = (
    "If this was you, there is nothing to do. If it was not, tell the programme's administrator "
    "and your manager at once: someone else may be able to sign in as you."
)


def tell_password_changed(user):
    """Email the person that their password was set through a set-password link."""
    notify(
        user,
        ACCOUNT_CHANGED,
        "Your password has been changed",
        body=(
            f"The password of your account was changed on {format_datetime(utcnow())} "
            f"with a set-password link, and every device was signed out. {IF_NOT_YOU}"
        ),
        essential=True,
    )


def tell_email_changed(user, old_email):
    """Email the old address that the account's email address was changed by someone else."""
    notification = notify(
        user,
        ACCOUNT_CHANGED,
        "The email address of your account has been changed",
        body=(
            f"On {format_datetime(utcnow())} the programme's administrator changed the email "
            f"address of your account from {old_email} to {user.email}. Set-password links "
            f"now go to the new address. {IF_NOT_YOU}"
        ),
        essential=True,
    )
    notification.email_to = old_email
    return notification


def announce_new_trainers(cohort_id, trainers):
    """Tell the cohort's members which trainers can now read what they share."""
    trainers = [t for t in trainers if t.role == Role.TRAINER]
    if not trainers:
        return
    names = ", ".join(t.name for t in trainers)
    members = db.session.scalars(
        select(User.id)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort_id,
            User.role.in_(ATTENDING_ROLES),
            User.active.is_(True),
        )
    )
    plural = len(trainers) > 1
    for member_id in members:
        notify(
            member_id,
            TRAINER_ADDED,
            f"A trainer has joined your cohort: {names}"
            if not plural
            else f"Trainers have joined your cohort: {names}",
            body=(
                f"{names} {'are' if plural else 'is'} now a trainer of your cohort, so "
                "they can read the journal entries you share with "
                "the trainers (including ones you shared before). Your journal's page lists "
                "exactly who can read what you share; you can stop sharing any entry there."
            ),
            link="/journal/",
            essential=True,
        )


def tell_second_factor_reset(user):
    """Tell the person (and email them) that their second factor was removed by someone else."""
    notify(
        user,
        ACCOUNT_CHANGED,
        "Your second factor for signing in has been reset",
        body=(
            f"On {format_datetime(utcnow())} the second factor of your account (your "
            "authenticator app, passkeys and security keys, and recovery codes) was removed and "
            "you were signed out everywhere. The next time you sign in, "
            f"you will set up a new one. {IF_NOT_YOU}"
        ),
        essential=True,
    )
