"""Turning a notification into an email, and handing it to SMTP (or to the log, unconfigured)."""

import logging
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from course.modules.notifications.models import SESSION_REMINDER
from course.timeutil import utcnow

logger = logging.getLogger("course.mail")
SMTP_TIMEOUT_SECONDS = 30
SITE_NAME = "Reflective Supervision Programme"
SECRET_LINK = re.compile(r"/set-password/[\w-]+")


def site_url(config):
    """The site's address for links in emails: COURSE_SITE_URL, else SERVER_NAME, else None."""
    if config.get("COURSE_SITE_URL"):
        return config["COURSE_SITE_URL"].rstrip("/")
    if config.get("SERVER_NAME"):
        root = (config.get("APPLICATION_ROOT") or "/").rstrip("/")
        return f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}{root}"
    return None


def _one_line(text):
    """Header text on one line: a line break in a header would start a new header."""
    return " ".join(str(text).split())


def compose(notification, user, config):
    """The email for one notification to one person."""
    base = site_url(config) or ""
    sender = config["MAIL_FROM"]
    message = EmailMessage()
    message["From"] = formataddr((SITE_NAME, sender))
    message["To"] = formataddr((_one_line(user.name), notification.email_to or user.email))
    message["Subject"] = _one_line(notification.subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(
        idstring=f"notification-{notification.id}", domain=sender.rpartition("@")[2] or None
    )
    message["Auto-Submitted"] = "auto-generated"
    message["X-Course-Notification"] = str(notification.id)
    first_name = (user.name.split() or ["there"])[0]
    lines = [f"Hello {first_name},", "", notification.body or notification.subject, ""]
    if notification.link:
        lines += [f"{base}{notification.link}", ""]
    lines += ["--", SITE_NAME, f"Your notifications: {base}/notifications/"]
    if notification.kind == SESSION_REMINDER:
        lines.append("To stop these reminders, change your settings there.")
    message.set_content("\n".join(lines) + "\n")
    return message


class LogMailer:
    """No MAIL_SERVER: each email is written to the log instead of being sent."""

    def send(self, message):
        """Write the email to the log (a warning: nobody receives it), without secret links."""
        logger.warning(
            "Email not sent (MAIL_SERVER is not set). To: %s; Subject: %s\n%s",
            message["To"],
            message["Subject"],
            SECRET_LINK.sub("/set-password/[withheld from the log]", message.get_content()),
        )

    def close(self):
        """Nothing to close."""


class SMTPMailer:
    """Sends over one SMTP connection, opened when the first email is sent."""

    def __init__(self, config):
        self.config = config
        self.connection = None

    def _connect(self):
        """Open the connection, with STARTTLS and a login when configured."""
        config = self.config
        connection = smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS
        )
        try:
            if config.get("MAIL_USE_TLS"):  # STARTTLS, checking the server's certificate
                connection.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message):
        """Send one email; after a broken connection the next email opens a new one."""
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
            if getattr(error, "smtp_code", None) == 421:  # the server is closing the connection
                self.close()
            raise  # the server refused this message; the connection is still good
        except OSError:  # smtplib's errors included: start afresh next time
            self.close()
            raise

    def close(self):
        """Say goodbye to the server, if connected."""
        if self.connection is not None:
            connection, self.connection = self.connection, None
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()


def mailer_for(config):
    """SMTP when MAIL_SERVER is set, else the log."""
    return SMTPMailer(config) if config.get("MAIL_SERVER") else LogMailer()
