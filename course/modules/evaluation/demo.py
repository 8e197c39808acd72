"""The demo cohort's questionnaires: an answered (paired) baseline, the mid-programme one
answered and released, feedback on the past sessions, and the end one waiting; and the
supervisee survey's baseline round, answered by most teams and closed."""

from datetime import datetime, time, timedelta

from course.extensions import db
from course.modules.evaluation import answering, services
from course.modules.evaluation import supervisee_links as links
from course.modules.evaluation.models import Anonymity, Audience, ItemKind, Kind, Status
from course.modules.evaluation.survey_models import RetentionFigure
from course.timeutil import to_utc

WRITTEN = (
    "Time to think about one case properly, with people who understand the work.",
    "Hearing how other managers hold anxiety in their teams.",
    "The readings gave me words for things I already did without thinking.",
    "More time on our own supervision, less on the theory.",
    "Practising a supervision conversation and getting feedback on it.",
    "Knowing senior managers hear what gets in the way.",
)
LETTERS = "ABCDEFGHIJKLMNOPRSTW"


def _code(rng):
    """A self-generated code as the answer form would normalise it."""
    return f"{rng.choice(LETTERS)}{rng.randint(1, 12):02d}{rng.choice(LETTERS)}{rng.randint(0, 9)}"


def _at(day, hour=9):
    return to_utc(datetime.combine(day, time(hour)))


def _values(demo, items, lift, code=None):
    """Plausible answers: ratings around 3, raised by `lift`."""
    rng = demo.rng
    values = {}
    for item in items:
        if item.kind == ItemKind.LIKERT:
            values[item.id] = max(1, min(5, round(rng.gauss(3.0 + lift, 0.9))))
        elif item.kind == ItemKind.SINGLE:
            values[item.id] = rng.randint(1, len(item.choices))
        elif item.kind == ItemKind.MULTIPLE:
            values[item.id] = sorted(rng.sample(range(1, len(item.choices) + 1), 2))
        elif item.kind == ItemKind.NUMBER:
            values[item.id] = rng.randint(2, 10)
        elif rng.random() < 0.6:
            values[item.id] = rng.choice(WRITTEN)
    values["code"] = code
    return values


def _answer(demo, questionnaire, people, lift, codes=None):
    """Each person answers, as through the site."""
    items = services.items_of(questionnaire.id)
    k = services.k_anonymity()
    for person in people:
        code = codes.get(person.id) if codes else None
        answering.submit(
            questionnaire,
            items,
            _values(demo, items, lift, code),
            answering.Respondent(user_id=person.id),
            pair_scope=questionnaire.cohort_id,
            k=k,
            loading=True,
        )
    answering.scatter(questionnaire.id)


def _questionnaire(demo, kind, opens, closes, **fields):
    return services.create_questionnaire(
        demo.cohort.id, kind=kind, title=fields.pop("title", None), opens_at=opens,
        closes_at=closes, audience=fields.pop("audience", Audience.PARTICIPANTS.value),
        anonymity=fields.pop("anonymity", Anonymity.ANONYMOUS.value), **fields,
    )  # fmt: skip


