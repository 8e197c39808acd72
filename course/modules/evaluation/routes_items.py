"""The evaluator's question editor: add, change, move and remove items until answers arrive."""

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.accounts.models import Role
from course.modules.evaluation import services
from course.modules.evaluation.forms import ItemForm
from course.modules.evaluation.models import Item
from course.modules.evaluation.routes import bp, evaluators_questionnaire_or_404
from course.permissions import role_required

FROZEN_MESSAGE = (
    "Answers have arrived, so the questions are frozen: changing them would corrupt the results."
)


def _item_or_404(questionnaire, item_id):
    item = db.session.scalar(
        select(Item).where(Item.id == item_id, Item.questionnaire_id == questionnaire.id)
    )
    if item is None:
        abort(404)
    return item


def _back(questionnaire):
    return redirect(
        url_for("evaluation.manage", questionnaire_id=questionnaire.id, _anchor="items")
    )


@bp.route("/<int:questionnaire_id>/items/new", methods=["GET", "POST"])
@bp.route("/<int:questionnaire_id>/items/<int:item_id>", methods=["GET", "POST"])
@role_required(Role.EVALUATOR)
def item(questionnaire_id, item_id=None):
    """Add a question, or change one."""
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    existing = _item_or_404(questionnaire, item_id) if item_id else None
    if services.has_answers(questionnaire):
        flash(FROZEN_MESSAGE, "error")
        return _back(questionnaire)
    form = ItemForm(obj=existing)
    if form.validate_on_submit():
        services.save_item(questionnaire, existing, form.fields())
        db.session.commit()
        flash("The question is saved.", "success")
        return _back(questionnaire)
    return render_template(
        "evaluation/item.html", form=form, questionnaire=questionnaire, item=existing
    )


def _change(questionnaire_id, item_id, action):
    questionnaire = evaluators_questionnaire_or_404(questionnaire_id)
    existing = _item_or_404(questionnaire, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        action(questionnaire, existing)
    except services.Frozen:
        db.session.rollback()
        flash(FROZEN_MESSAGE, "error")
        return _back(questionnaire)
    db.session.commit()
    return _back(questionnaire)


@bp.post("/<int:questionnaire_id>/items/<int:item_id>/delete")
@role_required(Role.EVALUATOR)
def delete_item(questionnaire_id, item_id):
    """Remove a question."""
    return _change(questionnaire_id, item_id, services.delete_item)


@bp.post("/<int:questionnaire_id>/items/<int:item_id>/up")
@role_required(Role.EVALUATOR)
def move_up(questionnaire_id, item_id):
    """Move a question up."""
    return _change(questionnaire_id, item_id, lambda q, i: services.move_item(q, i, -1))


@bp.post("/<int:questionnaire_id>/items/<int:item_id>/down")
@role_required(Role.EVALUATOR)
def move_down(questionnaire_id, item_id):
    """Move a question down."""
    return _change(questionnaire_id, item_id, lambda q, i: services.move_item(q, i, 1))
