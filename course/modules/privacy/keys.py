"""Key rotation: re-encrypt every encrypted column under the first key, in batches.

Safe while the site runs: each row is rewritten only if it still holds the value read (a
compare-and-swap on the stored ciphertext), each batch is its own transaction, and rows already
under the first key are skipped, so an interrupted run simply continues where it stopped.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Text, and_, select, type_coerce, update

from course import crypto
from course.extensions import db


@dataclass
class ColumnProgress:
    """How far one column's rotation got."""

    table: str
    column: str
    rotated: int = 0
    remaining: int = 0


def encrypted_columns():
    """Every (table, column) of the EncryptedText type, in a stable order."""
    return [
        (table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, crypto.EncryptedText)
    ]


def _not_under(raw, key_id):
    """Values stored under another key than key_id."""
    return and_(raw.is_not(None), raw.not_like(f"{crypto.PREFIX}{key_id}$%"))


def count_under_other_keys(table, column, key_id):
    """How many values of the column are not yet under key_id."""
    raw = type_coerce(column, Text)
    statement = select(db.func.count()).select_from(table).where(_not_under(raw, key_id))
    return db.session.scalar(statement)


def rotate_column(table, column, batch_size=500, report=None):
    """Re-encrypt one column's values under the first key; returns its ColumnProgress."""
    ring = crypto.keyring()
    key_id = ring.primary_id
    (primary,) = table.primary_key.columns
    raw = type_coerce(column, Text)
    progress = ColumnProgress(table.name, column.name)
    progress.remaining = count_under_other_keys(table, column, key_id)
    last = None
    while True:
        statement = select(primary, raw).where(_not_under(raw, key_id))
        if last is not None:
            statement = statement.where(primary > last)
        rows = db.session.execute(statement.order_by(primary).limit(batch_size)).all()
        if not rows:
            break
        for row_id, stored in rows:
            fresh = ring.encrypt(ring.decrypt(stored))
            result = db.session.execute(
                update(table)
                .where(primary == row_id, raw == type_coerce(stored, Text))
                .values({column.name: type_coerce(fresh, Text)})
            )
            progress.rotated += result.rowcount  # 0: the site rewrote it meanwhile (new key)
        db.session.commit()
        last = rows[-1][0]
        if report:
            report(progress)
    return progress


def rotate_all(batch_size=500, report=None):
    """Rotate every encrypted column; returns the list of ColumnProgress."""
    return [rotate_column(t, c, batch_size, report) for t, c in encrypted_columns()]


def left_under_other_keys():
    """How many values, over every column, are not under the first key."""
    key_id = crypto.keyring().primary_id
    return sum(count_under_other_keys(t, c, key_id) for t, c in encrypted_columns())


def add_new_key():
    """Put a new key first in the key file (the running site re-reads it); returns its id."""
    ring = crypto.keyring()
    if ring.path is None:
        raise crypto.EncryptionKeyProblem(
            "The keys come from COURSE_ENCRYPTION_KEYS: put the new key first there "
            "(make one with `rotate-keys --print-new-key`), restart the site, then run rotate-keys."
        )
    key = crypto.new_key()
    _write_key_file(ring.path, [key, *ring.key_texts])
    ring.refresh()
    return crypto.key_id(key)


def drop_old_keys():
    """Keep only the first key in the key file, once nothing is left under the others."""
    ring = crypto.keyring()
    if left_under_other_keys():
        raise crypto.EncryptionKeyProblem("Some text is still under an older key; rotate first.")
    dropped = ring.ids[1:]
    if ring.path is not None:
        _write_key_file(ring.path, ring.key_texts[:1])
        ring.refresh()
    return dropped


def _write_key_file(path, keys):
    """Replace the key file atomically, mode 0600."""
    temporary = Path(f"{path}.new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write("\n".join(keys) + "\n")
    os.replace(temporary, path)
