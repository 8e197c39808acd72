"""Backups that restore: SQLite's online backup API, or pg_dump / pg_restore for PostgreSQL.

The encryption keys are not in a backup (they live in instance/encryption_keys or the
environment): back them up separately. A backup restored without its keys opens, but its
encrypted text cannot be read by anyone.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404  # nosec B404 - pg_dump and pg_restore, fixed arguments, no shell
from pathlib import Path

from sqlalchemy import Text, inspect, select, type_coerce

from course import crypto
from course.extensions import db
from course.modules.privacy.keys import encrypted_columns


class BackupProblem(Exception):
    """The backup or restore could not be done; the message says why."""


def _libpq_url():
    """The database address as pg_dump and pg_restore take it (without the driver name)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(path):
    """Write a consistent copy of the live database to path (which must not exist)."""
    path = Path(path)
    if path.exists():
        raise BackupProblem(f"{path} exists already; choose a new file name.")
    if db.engine.dialect.name == "sqlite":
        partial = path.with_name(path.name + ".partial")
        source = sqlite3.connect(db.engine.url.database)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # one step: a snapshot, while writers carry on (WAL)
        finally:
            target.close()
            source.close()
        os.chmod(partial, 0o600)
        os.replace(partial, path)
        return
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupProblem("pg_dump is not installed; install the PostgreSQL client tools.")
    subprocess.run(  # noqa: S603  # nosec B603
        [pg_dump, "--format=custom", "--no-owner", f"--file={path}", _libpq_url()], check=True
    )


def restore(path):
    """Bring a backup into the configured database, which must be empty."""
    path = Path(path)
    if not path.is_file():
        raise BackupProblem(f"There is no backup at {path}.")
    if inspect(db.engine).get_table_names():
        raise BackupProblem("The database is not empty; restore into a new, empty database.")
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupProblem(f"{path} is damaged; it was not restored.")
            target = sqlite3.connect(db.engine.url.database)
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()
        return
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupProblem("pg_restore is not installed; install the PostgreSQL client tools.")
    subprocess.run(  # noqa: S603  # nosec B603
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={_libpq_url()}", str(path)],
        check=True,
    )


def unreadable_values():
    """How many encrypted values the configured keys cannot open (0 after a good restore)."""
    ring = crypto.keyring()
    unreadable = 0
    for _table, column in encrypted_columns():
        raw = type_coerce(column, Text)
        for value in db.session.scalars(select(raw).where(raw.is_not(None))):
            try:
                ring.decrypt(value)
            except crypto.EncryptionKeyProblem:
                unreadable += 1
    return unreadable
