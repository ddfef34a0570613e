"""Simulation-based power of a virtual trial: for a design and an effect, the share of
simulated trials of each size whose analysis finds the effect (p < alpha).

A simulated trial of ``n`` patients per arm resamples, with replacement, the virtual
patients of a finished pilot batch (their outcome and its baseline): the model supplies
the between-patient variability, the researcher the effect to detect. With an ``effect``
the treated arm is the pilot's treated arm moved so that its effect against control is ``effect``,
each treated patient keeping their own response (for a crossover, each patient's within-patient
difference re-centred on it); without one, the pilot's treated arm as it came out of the model. Each trial is analysed as the real one would be: Welch's t-test
(parallel), the paired t-test (crossover) or ANCOVA adjusted for the baseline (parallel),
the same ``scipy.stats`` / ``statsmodels`` calls as :mod:`calcium_abm.batch.statistics`.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from calcium_abm.batch.analysis import outcome_name, run_outcomes
from calcium_abm.batch.plots import power_figure
from calcium_abm.batch.statistics import CONFIDENCE, arm_order, no_residual_spread
from calcium_abm.batch.store import StoredBatch, open_batch
from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import short_repr
from calcium_abm.inputs.trial_tables import analysis_outcomes
from calcium_abm.io import atomic_write

__all__ = ["ANALYSES", "MAX_DRAWS", "MAX_SIMULATIONS", "PowerDesign", "plot_power_curve", "power_curve", "power_design",
           "power_files", "power_heading"]

ANALYSES = ("welch", "paired", "ancova")
MAX_SIMULATIONS = 100_000  # simulated trials per sample size (a bound on run time, not a rule)
MAX_PATIENTS_PER_ARM = 100_000
#: largest patients per arm x simulated trials: a size's trials are drawn at once, ~64 bytes per
#: patient draw (100,000 x 100,000 asked numpy for 74.5 GiB and died with a MemoryError)
MAX_DRAWS = 20_000_000
#: largest |effect| (outcome's unit): the simulated outcomes are squared, which overflows near 1e154
MAX_EFFECT = 1e100
MAX_SEED = 2**32 - 1  # the resampling's seed, as `calcium-abm power --seed` takes it


#: Patients per arm below which a pilot is too small to resample (see PowerDesign.pilot_caveat).
SMALL_PILOT_PER_ARM = 10


@dataclass(frozen=True)
class PowerDesign:
    """What a simulated trial resamples and how it is analysed.

    Attributes:
        control: the pilot's control patients, shape (n, 2): outcome, baseline (NaN if none).
        treated: the pilot's treated patients, same layout; for ``"paired"`` row i is the
            same patient as ``control`` row i.
        analysis: ``"welch"``, ``"paired"`` or ``"ancova"``.
        alpha: two-sided significance level of each simulated trial.
        outcome, arm, control_arm: names, for tables and plots.
    """

    control: np.ndarray = field(repr=False)
    treated: np.ndarray = field(repr=False)
    analysis: str = "welch"
    alpha: float = 0.05
    outcome: str = "outcome"
    arm: str = "treated"
    control_arm: str = "control"

    @property
    def pilot_caveat(self) -> str | None:
        """A warning when the outcome has no spread in the pilot, or when the pilot is too small to
        resample (fewer than :data:`SMALL_PILOT_PER_ARM` patients in an arm), else None. Resampling n patients
        reproduces their spread, which underestimates the population's for small n (the
        bootstrap's variance is biased by (n - 1)/n and misses the tails), so the power is optimistic."""
        if np.ptp(self.control[:, 0]) == 0.0 and np.ptp(self.treated[:, 0]) == 0.0:
            return (f"{self.outcome} has no spread in the pilot (every patient of an arm gives the same value): "
                    "no test has a p-value, so every simulated trial counts as not significant (power 0)")
        n = min(len(self.control), len(self.treated))
        if n >= SMALL_PILOT_PER_ARM:
            return None
        return (f"the pilot has only {n} patients in an arm: resampling so few reproduces their spread, not "
                f"the population's, so this power is optimistic; run a pilot of at least "
                f"{SMALL_PILOT_PER_ARM} patients per arm")

    @property
    def pilot_effect(self) -> float:
        """The pilot's effect as the analysis estimates it: the difference of mean outcomes,
        treated minus control, or for ANCOVA that difference adjusted for the baseline (the
        OLS coefficient of the arm, as each simulated trial fits it; an arm whose baseline
        differs from the control's otherwise reads as an effect the trials do not estimate)."""
        difference = float(np.mean(self.treated[:, 0]) - np.mean(self.control[:, 0]))
        both = np.r_[self.control, self.treated]
        if self.analysis != "ancova" or not np.all(np.isfinite(both[:, 1])) or np.ptp(both[:, 1]) == 0.0:
            return difference
        arm = np.r_[np.zeros(len(self.control)), np.ones(len(self.treated))]
        coefficients = np.linalg.lstsq(np.column_stack([np.ones(len(both)), arm, both[:, 1]]), both[:, 0], rcond=None)[0]
        return float(coefficients[1])


