"""Raising barriers, following them, trainers' moderation and release, and who may see what."""

import threading

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from course.audit import AuditEvent
from course.extensions import db
from course.modules.accounts.models import Role, User
from course.modules.barriers import services
from course.modules.barriers.models import Barrier, BarrierResponse, BarrierStatus
from course.modules.barriers.overview import cohort_overview, quotations
from course.modules.barriers.themes import Theme
from course.modules.notifications.models import Notification
from course.modules.programme.models import CourseSession
from course.timeutil import utcnow
from tests.conftest import Auth, form_token


@pytest.fixture
def people(cohort, make_user):
    """One of each role in the cohort (the admin belongs to none)."""
    return {
        "participant": make_user(cohort_id=cohort, name="Priya Lakeland", team="Team North"),
        "other": make_user(cohort_id=cohort, name="Owen Marsh", team="Team South"),
        "senior": make_user(role=Role.SENIOR_MANAGER, cohort_id=cohort),
        "trainer": make_user(role=Role.TRAINER, cohort_id=cohort),
        "evaluator": make_user(role=Role.EVALUATOR, cohort_id=cohort),
        "admin": make_user(role=Role.ADMIN),
    }


def sessions_of(app, cohort):
    with app.app_context():
        return {
            s.number: (s.id, s.starts_at <= utcnow())
            for s in db.session.scalars(
                select(CourseSession).where(CourseSession.cohort_id == cohort)
            )
        }


def add_barrier(app, cohort, raiser_id=None, theme=Theme.WORKLOAD, released=False, **fields):
    """A barrier straight into the register; returns its id."""
    with app.app_context():
        barrier = Barrier(
            cohort_id=cohort,
            theme=theme,
            text=fields.pop("text", "Too many cases to think about any one child"),
            raised_by_id=raiser_id,
            logged_by_id=fields.pop("logged_by_id", None),
            period=fields.pop("period", 2),
            status=fields.pop("status", BarrierStatus.RELEASED if released else BarrierStatus.NEW),
            released_at=utcnow() if released else None,
            **fields,
        )
        if raiser_id is None and barrier.logged_by_id is None:
            raise ValueError("give a raiser or a trainer who logged it")
        db.session.add(barrier)
        db.session.commit()
        return barrier.id


def get_barrier(app, barrier_id):
    with app.app_context():
        barrier = db.session.get(Barrier, barrier_id)
        if barrier is not None:
            db.session.expunge(barrier)
        return barrier


# ----- raising --------------------------------------------------------------------------------


def test_participant_raises_a_barrier_and_sees_it_waiting(app, cohort, people, login):
    client = login(people["participant"])
    session_id = next(sid for sid, started in sessions_of(app, cohort).values() if started)
    page = client.get("/barriers/new").get_data(as_text=True)
    assert "Workload and caseloads" in page and "Too many cases per worker" in page  # definitions
    assert (
        'name="quote_consent"' in page
        and "checked" not in page.split('name="quote_consent"')[1][:40]
    )
    response = client.post(
        "/barriers/new",
        data={
            "csrf_token": form_token(client, "/barriers/new"),
            "theme": "time",
            "text": "Supervision is always the first thing cancelled on duty days.",
            "session_id": session_id,
        },
    )
    assert response.status_code == 302
    mine = client.get("/barriers/").get_data(as_text=True)
    assert "Supervision is always the first thing cancelled" in mine
    assert "Waiting for the trainers" in mine
    with app.app_context():
        barrier = db.session.scalar(select(Barrier))
        assert barrier.quote_consent is False
        assert barrier.theme == "time" and barrier.status == "new" and barrier.released_at is None
        assert barrier.raised_by_id == people["participant"].id


