"""Exports: the whole journal as Markdown and as a printable page, one entry, the CPD record."""

import csv
import io

import pytest
from journal_support import write_entry
from openpyxl import load_workbook
from sqlalchemy import select

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.frameworks import FRAMEWORKS, compose_body
from course.modules.journal.models import JournalComment
from course.modules.programme.models import CourseSession

GIBBS_BODY = compose_body(
    FRAMEWORKS["gibbs"],
    {
        "description": "A supervision that overran.",
        "conclusion": "Slowing down is part of the work.",
        "action_plan": "Start with the child's day next time.",
    },
)


@pytest.fixture
def author(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort, name="Amira Ahmed")


@pytest.fixture
def journal(app, cohort, author, make_user):
    """(gibbs entry linked to a session, with feedback; free entry; someone else's entry)."""
    with app.app_context():
        session_id = db.session.scalar(
            select(CourseSession.id).where(CourseSession.cohort_id == cohort).limit(1)
        )
    gibbs = write_entry(
        app,
        author,
        "Slowing down",
        body=GIBBS_BODY,
        framework="gibbs",
        session_id=session_id,
        tags=["supervision"],
    )
    free = write_entry(app, author, "=HYPERLINK(bad)", body="-2+3 free writing")
    trainer = make_user(Role.TRAINER, cohort_id=cohort, name="Dr Bellamy")
    with app.app_context():
        db.session.add(JournalComment(entry_id=gibbs, author_id=trainer.id, body="Well noticed."))
        db.session.commit()
    theirs = write_entry(app, make_user(Role.PARTICIPANT, cohort_id=cohort), "Not mine")
    return gibbs, free, theirs


def test_all_entries_download_as_one_markdown_file(app, author, journal, login):
    client = login(author)
    response = client.get("/journal/export/journal.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="journal-')
    text = response.get_data(as_text=True)
    assert text.startswith("# Reflective journal of Amira Ahmed")
    assert "## Slowing down" in text and "### Conclusion\n\nSlowing down is part" in text
    assert "- Framework: Gibbs' reflective cycle" in text and "- Tags: supervision" in text
    assert "**Feedback from Dr Bellamy" in text and "> Well noticed." in text
    assert "## =HYPERLINK(bad)" in text and "Not mine" not in text
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "journal_exported"))
        assert event.actor_id == author.id
        assert "Slowing down" not in (event.detail or "")


def test_printable_page_shows_every_entry(author, journal, login):
    page = login(author).get("/journal/export/print").get_data(as_text=True)
    assert "<h2>Slowing down</h2>" in page and "<h3>Conclusion</h3>" in page
    assert "Well noticed." in page and "Not mine" not in page and "data-print" in page


def test_one_entry_downloads_as_markdown(author, journal, login):
    gibbs, _, theirs = journal
    client = login(author)
    response = client.get(f"/journal/{gibbs}/export")
    assert 'filename="slowing-down-' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith("## Slowing down")
    assert client.get(f"/journal/{theirs}/export").status_code == 404


def _cpd_rows(client, *entry_ids):
    query = "&".join(f"entry={i}" for i in entry_ids)
    response = client.get(f"/journal/export/cpd?{query}&format=csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_cpd_record_as_csv_has_the_social_work_england_fields(author, journal, login):
    gibbs, free, theirs = journal
    rows = _cpd_rows(login(author), gibbs, free, theirs)
    assert rows[0] == [
        "Type of activity",
        "Description",
        "Date",
        "What I learnt",
        "Impact on my practice",
        "Peer reflection",
    ]
    assert len(rows) == 3  # someone else's entry is never included
    by_title = {row[1].split(".")[0]: row for row in rows[1:]}
    session_row = by_title["Slowing down"]
    assert session_row[0] == "Reflective supervision programme: group session"
    assert "Reflection using Gibbs' reflective cycle" in session_row[1]
    assert session_row[3] == "Slowing down is part of the work."
    assert session_row[4] == "Start with the child's day next time."
    assert session_row[5] == "Yes"
    free_row = rows[2] if rows[1] is session_row else rows[1]
    assert free_row[0] == "Reflective writing" and free_row[5] == "No"
    assert free_row[1].startswith("'=HYPERLINK")  # not run as a formula
    assert free_row[3] == "'-2+3 free writing"


def test_cpd_record_keeps_line_breaks_and_list_dashes_in_one_cell(app, author, login):
    body = "What I took away:\n\n- slow the first ten minutes\n- name the feeling\n\nThen act."
    entry = write_entry(app, author, "Lists", body=body)
    client = login(author)
    rows = _cpd_rows(client, entry)
    assert len(rows) == 2  # the multi-line text stays inside one quoted cell
    assert rows[1][3] == body
    response = client.get(f"/journal/export/cpd?entry={entry}&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(row=2, column=4).value == body
    assert sheet.cell(row=2, column=3).is_date


def test_cpd_record_for_chosen_entries_only(author, journal, login):
    gibbs, free, _ = journal
    rows = _cpd_rows(login(author), free)
    assert len(rows) == 2 and "Slowing down" not in rows[1][1]


def test_cpd_record_as_a_printable_page(app, author, journal, login):
    gibbs, _, _ = journal
    page = (
        login(author).get(f"/journal/export/cpd?entry={gibbs}&format=print").get_data(as_text=True)
    )
    for label in ("Type of activity", "What I learnt", "Impact on my practice", "Peer reflection"):
        assert f"<dt>{label}</dt>" in page
    assert "Start with the child&#39;s day next time." in page
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "journal_exported")
        ).all()
        assert details == ['{"format": "printable page", "scope": "CPD record"}']


def test_cpd_without_a_chosen_entry_says_what_to_do(author, journal, login):
    client = login(author)
    page = client.get("/journal/export").get_data(as_text=True)
    assert "Slowing down" in page and "Not mine" not in page
    response = client.get("/journal/export/cpd?format=csv")
    assert response.status_code == 400
    assert "Choose at least one entry for the CPD record" in response.get_data(as_text=True)
