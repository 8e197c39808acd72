"""How a request's transaction ends: what it wrote without committing is never kept, and on
PostgreSQL a transaction that only read ends with COMMIT, so the driver keeps its prepared
statements and a page's queries are not planned again on every request."""

import pytest
from sqlalchemy import select, text

from course.extensions import db
from course.modules.accounts.models import Organisation
from tests.conftest import POSTGRES_URL


def _organisation(slug):
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def test_what_a_request_flushed_without_committing_is_rolled_back(app):
    with app.app_context():
        db.session.add(Organisation(name="Flushed only", slug="flushed-only"))
        db.session.flush()
        db.session.remove()  # as at the end of a request
        assert _organisation("flushed-only") is None


def test_a_write_after_reads_is_rolled_back_too(app):
    with app.app_context():
        db.session.scalar(select(Organisation.id).limit(1))
        db.session.execute(
            text("INSERT INTO organisation (name, slug, created_at) VALUES (:n, :s, :t)"),
            {"n": "Written by hand", "s": "written-by-hand", "t": "2026-01-01 00:00:00"},
        )
        db.session.scalar(select(Organisation.id).limit(1))
        db.session.remove()
        assert _organisation("written-by-hand") is None


def test_a_transaction_that_committed_keeps_what_it_wrote(app):
    with app.app_context():
        db.session.add(Organisation(name="Committed", slug="committed"))
        db.session.commit()
        db.session.remove()
        assert _organisation("committed") is not None


@pytest.mark.skipif(not POSTGRES_URL, reason="the prepared statements of PostgreSQL's driver")
def test_pages_that_only_read_keep_their_prepared_statements(app, cohort, make_user, login):
    client = login(make_user(cohort_id=cohort))
    for _ in range(8):  # the driver prepares a statement on its fifth use
        assert client.get("/programme/").status_code == 200
    with app.app_context():
        connection = db.engine.raw_connection()  # the pool's one connection, used by the pages
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
        finally:
            connection.close()
    assert any("FROM course_session" in statement for statement in prepared), prepared
