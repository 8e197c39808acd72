"""An administrator cannot quietly take over an account, or quietly add a reader of journals."""

import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, Role, SetPasswordToken, User
from course.modules.accounts.notices import ACCOUNT_CHANGED, TRAINER_ADDED
from course.modules.journal.models import JournalEntry
from course.modules.notifications.mail import compose
from course.modules.notifications.models import SET_PASSWORD, Notification
from course.timeutil import format_datetime, utcnow
from tests.conftest import Auth, form_token

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LINK = re.compile(r"/set-password/[\w-]{20,}")


@pytest.fixture
def admin(make_user, login):
    """A signed-in administrator's client."""
    return login(make_user(Role.ADMIN))


def _outbox(app, kind=None):
    """[(user id, kind, subject, link, email_to)] of every queued message, oldest first."""
    with app.app_context():
        statement = select(Notification).order_by(Notification.id)
        if kind:
            statement = statement.where(Notification.kind == kind)
        return [
            (n.user_id, n.kind, n.subject, n.link, n.email_to)
            for n in db.session.scalars(statement)
        ]


def _link_expiry(app):
    """When the latest set-password link stops working, as the pages write it."""
    with app.app_context():
        expires = db.session.scalar(
            select(SetPasswordToken.expires_at).order_by(SetPasswordToken.id.desc()).limit(1)
        )
    return format_datetime(expires)


def _new_link(client, user):
    """The administrator makes a new set-password link for the user; the page."""
    token = form_token(client, f"/admin/users/{user.id}/edit")
    return client.post(
        f"/admin/users/{user.id}/set-password-link", data={"csrf_token": token}
    ).get_data(as_text=True)


def test_a_link_for_an_account_that_has_been_used_goes_only_to_its_email(app, admin, make_user):
    person = make_user()
    Auth(app.test_client()).login(person)
    page = _new_link(admin, person)
    assert not LINK.search(page)
    assert "For their security the link is not shown here" in page
    assert f"It works once, until {_link_expiry(app)} (7 days)" in page
    [(user_id, _, _, link, email_to)] = _outbox(app, SET_PASSWORD)
    assert user_id == person.id and LINK.fullmatch(link) and email_to is None


def test_a_new_account_says_what_was_emailed_and_keeps_the_link_as_a_fallback(app, admin, cohort):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    page = admin.post(
        "/admin/users/new",
        data={
            "name": "Dee Okafor",
            "email": "dee@example.org",
            "role": "participant",
            "cohort_id": cohort,
            "active": "y",
            "csrf_token": form_token(admin, "/admin/users/new"),
        },
    ).get_data(as_text=True)
    assert "We have emailed <strong>Dee Okafor</strong> at dee@example.org a link" in page
    fallback = page[page.index('<details class="fallback">') : page.index("</details>")]
    assert "If the email does not arrive" in fallback and LINK.search(fallback)
    assert 'data-copy="link" hidden>Copy the link</button>' in fallback  # shown by the script


def test_without_a_mail_server_the_fallback_is_open_and_says_why(app, admin, cohort):
    page = admin.post(
        "/admin/users/new",
        data={
            "name": "Dee Okafor",
            "email": "dee@example.org",
            "role": "participant",
            "cohort_id": cohort,
            "active": "y",
            "csrf_token": form_token(admin, "/admin/users/new"),
        },
    ).get_data(as_text=True)
    assert "This site has no mail server set up, so no email is sent" in page
    assert '<details class="fallback" open>' in page and LINK.search(page)


def test_after_an_import_the_page_says_what_was_sent_and_until_when(app, admin, cohort):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    rows = (
        "name,email,role,team,cohort\n"
        "Ada Brown,ada.brown@example.org,participant,Team 1,Test Borough\n"
        "Bea Singh,bea.singh@example.org,participant,Team 2,Test Borough\n"
    )
    admin.post(
        "/admin/users/import",
        data={
            "file": (io.BytesIO(rows.encode()), "people.csv"),
            "csrf_token": form_token(admin, "/admin/users/import"),
        },
        content_type="multipart/form-data",
    )
    page = admin.post(
        "/admin/users/import/confirm",
        data={"csv_text": rows, "csrf_token": form_token(admin, "/admin/users/import")},
    ).get_data(as_text=True)
    assert "We have emailed each of them a link to set their password" in page
    assert f"until {_link_expiry(app)} (7 days)" in page
    assert "Send each person their set-password link" not in page
    before = page[: page.index('<details class="fallback">')]
    assert not LINK.search(before)  # links only inside "If an email does not arrive"
    assert len(LINK.findall(page)) == 2 and len(_outbox(app, SET_PASSWORD)) == 2


def _use_link(app, client, user, password="a brand new passphrase here"):  # noqa: S107
    """Set a password through a fresh set-password link, as whoever holds it would."""
    from course.modules.accounts.services import issue_set_password_link

    with app.app_context():
        token = issue_set_password_link(db.session.get(User, user.id))
        db.session.commit()
    path = f"/set-password/{token}"
    return client.post(
        path,
        data={"password": password, "confirm": password, "csrf_token": form_token(client, path)},
    )