def test_senior_managers_raise_barriers_too(app, cohort, people, login):
    client = login(people["senior"])
    response = client.post(
        "/barriers/new",
        data={
            "csrf_token": form_token(client, "/barriers/new"),
            "theme": "sponsorship",
            "text": "Our own targets leave no room for what we learn here.",
            "session_id": 0,
            "quote_consent": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        barrier = db.session.scalar(select(Barrier))
        assert barrier.quote_consent is True and barrier.session_id is None


def test_a_barrier_without_a_session_belongs_to_the_latest_session_held(app, cohort, people):
    with app.test_request_context():
        barrier = services.raise_barrier(people["participant"], cohort, "workload", "x")
        latest = max(n for n, (_, started) in sessions_of(app, cohort).items() if started)
        assert barrier.period == latest


def test_bad_input_is_shown_next_to_the_fields_and_kept(cohort, people, login):
    client = login(people["participant"])
    page = client.post(
        "/barriers/new",
        data={
            "csrf_token": form_token(client, "/barriers/new"),
            "text": "Half a thought I do not want to lose",
            "session_id": 0,
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in text and "Choose the theme that fits best" in text
    assert "Half a thought I do not want to lose" in text
    empty = client.post(
        "/barriers/new",
        data={"csrf_token": form_token(client, "/barriers/new"), "theme": "time", "text": ""},
    )
    assert "Describe the barrier" in empty.get_data(as_text=True)


def test_a_session_of_another_cohort_cannot_be_chosen(app, cohort, people, login):
    client = login(people["participant"])
    response = client.post(
        "/barriers/new",
        data={
            "csrf_token": form_token(client, "/barriers/new"),
            "theme": "time",
            "text": "x",
            "session_id": 99999,
        },
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Barrier)) is None


# ----- my barriers ----------------------------------------------------------------------------


def test_another_persons_barrier_answers_404(app, cohort, people, login):
    theirs = add_barrier(app, cohort, people["other"].id)
    client = login(people["participant"])
    assert client.get(f"/barriers/{theirs}").status_code == 404
    token = form_token(client, "/barriers/new")
    assert (
        client.post(f"/barriers/{theirs}/withdraw", data={"csrf_token": token}).status_code == 404
    )
    assert client.post(f"/barriers/{theirs}/consent", data={"csrf_token": token}).status_code == 404
    assert get_barrier(app, theirs) is not None


def test_withdraw_before_release_but_not_after(app, cohort, people, login):
    waiting = add_barrier(app, cohort, people["participant"].id)
    released = add_barrier(app, cohort, people["participant"].id, released=True)
    client = login(people["participant"])
    page = client.get(f"/barriers/{waiting}").get_data(as_text=True)
    assert "Withdraw this barrier" in page
    client.post(
        f"/barriers/{waiting}/withdraw", data={"csrf_token": form_token(client, "/barriers/")}
    )
    assert get_barrier(app, waiting) is None
    assert "Withdraw this barrier" not in client.get(f"/barriers/{released}").get_data(as_text=True)
    response = client.post(
        f"/barriers/{released}/withdraw",
        data={"csrf_token": form_token(client, "/barriers/")},
        follow_redirects=True,
    )
    assert "counted in the senior managers" in response.get_data(as_text=True)
    assert get_barrier(app, released) is not None


def test_withdrawing_a_barrier_frees_its_duplicates(app, cohort, people, login):
    target = add_barrier(app, cohort, people["participant"].id)
    duplicate = add_barrier(
        app, cohort, people["other"].id, status=BarrierStatus.MERGED, merged_into_id=target
    )
    client = login(people["participant"])
    client.post(
        f"/barriers/{target}/withdraw", data={"csrf_token": form_token(client, "/barriers/")}
    )
    freed = get_barrier(app, duplicate)
    assert freed.status == "new" and freed.merged_into_id is None


def test_raiser_changes_consent_to_quotation(app, cohort, people, login):
    barrier_id = add_barrier(app, cohort, people["participant"].id, released=True)
    client = login(people["participant"])
    token = form_token(client, f"/barriers/{barrier_id}")
    client.post(f"/barriers/{barrier_id}/consent", data={"csrf_token": token, "quote_consent": "y"})
    assert get_barrier(app, barrier_id).quote_consent is True
    client.post(f"/barriers/{barrier_id}/consent", data={"csrf_token": token})
    assert get_barrier(app, barrier_id).quote_consent is False


def test_raising_changing_and_withdrawing_leave_no_trace_of_the_raiser_anywhere(
    app, cohort, people, make_user
):
    raiser = make_user(
        cohort_id=cohort,
        id=4242,
        name="Zebulon Quartermaine",
        email="zq.raiser@hidden.example",
        team="Team Quartz",
    )
    secrets = ("Zebulon", "Quartermaine", "zq.raiser", "hidden.example", "Team Quartz", "4242")
    mine, theirs = app.test_client(), app.test_client()
    assert Auth(mine).login(raiser).status_code == 302
    assert Auth(theirs).login(people["trainer"]).status_code == 302
    with app.app_context():
        signed_in = set(db.session.scalars(select(AuditEvent.id)))

    def raise_one(text):
        mine.post(
            "/barriers/new",
            data={"csrf_token": form_token(mine, "/barriers/new"), "theme": "time", "text": text},
        )
        with app.app_context():  # the newest barrier (its text is stored encrypted)
            return db.session.scalar(select(Barrier.id).order_by(Barrier.id.desc()).limit(1))

    kept, withdrawn, duplicate = (raise_one(f"Barrier {n} by me") for n in "ABC")
    consent = form_token(mine, f"/barriers/{kept}")
    mine.post(f"/barriers/{kept}/consent", data={"csrf_token": consent, "quote_consent": "y"})
    mine.post(f"/barriers/{kept}/consent", data={"csrf_token": consent})
    mine.post(f"/barriers/{withdrawn}/withdraw", data={"csrf_token": consent})
    assert get_barrier(app, withdrawn) is None
    review = form_token(theirs, f"/barriers/review/{kept}")
    theirs.get(f"/barriers/review/{duplicate}")
    theirs.post(
        f"/barriers/review/{duplicate}/merge", data={"csrf_token": review, "target_id": kept}
    )
    theirs.post(
        f"/barriers/review/{kept}",
        data={"csrf_token": review, "theme": "workload", "session_id": 0, "excerpt": "Cases"},
    )
    theirs.post("/barriers/review/release", data={"csrf_token": review, "barrier_ids": [kept]})
    assert get_barrier(app, kept).status == "released"
    mine.post(f"/barriers/{kept}/consent", data={"csrf_token": consent, "quote_consent": "y"})
    mine.post(f"/barriers/{kept}/withdraw", data={"csrf_token": consent})  # refused: released
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        notes = db.session.scalars(select(Notification)).all()
    actions = {event.action for event in events if event.id not in signed_in}
    assert {"barrier_moderated", "barrier_merged", "barriers_released"} <= actions
    for event in events:
        if event.id in signed_in and event.action == "sign_in":
            continue  # signing in names the person, before any barrier
        assert event.actor_id != raiser.id, event.action
        assert (event.object_type, event.object_id) != ("User", raiser.id), event.action
        assert not any(secret in (event.detail or "") for secret in secrets), event.action
    for note in notes:
        assert note.user_id != raiser.id, note.subject
        written = f"{note.subject} {note.body} {note.link}"
        assert not any(secret in written for secret in secrets), note.subject


# ----- moderation -----------------------------------------------------------------------------


def test_trainers_review_what_was_raised_but_never_who_raised_it(app, cohort, people, login):
    add_barrier(app, cohort, people["participant"].id, text="The case system eats my mornings")
    client = login(people["trainer"])
    page = client.get("/barriers/review").get_data(as_text=True)
    assert "The case system eats my mornings" in page
    for secret in ("Priya Lakeland", "Team North", people["participant"].email):
        assert secret not in page
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "barriers_review_viewed")
        )


def test_trainer_rethemes_and_writes_an_excerpt(app, cohort, people, login):
    barrier_id = add_barrier(app, cohort, people["participant"].id, quote_consent=True)
    client = login(people["trainer"])
    token = form_token(client, f"/barriers/review/{barrier_id}")
    client.post(
        f"/barriers/review/{barrier_id}",
        data={
            "csrf_token": token,
            "theme": "it_systems",
            "session_id": 0,
            "excerpt": "The recording system takes longer than supervision itself.",
        },
    )
    barrier = get_barrier(app, barrier_id)
    assert barrier.theme == "it_systems"
    assert barrier.excerpt == "The recording system takes longer than supervision itself."
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "barrier_moderated")
        )
        assert "recording system" not in (event.detail or "")  # no text in the audit log


