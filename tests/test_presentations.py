"""The presentation pages as people use them: sign-up and the anonymisation check, who can read
what, withdrawal and promotion, the trainers' rota and run sheet, reflections, and the panels."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, Role, User
from course.modules.attendance.models import AttendanceMark
from course.modules.notifications.models import Notification
from course.modules.presentations import services
from course.modules.presentations.ground_rules import GROUND_RULES, GROUND_RULES_VERSION
from course.modules.presentations.models import Presentation, PresentationStatus, ReflectionNote
from course.modules.programme.models import CourseSession
from course.modules.programme.services import create_programme
from course.timeutil import utcnow
from tests.conftest import Auth, form_token

Status = PresentationStatus
GOOD_BRIEF = (
    "Child A (primary age) lives with Mother and Mother's partner. The plan has drifted for a "
    "year. I would like help to think about what we are not seeing."
)
RULES = {f"rule_{key}": "y" for key, _ in GROUND_RULES}


class World:
    """A cohort with a session to come and one just held, its people, and another cohort."""

    def __init__(self, app, cohort_id, make_user):
        self.app, self.cohort_id = app, cohort_id
        user = make_user
        self.presenter = user(cohort_id=cohort_id, name="Priya Presenter")
        self.attendee = user(cohort_id=cohort_id, name="Anna Attendee")
        self.absentee = user(cohort_id=cohort_id, name="Abel Absent")
        self.member = user(cohort_id=cohort_id, name="Mo Member")
        self.senior = user(role=Role.SENIOR_MANAGER, cohort_id=cohort_id, name="Sal Senior")
        self.trainer = user(role=Role.TRAINER, cohort_id=cohort_id, name="Tess Trainer")
        self.evaluator = user(role=Role.EVALUATOR, cohort_id=cohort_id)
        self.admin = user(role=Role.ADMIN)
        with app.app_context():
            other = Cohort(
                name="Elsewhere",
                organisation="Another Council",
                starts_on=utcnow().date() - timedelta(days=150),
                ends_on=utcnow().date() + timedelta(days=200),
            )
            db.session.add(other)
            db.session.flush()
            create_programme(other)
            db.session.commit()
            other_id = other.id
            self.coming = self._move(8, timedelta(days=10))
            self.soon = self._move(7, timedelta(hours=30))
            self.held = self._move(5, -timedelta(days=2))
        self.outsider = user(cohort_id=other_id, name="Otto Outsider")
        self.outside_trainer = user(role=Role.TRAINER, cohort_id=other_id)

    def _move(self, number, starts_in):
        """Move one of the cohort's sessions to start `starts_in` from now; returns its id."""
        course_session = db.session.scalar(
            select(CourseSession).where(
                CourseSession.cohort_id == self.cohort_id, CourseSession.number == number
            )
        )
        course_session.starts_at = utcnow() + starts_in
        course_session.ends_at = course_session.starts_at + timedelta(hours=3, minutes=30)
        db.session.commit()
        return course_session.id

    def client(self, user):
        """A client signed in as the user."""
        client = self.app.test_client()
        response = Auth(client).login(user)
        assert response.status_code == 302
        return client

    def sign_up(self, session_id, user, title="Drift in a neglect case", brief=GOOD_BRIEF):
        """Sign someone up through the service; returns the presentation's id."""
        with self.app.app_context():
            presentation = services.sign_up(
                db.session.get(CourseSession, session_id),
                _user(user),
                kind="stuck_case",
                title=title,
                brief=brief,
            )
            db.session.commit()
            return presentation.id

    def given(self, user, session_id=None, brief=GOOD_BRIEF):
        """A presentation given at the session just held, with the presenter marked present."""
        session_id = session_id or self.held
        with self.app.app_context():
            presentation = Presentation(
                session_id=session_id,
                presenter_id=user.id,
                kind="risk_concern",
                title="An adult nobody has met",
                brief=brief,
                status=Status.GIVEN,
                slot=1,
            )
            db.session.add(presentation)
            db.session.commit()
            return presentation.id

    def mark(self, user, status="present", session_id=None):
        """A register mark for the session just held."""
        with self.app.app_context():
            db.session.add(
                AttendanceMark(session_id=session_id or self.held, user_id=user.id, status=status)
            )
            db.session.commit()

    def presentation(self, presentation_id):
        """A presentation as stored now."""
        with self.app.app_context():
            presentation = db.session.get(Presentation, presentation_id)
            db.session.expunge(presentation)
            return presentation


