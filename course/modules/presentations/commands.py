"""Commands: flask --app course apply-retention (safe to run from cron)."""

import click

from course.modules.presentations.retention import delete_expired_briefs
from course.modules.presentations.routes import bp


@bp.cli.command("apply-retention")
def apply_retention_command():
    """Delete case briefs whose session ended more than COURSE_BRIEF_RETENTION_DAYS ago."""
    deleted = delete_expired_briefs()
    click.echo(f"Deleted {deleted} case brief{'' if deleted == 1 else 's'}.")
