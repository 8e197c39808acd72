"""Summaries of rated answers, computed with NumPy and SciPy (nothing hand-rolled).

Pure functions over counts or lists of scores, so the supervisee survey can use them too.
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

AGREE_FROM = 4  # 4 = agree, 5 = strongly agree on the five-point scale


def expand(counts):
    """{value: count} as an array of values."""
    values = sorted(counts)
    return np.repeat(np.array(values, dtype=float), [counts[v] for v in values])


def median(counts):
    """The median of counted values, or None for none."""
    data = expand(counts)
    return float(np.median(data)) if data.size else None


def share_agreeing(counts):
    """The share of ratings that agree (4 or 5), from 0 to 1."""
    total = sum(counts.values())
    return sum(n for v, n in counts.items() if v >= AGREE_FROM) / total if total else None


@dataclass(frozen=True)
class Estimate:
    """A mean with its 95% confidence interval (t distribution)."""

    n: int
    mean: float
    low: float | None
    high: float | None


def mean_interval(scores, confidence=0.95):
    """The mean of scores with a t-interval; no interval for fewer than two scores."""
    data = np.asarray(scores, dtype=float)
    n = int(data.size)
    mean = float(data.mean())
    if n < 2:
        return Estimate(n, mean, None, None)
    sem = stats.sem(data)
    if sem == 0:
        return Estimate(n, mean, mean, mean)
    low, high = stats.t.interval(confidence, n - 1, loc=mean, scale=sem)
    return Estimate(n, mean, float(low), float(high))


@dataclass(frozen=True)
class Change:
    """The mean change between paired scores, its 95% interval and the paired t-test's p."""

    pairs: int
    mean: float
    low: float | None
    high: float | None
    p: float | None


def paired_change(before, after, confidence=0.95):
    """Mean of after - before over pairs, with scipy's paired t-test and its interval."""
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    diffs = after - before
    n = int(diffs.size)
    mean = float(diffs.mean())
    if n < 2 or np.all(diffs == diffs[0]):
        return Change(n, mean, mean if n >= 2 else None, mean if n >= 2 else None, None)
    result = stats.ttest_rel(after, before)
    interval = result.confidence_interval(confidence)
    return Change(n, mean, float(interval.low), float(interval.high), float(result.pvalue))


def independent_change(before, after, confidence=0.95):
    """Mean of after minus mean of before for two separate groups (Welch's t-test and interval).

    The supervisee survey cannot pair people (it asks for no code), so baseline and end are
    compared as two samples of the same teams.
    """
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    mean = float(after.mean() - before.mean())
    pairs = int(min(before.size, after.size))
    if before.size < 2 or after.size < 2 or (before.std() == 0 and after.std() == 0):
        return Change(pairs, mean, None, None, None)
    result = stats.ttest_ind(after, before, equal_var=False)
    interval = result.confidence_interval(confidence)
    return Change(pairs, mean, float(interval.low), float(interval.high), float(result.pvalue))