def _user(user):
    """The user, loaded in the current app context."""
    return db.session.get(User, user.id)


@pytest.fixture
def world(app, cohort, make_user):
    return World(app, cohort, make_user)


def text_of(response):
    """The page's text with entities decoded, for what a reader sees."""
    return html.unescape(response.get_data(as_text=True))


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# Signing up and the anonymisation check ----------------------------------------------------------


def post_sign_up(client, session_id, **fields):
    path = f"/presentations/{session_id}/signup"
    data = {"csrf_token": form_token(client, path), "kind": "stuck_case", "title": "Drift"}
    data.update(RULES)
    data.update(fields)
    return client.post(path, data=data)


def test_an_anonymised_brief_is_accepted_and_the_presenter_is_confirmed(app, world):
    client = world.client(world.presenter)
    response = post_sign_up(client, world.coming, brief=GOOD_BRIEF)
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "You are presenting at session 8" in page
    assert "Confirmed" in page and "Child A (primary age)" in page
    with app.app_context():
        presentation = db.session.scalar(select(Presentation))
        assert presentation.status == Status.CONFIRMED
        assert presentation.ground_rules_version == GROUND_RULES_VERSION
        assert presentation.ground_rules_agreed_at is not None
        message = db.session.scalar(select(Notification))
        assert message.kind == "presentation_confirmed" and "Child A" not in message.body


@pytest.mark.parametrize(
    ("identifier", "rule"),
    [
        ("They live near BR1 3UH.", "Postcode"),
        ("Child A, DOB 12/03/2015, is at home.", "Date of birth"),
        ("NHS number 943 476 5919 on the referral.", "NHS number (10 digits)"),
        ("Child A goes to Oakfield Primary School.", "Name of a school, nursery or college"),
    ],
)
def test_a_brief_with_an_identifier_is_refused_and_what_was_typed_is_kept(
    app, world, identifier, rule
):
    client = world.client(world.presenter)
    typed = f"{GOOD_BRIEF}\n\n{identifier}"
    response = post_sign_up(client, world.coming, brief=typed, title="Stuck with a family")
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "This could identify a child or family" in page
    assert rule in page
    assert f"{typed}</textarea>" in page  # the brief as typed, ready to correct
    assert 'value="Stuck with a family"' in page
    assert count(app, Presentation) == 0


def test_each_finding_is_shown_next_to_the_brief_with_how_to_fix_it(world):
    client = world.client(world.presenter)
    page = text_of(
        post_sign_up(client, world.coming, brief="Jack goes to Oakfield Primary School.")
    )
    findings = page[page.index('id="brief-findings"') : page.index("</ul>", page.index("brief-f"))]
    assert "<mark>Oakfield Primary School</mark>" in findings and "a primary school" in findings
    assert "<mark>Jack</mark>" in findings and "Child A" in findings
    assert "the 2 parts marked below" in page


def test_the_title_is_checked_too(app, world):
    client = world.client(world.presenter)
    page = text_of(post_sign_up(client, world.coming, title="Olivia and the estate"))
    assert 'id="title-findings"' in page and "First name" in page
    assert count(app, Presentation) == 0


