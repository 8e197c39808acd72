"""Real-browser fixtures: the site served by gunicorn on a fresh database, and Debian's Chromium.

`server` (one per test run) migrates a fresh database (SQLite in a temporary instance folder, or a
new PostgreSQL database when TEST_DATABASE_URL is set), loads the demo cohort and serves the site
on a free local port. `page` is a fresh Chromium tab (no cookies) whose base URL is the server's,
so `page.goto("/programme/")` works; it fails the test if a page it loaded was never checked.
"""

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, select, text, update

from tests.browser import journey
from tests.browser.journey import PASSWORD, SCREENSHOTS, unchecked_pages, watch

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
STARTUP_SECONDS = 60
BROWSER_TIMEOUT = 600  # seconds a journey may take, its server's start included (pyproject: 300)


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser`; skip them when Chromium is not installed."""
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
        "to run the browser journeys; .ci/run does this"
    )
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.timeout(BROWSER_TIMEOUT))
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(autouse=True)
def clock():
    """The journeys run on the machine's clock, not at the suite's moment (tests/clock.py).

    Chromium cannot be sent to another moment (under libfaketime it hangs), and it drops a
    sign-in cookie whose expiry, set by a server living at another moment, has passed for it.
    """
    yield datetime.now(UTC)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so `page` knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass
class Server:
    """The running site: its address, its database and the environment it was started with."""

    url: str
    database_url: str
    log: Path
    env: dict = field(repr=False)

    def log_size(self):
        """How long the server's log (gunicorn's and the site's errors) is now."""
        return self.log.stat().st_size

    def log_since(self, size):
        """What the server logged after the log was `size` bytes long."""
        return self.log.read_bytes()[size:].decode(errors="replace")

    def flask(self, *args):
        """Run `flask --app course ARGS` against the server's database; returns its output."""
        return _run_flask(self.env, *args)

    def forget_used_code(self, email):
        """Let this person's next code be the current one again (a test's shortcut: journeys
        sign the same staff in many times a minute, and a real code works only once)."""
        from course.modules.accounts.models import SecondFactor, User

        engine = create_engine(_psycopg(self.database_url))
        try:
            with engine.begin() as connection:
                user_id = select(User.id).where(User.email == email).scalar_subquery()
                connection.execute(
                    update(SecondFactor)
                    .where(SecondFactor.user_id == user_id)
                    .values(last_step=None)
                )
        finally:
            engine.dispose()

    def expire_sign_ins(self, email):
        """Make every live sign-in of this person idle past the timeout, as if they had left."""
        from course.modules.accounts.models import User, UserSession
        from course.timeutil import utcnow

        engine = create_engine(_psycopg(self.database_url))
        try:
            with engine.begin() as connection:
                user_id = connection.scalar(select(User.id).where(User.email == email))
                assert user_id, f"no account {email}"
                connection.execute(
                    update(UserSession)
                    .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                    .values(
                        created_at=utcnow() - timedelta(days=2),
                        last_seen_at=utcnow() - timedelta(days=2),
                    )
                )
        finally:
            engine.dispose()

    def clear_register(self, number):
        """Take the demo cohort's session `number` back to before its register was taken.

        The marks the trainers made go; apologies people sent in advance stay. The demo marks
        every past register, so this gives a journey people still to mark.
        """
        from course.modules.accounts.models import Cohort
        from course.modules.attendance.models import AttendanceMark
        from course.modules.programme.models import CourseSession

        engine = create_engine(_psycopg(self.database_url))
        try:
            with engine.begin() as connection:
                session_id = connection.scalar(
                    select(CourseSession.id)
                    .join(Cohort, Cohort.id == CourseSession.cohort_id)
                    .where(Cohort.name.like("Demo Borough %"), CourseSession.number == number)
                    .order_by(Cohort.id)
                    .limit(1)
                )
                assert session_id, f"no session {number} in the demo cohort"
                connection.execute(
                    delete(AttendanceMark).where(
                        AttendanceMark.session_id == session_id,
                        AttendanceMark.marked_by_id != AttendanceMark.user_id,
                    )
                )
        finally:
            engine.dispose()


def _psycopg(url):
    """Use the psycopg 3 driver for PostgreSQL addresses."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


def _fresh_database(folder):
    """(url, drop) for a new empty database: a SQLite file, or a new PostgreSQL database."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{folder / 'course.sqlite'}", lambda: None
    name = f"course_browser_{uuid.uuid4().hex[:12]}"

    def admin(statement):
        engine = create_engine(_psycopg(base), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    admin(f'CREATE DATABASE "{name}"')
    return re.sub(r"/[^/]*$", f"/{name}", base), lambda: admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def _run_flask(env, *args):
    """Run a flask command in a child process; fail with its output if it fails."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "flask", "--app", "course", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        pytest.fail(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _wait_for_address(process, log):
    """The address gunicorn is listening on, read from its log once it has started."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        found = log.exists() and re.search(r"Listening at: (http://[\d.]+:\d+)", log.read_text())
        if found:
            url = found.group(1)
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return url
            except OSError:
                pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer within {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The site, migrated and loaded with the demo cohort, served by gunicorn on a free port."""
    folder = tmp_path_factory.mktemp("site")
    database_url, drop_database = _fresh_database(folder)
    env = {
        **os.environ,
        "COURSE_INSTANCE_PATH": str(folder / "instance"),
        "COURSE_SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "COURSE_ARGON2_TIME_COST": "1",
        "COURSE_ARGON2_MEMORY_COST": "8192",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    try:
        _run_flask(env, "db", "upgrade")
        seeded = _run_flask(env, "seed-demo", "--password", PASSWORD)
        journey.DEMO_KEYS.update(re.findall(r"^\s+(\S+@\S+)\s+([A-Z2-7]{32})\s*$", seeded, re.M))
        log = folder / "server.log"
        command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "2"]
        command += ["--no-control-socket", "--error-logfile", "-", "wsgi:app"]
        with open(log, "wb") as log_file:  # the site's tracebacks go to stderr too
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
            try:
                running = Server(_wait_for_address(process, log), database_url, log, env)
                journey.FORGET_USED_CODE = running.forget_used_code
                yield running
            finally:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    finally:
        drop_database()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def _tab(browser, server, request, name):
    """A fresh tab on the site (signed out), 1280x800, UK locale and time zone.

    When the test fails: a full-page screenshot to screenshots/failures/<test>[-name].png and
    what the server logged meanwhile. When it passes: fail it if a page was never checked.
    """
    context = browser.new_context(
        base_url=server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    watch(tab)
    log_start = server.log_size()
    yield tab
    failed = any(
        getattr(getattr(request.node, f"report_{phase}", None), "failed", False)
        for phase in ("setup", "call")
    )
    try:
        if failed:
            print(f"The server logged during the test:\n{server.log_since(log_start)}")
            failures = SCREENSHOTS / "failures"
            failures.mkdir(parents=True, exist_ok=True)
            shot = re.sub(r"[^\w.-]+", "_", request.node.name) + (f"-{name}" if name else "")
            tab.screenshot(path=str(failures / f"{shot}.png"), full_page=True)
        unchecked = unchecked_pages(tab)
    finally:
        context.close()
    if not failed and unchecked:
        pytest.fail(
            "These pages were loaded but never checked with check_page() "
            f"(axe, reflow, console): {', '.join(unchecked)}"
        )


@pytest.fixture
def page(browser, server, request):
    """A fresh tab on the site (signed out), 1280x800, UK locale and time zone."""
    with _tab(browser, server, request, None) as tab:
        yield tab


@pytest.fixture
def other_page(browser, server, request):
    """A second person's tab, with its own cookies: for journeys where two people take turns."""
    with _tab(browser, server, request, "other") as tab:
        yield tab
