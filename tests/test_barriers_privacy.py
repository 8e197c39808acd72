"""Nothing a senior manager or evaluator can reach names a raiser or shows a count under K;
the overview costs the same number of queries for 50 barriers as for 5,000."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.barriers.models import Barrier, BarrierResponse
from course.modules.barriers.themes import STAGES, Theme
from course.modules.programme.services import create_programme
from course.timeutil import london_today
from tests.conftest import Auth

K = 5
FIGURE_CELL = re.compile(r'<td class="num">\s*(.*?)\s*</td>', re.S)
SVG_FIGURE = re.compile(r">(\d+) (?:people|person)<")


@pytest.fixture
def raisers(cohort, make_user):
    """Participants with names, teams and addresses distinctive enough to find anywhere."""
    return [
        make_user(
            cohort_id=cohort,
            name=f"Quentin Zebedee{n}",
            email=f"zebedee{n}@raisers.example",
            team=f"Riverside Unit {n}",
        )
        for n in range(9)
    ]


@pytest.fixture
def register(app, cohort, raisers, make_user):
    """Two releases: themes above and below K, consented quotations, a response; one barrier
    raised by the senior manager who reads the overview, one logged aloud."""
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort, name="Sandra Senior")
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort, name="Trainer Tess")
    first = datetime(2025, 11, 5, 10, tzinfo=UTC)
    rows = []
    for n, person in enumerate(raisers):
        rows.append(dict(theme="workload", raised_by_id=person.id, period=2, released_at=first))
        if n < 3:
            rows.append(dict(theme="time", raised_by_id=person.id, period=6, released_at=first))
    rows.append(dict(theme="time", raised_by_id=senior.id, period=6, released_at=first))
    rows.append(
        dict(theme="compliance", raised_by_id=None, logged_by_id=trainer.id, period=3,
             released_at=first + timedelta(days=30))
    )  # fmt: skip
    rows += [
        dict(theme="workload", raised_by_id=raisers[n].id, period=6,
             released_at=first + timedelta(days=30))
        for n in range(4)
    ]  # fmt: skip
    with app.app_context():
        raiser_ids = {p.id for p in raisers}
        for n, row in enumerate(rows):
            person = row["raised_by_id"]
            db.session.add(
                Barrier(
                    cohort_id=cohort,
                    text=f"Written by {person}: my team at Riverside"
                    if person in raiser_ids
                    else "My own barrier",
                    excerpt=f"Quotation number {n}",
                    quote_consent=True,
                    status="released",
                    **row,
                )
            )
        db.session.add(
            BarrierResponse(
                cohort_id=cohort,
                theme="workload",
                response="A caseload ceiling",
                owner="Head of Service",
                due_on=london_today(),
                status="planned",
                created_by_id=senior.id,
            )
        )
        db.session.commit()
    return {"senior": senior, "trainer": trainer}


def crawl(client, starts):
    """Every page reachable by following links from the starts, without changing anything."""
    seen, queue, pages = set(), list(starts), {}
    while queue:
        url = queue.pop()
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        if path in seen or not path.startswith("/") or path.startswith(("/static", "/logout")):
            continue
        seen.add(path)
        response = client.get(path)
        pages[path] = (response.status_code, readable_text(response))
        if response.status_code == 200 and response.mimetype == "text/html":
            for href in re.findall(r'href="([^"#]+)', pages[path][1]):
                queue.append(urljoin(path, href.replace("&amp;", "&")))
    return pages


def readable_text(response):
    """A page's or export's text; an .xlsx file's cells as CSV lines, so one check reads both."""
    if not response.mimetype.endswith("spreadsheetml.sheet"):
        return response.get_data(as_text=True)
    out = io.StringIO()
    for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True):
        csv.writer(out, quoting=csv.QUOTE_ALL).writerow(["" if v is None else v for v in row])
    return out.getvalue()


def every_filter():
    """The overview, its CSV and print view under every combination of filters."""
    for stage in ("", *map(str, STAGES)):
        for theme in ("", *(t.value for t in Theme)):
            query = f"?stage={stage}&theme={theme}"
            yield from (
                f"/barriers/overview{query}",
                f"/barriers/overview.csv{query}",
                f"/barriers/overview.xlsx{query}",
                f"/barriers/overview/print{query}",
            )


