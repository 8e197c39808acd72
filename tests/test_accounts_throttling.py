"""Sign-in throttling that attackers cannot turn into a lock-out, counted atomically.

Run on SQLite by default and on PostgreSQL with TEST_DATABASE_URL (see tests/conftest.py).
"""

import re
import threading
from datetime import timedelta

import argon2
import pytest
import time_machine
from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts.devices import COOKIE_NAME
from course.modules.accounts.models import SignInThrottle
from course.modules.accounts.throttling import ThrottleRule, give_back, reserve
from course.timeutil import utcnow
from tests.conftest import PASSWORD, Auth

WRONG = "wrong password, wrong password"
START = utcnow().replace(microsecond=0)


def _browser(app):
    """A new browser: its own cookies, no device cookie."""
    return Auth(app.test_client())


def _known_browser(app, user):
    """A browser where the user has signed in (and out) before: it holds a device cookie."""
    browser = _browser(app)
    assert browser.login(user).status_code == 302
    assert browser.client.get_cookie(COOKIE_NAME) is not None
    browser.logout()
    return browser


def _wait_said(response):
    """The pause the sign-in page names, in minutes."""
    match = re.search(r"try again in (\d+) minute", response.get_data(as_text=True))
    return int(match.group(1)) if match else None


def test_the_owner_signs_in_from_a_known_browser_while_an_attacker_hammers_the_account(
    app, make_user
):
    owner = make_user()
    known = _known_browser(app, owner)
    attacker = _browser(app)
    answers = [attacker.login(owner, WRONG).status_code for _ in range(12)]
    assert answers == [200] * 5 + [429] * 7
    assert _browser(app).login(owner).status_code == 429  # a new browser waits
    response = known.login(owner)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_a_throttled_answer_says_how_long_and_that_known_browsers_still_work(app, make_user):
    user = make_user()
    browser = _browser(app)
    for _ in range(5):
        browser.login(user, WRONG)
    response = browser.login(user)
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert "Too many failed attempts" in page and "try again in 1 minute." in page
    assert "where you have signed in before, you can still sign in now" in page


def test_mistakes_in_a_known_browser_do_not_pause_other_browsers(app, make_user):
    user = make_user()
    known = _known_browser(app, user)
    for _ in range(8):
        assert known.login(user, WRONG).status_code == 200
    assert _browser(app).login(user).status_code == 302


def test_a_known_browser_that_keeps_guessing_becomes_an_unknown_one(app, make_user):
    app.config["COURSE_LOGIN_MAX_FAILURES_PER_DEVICE"] = 3
    user = make_user()
    known = _known_browser(app, user)
    for _ in range(3):  # the device's own allowance
        known.login(user, WRONG)
    for _ in range(5):  # then it is throttled like any browser
        known.login(user, WRONG)
    assert known.login(user).status_code == 429


