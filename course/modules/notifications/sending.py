"""The sender: two senders running at once never send one message twice; failures are retried.

A sender claims a batch of due messages with one conditional UPDATE (pending -> sending, with a
claim token of its own, only WHERE the status is still pending); on PostgreSQL the rows are picked
with FOR UPDATE SKIP LOCKED so a second sender takes the next rows instead of waiting. Only the
claim's holder can then mark a message sent, or put it back as pending with a later time to try
again. A claim left behind by a sender that died is released after CLAIM_TIMEOUT.
"""

import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.modules.notifications.mail import compose, mailer_for, site_url
from course.modules.notifications.models import (
    SESSION_REMINDER,
    SET_PASSWORD,
    EmailStatus,
    Notification,
    NotificationPreference,
)
from course.timeutil import utcnow

logger = logging.getLogger("course.mail")
BATCH_SIZE = 20
CLAIM_TIMEOUT = timedelta(minutes=30)  # far longer than a batch can take (SMTP times out at 30s)
FIRST_RETRY = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=6)
# The server refused one message (a busy mailbox, an unknown address): try the next one.
REFUSALS_OF_ONE_MESSAGE = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


@dataclass
class SendResult:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0


def retry_delay(attempts):
    """How long to wait after the n-th failed attempt: 5, 10, 20 minutes... at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def release_stale_claims(now):
    """Put back messages claimed by a sender that stopped before finishing them."""
    released = db.session.execute(
        update(Notification)
        .where(
            Notification.email_status == EmailStatus.SENDING,
            Notification.claimed_at < now - CLAIM_TIMEOUT,
        )
        .values(email_status=EmailStatus.PENDING, claim_token=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if released:
        logger.warning("Released %d notification(s) left claimed by a stopped sender.", released)
    return released


def claim_batch(now, limit=BATCH_SIZE):
    """Claim up to `limit` due messages for this sender alone: (claim token, notifications)."""
    token = secrets.token_hex(16)
    due = (
        select(Notification.id)
        .where(
            Notification.email_status == EmailStatus.PENDING,
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
        )
        .order_by(Notification.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        # Rows another sender has locked are skipped, not waited for; MATERIALIZED makes the
        # candidates a list chosen once (a subquery run again per row could pick more rows).
        due = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
    else:
        due = due.cte("due")
    db.session.execute(
        update(Notification)
        .where(
            Notification.id.in_(select(due.c.id)),
            Notification.email_status == EmailStatus.PENDING,
        )
        .values(email_status=EmailStatus.SENDING, claim_token=token, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    claimed = list(
        db.session.scalars(
            select(Notification)
            .options(joinedload(Notification.user))
            .where(Notification.claim_token == token)
            .order_by(Notification.id)
        )
    )
    return token, claimed


@dataclass
class Outgoing:
    """A claimed message, read before any commit (a commit expires the loaded rows)."""

    id: int
    kind: str
    attempts: int
    link: str | None
    wanted: bool
    message: EmailMessage | None


def _outgoing(notifications, config):
    """The claimed messages as emails, with whether each person wants theirs."""
    user_ids = {n.user_id for n in notifications}
    reminders_off = set(
        db.session.scalars(
            select(NotificationPreference.user_id).where(
                NotificationPreference.user_id.in_(user_ids),
                NotificationPreference.session_reminders.is_(False),
            )
        )
    )
    return [
        Outgoing(
            id=n.id,
            kind=n.kind,
            attempts=n.attempts,
            link=n.link,
            wanted=(wanted := _wanted(n, reminders_off)),
            message=compose(n, n.user, config) if wanted else None,
        )
        for n in notifications
    ]


def _wanted(notification, reminders_off):
    """Whether the person wants this email (essential account emails always go)."""
    if notification.essential:
        return True
    if not notification.user.active:
        return False
    return not (notification.kind == SESSION_REMINDER and notification.user_id in reminders_off)


def _finish(item, token, **values):
    """Record the outcome of one claimed message, if this sender still holds its claim."""
    db.session.execute(
        update(Notification)
        .where(Notification.id == item.id, Notification.claim_token == token)
        .values(claim_token=None, claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _failed(item, token, error, now):
    """Put the message back to be tried again later; it is never dropped."""
    attempts = item.attempts + 1
    retry_at = now + retry_delay(attempts)
    _finish(
        item,
        token,
        email_status=EmailStatus.PENDING,
        attempts=attempts,
        next_attempt_at=retry_at,
        last_error=f"{type(error).__name__}: {error}"[:300],
    )
    logger.warning(
        "Notification %s not sent (attempt %d): %s; will try again after %s.",
        item.id,
        attempts,
        type(error).__name__,
        retry_at.isoformat(timespec="minutes"),
    )


def _refused_only_this(error):
    """Whether the server refused this one message but would take others."""
    closing = getattr(error, "smtp_code", None) == 421  # the server is shutting the connection
    return isinstance(error, REFUSALS_OF_ONE_MESSAGE) and not closing


def send_pending(now=None, batch_size=BATCH_SIZE, mailer=None):
    """Send every due message once; failures wait and are tried again on a later run."""
    now = now or utcnow()
    config = current_app.config
    mailer = mailer or mailer_for(config)
    result = SendResult(released=release_stale_claims(now))
    try:
        while True:
            token, claimed = claim_batch(now, batch_size)
            if not claimed:
                return result
            if site_url(config) is None and not result.sent + result.failed:
                logger.warning("Set COURSE_SITE_URL: without it, links in emails are incomplete.")
            batch = _outgoing(claimed, config)
            for position, item in enumerate(batch):
                if not item.wanted:
                    _finish(item, token, email_status=EmailStatus.SKIPPED)
                    result.skipped += 1
                    continue
                try:
                    mailer.send(item.message)
                except OSError as error:  # smtplib's errors are OSErrors too
                    if _refused_only_this(error):
                        _failed(item, token, error, now)
                        result.failed += 1
                        continue
                    # the server is down or turns us away: the rest wait for a later run
                    for unsent in batch[position:]:
                        _failed(unsent, token, error, now)
                    result.failed += len(batch) - position
                    return result
                _finish(
                    item,
                    token,
                    email_status=EmailStatus.SENT,
                    sent_at=utcnow(),
                    attempts=item.attempts + 1,
                    last_error=None,
                    # a set-password link is a secret: once sent, the outbox forgets it
                    link=None if item.kind == SET_PASSWORD else item.link,
                )
                result.sent += 1
    finally:
        mailer.close()