def test_every_ground_rule_must_be_ticked(app, world):
    client = world.client(world.presenter)
    fields = dict(RULES)
    del fields["rule_know_the_family"]
    path = f"/presentations/{world.coming}/signup"
    data = {"csrf_token": form_token(client, path), "kind": "other", "title": "T"}
    data.update(fields, brief=GOOD_BRIEF)
    page = text_of(client.post(path, data=data))
    assert "Tick to agree to this ground rule" in page
    assert count(app, Presentation) == 0


def test_sign_up_for_a_session_that_has_started_is_closed(app, world):
    client = world.client(world.presenter)
    page = text_of(client.get(f"/presentations/{world.held}/signup"))
    assert "sign-ups are closed" in page and "<textarea" not in page
    response = post_sign_up(client, world.held, brief=GOOD_BRIEF)
    assert response.status_code == 200 and count(app, Presentation) == 0


def test_a_full_session_puts_the_next_sign_up_on_the_reserve_list(world):
    world.sign_up(world.coming, world.attendee)
    world.sign_up(world.coming, world.absentee)
    client = world.client(world.presenter)
    assert "Every slot is taken" in text_of(client.get(f"/presentations/{world.coming}/signup"))
    response = post_sign_up(client, world.coming, brief=GOOD_BRIEF)
    page = text_of(client.get(response.location))
    assert "Session 8 is full, so you are on its reserve list" in page
    assert "Leave the reserve list" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("presenter", 200),
        ("senior", 200),
        ("trainer", 403),
        ("evaluator", 403),
        ("admin", 403),
        ("outsider", 404),
    ],
)
def test_who_can_open_the_sign_up_page(world, who, status):
    client = world.client(getattr(world, who))
    assert client.get(f"/presentations/{world.coming}/signup").status_code == status


def test_the_presenter_can_change_the_brief_and_it_is_checked_again(app, world):
    presentation_id = world.sign_up(world.coming, world.presenter)
    client = world.client(world.presenter)
    path = f"/presentations/{presentation_id}/edit"
    data = {"csrf_token": form_token(client, path), "kind": "other", "title": "Drift"}
    refused = text_of(client.post(path, data={**data, "brief": "Call 07700 900123."}))
    assert "Phone number" in refused and "Call 07700 900123.</textarea>" in refused
    assert world.presentation(presentation_id).brief == GOOD_BRIEF
    client.post(path, data={**data, "brief": "Child B now, and Father."})
    assert world.presentation(presentation_id).brief == "Child B now, and Father."
    assert client.get(path).status_code == 200
    assert world.client(world.member).get(path).status_code == 302  # not theirs: back to view


# Who can read a brief and a presentation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("presenter", 200),
        ("member", 200),
        ("senior", 200),
        ("trainer", 200),
        ("evaluator", 403),
        ("admin", 403),
        ("outsider", 404),
        ("outside_trainer", 404),
    ],
)
def test_a_brief_is_read_by_the_cohort_and_its_trainers_only(world, who, status):
    presentation_id = world.sign_up(world.coming, world.presenter)
    response = world.client(getattr(world, who)).get(f"/presentations/{presentation_id}")
    assert response.status_code == status
    assert ("Child A (primary age)" in text_of(response)) == (status == 200)


def test_a_trainer_reading_a_brief_is_audited_without_its_text(app, world):
    presentation_id = world.sign_up(world.coming, world.presenter)
    world.client(world.trainer).get(f"/presentations/{presentation_id}")
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "presentation_viewed")
        )
        assert event.object_id == presentation_id and event.actor_id == world.trainer.id
        assert "Child A" not in (event.detail or "")


def test_a_reserve_sign_up_is_seen_only_by_its_presenter_and_the_trainers(world):
    world.sign_up(world.coming, world.attendee)
    world.sign_up(world.coming, world.absentee)
    reserve = world.sign_up(world.coming, world.presenter)
    path = f"/presentations/{reserve}"
    assert world.client(world.presenter).get(path).status_code == 200
    assert world.client(world.trainer).get(path).status_code == 200
    assert world.client(world.member).get(path).status_code == 404
    index = text_of(world.client(world.member).get("/presentations/"))
    assert "1 on the reserve list" in index and "Priya Presenter" not in index


