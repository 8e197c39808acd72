"""Commands: rotate-keys, apply-retention, backup and restore (flask --app course ...)."""

import click

from course import crypto
from course.modules.privacy import keys
from course.modules.privacy.backup import BackupProblem, backup, restore, unreadable_values
from course.modules.privacy.retention import apply_retention
from course.modules.privacy.routes import bp


@bp.cli.command("rotate-keys")
@click.option(
    "--new-key", is_flag=True, help="First put a new key first in instance/encryption_keys."
)
@click.option("--print-new-key", is_flag=True, help="Print a new key (for COURSE_ENCRYPTION_KEYS).")
@click.option("--drop-old-keys", is_flag=True, help="Afterwards keep only the first key.")
@click.option("--batch-size", default=500, show_default=True)
def rotate_keys_command(new_key, print_new_key, drop_old_keys, batch_size):
    """Re-encrypt every encrypted text under the first key, in batches (resumable, live-safe)."""
    if print_new_key:
        click.echo(crypto.new_key())
        return
    try:
        if new_key:
            click.echo(f"Added key {keys.add_new_key()}; it now encrypts.")
        click.echo(f"Re-encrypting under key {crypto.keyring().primary_id}.")
        for progress in keys.rotate_all(batch_size, report=_report):
            click.echo(f"  {progress.table}.{progress.column}: {progress.rotated} re-encrypted")
        left = keys.left_under_other_keys()
        if left:
            raise click.ClickException(f"{left} values are still under older keys; run again.")
        click.echo("Everything is under the first key.")
        if drop_old_keys:
            dropped = ", ".join(keys.drop_old_keys()) or "none"
            if crypto.keyring().path:
                click.echo(f"Older keys removed from the key file: {dropped}.")
            else:
                click.echo(f"Now remove these keys from COURSE_ENCRYPTION_KEYS: {dropped}.")
    except crypto.EncryptionKeyProblem as problem:
        raise click.ClickException(str(problem)) from None


def _report(progress):
    """One line of progress per batch."""
    click.echo(
        f"    {progress.table}.{progress.column}: {progress.rotated} of {progress.remaining}"
    )


@bp.cli.command("apply-retention")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted, and change nothing.")
def apply_retention_command(dry_run):
    """Apply the retention schedule (safe to run nightly from cron)."""
    report = apply_retention(dry_run=dry_run)
    if dry_run:
        click.echo("Dry run: nothing was changed.")
    for line in report.lines:
        click.echo(line)


@bp.cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Write a consistent backup of the database while the site runs (not the keys)."""
    try:
        backup(path)
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Backed up to {path}. The encryption keys are not in it: back them up apart.")


@bp.cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore_command(path):
    """Restore a backup into the configured database, which must be empty."""
    try:
        restore(path)
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Restored {path}.")
    unreadable = unreadable_values()
    if unreadable:
        raise click.ClickException(
            f"{unreadable} encrypted values cannot be read with the configured keys: "
            "configure the keys this backup was made with."
        )
    click.echo("Every encrypted text reads with the configured keys.")
