"""My notifications in the site, my email settings, session reminders and set-password emails."""

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts import services as account_services
from course.modules.accounts.models import Role, User
from course.modules.attendance.models import AttendanceMark, AttendanceStatus
from course.modules.notifications.models import (
    SESSION_REMINDER,
    SET_PASSWORD,
    EmailStatus,
    Notification,
)
from course.modules.notifications.reminders import queue_reminders
from course.modules.notifications.sending import send_pending
from course.modules.notifications.services import notify
from course.modules.programme.models import CourseSession
from course.modules.readings.models import Reading, SessionReading
from course.timeutil import utcnow
from tests.conftest import form_token


class RecordingMailer:
    """Stands in for SMTP in tests that are not about SMTP."""

    def __init__(self):
        self.messages = []

    def send(self, message):
        self.messages.append(message)

    def close(self):
        pass


def add_notifications(app, user, count, **fields):
    """Queue `count` notifications for a user; their ids."""
    with app.app_context():
        added = [notify(user.id, "test", f"Message {n}", **fields) for n in range(count)]
        db.session.commit()
        return [n.id for n in added]


def next_unstarted_session(app, cohort_id):
    """(id, starts_at) of the cohort's first session still to come."""
    with app.app_context():
        course_session = db.session.scalars(
            select(CourseSession)
            .where(CourseSession.cohort_id == cohort_id, CourseSession.starts_at > utcnow())
            .order_by(CourseSession.starts_at)
        ).first()
        return course_session.id, course_session.starts_at


def notifications_for(app, user_id, kind=None):
    """A person's notifications, oldest first."""
    with app.app_context():
        query = select(Notification).where(Notification.user_id == user_id)
        if kind:
            query = query.where(Notification.kind == kind)
        rows = db.session.scalars(query.order_by(Notification.id)).all()
        db.session.expunge_all()
        return rows


# The list in the site


def test_i_see_my_notifications_and_not_anyone_elses(app, cohort, make_user, login):
    me, other = make_user(cohort_id=cohort), make_user(cohort_id=cohort)
    add_notifications(app, me, 1, body="Your presentation is confirmed.", link="/presentations/")
    with app.app_context():
        notify(other.id, "test", "Not for you")
        db.session.commit()
    page = login(me).get("/notifications/").get_data(as_text=True)
    assert "Message 0" in page and "Your presentation is confirmed." in page
    assert 'href="/presentations/"' in page
    assert "1 unread" in page
    assert "Not for you" not in page


def test_marking_one_read_and_then_all_read(app, cohort, make_user, login):
    me = make_user(cohort_id=cohort)
    first, _second, _third = add_notifications(app, me, 3)
    client = login(me)
    token = form_token(client, "/notifications/")
    assert (
        client.post(f"/notifications/{first}/read", data={"csrf_token": token}).status_code == 302
    )
    assert "2 unread" in client.get("/notifications/").get_data(as_text=True)
    client.post("/notifications/read-all", data={"csrf_token": token})
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Nothing unread" in page and "Mark as read" not in page


def test_marking_someone_elses_notification_answers_404(app, cohort, make_user, login):
    me, other = make_user(cohort_id=cohort), make_user(cohort_id=cohort)
    (theirs,) = add_notifications(app, other, 1)
    client = login(me)
    response = client.post(
        f"/notifications/{theirs}/read", data={"csrf_token": form_token(client, "/notifications/")}
    )
    assert response.status_code == 404
    assert notifications_for(app, other.id)[0].read_at is None


def test_marking_read_needs_the_forms_token(app, cohort, make_user, login):
    me = make_user(cohort_id=cohort)
    (mine,) = add_notifications(app, me, 1)
    assert login(me).post(f"/notifications/{mine}/read").status_code == 400


def test_links_to_other_sites_and_set_password_links_are_not_shown(app, cohort, make_user, login):
    me = make_user(cohort_id=cohort)
    add_notifications(app, me, 1, link="https://evil.example/phish")
    add_notifications(app, me, 1, link="//evil.example/phish")
    with app.app_context():
        notify(me.id, SET_PASSWORD, "Set your password", link="/set-password/secret-token")
        db.session.commit()
    page = login(me).get("/notifications/").get_data(as_text=True)
    assert "evil.example" not in page and "secret-token" not in page


def test_the_list_is_paginated(app, cohort, make_user, login):
    me = make_user(cohort_id=cohort)
    add_notifications(app, me, 25)
    client = login(me)
    assert "Message 24" in client.get("/notifications/").get_data(as_text=True)
    older = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "Message 0" in older and "Message 24" not in older


def test_home_shows_my_unread_count_and_newest(app, cohort, make_user, login):
    me = make_user(cohort_id=cohort)
    client = login(me)
    assert "unread notification" not in client.get("/").get_data(as_text=True)
    add_notifications(app, me, 4)
    page = client.get("/").get_data(as_text=True)
    assert "4 unread notifications" in page
    assert "Message 3" in page and "Message 0" not in page  # the newest three


