"""Reading, checking and storing answers, so that nothing links them to the person who gave them.

Reusable for any respondent: an account (user) or, for a survey answered through a link, the
hash of the link's token. `submit` writes the respondent's Participation and the anonymous
Response in one transaction: the Participation's unique rule makes a second submission (a
double click, a second tab, a retry) fail cleanly, and rolls its Response back with it.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from course import audit
from course.extensions import db
from course.modules.evaluation.models import (
    LIKERT_LABELS,
    Answer,
    ItemKind,
    Participation,
    Response,
    ResponseDraft,
    random_key,
)
from course.timeutil import utcnow

TEXT_LIMIT = 5000
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
CODE_FIELDS = ("code_school", "code_month", "code_parent", "code_digit")
LETTER = re.compile(r"^[A-Za-z]$")


class AlreadyAnswered(Exception):
    """This respondent has already answered."""


@dataclass
class ReadAnswers:
    """What the form sent: typed values to show again, checked values to store, and errors."""

    raw: dict = field(default_factory=dict)  # field name -> str or [str], as typed
    values: dict = field(default_factory=dict)  # item id -> int, [int], str or None
    errors: dict = field(default_factory=dict)  # field name -> message

    @property
    def ok(self):
        """Whether every answer (and the code) passed."""
        return not self.errors


def raw_answers(items, formdata, *, with_code=False):
    """The form's values for these items as typed (lists for multiple choice)."""
    raw = {}
    for item in items:
        if item.kind == ItemKind.MULTIPLE:
            raw[item.field_name] = formdata.getlist(item.field_name)
        else:
            raw[item.field_name] = (formdata.get(item.field_name) or "").strip()
    if with_code:
        raw.update({name: (formdata.get(name) or "").strip() for name in CODE_FIELDS})
    return raw


def _choice(value, count):
    """A 1-based option number from the form, or None."""
    return int(value) if value.isdigit() and 1 <= int(value) <= count else None


def _check_item(item, value):
    """(checked value, error message or None) for one item's raw value."""
    kind = item.kind_enum
    if kind == ItemKind.MULTIPLE:
        chosen = sorted({c for v in value if (c := _choice(v, len(item.choices)))})
        if item.required and not chosen:
            return None, "Choose at least one."
        return chosen, None
    if value == "":
        return None, ("Answer this question." if item.required else None)
    if kind == ItemKind.LIKERT:
        rating = _choice(value, len(LIKERT_LABELS))
        return (rating, None) if rating else (None, "Choose one of the five answers.")
    if kind == ItemKind.SINGLE:
        option = _choice(value, len(item.choices))
        return (option, None) if option else (None, "Choose one of the answers.")
    if kind == ItemKind.NUMBER:
        if not re.fullmatch(r"-?\d{1,9}", value):
            return None, "Enter a whole number, like 4."
        number = int(value)
        low, high = item.min_value, item.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            return None, f"Enter a number from {low if low is not None else 'any'} to {high}."
        return number, None
    if len(value) > TEXT_LIMIT:
        return None, f"Write at most {TEXT_LIMIT:,} characters (you wrote {len(value):,})."
    return value, None


def check_code(raw):
    """(normalised code or None, {field: error}) for the self-generated code's four parts."""
    errors = {}
    school, month = raw.get("code_school", ""), raw.get("code_month", "")
    parent, digit = raw.get("code_parent", ""), raw.get("code_digit", "")
    if not LETTER.match(school):
        errors["code_school"] = "Enter one letter, like E."
    if not (month.isdigit() and 1 <= int(month) <= 12):
        errors["code_month"] = "Choose the month."
    if not LETTER.match(parent):
        errors["code_parent"] = "Enter one letter, like M."
    if not re.fullmatch(r"\d", digit):
        errors["code_digit"] = "Enter one digit from 0 to 9."
    if errors:
        return None, errors
    return f"{school.upper()}{int(month):02d}{parent.upper()}{digit}", {}


def read_answers(items, formdata, *, with_code=False):
    """Check every answer; keep what was typed, so a form with errors shows it all again."""
    result = ReadAnswers(raw=raw_answers(items, formdata, with_code=with_code))
    for item in items:
        value, error = _check_item(item, result.raw[item.field_name])
        if error:
            result.errors[item.field_name] = error
        else:
            result.values[item.id] = value
    if with_code:
        code, errors = check_code(result.raw)
        result.errors.update(errors)
        result.values["code"] = code
    return result


def pairing_key(scope):
    """The key for one scope's codes (a cohort): derived from a secret kept outside the database."""
    secret = current_app.config.get("COURSE_PAIRING_SECRET") or current_app.config["SECRET_KEY"]
    return hmac.new(
        secret.encode(), f"evaluation-pairing:{scope}".encode(), hashlib.sha256
    ).digest()


