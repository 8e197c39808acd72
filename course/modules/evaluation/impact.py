"""The impact report: the programme's evidence on Kirkpatrick's four levels, every figure under K
withheld, and every figure also as one CSV row.

Each figure is built once, as a `Measure`, and both the page and the CSV read that list, so they
cannot disagree. A count of people under K is never a number anywhere: it reads "fewer than K".
Other modules are read through their published functions (attendance's evaluator view, the
readings summary, the barrier overview, the supervision logs' cohort figures).
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from course.extensions import db
from course.modules.accounts.models import Cohort
from course.modules.attendance.compliance import evaluator_view
from course.modules.barriers.models import ResponseStatus
from course.modules.barriers.overview import cohort_overview
from course.modules.barriers.responses import cohort_responses
from course.modules.evaluation.models import Audience, Kind, Questionnaire, Status
from course.modules.evaluation.results import questionnaire_results
from course.modules.evaluation.supervisee_figures import cohort_change, cohort_round_figures
from course.modules.evaluation.survey_models import ImpactRelease, RetentionFigure
from course.modules.programme.services import cohort_sessions
from course.modules.readings.progress import cohort_summary
from course.modules.readings.services import attendee_count
from course.modules.supervision.aggregates import cohort_figures as supervision_figures
from course.timeutil import utcnow

LEARNING_KINDS = (Kind.BASELINE, Kind.MID, Kind.END, Kind.FOLLOW_UP)


@dataclass
class Measure:
    """One figure of the report: shown as text, or withheld ("fewer than K")."""

    section: str
    measure: str
    group: str
    value: str
    share: float | None = None  # 0..1 for the charts, when shown


@dataclass
class Report:
    """Everything the page, the print and the CSV show."""

    cohort: Cohort
    k: int
    made_at: object
    released_at: object
    sessions_held: int
    sessions_total: int
    questionnaires: list
    measures: list = field(default_factory=list)
    responses: list = field(default_factory=list)  # barrier responses, "you said, we did"

    def section(self, name):
        """The measures of one section, in order."""
        return [m for m in self.measures if m.section == name]


def _pct(share):
    return f"{round(100 * share)}%"


def _count(n, k):
    """A count of people, or 'fewer than K'."""
    return str(n) if n >= k else f"fewer than {k}"


def is_released(cohort_id):
    """When the evaluator released the cohort's report, or None."""
    return db.session.scalar(
        select(ImpactRelease.released_at).where(ImpactRelease.cohort_id == cohort_id)
    )


def release(cohort_id):
    """Let the senior managers and trainers read the report. Caller commits."""
    if is_released(cohort_id) is None:
        db.session.add(ImpactRelease(cohort_id=cohort_id, released_at=utcnow()))


def _questionnaires(cohort_id):
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(
                Questionnaire.cohort_id == cohort_id,
                Questionnaire.status != Status.DRAFT.value,
                Questionnaire.audience != Audience.SUPERVISEES.value,
            )
            .order_by(Questionnaire.opens_at, Questionnaire.id)
        )
    )


def _reaction(report, questionnaires, k):
    for q in questionnaires:
        if q.kind != Kind.SESSION_FEEDBACK:
            continue
        results = questionnaire_results(q, k, interim=not q.is_closed())
        shares = [r.agreeing for r in results.likert_results if r.answered.shown]
        add = report.measures.append
        add(Measure("reaction", "Answers", q.title, _count(results.responses, k)))
        if results.enough and shares:
            share = sum(shares) / len(shares)
            add(Measure("reaction", "Agreeing with the rated statements", q.title, _pct(share),
                        share))  # fmt: skip
        else:
            add(Measure("reaction", "Agreeing with the rated statements", q.title,
                        f"fewer than {k} answers"))  # fmt: skip


def _learning(report, questionnaires, k):
    add = report.measures.append
    for q in questionnaires:
        if q.kind not in LEARNING_KINDS:
            continue
        results = questionnaire_results(q, k, interim=not q.is_closed())
        add(Measure("learning", "Answers", q.title, _count(results.responses, k)))
        for scale in results.scales:
            if scale.figure.shown:
                mean = scale.estimate.mean
                add(Measure("learning", f"Mean score: {scale.name}", q.title, f"{mean:.2f} of 5",
                            (mean - 1) / 4))  # fmt: skip
            else:
                add(Measure("learning", f"Mean score: {scale.name}", q.title, f"fewer than {k}"))
        if results.paired and results.paired.baseline:
            for scale, figure, change in results.paired.changes:
                value = (
                    f"{change.mean:+.2f} ({change.pairs} pairs)" if figure.shown
                    else f"fewer than {k} pairs"
                )  # fmt: skip
                add(Measure("learning", f"Paired change since baseline: {scale}", q.title, value))


