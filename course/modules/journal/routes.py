"""The journal module's pages."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("journal", __name__, url_prefix="/journal")


@bp.route("/")
@login_required
def index():
    """Not built yet."""
    return render_template("placeholder.html", title="Journal index")


@bp.route("/shared")
@login_required
def shared():
    """Not built yet."""
    return render_template("placeholder.html", title="Journal shared")
