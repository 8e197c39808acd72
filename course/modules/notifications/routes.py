"""My notifications in the site, marking them read, my email settings, and the sender's commands."""

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from course.extensions import db
from course.modules.accounts.forms import EmptyForm
from course.modules.evaluation.reminders import queue_due_reminders
from course.modules.notifications import services
from course.modules.notifications.forms import PreferenceForm
from course.modules.notifications.reminders import queue_reminders
from course.modules.notifications.sending import BATCH_SIZE, send_pending

bp = Blueprint("notifications", __name__, url_prefix="/notifications", cli_group=None)


@bp.route("/")
@login_required
def index():
    """My notifications, newest first, and whether I want session reminders by email."""
    page = services.notifications_page(current_user, request.args.get("page", type=int))
    preferences = PreferenceForm(session_reminders=services.wants_session_reminders(current_user))
    return render_template(
        "notifications/index.html",
        page=page,
        unread=services.unread_count(current_user),
        preferences=preferences,
        form=EmptyForm(),
        reminder_days=current_app.config["COURSE_REMINDER_DAYS_BEFORE"],
    )


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id):
    """Mark one of my notifications read."""
    notification = services.get_notification_for_user_or_404(notification_id, current_user)
    services.mark_read(notification)
    db.session.commit()
    return redirect(url_for("notifications.index", page=request.args.get("page", type=int)))


@bp.post("/read-all")
@login_required
def read_all():
    """Mark all my notifications read."""
    count = services.mark_all_read(current_user)
    db.session.commit()
    if count:
        flash(f"Marked {count} notification{'s' if count != 1 else ''} read.", "success")
    return redirect(url_for("notifications.index"))


@bp.post("/settings")
@login_required
def settings():
    """Switch session reminders on or off."""
    form = PreferenceForm()
    if form.validate_on_submit():
        services.set_session_reminders(current_user, form.session_reminders.data)
        db.session.commit()
        flash(
            "You will get a reminder before each session."
            if form.session_reminders.data
            else "You will get no more session reminders by email.",
            "success",
        )
    return redirect(url_for("notifications.index") + "#settings")


@bp.cli.command("queue-reminders")
def queue_reminders_command():
    """Queue the reminder for each session in the next few days (never twice per person)."""
    click.echo(f"Queued {queue_reminders()} session reminder(s).")
    click.echo(f"Queued {queue_due_reminders()} questionnaire reminder(s).")


@bp.cli.command("send-notifications")
@click.option("--no-reminders", is_flag=True, help="Do not queue due session reminders first.")
@click.option("--batch-size", default=BATCH_SIZE, show_default=True, type=click.IntRange(1, 500))
def send_notifications_command(no_reminders, batch_size):
    """Queue due session reminders, then email every pending notification (run from cron)."""
    if not no_reminders:
        click.echo(f"Queued {queue_reminders()} session reminder(s).")
        click.echo(f"Queued {queue_due_reminders()} questionnaire reminder(s).")
    result = send_pending(batch_size=batch_size)
    how = "by SMTP" if current_app.config.get("MAIL_SERVER") else "to the log (no MAIL_SERVER)"
    click.echo(
        f"Sent {result.sent} {how}; {result.failed} failed and will be tried again; "
        f"{result.skipped} not wanted by email."
    )
