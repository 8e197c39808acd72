"""Apologies and the rota agree (issue 22, item 1): a presenter who sends apologies is warned and
can withdraw, even inside the cut-off; presenters with apologies are flagged wherever the rota
appears; reserves with apologies are never moved up; withdrawing apologies restores no slot."""

import time_machine
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.attendance.models import AttendanceMark
from course.modules.notifications.models import Notification
from course.modules.presentations import services
from course.modules.presentations.models import Presentation
from course.modules.programme.models import CourseSession
from tests.meet_support import (
    BEFORE_SESSION_7,
    INSIDE_CUTOFF_7,
    make_cohort,
    member,
    post_form,
    session_id,
    signed_in,
)

BRIEF = "Child A and Mother: a plan that has drifted. I want help to think about what we miss."


def _world(app, make_user):
    """Session 7 with two presenters (Pat, Quin) and two reserves (Rhea first, then Sol)."""
    cohort_id = make_cohort(app)
    people = {
        name: member(make_user, cohort_id, name)
        for name in ("Pat Presenter", "Quin Presenter", "Rhea Reserve", "Sol Reserve")
    }
    people["trainer"] = make_user(role=Role.TRAINER, cohort_id=cohort_id, name="Tess Trainer")
    seven = session_id(app, cohort_id, 7)
    with app.app_context(), time_machine.travel(BEFORE_SESSION_7, tick=False):
        course_session = db.session.get(CourseSession, seven)
        for name in ("Pat Presenter", "Quin Presenter", "Rhea Reserve", "Sol Reserve"):
            services.sign_up(
                course_session, people[name], kind="stuck_case", title=f"{name}'s case", brief=BRIEF
            )
            db.session.commit()
    return cohort_id, seven, people


def _status(app, user):
    with app.app_context():
        return db.session.scalar(
            select(Presentation.status).where(Presentation.presenter_id == user.id)
        )


def _apologise(app, user, seven, **extra):
    client = signed_in(app, user)
    path = f"/attendance/{seven}/apologies"
    return client, post_form(client, path, {"reason": "sickness", **extra})


def test_confirmed_presenter_is_warned_and_can_withdraw_inside_the_cutoff(app, make_user):
    cohort_id, seven, people = _world(app, make_user)
    pat = people["Pat Presenter"]
    with time_machine.travel(INSIDE_CUTOFF_7, tick=False):
        client = signed_in(app, pat)
        page = client.get(f"/attendance/{seven}/apologies").get_data(as_text=True)
        assert "You are presenting a case at session 7" in page
        assert "Withdraw from presenting and tell the trainers" in page

        # Without saying what happens to the slot, nothing is sent.
        _, refused = _apologise(app, pat, seven)
        assert "Say whether you withdraw from presenting" in refused.get_data(as_text=True)
        assert _status(app, pat) == "confirmed"

        _, sent = _apologise(app, pat, seven, presenting="withdraw")
        assert sent.status_code == 302
    assert _status(app, pat) == "withdrawn"
    # Rhea, the first reserve, moved up; the trainer was told, naming who moved up.
    assert _status(app, people["Rhea Reserve"]) == "confirmed"
    with app.app_context():
        subjects = set(
            db.session.scalars(
                select(Notification.subject).where(Notification.user_id == people["trainer"].id)
            )
        )
        bodies = " ".join(
            db.session.scalars(
                select(Notification.body).where(Notification.user_id == people["trainer"].id)
            )
        )
    assert "Pat Presenter has withdrawn from presenting at session 7" in subjects
    assert "Rhea Reserve moved up from the reserve list" in bodies
    assert "They were presenting at this session and have withdrawn." in bodies


def test_a_presenter_who_keeps_the_slot_is_flagged_wherever_the_rota_appears(app, make_user):
    cohort_id, seven, people = _world(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        _apologise(app, people["Pat Presenter"], seven, presenting="keep")
        assert _status(app, people["Pat Presenter"]) == "confirmed"
        trainer = signed_in(app, people["trainer"])
        flag = "Sent apologies"
        rota = trainer.get("/presentations/").get_data(as_text=True)
        section = rota[rota.index('id="session-7"') : rota.index('id="session-8"')]
        assert 'Pat Presenter <span class="tag tag-warn">Sent apologies' in section
        assert "Quin Presenter <span" not in section
        assert flag in trainer.get("/").get_data(as_text=True)
        assert flag in trainer.get(f"/presentations/{seven}/run-sheet").get_data(as_text=True)
        assert flag in trainer.get(f"/programme/{seven}").get_data(as_text=True)
        with app.app_context():
            body = db.session.scalar(
                select(Notification.body).where(
                    Notification.user_id == people["trainer"].id,
                    Notification.kind == "apologies",
                )
            )
        assert "still down to present" in body
        # The presenter's own home page says both, and offers the way out.
        home = signed_in(app, people["Pat Presenter"]).get("/").get_data(as_text=True)
        assert "but you sent apologies for this session" in home
        assert f"/attendance/{seven}/apologies" in home


def test_a_reserve_with_apologies_is_never_moved_up(app, make_user):
    cohort_id, seven, people = _world(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        # Rhea, first on the reserve list, sends apologies: she leaves the reserve list.
        _, sent = _apologise(app, people["Rhea Reserve"], seven)
        assert sent.status_code == 302
        assert _status(app, people["Rhea Reserve"]) == "withdrawn"
        # The trainer cancels Quin: Sol (who can come) moves up, not Rhea.
        trainer = signed_in(app, people["trainer"])
        with app.app_context():
            quin = db.session.scalar(
                select(Presentation.id).where(
                    Presentation.presenter_id == people["Quin Presenter"].id
                )
            )
        post_form(trainer, "/presentations/", {}, action=f"/presentations/{quin}/cancel")
    assert _status(app, people["Sol Reserve"]) == "confirmed"
    assert _status(app, people["Rhea Reserve"]) == "withdrawn"


def test_promotion_skips_a_reserve_marked_with_apologies_by_a_trainer(app, make_user):
    cohort_id, seven, people = _world(app, make_user)
    with app.app_context(), time_machine.travel(BEFORE_SESSION_7, tick=False):
        db.session.add(
            AttendanceMark(
                session_id=seven,
                user_id=people["Rhea Reserve"].id,
                status="apologies",
                marked_by_id=people["trainer"].id,
            )
        )
        db.session.commit()
        pat = db.session.scalar(
            select(Presentation).where(Presentation.presenter_id == people["Pat Presenter"].id)
        )
        promoted = services.withdraw(pat, people["Pat Presenter"])
        db.session.commit()
        assert [p.presenter_id for p in promoted] == [people["Sol Reserve"].id]


def test_withdrawing_apologies_does_not_give_the_slot_back(app, make_user):
    cohort_id, seven, people = _world(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        client, _ = _apologise(app, people["Pat Presenter"], seven, presenting="withdraw")
        assert _status(app, people["Rhea Reserve"]) == "confirmed"
        response = post_form(
            client,
            f"/attendance/{seven}/apologies",
            {},
            action=f"/attendance/{seven}/apologies/withdraw",
        )
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The place to present that you gave up is not given back" in page
    assert _status(app, people["Pat Presenter"]) == "withdrawn"
    assert _status(app, people["Rhea Reserve"]) == "confirmed"
