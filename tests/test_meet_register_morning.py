"""The morning of a session (issue 22, item 3): the register opens a set time before the start,
the trainer's home page has a "Today" panel leading to it, and the register is compact, marks
presenters and apologies, and works without JavaScript."""

import re
from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.attendance.models import AttendanceMark
from course.modules.presentations import services
from course.modules.programme.models import CourseSession
from tests.meet_support import (
    BEFORE_SESSION_7,
    MORNING_OF_7,
    make_cohort,
    member,
    session_id,
    signed_in,
)
from tests.test_attendance_register import read_form

EARLY_MORNING_OF_7 = datetime(2026, 3, 3, 7, 45, tzinfo=UTC)  # before the register opens


def _morning(app, make_user):
    """Session 7 with Pat presenting, Amira's apologies sent in advance, and Ben, and a trainer."""
    cohort_id = make_cohort(app)
    pat = member(make_user, cohort_id, "Pat Presenter")
    amira = member(make_user, cohort_id, "Amira Ahmed")
    ben = member(make_user, cohort_id, "Ben Brown")
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort_id, name="Tess Trainer")
    seven = session_id(app, cohort_id, 7)
    with app.app_context(), time_machine.travel(BEFORE_SESSION_7, tick=False):
        course_session = db.session.get(CourseSession, seven)
        services.sign_up(course_session, pat, kind="stuck_case", title="Drift", brief="Child A.")
        db.session.add(
            AttendanceMark(
                session_id=seven,
                user_id=amira.id,
                status="apologies",
                apology_reason="court",
                marked_by_id=amira.id,
            )
        )
        db.session.commit()
    return seven, trainer, {"pat": pat, "amira": amira, "ben": ben}


def test_on_the_morning_the_trainer_reaches_the_register_from_home_before_the_start(app, make_user):
    seven, trainer, people = _morning(app, make_user)
    with time_machine.travel(MORNING_OF_7, tick=False):
        client = signed_in(app, trainer)
        home = client.get("/").get_data(as_text=True)
        assert '<h2 id="next-heading">Today</h2>' in home
        assert f'href="/attendance/{seven}">Take the register</a>' in home
        assert f'href="/presentations/{seven}/run-sheet">Run sheet</a>' in home
        assert "#session-7" in home
        page = client.get(f"/attendance/{seven}").get_data(as_text=True)
        assert "The register opens on" not in page
        fields = read_form(page)
        fields["fill_present"] = "Save, marking everyone still unmarked as present"
        saved = client.post(f"/attendance/{seven}", data=fields, follow_redirects=True)
    assert "Saved 2 changes to the register." in saved.get_data(as_text=True)
    with app.app_context():
        marks = dict(
            db.session.execute(
                select(AttendanceMark.user_id, AttendanceMark.status).where(
                    AttendanceMark.session_id == seven
                )
            ).all()
        )
    assert marks == {
        people["pat"].id: "present",
        people["ben"].id: "present",
        people["amira"].id: "apologies",
    }


def test_before_the_opening_time_the_register_says_when_it_opens(app, make_user):
    seven, trainer, _ = _morning(app, make_user)
    with time_machine.travel(EARLY_MORNING_OF_7, tick=False):
        client = signed_in(app, trainer)
        home = client.get("/").get_data(as_text=True)
        page = client.get(f"/attendance/{seven}").get_data(as_text=True)
    assert "(opens at 8:30am)" in home
    assert "The register opens on" in page and "60 minutes before the session starts" in page
    assert "<fieldset" not in page


def test_the_opening_time_is_a_setting(app, make_user):
    app.config["COURSE_REGISTER_OPENS_BEFORE"] = timedelta(minutes=10)
    seven, trainer, _ = _morning(app, make_user)
    with time_machine.travel(MORNING_OF_7, tick=False):  # 40 minutes before: not yet
        page = signed_in(app, trainer).get(f"/attendance/{seven}").get_data(as_text=True)
    assert "10 minutes before the session starts" in page


def test_the_day_before_the_home_page_still_says_next_session(app, make_user):
    _, trainer, _ = _morning(app, make_user)
    with time_machine.travel(MORNING_OF_7 - timedelta(days=1), tick=False):
        home = signed_in(app, trainer).get("/").get_data(as_text=True)
    assert '<h2 id="next-heading">Next session</h2>' in home
    assert "Take the register" not in home


def test_the_compact_register_marks_presenters_and_apologies_one_row_each(app, make_user):
    seven, trainer, people = _morning(app, make_user)
    with time_machine.travel(MORNING_OF_7, tick=False):
        page = signed_in(app, trainer).get(f"/attendance/{seven}").get_data(as_text=True)
    rows = re.findall(r'<fieldset class="register-row".*?</fieldset>', page, re.S)
    assert len(rows) == 3
    by_name = {re.search(r"<legend[^>]*>([^<]+)</legend>", row).group(1): row for row in rows}
    assert "Presenting" in by_name["Pat Presenter"]
    assert "Presenting" not in by_name["Ben Brown"]
    assert "Sent apologies in advance on" in by_name["Amira Ahmed"]
    # The reason and remark are behind a disclosure, open only where something is filled in.
    assert "(Court or statutory duty)" in by_name["Amira Ahmed"]
    assert '<details class="register-extra">' in by_name["Ben Brown"]
    # The name filter needs the script, so it is hidden until the script shows it.
    assert re.search(r"<div[^>]*data-register-filter[^>]*hidden", page)