def _numeric_columns(per_run: pd.DataFrame, names) -> list[str]:
    """The ``names`` that are numeric (not boolean) columns of ``per_run``, in order, once each."""
    return [c for c in dict.fromkeys(names) if c in per_run and pd.api.types.is_numeric_dtype(per_run[c])
            and not pd.api.types.is_bool_dtype(per_run[c])]


def _outcome_columns(per_run: pd.DataFrame, named: dict[str, str]) -> list[str]:
    """A pilot's outcomes: each recorded column's final value (``<column>_final``), its change
    (``_change``, ``_pct_change``) and the ``[analysis] outcomes`` under their names; not the
    runs' labels (arm, patient, sex, age, ...) nor the baselines."""
    return _numeric_columns(per_run, [*(outcome_name(c, m) for c, m in named.items()),
                                      *(c for c in per_run.columns if c.endswith(("_final", "_change")))])


def power_design(source: str | os.PathLike | StoredBatch | pd.DataFrame, outcome: str, *,
                 arm: str | None = None, control: str | None = None,
                 analysis: Literal["welch", "paired", "ancova"] | None = None, alpha: float = 0.05,
                 baseline: str | None = None, arm_column: str = "arm", pair_column: str = "patient") -> PowerDesign:
    """A :class:`PowerDesign` from a finished pilot cohort.

    Args:
        source: the pilot's batch directory (or opened batch), or its per-run table
            (:func:`~calcium_abm.batch.analysis.run_outcomes`; then give ``control``).
        outcome: the per-run outcome column, e.g. ``"dp_ucmgp_pmol_l_pct_change"``.
        arm: the treated arm (default: the first arm that is not the control, in the batch file's order).
        control: the control arm (default: the batch's control).
        analysis: default ``"paired"`` for a crossover pilot, else ``"welch"``.
        baseline: the covariate column for ANCOVA (default ``<column>_baseline`` of the
            outcome's recorded column).

    Raises:
        UserInputError: an unknown outcome, arm or analysis, or too few patients.
    """
    design_kind, declared, treated_day_0 = None, None, False
    if isinstance(source, pd.DataFrame):
        per_run, outcomes = source, _numeric_columns(source, source.columns)
    else:
        batch = open_batch(source)
        if batch.spec.cohort is None:
            raise UserInputError(f"'{batch.directory}' holds a {batch.spec.kind} batch: power needs a cohort pilot")
        per_run, control, design_kind = run_outcomes(batch), control or batch.spec.control, batch.spec.cohort.design
        outcomes = _outcome_columns(per_run, analysis_outcomes(batch.spec))
        declared, treated_day_0 = [a.name for a in batch.spec.arms], batch.spec.arms_differ_on_day_0
    if outcome not in outcomes:
        what = ("a label of the runs, not an outcome" if outcome in per_run
                else "not a per-run column")
        raise UserInputError(f"outcome '{outcome}' is not allowed: it is {what}; the outcomes are "
                             f"{', '.join(outcomes) or 'none (the pilot recorded no numeric outcome)'}")
    arms = arm_order(per_run[arm_column], declared)  # the batch file's order: the default arm is its first
    if control not in arms:
        raise UserInputError(f"control arm {control!r} is not allowed: the arms are {', '.join(map(str, arms))}")
    arm = arm if arm is not None else next((a for a in arms if a != control), None)
    if arm not in arms or arm == control:
        treated = ", ".join(str(a) for a in arms if a != control)
        if not treated:
            raise UserInputError(f"power needs a treated arm beside the control arm {control!r}: the pilot "
                                 f"has no other arm (its arms: {', '.join(map(str, arms))})")
        what = "is the control arm" if arm == control else "is not an arm of the pilot"
        raise UserInputError(f"arm {arm!r} is not allowed: it {what}; the treated arm must be one of "
                             f"{treated} (the control is {control!r})")
    analysis = analysis or ("paired" if design_kind == "crossover" else "welch")
    if analysis not in ANALYSES:
        raise UserInputError(f"analysis {analysis!r} is not allowed: must be one of {', '.join(ANALYSES)}")
    if analysis == "paired" and design_kind not in (None, "crossover"):
        raise UserInputError(f"paired analysis needs a crossover pilot: '{batch.directory}' is a {design_kind} "
                             "cohort (each patient is in one arm only, so there are no pairs); analyse it with "
                             "welch or ancova, or run the pilot with cohort.design = \"crossover\"")
    if analysis == "ancova" and treated_day_0:  # summarize's ANCOVA adjusts for nothing there
        raise UserInputError("ancova is not allowed for this pilot: it was randomised on day 0, so each arm's baseline "
                             "is already its treatment's and adjusting for it removes the effect; use welch")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.number)) or not 0.0 < alpha < 1.0:
        raise UserInputError(f"alpha {short_repr(alpha, 40)} is not allowed: must be a number between 0 and 1")
    if baseline is None:
        baseline = f"{outcome.removesuffix('_pct_change').removesuffix('_change').removesuffix('_final')}_baseline"
    if analysis == "ancova" and baseline not in per_run:
        raise UserInputError(f"ANCOVA needs the baseline column '{baseline}', which the per-run table lacks")

    def rows(name: str) -> pd.DataFrame:
        part = per_run[per_run[arm_column] == name]
        cov = part[baseline] if baseline in part else pd.Series(np.nan, index=part.index)
        return pd.DataFrame({"y": part[outcome].astype(float), "x": cov.astype(float),
                             "pair": part[pair_column] if pair_column in part else part.index})

    ctrl, trt = rows(control), rows(arm)
    if analysis == "paired":
        both = ctrl.merge(trt, on="pair", suffixes=("_c", "_t")).dropna(subset=["y_c", "y_t"])
        if both.empty and len(ctrl) and len(trt):
            raise UserInputError(f"paired analysis needs the same patients in both arms: no patient ('{pair_column}') "
                                 f"of {arm} is also in {control}; use welch or ancova for a parallel pilot")
        ctrl, trt = both[["y_c", "x_c"]].to_numpy(), both[["y_t", "x_t"]].to_numpy()
    else:
        ctrl, trt = ctrl.dropna(subset=["y"])[["y", "x"]].to_numpy(), trt.dropna(subset=["y"])[["y", "x"]].to_numpy()
    if len(ctrl) < 2 or len(trt) < 2:
        raise UserInputError(f"the pilot has too few patients with '{outcome}' ({len(ctrl)} in {control}, "
                             f"{len(trt)} in {arm}): at least 2 per arm are needed")
    return PowerDesign(ctrl, trt, analysis, float(alpha), outcome, str(arm), str(control))


