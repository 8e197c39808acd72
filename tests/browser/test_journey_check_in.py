"""Self check-in in Chromium: the trainer projects the code, a participant types it on their phone,
and the trainer's view of the room shows them here.

Session 7 of the demo cohort is moved to start in five minutes for the journey, and put back after.
"""

import re
from contextlib import contextmanager
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import create_engine, delete, select, update

from tests.browser.conftest import _psycopg
from tests.browser.journey import check_page, screenshot, sign_in, visit

TRAINER = "trainer2@example.org"
PARTICIPANT = "manager27@example.org"


@contextmanager
def session_starting_soon(server, email):
    """Session 7 starts in five minutes, and `email` has no mark for it: (session id, name)."""
    from course.modules.accounts.models import Cohort, User
    from course.modules.attendance.models import AttendanceMark
    from course.modules.programme.models import CourseSession
    from course.timeutil import utcnow

    engine = create_engine(_psycopg(server.database_url))
    try:
        with engine.begin() as connection:
            row = connection.execute(
                select(CourseSession.id, CourseSession.starts_at, CourseSession.ends_at)
                .join(Cohort, Cohort.id == CourseSession.cohort_id)
                .where(Cohort.name.like("Demo Borough %"), CourseSession.number == 7)
                .order_by(Cohort.id)
                .limit(1)
            ).one()
            user_id, name = connection.execute(
                select(User.id, User.name).where(User.email == email)
            ).one()
            starts = utcnow() + timedelta(minutes=5)
            connection.execute(
                update(CourseSession)
                .where(CourseSession.id == row.id)
                .values(starts_at=starts, ends_at=starts + timedelta(hours=3))
            )
            connection.execute(
                delete(AttendanceMark).where(
                    AttendanceMark.session_id == row.id, AttendanceMark.user_id == user_id
                )
            )
        yield row.id, name
    finally:
        with engine.begin() as connection:
            connection.execute(
                update(CourseSession)
                .where(CourseSession.id == row.id)
                .values(starts_at=row.starts_at, ends_at=row.ends_at)
            )
        engine.dispose()


def test_participant_checks_in_with_the_code_the_trainer_projects(page, other_page, server):
    with session_starting_soon(server, PARTICIPANT) as (session_id, name):
        sign_in(page, TRAINER)
        visit(page, f"/programme/{session_id}")
        page.get_by_role("link", name="Check-in", exact=True).click()
        check_page(page)
        code = page.locator("[data-check-in-code]").inner_text().replace(" ", "")
        assert re.fullmatch(r"\d{6}", code)
        expect(page.get_by_role("img", name=re.compile(r"QR code .* the code is"))).to_be_visible()
        screenshot(page, "trainer-check-in-code")
        screenshot(page, "trainer-check-in-code-320px", width=320)

        sign_in(other_page, PARTICIPANT)
        other_page.get_by_role("link", name=re.compile(r"^Check in now")).first.click()
        check_page(other_page)
        other_page.get_by_label("Code on the screen").fill(code)
        other_page.get_by_role("button", name="Check in").click()
        other_page.wait_for_url(re.compile(rf"/programme/{session_id}$"))
        check_page(other_page)
        expect(other_page.get_by_text(re.compile(r"You are checked in: Present"))).to_be_visible()
        screenshot(other_page, "participant-checked-in-320px", width=320)

        visit(page, f"/attendance/{session_id}/live")
        here = page.get_by_role("region", name=re.compile(r"^Here"))
        expect(here).to_contain_text(name)
        expect(here).to_contain_text("Present")
        screenshot(page, "trainer-live-view")
