"""The sender against a real SMTP server on localhost: delivery, exactly once, retries."""

import shutil
import socket
import ssl
import subprocess
import threading
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select, update

from course.extensions import db
from course.modules.notifications.models import EmailStatus, Notification
from course.modules.notifications.sending import (
    CLAIM_TIMEOUT,
    Outgoing,
    _finish,
    claim_batch,
    retry_delay,
    send_pending,
)
from course.modules.notifications.services import notify
from course.timeutil import utcnow


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, and can refuse some messages."""

    def __init__(self):
        self.messages = []
        self.refuse_subjects = set()  # answered with 451 (try again later) while listed
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        if message["Subject"] in self.refuse_subjects:
            return "451 4.3.0 Mailbox busy, try again later"
        with self.lock:
            self.messages.append(message)
        return "250 2.0.0 OK"

    def notification_ids(self):
        """The X-Course-Notification header of every message received."""
        return [int(m["X-Course-Notification"]) for m in self.messages]


def free_port():
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_login(server, session, envelope, mechanism, auth_data):
    """The server accepts one user name and password."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"course",
        b"s3cret",
    )
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def server_certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make the test server's certificate")
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def smtp_server(app, server_certificate, monkeypatch):
    """A real SMTP server on localhost wanting STARTTLS and a login; the app is set to use it."""
    cert, key = server_certificate
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the sender trusts this server only
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls,
        require_starttls=True,
        authenticator=check_login,
        auth_required=True,
    )
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=True,
        MAIL_USERNAME="course",
        MAIL_PASSWORD="s3cret",  # noqa: S105 - the test server's password
        MAIL_FROM="course@example.org",
    )
    yield mailbox
    controller.stop()


def queue(app, user, count, subject="Message"):
    """Queue notifications; their ids."""
    with app.app_context():
        added = [
            notify(user.id, "test", f"{subject} {n}", link="/programme/") for n in range(count)
        ]
        db.session.commit()
        return [n.id for n in added]


def rows(app):
    """Every notification, by id."""
    with app.app_context():
        found = {n.id: n for n in db.session.scalars(select(Notification))}
        db.session.expunge_all()
        return found


def test_messages_arrive_over_real_smtp(app, make_user, smtp_server):
    user = make_user(name="Kemi Fraser", email="kemi@example.org")
    (notification_id,) = queue(app, user, 1, subject="Your presentation is confirmed")
    with app.app_context():
        result = send_pending()
    assert result.sent == 1
    (message,) = smtp_server.messages
    assert message["Subject"] == "Your presentation is confirmed 0"
    assert message["To"] == "Kemi Fraser <kemi@example.org>"
    assert message["From"] == "Reflective Supervision Programme <course@example.org>"
    assert "Hello Kemi," in message.get_content()
    assert "http://localhost/programme/" in message.get_content()
    stored = rows(app)[notification_id]
    assert stored.email_status == EmailStatus.SENT and stored.sent_at is not None
    assert stored.claim_token is None


def test_two_senders_at_once_deliver_each_message_exactly_once(app, make_user, smtp_server):
    users = [make_user() for _ in range(4)]
    expected = []
    for user in users:
        expected += queue(app, user, 10)
    start_together = threading.Barrier(2)
    results, errors = [], []

    def sender():
        try:
            with app.app_context():
                start_together.wait()
                results.append(send_pending(batch_size=3))
                db.session.remove()
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    received = Counter(smtp_server.notification_ids())
    assert sorted(received) == sorted(expected)
    assert set(received.values()) == {1}, "a message arrived twice"
    assert sum(r.sent for r in results) == len(expected)
    assert {n.email_status for n in rows(app).values()} == {EmailStatus.SENT}


