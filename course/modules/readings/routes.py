"""The course library and reading lists."""

from flask import Blueprint, render_template

from course.modules.accounts.models import Role
from course.permissions import role_required

bp = Blueprint("readings", __name__, url_prefix="/readings")


@bp.route("/")
@role_required(Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.TRAINER, Role.EVALUATOR)
def index():
    """The library."""
    return render_template("placeholder.html", title="Readings")
