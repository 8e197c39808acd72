"""The reading guides in course/readings/ and `flask --app course sync-readings`."""

import shutil
from pathlib import Path

import frontmatter
import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.modules.accounts.models import Cohort, User
from course.modules.programme.models import SESSION_COUNT, CourseSession
from course.modules.readings.guides import GuideFileError, guides_directory
from course.modules.readings.models import Reading, ReadingProgress, SessionReading
from course.modules.readings.services import attach_to_cohort, sync_readings

GUIDES = Path(__file__).parent.parent / "course" / "readings"

GOOD = """---
title: "A paper about supervision"
authors: Author, A.
year: 2001
publication: Journal of Things, 1(2), 3-4
link: https://example.org/paper
sessions: [3]
kind: required
---

## Why this reading

Because it is good.
"""


def _rows():
    """Every reading and session-list row, as plain tuples, to compare before and after."""
    readings = db.session.execute(select(Reading.__table__)).all()
    links = db.session.execute(select(SessionReading.__table__)).all()
    return sorted(map(tuple, readings)), sorted(map(tuple, links))


@pytest.fixture
def guides(tmp_path):
    """A copy of the course's guides in a directory the test may change."""
    target = tmp_path / "guides"
    shutil.copytree(GUIDES, target)
    return target


def test_the_course_has_a_required_reading_for_every_session():
    required = set()
    for path in GUIDES.glob("*.md"):
        meta = frontmatter.load(path).metadata
        if meta["kind"] == "required":
            required.update(meta["sessions"])
    assert required == set(range(1, SESSION_COUNT + 1))


def test_unchecked_citations_say_so(app_ctx):
    sync_readings()
    flagged = db.session.scalars(select(Reading).where(Reading.verify_note.is_not(None))).all()
    assert flagged  # e.g. Reder, Duncan and Gray: authors from memory
    assert all(r.citation.endswith("(citation to verify)") for r in flagged)
    reder = db.session.scalar(select(Reading).where(Reading.slug.like("reder%")))
    assert reder in flagged


def test_sync_loads_every_guide_and_a_second_sync_changes_nothing(app_ctx, cohort):
    first = sync_readings()
    attach_to_cohort(db.session.get(Cohort, cohort))
    db.session.commit()
    assert len(first.added) == len(list(GUIDES.glob("*.md")))
    before = _rows()
    second = sync_readings()
    db.session.commit()
    assert not second.changed
    assert second.unchanged == sorted(first.added)
    assert _rows() == before


def test_the_command_syncs_and_a_second_run_changes_nothing(app, runner):
    result = runner.invoke(args=["sync-readings"])
    assert result.exit_code == 0, result.output
    assert f"{len(list(GUIDES.glob('*.md')))} added" in result.output
    with app.app_context():
        before = _rows()
    again = runner.invoke(args=["sync-readings"])
    assert again.exit_code == 0
    assert "0 added, 0 updated, 0 restored, 0 retired" in again.output
    with app.app_context():
        assert _rows() == before


def test_a_changed_file_updates_its_reading(app_ctx, guides):
    sync_readings(guides)
    path = guides / "ruch-2007-containment.md"
    path.write_text(path.read_text().replace("year: 2007", "year: 2008").replace("[5]", "[5, 6]"))
    result = sync_readings(guides)
    assert result.updated == ["ruch-2007-containment"]
    reading = db.session.scalar(select(Reading).where(Reading.slug == "ruch-2007-containment"))
    assert reading.year == 2008
    assert reading.session_number_list == [5, 6]


def test_a_removed_file_retires_its_reading_and_keeps_its_links(app, app_ctx, cohort, guides):
    sync_readings(guides)
    attach_to_cohort(db.session.get(Cohort, cohort))
    reading = db.session.scalar(
        select(Reading).where(Reading.slug == "andersen-1987-reflecting-team")
    )
    user = User(email="p@example.org", name="P", role="participant")
    db.session.add(user)
    db.session.flush()
    db.session.add(ReadingProgress(user_id=user.id, reading_id=reading.id))
    db.session.commit()
    links_before = db.session.scalar(select(func.count(SessionReading.id)))

    (guides / "andersen-1987-reflecting-team.md").unlink()
    result = sync_readings(guides)
    db.session.commit()

    assert result.retired == ["andersen-1987-reflecting-team"]
    assert reading.retired
    assert db.session.scalar(select(func.count(SessionReading.id))) == links_before
    assert db.session.scalar(select(func.count(ReadingProgress.id))) == 1

    shutil.copy(GUIDES / "andersen-1987-reflecting-team.md", guides)
    assert sync_readings(guides).restored == ["andersen-1987-reflecting-team"]
    assert not reading.retired


