"""Helpers for the supervision log's tests: a pinned clock, supervisees and records made directly,
and the record editor's form data."""

import re
from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from course.extensions import db
from course.modules.supervision.clarity import ActionInput, RecordInput, ReviewInput
from course.modules.supervision.models import Supervisee, SupervisionAction
from course.modules.supervision.services import create_record

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # a Tuesday in the programme's sixth month
TODAY = date(2026, 3, 10)


def pinned_clock():
    """Travel to NOW for the test (time goes on ticking from there)."""
    return time_machine.travel(NOW, tick=False)


def add_supervisee(app, manager, label="SW1", **columns):
    """A supervisee of the manager's, made without HTTP; returns its id."""
    with app.app_context():
        supervisee = Supervisee(manager_id=manager.id, label=label, **columns)
        db.session.add(supervisee)
        db.session.commit()
        return supervisee.id


def add_record(app, manager, supervisee_id, held_on, *, actions=(), reviews=(), **fields):
    """A record made through the service; returns (record id, [action ids])."""
    prompts = fields.pop("prompts", 0)
    with app.app_context():
        supervisee = db.session.get(Supervisee, supervisee_id)
        data = RecordInput(
            held_on=held_on,
            minutes=fields.pop("minutes", 90),
            parts=fields.pop("parts", {"reflection": "Thinking together"}),
            decisions=fields.pop("decisions", []),
            actions=[ActionInput(**a) for a in actions],
            reviews=[ReviewInput(**r) for r in reviews],
            **fields,
        )
        record = create_record(manager, supervisee, data, prompts=prompts)
        db.session.commit()
        action_ids = db.session.scalars(
            select(SupervisionAction.id)
            .where(SupervisionAction.record_id == record.id)
            .order_by(SupervisionAction.position)
        ).all()
        return record.id, list(action_ids)


def page_token(page):
    """The CSRF token of the first form on a page."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def record_fields(token, held_on="2026-03-09", minutes="95", **extra):
    """The editor's form data: one-to-one, uninterrupted, reflection ticked unless overridden."""
    data = {
        "csrf_token": token,
        "held_on": held_on,
        "minutes": minutes,
        "kind": "one_to_one",
        "uninterrupted": "yes",
        "part_reflection": "y",
        "note_reflection": "We thought about what the visits stir up.",
        "save": "1",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}
