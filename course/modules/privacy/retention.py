"""The retention schedule, applied by `flask --app course apply-retention` (run it nightly).

Each rule takes the settings in course/__init__.py (0 switches a rule off), reports what it did,
and with dry_run only counts. Modules join the schedule through their personal_data.py:
    after_cohort_holders(user_ids) -> set of ids   who holds text deleted after the cohort ends
    delete_after_cohort(user_ids) -> int           delete it; the caller commits
so the supervision log adds its own.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User, UserSession
from course.modules.notifications.models import EmailStatus, Notification
from course.modules.notifications.services import insert_ignoring_duplicates
from course.modules.presentations.models import Presentation
from course.modules.presentations.retention import delete_expired_briefs
from course.modules.privacy.erasure import ERASED_DOMAIN, erase_person
from course.modules.privacy.registry import contributors
from course.modules.programme.models import CourseSession
from course.timeutil import LONDON, utcnow

RETENTION_WARNING = "retention_warning"


@dataclass
class RetentionReport:
    """What a run did (or, dry, would do), one line per rule."""

    dry_run: bool = False
    lines: list = field(default_factory=list)

    def add(self, count, done, would):
        """Record one rule's outcome."""
        self.lines.append(f"{'Would ' + would if self.dry_run else done}: {count}")


def apply_retention(now=None, dry_run=False):
    """Apply every rule; returns the RetentionReport."""
    now = now or utcnow()
    config = current_app.config
    report = RetentionReport(dry_run)
    _briefs(report, now, dry_run)
    _after_cohort(report, now, config, dry_run)
    _inactive_accounts(report, now, config["COURSE_RETENTION_INACTIVE_ACCOUNT_DAYS"], dry_run)
    audit_days, outbox_days = (
        config["COURSE_RETENTION_AUDIT_DAYS"],
        config["COURSE_RETENTION_OUTBOX_DAYS"],
    )
    _older_than(report, AuditEvent.at, now, audit_days, dry_run, "Audit events deleted",
                "delete audit events")  # fmt: skip
    settled = Notification.email_status.not_in([EmailStatus.PENDING, EmailStatus.SENDING])
    _older_than(report, Notification.created_at, now, outbox_days, dry_run,
                "Notifications purged from the outbox", "purge notifications", settled)  # fmt: skip
    if not dry_run:
        db.session.commit()
    return report


def _briefs(report, now, dry_run):
    """Case briefs, a set time after their session (the presentations module's rule)."""
    if dry_run:
        days = current_app.config["COURSE_BRIEF_RETENTION_DAYS"]
        ended = select(CourseSession.id).where(CourseSession.ends_at <= now - timedelta(days=days))
        count = db.session.scalar(
            select(func.count(Presentation.id)).where(
                Presentation.brief.is_not(None), Presentation.session_id.in_(ended)
            )
        )
    else:
        count = delete_expired_briefs(now=now)
    plural = "" if count == 1 else "s"
    report.lines.append(f"{'Would delete' if dry_run else 'Deleted'} {count} case brief{plural}.")


def _after_cohort(report, now, config, dry_run):
    """Journals (and supervision logs) a set time after the person's last cohort ends."""
    days, warning = config["COURSE_RETENTION_JOURNAL_DAYS"], config["COURSE_RETENTION_WARNING_DAYS"]
    if not days:
        return
    today = now.astimezone(LONDON).date()
    last_end = (
        select(CohortMember.user_id, func.max(Cohort.ends_on).label("ends_on"))
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .group_by(CohortMember.user_id)
        .subquery()
    )
    rows = db.session.execute(
        select(last_end.c.user_id, last_end.c.ends_on).where(
            last_end.c.ends_on <= today - timedelta(days=days - warning)
        )
    ).all()
    due = [user_id for user_id, ends_on in rows if ends_on + timedelta(days=days) <= today]
    warn = {user_id: ends_on + timedelta(days=days) for user_id, ends_on in rows}
    modules = [m for _, m in contributors() if hasattr(m, "delete_after_cohort")]
    holders = set()
    for module in modules:
        holders |= module.after_cohort_holders(list(warn))
    to_warn = [user_id for user_id in holders if user_id not in due]
    if dry_run:
        report.add(len(to_warn), "", "warn authors before deleting their journals")
        report.add(len(holders & set(due)), "", "delete the journals of people")
        return
    added = insert_ignoring_duplicates([_warning(user_id, warn[user_id]) for user_id in to_warn])
    report.add(len(added), "Authors warned before their journals are deleted", "")
    deleted = sum(module.delete_after_cohort(due) for module in modules) if due else 0
    report.add(deleted, "Journal entries and logs deleted after the cohort ended", "")


def _warning(user_id, delete_on):
    """The warning, once per person and date."""
    return dict(
        user_id=user_id,
        kind=RETENTION_WARNING,
        subject="Your journal will be deleted soon: download it if you want to keep it",
        body=(
            f"Your cohort has ended. On {delete_on:%-d %B %Y} the site deletes your journal "
            "(and anything else kept only for the programme). Download it from your account "
            "page (Download my data) or the journal's Export page before then."
        ),
        link="/account/",
        essential=True,
        dedupe_key=f"{RETENTION_WARNING}:{user_id}:{delete_on.isoformat()}",
        created_at=utcnow(),
        email_status=EmailStatus.PENDING,
    )


def _inactive_accounts(report, now, days, dry_run):
    """Accounts not used for a set time are anonymised (administrators excepted)."""
    if not days:
        return
    last_seen = (
        select(UserSession.user_id, func.max(UserSession.last_seen_at).label("seen"))
        .group_by(UserSession.user_id)
        .subquery()
    )
    cutoff = now - timedelta(days=days)
    people = db.session.scalars(
        select(User)
        .outerjoin(last_seen, last_seen.c.user_id == User.id)
        .where(
            User.role != Role.ADMIN,
            User.email.not_like(f"%@{ERASED_DOMAIN}"),
            func.coalesce(last_seen.c.seen, User.created_at) < cutoff,
        )
    ).all()
    if not dry_run:
        for user in people:
            erase_person(user, f"Retention: not used for {days} days", None)
    report.add(len(people), "Inactive accounts anonymised", "anonymise inactive accounts")


def _older_than(report, column, now, days, dry_run, done, would, *extra):
    """Delete the rows of a column's table older than a number of days."""
    if not days:
        return
    table = column.class_.__table__
    condition = [column < now - timedelta(days=days), *extra]
    if dry_run:
        count = db.session.scalar(select(func.count()).select_from(table).where(*condition))
    else:
        count = db.session.execute(delete(table).where(*condition)).rowcount
    report.add(count, done, would)
