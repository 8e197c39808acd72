"""What the rota pages and panels read: a fixed number of queries, whatever the cohort's size."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask import abort
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES, CohortMember, Role, User
from course.modules.attendance.models import ATTENDED, AttendanceMark
from course.modules.attendance.records import apologies_by_session, apologies_sent
from course.modules.presentations.models import (
    HOLDS_SLOT,
    Presentation,
    PresentationStatus,
    ReflectionNote,
    RunSheetTick,
)
from course.modules.presentations.services import reserve_order
from course.modules.programme.models import CourseSession
from course.modules.programme.services import cohort_sessions
from course.permissions import cohort_ids_for, remember_cohort_id
from course.timeutil import utcnow

REFLECTION_WINDOW = timedelta(days=21)  # how long the home page reminds people to reflect


def get_presentation_or_404(presentation_id, user):
    """A presentation of the user's cohort that they may see; 404 for any other.

    Trainers see every sign-up; members see confirmed and given ones, and their own.
    """
    stmt = (
        select(Presentation)
        .join(CourseSession, CourseSession.id == Presentation.session_id)
        .where(
            Presentation.id == presentation_id,
            CourseSession.cohort_id.in_(cohort_ids_for(user)),
        )
        .options(
            joinedload(Presentation.presenter),
            joinedload(Presentation.course_session),
            joinedload(Presentation.interviewer),
            joinedload(Presentation.timekeeper),
        )
    )
    if user.role != Role.TRAINER:
        stmt = stmt.where(
            or_(Presentation.status.in_(HOLDS_SLOT), Presentation.presenter_id == user.id)
        )
    presentation = db.session.scalar(stmt)
    if presentation is None:
        abort(404)
    remember_cohort_id(presentation.course_session.cohort_id)
    return presentation


def reflections_for(presentation):
    """The reflections left for a presenter, with their authors."""
    return db.session.scalars(
        select(ReflectionNote)
        .where(ReflectionNote.presentation_id == presentation.id)
        .options(joinedload(ReflectionNote.author))
        .order_by(ReflectionNote.created_at)
    ).all()


def own_reflection(presentation, user):
    """What this person wrote for the presenter, or None."""
    return db.session.scalar(
        select(ReflectionNote).where(
            ReflectionNote.presentation_id == presentation.id, ReflectionNote.author_id == user.id
        )
    )


@dataclass
class SessionRota:
    """One session's presenters, its reserve list in fair order, and withdrawn sign-ups."""

    course_session: CourseSession
    presenting: list = field(default_factory=list)
    reserves: list = field(default_factory=list)  # (presentation, is_repeat presenter)
    closed: list = field(default_factory=list)
    away: set = field(default_factory=set)  # presenter ids who sent apologies for the session

    @property
    def free_slots(self):
        """Slots nobody holds yet."""
        return max(self.course_session.presentation_slots - len(self.presenting), 0)

    def mine(self, user_id):
        """This person's live sign-up for the session, or None."""
        for presentation in self.presenting + [p for p, _ in self.reserves]:
            if presentation.presenter_id == user_id:
                return presentation
        return None


@dataclass
class CohortRota:
    """The whole cohort's rota and who has not presented yet."""

    sessions: list
    not_presented: list
    booked: list  # confirmed for a later session, not presented yet
    given: set = field(default_factory=set)  # ids of people who have given a presentation


def _with_people(statement):
    """Presentations with their presenter, interviewer and timekeeper; slot holders first."""
    return statement.options(
        joinedload(Presentation.presenter),
        joinedload(Presentation.interviewer),
        joinedload(Presentation.timekeeper),
    ).order_by(Presentation.slot, Presentation.position, Presentation.id)


