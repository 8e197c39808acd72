"""Backups that restore: taken while the site writes, restored into an empty database elsewhere."""

import re
import shutil
import sqlite3
import threading

import pytest
from journal_support import write_entry
from sqlalchemy import func, select
from test_privacy_encryption import write_through_editor

from course import create_app
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.models import JournalEntry
from tests.conftest import POSTGRES_URL, TEST_ENCRYPTION_KEY, Auth, _database_url, _drop_database

SQLITE_ONLY = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's online backup")
SENTENCE = "We sat with the silence after the strategy meeting, counting the pelicans"


def other_site(tmp_path, name, keys=(TEST_ENCRYPTION_KEY,)):
    """A second site on an empty SQLite file."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}",
            "COURSE_ENCRYPTION_KEYS": list(keys),
            "COURSE_ARGON2_TIME_COST": 1,
            "COURSE_ARGON2_MEMORY_COST": 64,
            "SERVER_NAME": "localhost",
        }
    )


def all_rows(connection):
    """{table: every row, in id order} of a SQLite database."""
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: connection.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}  # noqa: S608


def without_tokens(page):
    """A page without its per-request CSRF tokens and its per-sign-in browser-copy owner."""
    page = re.sub(r' data-copy-owner="[^"]+"', "", page)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", page)


@SQLITE_ONLY
def test_a_backup_taken_while_the_site_writes_restores_every_row_and_text(
    app, cohort, make_user, login, runner, tmp_path
):
    author = make_user(Role.PARTICIPANT, cohort_id=cohort)
    client = login(author)
    address = write_through_editor(client, "Pelicans", SENTENCE)
    client.get(address)  # the page after saving carries a flash message
    original_page = without_tokens(client.get(address).get_data(as_text=True))

    stop = threading.Event()
    written = []

    def keep_writing():
        while not stop.is_set():
            written.append(write_entry(app, author, f"Written during {len(written)}", "More"))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        while len(written) < 3:
            stop.wait(0.01)
        backup_file = tmp_path / "course-backup.sqlite"
        result = runner.invoke(args=["backup", str(backup_file)])
        assert result.exit_code == 0, result.output
        assert "keys are not in it" in result.output
    finally:
        stop.set()
        writer.join()
    assert len(written) > 3

    assert b"pelicans" not in backup_file.read_bytes()  # the dump holds no clear text

    restored = other_site(tmp_path, "restored.sqlite")
    result = restored.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "Every encrypted text reads with the configured keys." in result.output
    with restored.app_context():
        restored_path = db.engine.url.database
    backup_rows = all_rows(sqlite3.connect(backup_file))
    assert backup_rows == all_rows(sqlite3.connect(restored_path))
    assert 0 < len(backup_rows["journal_entry"]) <= len(written) + 1

    restored_client = restored.test_client()
    Auth(restored_client).login(author)
    assert without_tokens(restored_client.get(address).get_data(as_text=True)) == original_page
    assert SENTENCE in original_page


@SQLITE_ONLY
def test_restore_refuses_a_database_that_is_not_empty(app, runner, tmp_path):
    with app.app_context():
        db.create_all()
    assert runner.invoke(args=["backup", str(tmp_path / "b.sqlite")]).exit_code == 0
    result = runner.invoke(args=["restore", str(tmp_path / "b.sqlite")])
    assert result.exit_code != 0 and "not empty" in result.output


@SQLITE_ONLY
def test_a_backup_restored_without_its_keys_says_its_text_cannot_be_read(
    app, cohort, make_user, runner, tmp_path
):
    write_entry(app, make_user(Role.PARTICIPANT, cohort_id=cohort), "Title", SENTENCE)
    assert runner.invoke(args=["backup", str(tmp_path / "b.sqlite")]).exit_code == 0
    elsewhere = other_site(tmp_path, "elsewhere.sqlite", keys=["A" * 43 + "="])
    result = elsewhere.test_cli_runner().invoke(args=["restore", str(tmp_path / "b.sqlite")])
    assert result.exit_code != 0
    assert "2 encrypted values cannot be read" in result.output


DEMO_PAGES = {
    "manager01@example.org": ["/", "/journal/", "/attendance/", "/barriers/", "/presentations/"],
    "trainer1@example.org": ["/", "/attendance/", "/barriers/review", "/journal/shared"],
    "senior1@example.org": ["/barriers/overview"],
    "admin@example.org": ["/admin/users"],
}


def pages_seen(site):
    """Each demo person's pages, without per-request tokens."""
    seen = {}
    for email, paths in DEMO_PAGES.items():
        client = site.test_client()
        Auth(client).login(email, site.config["COURSE_DEMO_PASSWORD"])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (email, path)
            seen[email, path] = without_tokens(response.get_data(as_text=True))
    return seen


@SQLITE_ONLY
def test_the_demo_site_backed_up_and_restored_serves_the_same_pages(app, runner, tmp_path):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["backup", str(tmp_path / "demo.sqlite")]).exit_code == 0
    restored = other_site(tmp_path, "restored-demo.sqlite")
    result = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "demo.sqlite")])
    assert result.exit_code == 0, result.output
    assert pages_seen(restored) == pages_seen(app)


@pytest.fixture
def empty_postgres():
    """A new, empty PostgreSQL database, dropped afterwards."""
    url, name = _database_url(None)
    yield url
    _drop_database(name)


@pytest.mark.skipif(not POSTGRES_URL, reason="pg_dump and pg_restore need PostgreSQL")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="the PostgreSQL client tools")
def test_postgresql_backup_with_pg_dump_restores_every_row_and_text(
    app, cohort, make_user, runner, tmp_path, empty_postgres
):
    author = make_user(Role.PARTICIPANT, cohort_id=cohort)
    entry_id = write_entry(app, author, "Pelicans", SENTENCE)
    dump = tmp_path / "course.dump"
    result = runner.invoke(args=["backup", str(dump)])
    assert result.exit_code == 0, result.output
    assert b"pelicans" not in dump.read_bytes()
    restored = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": empty_postgres})
    result = restored.test_cli_runner().invoke(args=["restore", str(dump)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        before = {t.name: db.session.scalar(select(func.count()).select_from(t))
                  for t in db.metadata.sorted_tables}  # fmt: skip
    with restored.app_context():
        after = {t.name: db.session.scalar(select(func.count()).select_from(t))
                 for t in db.metadata.sorted_tables}  # fmt: skip
        assert db.session.get(JournalEntry, entry_id).body == SENTENCE
        db.session.remove()  # give the connection back, so that dispose closes it
        db.engine.dispose()
    assert after == before
