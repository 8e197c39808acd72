"""The attendance module's pages."""

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("attendance", __name__, url_prefix="/attendance")


@bp.route("/")
@login_required
def index():
    """Not built yet."""
    return render_template("placeholder.html", title="Attendance index")
