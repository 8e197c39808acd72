"""Sensitive text is encrypted at rest: not in the database file, its dump, or a migrated row."""

import os
import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from journal_support import editor_fields, open_editor
from sqlalchemy import Text, select, text, type_coerce

from course import create_app, crypto
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.models import JournalEntry
from tests.conftest import POSTGRES_URL, TEST_ENCRYPTION_KEY, _database_url, _drop_database

SENTENCE = "The grandmother's kitchen smelled of burnt toast and marigolds"
ENCRYPTED = {
    ("attendance_mark", "note"),
    ("barrier", "text"),
    ("catch_up", "reflection"),
    ("journal_comment", "body"),
    ("journal_draft", "body"),
    ("journal_draft", "title"),
    ("journal_entry", "body"),
    ("journal_entry", "title"),
    ("presentation", "brief"),
    ("presentation", "follow_up"),
    ("reflection_note", "text"),
}


def encrypted_columns():
    """(table, column) for every column of the EncryptedText type."""
    return {
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, crypto.EncryptedText)
    }


def database_bytes(app):
    """The SQLite file and its write-ahead log, as bytes."""
    with app.app_context():
        path = Path(db.engine.url.database)
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def write_through_editor(client, title, body):
    """Write a journal entry with the real editor; returns its address."""
    _, token, _, _ = open_editor(client, "/journal/new")
    response = client.post(
        "/journal/new", data={**editor_fields(title, notes=body), "csrf_token": token}
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_sensitive_columns_are_the_encrypted_ones(app_ctx):
    assert encrypted_columns() >= ENCRYPTED


@pytest.mark.skipif(bool(POSTGRES_URL), reason="reads the SQLite database file")
def test_a_journal_entry_is_not_in_the_database_file_or_its_dump_but_reads_and_searches(
    app, cohort, make_user, login
):
    author = make_user(Role.PARTICIPANT, cohort_id=cohort)
    client = login(author)
    address = write_through_editor(client, "Kitchen visit", SENTENCE)
    assert SENTENCE in client.get(address).get_data(as_text=True)
    listing = client.get("/journal/?q=MARIGOLDS").get_data(as_text=True)
    assert "Kitchen visit" in listing
    assert "Kitchen visit" not in client.get("/journal/?q=tulips").get_data(as_text=True)

    assert b"marigolds" not in database_bytes(app)
    assert b"Kitchen visit" not in database_bytes(app)
    with app.app_context():
        connection = sqlite3.connect(db.engine.url.database)
        dump = "\n".join(connection.iterdump())
        connection.close()
    assert "marigolds" not in dump and "Kitchen visit" not in dump
    assert crypto.PREFIX in dump


def test_every_sensitive_value_of_the_demo_is_stored_encrypted(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        seen = 0
        for table, column in sorted(encrypted_columns()):
            raw = sa.column(column, Text)
            values = db.session.scalars(
                select(raw).select_from(sa.table(table)).where(raw.is_not(None))
            ).all()
            assert all(value.startswith(crypto.PREFIX) for value in values), (table, column)
            seen += len(values)
        assert seen > 50
        titles = db.session.scalars(select(JournalEntry.title)).all()
        assert titles and not any(title.startswith(crypto.PREFIX) for title in titles)


def test_a_value_reads_under_an_older_key_and_not_without_it(app):
    old, new = TEST_ENCRYPTION_KEY, crypto.new_key()
    stored = crypto.Keyring([old]).encrypt(SENTENCE)
    assert crypto.stored_key_id(stored) == crypto.key_id(old)
    assert SENTENCE not in stored
    both = crypto.Keyring([new, old])
    assert both.decrypt(stored) == SENTENCE
    assert crypto.stored_key_id(both.encrypt(SENTENCE)) == crypto.key_id(new)
    with pytest.raises(crypto.EncryptionKeyProblem, match="not configured"):
        crypto.Keyring([new]).decrypt(stored)
    tampered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
    with pytest.raises(crypto.EncryptionKeyProblem):
        both.decrypt(tampered)
    assert both.encrypt(SENTENCE) != both.encrypt(SENTENCE)  # a fresh nonce each time


def test_keys_come_from_the_environment_or_a_private_file_made_once(tmp_path, monkeypatch):
    key = crypto.new_key()
    monkeypatch.setenv("COURSE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("COURSE_ENCRYPTION_KEYS", f"{key},{TEST_ENCRYPTION_KEY}")
    from_env = create_app()
    assert crypto.keyring(from_env).ids == [crypto.key_id(key), crypto.key_id(TEST_ENCRYPTION_KEY)]
    assert not (tmp_path / crypto.KEY_FILE).exists()

    monkeypatch.delenv("COURSE_ENCRYPTION_KEYS")
    first = crypto.keyring(create_app())
    key_file = tmp_path / crypto.KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert crypto.keyring(create_app()).ids == first.ids  # generated once, then kept


@pytest.fixture
def bare_app(tmp_path):
    """The site on an empty database that only migrations will build."""
    url, pg_name = _database_url(tmp_path)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "COURSE_ENCRYPTION_KEYS": [TEST_ENCRYPTION_KEY],
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if pg_name:
        _drop_database(pg_name)


def test_the_migration_encrypts_existing_text_in_place_and_the_downgrade_restores_it(bare_app):
    with bare_app.app_context():
        upgrade(revision="0004")
        db.session.execute(
            text(
                'INSERT INTO "user" (id, email, name, role, active, created_at) '
                "VALUES (1, 'tm@example.org', 'Team Manager', 'participant', true, "
                "'2010-09-01 09:00:00')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO journal_entry (id, author_id, title, body, framework, "
                "shared_with_trainers, created_at, updated_at, version) VALUES "
                "(1, 1, 'Old title', :body, 'free', false, '2010-09-01 09:00:00', "
                "'2010-09-01 09:00:00', 1)"
            ),
            {"body": SENTENCE},
        )
        db.session.commit()
        upgrade(revision="heads")
        raw = db.session.execute(
            select(type_coerce(JournalEntry.title, Text), type_coerce(JournalEntry.body, Text))
        ).one()
        assert all(value.startswith(crypto.PREFIX) for value in raw)
        assert SENTENCE not in raw[1]
        entry = db.session.get(JournalEntry, 1)
        assert (entry.title, entry.body) == ("Old title", SENTENCE)
        db.session.remove()
        downgrade(revision="0004")
        row = db.session.execute(text("SELECT title, body FROM journal_entry")).one()
        assert tuple(row) == ("Old title", SENTENCE)
