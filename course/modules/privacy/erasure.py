"""Erasing a person: every module erases its part, then their name and email are scrubbed.

The account row stays, anonymised, because attendance marks, barrier counts and cohort
memberships point at it: rates and counts that included the person stay true, naming nobody.
"""

from sqlalchemy import String, Text, func, update

from course import audit, crypto
from course.extensions import db
from course.modules.privacy.registry import erase_everywhere

SCRUBBED = "[erased]"
ERASED_DOMAIN = "erased.invalid"  # an erased account's address: erased-<id>@erased.invalid


def erase_person(user, reason, admin):
    """Erase the person (the audit event says who, when and why); commits."""
    name, email = user.name, user.email
    audit.record("person_erased", user, actor=admin, reason=reason)
    connection = db.session.connection()
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:  # freed pages are overwritten, so deleted text does not linger in the file
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    erase_everywhere(user)
    db.session.flush()
    for value in {name, email}:
        scrub_everywhere(value)
    db.session.commit()
    if sqlite:
        connection = db.session.connection()
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("PRAGMA secure_delete = OFF")
        db.session.commit()


def clear_text_columns():
    """(table, column) for every text column stored in clear."""
    return [
        (table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, String | Text)
        and not isinstance(column.type, crypto.EncryptedText)
    ]


def scrub_everywhere(value):
    """Replace the value wherever it appears in clear text (audit details, messages to others)."""
    if not value or len(value) < 3:
        return
    pattern = "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    for table, column in clear_text_columns():
        db.session.execute(
            update(table)
            .where(column.like(pattern, escape="\\"))
            .values({column.name: func.replace(column, value, SCRUBBED)})
        )
