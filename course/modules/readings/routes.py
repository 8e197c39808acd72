"""The course library, a reading's page, "I have read this" and file downloads."""

import io
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

import click
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import undefer

from course.extensions import db
from course.modules.accounts.models import ATTENDING_ROLES, Role
from course.modules.programme.models import CourseSession
from course.modules.programme.services import cohort_sessions
from course.modules.readings import services
from course.modules.readings.forms import ReadForm
from course.modules.readings.guides import GuideFileError
from course.modules.readings.models import Reading, SessionReading
from course.permissions import cohort_ids_for, current_cohort, role_required
from course.text import plain_excerpt, render_markdown

bp = Blueprint("readings", __name__, url_prefix="/readings", cli_group=None)
LIBRARY_ROLES = (Role.PARTICIPANT, Role.SENIOR_MANAGER, Role.TRAINER, Role.EVALUATOR)
PER_PAGE = 30
MAX_SEARCH_WORDS = 8


@bp.route("/")
@role_required(*LIBRARY_ROLES)
def index():
    """The library: search by title, author or guide words; filter by one of my sessions."""
    cohort = current_cohort()
    sessions = cohort_sessions(cohort.id) if cohort else []
    query_text = request.args.get("q", "").strip()[:200]
    session_id = request.args.get("session", type=int)
    chosen = next((s for s in sessions if s.id == session_id), None)
    show_retired = current_user.role == Role.TRAINER and request.args.get("retired") == "1"
    page = db.paginate(
        library_query(query_text, chosen, show_retired), per_page=PER_PAGE, error_out=False
    )
    reading_ids = [r.id for r in page.items]
    listed = _session_tags(cohort, reading_ids)
    read_ids = set()
    if current_user.role in ATTENDING_ROLES:
        read_ids = services.read_reading_ids(current_user.id, reading_ids)
    readers, attendees, unobtainable = {}, 0, None
    if current_user.role == Role.TRAINER and cohort:
        readers, attendees = services.readers_and_attendees(cohort.id, reading_ids)
        unobtainable = services.unobtainable_required_readings(cohort.id)
    return render_template(
        "readings/index.html",
        page=page,
        excerpts={r.id: guide_excerpt(r.guide) for r in page.items},
        listed=listed,
        read_ids=read_ids,
        readers=readers,
        attendees=attendees,
        unobtainable=unobtainable,
        sessions=sessions,
        chosen=chosen,
        query_text=query_text,
        show_retired=show_retired,
        args={
            k: v
            for k, v in (
                ("q", query_text),
                ("session", chosen.id if chosen else None),
                ("retired", "1" if show_retired else None),
            )
            if v
        },
    )


@lru_cache(maxsize=512)
def guide_excerpt(guide, length=220):
    """The start of a guide's text for the library, without its headings.

    Kept per worker: rendering every guide's markdown on each view of the library was 70% of
    the page's time (tests/bench/README.md), and a guide is course content, not personal.
    """
    lines = [line for line in guide.splitlines() if not line.lstrip().startswith("#")]
    return plain_excerpt("\n".join(lines), length)


def library_query(query_text, course_session=None, include_retired=False):
    """Readings whose title, authors or guide hold every word searched for."""
    query = select(Reading)
    if not include_retired:
        query = query.where(Reading.retired.is_(False))
    for word in query_text.split()[:MAX_SEARCH_WORDS]:
        query = query.where(
            or_(
                Reading.title.icontains(word, autoescape=True),
                Reading.authors.icontains(word, autoescape=True),
                Reading.guide.icontains(word, autoescape=True),
            )
        )
    if course_session is not None:
        query = query.join(SessionReading, SessionReading.reading_id == Reading.id).where(
            SessionReading.session_id == course_session.id
        )
        return query.order_by(
            SessionReading.required.desc(), SessionReading.position, SessionReading.id
        )
    return query.order_by(Reading.authors, Reading.year, Reading.id)


