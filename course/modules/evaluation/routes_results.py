"""Results (with small numbers hidden), the participants' summary, free-text excerpts and the
evaluator's exports."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from course import audit
from course.csv_export import csv_download
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import ATTENDING_ROLES, Role
from course.modules.evaluation import charts, exports, services
from course.modules.evaluation.forms import ExcerptForm
from course.modules.evaluation.models import Audience, Excerpt, ItemKind, Status
from course.modules.evaluation.results import counted_responses, questionnaire_results
from course.modules.evaluation.routes import bp, evaluators_questionnaire_or_404
from course.permissions import role_required
from course.timeutil import utcnow

RESULT_ROLES = (Role.EVALUATOR, Role.TRAINER, Role.SENIOR_MANAGER)


def _results_context(questionnaire, evaluator):
    """The results, the chart and who may see what."""
    k = services.k_anonymity()
    interim = not questionnaire.is_closed()
    results = questionnaire_results(
        questionnaire, k, interim=interim, with_texts=evaluator, released_only=not evaluator
    )
    rows = [
        (f"Q{r.item.position}", r.counts if r.answered.shown else None)
        for r in results.likert_results
    ]
    return dict(
        questionnaire=questionnaire,
        results=results,
        chart=charts.diverging_chart(rows) if rows and results.enough else None,
        evaluator=evaluator,
        rate=services.response_rate(questionnaire, k),
        ItemKind=ItemKind,
    )


@bp.route("/<int:questionnaire_id>/results")
@role_required(*RESULT_ROLES)
def results(questionnaire_id):
    """The evaluator's results (interim before closing); others' once released."""
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, current_user)
    evaluator = current_user.role == Role.EVALUATOR
    if questionnaire.status == Status.DRAFT or not (evaluator or questionnaire.released):
        abort(404)
    if questionnaire.audience == Audience.SUPERVISEES:  # cohort figures only when closed
        return redirect(url_for("evaluation.supervisee_cohort"))
    return render_template("evaluation/results.html", **_results_context(questionnaire, evaluator))


@bp.route("/<int:questionnaire_id>/summary")
@role_required(*ATTENDING_ROLES)
def summary(questionnaire_id):
    """What the cohort said: a short summary of released results, for those who were asked."""
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, current_user)
    if not questionnaire.released or current_user.role not in questionnaire.audience_enum.roles:
        abort(404)
    k = services.k_anonymity()
    return render_template(
        "evaluation/summary.html",
        questionnaire=questionnaire,
        results=questionnaire_results(questionnaire, k),
    )


def _excerpt_form(questionnaire):
    form = ExcerptForm()
    form.item_id.choices = [
        (i.id, f"Q{i.position}: {i.wording}")
        for i in services.items_of(questionnaire.id)
        if i.kind == ItemKind.TEXT
    ]
    return form


@bp.route("/<int:questionnaire_id>/excerpts", methods=["GET", "POST"])
@role_required(Role.EVALUATOR)
def excerpts(questionnaire_id):
    """The free-text answers (evaluator only) and the excerpts written from them."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    _closed_if_supervisees(questionnaire)
    form = _excerpt_form(questionnaire)
    if form.validate_on_submit():
        db.session.add(
            Excerpt(questionnaire_id=questionnaire.id, item_id=form.item_id.data,
                    text=form.text.data.strip())
        )  # fmt: skip
        db.session.commit()
        flash("The excerpt is saved. Release it when it is ready to be read by others.", "success")
        return redirect(url_for("evaluation.excerpts", questionnaire_id=questionnaire.id))
    context = _results_context(questionnaire, evaluator=True)
    audit.record("evaluation.free_text_read", questionnaire)
    db.session.commit()
    return render_template("evaluation/excerpts.html", form=form, empty_form=EmptyForm(), **context)


def _excerpt_or_404(questionnaire, excerpt_id):
    excerpt = db.session.scalar(
        select(Excerpt).where(
            Excerpt.id == excerpt_id, Excerpt.questionnaire_id == questionnaire.id
        )
    )
    if excerpt is None:
        abort(404)
    return excerpt


@bp.post("/<int:questionnaire_id>/excerpts/<int:excerpt_id>/release")
@role_required(Role.EVALUATOR)
def release_excerpt(questionnaire_id, excerpt_id):
    """Release one excerpt: it appears with the released results."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    excerpt = _excerpt_or_404(questionnaire, excerpt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    excerpt.released_at = excerpt.released_at or utcnow()
    db.session.commit()
    flash("The excerpt is released.", "success")
    return redirect(url_for("evaluation.excerpts", questionnaire_id=questionnaire.id))


@bp.post("/<int:questionnaire_id>/excerpts/<int:excerpt_id>/delete")
@role_required(Role.EVALUATOR)
def delete_excerpt(questionnaire_id, excerpt_id):
    """Remove an excerpt."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    excerpt = _excerpt_or_404(questionnaire, excerpt_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(excerpt)
    db.session.commit()
    flash("The excerpt is removed.", "success")
    return redirect(url_for("evaluation.excerpts", questionnaire_id=questionnaire.id))


def _closed_if_supervisees(questionnaire):
    """A supervisee round's answers are read only once it has closed (its teams' batches
    would otherwise show, look by look); 404 before."""
    if questionnaire.audience == Audience.SUPERVISEES and not questionnaire.is_closed():
        abort(404)


def _exportable(questionnaire_id):
    """The questionnaire, if it has K responses counted; else 404."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    _closed_if_supervisees(questionnaire)
    k = services.k_anonymity()
    counted = counted_responses(questionnaire, interim=not questionnaire.is_closed())
    if questionnaire.status == Status.DRAFT or counted < k:
        abort(404)
    return questionnaire


@bp.route("/<int:questionnaire_id>/answers.csv")
@role_required(Role.EVALUATOR)
def answers_csv(questionnaire_id):
    """The anonymous answers, one row per response (audited)."""
    questionnaire = _exportable(questionnaire_id)
    items = services.items_of(questionnaire.id)
    header, rows = exports.answers_table(
        questionnaire, items, interim=not questionnaire.is_closed()
    )
    audit.record("evaluation.exported", questionnaire, export="answers", rows=len(rows))
    db.session.commit()
    return csv_download(f"questionnaire-{questionnaire.id}-answers.csv", header, rows)


@bp.route("/<int:questionnaire_id>/codebook.csv")
@role_required(Role.EVALUATOR)
def codebook_csv(questionnaire_id):
    """The codebook for the answers export (audited)."""
    questionnaire = _exportable(questionnaire_id)
    header, rows = exports.codebook(questionnaire, services.items_of(questionnaire.id))
    audit.record("evaluation.exported", questionnaire, export="codebook")
    db.session.commit()
    return csv_download(f"questionnaire-{questionnaire.id}-codebook.csv", header, rows)
