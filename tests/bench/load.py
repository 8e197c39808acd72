"""Load benchmark: gunicorn on the national dataset, each role's main pages under concurrent load.

    make bench                                    # SQLite and PostgreSQL, the full dataset
    .venv/bin/python tests/bench/load.py --scale 0.1 --databases sqlite --seconds 3
    .venv/bin/python tests/bench/load.py --databases postgresql --only " /$"   # the home pages

For each database it builds the national dataset (tests/bench/national.py) into a fresh
database, counts the queries each page makes (in-process, with the test client), then serves
the site with gunicorn and, for each page, runs `--concurrency` threads for `--seconds`, each
signed in as the role. It prints each page's throughput as a share of /healthz throughput
measured just before that page in the same run (so a change in the machine's other load during
the run does not skew the shares), its p50 and p95 latency, and its queries.

Everyone signs in with a password alone (COURSE_MFA_REQUIRED_ROLES is empty here): the benchmark
measures the pages, not the second step. A page that answers anything but 200 (a redirect to
set up an authenticator app, say) stops the run rather than being measured in its place.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, event, select, text

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))

from course import create_app  # noqa: E402
from course.extensions import db  # noqa: E402
from course.modules.accounts.models import Cohort, CohortMember, User  # noqa: E402
from course.modules.programme.models import CourseSession  # noqa: E402
from course.timeutil import utcnow  # noqa: E402
from tests.bench import national  # noqa: E402

PAGES = {
    "participant": ["/", "/programme/", "/programme/{next}", "/readings/", "/attendance/",
                    "/presentations/", "/journal/", "/barriers/", "/notifications/"],
    "senior_manager": ["/", "/attendance/", "/barriers/overview", "/barriers/year-on-year"],
    "trainer": ["/", "/attendance/", "/attendance/{held}", "/presentations/", "/journal/shared",
                "/barriers/review", "/readings/progress", "/attendance/catch-ups"],
    "evaluator": ["/", "/attendance/", "/barriers/overview"],
    "admin": ["/admin/users", "/admin/cohorts", "/admin/organisations", "/admin/audit"],
    "organisation admin": ["/admin/users", "/admin/cohorts"],
}  # fmt: skip
POSTGRES_ADMIN = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _free_port():
    """A free TCP port on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _psycopg(url):
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)


def fresh_database(kind, folder):
    """(url, cleanup) of an empty database of this kind."""
    if kind == "sqlite":
        return f"sqlite:///{folder}/national.sqlite", lambda: None
    name = f"course_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_psycopg(POSTGRES_ADMIN), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return re.sub(r"/[^/]*$", f"/{name}", _psycopg(POSTGRES_ADMIN)), drop


def prepare(url, scale, only=""):
    """Build the schema (by the migrations) and the dataset; the accounts and page addresses."""
    from flask_migrate import upgrade

    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "COURSE_MFA_REQUIRED_ROLES": []}
    )
    with app.app_context():
        upgrade()
        accounts = national.build(scale)
        trainer_cohort = db.session.scalar(
            select(CohortMember.cohort_id)
            .join(User, User.id == CohortMember.user_id)
            .join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(User.email == accounts["trainer"], Cohort.archived_at.is_(None))
            .order_by(Cohort.starts_on.desc())
            .limit(1)
        )
        participant_cohort = db.session.scalar(
            select(CohortMember.cohort_id)
            .join(User, User.id == CohortMember.user_id)
            .where(User.email == accounts["participant"])
        )
        now = utcnow()
        held = db.session.scalar(
            select(CourseSession.id)
            .where(CourseSession.cohort_id == trainer_cohort, CourseSession.ends_at <= now)
            .order_by(CourseSession.number.desc())
            .limit(1)
        )
        coming = db.session.scalar(
            select(CourseSession.id)
            .where(CourseSession.cohort_id == participant_cohort, CourseSession.ends_at > now)
            .order_by(CourseSession.number)
            .limit(1)
        )
    values = {"held": held, "next": coming or held}
    pages = {
        role: [p.format(**values) for p in paths if re.search(only, f"{role} {p}")]
        for role, paths in PAGES.items()
    }
    pages = {role: paths for role, paths in pages.items() if paths}
    return app, accounts, pages, trainer_cohort


