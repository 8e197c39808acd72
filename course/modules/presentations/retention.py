"""The retention rule: case briefs are deleted a number of days after their session."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from course import audit
from course.extensions import db
from course.modules.presentations.models import Presentation
from course.modules.programme.models import CourseSession
from course.timeutil import utcnow


def delete_expired_briefs(now=None, days=None):
    """Delete every brief whose session ended `days` ago or more; returns how many. Idempotent.

    One UPDATE, so two runs at once (cron overlapping itself) cannot fail or double-count.
    Title and kind stay for the rota. On SQLite the freed space is overwritten with zeros and
    the write-ahead log is checkpointed, so the text does not linger in the database file.
    """
    now = now or utcnow()
    days = current_app.config["COURSE_BRIEF_RETENTION_DAYS"] if days is None else days
    ended_before = now - timedelta(days=days)
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    expired_sessions = select(CourseSession.id).where(CourseSession.ends_at <= ended_before)
    result = db.session.execute(
        update(Presentation)
        .where(Presentation.brief.is_not(None), Presentation.session_id.in_(expired_sessions))
        .values(brief=None, brief_deleted_at=now)
        .execution_options(synchronize_session=False)
    )
    deleted = result.rowcount
    if deleted:
        audit.record("briefs_deleted", object_type="Presentation", count=deleted, days=days)
    db.session.commit()
    if sqlite:
        connection = db.session.connection()
        if deleted:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("PRAGMA secure_delete = OFF")  # as other work expects
        db.session.commit()
    return deleted
