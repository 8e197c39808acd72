"""Exports: my journal as Markdown and as a printable page, one entry, and a CPD record."""

from flask import Response, render_template, request
from flask_login import current_user, login_required

from course import audit
from course.extensions import db
from course.modules.journal.blueprint import bp
from course.modules.journal.exporting import (
    cpd_record,
    cpd_table,
    entries_for_export,
    entry_markdown,
    file_name,
    journal_markdown,
)
from course.modules.journal.services import AUTHOR_ROLES, get_entry_for_author_or_404, my_entries
from course.permissions import role_required
from course.spreadsheets import table_response
from course.text import render_markdown
from course.timeutil import london_today


def _download(text, name, mimetype):
    """A file to save, never cached."""
    return Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _exported(scope, format_):
    """Every export is in the audit log: who and what kind, never which entries or how many."""
    audit.record("journal_exported", object_type="JournalEntry", scope=scope, format=format_)
    db.session.commit()


@bp.route("/export")
@role_required(*AUTHOR_ROLES)
def export():
    """Choose an export."""
    entries = list(db.session.scalars(my_entries(current_user)))
    return render_template("journal/export.html", entries=entries, chosen=set(), error=None)


@bp.route("/export/journal.md")
@role_required(*AUTHOR_ROLES)
def export_markdown():
    """All my entries as one Markdown file."""
    today = london_today()
    text = journal_markdown(current_user, entries_for_export(current_user), today)
    _exported("all entries", "markdown")
    return _download(text, f"journal-{today.isoformat()}.md", "text/markdown")


@bp.route("/export/print")
@role_required(*AUTHOR_ROLES)
def export_print():
    """All my entries on one page, to print or save as PDF."""
    entries = entries_for_export(current_user)
    _exported("all entries", "printable page")
    return render_template(
        "journal/print.html",
        entries=[(entry, render_markdown(entry.body)) for entry in entries],
        today=london_today(),
    )


@bp.route("/<int:entry_id>/export")
@login_required
def entry_export(entry_id):
    """One of my entries as a Markdown file."""
    entry = get_entry_for_author_or_404(entry_id, current_user, details=True)
    _exported("one entry", "markdown")
    today = london_today()
    return _download(entry_markdown(entry) + "\n", file_name(entry.title, today), "text/markdown")


@bp.route("/export/cpd")
@role_required(*AUTHOR_ROLES)
def cpd():
    """A CPD record of the entries I choose, as CSV or a printable page."""
    chosen = set(request.args.getlist("entry", type=int))
    format_ = request.args.get("format", "print")
    if not chosen:
        entries = list(db.session.scalars(my_entries(current_user)))
        error = "Choose at least one entry for the CPD record" if "format" in request.args else None
        return render_template(
            "journal/export.html", entries=entries, chosen=chosen, error=error
        ), 400 if error else 200
    records = [cpd_record(entry) for entry in entries_for_export(current_user, chosen)]
    if format_ in ("csv", "xlsx"):
        _exported("CPD record", format_)
        header, rows = cpd_table(records)
        return table_response(f"cpd-record-{london_today().isoformat()}", header, rows, format_)
    _exported("CPD record", "printable page")
    return render_template("journal/cpd.html", records=records, today=london_today())
