"""Commands: flask --app course purge-journal-trash."""

import click

from course.extensions import db
from course.modules.journal.blueprint import bp
from course.modules.journal.trash import purge_trash, trash_days


@bp.cli.command("purge-journal-trash")
def purge_journal_trash():
    """Delete for good the journal entries in the trash for longer than the limit."""
    purged = purge_trash()
    db.session.commit()
    click.echo(f"Purged {purged} journal entries deleted more than {trash_days()} days ago.")
