"""The course site: a cohort programme in reflective practice and reflective supervision."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from course import cli, compression, errors, security, site_address, timeutil
from course.extensions import csrf, db, login_manager, migrate
from course.modules import BLUEPRINTS

DEFAULTS = dict(
    SQLALCHEMY_DATABASE_URI=None,
    SQLALCHEMY_ENGINE_OPTIONS={},
    MAX_CONTENT_LENGTH=21 * 1024 * 1024,
    WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the sign-in
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
    SESSION_COOKIE_SECURE=False,
    PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
    # The cookie is written only when the session changes. Refreshed on every response, an
    # autosave answered while a form was being submitted would write back the session it read,
    # and lose what the submission put there (the browser copy to forget, a flash message).
    # Sign-ins end on the server (COURSE_IDLE_TIMEOUT, COURSE_ABSOLUTE_TIMEOUT), not by cookie.
    SESSION_REFRESH_EACH_REQUEST=False,
    COURSE_IDLE_TIMEOUT=timedelta(hours=2),
    COURSE_ABSOLUTE_TIMEOUT=timedelta(hours=12),
    # Sign-in throttling (accounts/authentication.py): failures that go freely, per account and
    # per address from unknown browsers, and per known device; then pauses that double.
    COURSE_LOGIN_MAX_FAILURES_PER_ACCOUNT=5,
    COURSE_LOGIN_MAX_FAILURES_PER_ADDRESS=20,
    COURSE_LOGIN_MAX_FAILURES_PER_DEVICE=10,
    COURSE_LOGIN_FIRST_PAUSE=timedelta(minutes=1),
    COURSE_LOGIN_LONGEST_PAUSE=timedelta(hours=1),
    COURSE_LOGIN_FORGET_AFTER=timedelta(hours=24),
    # A second factor at sign-in (accounts/second_factor.py): the roles that must use one (a
    # list, or comma-separated; empty: nobody must), whether participants may, and how long the
    # half-signed-in state between the password and the code lasts.
    COURSE_MFA_REQUIRED_ROLES=["trainer", "senior_manager", "evaluator", "admin"],
    COURSE_MFA_PARTICIPANTS_MAY=True,
    COURSE_MFA_PENDING_LIFETIME=timedelta(minutes=5),
    COURSE_SET_PASSWORD_LINK_LIFETIME=timedelta(days=7),
    # Single sign-on with an OpenID Connect provider (accounts/single_sign_on.py): all three of
    # the issuer (e.g. "https://login.microsoftonline.com/<tenant id>/v2.0"), the client id and
    # its secret switch it on; the redirect URI to register at the provider is
    # <COURSE_SITE_URL>/login/sso/callback.
    COURSE_OIDC_ISSUER=None,
    COURSE_OIDC_CLIENT_ID=None,
    COURSE_OIDC_CLIENT_SECRET=None,
    COURSE_OIDC_NAME=None,  # the organisation, as the button says: "Sign in with <name>"
    COURSE_OIDC_SCOPES="openid email profile",
    # The claim that names an account's email on a first sign-in; "email" counts only when the
    # provider marks it verified. Entra ID often suits "preferred_username" (the sign-in name).
    COURSE_OIDC_MATCH_CLAIM="email",
    COURSE_OIDC_CREATE_ACCOUNTS=False,  # make a participant's account for an unknown person
    # The provider's authentication methods ("amr" values, a list or comma-separated) that count
    # as the site's second factor, e.g. ["mfa"]; empty: the site always asks for its own.
    COURSE_OIDC_TRUSTED_AMR=[],
    COURSE_SSO_ONLY=False,  # with single sign-on set up, no passwords but the break-glass one
    COURSE_SSO_BREAK_GLASS=None,  # the email of the administrator who may still use a password
    COURSE_DEMO_PASSWORD="reflective-practice-demo",  # noqa: S106 - the documented demo password  # nosec B106
    COURSE_K_ANONYMITY=5,
    COURSE_PRESENTATION_CUTOFF_HOURS=48,
    COURSE_REGISTER_OPENS_BEFORE=timedelta(minutes=60),  # trainers mark people as they arrive
    # Self check-in with the rotating code (attendance/check_in.py): the window around the start,
    # when a check-in counts as Late, and when the trainer's view flags it as long after the start.
    COURSE_CHECK_IN_OPENS_BEFORE=timedelta(minutes=30),
    COURSE_CHECK_IN_CLOSES_AFTER=timedelta(minutes=60),
    COURSE_CHECK_IN_LATE_AFTER=timedelta(minutes=10),
    COURSE_CHECK_IN_FLAG_AFTER=timedelta(minutes=20),
    COURSE_BRIEF_RETENTION_DAYS=7,
    COURSE_CATCH_UP_DAYS=42,  # a missed session's catch-up is due six weeks after it
    COURSE_JOURNAL_TRASH_DAYS=30,  # a deleted journal entry can be restored for this long
    COURSE_ARGON2_TIME_COST=3,
    COURSE_ARGON2_MEMORY_COST=65536,
    COURSE_TIMEZONE="Europe/London",
    COURSE_TRUSTED_PROXIES=0,
    COURSE_SITE_URL=None,  # e.g. "https://course.example.org", for links in emails
    COURSE_REMINDER_DAYS_BEFORE=3,
    # Keys for the encrypted text (course/crypto.py): a list, or comma-separated; first encrypts.
    # Unset, they live in instance/encryption_keys, made on first use.
    COURSE_ENCRYPTION_KEYS=None,
    # Data protection (course/modules/privacy): retention in days after the cohort ends or since
    # the last sign-in; 0 switches a rule off. The privacy page states them.
    COURSE_RETENTION_JOURNAL_DAYS=365,  # journals and supervision logs, after the cohort ends
    COURSE_RETENTION_WARNING_DAYS=30,  # authors are warned this long before, to export
    COURSE_RETENTION_INACTIVE_ACCOUNT_DAYS=3 * 365,  # accounts unused this long are anonymised
    COURSE_RETENTION_AUDIT_DAYS=2 * 365,
    COURSE_RETENTION_OUTBOX_DAYS=90,  # notifications sent or read this long ago
    COURSE_DATA_PACK_LINK_DAYS=7,
    COURSE_LEAVER_EXPORT_DAYS=0,  # a deactivated person may sign in to export for this long
    COURSE_PRIVACY_CONTROLLER="the council that runs the programme",
    COURSE_PRIVACY_CONTACT="the programme's administrator",
    MAIL_SERVER=None,
    MAIL_PORT=25,
    MAIL_USE_TLS=False,
    MAIL_USERNAME=None,
    MAIL_PASSWORD=None,
    MAIL_FROM="course@localhost",
    # Text is compressed when the site serves it directly (behind a proxy, the proxy may do it).
    COMPRESS_MIMETYPES=[
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
        "text/calendar",
        "text/csv",
        "text/markdown",
        "text/plain",
    ],
    COMPRESS_ALGORITHM=["br", "gzip"],
    COMPRESS_ALGORITHM_STREAMING=["br", "gzip"],  # static files; browsers send br only over HTTPS
    COMPRESS_MIN_SIZE=500,
)


def create_app(test_config=None):
    """Create and configure the site."""
    # COURSE_INSTANCE_PATH (absolute) puts config.py, the secret key and SQLite elsewhere.
    instance_path = os.environ.get("COURSE_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("COURSE", loads=_load_env_value)
        _prefix_course_settings(app)
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    else:
        app.config.from_mapping(test_config)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'course.sqlite'}"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    compression.init_app(app)
    security.init_app(app)
    site_address.init_app(app)
    errors.init_app(app)
    timeutil.init_app(app)
    cli.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


def _load_env_value(value):
    """Read an environment value as a number or boolean where it is one."""
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(value)
    except ValueError:
        return value


def _prefix_course_settings(app):
    """Let COURSE_K_ANONYMITY=3 in the environment set COURSE_K_ANONYMITY, not K_ANONYMITY."""
    for key in list(app.config):
        if f"COURSE_{key}" in DEFAULTS and key not in DEFAULTS:
            app.config[f"COURSE_{key}"] = app.config.pop(key)
    for key, default in DEFAULTS.items():
        if isinstance(default, timedelta) and isinstance(app.config[key], int):
            app.config[key] = timedelta(minutes=app.config[key])


def _normalise_url(url):
    """Use the psycopg 3 driver for postgres:// and postgresql:// addresses."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret_key(instance_path):
    """Read the deployment's secret key, generating it once on first run."""
    key_file = instance_path / "secret_key"
    try:  # exclusive create: two workers starting together keep one key
        with open(key_file, "x") as handle:
            key_file.chmod(0o600)
            handle.write(secrets.token_hex(32))
    except FileExistsError:
        pass
    return key_file.read_text().strip()
