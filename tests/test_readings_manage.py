"""Trainers: adding and editing readings, files, and each session's reading list."""

import io
import zipfile

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.programme.models import CourseSession
from course.modules.readings.files import detect_file_type
from course.modules.readings.models import MAX_FILE_SIZE, FileType, Reading, SessionReading
from course.modules.readings.services import attach_to_cohort, readings_for_sessions, sync_readings
from course.timeutil import london_today
from tests.conftest import form_token

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx():
    """The smallest zip a Word document is recognised by."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _other_zip():
    """A zip that is not a Word document (a spreadsheet, say)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le")


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
    """A trainer of the listed cohort."""
    return make_user(role=Role.TRAINER, cohort_id=listed)


def _reading_id(app, slug):
    """A reading's id by its guide's file name."""
    with app.app_context():
        return db.session.scalar(select(Reading.id).where(Reading.slug == slug))


def _session_id(app, cohort_id, number):
    """The id of a cohort's session by number."""
    with app.app_context():
        return db.session.scalar(
            select(CourseSession.id).where(
                CourseSession.cohort_id == cohort_id, CourseSession.number == number
            )
        )


def _attach(client, reading_id, data, name):
    """Post a file to a reading."""
    token = form_token(client, f"/readings/{reading_id}/edit")
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(
        {"csrf_token": token, "file": FileStorage(io.BytesIO(data), filename=name)}
    )
    return client.post(
        f"/readings/{reading_id}/file",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


FIELDS = {
    "title": "Supervision and the anxious organisation",
    "authors": "Example, A.",
    "year": "2010",
    "publication": "Journal of Examples, 1(1), 1-10",
    "link": "https://example.org/paper",
    "verify_note": "",
    "guide": "## Why this reading\n\nIt is **important**.",
}


def test_a_trainer_previews_a_new_reading_without_saving_it(app, trainer, login):
    client = login(trainer)
    token = form_token(client, "/readings/new")
    page = client.post(
        "/readings/new", data={**FIELDS, "csrf_token": token, "preview": "1"}
    ).get_data(as_text=True)
    assert "Preview (not saved yet)" in page
    assert "<strong>important</strong>" in page
    assert 'value="Supervision and the anxious organisation"' in page  # kept what was typed
    with app.app_context():
        assert db.session.scalar(select(Reading).where(Reading.title == FIELDS["title"])) is None


def test_a_trainer_adds_a_reading_and_it_is_in_the_library(app, trainer, login):
    client = login(trainer)
    token = form_token(client, "/readings/new")
    response = client.post("/readings/new", data={**FIELDS, "csrf_token": token, "save": "1"})
    assert response.status_code == 302
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.title == FIELDS["title"]))
        assert reading.slug is None and reading.year == 2010
        assert (
            db.session.scalar(
                select(AuditEvent).where(AuditEvent.action == "reading_created")
            ).object_id
            == reading.id
        )
    assert FIELDS["title"] in client.get("/readings/?q=anxious").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the title"),
        ({"year": "nineteen"}, "Not a valid integer value."),
        ({"link": "javascript:alert(1)"}, "Enter a web address"),
        ({"guide": ""}, "Write the reading guide"),
    ],
)
def test_bad_input_is_explained_and_what_was_typed_is_kept(app, trainer, login, changes, message):
    client = login(trainer)
    token = form_token(client, "/readings/new")
    response = client.post(
        "/readings/new", data={**FIELDS, **changes, "csrf_token": token, "save": "1"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert "Example, A." in page


def test_a_trainer_edits_a_reading_and_can_retire_it(app, trainer, login):
    client = login(trainer)
    reading_id = _reading_id(app, "ruch-2007-containment")
    token = form_token(client, f"/readings/{reading_id}/edit")
    response = client.post(
        f"/readings/{reading_id}/edit",
        data={**FIELDS, "csrf_token": token, "retired": "y", "verify_note": "Pages unchecked"},
    )
    assert response.status_code == 302
    page = client.get(f"/readings/{reading_id}").get_data(as_text=True)
    assert "has been retired" in page
    assert "Citation to verify:</strong> Pages unchecked" in page
    assert "(citation to verify)" in page


@pytest.mark.parametrize(
    ("data", "name", "kind", "stored_name"),
    [
        (PDF, "Ruch 2007.pdf", FileType.PDF, "Ruch_2007.pdf"),
        (_docx(), "paper.docx", FileType.DOCX, "paper.docx"),
        (DOC, "old paper.doc", FileType.DOC, "old_paper.doc"),
        (PDF, "misnamed.docx", FileType.PDF, "misnamed.pdf"),  # the content decides
    ],
)
def test_a_trainer_attaches_a_pdf_or_word_file(app, trainer, login, data, name, kind, stored_name):
    client = login(trainer)
    reading_id = _reading_id(app, "ruch-2007-containment")
    response = _attach(client, reading_id, data, name)
    assert response.status_code == 302
    with app.app_context():
        reading = db.session.get(Reading, reading_id)
        assert (reading.file_type, reading.file_name, reading.file_size) == (
            kind.value,
            stored_name,
            len(data),
        )
        assert reading.file_data == data


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PNG, "photo.pdf"),
        (_other_zip(), "sheet.docx"),
        (b"MZ\x90\x00 not a document", "paper.doc"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "spreadsheet.doc"),
        (b"", "empty.pdf"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(app, trainer, login, data, name):
    client = login(trainer)
    reading_id = _reading_id(app, "ruch-2007-containment")
    response = _attach(client, reading_id, data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "must be a PDF or a Word document" in page or "The file is empty" in page
    with app.app_context():
        assert db.session.get(Reading, reading_id).file_size is None


def test_a_file_over_20_mb_is_refused(app, trainer, login):
    client = login(trainer)
    reading_id = _reading_id(app, "ruch-2007-containment")
    response = _attach(client, reading_id, PDF + b"0" * (MAX_FILE_SIZE + 1 - len(PDF)), "big.pdf")
    assert response.status_code == 400
    assert "The file must be 20 MB or smaller" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Reading, reading_id).file_size is None


def test_a_request_far_over_the_limit_gets_the_too_large_page(app, trainer, login):
    client = login(trainer)
    reading_id = _reading_id(app, "ruch-2007-containment")
    response = _attach(client, reading_id, PDF + b"0" * (22 * 1024 * 1024), "huge.pdf")
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)


def test_detect_file_type_reads_content_not_names():
    assert detect_file_type(PDF) is FileType.PDF
    assert detect_file_type(_docx()) is FileType.DOCX
    assert detect_file_type(DOC) is FileType.DOC
    assert detect_file_type(PNG) is None
    assert detect_file_type(b"PK\x03\x04 broken zip") is None


@pytest.fixture
def with_file(app, trainer, login, auth):
    """Ruch 2007 (on session 5's list) with a PDF attached; returns the reading id."""
    reading_id = _reading_id(app, "ruch-2007-containment")
    assert _attach(login(trainer), reading_id, PDF, "ruch.pdf").status_code == 302
    auth.logout()
    return reading_id


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.TRAINER])
def test_members_download_the_file_as_an_attachment(with_file, listed, make_user, login, role):
    client = login(make_user(role=role, cohort_id=listed))
    assert "Download the file" in client.get(f"/readings/{with_file}").get_data(as_text=True)
    response = client.get(f"/readings/{with_file}/file")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=ruch.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _other_cohort(app):
    """A second cohort with no reading lists."""
    with app.app_context():
        other = Cohort(
            name="Another Borough",
            organisation="Another Council",
            starts_on=london_today().replace(day=1),
            ends_on=london_today().replace(day=1, year=london_today().year + 1),
        )
        db.session.add(other)
        db.session.commit()
        return other.id


