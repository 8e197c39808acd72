"""The anonymisation check costs time linear in the text, and never runs on text already too long.

The timing test gives each text a budget far above the linear patterns' cost (tens of ms) and far
below what the backtracking ones took at the same length (tens of seconds on "A-A-A-...").
"""

import threading
import time

import pytest
from test_presentations import RULES, post_sign_up, text_of, world  # noqa: F401

from course.modules.presentations import forms
from course.modules.presentations.anonymisation import find_identifiers, find_sensitive_terms
from course.modules.presentations.forms import BRIEF_MAX
from course.modules.presentations.models import Presentation
from tests.test_presentations import count

REFUSED_SIZE = 30_000  # the size of the briefs that stalled both workers in issue 20
UNITS = (
    "A-", "A.", "A1/", "Aa ", "A ", "Ab-", "SW1-", "a@", "a.", "r", "4", "1 ", "0 ", "12/", "Mr ",
    "case ", "ref no ", "dob.", "born 1 ", "is@.", "x.", "0QQ", "Baby P Tom ", "Road ",
    "A" + " " * 50, "case" + " " * 50, "dob" + " " * 50, "+44 ", "(0", "-",
)  # fmt: skip


def repeated(unit, length):
    return (unit * (length // len(unit) + 1))[:length]


def test_the_checker_finds_identifiers_in_the_worst_shapes_at_the_limit():
    for unit in UNITS:
        findings = find_identifiers(repeated(unit, BRIEF_MAX))
        assert all(0 <= f.start < f.end <= BRIEF_MAX for f in findings)
    assert find_identifiers(repeated("Mr Smith ", BRIEF_MAX))[0].rule == "titled_name"
    assert find_identifiers(repeated("x@example.org ", BRIEF_MAX))[0].rule == "email"
    assert find_identifiers(repeated("AB/1234/21 ", BRIEF_MAX))[0].rule == "case_reference"


@pytest.mark.parametrize("unit", UNITS)
def test_the_checker_takes_linear_time_even_at_ten_times_the_limit(unit):
    text = repeated(unit, REFUSED_SIZE)
    started = time.process_time()
    find_identifiers(text)
    find_sensitive_terms(text)
    assert time.process_time() - started < 2.0, f"{unit!r} took too long"


def test_a_brief_over_the_limit_is_refused_for_its_length_without_being_checked(
    world,  # noqa: F811
    monkeypatch,
):
    def must_not_run(text):
        raise AssertionError("the anonymisation check ran on a refused brief")

    monkeypatch.setattr(forms, "find_identifiers", must_not_run)
    client = world.client(world.presenter)
    typed = repeated("Mr Smith at Oak Road. ", BRIEF_MAX + 1)
    response = post_sign_up(client, world.coming, brief=typed, title="x" * 121)
    assert response.status_code == 200
    page = text_of(response)
    assert f"Keep the brief to {BRIEF_MAX} characters" in page
    assert "Keep the title to 120 characters" in page
    assert "This could identify a child or family" not in page
    assert f"{typed}</textarea>" in page
    assert count(world.app, Presentation) == 0


def test_two_parallel_refused_posts_of_the_largest_size_do_not_stall_healthz(world):  # noqa: F811
    clients = [world.client(world.presenter), world.client(world.member)]
    statuses = []

    def post(client):
        statuses.append(post_sign_up(client, world.coming, brief=repeated("A-", REFUSED_SIZE)))

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    probe = world.app.test_client()
    waits = []
    for _ in range(5):
        started = time.monotonic()
        assert probe.get("/healthz").status_code == 200
        waits.append(time.monotonic() - started)
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in statuses] == [200, 200]
    assert all("Keep the brief to" in r.get_data(as_text=True) for r in statuses)
    assert max(waits) < 3.0, waits  # loosely: a backtracking checker held it for tens of seconds