# Withdrawal and promotion ------------------------------------------------------------------------


def test_withdrawing_promotes_the_first_reserve_who_sees_it_at_home(app, world):
    leaving = world.sign_up(world.coming, world.presenter)
    world.sign_up(world.coming, world.member)
    waiting = world.sign_up(world.coming, world.attendee)
    client = world.client(world.presenter)
    response = client.post(
        f"/presentations/{leaving}/withdraw",
        data={"csrf_token": form_token(client, f"/presentations/{leaving}")},
    )
    assert response.status_code == 302
    assert world.presentation(leaving).status == Status.WITHDRAWN
    assert world.presentation(waiting).status == Status.CONFIRMED
    home = text_of(world.client(world.attendee).get("/"))
    assert "you moved up from the reserve list and are presenting at session 8" in home
    with app.app_context():
        kinds = db.session.scalars(
            select(Notification.kind).where(Notification.user_id == world.attendee.id)
        ).all()
    assert "presentation_promoted" in kinds


def test_after_the_cut_off_a_presenter_is_told_to_ask_the_trainers(world):
    presentation_id = world.sign_up(world.soon, world.presenter)
    client = world.client(world.presenter)
    page = text_of(client.get(f"/presentations/{presentation_id}"))
    assert "less than 48 hours before the session" in page and ">Withdraw</button>" not in page
    client.post(
        f"/presentations/{presentation_id}/withdraw",
        data={"csrf_token": form_token(client, "/presentations/")},
    )
    assert world.presentation(presentation_id).status == Status.CONFIRMED


def test_nobody_else_can_withdraw_a_presenter(world):
    presentation_id = world.sign_up(world.coming, world.presenter)
    client = world.client(world.member)
    client.post(
        f"/presentations/{presentation_id}/withdraw",
        data={"csrf_token": form_token(client, "/presentations/")},
    )
    assert world.presentation(presentation_id).status == Status.CONFIRMED


# The trainers' rota ------------------------------------------------------------------------------


def test_the_rota_shows_presenters_reserves_in_fair_order_and_who_has_not_presented(world):
    world.given(world.member)  # Mo has presented at the session just held
    world.sign_up(world.coming, world.presenter)
    world.sign_up(world.coming, world.senior)
    world.sign_up(world.coming, world.member)  # a repeat presenter, signed up first ...
    world.sign_up(world.coming, world.attendee)  # ... goes behind this first-timer
    page = text_of(world.client(world.trainer).get("/presentations/"))
    section = page[page.index('id="session-8"') : page.index('id="session-9"')]
    assert "Priya Presenter" in section and "Sal Senior" in section
    reserve_list = section[section.index("Reserve list") :]
    assert reserve_list.index("Anna Attendee") < reserve_list.index("Mo Member")
    assert "has presented" in reserve_list
    not_presented = page[page.index('id="not-presented"') : page.index("Booked, not presented")]
    assert "Abel Absent" in not_presented and "Priya Presenter" not in not_presented
    assert "Priya Presenter" in page[page.index("Booked, not presented") :]


def post_action(client, presentation_id, action, **data):
    data["csrf_token"] = form_token(client, "/presentations/")
    return client.post(f"/presentations/{presentation_id}/{action}", data=data)


