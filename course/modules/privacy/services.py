"""Data packs: made by the person, or for them by an administrator through a one-time link."""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from course import audit
from course.extensions import db
from course.modules.accounts.services import hash_token
from course.modules.notifications.services import notify
from course.modules.privacy.models import DataPackLink
from course.timeutil import utcnow

DATA_PACK_KIND = "data_pack"


def make_pack_link(user, admin, now=None):
    """An administrator has a pack made for the person: they get a link; returns the link row.

    The token goes only into the person's notification; the download also needs the person's
    own sign-in, so the administrator cannot open it.
    """
    now = now or utcnow()
    days = current_app.config["COURSE_DATA_PACK_LINK_DAYS"]
    token = secrets.token_urlsafe(32)
    link = DataPackLink(
        user_id=user.id,
        token_hash=hash_token(token),
        requested_by_id=admin.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(link)
    db.session.flush()
    notify(
        user,
        DATA_PACK_KIND,
        "A copy of your data is ready",
        body=(
            "At your request, the site has made a copy of everything it holds about you. "
            f"Sign in and use the link to download it. It works once, for {days} days."
        ),
        link=f"/my-data/{token}",
        essential=True,
    )
    audit.record("data_pack_made", user, actor=admin, link_id=link.id)
    return link


def pack_link_for(user, token, now=None):
    """The person's link for this token (used or not), or None for anyone else's."""
    return db.session.scalar(
        select(DataPackLink).where(
            DataPackLink.token_hash == hash_token(token), DataPackLink.user_id == user.id
        )
    )


def use_pack_link(link, now=None):
    """Mark the link used, if it still works; True if this call used it (one UPDATE)."""
    now = now or utcnow()
    result = db.session.execute(
        update(DataPackLink)
        .where(
            DataPackLink.id == link.id,
            DataPackLink.used_at.is_(None),
            DataPackLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def packs_made_for(user):
    """The packs made for a person, newest first (when, by whom, until when); never content."""
    return db.session.scalars(
        select(DataPackLink)
        .where(DataPackLink.user_id == user.id)
        .order_by(DataPackLink.created_at.desc(), DataPackLink.id.desc())
    ).all()
