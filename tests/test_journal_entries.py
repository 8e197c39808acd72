"""Writing with a framework's prompts, links from sessions and readings, the list, and the trash."""

from datetime import timedelta

import pytest
import time_machine
from journal_support import editor_fields, open_editor, page_token, write_entry
from sqlalchemy import select, update

from course.extensions import db
from course.modules.accounts.models import Cohort, Role
from course.modules.journal.models import JournalEntry, JournalTag
from course.modules.programme.models import CourseSession
from course.modules.programme.services import create_programme
from course.modules.readings.models import Reading
from course.timeutil import london_today, utcnow
from tests.conftest import Auth, form_token


@pytest.fixture
def author(cohort, make_user):
    return make_user(Role.PARTICIPANT, cohort_id=cohort)


@pytest.fixture
def session_ids(app, cohort):
    with app.app_context():
        return db.session.scalars(
            select(CourseSession.id)
            .where(CourseSession.cohort_id == cohort)
            .order_by(CourseSession.number)
        ).all()


def test_a_frameworks_prompts_are_labelled_sections_of_the_editor(author, login):
    client = login(author)
    page = client.get("/journal/new?framework=gibbs").get_data(as_text=True)
    for label in ("Description", "Feelings", "Evaluation", "Analysis", "Conclusion"):
        assert f">{label}</label>" in page
    assert "What were you feeling before, during and after?" in page
    assert ">Anything else</label>" in page
    page = client.get("/journal/new?framework=schon").get_data(as_text=True)
    assert "At what moment did you realise something unexpected was happening?" in page
    assert ">Description</label>" not in page


def test_writing_with_gibbs_saves_one_markdown_body_and_edits_back_into_the_boxes(
    app, author, login
):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new?framework=gibbs")
    data = editor_fields(
        "After the visit",
        "gibbs",
        notes="A note at the end.",
        gibbs_description="We met at the office.",
        gibbs_action_plan="Ask for a joint visit.",
        tags="Supervision, containment,supervision",
    )
    response = client.post("/journal/new", data={**data, "csrf_token": token})
    assert response.status_code == 302
    entry_path = response.headers["Location"]
    page = client.get(entry_path).get_data(as_text=True)
    assert "<h3>Description</h3>" in page and "Only you can read it" in page
    with app.app_context():
        entry = db.session.scalar(select(JournalEntry))
        assert entry.body == (
            "### Description\n\nWe met at the office.\n\n### Action plan\n\n"
            "Ask for a joint visit.\n\n### Anything else\n\nA note at the end."
        )
        tags = db.session.scalars(select(JournalTag.name).order_by(JournalTag.name)).all()
        assert tags == ["containment", "supervision"]
    page, *_ = open_editor(client, f"{entry_path}/edit")
    assert "We met at the office.</textarea>" in page
    assert "Ask for a joint visit.</textarea>" in page
    assert "A note at the end.</textarea>" in page


