"""The attendance rules at their edges: rates, the absence flag, completion and the forecast."""

from datetime import date

import pytest

from course.modules.attendance.services import (
    CatchUpState,
    SessionFacts,
    attendance_rate,
    can_still_complete,
    catch_up_due,
    cohort_figures,
    counts_as_attended,
    has_consecutive_absences,
    is_complete,
    longest_absence_run,
    percent,
    person_record,
    session_rate,
)

TODAY = date(2026, 3, 10)
DUE_LATER = date(2026, 4, 1)
DUE_PAST = date(2026, 3, 9)


def year(*statuses, held=None, changes=None):
    """Facts for eleven sessions: the given statuses first, the first `held` of them held."""
    statuses = list(statuses) + [None] * (11 - len(statuses))
    held = len([s for s in statuses if s is not None]) if held is None else held
    facts = []
    for number, status in enumerate(statuses, start=1):
        fields = dict(number=number, held=number <= held, status=status)
        if status in ("apologies", "absent") and number <= held:
            fields["catch_up_due"] = DUE_LATER
        fields.update((changes or {}).get(number, {}))
        facts.append(SessionFacts(**fields))
    return facts


@pytest.mark.parametrize(
    ("status", "attended"),
    [
        ("present", True),
        ("late", True),
        ("left_early", True),
        ("apologies", False),
        ("absent", False),
        (None, False),
    ],
)
def test_present_late_and_left_early_count_as_attended(status, attended):
    assert counts_as_attended(status) is attended


def test_rates_over_sessions_held_and_over_all_sessions():
    record = person_record(year("present", "late", "absent", "left_early"), TODAY)
    assert (record.attended, record.held, record.scheduled) == (3, 4, 11)
    assert record.rate_held == pytest.approx(0.75)
    assert record.rate_all == pytest.approx(3 / 11)
    assert percent(record.rate_held) == "75%"
    assert percent(record.rate_all) == "27%"


def test_rate_before_any_session_is_held_is_not_zero_but_nothing():
    record = person_record(year(), TODAY)
    assert record.held == 0
    assert record.rate_held is None
    assert percent(record.rate_held) == "—"
    assert attendance_rate(0, 0) is None


def test_cancelled_sessions_count_in_neither_rate():
    facts = year("present", "present", held=2, changes={3: dict(cancelled=True, held=False)})
    record = person_record(facts, TODAY)
    assert record.scheduled == 10
    assert record.held == 2
    assert record.rate_all == pytest.approx(2 / 10)


def test_a_held_session_without_a_mark_counts_as_held_but_not_attended():
    record = person_record(year("present", None, held=2), TODAY)
    assert record.rate_held == pytest.approx(0.5)
    assert record.missed == 0  # unmarked is not an absence: no catch-up is set
    assert record.to_do == ()


def test_one_absence_is_not_flagged():
    assert not has_consecutive_absences(year("present", "absent", "present"))


def test_two_absences_in_a_row_are_flagged_whether_apologies_or_absent():
    assert has_consecutive_absences(year("present", "apologies", "absent"))
    assert has_consecutive_absences(year("absent", "absent"))
    assert has_consecutive_absences(year("apologies", "apologies"))


def test_absences_with_an_attended_session_between_are_not_flagged():
    assert not has_consecutive_absences(year("absent", "late", "absent", "left_early", "absent"))


def test_a_cancelled_session_between_two_absences_does_not_break_the_run():
    facts = year("absent", None, "absent", held=3, changes={2: dict(cancelled=True)})
    assert longest_absence_run(facts) == 2
    assert has_consecutive_absences(facts)


def test_an_unmarked_session_between_two_absences_breaks_the_run():
    assert not has_consecutive_absences(year("absent", None, "absent", held=3))


def test_apologies_sent_for_the_next_session_after_an_absence_are_flagged_at_once():
    facts = year("present", "absent", "apologies", held=2)
    assert not facts[2].held
    assert has_consecutive_absences(facts)


def test_the_flag_clears_once_the_person_attends_again():
    # A badge beside someone who came last time would not be true (issue 22, item 10).
    assert not has_consecutive_absences(year("absent", "absent", "present", "present"))
    assert longest_absence_run(year("absent", "absent", "present", "present")) == 2


def test_sessions_outside_a_membership_count_for_nothing():
    # Joined after six sessions: nothing before counts, so 1 of 1 held, and no catch-ups.
    facts = year(None, None, None, None, None, None, "present", held=7)
    facts = [SessionFacts(**{**f.__dict__, "member": f.number >= 7}) for f in facts]
    record = person_record(facts, TODAY)
    assert (record.attended, record.held, record.scheduled) == (1, 1, 5)
    assert record.rate_held == 1.0
    assert not record.flagged and record.can_complete


