"""Fixtures: the app on a fresh database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

import os
import re
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta

import pyotp
import pytest
from sqlalchemy import create_engine, event, text

from course import create_app
from course.extensions import db
from course.modules.accounts.models import Cohort, CohortMember, Role, User
from course.modules.accounts.passwords import hash_password
from course.modules.programme.services import (
    DEFAULT_END,
    DEFAULT_START,
    SESSION_WEEKDAY,
    create_programme,
)
from course.timeutil import london_today, to_utc

PASSWORD = "a long enough test passphrase"
# A fixed key for the encrypted columns (course/crypto.py); never used outside the tests.
TEST_ENCRYPTION_KEY = "dGVzdC1rZXktZm9yLWVuY3J5cHRlZC1jb2x1bW5zLTE="
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")

# Every test runs at a stated moment (DEFAULT_NOW, or --now / COURSE_TEST_NOW): see tests/clock.py.
# demo_client (tests/crawl_support.py): the demo cohort, signed in as a role.
# provider (tests/oidc_support.py): a real OpenID provider, and the site set up to use it.
pytest_plugins = ["tests.clock", "tests.crawl_support", "tests.oidc_support"]


def _database_url(tmp_path):
    """A fresh database: a file in tmp_path, or a new schema-less PostgreSQL database."""
    if not POSTGRES_URL:
        return f"sqlite:///{tmp_path / 'test.sqlite'}", None
    name = f"course_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_psycopg(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return re.sub(r"/[^/]*$", f"/{name}", _psycopg(POSTGRES_URL)), name


def _psycopg(url):
    """Use the psycopg 3 driver."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


def _drop_database(name):
    """Drop a test database made by _database_url."""
    admin = create_engine(_psycopg(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """With TEST_DATABASE_URL: one PostgreSQL database for the run, its schema made once."""
    if not POSTGRES_URL:
        yield None
        return
    url, name = _database_url(None)
    engine = create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()
    yield url
    _drop_database(name)


def _empty_postgres_tables(app):
    """Leave the shared PostgreSQL database empty for the next test (ids restart at 1)."""
    with app.app_context():
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app(tmp_path, postgres_url):
    """The site with an empty database and cheap password hashing."""
    url = postgres_url or f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "COURSE_ENCRYPTION_KEYS": [TEST_ENCRYPTION_KEY],
            "SQLALCHEMY_DATABASE_URI": url,
            "COURSE_ARGON2_TIME_COST": 1,
            "COURSE_ARGON2_MEMORY_COST": 64,
            "SERVER_NAME": "localhost",
            # Nobody must use a second factor here, so the suite's fixtures sign staff in with
            # a password alone; tests/test_second_factor.py turns the real default back on.
            "COURSE_MFA_REQUIRED_ROLES": [],
        }
    )
    if not postgres_url:
        with app.app_context():
            db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
    if postgres_url:
        _empty_postgres_tables(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client (CSRF is on, as in production)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app):
    """Run the test inside an app context, for services and models."""
    with app.app_context():
        yield


@pytest.fixture
def cohort(app):
    """A cohort half-way through its programme, placed the same way around every moment.

    Its 11 sessions are on Tuesdays four weeks apart: session 6 was 7 to 13 days ago and session 7
    is 15 to 21 days ahead, so no session is within a reminder's few days, session 5's catch-up
    (due after 42 days) is not yet overdue and session 4's is.
    """
    with app.app_context():
        today = london_today()
        sixth = today - timedelta(days=7 + (today.weekday() - SESSION_WEEKDAY) % 7)
        days = [sixth + timedelta(weeks=4 * (number - 6)) for number in range(1, 12)]
        start = days[0].replace(day=1)
        cohort = Cohort(
            name="Test Borough",
            organisation="Test Borough Council",
            starts_on=start,
            ends_on=start.replace(year=start.year + 1),
        )
        db.session.add(cohort)
        db.session.flush()
        for course_session, day in zip(create_programme(cohort), days, strict=True):
            course_session.starts_at = to_utc(datetime.combine(day, DEFAULT_START))
            course_session.ends_at = to_utc(datetime.combine(day, DEFAULT_END))
        db.session.commit()
        return cohort.id


