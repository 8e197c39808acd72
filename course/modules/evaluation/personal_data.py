"""What the questionnaires hold about a person: which ones they answered, and saved answers.

Sent answers are stored without a name, so they cannot be found for anyone: the pack says so.
"""

from sqlalchemy import delete, select

from course.extensions import db
from course.modules.evaluation.models import Participation, Questionnaire, ResponseDraft
from course.modules.privacy.registry import Section, plain, records

ANONYMOUS_NOTE = (
    "The answers you sent are stored without your name, time or any link to you, so nobody, "
    "the site included, can find them to show, change or delete them."
)


def export(user):
    """The questionnaires the person answered, and answers they saved but have not sent."""
    answered = db.session.execute(
        select(Questionnaire.title, Questionnaire.kind)
        .join(Participation, Participation.questionnaire_id == Questionnaire.id)
        .where(Participation.user_id == user.id)
        .order_by(Questionnaire.opens_at)
    )
    drafts = db.session.execute(
        select(Questionnaire.title, ResponseDraft.answers, ResponseDraft.saved_at)
        .join(ResponseDraft, ResponseDraft.questionnaire_id == Questionnaire.id)
        .where(ResponseDraft.user_id == user.id)
    )
    saved = [
        {"questionnaire": title, "answers": answers, "saved_at": plain(at)}
        for title, answers, at in drafts
    ]
    return [
        Section("questionnaires_answered", "Questionnaires you have answered", records(answered),
                note=ANONYMOUS_NOTE),
        Section("questionnaire_drafts", "Answers you saved but have not sent", saved),
    ]  # fmt: skip


def erase(user):
    """Delete saved answers; that the person answered stays, naming nothing they said."""
    db.session.execute(delete(ResponseDraft).where(ResponseDraft.user_id == user.id))
