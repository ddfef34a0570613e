"""Effect sizes computed the way the studies report them, from simulated daily tables.

Every function takes plain DataFrames with a ``day`` column (as returned by
:func:`calcium_abm.simulate`) and returns one number for one seed; :func:`ci95` then
summarises the per-seed numbers. Derived columns that the model does not record directly
(e.g. the ucOC/cOC ratio) are listed in :data:`DERIVED_COLUMNS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "DERIVED_COLUMNS",
    "annual_percent_change",
    "ci95",
    "column",
    "extreme",
    "percent_change",
    "percent_change_vs_control",
    "time_to_onset",
    "trend_percent_per_year",
    "value_at",
]


def _ucoc_to_coc(df: pd.DataFrame) -> pd.Series:
    f = df["ucoc_fraction"]
    return f / (1.0 - f)


def _carboxylated_oc(df: pd.DataFrame) -> pd.Series:
    return 1.0 - df["ucoc_fraction"]


#: Columns computed from recorded ones: name -> (unit, function of the table).
DERIVED_COLUMNS: dict[str, tuple[str, Callable[[pd.DataFrame], pd.Series]]] = {
    "ucoc_to_coc_ratio": ("-", _ucoc_to_coc),
    "carboxylated_oc_fraction": ("-", _carboxylated_oc),
}


def column(df: pd.DataFrame, name: str) -> pd.Series:
    """A recorded column, or a derived one from :data:`DERIVED_COLUMNS`."""
    if name in df.columns:
        return df[name]
    if name in DERIVED_COLUMNS:
        return DERIVED_COLUMNS[name][1](df)
    raise KeyError(f"no column {name!r} in the simulated table")


def value_at(df: pd.DataFrame, name: str, day: float) -> float:
    """``name`` on ``day``, linearly interpolated between recorded days.

    Raises ValueError when ``day`` lies outside the recorded days.
    """
    days = df["day"].to_numpy(dtype=float)
    if len(days) == 0 or day < days[0] or day > days[-1]:
        raise ValueError(f"day {day} is outside the simulated days {days[:1]}..{days[-1:]}")
    return float(np.interp(day, days, column(df, name).to_numpy(dtype=float)))


def percent_change(df: pd.DataFrame, name: str, day: float, from_day: float = 0.0) -> float:
    """Change of ``name`` from ``from_day`` to ``day`` within one arm, in percent."""
    before = value_at(df, name, from_day)
    return 100.0 * (value_at(df, name, day) / before - 1.0)


def percent_change_vs_control(control: pd.DataFrame, intervention: pd.DataFrame, name: str,
                              day: float) -> float:
    """How far the intervention arm lies from the control arm on ``day``, in percent of control.

    This is "X % lower than placebo" in a trial; with a flat placebo arm it equals the
    change from baseline.
    """
    return 100.0 * (value_at(intervention, name, day) / value_at(control, name, day) - 1.0)


def time_to_onset(df: pd.DataFrame, name: str, threshold: float) -> float:
    """First recorded day on which ``name`` reaches ``threshold``; ``inf`` if it never does."""
    hit = np.flatnonzero(column(df, name).to_numpy(dtype=float) >= threshold)
    return float(df["day"].iloc[hit[0]]) if hit.size else math.inf


def extreme(df: pd.DataFrame, name: str, how: str) -> float:
    """The smallest (``how="min"``) or largest (``"max"``) value of ``name`` over the run."""
    values = column(df, name).to_numpy(dtype=float)
    if how == "min":
        return float(np.min(values))
    if how == "max":
        return float(np.max(values))
    raise ValueError(f"how must be 'min' or 'max', not {how!r}")


def annual_percent_change(df: pd.DataFrame, name: str, from_year: float, to_year: float) -> float:
    """Mean change of ``name`` per year between two times, in percent of its value at ``from_year``."""
    if to_year <= from_year:
        raise ValueError("to_year must be after from_year")
    change = percent_change(df, name, to_year * 365.0, from_year * 365.0)
    return change / (to_year - from_year)


def trend_percent_per_year(df: pd.DataFrame, name: str) -> float:
    """Least-squares slope of ``name`` over the whole run, in percent of its day-0 value per year."""
    years = df["day"].to_numpy(dtype=float) / 365.0
    values = column(df, name).to_numpy(dtype=float)
    slope = np.polyfit(years, values, 1)[0]
    return float(100.0 * slope / values[0])


def ci95(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95 % confidence interval of the mean across seeds (Student t).

    One value gives ``(v, nan, nan)``; any infinite value gives an infinite mean and a NaN
    interval (e.g. an onset that some seeds never reached). The interval is the batch
    statistics' :func:`~calcium_abm.batch.statistics.mean_ci` (the one t-interval helper).
    """
    x = np.asarray(list(values), dtype=float)
    if x.size == 0:
        return math.nan, math.nan, math.nan
    if not np.all(np.isfinite(x)):
        with np.errstate(invalid="ignore"):
            return float(np.mean(x)), math.nan, math.nan
    # lazy: the statistics import scipy.stats (~1 s), which `calcium-abm validate --list` never needs
    from calcium_abm.batch.statistics import mean_ci

    ci = mean_ci(x, 0.95)
    return ci["mean"], ci["ci_low"], ci["ci_high"]


#: resamples of :func:`ratio_of_means_ci`'s bootstrap; its generator is seeded, so a report is reproducible
RATIO_BOOTSTRAP_RESAMPLES = 1999


def ratio_of_means_ci(numerators: Sequence[float], denominators: Sequence[float]) -> tuple[float, float, float]:
    """``mean(numerators) / mean(denominators)`` across seeds and its 95 % percentile-bootstrap
    interval, resampling seeds in pairs (``scipy.stats.bootstrap``, fixed generator).

    The estimator of a ratio of group means (a cohort's loss at 85 over its loss at 65): the
    mean of per-seed ratios is not, because one seed's near-zero denominator dominates it.
    One seed gives ``(ratio, nan, nan)``.
    """
    num = np.asarray(list(numerators), dtype=float)
    den = np.asarray(list(denominators), dtype=float)
    if num.size == 0 or num.shape != den.shape:
        raise ValueError("numerators and denominators must be non-empty and of equal length")
    value = float(num.mean() / den.mean())
    if num.size < 2:
        return value, math.nan, math.nan
    from scipy.stats import bootstrap  # lazy, as ci95's statistics

    result = bootstrap((num, den), lambda n, d, axis=-1: n.mean(axis=axis) / d.mean(axis=axis), paired=True,
                       vectorized=True, n_resamples=RATIO_BOOTSTRAP_RESAMPLES, method="percentile",
                       confidence_level=0.95, rng=np.random.default_rng(0))
    return value, float(result.confidence_interval.low), float(result.confidence_interval.high)