@pytest.fixture
def make_user(app):
    """make_user(role=..., cohort_id=...) creates an account with PASSWORD."""
    counter = iter(range(1, 100000))

    def make(role=Role.PARTICIPANT, cohort_id=None, name=None, email=None, team=None, **fields):
        n = next(counter)
        with app.app_context():
            user = User(
                email=email or f"{role}{n}@example.org",
                name=name or f"{role.replace('_', ' ').title()} {n}",
                role=role,
                team=team,
                password_hash=_cheap_hash(app),
                **fields,
            )
            db.session.add(user)
            db.session.flush()
            if cohort_id:
                db.session.add(CohortMember(cohort_id=cohort_id, user_id=user.id))
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def add_participants(app):
    """add_participants(cohort_id, n) puts n new participants (no password) in a cohort, quickly."""
    counter = iter(range(1, 10**6))

    def add(cohort_id, n):
        with app.app_context():
            for _ in range(n):
                i = next(counter)
                user = User(email=f"bulk{i}@example.org", name=f"Bulk {i}", role="participant")
                db.session.add(user)
                db.session.flush()
                db.session.add(CohortMember(cohort_id=cohort_id, user_id=user.id))
            db.session.commit()

    return add


_HASHES = {}


def _cheap_hash(app):
    """One hash of PASSWORD per app, reused (hashing is deliberately slow)."""
    if app not in _HASHES:
        with app.app_context():
            _HASHES.clear()
            _HASHES[app] = hash_password(PASSWORD)
    return _HASHES[app]


class Auth:
    """Sign in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path="/login"):
        """The CSRF token from a page's form."""
        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, user_or_email, password=PASSWORD, second_step=True):
        """Sign in; returns the response.

        For someone with an authenticator app (the demo staff) the second step is done for
        real, with a code computed from their stored key, unless second_step is False.
        """
        email = getattr(user_or_email, "email", user_or_email)
        token = self.csrf_token("/login")
        response = self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        asked = response.status_code == 302 and response.location.endswith("/login/code")
        if second_step and asked:
            response = self.enter_code(current_code(self.client.application, email))
        return response

    def enter_code(self, code):
        """Send a code to the second step of signing in; returns the response."""
        token = self.csrf_token("/login/code")
        return self.client.post("/login/code", data={"code": code, "csrf_token": token})

    def logout(self):
        """Sign out with the real form."""
        token = self.csrf_token("/account/")
        return self.client.post("/logout", data={"csrf_token": token})


def current_code(app, email):
    """A code the person's authenticator app would show now and the site has not yet used.

    The clock ticks slowly in a test, so signing in twice within one 30-second step would reuse
    a code (refused): the helper takes the next step's code (within the drift allowed), and if
    that is used too, forgets the last step used, as if time had moved on.
    """
    from course.modules.accounts import second_factor
    from course.modules.accounts.models import SecondFactor, User

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        factor = second_factor.factor_of(user)
        step = second_factor.current_step()
        if factor.last_step is not None and factor.last_step >= step:
            if factor.last_step == step:
                step += 1
            else:
                db.session.execute(
                    db.update(SecondFactor)
                    .where(SecondFactor.id == factor.id)
                    .values(last_step=step - 1)
                )
                db.session.commit()
        return pyotp.TOTP(factor.totp_secret).at(step * second_factor.STEP_SECONDS)


@pytest.fixture
def auth(client):
    """Sign in as a user: auth.login(user)."""
    return Auth(client)


@pytest.fixture
def login(client, auth):
    """login(user) signs the client in and returns the client."""

    def sign_in(user):
        response = auth.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return sign_in


def form_token(client, path):
    """The CSRF token of the form on a page, for posting to it."""
    return Auth(client).csrf_token(path)


@contextmanager
def _counting(engine):
    """Count the statements sent to the database inside the block."""
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries(app):
    """with count_queries() as queries: ...; len(queries) is the number of statements."""

    def counter():
        with app.app_context():
            engine = db.engine
        return _counting(engine)

    return counter