def figures_on(text):
    """The numbers a page or CSV publishes as counts of people."""
    found = [m for m in FIGURE_CELL.findall(text) if m.isdigit()]
    found += SVG_FIGURE.findall(text)
    found += re.findall(r',"?(\d+)"?\r?$', text, re.M)  # the CSV's (and .xlsx's) last column
    return [int(n) for n in found]


@pytest.mark.parametrize("role", [Role.SENIOR_MANAGER, Role.EVALUATOR])
def test_no_reachable_page_or_export_names_a_raiser_or_shows_a_count_under_k(
    app, cohort, raisers, register, make_user, role
):
    reader = (
        register["senior"]
        if role == Role.SENIOR_MANAGER
        else make_user(role=role, cohort_id=cohort)
    )
    client = app.test_client()
    assert Auth(client).login(reader).status_code == 302
    pages = crawl(client, ["/", "/barriers/", "/barriers/overview", *every_filter()])
    assert any(path.startswith("/barriers/overview.csv") for path in pages)
    assert any(path.startswith("/barriers/overview.xlsx") for path in pages)
    secrets = [s for p in raisers for s in (p.name, p.email, p.team, f"Written by {p.id}")]
    secrets += ["Riverside"]
    figures_seen = 0
    for path, (status, text) in pages.items():
        assert status in (200, 403, 404), path
        for secret in secrets:
            assert secret not in text, (path, secret)
        if path.startswith("/barriers"):  # who logged a barrier aloud is not said either
            assert "Trainer Tess" not in text, path  # (the trainers are named elsewhere)
        for number in figures_on(text) if path.startswith("/barriers/overview") else []:
            assert number >= K, (path, number)
            figures_seen += 1
    assert figures_seen  # the scan did read figures


def test_the_senior_managers_own_barrier_is_theirs_alone(app, raisers, register):
    client = app.test_client()
    Auth(client).login(register["senior"])
    with app.app_context():
        theirs = db.session.scalar(select(Barrier.id).where(Barrier.raised_by_id == raisers[0].id))
    assert client.get(f"/barriers/{theirs}").status_code == 404
    assert client.get(f"/barriers/review/{theirs}").status_code == 403


def test_overview_figures_match_the_model_under_k(app, register):
    client = app.test_client()
    Auth(client).login(register["senior"])
    text = client.get("/barriers/overview.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = [tuple(row[:5]) for row in csv.reader(io.StringIO(text))]  # less "why not shown"
    assert ("all sessions", "Workload and caseloads", "", "", "9") in rows
    assert ("all sessions", "Time and cancelled sessions", "", "", "fewer than 5") in rows
    assert ("all sessions", "Compliance and blame culture", "", "", "fewer than 5") in rows


# ----- a fixed number of queries --------------------------------------------------------------


def fill(app, cohort, people, count):
    """`count` released barriers over every theme, stage and ten releases, in bulk."""
    start = datetime(2025, 10, 1, 10, tzinfo=UTC)
    themes = list(Theme)
    rows = [
        {
            "cohort_id": cohort,
            "theme": themes[n % len(themes)].value,
            "text": "x",
            "excerpt": f"quote {n % 40}",
            "raised_by_id": people[n % len(people)],
            "period": n % 11 + 1,
            "quote_consent": n % 2 == 0,
            "status": "released",
            "created_at": start,
            "released_at": start + timedelta(days=n % 10),
        }
        for n in range(count)
    ]
    with app.app_context():
        db.session.execute(insert(Barrier), rows)
        db.session.add(
            BarrierResponse(
                cohort_id=cohort, theme="workload", response="r", owner="o",
                due_on=london_today(), status="planned",
            )
        )  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize(
    "path", ["/barriers/overview", "/barriers/overview.csv", "/barriers/overview/print", "/"]
)
def test_the_overview_makes_the_same_queries_for_50_and_5000_barriers(
    app, make_user, count_queries, path
):
    counts = []
    for size in (50, 5000):
        with app.app_context():
            cohort = Cohort(
                name=f"Cohort of {size}",
                organisation="Test",
                starts_on=london_today() - timedelta(days=150),
                ends_on=london_today() + timedelta(days=200),
            )
            db.session.add(cohort)
            db.session.flush()
            create_programme(cohort)
            db.session.commit()
            cohort_id = cohort.id
        people = [make_user(cohort_id=cohort_id).id for _ in range(size // 50 + 5)]
        senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort_id)
        fill(app, cohort_id, people, size)
        client = app.test_client()
        Auth(client).login(senior)
        client.get(path)  # warm up
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