def test_a_shared_address_pauses_unknown_browsers_but_spares_known_ones(app, make_user):
    app.config["COURSE_LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6
    colleague = make_user()
    known = _known_browser(app, colleague)
    attacker = _browser(app)
    for n in range(6):  # guesses at six different accounts from the office's one address
        attacker.login(f"someone{n}@example.org", WRONG)
    assert _browser(app).login(make_user()).status_code == 429
    assert known.login(colleague).status_code == 302


def test_a_forged_device_cookie_counts_as_an_unknown_browser(app, make_user):
    user = make_user()
    browser = _known_browser(app, user)
    cookie = browser.client.get_cookie(COOKIE_NAME)
    browser.client.set_cookie(COOKIE_NAME, cookie.value[:-4] + "AAAA", domain=cookie.domain)
    for _ in range(5):
        _browser(app).login(user, WRONG)
    assert browser.login(user).status_code == 429


def test_pauses_double_with_each_further_failure(app, make_user):
    user = make_user()
    browser = _browser(app)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            assert browser.login(user, WRONG).status_code == 200
        assert _wait_said(browser.login(user, WRONG)) == 1
        clock.shift(timedelta(seconds=61))
        assert browser.login(user, WRONG).status_code == 200  # the sixth guess is checked
        assert _wait_said(browser.login(user, WRONG)) == 2
        clock.shift(timedelta(seconds=61))
        assert _wait_said(browser.login(user, WRONG)) == 1
        clock.shift(timedelta(seconds=60))
        assert browser.login(user, WRONG).status_code == 200
        assert _wait_said(browser.login(user, WRONG)) == 4


def test_signing_in_works_again_after_the_pause(app, make_user):
    user = make_user()
    browser = _browser(app)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            browser.login(user, WRONG)
        assert browser.login(user).status_code == 429
        clock.shift(app.config["COURSE_LOGIN_FIRST_PAUSE"] + timedelta(seconds=1))
        assert browser.login(user).status_code == 302


def test_failures_are_forgotten_after_a_day_however_many_there_were(app, make_user):
    user = make_user()
    browser = _browser(app)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            browser.login(user, WRONG)
        clock.shift(app.config["COURSE_LOGIN_FORGET_AFTER"] - timedelta(minutes=1))
        browser.login(user, WRONG)  # the fifth, late in the day
        clock.shift(timedelta(minutes=2))
        for _ in range(4):  # four more would have reached the limit without forgetting
            assert browser.login(user, WRONG).status_code == 200
        assert browser.login(user).status_code == 302


def test_signing_in_after_a_mistake_starts_the_account_again_from_nothing(app, make_user):
    user = make_user()
    for _ in range(6):
        browser = _browser(app)
        browser.login(user, WRONG)
        assert browser.login(user).status_code == 302  # one mistake each time, then right
        browser.logout()
    assert _browser(app).login(user).status_code == 302


def test_the_throttle_stores_digests_not_emails_or_addresses(app, make_user):
    user = make_user()
    _browser(app).login(user, WRONG)
    with app.app_context():
        keys = db.session.scalars(select(SignInThrottle.key)).all()
    assert len(keys) == 2 and all(user.email not in k and "127.0.0.1" not in k for k in keys)


def test_reserve_gives_a_limit_of_attempts_then_pauses(app_ctx):
    """The function the second factor will use: any step, any key."""
    rule = ThrottleRule(3, timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))
    with time_machine.travel(START, tick=False):
        answers = [reserve("totp:42", rule).allowed for _ in range(5)]
        give_back("totp:42", rule)  # the third succeeded after all
        again = reserve("totp:42", rule)
    assert answers == [True, True, True, False, False] and again.allowed
    assert rule.pauses() == [timedelta(minutes=m) for m in (1, 2, 4, 8, 10)]


@pytest.fixture
def counted_checks(monkeypatch):
    """Count every argon2 verification; each takes a little while, as a real one does."""
    checks = []
    lock = threading.Lock()
    verify = argon2.PasswordHasher.verify

    def counting(self, hash, password):
        with lock:
            checks.append(password)
        threading.Event().wait(0.05)
        return verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    return checks


def test_twelve_parallel_guesses_get_exactly_five_checks(app, make_user, counted_checks):
    user = make_user()
    browsers = [_browser(app) for _ in range(12)]
    tokens = [browser.csrf_token("/login") for browser in browsers]
    start = threading.Barrier(12)
    statuses = []

    def guess(browser, token):
        start.wait()
        response = browser.client.post(
            "/login", data={"email": user.email, "password": WRONG, "csrf_token": token}
        )
        statuses.append(response.status_code)

    pairs = zip(browsers, tokens, strict=True)
    threads = [threading.Thread(target=guess, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(counted_checks) == 5
    assert sorted(statuses) == [200] * 5 + [429] * 7
    with app.app_context():
        failures = db.session.scalar(select(func.max(SignInThrottle.failures)))
    assert failures == 5
    assert _browser(app).login(user, PASSWORD).status_code == 429


def test_twelve_parallel_reservations_of_one_key_let_exactly_five_through(app):
    """The count and the decision are one statement, whatever else the caller does."""
    rule = ThrottleRule(5, timedelta(minutes=1), timedelta(hours=1), timedelta(hours=24))
    start = threading.Barrier(12)
    answers = []

    def attempt():
        with app.app_context():
            start.wait()
            answers.append(reserve("account:parallel", rule).allowed)
            db.session.commit()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [False] * 7 + [True] * 5
