"""The rota for members: see it, sign up with an anonymised brief, read a presentation, withdraw."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course import audit
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import ATTENDING_ROLES, Role
from course.modules.presentations import after_session, queries, services
from course.modules.presentations.anonymisation import find_sensitive_terms
from course.modules.presentations.forms import (
    BRIEF_MAX,
    BriefForm,
    FollowUpForm,
    ReflectionForm,
    SignUpForm,
)
from course.modules.presentations.models import ACTIVE, HOLDS_SLOT, OPEN, PresentationStatus
from course.modules.supervision.summary import presentation_start
from course.permissions import current_cohort, get_course_session_or_404, role_required
from course.text import render_markdown
from course.timeutil import utcnow

bp = Blueprint("presentations", __name__, url_prefix="/presentations", cli_group=None)
MEMBERS = (*ATTENDING_ROLES, Role.TRAINER)
SENSITIVE_REMINDER = (
    "Your brief mentions health, religion, sexuality, immigration or offences. Keep such "
    "details only where the group needs them for the learning point; you can change the brief."
)


@bp.route("/")
@role_required(*MEMBERS)
def index():
    """Trainers: the rota. Members: sessions to sign up for, who presents when, my sign-ups."""
    cohort = current_cohort()
    if cohort is None:
        return render_template("presentations/no_cohort.html")
    rota = queries.cohort_rota(cohort.id)
    now = utcnow()
    if current_user.role == Role.TRAINER:
        movable = [
            r.course_session
            for r in rota.sessions
            if not services.sign_up_problem(r.course_session, now)
        ]
        return render_template(
            "presentations/rota.html", cohort=cohort, rota=rota, movable=movable, now=now
        )
    upcoming = [
        {
            "rota": r,
            "mine": r.mine(current_user.id),
            "place": _reserve_place(r, r.mine(current_user.id)),
            "closed": services.sign_up_problem(r.course_session, now),
        }
        for r in rota.sessions
        if not r.course_session.has_started(now)
    ]
    mine = [
        (r.course_session, p, _reserve_place(r, p))
        for r in rota.sessions
        for p in r.presenting + [p for p, _ in r.reserves] + r.closed
        if p.presenter_id == current_user.id
    ]
    return render_template(
        "presentations/index.html",
        cohort=cohort,
        upcoming=upcoming,
        past=[r for r in rota.sessions if r.course_session.has_started(now) and r.presenting],
        mine=mine,
        not_presented_count=len(rota.not_presented),
    )


def _reserve_place(session_rota, presentation):
    """1 for the first on a reserve list, and so on; None when not on it."""
    for place, (reserve, _repeat) in enumerate(session_rota.reserves, start=1):
        if presentation is not None and reserve.id == presentation.id:
            return place
    return None


@bp.route("/<int:session_id>/signup", methods=["GET", "POST"])
@role_required(*ATTENDING_ROLES)
def signup(session_id):
    """Sign up to present a case at a future session, with a checked brief and the ground rules."""
    course_session = get_course_session_or_404(session_id)
    presentations = queries.session_presentations(course_session.id)
    existing = next(
        (p for p in presentations if p.presenter_id == current_user.id and p.status in ACTIVE),
        None,
    )
    if existing is not None:
        flash("You are already signed up to present at this session.", "success")
        return redirect(url_for("presentations.detail", presentation_id=existing.id))
    closed = services.sign_up_problem(course_session)
    problem = closed
    form = SignUpForm()
    start = presentation_start(
        current_user, request.args.get("supervision", 0, type=int), brief_max=BRIEF_MAX
    )
    if start and not form.is_submitted():  # "bring this supervision to the reflecting team"
        form.title.data, form.brief.data, form.kind.data = start
    if not closed and form.validate_on_submit():
        try:
            presentation = services.sign_up(
                course_session,
                current_user,
                kind=form.kind.data,
                title=form.title.data.strip(),
                brief=form.brief.data.strip(),
            )
        except services.RotaError as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            flash(_signed_up_message(presentation, course_session), "success")
            if find_sensitive_terms(presentation.title + " " + presentation.brief):
                flash(SENSITIVE_REMINDER, "info")
            return redirect(url_for("presentations.detail", presentation_id=presentation.id))
    held = [p for p in presentations if p.status in HOLDS_SLOT]
    return render_template(
        "presentations/signup.html",
        course_session=course_session,
        form=form,
        problem=problem,
        closed=closed,
        report=form.anonymisation_report(),
        free_slots=max(course_session.presentation_slots - len(held), 0),
        kept_for_first_timers=current_user.id in services.presented_ids(course_session.cohort_id)
        and services.first_timers_remain(course_session.cohort_id),
        reserves=sum(p.status == PresentationStatus.RESERVE for p in presentations),
    )


def _signed_up_message(presentation, course_session):
    """What the new presenter is told about where they stand."""
    if presentation.status == PresentationStatus.CONFIRMED:
        return (
            f"You are presenting at session {course_session.number}. "
            "Everyone in the cohort can read your brief until it is deleted after the session."
        )
    if services.presented_ids(course_session.cohort_id) & {presentation.presenter_id}:
        return (
            f"You are on the reserve list for session {course_session.number}. You have "
            "presented (or are booked to) already, so members who have not presented yet go "
            "ahead of you."
        )
    return (
        f"Session {course_session.number} is full, so you are on its reserve list. "
        "If a presenter withdraws, the first on the list moves up and is told."
    )


@bp.route("/<int:presentation_id>")
@role_required(*MEMBERS)
def detail(presentation_id):
    """One presentation: the brief while it exists; reflections for the presenter and trainers."""
    presentation = queries.get_presentation_or_404(presentation_id, current_user)
    return render_detail(presentation)


def render_detail(presentation, reflection_form=None, follow_up_form=None):
    """The presentation page, with any form that failed kept as typed."""
    user, now = current_user, utcnow()
    is_presenter = presentation.presenter_id == user.id
    is_trainer = user.role == Role.TRAINER
    reflections, own = [], None
    if is_presenter or is_trainer:
        reflections = queries.reflections_for(presentation)
    else:
        own = queries.own_reflection(presentation, user)
    can_reflect = after_session.reflection_problem(presentation, user, now) is None
    if can_reflect and reflection_form is None:
        reflection_form = ReflectionForm(text=own.text if own else None)
    can_follow_up = after_session.follow_up_problem(presentation, user, now) is None
    if can_follow_up and follow_up_form is None:
        follow_up_form = FollowUpForm(text=presentation.follow_up)
    course_session = presentation.course_session
    page = render_template(
        "presentations/detail.html",
        presentation=presentation,
        course_session=course_session,
        brief=render_markdown(presentation.brief) if presentation.brief else None,
        is_presenter=is_presenter,
        is_trainer=is_trainer,
        reflections=reflections,
        own_reflection=own,
        reflection_form=reflection_form if can_reflect else None,
        follow_up_form=follow_up_form if can_follow_up else None,
        cautions=find_sensitive_terms(f"{presentation.title} {presentation.brief or ''}")
        if is_presenter
        else [],
        can_edit=is_presenter and _can_edit(presentation, now),
        can_withdraw=is_presenter and _can_withdraw(presentation, now),
        cutoff=services.withdrawal_cutoff(course_session),
        presenter_away=(is_presenter or is_trainer)
        and queries.is_away(course_session.id, presentation.presenter_id),
        cutoff_hours=current_app.config["COURSE_PRESENTATION_CUTOFF_HOURS"],
        retention_days=current_app.config["COURSE_BRIEF_RETENTION_DAYS"],
        empty_form=EmptyForm(),
    )
    if is_trainer:  # a staff read of case material; committed after rendering, which needs it
        audit.record(
            "presentation_viewed",
            presentation,
            brief_shown=presentation.brief is not None,
            reflections_shown=len(reflections),
        )
        db.session.commit()
    return page


def _can_edit(presentation, now):
    """A live sign-up's brief can change until the session starts (and while it exists)."""
    return (
        presentation.status in OPEN
        and presentation.brief is not None
        and not presentation.course_session.has_started(now)
    )


