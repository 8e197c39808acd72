"""The supervisee survey at /survey/<token>: no account, no sign-in, nothing that identifies.

The page loads only the site's own stylesheet and sets no cookie but the session's (for the
form's CSRF token) and, after answering, one that says this browser has answered. Answers
are stored with the team's link only: no address, no browser, no time. Bots meet a honeypot
field and a minimum time on the form; floods meet a per-link counter in the database.
"""

import hashlib
import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from course.extensions import db
from course.modules.evaluation import answering, services
from course.modules.evaluation import supervisee_links as links
from course.modules.evaluation.answering import Respondent
from course.modules.evaluation.models import LIKERT_LABELS, ItemKind
from course.modules.evaluation.survey_models import SurveyLink
from course.modules.presentations.anonymisation import (
    distinct_findings,
    find_identifiers,
    marked_segments,
)
from course.timeutil import utcnow

bp = Blueprint("survey", __name__, url_prefix="/survey")
HONEYPOT = "website"
ANSWERED_COOKIE = "survey_answered_{}"
COOKIE_DAYS = 400
TOO_QUICK = (
    "Please take a moment to check your answers, then send them again. "
    "(Answers sent within a few seconds of opening the page look like an automated program.)"
)
FORM_AGAIN = "Please check your answers and send them again."
BUSY = (
    "Too many answers are arriving through this link at once, so yours were not sent. "
    "They are kept below: please send them again in ten minutes."
)
IDENTIFYING = (
    "This could identify a child, a family or a colleague. Change the parts marked below, then "
    "send again. Your other answers are kept."
)


def _signer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="supervisee-survey-form")


def _form_stamp():
    """A signed note of when the form was shown, and a nonce that makes a resend count once."""
    return _signer().dumps({"t": utcnow().timestamp(), "n": secrets.token_urlsafe(16)})


def _read_stamp(value):
    """(seconds since the form was shown, nonce), or (None, None) if missing or forged."""
    try:
        data = _signer().loads(value or "")
    except BadSignature:
        return None, None
    return utcnow().timestamp() - float(data["t"]), str(data["n"])


def _answered_here(link):
    return request.cookies.get(ANSWERED_COOKIE.format(link.id)) == "1"


def _private(response):
    """No caching and no indexing of a survey page."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(template, link, status=200, **context):
    return _private(
        current_app.make_response(
            (render_template(template, link=link, k=services.k_anonymity(), **context), status)
        )
    )


def _form(link, items, values, errors, report=None, problem=None):
    return _page(
        "survey/answer.html",
        link,
        status=200,
        questionnaire=link.questionnaire,
        items=items,
        values=values,
        errors=errors,
        report=report or {},
        problem=problem,
        likert=list(enumerate(LIKERT_LABELS, start=1)),
        stamp=_form_stamp(),
        honeypot=HONEYPOT,
    )


def _refusal(link):
    """The page for a link that takes no answer now, or None when it does."""
    if _answered_here(link):
        return _page("survey/answered.html", link)
    if not links.accepting(link):
        return _page("survey/closed.html", link)
    if links.answers_through(link.id) >= links.cap(link):
        return _page("survey/full.html", link)
    return None


def _check_free_text(items, read):
    """Refuse identifying free text, field by field, keeping what was typed."""
    report = {}
    for item in items:
        if item.kind != ItemKind.TEXT:
            continue
        text = read.raw.get(item.field_name) or ""
        findings = find_identifiers(text) if len(text) <= answering.TEXT_LIMIT else []
        if findings:
            report[item.field_name] = (distinct_findings(findings), marked_segments(text, findings))
            read.errors[item.field_name] = IDENTIFYING
    return report


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token):
    """Answer the survey through a team's link (once per browser, while it is open)."""
    link = links.link_by_token(token)
    if link is None:
        abort(404)
    refused = _refusal(link)
    if refused is not None:
        return refused
    items = services.items_of(link.questionnaire_id)
    if request.method == "GET":
        return _form(link, items, {}, {})
    allowed = links.take_post(link)
    db.session.commit()
    link = links.link_by_token(token)  # loaded again: the commit expired it
    read = answering.read_answers(items, request.form)
    if not allowed:  # the answers are shown again, to send in a few minutes
        form = _form(link, items, read.raw, {}, problem=BUSY)
        form.status_code = 429
        return form
    if request.form.get(HONEYPOT):
        return _page("survey/answered.html", link, thanks=True)  # a bot: nothing is kept
    elapsed, nonce = _read_stamp(request.form.get("stamp"))
    if elapsed is None:
        return _form(link, items, read.raw, read.errors, problem=FORM_AGAIN)
    if elapsed < current_app.config.get("COURSE_SURVEY_MIN_SECONDS", 4):
        return _form(link, items, read.raw, read.errors, problem=TOO_QUICK)
    report = _check_free_text(items, read)
    if not read.ok:
        return _form(link, items, read.raw, read.errors, report)
    return _store(link, items, read, nonce)


def _store(link, items, read, nonce):
    """Store the answers under the team's link, within its cap, and mark this browser."""
    # Lock the link's row (PostgreSQL; SQLite writes one at a time) so the cap holds.
    db.session.scalar(select(SurveyLink.id).where(SurveyLink.id == link.id).with_for_update())
    token = request.view_args["token"]
    if links.answers_through(link.id) >= links.cap(link):
        db.session.rollback()
        return _page("survey/full.html", links.link_by_token(token))
    try:
        answering.submit(
            link.questionnaire,
            items,
            read.values,
            Respondent(link_hash=hashlib.sha256(nonce.encode()).hexdigest()),
            k=services.k_anonymity(),
            team_link_id=link.id,
        )
    except answering.AlreadyAnswered:
        return _page("survey/answered.html", links.link_by_token(token))
    flash("Thank you: your answers are sent.", "success")
    response = redirect(url_for("survey.answer", token=token))
    response.set_cookie(
        ANSWERED_COOKIE.format(link.id),
        "1",
        max_age=COOKIE_DAYS * 24 * 3600,
        path=url_for("survey.answer", token=token).rsplit("/", 1)[0] + "/",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return _private(response)
