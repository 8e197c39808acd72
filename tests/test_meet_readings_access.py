"""Issue 22, item 7: each reading says how to get it; addresses in guides are links; the trainers
see the required readings nobody can get."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.programme.models import CourseSession
from course.modules.readings.guides import guides_directory, parse_guide, read_guides
from course.modules.readings.models import Reading, SessionReading
from course.modules.readings.services import (
    attach_to_cohort,
    sync_readings,
    unobtainable_required_readings,
)
from course.text import render_markdown
from tests.conftest import Auth, form_token

MENZIES = "menzies-1960-social-systems-defence"
SCHON = "schon-1983-reflective-practitioner"
GIBBS = "gibbs-1988-learning-by-doing"


@pytest.fixture
def listed(app, cohort):
    """The cohort with the course's readings synced and on its sessions' lists."""
    with app.app_context():
        sync_readings()
        attach_to_cohort(db.session.get(Cohort, cohort))
        db.session.commit()
    return cohort


@pytest.fixture
def trainer(make_user, listed):
    return make_user(role=Role.TRAINER, cohort_id=listed)


def _reading_id(app, slug):
    with app.app_context():
        return db.session.scalar(select(Reading.id).where(Reading.slug == slug))


def _set(app, slug, **values):
    """Change a reading's fields directly (as an edit in the site would)."""
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.slug == slug))
        for name, value in values.items():
            setattr(reading, name, value)
        db.session.commit()
        return reading.id


def _session_id(app, cohort_id, number):
    with app.app_context():
        return db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == cohort_id, CourseSession.number == number
            )
        )


def _unobtainable_section(page):
    """The trainers' 'Required readings nobody can get' panel of the library page."""
    match = re.search(
        r'<section[^>]*aria-labelledby="unobtainable-heading".*?</section>', page, re.S
    )
    return match.group(0) if match else None


# The course's own guide files (the demo readings).


def test_every_course_reading_says_how_to_get_it_by_link_or_library(app):
    with app.app_context():
        guides = read_guides(guides_directory())
    without = [g.slug for g in guides if not (g.link or g.library)]
    assert without == []
    required_by_library = [g.slug for g in guides if g.required and not g.link]
    assert len(required_by_library) == 7  # the seven required readings with no link


def test_synced_readings_carry_the_guides_library_details(app, listed):
    with app.app_context():
        menzies = db.session.scalar(select(Reading).where(Reading.slug == MENZIES))
        assert "Human Relations, volume 13" in menzies.library_details
        assert menzies.link is None and menzies.obtainable
        assert unobtainable_required_readings(listed) == []


def test_a_guide_files_library_details_are_checked_for_length():
    raw = (
        "---\ntitle: T\nauthors: A\nlibrary: " + "x" * 501 + "\nsessions: [2]\nkind: required\n"
        "---\n\nGuide.\n"
    ).encode()
    guide, problems = parse_guide("t-2000.md", raw)
    assert guide is None
    assert [(p.field, p.message) for p in problems] == [
        ("library", "is longer than 500 characters")
    ]


# What a participant sees.


