"""The presentations module's sections of the home and session pages (see programme/panels.py)."""

from flask import render_template
from markupsafe import Markup

from course.modules.accounts.models import ATTENDING_ROLES, Role
from course.modules.presentations import queries
from course.modules.presentations.models import ACTIVE, HOLDS_SLOT, OPEN, PresentationStatus
from course.modules.presentations.services import sign_up_problem
from course.timeutil import utcnow


def home_panel(user, cohort, next_session, counts):
    """Members: my sign-ups, a promotion from the reserve list, reflections to write.
    Trainers: the next session's presenters and which of them sent apologies. One query."""
    if cohort is None:
        return None
    now = utcnow()
    if user.role == Role.TRAINER:
        if next_session is None:
            return None
        presentations, away = queries.session_presentations_and_away(next_session.id)
        return Markup(  # noqa: S704 - Jinja escaped it  # nosec B704
            render_template(
                "presentations/_home_trainer.html",
                next_session=next_session,
                presenting=[p for p in presentations if p.status in HOLDS_SLOT],
                reserves=sum(p.status == PresentationStatus.RESERVE for p in presentations),
                away=away,
            )
        )
    if user.role not in ATTENDING_ROLES:
        return None
    mine, to_reflect, away_sessions = queries.member_glance(user, cohort.id, now)
    coming = [p for p in mine if p.status in OPEN and not p.course_session.is_past(now)]
    return Markup(  # noqa: S704 - Jinja escaped it  # nosec B704
        render_template(
            "presentations/_home_member.html",
            coming=coming,
            promoted=[p for p in coming if p.promoted_at and p.status == "confirmed"],
            to_reflect=to_reflect,
            has_presented=any(p.status == PresentationStatus.GIVEN for p in mine),
            away_sessions=away_sessions,
        )
    )


def session_panel(user, course_session):
    """Who presents at this session (and who of them sent apologies), the reserve list's length,
    and a sign-up link: 1 query."""
    if user.role not in (*ATTENDING_ROLES, Role.TRAINER):
        return None
    presentations, away = queries.session_presentations_and_away(course_session.id)
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
            away=away,
        )
    )