@pytest.mark.parametrize(
    ("front_matter", "field"),
    [
        ("title: ''", "title"),
        ("year: two thousand", "year"),
        ("sessions: [12]", "sessions"),
        ("sessions: []", "sessions"),
        ("kind: essential", "kind"),
        ("link: javascript:alert(1)", "link"),
        ("titel: Misspelt", "titel"),
        ("title: [unclosed", "front matter"),
    ],
)
def test_a_bad_file_is_named_with_its_field_and_nothing_changes(
    app, runner, guides, front_matter, field
):
    assert runner.invoke(args=["sync-readings", "--directory", str(guides)]).exit_code == 0
    key = front_matter.split(":")[0]
    path = guides / "menzies-1960-social-systems-defence.md"
    lines = path.read_text().splitlines()
    replaced = [front_matter if line.startswith(f"{key}:") else line for line in lines]
    if replaced == lines:
        replaced.insert(1, front_matter)
    path.write_text("\n".join(replaced) + "\n")
    (guides / "zz-a-new-good-guide.md").write_text(GOOD)  # would be added, if anything were
    (guides / "ruch-2007-containment.md").unlink()  # would be retired, if anything were
    with app.app_context():
        before = _rows()

    result = runner.invoke(args=["sync-readings", "--directory", str(guides)])

    assert result.exit_code != 0
    assert f"menzies-1960-social-systems-defence.md: {field}:" in result.output
    assert "Nothing was changed" in result.output
    with app.app_context():
        assert _rows() == before


def test_a_bad_file_name_is_refused(app_ctx, guides):
    (guides / "Bad Name.md").write_text(GOOD)
    with pytest.raises(GuideFileError) as error:
        sync_readings(guides)
    assert "Bad Name.md: file name:" in str(error.value)
    assert db.session.scalar(select(func.count(Reading.id))) == 0


def test_an_empty_guide_is_refused(app_ctx, guides):
    (guides / "empty-guide.md").write_text(GOOD.split("## Why")[0])
    with pytest.raises(GuideFileError, match="empty-guide.md: guide:"):
        sync_readings(guides)


def test_edits_made_in_the_site_stay_until_the_file_changes(app_ctx, guides):
    sync_readings(guides)
    reading = db.session.scalar(select(Reading).where(Reading.slug == "ruch-2007-containment"))
    reading.guide = "Our own notes for this cohort."
    db.session.commit()
    assert not sync_readings(guides).changed
    assert reading.guide == "Our own notes for this cohort."
    path = guides / "ruch-2007-containment.md"
    path.write_text(path.read_text() + "\nA new paragraph.\n")
    sync_readings(guides)
    assert "A new paragraph." in reading.guide


def test_a_reading_retired_in_the_site_stays_retired_after_a_sync(app_ctx, guides):
    sync_readings(guides)
    reading = db.session.scalar(select(Reading).where(Reading.slug == "ruch-2007-containment"))
    reading.retired = True
    db.session.commit()
    assert not sync_readings(guides).changed
    assert reading.retired


def test_attach_to_cohort_links_each_session_and_only_adds_what_is_missing(app_ctx, cohort):
    sync_readings()
    the_cohort = db.session.get(Cohort, cohort)
    added = attach_to_cohort(the_cohort)
    assert added == db.session.scalar(select(func.count(SessionReading.id)))
    assert attach_to_cohort(the_cohort) == 0
    numbers = db.session.scalars(
        select(CourseSession.number)
        .join(SessionReading, SessionReading.session_id == CourseSession.id)
        .where(CourseSession.cohort_id == cohort, SessionReading.required.is_(True))
        .distinct()
    ).all()
    assert sorted(numbers) == list(range(1, SESSION_COUNT + 1))


def test_guides_directory_is_the_course_readings_folder(app_ctx):
    assert guides_directory() == GUIDES.resolve()