def repeated_size_problem(shown: str, sizes: Sequence[int]) -> str | None:
    """Why ``sizes`` (shown as ``shown``) is refused when it lists a size twice (the table would
    repeat that row), or None."""
    twice = [n for i, n in enumerate(sizes) if n in sizes[:i]]
    return f"{shown} is not allowed: {twice[0]} is listed twice; give each size once" if twice else None


def draws_problem(sizes_name: str, largest: int, sims_name: str, n_sim: int) -> str:
    """Why ``largest`` patients per arm times ``n_sim`` simulated trials is refused (:data:`MAX_DRAWS`)."""
    return (f"{sizes_name} {largest} with {sims_name} {n_sim} is not allowed: patients per arm x simulated "
            f"trials must be at most {MAX_DRAWS:,} (that size's trials are drawn at once, about 64 bytes a "
            f"patient); use fewer simulated trials for the largest size (at most {MAX_DRAWS // largest:,})")


def _treated_source(design: PowerDesign, effect: float | None) -> np.ndarray:
    """The rows a simulated treated arm draws from: the pilot's treated arm, or the same moved so that its effect
    against control (:attr:`PowerDesign.pilot_effect`, as the analysis estimates it) is ``effect``. Each treated
    patient keeps their own response, so the treated arm keeps its spread: the control arm shifted by ``effect``,
    as a parallel design used until stop 69, dropped it (an MK-7 pilot's dp-ucMGP change has SD 0.2 points in
    placebo and 8 in the MK-7 arm, so power read 1.00 at 3 patients per arm, a trialist's review)."""
    if effect is None:
        return design.treated
    shifted = design.treated.copy()
    shifted[:, 0] += effect - design.pilot_effect  # keep each patient's spread, move the mean difference
    return shifted


