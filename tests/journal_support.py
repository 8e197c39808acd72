"""Helpers for the journal's tests: entries made directly, sign-ins expired, the editor posted."""

import re
from datetime import timedelta

from sqlalchemy import update

from course.extensions import db
from course.modules.accounts.models import UserSession
from course.modules.journal.models import JournalEntry, JournalTag
from course.timeutil import utcnow


def write_entry(app, author, title="A reflection", body="Some thoughts.", tags=(), **columns):
    """An entry of `author`'s, made without HTTP; returns its id."""
    with app.app_context():
        entry = JournalEntry(author_id=author.id, title=title, body=body, **columns)
        db.session.add(entry)
        db.session.flush()
        db.session.add_all(JournalTag(entry_id=entry.id, name=name) for name in tags)
        db.session.commit()
        return entry.id


def expire_sign_in(app, user):
    """Make the user's sign-ins idle for longer than the idle timeout."""
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user.id)
            .values(last_seen_at=utcnow() - timedelta(hours=3))
        )
        db.session.commit()


def page_token(page):
    """The CSRF token of the first form on a page's HTML."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def editor_fields(title="My reflection", framework="free", notes="", **sections):
    """The editor's form data: gibbs_description="..." style keywords fill the prompts."""
    data = {
        "title": title,
        "framework": framework,
        "shown_framework": framework,
        "notes": notes,
        "session_id": "0",
        "reading_id": "0",
        "presentation_id": "0",
        "tags": "",
    }
    data.update(sections)
    return data


def open_editor(client, path):
    """GET an editor page; returns (html, csrf token, version or None, draft id or '')."""
    page = client.get(path).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d*)"', page)
    draft = re.search(r'name="draft_id" type="hidden" value="(\d*)"', page)
    return (
        page,
        page_token(page),
        version.group(1) if version else None,
        draft.group(1) if draft else "",
    )
