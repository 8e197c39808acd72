"""The notifications module's pages."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    """Not built yet."""
    return render_template("placeholder.html", title="Notifications index")