def _behaviour(report, cohort_id, k):
    add = report.measures.append
    rounds = cohort_round_figures(cohort_id, k)
    for r in rounds:
        group = f"Supervisees, {r.questionnaire.kind_enum.label.split(',')[0].lower()} round"
        if r.state != "shown":
            reason = {
                "open": "round still open",
                "fewer": f"fewer than {k} answers",
                "few_teams": "fewer than two teams",
            }[r.state]
            add(Measure("behaviour", "Supervisee answers", group, f"not shown: {reason}"))
            continue
        add(Measure("behaviour", "Supervisee answers", group, str(r.results.responses)))
        for item in r.results.items:
            if item.item.kind == "likert":
                value = _pct(item.agreeing) if item.answered.shown else f"fewer than {k}"
                add(Measure("behaviour", f"Agreeing: {item.item.wording}", group, value,
                            item.agreeing if item.answered.shown else None))  # fmt: skip
            elif item.item.kind == "single" and item.item.position == 1 and item.answered.shown:
                share = sum(item.counts[:2]) / item.answered.count
                add(Measure("behaviour", "Supervision at least every four weeks", group,
                            _pct(share), share))  # fmt: skip
    for scale, figure, change in cohort_change(rounds, k):
        value = (
            f"{change.mean:+.2f} (p = {change.p:.3f})" if figure.shown and change.p is not None
            else f"{change.mean:+.2f}" if figure.shown else f"fewer than {k}"
        )  # fmt: skip
        add(Measure("behaviour", f"Change baseline to end: {scale}", "Supervisees", value))
    for stage in supervision_figures(cohort_id, k):
        group = f"Managers' supervision logs, {stage.label.lower()}"
        if not stage.shown:
            add(Measure("behaviour", "Records", group, f"fewer than {k} managers"))
            continue
        add(Measure("behaviour", "Records with clear actions", group,
                    _pct(stage.clear_actions), stage.clear_actions))  # fmt: skip
        add(Measure("behaviour", "Uninterrupted supervision", group,
                    _pct(stage.uninterrupted), stage.uninterrupted))  # fmt: skip


def _results(report, cohort, k):
    add = report.measures.append
    sessions = cohort_sessions(cohort.id)
    view = evaluator_view(cohort, sessions)
    if view["enough"]:
        figures = view["figures"]
        add(Measure("results", "Participants", "Attendance", _count(figures.people, k)))
        rate = figures.rate_held
        if rate is not None:
            add(Measure("results", "Attendance at sessions held", "Attendance", _pct(rate), rate))
        add(Measure("results", "Completed the programme", "Attendance",
                    _count(figures.complete, k)))  # fmt: skip
        add(Measure("results", "Can no longer complete", "Attendance",
                    _count(figures.cannot_complete, k)))  # fmt: skip
    else:
        add(Measure("results", "Participants", "Attendance", f"fewer than {k}"))
    attendees = attendee_count(cohort.id)
    if attendees >= k:
        held = cohort_summary(cohort.id, attendees).held_percent
        if held is not None:
            add(Measure("results", "Required readings read (sessions held)", "Reading",
                        f"{held}%", held / 100))  # fmt: skip
    else:
        add(Measure("results", "Required readings read", "Reading", f"fewer than {k} people"))
    for theme in cohort_overview(cohort.id, k=k).themes:
        if theme.total.shown:
            add(Measure("results", "People raising the theme", theme.theme.label,
                        str(theme.total.count)))  # fmt: skip
    responses = cohort_responses(cohort.id)
    report.responses = responses
    done = sum(1 for r in responses if r.status == ResponseStatus.DONE)
    add(Measure("results", "'You said, we did' responses done", "Barriers",
                f"{done} of {len(responses)}"))  # fmt: skip
    for row in retention_rows(cohort.id):
        staffing = (
            ("Headcount", row.headcount), ("Leavers", row.leavers),
            ("Agency staff", row.agency_staff), ("Vacancies", row.vacancies),
        )  # fmt: skip
        for name, n in staffing:
            add(Measure("results", name, f"Retention, {row.quarter}", _count(n, k)))
        if row.leavers >= k and row.headcount >= k:
            share = row.leavers / row.headcount
            add(Measure("results", "Turnover (leavers over headcount)",
                        f"Retention, {row.quarter}", _pct(share), share))  # fmt: skip


def retention_rows(cohort_id):
    """The cohort's retention figures, by quarter."""
    return list(
        db.session.scalars(
            select(RetentionFigure)
            .where(RetentionFigure.cohort_id == cohort_id)
            .order_by(RetentionFigure.quarter)
        )
    )


def impact_report(cohort, k):
    """The whole report for a cohort, as of now."""
    now = utcnow()
    sessions = cohort_sessions(cohort.id)
    questionnaires = _questionnaires(cohort.id)
    report = Report(
        cohort=cohort,
        k=k,
        made_at=now,
        released_at=is_released(cohort.id),
        sessions_held=sum(1 for s in sessions if s.starts_at <= now),
        sessions_total=len(sessions),
        questionnaires=questionnaires,
    )
    _reaction(report, questionnaires, k)
    _learning(report, questionnaires, k)
    _behaviour(report, cohort.id, k)
    _results(report, cohort, k)
    return report
