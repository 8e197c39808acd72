"""The barriers module's pages."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("barriers", __name__, url_prefix="/barriers")


@bp.route("/")
@login_required
def index():
    """Not built yet."""
    return render_template("placeholder.html", title="Barriers index")


@bp.route("/review")
@login_required
def review():
    """Not built yet."""
    return render_template("placeholder.html", title="Barriers review")


@bp.route("/overview")
@login_required
def overview():
    """Not built yet."""
    return render_template("placeholder.html", title="Barriers overview")
