"""My data: a person's pack holds their own data and nobody else's; an admin-made pack is theirs."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import time_machine
from journal_support import write_entry
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.attendance.models import AttendanceMark
from course.modules.barriers.models import Barrier
from course.modules.notifications.models import Notification
from course.modules.notifications.services import notify
from course.modules.privacy.services import DATA_PACK_KIND
from course.modules.programme.models import CourseSession
from course.timeutil import utcnow
from tests.conftest import PASSWORD, Auth, form_token


@pytest.fixture
def two_people(app, cohort, make_user):
    """Ann and Bea in one cohort, each with a journal entry, a barrier, a mark, a message."""
    ann = make_user(Role.PARTICIPANT, cohort_id=cohort, name="Ann Abbott", email="ann@example.org")
    bea = make_user(Role.PARTICIPANT, cohort_id=cohort, name="Bea Baxter", email="bea@example.org")
    for person, word in ((ann, "lighthouse"), (bea, "windmill")):
        write_entry(app, person, f"{word} title", f"My {word} reflection", tags=(word,))
    with app.app_context():
        first = db.session.scalar(
            select(CourseSession).where(
                CourseSession.cohort_id == cohort, CourseSession.number == 1
            )
        )
        for person, word, status in ((ann, "lighthouse", "present"), (bea, "windmill", "late")):
            db.session.add(
                Barrier(cohort_id=cohort, theme="time", text=f"No time, {word} barrier",
                        raised_by_id=person.id, period=1)
            )  # fmt: skip
            db.session.add(
                AttendanceMark(session_id=first.id, user_id=person.id, status=status,
                               note=f"{word} remark")
            )  # fmt: skip
            notify(person, "apologies", f"A {word} message")
        db.session.commit()
    return ann, bea


def open_pack(response):
    """The zip's JSON and HTML, and all its text."""
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert set(archive.namelist()) == {"README.txt", "my-data.json", "my-data.html"}
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    html = archive.read("my-data.html").decode()
    return json.loads(archive.read("my-data.json")), html, everything


def download(client, path="/account/my-data", form_page=None):
    """POST the download form (its token taken from form_page, the account page by default)."""
    return client.post(path, data={"csrf_token": form_token(client, form_page or "/account/")})


def test_my_pack_holds_my_data_and_none_of_anyone_elses(app, two_people, login):
    ann, bea = two_people
    client = login(ann)
    page = client.get("/account/").get_data(as_text=True)
    assert "Download my data" in page
    data, html, everything = open_pack(download(client))

    sections = data["sections"]
    assert sections["account"]["records"][0]["email"] == "ann@example.org"
    assert sections["cohorts"]["records"][0]["name"] == "Test Borough"
    (entry,) = sections["journal"]["records"]
    assert (entry["title"], entry["body"], entry["tags"]) == (
        "lighthouse title", "My lighthouse reflection", ["lighthouse"],
    )  # fmt: skip
    assert sections["barriers"]["records"][0]["text"] == "No time, lighthouse barrier"
    assert sections["attendance"]["records"][0]["status"] == "present"
    assert sections["attendance"]["records"][0]["remark"] == "lighthouse remark"
    assert sections["notifications"]["records"][0]["subject"] == "A lighthouse message"
    assert "My lighthouse reflection" in html and "Your journal" in html

    for trace in ("windmill", "Bea Baxter", "bea@example.org"):
        assert trace not in everything


def test_downloading_is_audited_without_content(app, two_people, login):
    ann, _ = two_people
    open_pack(download(login(ann)))
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "data_pack_downloaded")
        )
        assert event.actor_id == ann.id and "lighthouse" not in (event.detail or "")


def test_the_download_needs_the_form_token(two_people, login):
    ann, _ = two_people
    assert login(ann).post("/account/my-data").status_code == 400


def make_pack_as_admin(app, make_user, person):
    """An administrator has a pack made for the person; returns (admin client, admin)."""
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    Auth(client).login(admin)
    page = f"/admin/users/{person.id}/privacy"
    assert client.get(page).status_code == 200
    response = client.post(
        f"/admin/users/{person.id}/data-pack", data={"csrf_token": form_token(client, page)}
    )
    assert response.status_code == 302
    return client, admin


