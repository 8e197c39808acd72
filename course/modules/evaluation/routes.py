"""Questionnaires: the evaluator builds and opens them; everyone asked sees what is waiting.

routes_answer.py (answering) and routes_results.py (results, excerpts, exports) add their
routes to this blueprint.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from course import audit
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import ATTENDING_ROLES, Role
from course.modules.evaluation import impact, reminders, services
from course.modules.evaluation.forms import NO_SESSION, NewQuestionnaireForm, SettingsForm
from course.modules.evaluation.models import Audience, Kind, Status
from course.modules.programme.services import cohort_sessions
from course.permissions import current_cohort_or_404, role_required
from course.timeutil import utcnow

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")
READER_ROLES = (Role.EVALUATOR, Role.TRAINER, Role.SENIOR_MANAGER, Role.PARTICIPANT)


@bp.context_processor
def anonymity_threshold():
    """Every evaluation page can say what K is."""
    return {"k": services.k_anonymity()}


def evaluators_questionnaire_or_404(questionnaire_id):
    """A questionnaire of the evaluator's cohort."""
    return services.get_questionnaire_or_404(questionnaire_id, current_user)


def _session_choices(cohort_id):
    return [(NO_SESSION, "None")] + [(s.id, s.label) for s in cohort_sessions(cohort_id)]


@bp.route("/")
@role_required(*READER_ROLES)
def index():
    """The evaluator's and trainers' list with response rates; what is waiting for the others."""
    cohort = current_cohort_or_404()
    k = services.k_anonymity()
    if current_user.role in ATTENDING_ROLES:
        return render_template(
            "evaluation/mine.html",
            cohort=cohort,
            impact_released=impact.is_released(cohort.id) is not None,
            waiting=services.waiting_for(current_user, cohort.id),
            released=services.released_for(current_user, cohort.id),
        )
    questionnaires = [
        q
        for q in services.cohort_questionnaires(cohort.id)
        if q.audience != Audience.SUPERVISEES  # their own pages: /evaluation/supervisees/
    ]
    if current_user.role == Role.TRAINER:
        questionnaires = [q for q in questionnaires if q.status != Status.DRAFT]
    published = [q for q in questionnaires if q.status != Status.DRAFT]
    rates = services.cohort_response_rates(cohort.id, published, k)
    return render_template(
        "evaluation/index.html", cohort=cohort, questionnaires=questionnaires, rates=rates,
        now=utcnow(),
        impact_released=current_user.role == Role.TRAINER and impact.is_released(cohort.id),
    )  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.EVALUATOR)
def new():
    """Create a questionnaire, from the site's starting questions or empty."""
    cohort = current_cohort_or_404()
    form = NewQuestionnaireForm()
    form.session_id.choices = _session_choices(cohort.id)
    if form.validate_on_submit():
        questionnaire = services.create_questionnaire(
            cohort.id,
            kind=Kind(form.kind.data),
            title=form.title.data.strip(),
            opens_at=form.opens_at(),
            closes_at=form.closes_at(),
            audience=form.audience.data,
            anonymity=form.anonymity.data,
            session_id=form.session_id.data or None,
            from_template=form.from_template.data,
            remind_days_before=form.remind_days_before.data,
        )
        audit.record("evaluation.created", questionnaire)
        db.session.commit()
        flash(
            "The questionnaire is saved as a draft. Check its questions, then open it.", "success"
        )
        return redirect(url_for("evaluation.manage", questionnaire_id=questionnaire.id))
    return render_template("evaluation/new.html", form=form)


@bp.route("/<int:questionnaire_id>")
@role_required(Role.EVALUATOR)
def manage(questionnaire_id):
    """One questionnaire: its settings, questions, response rate and actions."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    k = services.k_anonymity()
    return render_template(
        "evaluation/manage.html",
        questionnaire=questionnaire,
        items=services.items_of(questionnaire.id),
        frozen=services.has_answers(questionnaire),
        rate=services.response_rate(questionnaire, k),
        state=questionnaire.state(),
        form=EmptyForm(),
    )


@bp.route("/<int:questionnaire_id>/settings", methods=["GET", "POST"])
@role_required(Role.EVALUATOR)
def settings(questionnaire_id):
    """Change the title, introduction and window; the audience only before any answer."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    frozen = services.has_answers(questionnaire)
    form = SettingsForm(obj=questionnaire)
    form.session_id.choices = _session_choices(questionnaire.cohort_id)
    if not form.is_submitted():
        form.fill_window(questionnaire)
        form.session_id.data = questionnaire.session_id or NO_SESSION
    if form.validate_on_submit():
        questionnaire.title = form.title.data.strip()
        questionnaire.introduction = form.introduction.data.strip()
        questionnaire.session_id = form.session_id.data or None
        if not frozen:
            questionnaire.audience = form.audience.data
        questionnaire.opens_at, questionnaire.closes_at = form.opens_at(), form.closes_at()
        questionnaire.remind_days_before = form.remind_days_before.data
        if questionnaire.status == Status.CLOSED and questionnaire.closes_at > utcnow():
            questionnaire.status = Status.OPEN.value  # moving the window on reopens it
        db.session.commit()
        flash("The questionnaire's settings are saved.", "success")
        return redirect(url_for("evaluation.manage", questionnaire_id=questionnaire.id))
    return render_template(
        "evaluation/settings.html", form=form, questionnaire=questionnaire, frozen=frozen
    )


@bp.post("/<int:questionnaire_id>/open")
@role_required(Role.EVALUATOR)
def open_(questionnaire_id):
    """Publish the questionnaire: it is answered within its window."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if services.open_questionnaire(questionnaire):
        audit.record("evaluation.opened", questionnaire)
        db.session.commit()
        flash("The questionnaire is open within its window.", "success")
    else:
        flash("Add at least one question before opening it.", "error")
    return redirect(url_for("evaluation.manage", questionnaire_id=questionnaire.id))


@bp.post("/<int:questionnaire_id>/close")
@role_required(Role.EVALUATOR)
def close(questionnaire_id):
    """Stop answering now."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    if not EmptyForm().validate_on_submit() or questionnaire.status == Status.DRAFT:
        abort(400)
    services.close_questionnaire(questionnaire)
    audit.record("evaluation.closed", questionnaire)
    db.session.commit()
    flash("The questionnaire is closed.", "success")
    return redirect(url_for("evaluation.manage", questionnaire_id=questionnaire.id))


@bp.post("/<int:questionnaire_id>/release")
@role_required(Role.EVALUATOR)
def release(questionnaire_id):
    """Release the results to trainers and senior managers, and the summary to participants."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not questionnaire.is_closed():
        flash("Results can be released once the questionnaire has closed.", "error")
    else:
        services.release_results(questionnaire)
        audit.record("evaluation.results_released", questionnaire)
        db.session.commit()
        flash("The results are released to trainers and senior managers.", "success")
    return redirect(url_for("evaluation.manage", questionnaire_id=questionnaire.id))


@bp.post("/<int:questionnaire_id>/remind")
@role_required(Role.EVALUATOR)
def remind(questionnaire_id):
    """Remind those who have not answered; the page says how many, never who."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    added = reminders.remind_now(questionnaire)
    audit.record("evaluation.reminded", questionnaire, reminders=added)
    db.session.commit()
    flash(
        f"{added} reminder{'s' if added != 1 else ''} queued."
        if added
        else "No reminder queued: everyone has answered, it is not open, or they were "
        "reminded today.",
        "success" if added else "info",
    )
    return redirect(url_for("evaluation.manage", questionnaire_id=questionnaire.id))