def _session_tags(cohort, reading_ids):
    """{reading id: [(session number, required)]} for the cohort's sessions listing them."""
    tags = {reading_id: [] for reading_id in reading_ids}
    if cohort is None or not reading_ids:
        return tags
    rows = db.session.execute(
        select(SessionReading.reading_id, CourseSession.number, SessionReading.required)
        .join(CourseSession, CourseSession.id == SessionReading.session_id)
        .where(CourseSession.cohort_id == cohort.id, SessionReading.reading_id.in_(reading_ids))
        .order_by(CourseSession.number)
    ).all()
    for reading_id, number, required in rows:
        tags[reading_id].append((number, required))
    return tags


@bp.route("/<int:reading_id>")
@role_required(*LIBRARY_ROLES)
def detail(reading_id):
    """One reading: its citation, the course's guide, where it is on my sessions' lists."""
    reading = db.get_or_404(Reading, reading_id)
    listings = services.listing_sessions(reading.id, cohort_ids_for(current_user))
    attending = current_user.role in ATTENDING_ROLES
    return render_template(
        "readings/detail.html",
        reading=reading,
        guide=render_markdown(reading.guide),
        listings=listings,
        attending=attending,
        is_read=attending
        and reading.id in services.read_reading_ids(current_user.id, [reading.id]),
        can_download=reading.has_file and bool(listings),
        can_change=services.may_change_reading(current_user, reading.id),
        journal_link=_journal_link(reading) if attending else None,
    )


def _journal_link(reading):
    """'Write a reflection' opens a new journal entry linked to the reading."""
    return url_for("journal.new", reading=reading.id)


@bp.route("/<int:reading_id>/read", methods=["POST"])
@role_required(*ATTENDING_ROLES)
def mark_read(reading_id):
    """'I have read this' (read=1) or 'Mark as not read' (read=0); repeating it is harmless."""
    reading = db.get_or_404(Reading, reading_id)
    form = ReadForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_read(current_user.id, reading.id, form.read.data == "1")
    db.session.commit()
    if form.read.data == "1":
        flash(f"Marked “{reading.title}” as read.", "success")
    else:
        flash(f"Marked “{reading.title}” as not read.", "success")
    return redirect(
        _landing(_local_path(form.next.data)) or url_for("readings.detail", reading_id=reading.id)
    )


def _landing(target):
    """A target with an anchor gets ?flash_at=<anchor>, so the message shows where they land."""
    if not target or "#" not in target:
        return target
    path, anchor = target.split("#", 1)
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode({'flash_at': anchor})}#{anchor}"


def _local_path(target):
    """The target when it is a path on this site, else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/<int:reading_id>/file")
@login_required  # any other person, whatever their role, gets 404: the file's existence is private
def download(reading_id):
    """The reading's file, as an attachment, for members and trainers of a cohort listing it."""
    listed_for_me = (
        select(SessionReading.reading_id)
        .join(CourseSession, CourseSession.id == SessionReading.session_id)
        .where(CourseSession.cohort_id.in_(cohort_ids_for(current_user)))
    )
    reading = db.session.scalar(
        select(Reading)
        .options(undefer(Reading.file_data))
        .where(
            Reading.id == reading_id,
            Reading.file_size.is_not(None),
            Reading.id.in_(listed_for_me),
        )
    )
    if reading is None:
        abort(404)
    return send_file(
        io.BytesIO(reading.file_data),
        mimetype=reading.file_type,
        as_attachment=True,
        download_name=reading.file_name,
        max_age=0,
    )


@bp.cli.command("sync-readings")
@click.option("--directory", default=None, help="Read the guides from here, not course/readings.")
def sync_readings_command(directory):
    """Load the reading guides in course/readings/ into the library (safe to repeat)."""
    try:
        result = services.sync_readings(directory)
    except GuideFileError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("Nothing was changed. Fix the file and sync again.") from None
    db.session.commit()
    click.echo(
        f"Readings: {len(result.added)} added, {len(result.updated)} updated, "
        f"{len(result.restored)} restored, {len(result.retired)} retired, "
        f"{len(result.unchanged)} unchanged."
    )
    for label, slugs in (
        ("Added", result.added),
        ("Updated", result.updated),
        ("Restored", result.restored),
        ("Retired", result.retired),
    ):
        if slugs:
            click.echo(f"{label}: {', '.join(slugs)}")