def pack_address(app, person):
    """The link in the person's notification."""
    with app.app_context():
        link = db.session.scalar(
            select(Notification.link).where(
                Notification.user_id == person.id, Notification.kind == DATA_PACK_KIND
            )
        )
    assert re.fullmatch(r"/my-data/[\w-]{40,}", link)
    return link


def test_an_admin_makes_a_pack_the_person_downloads_once_and_the_admin_cannot_open(
    app, two_people, make_user, login
):
    ann, _ = two_people
    admin_client, admin = make_pack_as_admin(app, make_user, ann)
    address = pack_address(app, ann)
    admin_page = admin_client.get(f"/admin/users/{ann.id}/privacy").get_data(as_text=True)
    assert "Copies made" in admin_page and "lighthouse" not in admin_page

    # The administrator holding the link still cannot open it: it is the person's alone.
    assert admin_client.get(address).status_code == 404
    token = form_token(admin_client, f"/admin/users/{ann.id}/privacy")
    assert admin_client.post(address, data={"csrf_token": token}).status_code == 404

    client = login(ann)
    assert "works once" in client.get(address).get_data(as_text=True)
    data, _, _ = open_pack(download(client, address, address))
    assert data["sections"]["journal"]["records"][0]["body"] == "My lighthouse reflection"
    assert data["sections"]["data_packs"]["records"][0]["used_at"] is not None
    again = client.post(address, data={"csrf_token": form_token(client, "/account/")})
    assert again.status_code == 410 and "has been used" in again.get_data(as_text=True)

    with app.app_context():
        actions = db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_id).order_by(AuditEvent.id)
        ).all()
    assert ("data_pack_made", admin.id) in actions
    assert ("data_pack_downloaded", ann.id) in actions


def test_a_pack_link_expires(app, two_people, make_user, login):
    ann, bea = two_people
    make_pack_as_admin(app, make_user, ann)
    address = pack_address(app, ann)
    assert login(bea).get(address).status_code == 404  # another participant
    with time_machine.travel(utcnow() + timedelta(days=8)):
        client = app.test_client()
        Auth(client).login(ann)
        response = client.post(address, data={"csrf_token": form_token(client, address)})
        assert response.status_code == 410
        assert response.mimetype == "text/html"


def deactivate(app, make_user, person):
    """An administrator deactivates the account (audited, as the admin page does)."""
    client = app.test_client()
    Auth(client).login(make_user(Role.ADMIN))
    token = form_token(client, f"/admin/users/{person.id}/edit")
    assert (
        client.post(f"/admin/users/{person.id}/deactivate", data={"csrf_token": token}).status_code
        == 302
    )


def leaver_post(app, email, password=PASSWORD):
    """Post the leavers' download form."""
    client = app.test_client()
    token = form_token(client, "/leaving/my-data")
    return client.post(
        "/leaving/my-data", data={"email": email, "password": password, "csrf_token": token}
    )


def test_a_deactivated_person_can_download_their_data_for_the_set_period(
    app, two_people, make_user
):
    ann, bea = two_people
    app.config["COURSE_LEAVER_EXPORT_DAYS"] = 30
    assert "Left the programme?" in app.test_client().get("/login").get_data(as_text=True)
    assert leaver_post(app, bea.email).status_code == 400  # still active: sign in instead
    deactivate(app, make_user, ann)
    wrong = leaver_post(app, ann.email, "not the password")
    assert wrong.status_code == 400 and "do not open a closed account" in wrong.get_data(
        as_text=True
    )
    data, _, everything = open_pack(leaver_post(app, ann.email))
    assert data["sections"]["journal"]["records"][0]["body"] == "My lighthouse reflection"
    assert "windmill" not in everything
    with time_machine.travel(utcnow() + timedelta(days=31)):
        assert leaver_post(app, ann.email).status_code == 400


def test_without_the_setting_leavers_cannot_download(app, two_people, make_user):
    ann, _ = two_people
    deactivate(app, make_user, ann)
    assert app.test_client().get("/leaving/my-data").status_code == 404
    assert "Left the programme?" not in app.test_client().get("/login").get_data(as_text=True)
