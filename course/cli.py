"""Commands: flask --app course init | seed-demo | create-user | import-users |
reset-second-factor."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from course.extensions import db
from course.modules.accounts import importing, services
from course.modules.accounts.models import Cohort, Role, SessionEnd, User
from course.modules.accounts.passwords import hash_password, password_problem


def print_demo_accounts(password):
    """Tell the person running the site how to sign in."""
    from course.demo import demo_accounts

    click.echo("\nDemo accounts (all with the password below):")
    for email, name, role, _team in demo_accounts()[:9]:
        click.echo(f"  {email:<28} {role.label:<15} {name}")
    click.echo("  ... manager01@example.org to manager36@example.org are participants")
    click.echo("  admin2@example.org, senior4@example.org, manager37 to manager56: Northfield")
    click.echo("  manager57 to manager76: Demo Borough's archived cohort of last year")
    click.echo(f"  Password: {password}")
    keys = demo_authenticator_keys()
    if keys:
        click.echo(
            "\nStaff sign in with a second factor. Add a key to an authenticator app (or compute"
        )
        click.echo("a code: python -c \"import pyotp; print(pyotp.TOTP('KEY').now())\"):")
        for email, key in keys:
            click.echo(f"  {email:<28} {key}")
    click.echo("")


def demo_authenticator_keys():
    """[(email, authenticator key)] of the demo staff, in the order they were listed."""
    from course.demo import demo_accounts
    from course.modules.accounts.models import SecondFactor

    emails = [email for email, _name, role, _team in demo_accounts() if role != Role.PARTICIPANT]
    found = dict(
        db.session.execute(
            select(User.email, SecondFactor.totp_secret)
            .join(SecondFactor, SecondFactor.user_id == User.id)
            .where(User.email.in_(emails), SecondFactor.confirmed_at.is_not(None))
        ).all()
    )
    return [(email, found[email]) for email in emails if email in found]


@click.command("init")
@with_appcontext
def init_command():
    """Prepare the database: sync the reading guides; load the demo cohort when it is empty."""
    if "user" not in inspect(db.engine).get_table_names():
        raise click.ClickException("Run 'flask --app course db upgrade' first.")
    sync_reading_guides()
    password = current_app.config["COURSE_DEMO_PASSWORD"]
    if db.session.scalar(select(User.id).limit(1)) is None:
        from course.demo import seed_demo

        seed_demo(password)
        click.echo("The database was empty, so the demo cohort has been loaded.")
        print_demo_accounts(password)
    elif db.session.scalar(select(User.id).where(User.email == "admin@example.org")):
        print_demo_accounts(password)
    else:
        click.echo("The database holds accounts already; nothing to do.")


def sync_reading_guides():
    """Load course/readings/ into the library (flask --app course sync-readings does the same)."""
    from course.modules.readings.guides import GuideFileError
    from course.modules.readings.services import sync_readings

    try:
        result = sync_readings()
    except GuideFileError as error:
        db.session.rollback()
        raise click.ClickException(f"Readings not synced, nothing changed:\n{error}") from None
    db.session.commit()
    if result.changed:
        click.echo(
            f"Readings synced: {len(result.added)} added, {len(result.updated)} updated, "
            f"{len(result.restored)} restored, {len(result.retired)} retired."
        )


@click.command("seed-demo")
@with_appcontext
@click.option("--password", default=None, help="Password for every demo account.")
def seed_demo_command(password):
    """Load the demo cohort (refused where real accounts or cohorts exist)."""
    from course.demo import has_other_users, seed_demo

    password = password or current_app.config["COURSE_DEMO_PASSWORD"]
    if has_other_users():
        raise click.ClickException(
            "This database holds accounts that are not demo accounts; the demo is not loaded."
        )
    if db.session.scalar(select(Cohort.id).limit(1)):
        raise click.ClickException("A cohort exists already; the demo loads into an empty site.")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    demo = seed_demo(password)
    click.echo(f"Loaded {demo.cohort.name}.")
    print_demo_accounts(password)


@click.command("reset-second-factor")
@with_appcontext
@click.argument("email")
def reset_second_factor_command(email):
    """Remove a person's second factor (for the last administrator, who cannot be reset on the
    site): they set up a new one when they next sign in."""
    from course import audit
    from course.modules.accounts import notices, second_factor

    user = db.session.scalar(select(User).where(User.email == services.normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account has the email address {email}.")
    second_factor.reset(user)
    services.end_all_sessions(user, SessionEnd.SECOND_FACTOR_RESET)
    notices.tell_second_factor_reset(user)
    audit.record("second_factor_reset", user, reason="reset with the command line")
    db.session.commit()
    click.echo(f"The second factor of {user.email} is reset: they set up a new one at sign-in.")


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(email, name, role, password):
    """Create an account, e.g. the first administrator."""
    email = services.normalise_email(email)
    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise click.ClickException(f"{email} already has an account.")
    db.session.add(User(email=email, name=name, role=role, password_hash=hash_password(password)))
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@click.command("import-users")
@with_appcontext
@click.argument("csv_file", type=click.File("rb"))
def import_users_command(csv_file):
    """Import users from a CSV (name,email,role,team,cohort): all rows or none."""
    preview = importing.preview_import(importing.read_upload(csv_file.read()))
    if not preview.ok:
        for problem in preview.problems:
            click.echo(problem, err=True)
        for row in preview.bad_rows:
            click.echo(f"Line {row.line}: {'; '.join(row.problems)}", err=True)
        raise click.ClickException("Nothing was imported.")
    created = importing.import_users(preview)
    for user, token in created:
        click.echo(f"{user.email}\t/set-password/{token}")
    click.echo(f"Imported {len(created)} people.")


def init_app(app):
    """Register the commands."""
    for command in (
        init_command,
        seed_demo_command,
        create_user_command,
        import_users_command,
        reset_second_factor_command,
    ):
        app.cli.add_command(command)
