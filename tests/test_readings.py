"""The library, a reading's page, "I have read this", and the readings on session and home pages."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.programme.models import CourseSession
from course.modules.programme.services import create_programme
from course.modules.readings.models import Reading, ReadingProgress, SessionReading
from course.modules.readings.services import (
    attach_to_cohort,
    required_readings_for_sessions,
    sync_readings,
    unread_required_readings,
)
from course.timeutil import london_today
from tests.conftest import form_token


@pytest.fixture
def listed(app, cohort):
    """The cohort with the course's readings synced and on its sessions' lists."""
    with app.app_context():
        sync_readings()
        attach_to_cohort(db.session.get(Cohort, cohort))
        db.session.commit()
    return cohort


def _sessions(app, cohort_id):
    """The cohort's sessions, by number."""
    with app.app_context():
        return {
            s.number: s.id
            for s in db.session.scalars(
                select(CourseSession).where(CourseSession.cohort_id == cohort_id)
            )
        }


def _reading(app, slug):
    """A reading by its guide's file name, detached."""
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == slug))
        db.session.expunge(reading)
        return reading


def test_every_session_page_lists_a_required_reading_with_its_citation(
    app, listed, make_user, login
):
    client = login(make_user(cohort_id=listed))
    with app.app_context():
        required = required_readings_for_sessions(_sessions(app, listed).values())
        citations = {sid: [r.citation for r in rs] for sid, rs in required.items()}
    for number, session_id in _sessions(app, listed).items():
        page = client.get(f"/programme/{session_id}").get_data(as_text=True)
        assert "Required reading" in page, number
        assert citations[session_id], number
        for citation in citations[session_id]:
            assert str(escape(citation)) in page, (number, citation)