def seed(demo):
    """Add the questionnaires and their answers."""
    sessions = demo.sessions
    rng = demo.rng
    codes = {m.id: _code(rng) for m in demo.managers + demo.seniors}
    first = sessions[0].starts_at
    baseline = _questionnaire(
        demo, Kind.BASELINE, first - timedelta(days=21), first - timedelta(hours=1),
        anonymity=Anonymity.PAIRED.value,
    )  # fmt: skip
    baseline.status = Status.OPEN.value
    _answer(demo, baseline, demo.managers[:32], 0.0, codes)
    services.close_questionnaire(baseline)
    services.release_results(baseline)

    mid_opens = sessions[5].ends_at
    mid = _questionnaire(
        demo, Kind.MID, mid_opens, mid_opens + timedelta(days=14),
        anonymity=Anonymity.PAIRED.value, audience=Audience.BOTH.value,
    )  # fmt: skip
    mid.status = Status.OPEN.value
    # A few people give a different code (forgotten or mistyped), so not everyone pairs.
    mid_codes = {pid: (c if n % 6 else "Z12Z9") for n, (pid, c) in enumerate(codes.items())}
    _answer(demo, mid, demo.managers[1:30], 0.6, mid_codes)
    _answer(demo, mid, demo.seniors, 0.3, codes)
    services.close_questionnaire(mid)
    services.release_results(mid)

    for course_session in sessions[:6]:
        if course_session.ends_at > to_utc(datetime.combine(demo.today, time())):
            continue
        feedback = _questionnaire(
            demo, Kind.SESSION_FEEDBACK, course_session.ends_at,
            course_session.ends_at + timedelta(days=7),
            title=f"Feedback: {course_session.label}", session_id=course_session.id,
        )  # fmt: skip
        feedback.status = Status.OPEN.value
        _answer(demo, feedback, rng.sample(demo.managers, rng.randint(18, 30)), 0.9)
        services.close_questionnaire(feedback)
        if course_session.number < 6:
            services.release_results(feedback)

    end_opens = _at(demo.today - timedelta(days=2))
    end = _questionnaire(
        demo, Kind.END, end_opens, _at(demo.today + timedelta(days=12), 17),
        anonymity=Anonymity.PAIRED.value, remind_days_before=3,
        title="At the end of the programme (open early for the demo)",
    )  # fmt: skip
    end.status = Status.OPEN.value
    _supervisee_baseline(demo)
    _retention(demo)


def _retention(demo):
    """Two quarters of the teams' staffing, as a senior manager would enter them."""
    start = demo.sessions[0].starts_at.date()
    for n, (headcount, leavers, agency, vacancies) in enumerate(((164, 11, 23, 17),
                                                                 (166, 7, 19, 12))):  # fmt: skip
        month = start.month - 1 + 3 * n
        quarter = f"{start.year + month // 12}-Q{(month % 12) // 3 + 1}"
        db.session.add(
            RetentionFigure(cohort_id=demo.cohort.id, quarter=quarter, headcount=headcount,
                            leavers=leavers, agency_staff=agency, vacancies=vacancies,
                            entered_by_id=demo.seniors[0].id)
        )  # fmt: skip


SUPERVISEES_WRITTEN = (
    "Supervision mostly goes through the caseload list; there is rarely time to think.",
    "My manager always asks how I am, even when we are short of time.",
    "Sessions get moved when there is a crisis, which is most weeks.",
    "I leave supervision knowing what I need to do next and by when.",
)


def _supervisee_baseline(demo):
    """Most teams answer the baseline supervisee survey: some teams reach K, some do not."""
    rng = demo.rng
    k = services.k_anonymity()
    teams = demo.managers[: len(demo.managers) * 4 // 5]
    questionnaire = None
    for n, manager in enumerate(teams):
        team_size = rng.randint(4, 9)
        link = links.create_link(manager, demo.cohort.id, Kind.BASELINE, team_size)
        questionnaire = link.questionnaire_id
        answering_now = team_size - rng.randint(0, 1) if n % 3 else rng.randint(1, k - 1)
        items = services.items_of(link.questionnaire_id)
        round_ = services.get_questionnaire_by_id(link.questionnaire_id)
        for _ in range(answering_now):
            values = _values(demo, items, -0.4)
            for item in items:
                if item.kind == ItemKind.TEXT:
                    values[item.id] = (
                        rng.choice(SUPERVISEES_WRITTEN) if rng.random() < 0.3 else None
                    )
            answering.submit(
                round_, items, values,
                answering.Respondent(link_hash=f"{rng.getrandbits(128):032x}"),
                k=k, loading=True, team_link_id=link.id,
            )  # fmt: skip
    if questionnaire is not None:
        answering.scatter(questionnaire)
        round_ = services.get_questionnaire_by_id(questionnaire)
        round_.opens_at = demo.sessions[0].starts_at - timedelta(days=7)
        services.close_questionnaire(round_)