@pytest.mark.parametrize(
    "who", ["participant without a cohort", "participant elsewhere", "trainer elsewhere", "admin"]
)
def test_anyone_outside_the_cohort_gets_404_for_the_file(app, with_file, make_user, login, who):
    other = _other_cohort(app)
    user = {
        "participant without a cohort": lambda: make_user(),
        "participant elsewhere": lambda: make_user(cohort_id=other),
        "trainer elsewhere": lambda: make_user(role=Role.TRAINER, cohort_id=other),
        "admin": lambda: make_user(role=Role.ADMIN),
    }[who]()
    client = login(user)
    assert client.get(f"/readings/{with_file}/file").status_code == 404


def test_a_file_on_no_session_list_is_not_downloadable(app, with_file, listed, make_user, login):
    with app.app_context():
        for link in db.session.scalars(
            select(SessionReading).where(SessionReading.reading_id == with_file)
        ):
            db.session.delete(link)
        db.session.commit()
    client = login(make_user(cohort_id=listed))
    assert client.get(f"/readings/{with_file}/file").status_code == 404


def test_a_trainer_removes_the_file(app, with_file, trainer, login):
    client = login(trainer)
    token = form_token(client, f"/readings/{with_file}/edit")
    assert (
        client.post(f"/readings/{with_file}/file/remove", data={"csrf_token": token}).status_code
        == 302
    )
    assert client.get(f"/readings/{with_file}/file").status_code == 404


