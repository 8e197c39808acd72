"""The privacy page and my data."""

from flask import Blueprint

bp = Blueprint("privacy", __name__, cli_group=None)