def test_trainers_confirm_cancel_move_and_mark_as_given(app, world):
    trainer = world.client(world.trainer)
    first = world.sign_up(world.coming, world.presenter)
    world.sign_up(world.coming, world.senior)
    reserve = world.sign_up(world.coming, world.attendee)
    assert post_action(trainer, reserve, "confirm").status_code == 302
    assert world.presentation(reserve).status == Status.RESERVE  # no free slot
    post_action(trainer, first, "cancel")
    assert world.presentation(first).status == Status.CANCELLED
    assert world.presentation(reserve).status == Status.CONFIRMED  # moved up
    post_action(trainer, reserve, "move", target_session_id=world.soon)
    moved = world.presentation(reserve)
    assert (moved.session_id, moved.status) == (world.soon, Status.CONFIRMED)
    given = world.given(world.member)
    with app.app_context():
        db.session.get(Presentation, given).status = Status.CONFIRMED
        db.session.commit()
    post_action(trainer, given, "given")
    assert world.presentation(given).status == Status.GIVEN
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"presentation_cancelled", "presentation_moved", "presentation_given"} <= actions


@pytest.mark.parametrize("action", ["confirm", "cancel", "given", "move", "roles"])
def test_members_cannot_use_the_trainers_buttons(world, action):
    presentation_id = world.sign_up(world.coming, world.presenter)
    response = post_action(world.client(world.presenter), presentation_id, action)
    assert response.status_code == 403
    assert world.presentation(presentation_id).status == Status.CONFIRMED


def test_another_cohorts_trainer_cannot_touch_the_rota(world):
    presentation_id = world.sign_up(world.coming, world.presenter)
    response = post_action(world.client(world.outside_trainer), presentation_id, "cancel")
    assert response.status_code == 404
    assert world.presentation(presentation_id).status == Status.CONFIRMED
    client = world.client(world.outside_trainer)
    assert client.get(f"/presentations/{world.coming}/run-sheet").status_code == 404


def test_the_run_sheet_has_presenters_timings_ground_rules_and_roles(world):
    presentation_id = world.sign_up(world.coming, world.presenter)
    client = world.client(world.trainer)
    path = f"/presentations/{world.coming}/run-sheet"
    page = text_of(client.get(path))
    assert "Priya Presenter" in page and "Drift in a neglect case" in page and "Stuck case" in page
    assert "Case consultation 1" in page and "the presenter listens without replying" in page
    assert "does anyone here know this family?" in page
    assert "Reflecting team" in page and "To be agreed" in page
    assert "Child A (primary age)" not in page  # no brief on paper
    prefix = f"p{presentation_id}-"
    client.post(
        f"/presentations/{presentation_id}/roles",
        data={
            f"{prefix}csrf_token": _prefixed_token(page, prefix),
            f"{prefix}interviewer_id": world.trainer.id,
            f"{prefix}timekeeper_id": world.attendee.id,
        },
    )
    page = text_of(client.get(path))
    table = page[page.index("<h2>Presenters</h2>") : page.index("<h2>Timings</h2>")]
    assert "Tess Trainer" in table and "Anna Attendee" in table
    assert "Observers" in page


def test_trainers_notes_on_the_run_sheet_are_kept_encrypted_and_shown_to_trainers_only(app, world):
    trainer = world.client(world.trainer)
    path = f"/presentations/{world.coming}/run-sheet"
    token = re.search(r'name="csrf_token" value="([^"]+)"', text_of(trainer.get(path))).group(1)
    note = "Room 2 until one o'clock; bring the flipchart."
    response = trainer.post(f"{path}/notes", data={"csrf_token": token, "text": note})
    assert response.status_code == 302
    assert note in text_of(trainer.get(path))
    with app.app_context():
        raw = db.session.execute(text("SELECT text FROM run_sheet_note")).scalar_one()
        assert "flipchart" not in raw
    for person in (world.attendee, world.senior):
        seen = text_of(world.client(person).get(path))
        assert "flipchart" not in seen and "Trainers' notes" not in seen
    too_long = "x" * 2001
    response = trainer.post(f"{path}/notes", data={"csrf_token": token, "text": too_long})
    page = text_of(response)
    assert response.status_code == 400
    assert "Keep the notes to 2,000 characters or fewer" in page and too_long in page
    assert note in text_of(trainer.get(path))  # the notes saved before are kept