def test_the_library_lists_every_reading(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    page = client.get("/readings/").get_data(as_text=True)
    with app.app_context():
        readings = db.session.scalars(select(Reading)).all()
    assert f"{len(readings)} readings" in page
    for reading in readings:
        assert str(escape(reading.title)) in page


@pytest.mark.parametrize(
    ("query", "expected", "not_expected"),
    [
        ("containment", "The role of containment", "Beyond Blame"),  # title
        ("Mattinson", "The Reflection Process in Casework Supervision", "Beyond Blame"),  # author
        ("humble inquiry", "Process Consultation Revisited", "Beyond Blame"),  # guide words
        ("HUMBLE", "Process Consultation Revisited", "Beyond Blame"),  # any case
        ("100%_", None, "Beyond Blame"),  # wildcards are literal
    ],
)
def test_the_library_searches_titles_authors_and_guides(
    listed, make_user, login, query, expected, not_expected
):
    client = login(make_user(cohort_id=listed))
    page = client.get("/readings/", query_string={"q": query}).get_data(as_text=True)
    if expected:
        assert expected.lower() in page.lower()
    else:
        assert "No readings match" in page
    assert not_expected not in page


def test_the_library_filters_by_session(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    session_8 = _sessions(app, listed)[8]
    page = client.get("/readings/", query_string={"session": session_8}).get_data(as_text=True)
    assert "The reflecting team" in page
    assert "Beyond Blame" in page
    assert "The role of containment" not in page
    assert "2 readings for Session 8" in page


def test_the_reading_page_shows_citation_guide_and_where_it_is_listed(
    app, listed, make_user, login
):
    client = login(make_user(cohort_id=listed))
    reading = _reading(app, "reder-duncan-gray-1993-beyond-blame")
    page = client.get(f"/readings/{reading.id}").get_data(as_text=True)
    assert str(escape(reading.citation)) in page
    assert "Citation to verify:" in page
    assert "Questions to bring to session 8" in page
    assert "Session 8: Stuck cases and the reflecting team</a> (optional)" in page


def test_a_participant_marks_a_reading_read_and_then_not_read(app, listed, make_user, login):
    user = make_user(cohort_id=listed)
    client = login(user)
    session_5 = _sessions(app, listed)[5]
    reading = _reading(app, "ruch-2007-containment")
    path = f"/programme/{session_5}"
    assert 'I have read this<span class="visually-hidden">: Reflective practice' in (
        client.get(path).get_data(as_text=True)
    )
    token = form_token(client, path)
    response = client.post(
        f"/readings/{reading.id}/read", data={"csrf_token": token, "read": "1", "next": path}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == path
    page = client.get(path).get_data(as_text=True)
    assert 'Mark as not read<span class="visually-hidden">: Reflective practice' in page
    # Sending it twice (a double click) is harmless.
    client.post(f"/readings/{reading.id}/read", data={"csrf_token": token, "read": "1"})
    with app.app_context():
        rows = db.session.scalars(
            select(ReadingProgress).where(ReadingProgress.user_id == user.id)
        ).all()
        assert [r.reading_id for r in rows] == [reading.id]
    client.post(f"/readings/{reading.id}/read", data={"csrf_token": token, "read": "0"})
    assert 'I have read this<span class="visually-hidden">: Reflective practice' in (
        client.get(path).get_data(as_text=True)
    )


def test_mark_read_goes_back_only_to_a_page_of_this_site(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    reading = _reading(app, "ruch-2007-containment")
    token = form_token(client, f"/readings/{reading.id}")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/readings/{reading.id}/read", data={"csrf_token": token, "read": "1", "next": target}
        )
        assert response.headers["Location"] == f"/readings/{reading.id}"


def test_mark_read_needs_the_form_token(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    reading = _reading(app, "ruch-2007-containment")
    assert client.post(f"/readings/{reading.id}/read", data={"read": "1"}).status_code == 400


def test_the_home_page_lists_what_to_read_before_the_next_session(app, listed, make_user, login):
    user = make_user(cohort_id=listed)
    client = login(user)
    with app.app_context():
        sessions = db.session.scalars(
            select(CourseSession).where(CourseSession.cohort_id == listed)
        ).all()
        upcoming = min((s for s in sessions if not s.is_past()), key=lambda s: s.starts_at)
        to_read = required_readings_for_sessions([upcoming.id])[upcoming.id]
    assert to_read
    page = client.get("/").get_data(as_text=True)
    assert "To read before the next session" in page
    for reading in to_read:
        assert str(escape(reading.title)) in page
    with app.app_context():
        for reading in to_read:
            db.session.add(ReadingProgress(user_id=user.id, reading_id=reading.id))
        db.session.commit()
        assert unread_required_readings(user.id, [upcoming.id]) == {upcoming.id: []}
    page = client.get("/").get_data(as_text=True)
    for reading in to_read:
        assert str(escape(reading.title)) not in page


def test_a_retired_reading_leaves_the_lists_but_its_page_still_works(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    reading = _reading(app, "andersen-1987-reflecting-team")
    with app.app_context():
        db.session.get(Reading, reading.id).retired = True
        db.session.commit()
    session_8 = _sessions(app, listed)[8]
    assert "The reflecting team" not in client.get(f"/programme/{session_8}").get_data(as_text=True)
    assert "The reflecting team" not in client.get("/readings/").get_data(as_text=True)
    page = client.get(f"/readings/{reading.id}")
    assert page.status_code == 200
    assert "has been retired" in page.get_data(as_text=True)


def test_a_guide_cannot_inject_script(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    reading = _reading(app, "ruch-2007-containment")
    with app.app_context():
        db.session.get(Reading, reading.id).guide = "Hello <script>alert(1)</script> **there**"
        db.session.commit()
    page = client.get(f"/readings/{reading.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "<strong>there</strong>" in page


def test_a_session_of_another_cohort_does_not_show_its_readings(app, listed, make_user, login):
    with app.app_context():
        today = london_today()
        other = Cohort(
            name="Other",
            organisation="Other Council",
            starts_on=today.replace(day=1),
            ends_on=today.replace(day=1, year=today.year + 1),
        )
        db.session.add(other)
        db.session.flush()
        create_programme(other)
        db.session.commit()
        other_session = db.session.scalar(
            select(CourseSession.id).where(CourseSession.cohort_id == other.id)
        )
    client = login(make_user(cohort_id=listed))
    assert client.get(f"/programme/{other_session}").status_code == 404
    response = client.get("/readings/", query_string={"session": other_session})
    assert "for Session" not in response.get_data(as_text=True)


# Role access: every route, every role. 404 where the object is someone else's.
ROLES = [Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.TRAINER, Role.EVALUATOR, Role.ADMIN]
GET_ROUTES = {
    # path template: statuses for participant, senior, trainer, evaluator, admin
    "/readings/": (200, 200, 200, 200, 403),
    "/readings/{reading}": (200, 200, 200, 200, 403),
    "/readings/new": (403, 403, 200, 403, 403),
    "/readings/{reading}/edit": (403, 403, 200, 403, 403),
    "/readings/sessions/{session}": (403, 403, 200, 403, 403),
    "/readings/sessions/{session}/progress": (403, 403, 200, 403, 403),
    "/readings/progress": (403, 200, 200, 200, 403),
}


@pytest.mark.parametrize("path", list(GET_ROUTES))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_who_may_open_each_page(app, listed, make_user, login, path, role_index):
    role = ROLES[role_index]
    user = make_user(role=role, cohort_id=None if role == Role.ADMIN else listed)
    client = login(user)
    reading = _reading(app, "ruch-2007-containment")
    url = path.format(reading=reading.id, session=_sessions(app, listed)[5])
    assert client.get(url).status_code == GET_ROUTES[path][role_index]


def test_visitors_are_sent_to_sign_in(app, listed, client):
    reading = _reading(app, "ruch-2007-containment")
    for url in ("/readings/", f"/readings/{reading.id}", f"/readings/{reading.id}/file"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.EVALUATOR, Role.ADMIN])
def test_only_attendees_mark_readings_read(app, listed, make_user, login, role):
    client = login(make_user(role=role, cohort_id=None if role == Role.ADMIN else listed))
    reading = _reading(app, "ruch-2007-containment")
    token = form_token(client, "/account/")
    response = client.post(f"/readings/{reading.id}/read", data={"csrf_token": token, "read": "1"})
    assert response.status_code == 403


def test_trainers_session_lists_for_another_cohort_answer_404(app, listed, make_user, login):
    with app.app_context():
        other = Cohort(
            name="Elsewhere",
            organisation="Elsewhere Council",
            starts_on=london_today().replace(day=1),
            ends_on=london_today().replace(day=1, year=london_today().year + 1),
        )
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    client = login(make_user(role=Role.TRAINER, cohort_id=other_id))
    session_5 = _sessions(app, listed)[5]
    assert client.get(f"/readings/sessions/{session_5}").status_code == 404
    assert client.get(f"/readings/sessions/{session_5}/progress").status_code == 404
    with app.app_context():
        link = db.session.scalar(
            select(SessionReading).where(SessionReading.session_id == session_5)
        )
    token = form_token(client, "/account/")
    response = client.post(
        f"/readings/sessions/{session_5}/links/{link.id}/remove", data={"csrf_token": token}
    )
    assert response.status_code == 404


def test_the_reading_page_offers_no_download_without_a_file(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    reading = _reading(app, "ruch-2007-containment")
    page = client.get(f"/readings/{reading.id}").get_data(as_text=True)
    assert not re.search(r"Download the file", page)
    assert client.get(f"/readings/{reading.id}/file").status_code == 404


def test_the_reading_page_opens_a_journal_entry_linked_to_the_reading(
    app, listed, make_user, login
):
    client = login(make_user(cohort_id=listed))
    reading = _reading(app, "ruch-2007-containment")
    page = client.get(f"/readings/{reading.id}").get_data(as_text=True)
    assert f'href="/journal/new?reading={reading.id}"' in page
    editor = client.get(f"/journal/new?reading={reading.id}").get_data(as_text=True)
    assert f'<option selected value="{reading.id}">' in editor


def test_trainers_can_list_retired_readings_to_restore_them(app, listed, make_user, login):
    reading = _reading(app, "andersen-1987-reflecting-team")
    with app.app_context():
        db.session.get(Reading, reading.id).retired = True
        db.session.commit()
    client = login(make_user(role=Role.TRAINER, cohort_id=listed))
    assert "The reflecting team" not in client.get("/readings/").get_data(as_text=True)
    page = client.get("/readings/?retired=1").get_data(as_text=True)
    assert "The reflecting team" in page
    assert "Retired</span>" in page