def test_a_released_barrier_keeps_its_theme_but_its_excerpt_can_improve(app, cohort, people, login):
    barrier_id = add_barrier(app, cohort, people["participant"].id, released=True)
    client = login(people["trainer"])
    page = client.get(f"/barriers/review/{barrier_id}").get_data(as_text=True)
    assert "keeps its theme" in page
    token = form_token(client, f"/barriers/review/{barrier_id}")
    client.post(
        f"/barriers/review/{barrier_id}",
        data={"csrf_token": token, "theme": "time", "session_id": 0, "excerpt": "Better words"},
    )
    barrier = get_barrier(app, barrier_id)
    assert barrier.theme == "workload" and barrier.excerpt is None
    client.post(
        f"/barriers/review/{barrier_id}",
        data={"csrf_token": token, "theme": "workload", "session_id": 0, "excerpt": "Better words"},
    )
    assert get_barrier(app, barrier_id).excerpt == "Better words"


def test_merging_a_duplicate_keeps_both_voices_and_releases_it_with_its_target(
    app, cohort, people, login
):
    target = add_barrier(app, cohort, people["participant"].id, theme=Theme.TIME)
    duplicate = add_barrier(app, cohort, people["other"].id, theme=Theme.TIME)
    client = login(people["trainer"])
    page = client.get(f"/barriers/review/{duplicate}").get_data(as_text=True)
    assert f'value="{target}"' in page
    client.post(
        f"/barriers/review/{duplicate}/merge",
        data={
            "csrf_token": form_token(client, f"/barriers/review/{duplicate}"),
            "target_id": target,
        },
    )
    merged = get_barrier(app, duplicate)
    assert merged.status == "merged" and merged.merged_into_id == target
    client.post(
        "/barriers/review/release",
        data={"csrf_token": form_token(client, "/barriers/review"), "barrier_ids": [target]},
    )
    released, merged = get_barrier(app, target), get_barrier(app, duplicate)
    assert released.released_at is not None and merged.released_at == released.released_at
    with app.app_context():
        time_row = next(r for r in cohort_overview(cohort, k=2).rows if r.theme == Theme.TIME)
        assert time_row.total.count == 2  # two people, though one barrier is a duplicate


