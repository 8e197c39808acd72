"""The journal's blueprint; routes.py and its sub-areas add their pages to it."""

from flask import Blueprint

bp = Blueprint("journal", __name__, url_prefix="/journal", cli_group=None)