def cohort_rota(cohort_id):
    """Every session: presenters, reserves, apologies; who has not presented: 4 queries."""
    sessions = cohort_sessions(cohort_id)
    presentations = db.session.scalars(
        _with_people(
            select(Presentation)
            .join(CourseSession, CourseSession.id == Presentation.session_id)
            .where(CourseSession.cohort_id == cohort_id)
        )
    ).all()
    members = db.session.scalars(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(
            CohortMember.cohort_id == cohort_id,
            User.role.in_(ATTENDING_ROLES),
            User.active.is_(True),
        )
        .order_by(User.name)
    ).all()
    presented = {p.presenter_id for p in presentations if p.status in HOLDS_SLOT}
    given = {p.presenter_id for p in presentations if p.status == PresentationStatus.GIVEN}
    by_session = {s.id: SessionRota(s) for s in sessions}
    for presentation in presentations:
        rota = by_session[presentation.session_id]
        if presentation.status in HOLDS_SLOT:
            rota.presenting.append(presentation)
        elif presentation.status == PresentationStatus.RESERVE:
            rota.reserves.append(presentation)
        else:
            rota.closed.append(presentation)
    away = apologies_by_session(list(by_session))
    for rota in by_session.values():
        rota.away = away.get(rota.course_session.id, set())
        ordered = reserve_order(rota.reserves, presented)
        rota.reserves = [(p, p.presenter_id in presented) for p in ordered]
    return CohortRota(
        sessions=list(by_session.values()),
        not_presented=[m for m in members if m.id not in presented],
        booked=[m for m in members if m.id in presented and m.id not in given],
        given=given,
    )


def session_presentations(session_id):
    """A session's sign-ups with their presenters, slot holders first: 1 query."""
    return db.session.scalars(
        _with_people(select(Presentation).where(Presentation.session_id == session_id))
    ).all()


def session_presentations_and_away(session_id):
    """(the session's sign-ups as `session_presentations` gives them, the ids of their
    presenters who sent apologies for it): 1 query."""
    rows = db.session.execute(
        _with_people(
            select(
                Presentation, apologies_sent(Presentation.session_id, Presentation.presenter_id)
            ).where(Presentation.session_id == session_id)
        )
    ).all()
    return [p for p, _ in rows], {p.presenter_id for p, away in rows if away}


def ticked_items(session_id):
    """The keys of the run-sheet items trainers have ticked done for a session."""
    return set(
        db.session.scalars(select(RunSheetTick.item).where(RunSheetTick.session_id == session_id))
    )


def away_from(session_id):
    """The ids of people with apologies for the session, to flag them on the rota: 1 query."""
    return apologies_by_session([session_id])[session_id]


def presenter_ids(session_id):
    """The ids of the people presenting at a session (confirmed or given), for the register."""
    return set(
        db.session.scalars(
            select(Presentation.presenter_id).where(
                Presentation.session_id == session_id, Presentation.status.in_(HOLDS_SLOT)
            )
        )
    )


def is_away(session_id, user_id):
    """Whether this person has apologies for the session: 1 query."""
    return user_id in apologies_by_session([session_id], [user_id])[session_id]


def member_glance(user, cohort_id, now=None):
    """A member's home page, in one query: (everything they have signed up for in the cohort,
    by session; the recent presentations at sessions they attended that they have not
    reflected on, by session and slot; the sessions of their own sign-ups that they sent
    apologies for)."""
    now = now or utcnow()
    to_reflect = and_(
        CourseSession.ends_at <= now,
        CourseSession.ends_at > now - REFLECTION_WINDOW,
        Presentation.status.in_(HOLDS_SLOT),
        Presentation.presenter_id != user.id,
        exists().where(
            AttendanceMark.session_id == Presentation.session_id,
            AttendanceMark.user_id == user.id,
            AttendanceMark.status.in_(ATTENDED),
        ),
        ~exists().where(
            ReflectionNote.presentation_id == Presentation.id,
            ReflectionNote.author_id == user.id,
        ),
    )
    rows = db.session.execute(
        select(Presentation, apologies_sent(Presentation.session_id, Presentation.presenter_id))
        .join(CourseSession, CourseSession.id == Presentation.session_id)
        .where(
            CourseSession.cohort_id == cohort_id,
            or_(Presentation.presenter_id == user.id, to_reflect),
        )
        .options(joinedload(Presentation.presenter), joinedload(Presentation.course_session))
        .order_by(CourseSession.number, Presentation.slot, Presentation.id)
    ).all()
    mine = sorted(
        (p for p, _ in rows if p.presenter_id == user.id),
        key=lambda p: (p.course_session.number, p.id),
    )
    others = [p for p, _ in rows if p.presenter_id != user.id]
    away = {p.session_id for p, sent in rows if sent and p.presenter_id == user.id}
    return mine, others, away