def test_a_reading_with_only_library_details_says_which_library(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    page = client.get(f"/readings/{_reading_id(app, MENZIES)}").get_data(as_text=True)
    assert "How to get it" in page
    assert "Library: Journal article in Human Relations, volume 13 (1960)" in page
    assert "ask your trainer" not in page


def test_a_reading_with_a_link_offers_it_online(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    page = client.get(f"/readings/{_reading_id(app, GIBBS)}").get_data(as_text=True)
    assert re.search(
        r'Online: <a href="https://wixlib\.com/[^"]+" rel="noopener noreferrer">', page
    )


def test_a_reading_with_no_way_to_get_it_says_ask_your_trainer(app, listed, make_user, login):
    reading_id = _set(app, MENZIES, library_details=None)
    client = login(make_user(cohort_id=listed))
    page = client.get(f"/readings/{reading_id}").get_data(as_text=True)
    assert "ask your trainer for a copy" in page
    assert "Library:" not in page
    session_4 = _session_id(app, listed, 4)
    panel = client.get(f"/programme/{session_4}").get_data(as_text=True)
    assert "How to get it: ask your trainer" in panel
    assert "How to get it: library" in panel  # Lees, Meyer and Rafferty, by library


def test_the_session_list_says_how_to_get_each_reading(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    page = client.get(f"/programme/{_session_id(app, listed, 2)}").get_data(as_text=True)
    assert "How to get it: online" in page  # Ruch 2005
    assert "How to get it: library" in page  # Schön
    assert "ask your trainer" not in page


def test_the_library_says_how_to_get_each_reading(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    page = client.get("/readings/", query_string={"q": "Menzies"}).get_data(as_text=True)
    assert "How to get it: library" in page


def test_the_guide_points_to_how_to_get_the_work_itself(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    page = client.get(f"/readings/{_reading_id(app, MENZIES)}").get_data(as_text=True)
    assert 'Read the work itself (<a href="#how-to-get">how to get it</a>)' in page
    assert 'id="how-to-get"' in page


# Addresses in guides are links.


def test_an_address_in_a_guide_is_a_safe_link(app, listed, make_user, login):
    client = login(make_user(cohort_id=listed))
    page = client.get(f"/readings/{_reading_id(app, SCHON)}").get_data(as_text=True)
    assert (
        '<a href="http://content.iriss.org.uk/reflectivepractice/practitioner.html" '
        'rel="noopener noreferrer nofollow">'
    ) in page


def test_bare_addresses_become_links_without_trailing_punctuation_or_unsafe_schemes():
    markup = str(
        render_markdown(
            "See https://example.org/a. And javascript:alert(1) and "
            'https://example.org/b"onmouseover=alert(1) then.'
        )
    )
    assert (
        '<a href="https://example.org/a" rel="noopener noreferrer nofollow">'
        "https://example.org/a</a>."
    ) in markup
    hrefs = re.findall(r'href="([^"]*)"', markup)
    assert len(hrefs) == 2 and all(h.startswith("https://example.org/") for h in hrefs)
    assert " onmouseover" not in markup  # the quote stays inside the address, escaped


# Trainers: editing how to get it, and the readings nobody can get.


def test_a_trainer_adds_library_details_in_the_readings_form(app, trainer, login):
    reading_id = _set(app, MENZIES, library_details=None)
    client = login(trainer)
    form = client.get(f"/readings/{reading_id}/edit").get_data(as_text=True)
    assert '<label class="label" for="library_details">Library details</label>' in form
    with app.app_context():
        reading = db.session.get(Reading, reading_id)
        data = {
            "title": reading.title,
            "authors": reading.authors,
            "year": str(reading.year),
            "publication": reading.publication,
            "link": "",
            "verify_note": "",
            "guide": reading.guide,
            "library_details": "  In the  council library,\nshelf 3 ",
        }
    data["csrf_token"] = form_token(client, f"/readings/{reading_id}/edit")
    response = client.post(f"/readings/{reading_id}/edit", data={**data, "save": "1"})
    assert response.status_code == 302
    page = client.get(f"/readings/{reading_id}").get_data(as_text=True)
    assert "Library: In the council library, shelf 3" in page
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "reading_edited", AuditEvent.object_id == reading_id
            )
        )


def test_too_long_library_details_are_refused_next_to_the_field_keeping_the_text(
    app, trainer, login
):
    reading_id = _reading_id(app, MENZIES)
    client = login(trainer)
    with app.app_context():
        reading = db.session.get(Reading, reading_id)
        data = {
            "title": reading.title,
            "authors": reading.authors,
            "guide": reading.guide,
            "library_details": "Shelf " + "y" * 600,
        }
    data["csrf_token"] = form_token(client, f"/readings/{reading_id}/edit")
    response = client.post(f"/readings/{reading_id}/edit", data={**data, "save": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="library_details-error"' in page
    assert "Keep the library details to 500 characters" in page
    assert "Shelf yyyy" in page
    with app.app_context():
        assert "Shelf" not in db.session.get(Reading, reading_id).library_details


def test_the_trainers_library_lists_required_readings_nobody_can_get(app, trainer, login):
    client = login(trainer)
    section = _unobtainable_section(client.get("/readings/").get_data(as_text=True))
    assert "Every required reading on this cohort's sessions has a link" in section
    menzies = _set(app, MENZIES, library_details=None)  # required, session 4
    _set(app, SCHON, library_details=None)  # optional: not listed
    section = _unobtainable_section(client.get("/readings/").get_data(as_text=True))
    assert "1 reading required on this cohort's sessions has no link" in section
    assert f'href="/readings/{menzies}/edit"' in section
    assert str(escape("A case-study in the functioning")) in section
    assert "(Session 4)" in section
    assert "Reflective Practitioner" not in section


def test_a_file_or_a_link_takes_a_reading_off_the_list(app, trainer, login, listed):
    menzies = _set(app, MENZIES, library_details=None)
    _set(app, MENZIES, link="https://example.org/menzies")
    client = login(trainer)
    assert "A case-study" not in _unobtainable_section(client.get("/readings/").get_data(True))
    _set(app, MENZIES, link=None, file_name="m.pdf", file_type="application/pdf", file_size=10)
    with app.app_context():
        assert unobtainable_required_readings(listed) == []
        # Made optional on its session, it leaves the list too.
        _set(app, MENZIES, file_name=None, file_type=None, file_size=None)
        assert [r.id for r, _ in unobtainable_required_readings(listed)] == [menzies]
        link = db.session.scalar(select(SessionReading).where(SessionReading.reading_id == menzies))
        link.required = False
        db.session.commit()
        assert unobtainable_required_readings(listed) == []


def test_participants_do_not_see_the_trainers_list(app, listed, make_user, login):
    _set(app, MENZIES, library_details=None)
    client = login(make_user(cohort_id=listed))
    page = client.get("/readings/").get_data(as_text=True)
    assert "nobody can get" not in page


def test_the_home_page_says_how_to_get_the_next_sessions_readings(
    app, listed, trainer, make_user, login
):
    schein = "schein-1999-process-consultation-revisited"  # required for session 7, the next
    page = login(make_user(cohort_id=listed)).get("/").get_data(as_text=True)
    start = page.index('id="to-read-heading"')
    assert "How to get it: library" in page[start : page.index("</section>", start)]
    _set(app, schein, library_details=None)
    trainers = app.test_client()
    assert Auth(trainers).login(trainer).status_code == 302
    page = trainers.get("/").get_data(as_text=True)
    start = page.index('id="to-read-heading"')
    panel = page[start : page.index("</section>", start)]
    assert "Process Consultation Revisited" in panel
    assert "Nobody can get it: add a link, file or library details" in panel
