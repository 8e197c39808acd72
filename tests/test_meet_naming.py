"""One name for each thing across roles, and badges that are true (issue 22, item 10)."""

import re

import pytest
import time_machine

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.presentations import services
from course.modules.presentations.models import Presentation
from course.modules.programme.models import CourseSession
from tests.meet_support import BEFORE_SESSION_7, make_cohort, member, session_id, signed_in


def _menu(page):
    return re.findall(r'<li><a href="[^"]*"(?: aria-current="page")?>([^<]+)</a></li>', page)


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.PARTICIPANT, ["Presentation rota", "My barriers"], ["Presentations", "Barriers"]),
        (Role.SENIOR_MANAGER, ["Presentation rota", "My barriers", "Barrier overview"], []),
        (Role.TRAINER, ["Presentation rota", "Barriers to review"], ["Rota", "Barriers"]),
        (Role.EVALUATOR, ["Barrier overview"], ["Barrier themes"]),
    ],
)
def test_each_thing_has_one_name_in_every_role_menu(app, make_user, role, expected, absent):
    cohort_id = make_cohort(app)
    menu = _menu(
        signed_in(app, make_user(role=role, cohort_id=cohort_id)).get("/").get_data(as_text=True)
    )
    for name in expected:
        assert name in menu
    for name in absent:
        assert name not in menu


def test_the_evaluator_home_page_lists_all_three_views(app, make_user):
    cohort_id = make_cohort(app)
    home = signed_in(app, make_user(role=Role.EVALUATOR, cohort_id=cohort_id)).get("/")
    page = home.get_data(as_text=True)
    for link in ('href="/attendance/"', 'href="/readings/progress"', 'href="/barriers/overview"'):
        assert link in page


def test_a_booked_presenter_is_not_badged_as_having_presented(app, make_user):
    cohort_id = make_cohort(app)
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort_id)
    booked = member(make_user, cohort_id, "Bea Booked")
    given = member(make_user, cohort_id, "Gil Given")
    others = [member(make_user, cohort_id, f"Other {n}") for n in range(2)]
    seven, eight = session_id(app, cohort_id, 7), session_id(app, cohort_id, 8)
    with app.app_context(), time_machine.travel(BEFORE_SESSION_7, tick=False):
        db.session.add(
            Presentation(
                session_id=session_id(app, cohort_id, 5),
                presenter_id=given.id,
                kind="other",
                title="Given",
                status="given",
                slot=1,
            )
        )
        db.session.commit()
        s7, s8 = db.session.get(CourseSession, seven), db.session.get(CourseSession, eight)
        services.sign_up(s7, booked, kind="other", title="Booked at 7", brief="Child A.")
        for person in others:
            services.sign_up(s8, person, kind="other", title="First time", brief="Child A.")
        for person in (booked, given):
            services.sign_up(s8, person, kind="other", title="Again", brief="Child A.")
        db.session.commit()
        rota = signed_in(app, trainer).get("/presentations/").get_data(as_text=True)
    section = rota[rota.index('id="session-8"') : rota.index('id="session-9"')]
    assert 'Bea Booked <span class="tag">booked to present</span>' in section
    assert 'Gil Given <span class="tag">has presented</span>' in section


def test_the_sign_up_page_says_a_repeat_presenter_joins_the_reserve_list(app, make_user):
    cohort_id = make_cohort(app)
    repeat = member(make_user, cohort_id, "Rory Repeat")
    member(make_user, cohort_id, "Fay First")
    with app.app_context(), time_machine.travel(BEFORE_SESSION_7, tick=False):
        db.session.add(
            Presentation(
                session_id=session_id(app, cohort_id, 5),
                presenter_id=repeat.id,
                kind="other",
                title="Given",
                status="given",
                slot=1,
            )
        )
        db.session.commit()
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        page = (
            signed_in(app, repeat)
            .get(f"/presentations/{session_id(app, cohort_id, 7)}/signup")
            .get_data(as_text=True)
        )
    assert "You will join the reserve list" in page
    assert "2 of 2 slots are free" not in page


def test_the_readme_has_a_glossary_naming_what_the_menus_say():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    glossary = readme[readme.index("## Glossary") :]
    for term in ("presentation rota", "barrier overview", "barriers to review", "withheld"):
        assert f"| {term}" in glossary
