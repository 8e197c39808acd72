"""The real migrations: they build the schema the models describe, and keep data on upgrade."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from course import create_app
from course.extensions import db
from tests.conftest import TEST_ENCRYPTION_KEY, _database_url, _drop_database


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


def test_upgrade_keeps_the_data_that_was_there(bare_app):
    with bare_app.app_context():
        upgrade(revision="0001")
        db.session.execute(
            text(
                "INSERT INTO cohort (id, name, organisation, starts_on, ends_on) "
                "VALUES (1, 'Bromley 2010-11', 'LB Bromley', '2010-09-01', '2011-07-31')"
            )
        )
        db.session.execute(
            text(
                'INSERT INTO "user" (id, email, name, role, active, created_at) '
                "VALUES (1, 'tm@example.org', 'Team Manager', 'participant', true, "
                "'2010-09-01 09:00:00')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO cohort_member (cohort_id, user_id, joined_at) "
                "VALUES (1, 1, '2010-09-01 09:00:00')"
            )
        )
        db.session.commit()
        upgrade(revision="heads")
        row = db.session.execute(
            text(
                'SELECT u.email, c.name FROM cohort_member m JOIN "user" u ON u.id = m.user_id '
                "JOIN cohort c ON c.id = m.cohort_id"
            )
        ).one()
        assert tuple(row) == ("tm@example.org", "Bromley 2010-11")


def test_migrations_build_what_the_models_describe(bare_app):
    with bare_app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []


def test_downgrade_to_the_start_and_up_again(bare_app):
    with bare_app.app_context():
        upgrade(revision="heads")
        downgrade(revision="base")
        upgrade(revision="heads")
        assert db.session.execute(text("SELECT count(*) FROM course_session")).scalar() == 0


def test_members_already_in_a_cohort_are_counted_from_its_start(bare_app):
    with bare_app.app_context():
        upgrade(revision="0004")
        db.session.execute(
            text(
                "INSERT INTO cohort (id, name, organisation, starts_on, ends_on) "
                "VALUES (1, 'Bromley 2010-11', 'LB Bromley', '2010-09-01', '2011-07-31')"
            )
        )
        db.session.execute(
            text(
                'INSERT INTO "user" (id, email, name, role, active, created_at) '
                "VALUES (1, 'tm@example.org', 'Team Manager', 'participant', true, "
                "'2010-09-01 09:00:00')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO cohort_member (cohort_id, user_id, joined_at) "
                "VALUES (1, 1, '2011-02-01 09:00:00')"
            )
        )
        db.session.commit()
        upgrade(revision="heads")
        joined, left = db.session.execute(
            text("SELECT joined_on, left_on FROM cohort_member")
        ).one()
        assert str(joined) == "2010-09-01" and left is None