def test_release_sends_only_the_ticked_barriers(app, cohort, people, login):
    ticked = add_barrier(app, cohort, people["participant"].id)
    held = add_barrier(app, cohort, people["other"].id)
    client = login(people["trainer"])
    page = client.get("/barriers/review").get_data(as_text=True)
    assert f'value="{ticked}" id="release-{ticked}" checked' in page  # all ticked to start with
    response = client.post(
        "/barriers/review/release",
        data={"csrf_token": form_token(client, "/barriers/review"), "barrier_ids": [ticked]},
        follow_redirects=True,
    )
    assert "Released 1 barrier to the senior view" in response.get_data(as_text=True)
    assert get_barrier(app, ticked).status == "released"
    assert get_barrier(app, held).status == "new"
    nothing = client.post(
        "/barriers/review/release", data={"csrf_token": form_token(client, "/barriers/review")}
    )
    assert nothing.status_code == 400
    assert "Choose at least one barrier to release" in nothing.get_data(as_text=True)


def test_trainer_logs_a_barrier_raised_aloud_as_one_voice(app, cohort, people, login):
    session_id = next(sid for sid, started in sessions_of(app, cohort).values() if started)
    client = login(people["trainer"])
    for _ in range(2):
        client.post(
            "/barriers/review/aloud",
            data={
                "csrf_token": form_token(client, "/barriers/review/aloud"),
                "theme": "compliance",
                "text": "Inspection fear came up in the barriers slot.",
                "session_id": session_id,
            },
        )
    with app.app_context():
        barriers = db.session.scalars(select(Barrier)).all()
        assert [b.raised_by_id for b in barriers] == [None, None]
        assert all(b.logged_by_id == people["trainer"].id for b in barriers)
        services.release_batch(cohort, [b.id for b in barriers])
        db.session.commit()
        row = next(r for r in cohort_overview(cohort, k=2).rows if r.theme == Theme.COMPLIANCE)
        assert row.total.count == 2  # each logged aloud counts as its own voice


def test_a_person_raising_a_theme_twice_counts_once(app, cohort, people):
    for _ in range(3):
        add_barrier(app, cohort, people["participant"].id, released=True)
    add_barrier(app, cohort, people["other"].id, released=True)
    with app.app_context():
        row = next(r for r in cohort_overview(cohort, k=2).rows if r.theme == Theme.WORKLOAD)
        assert row.total.count == 2


def test_trainers_of_another_cohort_get_404(app, cohort, people, make_user, login):
    barrier_id = add_barrier(app, cohort, people["participant"].id)
    stranger = make_user(role=Role.TRAINER)
    client = login(stranger)
    assert client.get(f"/barriers/review/{barrier_id}").status_code == 404


# ----- panels ---------------------------------------------------------------------------------


def test_session_page_offers_to_raise_or_log_a_barrier(app, cohort, people, login):
    session_id = next(sid for sid, started in sessions_of(app, cohort).values() if started)
    client = login(people["participant"])
    page = client.get(f"/programme/{session_id}").get_data(as_text=True)
    assert f"/barriers/new?session={session_id}" in page
    form = client.get(f"/barriers/new?session={session_id}")
    assert f'<option selected value="{session_id}">' in form.get_data(as_text=True)


def test_trainer_home_shows_how_many_barriers_wait(app, cohort, people, login):
    add_barrier(app, cohort, people["participant"].id)
    add_barrier(app, cohort, people["other"].id)
    page = login(people["trainer"]).get("/").get_data(as_text=True)
    assert "2 new barriers are waiting for review" in page


# ----- access ---------------------------------------------------------------------------------

