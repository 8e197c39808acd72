"""The supervisee survey for staff: team links, the printable invitation, and who sees what.

A manager (participant) gets a link per round for their own team, sees that team's figures
once at least K answered (in whole batches of K), and nobody else ever opens that page.
The evaluator, trainers and senior managers see the cohort's figures across teams, only for
a closed round, at least K answers from at least two teams; free text reaches the evaluator only.
"""

import segno
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from course import audit
from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Role
from course.modules.evaluation import charts, services
from course.modules.evaluation import supervisee_links as links
from course.modules.evaluation.forms import SurveyLinkForm
from course.modules.evaluation.models import Audience, Kind
from course.modules.evaluation.results import counted_responses, questionnaire_results
from course.modules.evaluation.routes import bp
from course.modules.evaluation.supervisee_figures import cohort_round_figures
from course.permissions import current_cohort_or_404, role_required
from course.site_address import absolute_url

VIEWERS = (Role.PARTICIPANT, Role.TRAINER, Role.EVALUATOR, Role.SENIOR_MANAGER)
COHORT_VIEWERS = (Role.TRAINER, Role.EVALUATOR, Role.SENIOR_MANAGER)


def _chart(results):
    rows = [
        (f"Q{r.item.position}", r.counts if r.answered.shown else None)
        for r in results.likert_results
    ]
    return charts.diverging_chart(rows) if rows and results.enough else None


@bp.route("/supervisees/", methods=["GET", "POST"])
@role_required(*VIEWERS)
def supervisees():
    """Managers: links for their team. Trainers: every team's link, to close or replace."""
    cohort = current_cohort_or_404()
    form = SurveyLinkForm()
    rounds = links.rounds_of(cohort.id)
    form.round.choices = [
        (kind.value, label)
        for kind, label in links.ROUND_LABELS.items()
        if kind not in rounds or rounds[kind].is_answerable()
    ]
    if current_user.role == Role.PARTICIPANT and form.validate_on_submit():
        try:
            link = links.create_link(
                current_user, cohort.id, Kind(form.round.data), form.team_size.data
            )
        except links.LinkExists as error:
            form.round.errors = [str(error)]
        else:
            audit.record("evaluation.survey_link_created", link)
            db.session.commit()
            flash("Your team's link is ready: pass it on, or print the invitation.", "success")
            return redirect(url_for("evaluation.supervisees"))
    own = current_user.role == Role.PARTICIPANT
    return render_template(
        "evaluation/supervisees.html",
        cohort=cohort,
        form=form,
        own=own,
        links=links.links_of_manager(current_user.id, cohort.id) if own else [],
        team_links=links.cohort_links(cohort.id) if current_user.role in COHORT_VIEWERS else [],
        can_manage=current_user.role == Role.TRAINER,
        caps={},
        cap=links.cap,
        margin=links.margin,
        labels=links.ROUND_LABELS,
        Kind=Kind,
        survey_url=lambda link: absolute_url("survey.answer", token=link.token),
        button=EmptyForm(),
    )


def _change_link(link_id, change, message, action):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    link = links.managed_link_or_404(link_id, current_user)
    change(link)
    audit.record(action, link)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("evaluation.supervisees"))


@bp.route("/supervisees/links/<int:link_id>/close", methods=["POST"])
@role_required(Role.PARTICIPANT, Role.TRAINER)
def close_survey_link(link_id):
    """Stop a link taking answers."""
    return _change_link(
        link_id, links.close_link, "The link is closed: it takes no more answers.",
        "evaluation.survey_link_closed",
    )  # fmt: skip


@bp.route("/supervisees/links/<int:link_id>/replace", methods=["POST"])
@role_required(Role.PARTICIPANT, Role.TRAINER)
def replace_survey_link(link_id):
    """A new address for the team; the old one stops working."""
    return _change_link(
        link_id, links.replace_link,
        "The link is replaced: the old address no longer works. Answers already given still count.",
        "evaluation.survey_link_replaced",
    )  # fmt: skip


@bp.route("/supervisees/links/<int:link_id>/invitation")
@role_required(Role.PARTICIPANT, Role.TRAINER)
def survey_invitation(link_id):
    """A one-page invitation to print for a team meeting, with the address as a QR code."""
    link = links.managed_link_or_404(link_id, current_user)
    address = absolute_url("survey.answer", token=link.token)
    qr = segno.make(address, error="m")
    svg = qr.svg_inline(scale=4, title="QR code for the survey's address", svgclass="qr")
    return render_template(
        "evaluation/invitation.html",
        link=link,
        address=address,
        qr_svg=Markup(svg),  # noqa: S704  # nosec B704 - segno's SVG of our own address
        open=links.accepting(link),
    )


@bp.route("/supervisees/team/<int:link_id>")
def team_results(link_id):
    """A manager's own team's figures (whole batches of K), with the change from baseline."""
    if not current_user.is_authenticated:
        abort(404)
    link = links.own_link_or_404(link_id, current_user)
    k = services.k_anonymity()
    results = questionnaire_results(link.questionnaire, k, team_link_id=link.id)
    baseline = None
    if link.questionnaire.kind != Kind.BASELINE:
        baseline_link = next(
            (
                other
                for other in links.links_of_manager(current_user.id, link.questionnaire.cohort_id)
                if other.questionnaire.kind == Kind.BASELINE
            ),
            None,
        )
        if baseline_link is not None:
            baseline = questionnaire_results(
                baseline_link.questionnaire, k, team_link_id=baseline_link.id
            )
    return render_template(
        "evaluation/team_results.html",
        link=link,
        results=results,
        baseline=baseline,
        chart=_chart(results),
        pairs=list(zip(baseline.likert_results, results.likert_results, strict=False))
        if baseline
        else [],
        label=links.ROUND_LABELS[Kind(link.questionnaire.kind)],
    )


@bp.route("/supervisees/cohort")
@role_required(*COHORT_VIEWERS)
def supervisee_cohort():
    """The cohort's figures across teams, round by round; written answers for the evaluator."""
    cohort = current_cohort_or_404()
    k = services.k_anonymity()
    evaluator = current_user.role == Role.EVALUATOR
    rounds = cohort_round_figures(cohort.id, k, with_texts=evaluator)
    if evaluator:
        audit.record("evaluation.supervisee_texts_read", cohort)
        db.session.commit()
    return render_template(
        "evaluation/supervisee_cohort.html",
        cohort=cohort,
        rounds=rounds,
        evaluator=evaluator,
        charts={r.kind: _chart(r.results) for r in rounds if r.results is not None},
        labels=links.ROUND_LABELS,
        counted_responses=counted_responses,
    )


@bp.route("/supervisees/rounds/<int:questionnaire_id>/close", methods=["POST"])
@role_required(Role.EVALUATOR, Role.TRAINER)
def close_survey_round(questionnaire_id):
    """End a round for every team: its figures across teams then appear (if the rules allow)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    questionnaire = services.get_questionnaire_or_404(questionnaire_id, current_user)
    if questionnaire.audience != Audience.SUPERVISEES:
        abort(404)
    services.close_questionnaire(questionnaire)
    audit.record("evaluation.survey_round_closed", questionnaire)
    db.session.commit()
    flash("The round is closed: no team's link takes answers in it now.", "success")
    return redirect(url_for("evaluation.supervisee_cohort"))
