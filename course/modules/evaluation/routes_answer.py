"""Answering a questionnaire: save and come back, send once, and lose nothing to an expired
sign-in (the answers are kept as the person's draft, as the journal keeps text)."""

from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from wtforms import ValidationError

from course.extensions import csrf, db
from course.modules.accounts.models import ATTENDING_ROLES
from course.modules.evaluation import answering, services
from course.modules.evaluation.answering import MONTHS, Respondent
from course.modules.evaluation.models import LIKERT_LABELS, Questionnaire
from course.modules.evaluation.routes import bp
from course.modules.journal.drafts import writer_of_ended_session
from course.permissions import cohort_ids_for, role_required

SIGNED_OUT_MESSAGE = (
    "Your sign-in had ended, so your answers have been kept (not sent). "
    "Sign in again and they will be waiting for you."
)
EARLIER_FORM_MESSAGE = (
    "This page was opened before your latest sign-in, so your answers were not sent. "
    "They are kept here: check them and send them."
)


def _questionnaire_for(user, questionnaire_id):
    """A questionnaire of the user's cohorts, or None."""
    return db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.id == questionnaire_id,
            Questionnaire.cohort_id.in_(cohort_ids_for(user)),
        )
    )


def _token_is_valid():
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def keeps_answers(view):
    """A POST that cannot be accepted (sign-in ended, or a token from an earlier sign-in)
    becomes the person's draft instead of being refused. The CSRF check is made here: a POST
    without this sign-in's token never reaches the view, it only saves a draft."""

    @wraps(view)
    def wrapped(questionnaire_id):
        if request.method != "POST":
            return view(questionnaire_id)
        signed_in = current_user.is_authenticated
        if signed_in and _token_is_valid():
            return view(questionnaire_id)
        person = current_user._get_current_object() if signed_in else writer_of_ended_session()
        questionnaire = _questionnaire_for(person, questionnaire_id) if person else None
        if (
            questionnaire is None
            or not questionnaire.is_answerable()
            or services.has_answered(questionnaire, person)
        ):
            if signed_in:
                raise CSRFError("The CSRF token is missing or invalid.")
            return current_app.login_manager.unauthorized()
        items = services.items_of(questionnaire.id)
        raw = answering.raw_answers(items, request.form)
        answering.keep_draft(questionnaire, person.id, raw, reason="signed_out")
        db.session.commit()
        target = url_for("evaluation.answer", questionnaire_id=questionnaire.id)
        if signed_in:
            flash(EARLIER_FORM_MESSAGE, "info")
            return redirect(target)
        flash(SIGNED_OUT_MESSAGE, "info")
        return redirect(url_for("accounts.login", next=target))

    csrf.exempt(wrapped)
    return wrapped


def _render(questionnaire, items, values, errors, draft=None, status=200):
    return (
        render_template(
            "evaluation/answer.html",
            questionnaire=questionnaire,
            items=items,
            values=values,
            errors=errors,
            draft=draft,
            likert=list(enumerate(LIKERT_LABELS, start=1)),
            months=list(enumerate(MONTHS, start=1)),
            code_fields=answering.CODE_FIELDS,
        ),
        status,
    )


@bp.route("/<int:questionnaire_id>/answer", methods=["GET", "POST"])
@keeps_answers
@role_required(*ATTENDING_ROLES)
def answer(questionnaire_id):
    """Answer a questionnaire: save to come back, or send (once)."""
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, current_user)
    if not services.is_asked(questionnaire, current_user):
        abort(404)
    if services.has_answered(questionnaire, current_user):
        return render_template("evaluation/answered.html", questionnaire=questionnaire)
    if not questionnaire.is_answerable():
        return render_template("evaluation/not_open.html", questionnaire=questionnaire), 200
    items = services.items_of(questionnaire.id)
    if request.method == "GET":
        draft = answering.own_draft(questionnaire.id, current_user.id)
        return _render(questionnaire, items, answering.draft_answers(draft), {}, draft)
    if request.form.get("action") == "save":
        raw = answering.raw_answers(items, request.form)
        answering.keep_draft(questionnaire, current_user.id, raw)
        db.session.commit()
        flash(
            "Your answers so far are saved, not sent. Come back to finish them before it closes.",
            "success",
        )
        return redirect(url_for("evaluation.index"))
    read = answering.read_answers(items, request.form, with_code=questionnaire.paired)
    if not read.ok:
        return _render(questionnaire, items, read.raw, read.errors)
    k = services.k_anonymity()
    try:
        answering.submit(
            questionnaire,
            items,
            read.values,
            Respondent(user_id=current_user.id),
            role=services.recorded_role(questionnaire, current_user.role, k),
            pair_scope=questionnaire.cohort_id,
            k=k,
        )
    except answering.AlreadyAnswered:
        flash("You had already answered this questionnaire; your answers count once.", "info")
        return redirect(url_for("evaluation.answer", questionnaire_id=questionnaire.id))
    flash("Thank you: your answers are sent.", "success")
    return redirect(url_for("evaluation.answer", questionnaire_id=questionnaire.id))