def pair_hash(scope, code):
    """The keyed hash stored in place of a self-generated code."""
    return hmac.new(pairing_key(scope), code.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Respondent:
    """Who is answering: an account, or the hash of a survey link's token."""

    user_id: int | None = None
    link_hash: str | None = None
    role: str | None = None


def submit(
    questionnaire, items, values, respondent, *, k, role=None, pair_scope=None, loading=False,
    team_link_id=None,
):  # fmt: skip
    """Store one response and mark the respondent as having answered, in one transaction.

    Raises AlreadyAnswered (after rolling back) when the respondent had answered already.
    `loading` (the demo) leaves the commit, and the scatter, to the caller. A supervisee
    survey's response carries its team's link (team_link_id), is counted in that team's
    batches, and writes no audit event (an event keeps the address it came from).
    """
    try:
        db.session.add(
            Participation(
                questionnaire_id=questionnaire.id,
                user_id=respondent.user_id,
                link_hash=respondent.link_hash,
            )
        )
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered() from None
    code = values.get("code")
    response_id = random_key()
    db.session.execute(
        Response.__table__.insert(),
        [
            dict(
                id=response_id,
                questionnaire_id=questionnaire.id,
                role=role,
                pair_hash=pair_hash(pair_scope, code) if code and questionnaire.paired else None,
                batch=None,
                survey_link_id=team_link_id,
            )
        ],
    )
    rows = _answer_rows(response_id, items, values)
    if rows:
        db.session.execute(Answer.__table__.insert(), rows)
    if respondent.user_id is not None:
        discard_draft(questionnaire.id, respondent.user_id)
    _count_into_batches(questionnaire.id, k, team_link_id)
    if not loading:
        scatter(questionnaire.id)
    if team_link_id is None:
        # That someone answered, never what: the Response's key is not in the event.
        audit.record("evaluation.answered", questionnaire)
    if not loading:
        db.session.commit()


def _answer_rows(response_id, items, values):
    """One answer row per answered item, one per option for multiple choice."""
    rows = []

    def row(number=None, text=None):
        return dict(id=random_key(), response_id=response_id, item_id=item.id, number=number,
                    text=text)  # fmt: skip

    for item in items:
        value = values.get(item.id)
        if value is None or value == [] or value == "":
            continue
        if item.kind == ItemKind.MULTIPLE:
            rows += [row(number=v) for v in value]
        elif item.kind == ItemKind.TEXT:
            rows.append(row(text=value))
        else:
            rows.append(row(number=value))
    return rows


def _count_into_batches(questionnaire_id, k, team_link_id=None):
    """Once at least K responses wait uncounted, count them all: interim results then move
    only in steps of K or more, so comparing two looks never isolates one person's answers.
    A supervisee survey counts each team's responses (its link's) in batches of its own."""
    scope = [Response.questionnaire_id == questionnaire_id]
    if team_link_id is not None:
        scope.append(Response.survey_link_id == team_link_id)
    pending = db.session.scalar(
        select(func.count(Response.id)).where(*scope, Response.batch.is_(None))
    )
    if pending >= k:
        last = db.session.scalar(select(func.max(Response.batch)).where(*scope))
        db.session.execute(
            update(Response).where(*scope, Response.batch.is_(None)).values(batch=(last or 0) + 1)
        )


def scatter(questionnaire_id):
    """Rewrite the questionnaire's responses and answers in the order of their random keys.

    On PostgreSQL a table's rows lie in the order they were written, and each row carries the
    id of the transaction that wrote it (xmin): read beside Participation, written in the same
    transaction, either would say which response is whose. Rewriting every response of the
    questionnaire in this transaction gives them all one xmin and a random order. (On SQLite
    the random key is the rowid, so the rows are already stored in key order; the rewrite
    costs little at a cohort's size and keeps one code path.)
    """
    responses, answers = Response.__table__, Answer.__table__
    response_ids = select(responses.c.id).where(responses.c.questionnaire_id == questionnaire_id)
    kept_responses = [
        dict(row._mapping)
        for row in db.session.execute(
            select(responses)
            .where(responses.c.questionnaire_id == questionnaire_id)
            .order_by(responses.c.id)
        )
    ]
    kept_answers = [
        dict(row._mapping)
        for row in db.session.execute(
            select(answers).where(answers.c.response_id.in_(response_ids)).order_by(answers.c.id)
        )
    ]
    db.session.execute(answers.delete().where(answers.c.response_id.in_(response_ids)))
    db.session.execute(responses.delete().where(responses.c.questionnaire_id == questionnaire_id))
    if kept_responses:
        db.session.execute(responses.insert(), kept_responses)
    if kept_answers:
        db.session.execute(answers.insert(), kept_answers)


# Drafts: answers kept for one person until they submit.


def own_draft(questionnaire_id, user_id):
    """The person's saved answers for a questionnaire, or None."""
    return db.session.scalar(
        select(ResponseDraft).where(
            ResponseDraft.questionnaire_id == questionnaire_id, ResponseDraft.user_id == user_id
        )
    )


def keep_draft(questionnaire, user_id, raw, reason="saved"):
    """Keep the answers typed so far (never the code). The caller commits."""
    draft = own_draft(questionnaire.id, user_id)
    if draft is None:
        draft = ResponseDraft(questionnaire_id=questionnaire.id, user_id=user_id)
        db.session.add(draft)
    kept = {name: value for name, value in raw.items() if name not in CODE_FIELDS}
    draft.answers = json.dumps(kept)
    draft.reason = reason
    draft.saved_at = utcnow()
    db.session.flush()
    return draft


def draft_answers(draft):
    """A draft's answers as form values."""
    return json.loads(draft.answers) if draft else {}


def discard_draft(questionnaire_id, user_id):
    """Delete the person's draft. The caller commits."""
    draft = own_draft(questionnaire_id, user_id)
    if draft is not None:
        db.session.delete(draft)