def test_home_panel_queries_do_not_grow_with_the_number_of_notifications(
    app, cohort, make_user, login, count_queries
):
    def queries_for_home(count):
        user = make_user(cohort_id=cohort)
        add_notifications(app, user, count)
        client = login(user)
        client.get("/")
        with count_queries() as queries:
            assert client.get("/").status_code == 200
        client.post("/logout", data={"csrf_token": form_token(client, "/account/")})
        return len(queries)

    assert queries_for_home(2) == queries_for_home(60)


# Settings


def switch_reminders(client, on):
    """Post the email-settings form."""
    data = {"csrf_token": form_token(client, "/notifications/")}
    if on:
        data["session_reminders"] = "y"
    return client.post("/notifications/settings", data=data)


def reminders_box_ticked(client):
    """Whether the settings form shows session reminders switched on."""
    page = client.get("/notifications/").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="session_reminders"[^>]*>', page).group(0)
    return " checked " in box


def test_switching_reminders_off_and_on(app, cohort, make_user, login):
    client = login(make_user(cohort_id=cohort))
    assert reminders_box_ticked(client)
    assert switch_reminders(client, on=False).status_code == 302
    assert "no more session reminders" in client.get("/notifications/").get_data(as_text=True)
    assert not reminders_box_ticked(client)
    switch_reminders(client, on=True)
    assert reminders_box_ticked(client)


# Session reminders


def test_reminders_go_to_attendees_a_few_days_before_with_readings_to_do(app, cohort, make_user):
    manager = make_user(cohort_id=cohort)
    senior = make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort)
    trainer = make_user(role=Role.TRAINER, cohort_id=cohort)
    session_id, starts_at = next_unstarted_session(app, cohort)
    with app.app_context():
        reading = Reading(title="Containment in the organisation", authors="Ruch", year=2007)
        db.session.add(reading)
        db.session.flush()
        db.session.add(SessionReading(session_id=session_id, reading_id=reading.id))
        db.session.commit()
        assert queue_reminders(now=starts_at - timedelta(days=4)) == 0  # too early
        assert queue_reminders(now=starts_at - timedelta(days=2)) == 2
    (reminder,) = notifications_for(app, manager.id, SESSION_REMINDER)
    assert reminder.subject.startswith("Reminder: Session ")
    assert "Readings to do:\n- Ruch (2007), Containment in the organisation" in reminder.body
    assert reminder.link == f"/programme/{session_id}"
    assert len(notifications_for(app, senior.id, SESSION_REMINDER)) == 1
    assert notifications_for(app, trainer.id, SESSION_REMINDER) == []


def test_a_reminder_is_never_queued_twice_for_one_person_and_session(app, cohort, make_user):
    make_user(cohort_id=cohort)
    make_user(cohort_id=cohort)
    session_id, starts_at = next_unstarted_session(app, cohort)
    with app.app_context():
        assert queue_reminders(now=starts_at - timedelta(days=3)) == 2
        assert queue_reminders(now=starts_at - timedelta(days=1)) == 0
        db.session.get(CourseSession, session_id).starts_at += timedelta(hours=2)  # moved
        db.session.commit()
        assert queue_reminders(now=starts_at - timedelta(days=1)) == 0
        total = db.session.scalar(select(func.count(Notification.id)))
    assert total == 2


def test_two_reminder_runs_at_once_queue_each_reminder_once(app, cohort, make_user):
    for _ in range(6):
        make_user(cohort_id=cohort)
    _session_id, starts_at = next_unstarted_session(app, cohort)
    start_together = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            with app.app_context():
                start_together.wait()
                counts.append(queue_reminders(now=starts_at - timedelta(days=2)))
                db.session.remove()
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with app.app_context():
        total = db.session.scalar(select(func.count(Notification.id)))
    assert sum(counts) == 6 and total == 6


def test_no_reminder_for_people_who_switched_them_off_or_sent_apologies(
    app, cohort, make_user, login
):
    wants, declined, apologised = (make_user(cohort_id=cohort) for _ in range(3))
    session_id, starts_at = next_unstarted_session(app, cohort)
    switch_reminders(login(declined), on=False)
    with app.app_context():
        db.session.add(
            AttendanceMark(
                session_id=session_id, user_id=apologised.id, status=AttendanceStatus.APOLOGIES
            )
        )
        db.session.commit()
        assert queue_reminders(now=starts_at - timedelta(days=2)) == 1
    assert len(notifications_for(app, wants.id, SESSION_REMINDER)) == 1


def test_a_reminder_queued_before_switching_off_is_not_emailed(app, cohort, make_user, login):
    me = make_user(cohort_id=cohort)
    _session_id, starts_at = next_unstarted_session(app, cohort)
    with app.app_context():
        queue_reminders(now=starts_at - timedelta(days=2))
    switch_reminders(login(me), on=False)
    mailer = RecordingMailer()
    with app.app_context():
        result = send_pending(mailer=mailer)
    assert (result.sent, result.skipped, mailer.messages) == (0, 1, [])
    (reminder,) = notifications_for(app, me.id)
    assert reminder.email_status == EmailStatus.SKIPPED


# Account emails


