"""People, their sign-ins and the cohorts they belong to."""

import hashlib
import re
import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.crypto import EncryptedText
from course.extensions import db
from course.timeutil import UTCDateTime, utcnow


class Role(StrEnum):
    """What a person does on the site; one person has one role."""

    PARTICIPANT = "participant"
    SENIOR_MANAGER = "senior_manager"
    TRAINER = "trainer"
    EVALUATOR = "evaluator"
    ADMIN = "admin"

    @property
    def label(self):
        """The role as people say it."""
        return self.value.replace("_", " ").capitalize()


ROLE_VALUES = tuple(role.value for role in Role)
ATTENDING_ROLES = (Role.PARTICIPANT, Role.SENIOR_MANAGER)


def hash_token(token):
    """Tokens are stored as their SHA-256, so a copy of the database cannot be replayed."""
    return hashlib.sha256(token.encode()).hexdigest()


class Organisation(db.Model):
    """A council (or a consultancy's client) that owns cohorts and employs their members."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __str__(self):
        return self.name

    @classmethod
    def named(cls, name):
        """The organisation with this name, made (with a unique slug) when there is none yet."""
        name = name.strip()
        found = db.session.scalar(db.select(cls).where(cls.name == name))
        if found is None:
            found = cls(name=name, slug=unique_slug(name))
            db.session.add(found)
            db.session.flush()
        return found


def slugify(name):
    """A lower-case, hyphenated address form of a name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70] or "organisation"


def unique_slug(name):
    """A slug no other organisation has, numbered when the plain one is taken."""
    base = slugify(name)
    taken = set(
        db.session.scalars(db.select(Organisation.slug).where(Organisation.slug.like(f"{base}%")))
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


class User(UserMixin, db.Model):
    """A person with an account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    team: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by every sign-in: once a person has signed in, set-password links go only to their email.
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Participants, senior managers and an organisation's administrators belong to one
    # organisation; trainers, evaluators and site-wide administrators have none.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )

    memberships = relationship("CohortMember", back_populates="user", lazy="raise")
    organisation = relationship("Organisation", lazy="joined")

    __table_args__ = (
        CheckConstraint(f"role IN {ROLE_VALUES!r}", name="role_known"),
        Index("ix_user_name", "name", "id"),  # the administrators' list, in name order
        Index("ix_user_role", "role"),  # staff left out of the barrier figures, by role
    )

    @property
    def is_active(self):
        """Flask-Login refuses inactive users."""
        return self.active

    @property
    def link_only_by_email(self):
        """Whether set-password links must reach this person only by email, never on screen."""
        return self.last_sign_in_at is not None or self.password_hash is not None

    @property
    def role_enum(self):
        """The role as a Role."""
        return Role(self.role)

    @property
    def is_site_admin(self):
        """An administrator of the whole site, not of one organisation."""
        return self.role == Role.ADMIN and self.organisation_id is None

    def has_role(self, *roles):
        """Whether this person holds one of the roles."""
        return self.role in roles

    def __repr__(self):
        return f"<User {self.email}>"


class SessionEnd(StrEnum):
    """Why a sign-in ended: only an expired one may still hand in a draft without a form token."""

    EXPIRED = "expired"  # idle or too old: the person did not choose to leave
    SIGNED_OUT = "signed_out"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105  # nosec B105 - a reason, not a password
    DEACTIVATED = "deactivated"
    SECOND_FACTOR_RESET = "second_factor_reset"  # by an administrator: the factor may be lost


SESSION_END_VALUES = tuple(reason.value for reason in SessionEnd)


class UserSession(db.Model):
    """A server-side record of one sign-in; the cookie carries only its token."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user = relationship("User", lazy="joined")

    __table_args__ = (
        CheckConstraint(
            f"end_reason IS NULL OR end_reason IN {SESSION_END_VALUES!r}", name="end_reason_known"
        ),
    )

    @staticmethod
    def new_token():
        """A fresh random token for the cookie."""
        return secrets.token_urlsafe(32)


class LoginAttempt(db.Model):
    """A sign-in attempt, kept as history; throttling counts in SignInThrottle."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str | None] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SignInThrottle(db.Model):
    """Recent failures of one sign-in step for one key (an account, an address, a device).

    The key is a digest, never the email or address itself. See accounts/throttling.py.
    """

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime] = mapped_column(UTCDateTime)  # when this count began
    next_allowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("failures >= 0", name="failures_not_negative"),)


class SetPasswordToken(db.Model):
    """A one-time, expiring link to set a password (new account or forgotten password)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")


class Cohort(db.Model):
    """One run of the programme, e.g. 'Bromley 2010-11', owned by an organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # An archived cohort is read-only for staff; participants still read their own material.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    members = relationship("CohortMember", back_populates="cohort", lazy="raise")
    organisation = relationship("Organisation", lazy="joined")

    __table_args__ = (CheckConstraint("ends_on > starts_on", name="ends_after_start"),)

    def __init__(self, organisation=None, **fields):
        """Take the organisation as a row or, for brevity, by name (made when new)."""
        if isinstance(organisation, str):
            organisation = Organisation.named(organisation)
        if organisation is not None:
            fields["organisation"] = organisation
        super().__init__(**fields)

    @property
    def archived(self):
        """Whether the cohort is archived (read-only for staff)."""
        return self.archived_at is not None

    def contains(self, day):
        """Whether a date falls within the cohort's year."""
        return self.starts_on <= day <= self.ends_on


class CohortMember(db.Model):
    """A person's place in a cohort (participants, senior managers, trainers, evaluators)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The first and last days the person belongs to the cohort (None: from its start, to its
    # end); attendance counts only the sessions held in between.
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    cohort = relationship("Cohort", back_populates="members", lazy="raise")
    user = relationship("User", back_populates="memberships", lazy="raise")

    __table_args__ = (
        UniqueConstraint("cohort_id", "user_id"),
        # "my cohorts", on every page: answered from the index alone
        Index("ix_cohort_member_user_cohort", "user_id", "cohort_id"),
    )


class SecondFactor(db.Model):
    """A person's authenticator app (TOTP, RFC 6238); see accounts/second_factor.py.

    The key is encrypted at rest. Until `confirmed_at` it is only being set up and does not
    count. `last_step` is the time step of the last code accepted, so no code works twice.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    totp_secret: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(BigInteger)


class RecoveryCode(db.Model):
    """A one-time recovery code, stored as a keyed digest; used once, then spent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Passkey(db.Model):
    """A passkey or security key (WebAuthn) a person signs in with; see accounts/passkeys.py.

    The credential's id and public key are public values (nothing here signs anyone in
    without the authenticator). `sign_count` is the authenticator's counter, which must go up.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    transports: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasskeyChallengeUsed(db.Model):
    """A WebAuthn challenge that has been answered (its digest), so no answer counts twice."""

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