def test_trainer_ticks_run_sheet_items_done_and_participants_see_it_without_trainers_notes(
    app, world
):
    presentation_id = world.sign_up(world.coming, world.presenter)
    with app.app_context():
        db.session.add(
            AttendanceMark(
                session_id=world.coming,
                user_id=world.presenter.id,
                status="apologies",
                marked_by_id=world.presenter.id,
            )
        )
        db.session.commit()
    trainer = world.client(world.trainer)
    path = f"/presentations/{world.coming}/run-sheet"
    page = text_of(trainer.get(path))
    assert "Sent apologies" in page  # a trainers' note
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    item = f"presentation-{presentation_id}"
    trainer.post(f"{path}/tick", data={"csrf_token": token, "item": item, "done": "1"})
    page = text_of(trainer.get(path))
    row = re.search(rf'<tr id="item-{item}">(.*?)</tr>', page, re.S).group(1)
    assert "Done</strong>" in row and "Not done" in row
    assert (
        trainer.post(
            f"{path}/tick", data={"csrf_token": token, "item": "nonsense", "done": "1"}
        ).status_code
        == 400
    )
    for person in (world.attendee, world.senior):
        seen = text_of(world.client(person).get(path))
        assert "Priya Presenter" in seen and "Case consultation 1" in seen
        assert "Interviewer: to be agreed" in seen and "Reflecting team" in seen
        row = re.search(rf'<tr id="item-{item}">(.*?)</tr>', seen, re.S).group(1)
        assert "Done</strong>" in row
        assert "Sent apologies" not in seen  # the trainers' note is left off
        assert "Mark done" not in seen and "Set the roles" not in seen
    participant = world.client(world.attendee)
    assert participant.post(
        f"{path}/tick", data={"csrf_token": token, "item": item, "done": "0"}
    ).status_code in (400, 403)
    assert participant.post(
        f"{path}/notes", data={"csrf_token": token, "text": "Sneaky"}
    ).status_code in (400, 403)
    assert world.client(world.outsider).get(path).status_code == 404


def _prefixed_token(page, prefix):
    """The CSRF token of a form whose fields carry a prefix."""
    return re.search(rf'name="{prefix}csrf_token"[^>]*value="([^"]+)"', page).group(1)


# Reflections and the follow-up -------------------------------------------------------------------


def post_reflection(client, presentation_id, text):
    data = {"csrf_token": form_token(client, "/presentations/"), "text": text}
    return client.post(f"/presentations/{presentation_id}/reflection", data=data)


def test_reflections_are_read_by_the_presenter_and_trainers_only(app, world):
    presentation_id = world.given(world.presenter)
    world.mark(world.attendee, "present")
    world.mark(world.member, "late")
    note = "What stayed with me was how tired you sounded."
    response = post_reflection(world.client(world.attendee), presentation_id, note)
    assert response.status_code == 302
    path = f"/presentations/{presentation_id}"
    assert note in text_of(world.client(world.presenter).get(path))
    assert note in text_of(world.client(world.trainer).get(path))
    assert note in text_of(world.client(world.attendee).get(path))  # their own
    other = text_of(world.client(world.member).get(path))
    assert note not in other and "Leave Priya Presenter a reflection" in other
    assert note not in text_of(world.client(world.senior).get(path))
    assert world.client(world.outsider).get(path).status_code == 404
    assert world.client(world.outside_trainer).get(path).status_code == 404


def test_members_who_did_not_attend_cannot_reflect(app, world):
    presentation_id = world.given(world.presenter)
    world.mark(world.absentee, "absent")
    for user in (world.absentee, world.member):  # absent, and no mark at all
        client = world.client(user)
        assert "Leave Priya" not in text_of(client.get(f"/presentations/{presentation_id}"))
        post_reflection(client, presentation_id, "I was not there.")
    assert count(app, ReflectionNote) == 0