def test_absences_before_joining_do_not_make_a_run():
    facts = [
        SessionFacts(number=1, held=True, status="absent", member=False, catch_up_due=DUE_PAST),
        SessionFacts(number=2, held=True, status="absent", catch_up_due=DUE_LATER),
    ]
    assert not has_consecutive_absences(facts)
    assert person_record(facts, TODAY).overdue == ()


def test_complete_when_all_eleven_are_attended():
    assert is_complete(year(*["present"] * 11))


def test_not_complete_while_a_session_is_still_to_come():
    assert not is_complete(year(*["present"] * 10))


def test_complete_when_a_missed_session_is_caught_up():
    facts = year(*["present"] * 10 + ["absent"], changes={11: dict(catch_up_approved=True)})
    assert is_complete(facts)
    assert person_record(facts, TODAY).caught_up == 1


def test_a_catch_up_waiting_for_approval_does_not_complete_yet():
    facts = year(*["present"] * 10 + ["apologies"], changes={11: dict(catch_up_submitted=True)})
    assert not is_complete(facts)
    assert can_still_complete(facts, TODAY)
    assert person_record(facts, TODAY).waiting == (11,)


def test_a_session_left_unmarked_stops_completion():
    assert not is_complete(year(*["present"] * 10 + [None], held=11))


def test_a_cancelled_session_is_not_needed_for_completion():
    facts = year(*["present"] * 10, None, held=10, changes={11: dict(cancelled=True)})
    assert is_complete(facts)


def test_everything_cancelled_is_not_complete():
    facts = [SessionFacts(n, held=False, cancelled=True) for n in range(1, 12)]
    assert not is_complete(facts)


def test_can_still_complete_while_a_catch_up_is_not_yet_due():
    facts = year("present", "absent")
    assert facts[1].catch_up_state(TODAY) == CatchUpState.TO_DO
    assert can_still_complete(facts, TODAY)


def test_can_still_complete_on_the_day_the_catch_up_is_due():
    facts = year("present", "absent", changes={2: dict(catch_up_due=TODAY)})
    assert facts[1].catch_up_state(TODAY) == CatchUpState.TO_DO
    assert can_still_complete(facts, TODAY)


def test_cannot_complete_the_day_after_a_catch_up_was_due_with_nothing_sent():
    facts = year("present", "absent", changes={2: dict(catch_up_due=DUE_PAST)})
    assert facts[1].catch_up_state(TODAY) == CatchUpState.OVERDUE
    assert not can_still_complete(facts, TODAY)
    record = person_record(facts, TODAY)
    assert record.overdue == (2,)
    assert record.outstanding == 1


def test_a_reflection_sent_before_the_due_date_can_still_be_approved_after_it():
    facts = year("absent", changes={1: dict(catch_up_due=DUE_PAST, catch_up_submitted=True)})
    assert facts[0].catch_up_state(TODAY) == CatchUpState.WAITING
    assert can_still_complete(facts, TODAY)


def test_apologies_for_sessions_to_come_do_not_stop_completion():
    assert can_still_complete(year("present", "apologies", "apologies", held=1), TODAY)


def test_a_finished_programme_with_every_session_attended_is_complete_whatever_the_date():
    assert can_still_complete(year(*["present"] * 11), date(2030, 1, 1))


def test_catch_up_is_due_a_set_time_after_the_session_or_after_a_late_mark():
    assert catch_up_due(date(2026, 1, 13), date(2026, 1, 13), 42) == date(2026, 2, 24)
    assert catch_up_due(date(2026, 1, 13), date(2026, 1, 5), 42) == date(2026, 2, 24)
    assert catch_up_due(date(2026, 1, 13), date(2026, 2, 1), 42) == date(2026, 3, 15)
    assert catch_up_due(date(2026, 1, 13), date(2026, 1, 13), 42, date(2026, 6, 1)) == date(
        2026, 6, 1
    )


def test_attended_sessions_have_no_catch_up():
    facts = year("present", "late")
    assert [f.catch_up_state(TODAY) for f in facts[:2]] == [None, None]


def test_cohort_figures_add_up_people_without_rows():
    records = [
        person_record(year("present", "present"), TODAY),
        person_record(year("absent", "absent"), TODAY),
    ]
    figures = cohort_figures(records)
    assert figures.people == 2
    assert figures.rate_held == pytest.approx(2 / 4)
    assert figures.rate_all == pytest.approx(2 / 22)
    assert figures.flagged == 1
    assert figures.catch_ups_outstanding == 2


def test_session_rate_counts_unmarked_people_as_not_attended():
    assert session_rate(["present", "late", None, "absent"]) == pytest.approx(0.5)
    assert session_rate([]) is None


def test_percent_rounds_halves_up():
    assert percent(0.125) == "13%"
    assert percent(2 / 3) == "67%"
    assert percent(1) == "100%"