def test_a_second_sender_cannot_claim_what_the_first_holds(app, make_user):
    user = make_user()
    queue(app, user, 5)
    now = utcnow()
    with app.app_context():
        first_token, first = claim_batch(now, limit=3)
        first_ids = [n.id for n in first]
        db.session.remove()
    with app.app_context():
        second_token, second = claim_batch(now, limit=10)
        second_ids = [n.id for n in second]
        third_token, third = claim_batch(now, limit=10)
    assert len(first_ids) == 3 and len(second_ids) == 2
    assert not set(first_ids) & set(second_ids)
    assert third == [] and first_token != second_token


def test_a_refused_message_is_retried_later_and_not_lost(app, make_user, smtp_server):
    user = make_user()
    (refused_id,) = queue(app, user, 1, subject="Refused")
    (accepted_id,) = queue(app, user, 1, subject="Accepted")
    smtp_server.refuse_subjects.add("Refused 0")
    now = utcnow()
    with app.app_context():
        result = send_pending(now=now)
    assert (result.sent, result.failed) == (1, 1)
    waiting = rows(app)[refused_id]
    assert waiting.email_status == EmailStatus.PENDING and waiting.attempts == 1
    assert waiting.next_attempt_at == now + retry_delay(1)
    assert "451" in waiting.last_error

    with app.app_context():  # too soon: it waits its turn
        assert send_pending(now=now + timedelta(minutes=1)).sent == 0
    smtp_server.refuse_subjects.clear()
    with app.app_context():
        assert send_pending(now=now + retry_delay(1)).sent == 1
    assert Counter(smtp_server.notification_ids()) == {accepted_id: 1, refused_id: 1}
    delivered = rows(app)[refused_id]
    assert delivered.email_status == EmailStatus.SENT and delivered.last_error is None


def test_when_the_server_is_down_nothing_is_lost(app, make_user):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listening
    user = make_user()
    ids = queue(app, user, 3)
    now = utcnow()
    with app.app_context():
        result = send_pending(now=now)
    assert (result.sent, result.failed) == (0, 3)
    assert {(n.email_status, n.attempts) for n in rows(app).values()} == {(EmailStatus.PENDING, 1)}
    assert set(rows(app)) == set(ids)


def test_a_server_with_an_untrusted_certificate_gets_nothing(
    app, make_user, smtp_server, monkeypatch
):
    monkeypatch.delenv("SSL_CERT_FILE")  # the self-signed certificate is not trusted now
    user = make_user()
    queue(app, user, 1)
    with app.app_context():
        result = send_pending()
    assert (result.sent, result.failed) == (0, 1)
    assert smtp_server.messages == []
    (waiting,) = rows(app).values()
    assert waiting.email_status == EmailStatus.PENDING and "SSL" in waiting.last_error


def test_retries_wait_longer_each_time_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
    ]
    assert retry_delay(30) == timedelta(hours=6)


def test_a_claim_left_by_a_stopped_sender_is_released(app, make_user, smtp_server):
    user = make_user()
    (stuck_id,) = queue(app, user, 1)
    long_ago = utcnow() - CLAIM_TIMEOUT - timedelta(minutes=1)
    with app.app_context():
        claim_batch(long_ago)  # a sender that claimed it and then died
        assert send_pending().released == 1
    assert smtp_server.notification_ids() == [stuck_id]


def test_a_recent_claim_is_left_alone(app, make_user, smtp_server):
    user = make_user()
    queue(app, user, 1)
    with app.app_context():
        claim_batch(utcnow())  # another sender is working on it right now
        result = send_pending()
    assert (result.sent, result.released) == (0, 0)
    assert smtp_server.messages == []


def test_only_the_claims_holder_can_record_the_outcome(app, make_user):
    user = make_user()
    (notification_id,) = queue(app, user, 1)
    with app.app_context():
        token, _claimed = claim_batch(utcnow())
        db.session.execute(  # released as stale, and claimed again by someone else
            update(Notification)
            .where(Notification.id == notification_id)
            .values(claim_token="someone-else")
        )
        db.session.commit()
        item = Outgoing(notification_id, "test", 0, None, True, None)
        _finish(item, token, email_status=EmailStatus.SENT)
    assert rows(app)[notification_id].email_status == EmailStatus.SENDING