def test_the_person_is_told_when_their_password_is_replaced_through_a_link(app, client, make_user):
    person = make_user()
    assert _use_link(app, client, person).status_code == 302
    [(user_id, _, subject, _, _)] = _outbox(app, ACCOUNT_CHANGED)
    assert user_id == person.id and subject == "Your password has been changed"


def test_a_first_password_is_not_reported_as_a_change(app, client, make_user):
    person = make_user()
    with app.app_context():
        db.session.get(User, person.id).password_hash = None
        db.session.commit()
    assert _use_link(app, client, person).status_code == 302
    assert _outbox(app, ACCOUNT_CHANGED) == []


def test_an_email_change_is_told_to_the_old_address(app, admin, make_user):
    person = make_user(name="Ola Reyes", email="ola@example.org")
    path = f"/admin/users/{person.id}/edit"
    admin.post(
        path,
        data={
            "name": "Ola Reyes",
            "email": "someone.else@example.org",
            "role": "participant",
            "active": "y",
            "organisation_id": "0",  # the select's "none", as a browser sends it
            "csrf_token": form_token(admin, path),
        },
    )
    [(user_id, _, subject, _, email_to)] = _outbox(app, ACCOUNT_CHANGED)
    assert user_id == person.id and email_to == "ola@example.org"
    with app.app_context():
        notification = db.session.scalar(select(Notification))
        message = compose(notification, db.session.get(User, person.id), app.config)
    assert message["To"] == "Ola Reyes <ola@example.org>"
    assert "from ola@example.org to someone.else@example.org" in message.get_content()


def test_the_sharing_page_names_exactly_the_trainers_who_can_read(app, cohort, make_user, login):
    with app.app_context():
        other = Cohort(
            name="Elsewhere",
            organisation="Elsewhere Council",
            starts_on=NOW.date(),
            ends_on=NOW.date().replace(year=2027),
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    make_user(Role.TRAINER, cohort_id=cohort, name="Tara Trainer")
    make_user(Role.TRAINER, cohort_id=cohort, name="Uma Trainer")
    make_user(Role.TRAINER, cohort_id=cohort, name="Gone Trainer", active=False)
    make_user(Role.TRAINER, cohort_id=other_id, name="Other Trainer")
    make_user(Role.SENIOR_MANAGER, cohort_id=cohort, name="Sam Senior")
    author = make_user(Role.PARTICIPANT, cohort_id=cohort)
    with app.app_context():
        db.session.add(
            JournalEntry(
                author_id=author.id,
                title="Shared one",
                body="Text",
                cohort_id=cohort,
                shared_with_trainers=True,
                shared_at=utcnow(),
            )
        )
        db.session.add(JournalEntry(author_id=author.id, title="Private one", body="Text"))
        db.session.commit()
    client = login(author)
    assert 'href="/journal/sharing"' in client.get("/journal/").get_data(as_text=True)
    page = client.get("/journal/sharing").get_data(as_text=True)
    assert re.findall(r"<li>([^<]*Trainer)</li>", page) == ["Tara Trainer", "Uma Trainer"]
    assert "2 trainers can read what you share" in page
    assert "Sam Senior" not in page and "Other Trainer" not in page
    assert "Shared one" in page and "Private one" not in page


def test_participants_are_told_when_a_trainer_joins_their_cohort(app, admin, cohort, make_user):
    participant = make_user(Role.PARTICIPANT, cohort_id=cohort)
    senior = make_user(Role.SENIOR_MANAGER, cohort_id=cohort)
    outsider = make_user(Role.PARTICIPANT)
    trainer = make_user(Role.TRAINER, name="Nova Trainer")
    newcomer = make_user(Role.PARTICIPANT)
    path = f"/admin/cohorts/{cohort}"
    for person in (trainer, newcomer):
        token = form_token(admin, path)
        admin.post(path, data={"add-emails": person.email, "add-csrf_token": token})
    told = _outbox(app, TRAINER_ADDED)
    assert sorted(user_id for user_id, *_ in told) == [participant.id, senior.id]
    assert {subject for _, _, subject, *_ in told} == {
        "A trainer has joined your cohort: Nova Trainer"
    }
    assert outsider.id not in [user_id for user_id, *_ in told]


def test_participants_are_told_when_a_member_becomes_a_trainer(app, admin, cohort, make_user):
    participant = make_user(Role.PARTICIPANT, cohort_id=cohort)
    promoted = make_user(Role.PARTICIPANT, cohort_id=cohort, name="Rae Promoted")
    path = f"/admin/users/{promoted.id}/edit"
    admin.post(
        path,
        data={
            "name": "Rae Promoted",
            "email": promoted.email,
            "role": "trainer",
            "active": "y",
            "organisation_id": "0",  # the select's "none", as a browser sends it
            "csrf_token": form_token(admin, path),
        },
    )
    told = _outbox(app, TRAINER_ADDED)
    assert [(user_id, subject) for user_id, _, subject, *_ in told] == [
        (participant.id, "A trainer has joined your cohort: Rae Promoted")
    ]
