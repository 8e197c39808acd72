"""The presentations module's sections of the home and session pages (see programme/panels.py)."""

from flask import render_template
from markupsafe import Markup

from course.modules.accounts.models import ATTENDING_ROLES, Role
from course.modules.attendance.records import apologies_by_session
from course.modules.presentations import queries
from course.modules.presentations.models import ACTIVE, HOLDS_SLOT, OPEN, PresentationStatus
from course.modules.presentations.services import sign_up_problem
from course.timeutil import utcnow


def home_panel(user, cohort, next_session):
    """Members: my sign-ups, a promotion from the reserve list, reflections to write.
    Trainers: the next session's presenters. Three queries at most."""
    if cohort is None:
        return None
    now = utcnow()
    if user.role == Role.TRAINER:
        if next_session is None:
            return None
        presentations = queries.session_presentations(next_session.id)
        return Markup(  # noqa: S704 - Jinja escaped it  # nosec B704
            render_template(
                "presentations/_home_trainer.html",
                next_session=next_session,
                presenting=[p for p in presentations if p.status in HOLDS_SLOT],
                reserves=sum(p.status == PresentationStatus.RESERVE for p in presentations),
                away=queries.away_from(next_session.id),
            )
        )
    if user.role not in ATTENDING_ROLES:
        return None
    mine = queries.my_presentations(user, cohort.id)
    coming = [p for p in mine if p.status in OPEN and not p.course_session.is_past(now)]
    away = apologies_by_session([p.session_id for p in coming], [user.id])
    return Markup(  # noqa: S704 - Jinja escaped it  # nosec B704
        render_template(
            "presentations/_home_member.html",
            coming=coming,
            promoted=[p for p in coming if p.promoted_at and p.status == "confirmed"],
            to_reflect=queries.reflections_to_write(user, cohort.id, now),
            has_presented=any(p.status == PresentationStatus.GIVEN for p in mine),
            away_sessions={sid for sid, ids in away.items() if ids},
        )
    )


def session_panel(user, course_session):
    """Who presents at this session, the reserve list's length, and a sign-up link: 1 query."""
    if user.role not in (*ATTENDING_ROLES, Role.TRAINER):
        return None
    presentations = queries.session_presentations(course_session.id)
    mine = next(
        (p for p in presentations if p.presenter_id == user.id and p.status in ACTIVE), None
    )
    return Markup(  # noqa: S704 - Jinja escaped it  # nosec B704
        render_template(
            "presentations/_session_panel.html",
            course_session=course_session,
            presenting=[p for p in presentations if p.status in HOLDS_SLOT],
            reserves=sum(p.status == PresentationStatus.RESERVE for p in presentations),
            mine=mine,
            can_sign_up=user.role in ATTENDING_ROLES
            and mine is None
            and sign_up_problem(course_session) is None,
            is_trainer=user.role == Role.TRAINER,
            away=queries.away_from(course_session.id),
        )
    )