def count_queries(app, accounts, pages, trainer_cohort):
    """{(role, path): statements the page sends}, signed in through the real form."""
    counts = {}
    with app.app_context():
        engine = db.engine
    for role, paths in pages.items():
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
        client.post(
            "/login",
            data={"email": accounts[role], "password": national.PASSWORD, "csrf_token": token},
        )
        if role == "trainer":
            client.get(f"/?cohort={trainer_cohort}")
        for path in paths:
            client.get(path)
            statements = []

            def count(*_args, _statements=statements):
                _statements.append(1)

            event.listen(engine, "before_cursor_execute", count)
            try:
                status = client.get(path).status_code
            finally:
                event.remove(engine, "before_cursor_execute", count)
            if status != 200:
                raise RuntimeError(f"{role} {path}: answered {status}")
            counts[(role, path)] = (len(statements), status)
    return counts


def serve(url, folder, workers):
    """Start gunicorn on the database; returns (process, base address)."""
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, COURSE_SECRET_KEY="bench-secret",
               COURSE_INSTANCE_PATH=str(folder), COURSE_MFA_REQUIRED_ROLES="")  # fmt: skip
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(60):
        try:
            requests.get(f"{base}/healthz", timeout=5)
            return process, base
        except requests.RequestException:
            time.sleep(1)
    os.killpg(process.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


def signed_in(base, email, cohort=None):
    """A requests session signed in as the person."""
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=60).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login",
        data={"email": email, "password": national.PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, f"{email} could not sign in"
    if cohort:
        session.get(f"{base}/?cohort={cohort}", timeout=60)
    return session


def hammer(sessions, url, seconds):
    """Each session requests the address in a loop for `seconds`; (requests/s, latencies)."""
    latencies, errors, stop = [], [], time.perf_counter() + seconds

    def run(session):
        while time.perf_counter() < stop:
            start = time.perf_counter()
            response = session.get(url, timeout=60, allow_redirects=False)
            latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                errors.append(response.status_code)

    threads = [threading.Thread(target=run, args=(s,)) for s in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{url}: answered {sorted(set(errors))}")
    return len(latencies) / elapsed, latencies


def _percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))]


def benchmark(kind, args):
    """Build, count, serve and measure one database; prints and returns the table's rows."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    url, cleanup = fresh_database(kind, folder)
    os.environ["COURSE_INSTANCE_PATH"] = str(folder)  # one set of encryption keys for both
    process = app = None
    try:
        started = time.perf_counter()
        app, accounts, pages, trainer_cohort = prepare(url, args.scale, args.only)
        print(f"{kind}: dataset ready in {time.perf_counter() - started:.0f}s")
        queries = count_queries(app, accounts, pages, trainer_cohort)
        process, base = serve(url, folder, args.workers)
        plain = [requests.Session() for _ in range(args.concurrency)]
        hammer(plain, f"{base}/healthz", 1)  # warm up
        health_rps, health_lat = hammer(plain, f"{base}/healthz", args.seconds)
        rows = [("(all)", "/healthz", health_rps, health_lat, 0, health_rps, health_lat)]
        for role, paths in pages.items():
            cohort = trainer_cohort if role == "trainer" else None
            sessions = [signed_in(base, accounts[role], cohort) for _ in range(args.concurrency)]
            for path in paths:
                # /healthz again just before each page: the machine's other load changes during
                # a run, and each page is compared with the server as it was at the time.
                near_rps, near_lat = hammer(plain, f"{base}/healthz", args.seconds / 2)
                hammer(sessions, f"{base}{path}", 0.5)  # warm up
                rps, latencies = hammer(sessions, f"{base}{path}", args.seconds)
                count = queries[(role, path)][0]
                rows.append((role, path, rps, latencies, count, near_rps, near_lat))
                print(f"  {role} {path}: {rps:.1f}/s, /healthz {near_rps:.1f}/s", flush=True)
        print(
            f"\n{kind}, scale {args.scale}, {args.concurrency} concurrent, {args.workers} workers"
        )
        print(f"{'role':<20}{'page':<28}{'req/s':>8}{'% healthz':>11}{'p50 ms':>9}"
              f"{'p95 ms':>9}{'p95/hz':>8}{'queries':>9}")  # fmt: skip
        for role, path, rps, latencies, count, near_rps, near_lat in rows:
            p50, p95 = _percentile(latencies, 0.5), _percentile(latencies, 0.95)
            share, ratio = 100 * rps / near_rps, p95 / _percentile(near_lat, 0.95)
            print(f"{role:<20}{path[:27]:<28}{rps:>8.1f}{share:>10.0f}%{1000 * p50:>9.1f}"
                  f"{1000 * p95:>9.1f}{ratio:>8.1f}{count:>9}")  # fmt: skip
        return rows
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        cleanup()


def main():
    """Run the benchmark on each database named."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help='"role path" pattern, e.g. "trainer /$"')
    args = parser.parse_args()
    for kind in args.databases.split(","):
        benchmark(kind.strip(), args)


if __name__ == "__main__":
    main()
