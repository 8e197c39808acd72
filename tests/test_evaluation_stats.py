"""Scale means, intervals and paired change come from SciPy; codes pair answers, not people."""

import numpy as np
import pytest
from scipy import stats as scipy_stats
from sqlalchemy import select

from course.extensions import db
from course.modules.evaluation import answering, statistics
from course.modules.evaluation.models import Questionnaire, Response
from course.modules.evaluation.results import questionnaire_results
from tests.conftest import Auth
from tests.evaluation_support import K, filled, items_of, make_questionnaire, send_answers


def _as(client, user):
    client.delete_cookie("session", domain="localhost")
    assert Auth(client).login(user).status_code == 302


def test_the_mean_interval_is_scipys_t_interval():
    scores = [2.5, 3.0, 3.25, 4.0, 4.5, 3.75]
    estimate = statistics.mean_interval(scores)
    low, high = scipy_stats.t.interval(
        0.95, len(scores) - 1, loc=np.mean(scores), scale=scipy_stats.sem(scores)
    )
    assert (estimate.n, estimate.low, estimate.high) == (6, pytest.approx(low), pytest.approx(high))
    assert estimate.low < estimate.mean < estimate.high


def test_the_paired_change_is_scipys_paired_t_test():
    before = [2.0, 2.5, 3.0, 2.25, 3.5, 2.75]
    after = [3.0, 3.0, 3.5, 3.25, 4.0, 3.5]
    change = statistics.paired_change(before, after)
    expected = scipy_stats.ttest_rel(after, before)
    interval = expected.confidence_interval()
    assert change.mean == pytest.approx(np.mean(np.subtract(after, before)))
    assert (change.low, change.high) == (pytest.approx(interval.low), pytest.approx(interval.high))
    assert change.p == pytest.approx(expected.pvalue)


def test_median_and_share_agreeing_from_counts():
    counts = {1: 1, 2: 1, 3: 2, 4: 4, 5: 2}
    assert statistics.median(counts) == 4.0
    assert statistics.share_agreeing(counts) == 0.6


def test_a_code_is_stored_as_a_keyed_hash_the_same_however_it_is_typed(app):
    with app.app_context():
        read = answering.check_code(
            {"code_school": "e", "code_month": "3", "code_parent": "m", "code_digit": "7"}
        )
        assert read == ("E03M7", {})
        stored = answering.pair_hash(1, "E03M7")
        assert "E03M7" not in stored and len(stored) == 64
        assert stored != answering.pair_hash(2, "E03M7")  # another cohort's key
        app.config["SECRET_KEY"] = "another deployment"
        assert stored != answering.pair_hash(1, "E03M7")  # the key lives outside the database
        _, errors = answering.check_code(
            {"code_school": "EE", "code_month": "0", "code_parent": "4", "code_digit": "x"}
        )
        assert set(errors) == {"code_school", "code_month", "code_parent", "code_digit"}


def test_a_paired_baseline_and_end_answered_with_the_same_codes_show_a_change_per_scale(
    app, client, cohort, make_user
):
    people = [make_user(cohort_id=cohort) for _ in range(7)]
    baseline = make_questionnaire(app, cohort, "baseline", anonymity="paired")
    end = make_questionnaire(app, cohort, "end", anonymity="paired")
    codes = ["A01B1", "C02D2", "E03F3", "G04H4", "J05K5", "L06M6", "N07P7"]
    for n, person in enumerate(people):
        _as(client, person)
        send_answers(client, baseline, filled(items_of(app, baseline), rating=2, code=codes[n]))
        # Six give the same code at the end; one forgets theirs.
        code = codes[n] if n < 6 else "Z12Z9"
        rating = 4 if n % 2 else 5
        send_answers(client, end, filled(items_of(app, end), rating=rating, code=code))
    with app.app_context():
        for qid in (baseline, end):
            db.session.get(Questionnaire, qid).status = "closed"
        db.session.commit()
        stored = set(db.session.scalars(select(Response.pair_hash)))
        assert not stored & set(codes)
        results = questionnaire_results(db.session.get(Questionnaire, end), K)
        assert results.paired.pairs == 6
        names = [scale for scale, _f, _c in results.paired.changes]
        assert names == sorted(
            ["Confidence in reflective supervision", "Feeling supported",
             "Intention to stay in child protection"]
        )  # fmt: skip
        for _scale, figure, change in results.paired.changes:
            assert figure.count == 6 and change.pairs == 6
            assert change.mean == pytest.approx(2.5)  # from 2 to 4 or 5, three of each
    evaluator = make_user(role="evaluator", cohort_id=cohort)
    _as(client, evaluator)
    page = client.get(f"/evaluation/{end}/results").get_data(as_text=True)
    assert "Change since the baseline" in page and "6 pairs" in page and "+2.50" in page


def test_fewer_than_k_pairs_show_no_change(app, client, cohort, make_user):
    people = [make_user(cohort_id=cohort) for _ in range(6)]
    baseline = make_questionnaire(app, cohort, "baseline", anonymity="paired")
    end = make_questionnaire(app, cohort, "end", anonymity="paired")
    for n, person in enumerate(people):
        _as(client, person)
        send_answers(client, baseline, filled(items_of(app, baseline), code=f"A0{n + 1}B{n}"))
        code = f"A0{n + 1}B{n}" if n < 4 else "Q11Q1"
        send_answers(client, end, filled(items_of(app, end), code=code))
    with app.app_context():
        db.session.get(Questionnaire, end).status = "closed"
        db.session.commit()
        results = questionnaire_results(db.session.get(Questionnaire, end), K)
        assert results.enough and results.paired.pairs == 4
        assert all(change is None for _s, _f, change in results.paired.changes)
