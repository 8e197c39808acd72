"""The supervision log's blueprint; routes.py and its sub-areas add their pages to it."""

from flask import Blueprint

bp = Blueprint("supervision", __name__, url_prefix="/supervision", cli_group=None)