def _can_withdraw(presentation, now):
    """Reserves until the session starts; confirmed presenters until the cut-off."""
    if presentation.status == PresentationStatus.RESERVE:
        return not presentation.course_session.has_started(now)
    if presentation.status == PresentationStatus.CONFIRMED:
        return now < services.withdrawal_cutoff(presentation.course_session)
    return False


@bp.route("/<int:presentation_id>/edit", methods=["GET", "POST"])
@role_required(*ATTENDING_ROLES)
def edit(presentation_id):
    """The presenter changes the kind, title or brief before the session; checked again."""
    presentation = queries.get_presentation_or_404(presentation_id, current_user)
    if presentation.presenter_id != current_user.id or not _can_edit(presentation, utcnow()):
        flash("This brief can no longer be changed.", "error")
        return redirect(url_for("presentations.detail", presentation_id=presentation.id))
    form = BriefForm(obj=presentation)
    if form.validate_on_submit():
        try:
            services.update_brief(
                presentation,
                kind=form.kind.data,
                title=form.title.data.strip(),
                brief=form.brief.data.strip(),
            )
        except services.RotaError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Saved your brief.", "success")
            if find_sensitive_terms(presentation.title + " " + presentation.brief):
                flash(SENSITIVE_REMINDER, "info")
        return redirect(url_for("presentations.detail", presentation_id=presentation.id))
    return render_template(
        "presentations/edit.html",
        presentation=presentation,
        form=form,
        report=form.anonymisation_report(),
    )


@bp.post("/<int:presentation_id>/withdraw")
@role_required(*ATTENDING_ROLES)
def withdraw(presentation_id):
    """The presenter withdraws; the first reserve moves up and is told."""
    presentation = queries.get_presentation_or_404(presentation_id, current_user)
    if not EmptyForm().validate_on_submit() or presentation.presenter_id != current_user.id:
        return redirect(url_for("presentations.detail", presentation_id=presentation.id))
    try:
        services.withdraw(presentation, current_user)
    except services.RotaError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("presentations.detail", presentation_id=presentation_id))
    db.session.commit()
    flash("You have withdrawn. Thank you for letting the group know in good time.", "success")
    return redirect(url_for("presentations.index"))