PAGES = {
    "/barriers/": {"participant", "senior"},
    "/barriers/new": {"participant", "senior"},
    "/barriers/review": {"trainer"},
    "/barriers/review/released": {"trainer"},
    "/barriers/review/aloud": {"trainer"},
    "/barriers/overview": {"senior", "evaluator", "trainer"},
    "/barriers/overview.csv": {"senior", "evaluator", "trainer"},
    "/barriers/overview/print": {"senior", "evaluator", "trainer"},
    "/barriers/responses/new": {"senior"},
}


@pytest.mark.parametrize("role", ["participant", "senior", "trainer", "evaluator", "admin"])
def test_each_role_reaches_only_its_barrier_pages(cohort, people, login, client, role):
    signed_in = login(people[role])
    for path, allowed in PAGES.items():
        expected = 200 if role in allowed else 403
        assert signed_in.get(path).status_code == expected, (role, path)


@pytest.mark.parametrize("path", list(PAGES))
def test_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "role,path",
    [
        ("participant", "/barriers/review/release"),
        ("senior", "/barriers/review/release"),
        ("evaluator", "/barriers/responses/new"),
        ("participant", "/barriers/responses/new"),
        ("trainer", "/barriers/responses/new"),
        ("admin", "/barriers/new"),
        ("evaluator", "/barriers/new"),
    ],
)
def test_changes_are_refused_to_the_wrong_roles(cohort, people, login, role, path):
    client = login(people[role])
    token = form_token(client, "/account/")
    assert client.post(path, data={"csrf_token": token}).status_code == 403


def test_a_post_without_a_token_is_refused(cohort, people, login):
    client = login(people["participant"])
    response = client.post("/barriers/new", data={"theme": "time", "text": "x"})
    assert response.status_code == 400


def test_demo_cohort_loads_with_barriers_and_responses(app, runner):
    with app.app_context():  # the core commands are added without with_appcontext
        result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        cohort_id = db.session.scalar(select(Barrier.cohort_id))
        overview = cohort_overview(cohort_id)
        states = {row.theme: row.total.state for row in overview.rows}
        assert "shown" in states.values() and "fewer" in states.values()
        assert any(row.breakdown_withheld for row in overview.rows)
        assert db.session.scalar(select(Barrier.id).where(Barrier.status == "new"))
        assert db.session.scalar(select(Barrier.id).where(Barrier.status == "merged"))
        assert db.session.scalar(select(Barrier.id).where(Barrier.raised_by_id.is_(None)))
        consents = set(db.session.scalars(select(Barrier.quote_consent)))
        assert consents == {True, False}
        assert quotations(cohort_id, overview)
        statuses = set(db.session.scalars(select(BarrierResponse.status)))
        assert statuses == {"planned", "in_progress", "done", "not_possible"}


# ----- two trainers at once -------------------------------------------------------------------


def _in_thread(app, work):
    """Run work() in another thread with its own app context, session and connection."""
    outcome = {}

    def run():
        with app.app_context():
            try:
                outcome["value"] = work()
            except Exception as error:  # noqa: BLE001 - reported to the test
                outcome["error"] = error
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_two_trainers_releasing_at_once_release_each_barrier_once(app, cohort, people):
    ids = [add_barrier(app, cohort, people["participant"].id) for _ in range(6)]
    start = threading.Barrier(2)

    def release_all():
        start.wait()
        released = services.release_batch(cohort, ids)
        db.session.commit()
        return released

    runs = [_in_thread(app, release_all) for _ in range(2)]
    for thread, _ in runs:
        thread.join(30)
    assert all("error" not in outcome for _, outcome in runs), runs
    assert sum(outcome["value"] for _, outcome in runs) == 6
    with app.app_context():
        barriers = db.session.scalars(select(Barrier)).all()
        assert {b.status for b in barriers} == {"released"}
        assert all(b.released_at is not None for b in barriers)


def test_a_release_by_another_trainer_locks_a_barrier_being_rethemed(app, cohort, people):
    barrier_id = add_barrier(app, cohort, people["participant"].id)
    with app.app_context():
        barrier = db.session.get(Barrier, barrier_id)  # the first trainer's form is open

        def release():
            services.release_batch(cohort, [barrier_id])
            db.session.commit()

        thread, outcome = _in_thread(app, release)
        thread.join(30)
        assert "error" not in outcome
        with pytest.raises(services.BarrierLocked):
            services.moderate(barrier, "time", 0, "")
        db.session.rollback()
    released = get_barrier(app, barrier_id)
    assert released.theme == "workload" and released.status == "released"


def test_a_raiser_cannot_be_deleted_so_published_counts_never_move_back(app, cohort, people):
    add_barrier(app, cohort, people["participant"].id, released=True)
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(delete(User).where(User.id == people["participant"].id))
            db.session.flush()
        db.session.rollback()
