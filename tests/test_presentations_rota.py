"""The rota's rules without HTTP: slots, fairness, withdrawal and promotion, trainers' changes,
reflections, and simultaneous sign-ups through separate connections on SQLite and PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.attendance.models import AttendanceMark
from course.modules.notifications.models import Notification
from course.modules.presentations import after_session, services, trainer_actions
from course.modules.presentations.models import Presentation, PresentationStatus, ReflectionNote
from course.modules.programme.models import CourseSession
from course.timeutil import utcnow

Status = PresentationStatus
BRIEF = "Child A and Mother: a plan that has drifted. I want help to think about what we miss."


class Rota:
    """Sessions at known times, members, and sign-ups, inside one app context."""

    def __init__(self, cohort_id, make_user):
        self.cohort_id = cohort_id
        self.make_user = make_user

    def session(self, number, *, starts_in=timedelta(days=10), slots=2):
        """A session of the cohort moved to start `starts_in` from now."""
        course_session = db.session.scalar(
            select(CourseSession).where(
                CourseSession.cohort_id == self.cohort_id, CourseSession.number == number
            )
        )
        course_session.starts_at = utcnow() + starts_in
        course_session.ends_at = course_session.starts_at + timedelta(hours=3, minutes=30)
        course_session.presentation_slots = slots
        db.session.commit()
        return course_session

    def member(self, role=Role.PARTICIPANT):
        """A new member of the cohort."""
        return db.session.get(User, self.make_user(role=role, cohort_id=self.cohort_id).id)

    def sign_up(self, course_session, user, title="A stuck case"):
        """Sign up and commit, as the sign-up page does."""
        presentation = services.sign_up(
            course_session, user, kind="stuck_case", title=title, brief=BRIEF
        )
        db.session.commit()
        return load(presentation)

    def given(self, course_session, user):
        """A presentation already given at a past session."""
        presentation = Presentation(
            session_id=course_session.id,
            presenter_id=user.id,
            kind="stuck_case",
            title="Given before",
            brief=None,
            status=Status.GIVEN,
            slot=1,
        )
        db.session.add(presentation)
        db.session.commit()
        return presentation


@pytest.fixture
def rota(app_ctx, cohort, make_user):
    return Rota(cohort, make_user)


def load(presentation):
    """A presentation read again with its session, as the pages load it."""
    return db.session.scalar(
        select(Presentation)
        .where(Presentation.id == presentation.id)
        .options(joinedload(Presentation.course_session))
        .execution_options(populate_existing=True)
    )


def statuses(*presentations):
    """The current status of each presentation, read from the database."""
    for presentation in presentations:
        db.session.refresh(presentation)
    return [p.status for p in presentations]


def test_sign_ups_fill_the_slots_then_join_the_reserve_list(rota):
    session = rota.session(8, slots=2)
    first, second, third = (rota.sign_up(session, rota.member()) for _ in range(3))
    assert statuses(first, second, third) == [Status.CONFIRMED, Status.CONFIRMED, Status.RESERVE]
    assert sorted([first.slot, second.slot]) == [1, 2] and third.slot is None


def test_a_repeat_presenter_waits_on_the_reserve_list_while_first_timers_remain(rota):
    past, coming = rota.session(2, starts_in=-timedelta(days=60)), rota.session(8, slots=2)
    veteran = rota.member()
    rota.given(past, veteran)
    rota.member()  # has not presented
    presentation = rota.sign_up(coming, veteran)
    assert presentation.status == Status.RESERVE  # a slot is free, but kept for first-timers


def test_a_repeat_presenter_takes_a_free_slot_once_everyone_has_presented(rota):
    past, coming = rota.session(2, starts_in=-timedelta(days=60)), rota.session(8, slots=2)
    veteran, other = rota.member(), rota.member()
    rota.given(past, veteran)
    rota.sign_up(rota.session(9, slots=2), other)  # other holds a confirmed slot
    assert rota.sign_up(coming, veteran).status == Status.CONFIRMED


def test_holding_a_confirmed_slot_counts_as_having_presented(rota):
    eight, nine = rota.session(8, slots=2), rota.session(9, slots=2)
    keen = rota.member()
    rota.member()
    assert rota.sign_up(eight, keen).status == Status.CONFIRMED
    assert rota.sign_up(nine, keen).status == Status.RESERVE


def test_withdrawal_promotes_a_first_timer_ahead_of_an_earlier_repeat_presenter(rota):
    past, coming = rota.session(2, starts_in=-timedelta(days=60)), rota.session(8, slots=1)
    leaving, veteran, newcomer = rota.member(), rota.member(), rota.member()
    rota.given(past, veteran)
    mine = rota.sign_up(coming, leaving)
    early_repeat = rota.sign_up(coming, veteran)  # signed up first ...
    late_first_timer = rota.sign_up(coming, newcomer)  # ... but this one goes ahead
    promoted = services.withdraw(mine, leaving)
    db.session.commit()
    assert promoted == [late_first_timer]
    assert statuses(mine, early_repeat, late_first_timer) == [
        Status.WITHDRAWN,
        Status.RESERVE,
        Status.CONFIRMED,
    ]
    assert late_first_timer.promoted_at is not None and late_first_timer.slot == 1
    message = db.session.scalar(select(Notification).where(Notification.user_id == newcomer.id))
    assert message.kind == "presentation_promoted"
    assert "session 8" in message.subject and BRIEF not in message.body


def test_withdrawal_keeps_the_slot_for_first_timers_when_only_repeat_presenters_wait(rota):
    past, coming = rota.session(2, starts_in=-timedelta(days=60)), rota.session(8, slots=1)
    leaving, veteran = rota.member(), rota.member()
    rota.member()  # has not presented or signed up
    rota.given(past, veteran)
    mine = rota.sign_up(coming, leaving)
    waiting = rota.sign_up(coming, veteran)
    assert services.withdraw(mine, leaving) == []
    db.session.commit()
    assert statuses(waiting) == [Status.RESERVE]
    # ... and a trainer may still confirm the repeat presenter into the free slot.
    trainer_actions.confirm(waiting)
    db.session.commit()
    assert statuses(waiting) == [Status.CONFIRMED]


def test_withdrawing_a_confirmed_place_closes_at_the_cut_off(rota, app):
    soon = rota.session(8, starts_in=timedelta(hours=47), slots=2)
    presenter = rota.member()
    presentation = rota.sign_up(soon, presenter)
    with pytest.raises(services.RotaError, match="less than 48 hours"):
        services.withdraw(presentation, presenter)
    db.session.rollback()
    app.config["COURSE_PRESENTATION_CUTOFF_HOURS"] = 24
    services.withdraw(presentation, presenter)
    db.session.commit()
    assert statuses(presentation) == [Status.WITHDRAWN]


def test_a_reserve_can_leave_the_list_until_the_session_starts(rota):
    soon = rota.session(8, starts_in=timedelta(hours=2), slots=1)
    rota.sign_up(soon, rota.member())
    reserve_user = rota.member()
    reserve = rota.sign_up(soon, reserve_user)
    services.withdraw(reserve, reserve_user)
    db.session.commit()
    assert statuses(reserve) == [Status.WITHDRAWN]


def test_only_the_presenter_can_withdraw(rota):
    session = rota.session(8)
    presentation = rota.sign_up(session, rota.member())
    with pytest.raises(services.RotaError):
        services.withdraw(presentation, rota.member())


def test_sign_up_is_refused_for_a_started_cancelled_or_slotless_session_and_twice(rota):
    member = rota.member()
    started = rota.session(3, starts_in=-timedelta(hours=1))
    with pytest.raises(services.RotaError, match="started"):
        rota.sign_up(started, member)
    db.session.rollback()
    none = rota.session(8, slots=0)
    with pytest.raises(services.RotaError, match="no case presentation slots"):
        rota.sign_up(none, member)
    db.session.rollback()
    cancelled = rota.session(9)
    cancelled.cancelled = True
    db.session.commit()
    with pytest.raises(services.RotaError, match="cancelled"):
        rota.sign_up(cancelled, member)
    db.session.rollback()
    open_one = rota.session(10)
    rota.sign_up(open_one, member)
    with pytest.raises(services.RotaError, match="already signed up"):
        rota.sign_up(open_one, member)


def test_trainer_confirm_needs_a_free_slot(rota):
    session = rota.session(8, slots=1)
    rota.sign_up(session, rota.member())
    reserve = rota.sign_up(session, rota.member())
    with pytest.raises(services.RotaError, match="no free slot"):
        trainer_actions.confirm(reserve)


def test_trainer_cancel_frees_the_slot_for_the_first_reserve(rota):
    session = rota.session(8, slots=1)
    confirmed = rota.sign_up(session, rota.member())
    reserve = rota.sign_up(session, rota.member())
    assert trainer_actions.cancel(confirmed) == [reserve]
    db.session.commit()
    assert statuses(confirmed, reserve) == [Status.CANCELLED, Status.CONFIRMED]
    kinds = set(db.session.scalars(select(Notification.kind)))
    assert {"presentation_cancelled", "presentation_promoted"} <= kinds


def test_trainer_move_takes_a_free_slot_or_the_reserve_list_and_refills_the_source(rota):
    eight, nine = rota.session(8, slots=1), rota.session(9, slots=1)
    mover, waiting = rota.member(), rota.member()
    moving = rota.sign_up(eight, mover)
    reserve = rota.sign_up(eight, waiting)
    moved, promoted = trainer_actions.move(moving, nine)
    db.session.commit()
    assert (moved.session_id, moved.status, moved.slot) == (nine.id, Status.CONFIRMED, 1)
    assert promoted == [reserve]
    message = db.session.scalar(
        select(Notification).where(
            Notification.user_id == mover.id, Notification.kind == "presentation_moved"
        )
    )
    assert "session 9" in message.subject
    # Session 9 is now full: a second move lands on its reserve list.
    moved_again, _ = trainer_actions.move(reserve, nine)
    db.session.commit()
    assert moved_again.status == Status.RESERVE


def test_mark_as_given_only_once_the_session_has_started(rota):
    session = rota.session(8)
    presentation = rota.sign_up(session, rota.member())
    with pytest.raises(services.RotaError, match="once the session has started"):
        trainer_actions.mark_given(presentation)
    trainer_actions.mark_given(presentation, now=session.starts_at + timedelta(minutes=5))
    db.session.commit()
    assert statuses(presentation) == [Status.GIVEN]


def test_the_database_refuses_two_sign_ups_in_one_slot(rota):
    session = rota.session(8)
    first, second = rota.member(), rota.member()
    for user in (first, second):
        db.session.add(
            Presentation(
                session_id=session.id,
                presenter_id=user.id,
                kind="other",
                title="x",
                status=Status.CONFIRMED,
                slot=1,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_a_confirmed_presentation_without_a_slot(rota):
    session = rota.session(8)
    db.session.add(
        Presentation(
            session_id=session.id,
            presenter_id=rota.member().id,
            kind="other",
            title="x",
            status=Status.CONFIRMED,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_fewer_slots_after_a_trainer_edit_confirm_nobody_new(rota):
    session = rota.session(8, slots=2)
    rota.sign_up(session, rota.member())
    rota.sign_up(session, rota.member())
    session.presentation_slots = 1
    db.session.commit()
    assert rota.sign_up(session, rota.member()).status == Status.RESERVE


def _mark(session, user, status):
    db.session.add(AttendanceMark(session_id=session.id, user_id=user.id, status=status))
    db.session.commit()


def test_only_members_who_attended_can_reflect_after_the_session(rota):
    session = rota.session(8)
    presenter, present, late, absent, unmarked = (rota.member() for _ in range(5))
    _mark(session, present, "present")
    _mark(session, late, "late")
    _mark(session, absent, "apologies")
    presentation = rota.sign_up(session, presenter)
    after = session.ends_at + timedelta(hours=1)
    assert "after the session" in after_session.reflection_problem(presentation, present)
    assert after_session.reflection_problem(presentation, present, after) is None
    assert after_session.reflection_problem(presentation, late, after) is None
    assert "were at the session" in after_session.reflection_problem(presentation, absent, after)
    assert "were at the session" in after_session.reflection_problem(presentation, unmarked, after)
    assert "your own" in after_session.reflection_problem(presentation, presenter, after)


def test_a_second_reflection_from_the_same_person_rewrites_the_first(rota):
    session = rota.session(8)
    presentation = rota.sign_up(session, rota.member())
    author = rota.member()
    after_session.save_reflection(presentation, author, "First thought.")
    db.session.commit()
    after_session.save_reflection(presentation, author, "Second thought.")
    db.session.commit()
    notes = db.session.scalars(select(ReflectionNote.text)).all()
    assert notes == ["Second thought."]


# Simultaneous sign-ups through separate connections ------------------------------------------


def _sign_up_together(app, session_id, user_ids):
    """Every user signs up at the same moment, each in its own thread, context and connection."""
    barrier = threading.Barrier(len(user_ids))
    errors = []

    def attempt(user_id):
        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                course_session = db.session.get(CourseSession, session_id)
                barrier.wait(timeout=30)
                services.sign_up(
                    course_session, user, kind="risk_concern", title="Same time", brief=BRIEF
                )
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - every failure is reported by the test
            errors.append(repr(error))

    threads = [threading.Thread(target=attempt, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _count(session_id, status):
    return db.session.scalar(
        select(func.count(Presentation.id)).where(
            Presentation.session_id == session_id, Presentation.status == status
        )
    )


def test_simultaneous_sign_ups_for_the_last_slot_confirm_exactly_one(app, rota):
    session = rota.session(8, slots=2)
    rota.sign_up(session, rota.member())  # one slot left
    user_ids = [rota.member().id for _ in range(8)]
    errors = _sign_up_together(app, session.id, user_ids)
    assert errors == []
    assert _count(session.id, Status.CONFIRMED) == 2
    assert _count(session.id, Status.RESERVE) == 8 - 1


def test_simultaneous_sign_ups_never_confirm_more_than_the_slots(app, rota):
    session = rota.session(9, slots=3)
    user_ids = [rota.member().id for _ in range(10)]
    errors = _sign_up_together(app, session.id, user_ids)
    assert errors == []
    assert _count(session.id, Status.CONFIRMED) == 3
    assert _count(session.id, Status.RESERVE) == 7
    slots = db.session.scalars(
        select(Presentation.slot).where(Presentation.slot.is_not(None))
    ).all()
    assert sorted(slots) == [1, 2, 3]


def test_simultaneous_withdrawals_promote_each_reserve_once(app, rota):
    session = rota.session(8, slots=2)
    leavers = [rota.member() for _ in range(2)]
    for user in leavers:
        rota.sign_up(session, user)
    reserves = [rota.sign_up(session, rota.member()) for _ in range(3)]
    presentation_ids = {
        user.id: db.session.scalar(
            select(Presentation.id).where(Presentation.presenter_id == user.id)
        )
        for user in leavers
    }
    barrier, errors = threading.Barrier(2), []

    def leave(user_id):
        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                presentation = db.session.get(Presentation, presentation_ids[user_id])
                barrier.wait(timeout=30)
                services.withdraw(presentation, user)
                db.session.commit()
        except Exception as error:  # noqa: BLE001
            errors.append(repr(error))

    threads = [threading.Thread(target=leave, args=(u.id,)) for u in leavers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert statuses(*reserves) == [Status.CONFIRMED, Status.CONFIRMED, Status.RESERVE]
    assert _count(session.id, Status.CONFIRMED) == 2