def test_a_new_account_gets_its_set_password_link_by_email(app, cohort, make_user, login):
    admin = login(make_user(role=Role.ADMIN))
    response = admin.post(
        "/admin/users/new",
        data={
            "csrf_token": form_token(admin, "/admin/users/new"),
            "name": "Nadia New",
            "email": "nadia.new@example.org",
            "role": "participant",
            "active": "y",
            "cohort_id": cohort,
        },
    )
    assert response.status_code == 200
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "nadia.new@example.org"))
    (email,) = notifications_for(app, user_id)
    assert email.kind == SET_PASSWORD and email.essential
    token = email.link.removeprefix("/set-password/")
    assert token in response.get_data(as_text=True)  # the same link the admin sees
    mailer = RecordingMailer()
    with app.app_context():
        send_pending(mailer=mailer)
    (message,) = mailer.messages
    assert message["To"] == "Nadia New <nadia.new@example.org>"
    assert f"http://localhost/set-password/{token}" in message.get_content()
    assert notifications_for(app, user_id)[0].link is None  # the outbox forgets the secret


def test_a_newer_set_password_link_replaces_an_unsent_older_one(app, make_user):
    user = make_user()
    with app.app_context():
        person = db.session.get(User, user.id)
        account_services.issue_set_password_link(person)
        newest = account_services.issue_set_password_link(person)
        db.session.commit()
        mailer = RecordingMailer()
        send_pending(mailer=mailer)
    assert len(mailer.messages) == 1
    assert f"/set-password/{newest}" in mailer.messages[0].get_content()
    statuses = [n.email_status for n in notifications_for(app, user.id)]
    assert statuses == [EmailStatus.SUPERSEDED, EmailStatus.SENT]


def test_account_emails_go_even_with_reminders_switched_off(app, cohort, make_user, login):
    me = make_user(cohort_id=cohort)
    switch_reminders(login(me), on=False)
    with app.app_context():
        account_services.issue_set_password_link(db.session.get(User, me.id))
        db.session.commit()
        mailer = RecordingMailer()
        assert send_pending(mailer=mailer).sent == 1


def test_only_essential_emails_go_to_deactivated_accounts(app, make_user):
    user = make_user(active=False)
    with app.app_context():
        notify(user.id, "presentation_confirmed", "Your presentation is confirmed")
        notify(user.id, SET_PASSWORD, "Set your password", link="/set-password/x", essential=True)
        db.session.commit()
        mailer = RecordingMailer()
        result = send_pending(mailer=mailer)
    assert (result.sent, result.skipped) == (1, 1)
    assert mailer.messages[0]["Subject"] == "Set your password"


# Commands and the demo


def test_send_notifications_without_a_mail_server_writes_to_the_log(
    app, cohort, make_user, runner, caplog
):
    user = make_user(cohort_id=cohort, name="Priya Patel")
    with app.app_context():
        notify(user.id, "test", "Feedback arrived", body="A trainer replied.", link="/journal/")
        db.session.commit()
    caplog.set_level("INFO", logger="course.mail")
    result = runner.invoke(args=["send-notifications"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 to the log" in result.output
    assert "Subject: Feedback arrived" in caplog.text
    assert "Hello Priya" in caplog.text and "http://localhost/journal/" in caplog.text
    assert runner.invoke(args=["send-notifications"]).output.startswith("Queued 0")
    assert "Sent 0" in runner.invoke(args=["send-notifications"]).output


def test_set_password_links_are_withheld_from_the_log(app, make_user, runner, caplog):
    user = make_user()
    with app.app_context():
        token = account_services.issue_set_password_link(db.session.get(User, user.id))
        db.session.commit()
    result = runner.invoke(args=["send-notifications"])
    assert "Sent 1 to the log" in result.output
    assert "Set your password" in caplog.text and token not in caplog.text


def test_queue_reminders_command(app, cohort, make_user, runner):
    make_user(cohort_id=cohort)
    result = runner.invoke(args=["queue-reminders"])
    assert result.exit_code == 0 and result.output.startswith("Queued ")


def test_seed_demo_leaves_a_few_notifications_waiting(app, runner):
    with app.app_context():  # the flask command pushes one; the test runner does not
        result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        manager = db.session.scalar(select(User).where(User.email == "manager01@example.org"))
        unread = db.session.scalars(
            select(Notification).where(
                Notification.user_id == manager.id,
                Notification.kind == SESSION_REMINDER,
                Notification.read_at.is_(None),
            )
        ).all()
    assert len(unread) == 1 and unread[0].subject.startswith("Reminder: Session 7")
    with app.app_context():  # the demo's reminders count: nobody gets a second one
        session_7 = db.session.scalar(select(CourseSession).where(CourseSession.number == 7))
        queue_reminders(now=session_7.starts_at - timedelta(days=1))
        again = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == manager.id, Notification.kind == SESSION_REMINDER
            )
        )
    assert again == 2  # session 6 (read) and session 7


@pytest.mark.parametrize("path", ["/notifications/", "/calendar/"])
def test_pages_need_sign_in(client, path):
    assert client.get(path).status_code == 302
