"""rotate-keys: everything re-encrypted under the new key, in resumable batches."""

import pytest
from journal_support import write_entry
from sqlalchemy import Text, select, type_coerce

from course import crypto
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.models import JournalEntry
from course.modules.privacy import keys
from tests.conftest import TEST_ENCRYPTION_KEY


@pytest.fixture
def entries(app, cohort, make_user):
    author = make_user(Role.PARTICIPANT, cohort_id=cohort)
    ids = [write_entry(app, author, f"Title {n}", f"Body {n} of the entry") for n in range(5)]
    return author, ids


def use_keys(app, *keys_in_use):
    """Configure these keys, as a restart with a new COURSE_ENCRYPTION_KEYS would."""
    app.config["COURSE_ENCRYPTION_KEYS"] = list(keys_in_use)
    app.extensions.pop("course_keyring", None)


def stored_key_ids(app):
    """The key ids of every stored journal title and body."""
    with app.app_context():
        rows = db.session.execute(
            select(type_coerce(JournalEntry.title, Text), type_coerce(JournalEntry.body, Text))
        ).all()
    return {crypto.stored_key_id(value) for row in rows for value in row}


def test_after_rotating_the_old_key_can_be_removed_and_everything_reads(
    app, runner, entries, login
):
    author, ids = entries
    new = crypto.new_key()
    use_keys(app, new, TEST_ENCRYPTION_KEY)
    result = runner.invoke(args=["rotate-keys", "--batch-size", "2", "--drop-old-keys"])
    assert result.exit_code == 0, result.output
    assert "journal_entry.body: 2 of 5" in result.output  # progress, batch by batch
    assert "journal_entry.body: 5 re-encrypted" in result.output
    assert (
        f"remove these keys from COURSE_ENCRYPTION_KEYS: {crypto.key_id(TEST_ENCRYPTION_KEY)}"
        in (result.output)
    )
    assert stored_key_ids(app) == {crypto.key_id(new)}

    use_keys(app, new)
    client = login(author)
    assert "Body 3 of the entry" in client.get(f"/journal/{ids[3]}").get_data(as_text=True)


def test_an_interrupted_rotation_continues_where_it_stopped(app, entries):
    new = crypto.new_key()
    use_keys(app, new, TEST_ENCRYPTION_KEY)

    def crash(progress):
        raise KeyboardInterrupt

    with app.app_context():
        table = JournalEntry.__table__
        with pytest.raises(KeyboardInterrupt):
            keys.rotate_column(table, table.c.body, batch_size=2, report=crash)
        db.session.rollback()
        assert keys.count_under_other_keys(table, table.c.body, crypto.key_id(new)) == 3
        progress = keys.rotate_column(table, table.c.body, batch_size=2)
        assert (progress.rotated, progress.remaining) == (3, 3)
        keys.rotate_all()
        assert keys.left_under_other_keys() == 0


def test_with_a_key_file_a_new_key_is_added_and_the_old_one_dropped(
    app, runner, entries, login, tmp_path
):
    author, ids = entries
    app.instance_path = str(tmp_path)
    use_keys(app)  # no configured keys: instance/encryption_keys
    key_file = tmp_path / crypto.KEY_FILE
    key_file.write_text(TEST_ENCRYPTION_KEY + "\n")
    result = runner.invoke(args=["rotate-keys", "--new-key", "--drop-old-keys"])
    assert result.exit_code == 0, result.output
    (kept,) = key_file.read_text().split()
    assert kept != TEST_ENCRYPTION_KEY
    assert stored_key_ids(app) == {crypto.key_id(kept)}
    use_keys(app)  # as a restarted site would read the file
    client = login(author)
    assert "Body 0 of the entry" in client.get(f"/journal/{ids[0]}").get_data(as_text=True)


def test_text_under_a_missing_key_is_reported_not_garbled(app, runner, entries):
    use_keys(app, crypto.new_key())
    result = runner.invoke(args=["rotate-keys"])
    assert result.exit_code != 0
    assert "cannot be read: that key is not configured" in result.output
