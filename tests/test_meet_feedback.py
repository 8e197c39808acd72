"""Feedback people can find and answer (issue 22, item 4): "Feedback (1 new)" on the journal list
and the home page, feedback under the reflection, and a short reply thread kept to the author
and the cohort's trainers."""

import re

import time_machine
from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Role
from course.modules.journal.models import JournalComment
from course.modules.notifications.models import Notification
from tests.journal_support import write_entry
from tests.meet_support import BEFORE_SESSION_7, make_cohort, member, post_form, signed_in

FEEDBACK = "Thank you: what did you notice in yourself when the family went quiet?"
REPLY = "That I wanted to rescue the worker. I will bring it to supervision."


def _shared_entry(app, make_user):
    """Ann's entry shared with Tess (her cohort's trainer); Otto trains another cohort."""
    cohort_id = make_cohort(app)
    other = make_cohort(app, name="Other Borough")
    ann = member(make_user, cohort_id, "Ann Author")
    people = dict(
        ann=ann,
        tess=make_user(role=Role.TRAINER, cohort_id=cohort_id, name="Tess Trainer"),
        otto=make_user(role=Role.TRAINER, cohort_id=other, name="Otto Outside"),
        peer=member(make_user, cohort_id, "Pia Peer"),
        senior=make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort_id, name="Sam Senior"),
    )
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        entry_id = write_entry(
            app,
            ann,
            title="The quiet family",
            body="The reflection itself.",
            cohort_id=cohort_id,
            shared_with_trainers=True,
            shared_at=BEFORE_SESSION_7,
        )
    return entry_id, people


def _give_feedback(app, tess, entry_id):
    client = signed_in(app, tess)
    post_form(client, f"/journal/{entry_id}", {"body": FEEDBACK}, f"/journal/{entry_id}/feedback")
    return client


def test_new_feedback_shows_on_the_journal_list_and_home_until_read(app, make_user):
    entry_id, people = _shared_entry(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        _give_feedback(app, people["tess"], entry_id)
        ann = signed_in(app, people["ann"])
        listing = ann.get("/journal/").get_data(as_text=True)
        home = ann.get("/").get_data(as_text=True)
        assert "Feedback (1 new)" in listing
        assert f"/journal/{entry_id}#feedback" in listing
        assert "Feedback (1 new)" in home and "The quiet family" in home

        page = ann.get(f"/journal/{entry_id}").get_data(as_text=True)
        # The feedback sits under the reflection, before sharing and the Delete button.
        assert page.index("The reflection itself.") < page.index(FEEDBACK)
        assert page.index(FEEDBACK) < page.index('id="sharing"') < page.index(">Delete<")
        assert ">New</span>" in page

        assert "Feedback (1 new)" not in ann.get("/journal/").get_data(as_text=True)
        assert "Feedback (1 new)" not in ann.get("/").get_data(as_text=True)


def test_the_author_replies_and_the_trainers_are_told_without_the_text(app, make_user):
    entry_id, people = _shared_entry(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        tess = _give_feedback(app, people["tess"], entry_id)
        ann = signed_in(app, people["ann"])
        page = ann.get(f"/journal/{entry_id}").get_data(as_text=True)
        assert "Your reply" in page
        response = post_form(
            ann, f"/journal/{entry_id}", {"body": REPLY}, f"/journal/{entry_id}/reply"
        )
        assert response.status_code == 302
        thread = tess.get(f"/journal/{entry_id}").get_data(as_text=True)
    assert thread.index(FEEDBACK) < thread.index(REPLY)
    assert "Ann Author replied" in thread
    with app.app_context():
        messages = db.session.scalars(
            select(Notification).where(Notification.user_id == people["tess"].id)
        ).all()
        otto_told = db.session.scalars(
            select(Notification).where(Notification.user_id == people["otto"].id)
        ).all()
    replies = [m for m in messages if m.kind == "journal_feedback_reply"]
    assert len(replies) == 1
    assert REPLY not in replies[0].subject + replies[0].body
    assert otto_told == []


def test_nobody_but_the_author_can_reply_and_others_get_404(app, make_user):
    entry_id, people = _shared_entry(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        _give_feedback(app, people["tess"], entry_id)
        for who in ("peer", "senior", "otto", "tess"):
            client = signed_in(app, people[who])
            token = re.search(
                r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/").get_data(as_text=True)
            )
            data = {"body": "Not mine to answer", "csrf_token": token.group(1) if token else ""}
            assert client.post(f"/journal/{entry_id}/reply", data=data).status_code == 404, who
        for who in ("peer", "senior", "otto"):
            assert signed_in(app, people[who]).get(f"/journal/{entry_id}").status_code == 404
    with app.app_context():
        bodies = db.session.scalars(select(JournalComment.body)).all()
    assert bodies == [FEEDBACK]


def test_no_reply_once_the_entry_is_no_longer_shared(app, make_user):
    entry_id, people = _shared_entry(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        _give_feedback(app, people["tess"], entry_id)
        ann = signed_in(app, people["ann"])
        post_form(ann, f"/journal/{entry_id}", {}, f"/journal/{entry_id}/unshare")
        assert "Your reply" not in ann.get(f"/journal/{entry_id}").get_data(as_text=True)
        post_form(ann, f"/journal/{entry_id}", {"body": REPLY}, f"/journal/{entry_id}/reply")
    with app.app_context():
        assert db.session.scalars(select(JournalComment.body)).all() == [FEEDBACK]


def test_sharing_an_entry_that_names_a_child_warns_and_needs_a_reason(app, make_user):
    entry_id, people = _shared_entry(app, make_user)
    with time_machine.travel(BEFORE_SESSION_7, tick=False):
        with app.app_context():
            from course.modules.journal.models import JournalEntry

            entry = db.session.get(JournalEntry, entry_id)
            entry.shared_with_trainers, entry.body = False, "Jayden (6) went quiet at the visit."
            db.session.commit()
        ann = signed_in(app, people["ann"])
        warned = post_form(ann, f"/journal/{entry_id}", {}, f"/journal/{entry_id}/share")
        page = ann.get(warned.headers["Location"]).get_data(as_text=True)
        assert "Before you share: this could identify someone" in page
        assert "“Jayden”" in page and "check the rest too" in page
        with app.app_context():
            assert not db.session.get(JournalEntry, entry_id).shared_with_trainers
        post_form(
            ann, f"/journal/{entry_id}", {"override": "pseudonym"}, f"/journal/{entry_id}/share"
        )
        with app.app_context():
            assert db.session.get(JournalEntry, entry_id).shared_with_trainers
            from course.audit import AuditEvent

            event = db.session.scalar(
                select(AuditEvent).where(AuditEvent.action == "anonymisation_warning_overridden")
            )
            assert "Jayden" not in str(event.detail_items)
            assert ("reason", "pseudonym") in list(event.detail_items)