def _p_values(design: PowerDesign, control: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """Two-sided p-values of simulated trials; arrays of shape (n_sim, n, 2)."""
    # a small resampled arm may repeat one patient: no spread, p NaN (counted as not significant)
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if design.analysis == "welch":  # no spread in either arm: NaN, as statistics.difference_of_means
            flat = (np.ptp(treated[..., 0], axis=1) == 0.0) & (np.ptp(control[..., 0], axis=1) == 0.0)
            return np.where(flat, np.nan, stats.ttest_ind(treated[..., 0], control[..., 0], axis=1,
                                                          equal_var=False).pvalue)
        if design.analysis == "paired":
            flat = np.ptp(treated[..., 0] - control[..., 0], axis=1) == 0.0
            return np.where(flat, np.nan, stats.ttest_rel(treated[..., 0], control[..., 0], axis=1).pvalue)
    # statsmodels takes ~1.5 s to import; only ANCOVA power needs it
    import statsmodels.api as sm

    n = control.shape[1]
    arm = np.r_[np.zeros(n), np.ones(n)]
    p = np.empty(len(control))
    for i in range(len(control)):
        y = np.r_[control[i, :, 0], treated[i, :, 0]]
        x = np.r_[control[i, :, 1], treated[i, :, 1]]
        columns = [np.ones(2 * n), arm] + ([x] if np.ptp(x) > 0 else [])
        fit = sm.OLS(y, np.column_stack(columns)).fit()
        p[i] = math.nan if no_residual_spread(fit, y) else fit.pvalues[1]  # as Welch's NaN without spread
    return p


def power_curve(design: PowerDesign, effect: float | None, sample_sizes: Sequence[int], n_sim: int,
                seed: int = 0) -> pd.DataFrame:
    """Simulated power at each sample size (patients per arm).

    Args:
        design: the pilot and the analysis (:func:`power_design`).
        effect: the true effect to detect, treated minus control in the outcome's unit;
            None uses the pilot's treated arm as it is.
        sample_sizes: patients per arm, each from 2 to 100,000 (a list, a range or a 1-D integer array).
        n_sim: simulated trials per size, 1 to 100,000.
        seed: seeds the resampling (same seed, same table).

    Returns:
        One row per size: ``outcome``, ``arm``, ``control``, ``n_per_arm``, ``power`` (share with p < alpha)
        and its exact
        (Clopper-Pearson) 95 % interval ``ci_low``/``ci_high``, ``n_sim``, ``effect``,
        ``analysis`` and ``alpha``.

    Raises:
        UserInputError: ``design`` not from :func:`power_design`; a size, ``n_sim``, ``effect`` or
            ``seed`` out of range.
    """
    if not isinstance(design, PowerDesign):  # a pilot's directory given here raised AttributeError from inside
        raise UserInputError(f"design {short_repr(design, 60)} is not allowed: give the design power_design(PILOT_DIR, "
                             "OUTCOME) returns")
    if isinstance(sample_sizes, np.ndarray) and sample_sizes.ndim == 1:  # np.arange(20, 201, 20): its numbers
        sample_sizes = sample_sizes.tolist()
    if isinstance(sample_sizes, (str, bytes)) or not isinstance(sample_sizes, Sequence):
        raise UserInputError(f"sample_sizes {short_repr(sample_sizes, 60)} "
                             "is not allowed: give a list of integers from 2 to "
                             f"{MAX_PATIENTS_PER_ARM} (patients per arm)")
    sizes = list(sample_sizes)
    bad = [n for n in sizes if isinstance(n, bool) or not isinstance(n, (int, np.integer))
           or not 2 <= n <= MAX_PATIENTS_PER_ARM]
    if not sizes or bad:
        raise UserInputError(f"sample_sizes {short_repr(sizes, 80)} is not allowed: give integers from 2 to "
                             f"{MAX_PATIENTS_PER_ARM} (patients per arm)")
    if problem := repeated_size_problem(f"sample_sizes {sizes!r}", sizes):
        raise UserInputError(problem)
    if isinstance(n_sim, bool) or not isinstance(n_sim, (int, np.integer)) or not 1 <= n_sim <= MAX_SIMULATIONS:
        raise UserInputError(f"n_sim {n_sim!r} is not allowed: must be an integer from 1 to {MAX_SIMULATIONS}")
    if max(sizes) * n_sim > MAX_DRAWS:
        raise UserInputError(draws_problem("sample_sizes", max(sizes), "n_sim", n_sim))
    if effect is not None and not (isinstance(effect, (int, float, np.number)) and not isinstance(effect, bool)
                                   and math.isfinite(effect) and abs(effect) <= MAX_EFFECT):
        raise UserInputError(f"effect {effect!r} is not allowed: must be a number between -{MAX_EFFECT:g} and "
                             f"{MAX_EFFECT:g} (the outcome's unit)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_SEED:
        raise UserInputError(f"seed {short_repr(seed, 60)} is not allowed: must be an integer from 0 to {MAX_SEED}")
    rng = np.random.default_rng(seed)
    treated_rows = _treated_source(design, effect)
    rows = []
    for n in sizes:
        if design.analysis == "paired":  # the same patients in both arms
            pick = rng.integers(0, len(design.control), size=(n_sim, n))
            control, treated = design.control[pick], treated_rows[pick]
        else:
            control = design.control[rng.integers(0, len(design.control), size=(n_sim, n))]
            treated = treated_rows[rng.integers(0, len(treated_rows), size=(n_sim, n))]
        p = _p_values(design, control, treated)
        hits = int(np.sum(p < design.alpha))  # NaN (no spread at all) counts as not significant
        interval = stats.binomtest(hits, n_sim).proportion_ci(confidence_level=CONFIDENCE, method="exact")
        rows.append({"outcome": design.outcome, "arm": design.arm, "control": design.control_arm,
                     "n_per_arm": int(n), "power": hits / n_sim, "ci_low": float(interval.low),
                     "ci_high": float(interval.high), "n_sim": int(n_sim),
                     "effect": design.pilot_effect if effect is None else float(effect),
                     "analysis": design.analysis, "alpha": design.alpha})
    return pd.DataFrame(rows)


def power_files(design: PowerDesign) -> tuple[str, str]:
    """The names of a design's table and plot, ``power_<outcome>_<arm>_<analysis>.csv`` and ``.png`` (characters other
    than letters, digits, ``_``, ``.`` and ``-`` read ``-``): a power call for another outcome, arm or analysis
    writes beside the others instead of over them."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"power_{design.outcome}_{design.arm}_{design.analysis}")
    return f"{stem}.csv", f"{stem}.png"


def power_heading(effect: float, design: PowerDesign) -> str:
    """What a power table measured, for its plot and the command's output: the power to detect ``effect``, or for
    an effect of 0 the share of trials that find one where there is none (the false-positive rate; "Power to
    detect 0" read as a power, a fresh user)."""
    what = ("False-positive rate (no effect: the share of trials with p < alpha)" if effect == 0
            else f"Power to detect {effect:.4g}")
    return (f"{what} in {design.outcome} ({design.arm} vs {design.control_arm}, {design.analysis}, "
            f"alpha {design.alpha:g})")


def plot_power_curve(table: pd.DataFrame, path: str | os.PathLike, design: PowerDesign | None = None,
                     target: float = 0.8) -> Path:
    """Draw power against patients per arm (with its 95 % band and the ``target`` line) as a
    PNG at ``path`` (written atomically); return the path."""
    if not isinstance(table, pd.DataFrame) or not {"n_per_arm", "power", "ci_low", "ci_high", "effect"} <= set(
            table.columns):
        raise UserInputError(f"table {short_repr(table, 60)} is not allowed: give the table power_curve returns")
    if design is not None and not isinstance(design, PowerDesign):
        raise UserInputError(f"design {short_repr(design, 60)} is not allowed: give the design power_design returns, "
                             "or None")
    title = "Simulated power" if design is None else power_heading(float(table["effect"].iloc[0]), design)
    fig = power_figure(table, title, target)
    path = Path(path)
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    return path
