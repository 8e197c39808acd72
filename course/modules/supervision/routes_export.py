"""Exports of my own log: CSV and Markdown. Each export is in the audit log, never its content."""

from flask import Response
from flask_login import current_user

from course import audit
from course.extensions import db
from course.modules.supervision.blueprint import bp
from course.modules.supervision.exporting import log_csv, log_markdown, records_for_export
from course.modules.supervision.services import manager_only
from course.timeutil import london_today


def _download(text, name, mimetype):
    """A file to save."""
    return Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _exported(format_):
    """Who exported their log and how; never what it held or how much."""
    audit.record("supervision_log_exported", object_type="SupervisionRecord", format=format_)
    db.session.commit()


@bp.route("/export/log.csv")
@manager_only
def export_csv():
    """My whole log as a spreadsheet."""
    today = london_today()
    text = log_csv(records_for_export(current_user))
    _exported("csv")
    return _download(text, f"supervision-log-{today.isoformat()}.csv", "text/csv")


@bp.route("/export/log.md")
@manager_only
def export_markdown():
    """My whole log as one Markdown file."""
    today = london_today()
    text = log_markdown(current_user.name, records_for_export(current_user), today)
    _exported("markdown")
    return _download(text, f"supervision-log-{today.isoformat()}.md", "text/markdown")