def test_changing_framework_keeps_everything_written(author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new?framework=gibbs")
    data = editor_fields(
        "Switching", "schon", gibbs_feelings="Anxious before the meeting.", notes="Later."
    )
    data["shown_framework"] = "gibbs"
    response = client.post(
        "/journal/new", data={**data, "csrf_token": token, "switch_framework": "1"}
    )
    page = response.get_data(as_text=True)
    assert "In action</label>" in page
    assert "### Feelings\n\nAnxious before the meeting." in page
    assert "Later." in page


def test_missing_title_is_explained_and_the_text_is_kept(app, author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    response = client.post(
        "/journal/new",
        data={**editor_fields("", notes="An hour of careful writing"), "csrf_token": token},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a title for the entry" in page
    assert "An hour of careful writing</textarea>" in page
    with app.app_context():
        assert db.session.scalar(select(JournalEntry)) is None


def test_an_empty_entry_is_refused(author, login):
    client = login(author)
    _, token, _, _ = open_editor(client, "/journal/new")
    response = client.post("/journal/new", data={**editor_fields("Title"), "csrf_token": token})
    assert "Write your reflection in at least one of the boxes" in response.get_data(as_text=True)


def test_session_page_offers_a_reflection_and_lists_mine_only(
    app, cohort, author, make_user, login, client, session_ids
):
    first = session_ids[0]
    write_entry(app, author, "My session thoughts", cohort_id=cohort, session_id=first)
    login(author)
    page = client.get(f"/programme/{first}").get_data(as_text=True)
    assert f'href="/journal/new?session={first}"' in page
    assert "My session thoughts" in page
    form, *_ = open_editor(client, f"/journal/new?session={first}")
    assert f'<option selected value="{first}">' in form
    token = page_token(form)
    client.post("/logout", data={"csrf_token": token})
    login(make_user(Role.PARTICIPANT, cohort_id=cohort))
    page = client.get(f"/programme/{first}").get_data(as_text=True)
    assert "My session thoughts" not in page and "Write a reflection" in page


def test_reading_link_opens_a_reading_response(app, author, login):
    with app.app_context():
        reading = Reading(title="The role of containment", authors="Ruch, G.", year=2007)
        db.session.add(reading)
        db.session.commit()
        reading_id = reading.id
    client = login(author)
    page, token, _, _ = open_editor(client, f"/journal/new?reading={reading_id}")
    assert f'<option selected value="{reading_id}">The role of containment' in page
    assert "What one idea from this month" in page
    data = editor_fields("On containment", "reading", reading_idea="The container.")
    data["reading_id"] = str(reading_id)
    client.post("/journal/new", data={**data, "csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(JournalEntry.reading_id)) == reading_id


def test_a_session_of_another_cohort_cannot_be_linked(app, author, login):
    with app.app_context():
        other = Cohort(
            name="Elsewhere",
            organisation="Elsewhere Council",
            starts_on=london_today(),
            ends_on=london_today() + timedelta(days=300),
        )
        db.session.add(other)
        db.session.flush()
        other_session = create_programme(other)[0]
        db.session.commit()
        other_session_id = other_session.id
    client = login(author)
    page, token, _, _ = open_editor(client, f"/journal/new?session={other_session_id}")
    assert '<option selected value="0">No session</option>' in page
    data = editor_fields("Sneaky", notes="text")
    data["session_id"] = str(other_session_id)
    response = client.post("/journal/new", data={**data, "csrf_token": token})
    assert "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(JournalEntry)) is None


def test_my_journal_searches_titles_text_and_tags_and_filters(
    app, cohort, author, login, session_ids
):
    write_entry(app, author, "Containment at team meeting", body="Bion", tags=["team"])
    write_entry(app, author, "Home visit", body="A container for fear", framework="gibbs")
    write_entry(
        app, author, "Drift", body="Nothing changes", tags=["stuck"], session_id=session_ids[1]
    )
    client = login(author)

    def titles(query):
        page = client.get(f"/journal/?{query}").get_data(as_text=True)
        return {t for t in ("Containment at team meeting", "Home visit", "Drift") if t in page}

    assert titles("") == {"Containment at team meeting", "Home visit", "Drift"}
    assert titles("q=contain") == {"Containment at team meeting", "Home visit"}
    assert titles("q=STUCK") == {"Drift"}
    assert titles("q=100%25") == set()
    assert titles("framework=gibbs") == {"Home visit"}
    assert titles(f"session={session_ids[1]}") == {"Drift"}
    assert titles("tag=team") == {"Containment at team meeting"}
    assert titles("q=contain&tag=team") == {"Containment at team meeting"}


def test_my_journal_is_paginated(app, author, login):
    for n in range(25):
        write_entry(app, author, f"Entry number {n:02d}")
    client = login(author)
    first = client.get("/journal/").get_data(as_text=True)
    assert "Entry number 24" in first and "Entry number 04" not in first
    assert "Page 1 of 2" in first
    second = client.get("/journal/?page=2").get_data(as_text=True)
    assert "Entry number 04" in second and "Entry number 24" not in second


def _many_entries(app, author, count, session_id):
    with app.app_context():
        entries = [
            JournalEntry(
                author_id=author.id, title=f"Entry {n}", body="text", session_id=session_id
            )
            for n in range(count)
        ]
        db.session.add_all(entries)
        db.session.flush()
        db.session.add_all(JournalTag(entry_id=e.id, name=f"tag{e.id % 7}") for e in entries)
        db.session.commit()


@pytest.mark.parametrize("query", ["", "?q=entry", "?tag=tag3"])
def test_the_list_makes_the_same_number_of_queries_for_10_and_1000_entries(
    app, cohort, make_user, login, client, count_queries, session_ids, query
):
    counts = []
    for size in (10, 1000):
        person = make_user(Role.PARTICIPANT, cohort_id=cohort)
        _many_entries(app, person, size, session_ids[0])
        login(person)
        client.get(f"/journal/{query}")  # warm up: the sign-in's last-seen write
        with count_queries() as queries:
            response = client.get(f"/journal/{query}")
        assert response.status_code == 200
        counts.append(len(queries))
        token = page_token(response.get_data(as_text=True))
        client.post("/logout", data={"csrf_token": token})
    assert counts[0] == counts[1]


def test_delete_moves_to_the_trash_and_restore_brings_it_back(app, author, login):
    entry_id = write_entry(app, author, "Regrettable entry")
    client = login(author)
    token = page_token(client.get(f"/journal/{entry_id}").get_data(as_text=True))
    response = client.post(f"/journal/{entry_id}/delete", data={"csrf_token": token})
    assert "You can restore it for 30 days" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert "Regrettable entry" not in client.get("/journal/").get_data(as_text=True)
    assert client.get(f"/journal/{entry_id}").status_code == 404
    trash = client.get("/journal/trash").get_data(as_text=True)
    assert "Regrettable entry" in trash
    client.post(f"/journal/trash/{entry_id}/restore", data={"csrf_token": token})
    assert "Regrettable entry" in client.get("/journal/").get_data(as_text=True)
    assert "The trash is empty" in client.get("/journal/trash").get_data(as_text=True)


def test_deleting_a_shared_entry_stops_sharing_it(app, cohort, author, login):
    entry_id = write_entry(
        app,
        author,
        "Shared then deleted",
        cohort_id=cohort,
        shared_with_trainers=True,
        shared_at=utcnow(),
    )
    client = login(author)
    token = page_token(client.get(f"/journal/{entry_id}").get_data(as_text=True))
    client.post(f"/journal/{entry_id}/delete", data={"csrf_token": token})
    client.post(f"/journal/trash/{entry_id}/restore", data={"csrf_token": token})
    with app.app_context():
        assert not db.session.get(JournalEntry, entry_id).shared_with_trainers


def _age_in_trash(app, entry_id, days):
    with app.app_context():
        db.session.execute(
            update(JournalEntry)
            .where(JournalEntry.id == entry_id)
            .values(deleted_at=utcnow() - timedelta(days=days))
        )
        db.session.commit()


def test_trash_is_purged_after_30_days_by_the_command(app, author, runner):
    old = write_entry(app, author, "Old", tags=["x"])
    recent = write_entry(app, author, "Recent")
    _age_in_trash(app, old, 31)
    _age_in_trash(app, recent, 29)
    result = runner.invoke(args=["purge-journal-trash"])
    assert "Purged 1 journal entries" in result.output
    with app.app_context():
        assert db.session.get(JournalEntry, old) is None
        assert db.session.scalars(select(JournalTag)).all() == []
        assert db.session.get(JournalEntry, recent) is not None


def test_trash_is_purged_when_its_page_is_opened_and_old_entries_cannot_be_restored(
    app, author, login
):
    old = write_entry(app, author, "Very old")
    _age_in_trash(app, old, 30.5)
    client = login(author)
    token = page_token(client.get("/journal/trash").get_data(as_text=True))
    assert client.post(f"/journal/trash/{old}/restore", data={"csrf_token": token}).status_code == (
        404
    )
    with app.app_context():
        assert db.session.get(JournalEntry, old) is None


def test_restoring_after_the_restore_period_through_the_restore_action_is_refused(
    app, author, login, client, clock
):
    late, in_time = (write_entry(app, author, title) for title in ("Too late", "Just in time"))
    login(author)
    for entry_id in (late, in_time):
        client.post(f"/journal/{entry_id}/delete", data={"csrf_token": form_token(client, "/")})
    days = timedelta(days=app.config.get("COURSE_JOURNAL_TRASH_DAYS", 30))
    with time_machine.travel(clock + days - timedelta(minutes=1), tick=False):
        login(author)  # the earlier sign-in has long gone idle
        response = client.post(
            f"/journal/trash/{in_time}/restore",
            data={"csrf_token": form_token(client, "/account/")},
            follow_redirects=True,
        )
        assert "“Just in time” is restored" in response.get_data(as_text=True)
    with time_machine.travel(clock + days + timedelta(minutes=1), tick=False):
        # Two minutes on, still signed in: straight to the restore action, without opening
        # the trash page (which purges).
        response = client.post(
            f"/journal/trash/{late}/restore",
            data={"csrf_token": form_token(client, "/account/")},
            follow_redirects=True,
        )
        page = response.get_data(as_text=True)
        assert "That entry has been in the trash too long to restore." in page
        assert "Too late" not in client.get("/journal/").get_data(as_text=True)
    with app.app_context():
        entry = db.session.get(JournalEntry, late)
        assert entry is None or entry.deleted_at is not None


def test_an_entry_in_the_trash_can_be_deleted_for_good(app, author, login):
    entry_id = write_entry(app, author, "Gone", deleted_at=utcnow())
    client = login(author)
    token = page_token(client.get("/journal/trash").get_data(as_text=True))
    client.post(f"/journal/trash/{entry_id}/purge", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(JournalEntry, entry_id) is None


def test_home_shows_my_latest_entries_to_me_and_shared_ones_to_trainers(
    app, cohort, author, make_user, login, client
):
    write_entry(app, author, "Private musing", cohort_id=cohort)
    write_entry(
        app,
        author,
        "Shared musing",
        cohort_id=cohort,
        shared_with_trainers=True,
        shared_at=utcnow(),
    )
    login(author)
    page = client.get("/").get_data(as_text=True)
    assert "Private musing" in page and "Write a reflection" in page
    token = page_token(page)
    client.post("/logout", data={"csrf_token": token})
    login(make_user(Role.TRAINER, cohort_id=cohort))
    page = client.get("/").get_data(as_text=True)
    assert "Shared musing" in page and "Private musing" not in page


def test_seed_demo_gives_managers_entries_and_one_shared_with_feedback(app, runner, client):
    with app.app_context():  # the core commands are added without with_appcontext
        result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        current = db.session.scalar(
            select(Cohort.id).where(Cohort.name.like("Demo Borough%"), Cohort.archived_at.is_(None))
        )
        entries = db.session.scalars(
            select(JournalEntry).where(JournalEntry.cohort_id == current)
        ).all()
        assert len({e.author_id for e in entries}) >= 3
        assert len({e.framework for e in entries}) >= 6
        assert [e.title for e in entries if e.shared_with_trainers] == [
            "Supervising a newly qualified worker after a difficult visit"
        ]
    # The demo trainer has an authenticator app: Auth signs in with a code computed from it.
    assert Auth(client).login("trainer1@example.org", "reflective-practice-demo").status_code == 302
    page = client.get("/journal/shared").get_data(as_text=True)
    assert "Supervising a newly qualified worker" in page
    assert "A hard week on duty" not in page
