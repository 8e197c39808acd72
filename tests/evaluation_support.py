"""Helpers for the evaluation tests: questionnaires made directly, answers sent through the site."""

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import insert

from course.extensions import db
from course.modules.evaluation import services
from course.modules.evaluation.models import (
    Answer,
    ItemKind,
    Kind,
    Response,
    Status,
    random_key,
)
from course.timeutil import utcnow

K = 5
CODE_FIELDS = ("code_school", "code_month", "code_parent", "code_digit")


def make_questionnaire(app, cohort_id, kind=Kind.MID, *, status=Status.OPEN, closed=False,
                       anonymity="anonymous", audience="participants", **fields):  # fmt: skip
    """A questionnaire from the site's question set, open now for a week (or closed)."""
    now = utcnow()
    with app.app_context():
        questionnaire = services.create_questionnaire(
            cohort_id,
            kind=kind,
            title=fields.pop("title", None),
            opens_at=now - timedelta(days=8 if closed else 1),
            closes_at=now - timedelta(days=1) if closed else now + timedelta(days=7),
            audience=audience,
            anonymity=anonymity,
            **fields,
        )
        questionnaire.status = status.value
        db.session.commit()
        return questionnaire.id


def items_of(app, questionnaire_id):
    """The questionnaire's items, detached."""
    with app.app_context():
        items = services.items_of(questionnaire_id)
        for item in items:
            db.session.expunge(item)
        return items


def filled(items, rating=4, number=3, text=None, code=None):
    """Form data answering every item validly."""
    data = {}
    for item in items:
        if item.kind == ItemKind.LIKERT:
            data[item.field_name] = str(rating)
        elif item.kind == ItemKind.SINGLE:
            data[item.field_name] = "1"
        elif item.kind == ItemKind.MULTIPLE:
            data[item.field_name] = ["1", "2"]
        elif item.kind == ItemKind.NUMBER:
            data[item.field_name] = str(number)
        elif text is not None:
            data[item.field_name] = text
    if code:  # "E3M7" (one-digit month) or "E03M7", as stored
        parts = (code[0], str(int(code[1:3])), code[3], code[4]) if len(code) == 5 else code
        data.update(zip(CODE_FIELDS, parts, strict=True))
    return data


def page_token(page):
    """The CSRF token of the first form on a page's HTML."""
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def send_answers(client, questionnaire_id, data, action="send"):
    """Open the answer page and post the form, as a browser would."""
    url = f"/evaluation/{questionnaire_id}/answer"
    token = page_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token, "action": action})


def bulk_responses(app, questionnaire_id, n, rating=lambda i: 1 + i % 5):
    """n responses written straight into the tables (for size tests), counted in one batch."""
    with app.app_context():
        items = [i for i in services.items_of(questionnaire_id) if i.kind == ItemKind.LIKERT]
        responses, answers = [], []
        for i in range(n):
            rid = random_key()
            responses.append(dict(id=rid, questionnaire_id=questionnaire_id, batch=1))
            answers += [
                dict(id=random_key(), response_id=rid, item_id=item.id, number=rating(i))
                for item in items
            ]
        db.session.execute(insert(Response), responses)
        db.session.execute(insert(Answer), answers)
        db.session.commit()


def read_csv(response):
    """A CSV download as a list of rows (the byte-order mark removed)."""
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))