def _list_titles(app, session_id):
    """The session's list as (title, required), in order."""
    with app.app_context():
        return [
            (link.reading.title, link.required)
            for link in readings_for_sessions([session_id])[session_id]
        ]


def test_a_trainer_builds_a_session_reading_list(app, listed, trainer, login):
    client = login(trainer)
    session_id = _session_id(app, listed, 5)
    path = f"/readings/sessions/{session_id}"
    menzies = _reading_id(app, "menzies-1960-social-systems-defence")
    andersen = _reading_id(app, "andersen-1987-reflecting-team")
    token = form_token(client, path)
    for reading_id in (menzies, andersen):
        response = client.post(
            path, data={"csrf_token": token, "reading": reading_id, "kind": "required"}
        )
        assert response.status_code == 302
    titles = [title for title, required in _list_titles(app, session_id) if required]
    assert titles[-2:] == [
        "A case-study in the functioning of social systems as a defence against anxiety",
        "The reflecting team: dialogue and meta-dialogue in clinical work",
    ]
    with app.app_context():
        link_id = db.session.scalar(
            select(SessionReading.id).where(
                SessionReading.session_id == session_id, SessionReading.reading_id == andersen
            )
        )
    links = f"{path}/links/{link_id}"
    client.post(f"{links}/move", data={"csrf_token": token, "direction": "up"})
    titles = [title for title, required in _list_titles(app, session_id) if required]
    assert titles[-2] == "The reflecting team: dialogue and meta-dialogue in clinical work"
    client.post(f"{links}/kind", data={"csrf_token": token, "kind": "optional"})
    assert ("The reflecting team: dialogue and meta-dialogue in clinical work", False) in (
        _list_titles(app, session_id)
    )
    client.post(f"{links}/remove", data={"csrf_token": token})
    assert "The reflecting team: dialogue and meta-dialogue in clinical work" not in [
        title for title, _ in _list_titles(app, session_id)
    ]
    page = client.get(path).get_data(as_text=True)
    assert "Reading list for session 5" in page


def test_adding_without_choosing_a_reading_is_explained(app, listed, trainer, login):
    client = login(trainer)
    path = f"/readings/sessions/{_session_id(app, listed, 5)}"
    token = form_token(client, path)
    page = client.post(path, data={"csrf_token": token, "reading": "0", "kind": "required"})
    assert page.status_code == 200
    assert "Choose a reading" in page.get_data(as_text=True)


def test_the_standard_readings_button_restores_a_removed_one(app, listed, trainer, login):
    client = login(trainer)
    session_id = _session_id(app, listed, 5)
    with app.app_context():
        link = db.session.scalar(
            select(SessionReading).where(SessionReading.session_id == session_id)
        )
        db.session.delete(link)
        db.session.commit()
    token = form_token(client, f"/readings/sessions/{session_id}")
    response = client.post(f"/readings/sessions/{session_id}/standard", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Added 1 standard reading link." in client.get(
        f"/readings/sessions/{session_id}"
    ).get_data(as_text=True)