def test_an_empty_reflection_is_refused_without_losing_the_page(world):
    presentation_id = world.given(world.presenter)
    world.mark(world.attendee)
    response = post_reflection(world.client(world.attendee), presentation_id, "  ")
    assert response.status_code == 400 and "Write your reflection" in text_of(response)


def test_the_presenter_writes_a_follow_up_the_trainers_can_read(world):
    presentation_id = world.given(world.presenter)
    client = world.client(world.presenter)
    path = f"/presentations/{presentation_id}"
    client.post(
        f"{path}/follow-up",
        data={"csrf_token": form_token(client, path), "text": "I will name the drift."},
    )
    assert world.presentation(presentation_id).follow_up == "I will name the drift."
    assert "I will name the drift." in text_of(world.client(world.trainer).get(path))
    assert "I will name the drift." not in text_of(world.client(world.member).get(path))
    other = world.client(world.member)
    other.post(f"{path}/follow-up", data={"csrf_token": form_token(other, path), "text": "x"})
    assert world.presentation(presentation_id).follow_up == "I will name the drift."


# The session page and the home page --------------------------------------------------------------


def test_the_session_page_lists_presenters_and_offers_sign_up(world):
    world.sign_up(world.coming, world.presenter)
    page = text_of(world.client(world.member).get(f"/programme/{world.coming}"))
    assert "Case presentations" in page and "Priya Presenter" in page
    assert f"/presentations/{world.coming}/signup" in page
    mine = text_of(world.client(world.presenter).get(f"/programme/{world.coming}"))
    assert "You are presenting" in mine and f"/presentations/{world.coming}/signup" not in mine
    trainer = text_of(world.client(world.trainer).get(f"/programme/{world.coming}"))
    assert "Run sheet" in trainer
    evaluator = text_of(world.client(world.evaluator).get(f"/programme/{world.coming}"))
    assert "Priya Presenter" not in evaluator


def test_home_reminds_attendees_to_reflect(world):
    presentation_id = world.given(world.presenter)
    world.mark(world.attendee)
    home = text_of(world.client(world.attendee).get("/"))
    assert "You can leave a short reflection for" in home
    assert f"/presentations/{presentation_id}" in home
    assert "short reflection" not in text_of(world.client(world.member).get("/"))


def _crowd(app, world, make_user, size, give=False):
    """Add `size` members who were at the session just held, reflected, and signed up to come."""
    people = [make_user(cohort_id=world.cohort_id) for _ in range(size)]
    with app.app_context():
        for n, person in enumerate(people):
            db.session.add(
                AttendanceMark(session_id=world.held, user_id=person.id, status="present")
            )
            if give and n < 2:
                db.session.add(
                    Presentation(
                        session_id=world.held,
                        presenter_id=person.id,
                        kind="other",
                        title=f"Held {n}",
                        status=Status.GIVEN,
                        slot=n + 1,
                    )
                )
        db.session.commit()
        given = db.session.scalars(select(Presentation.id).where(Presentation.status == "given"))
        for presentation_id in given.all():
            for person in people[2:]:
                db.session.add(
                    ReflectionNote(presentation_id=presentation_id, author_id=person.id, text="x")
                )
        db.session.commit()
    for person in people[2:]:
        world.sign_up(world.coming, person)


@pytest.mark.parametrize("path", ["/", "/presentations/", "/programme/{coming}"])
def test_pages_make_as_many_queries_for_a_large_cohort_as_a_small_one(
    app, world, make_user, count_queries, path
):
    url = path.format(coming=world.coming)
    world.mark(world.attendee)
    clients = [world.client(world.attendee), world.client(world.trainer)]

    def measure():
        counts = []
        for client in clients:
            client.get(url)
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    _crowd(app, world, make_user, 4, give=True)
    small = measure()
    _crowd(app, world, make_user, 24)
    assert measure() == small
