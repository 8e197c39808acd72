"""Time the busiest pages on a large cohort: `make bench` (not part of the test suite).

Loads the demo cohort plus extra participants into a temporary SQLite database, then requests
each page repeatedly through the test client and prints the median and slowest time.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parents[2]))

from course import create_app  # noqa: E402
from course.demo import seed_demo  # noqa: E402
from course.extensions import db  # noqa: E402
from course.modules.accounts.models import Cohort, CohortMember, User  # noqa: E402

PASSWORD = "benchmark passphrase here"
EXTRA_PARTICIPANTS = 324
ROUNDS = 20
PAGES = {
    "manager01@example.org": ["/", "/programme/"],
    "admin@example.org": ["/admin/users", "/admin/audit"],
}


def main():
    """Build the data, time the pages, print a table."""
    folder = tempfile.mkdtemp()
    app = create_app(
        {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
         "WTF_CSRF_ENABLED": False, "COURSE_ARGON2_TIME_COST": 1}
    )  # fmt: skip
    with app.app_context():
        db.create_all()
        seed_demo(PASSWORD)
        cohort_id = db.session.scalar(select(Cohort.id))
        for n in range(EXTRA_PARTICIPANTS):
            user = User(email=f"extra{n}@example.org", name=f"Extra {n}", role="participant")
            db.session.add(user)
            db.session.flush()
            db.session.add(CohortMember(cohort_id=cohort_id, user_id=user.id))
        db.session.commit()
    print(f"{'page':<32}{'median ms':>12}{'max ms':>10}")
    for email, paths in PAGES.items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": PASSWORD})
        for path in paths:
            timings = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                assert client.get(path).status_code == 200
                timings.append((time.perf_counter() - start) * 1000)
            print(
                f"{email.split('@')[0] + ' ' + path:<32}"
                f"{statistics.median(timings):>12.1f}{max(timings):>10.1f}"
            )


if __name__ == "__main__":
    main()
