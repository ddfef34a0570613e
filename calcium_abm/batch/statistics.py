"""The statistics of batches and validation: t-intervals, trial effects, relative risks,
ANCOVA and the baseline table ("Table 1").

Every test and interval comes from ``scipy.stats`` (Welch: ``ttest_ind(equal_var=False)``;
paired: ``ttest_rel``; the t-interval of a mean: ``t.interval``; relative risk with
Katz's log interval: ``contingency.relative_risk``) or ``statsmodels`` (ANCOVA by
ordinary least squares), so nothing here re-derives a formula. A pure module: it takes
per-run DataFrames and numbers, never files.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats.contingency import relative_risk

from calcium_abm.batch.columns import has_pairs, refuse_unknown_control, refuse_what_no_effect_reads
from calcium_abm.errors import UserInputError
from calcium_abm.inputs.messages import short_repr

__all__ = ["CONFIDENCE", "ancova_effects", "arm_order", "baseline_table", "difference_of_means", "group_shares",
           "group_statistics", "mean_ci", "relative_risks", "risk_ratio", "share_ci", "tertiles", "trial_effects"]

CONFIDENCE = 0.95  # two-sided confidence level of every interval (convention)
ROUND_OFF = 1e3 * float(np.finfo(float).eps)  # a relative spread of round-off is none (t-test: p = 0, point CI)

def check_confidence(confidence: Any) -> None:
    """Refuse a level scipy would fail on (2), or take into NaN or zero-width intervals (nan, 0)."""
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.number)) or not 0 < confidence < 1:
        raise UserInputError(f"confidence = {short_repr(confidence, 40)} "
                             "is not allowed: must be a number between 0 and 1 "
                             "(exclusive), e.g. 0.95")


def mean_ci(values: Any, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Mean, SD and the Student-t interval of the mean of ``values`` (NaN and inf dropped).

    The one t-interval helper of the package (batch summaries and validation criteria).

    Args:
        values: numbers (any array-like; shape (n,)).
        confidence: two-sided level in (0, 1).

    Returns:
        ``{"n", "mean", "sd", "ci_low", "ci_high"}``; fewer than two values give NaN SD and
        interval; identical values give a zero-width interval.

    Raises:
        UserInputError: ``values`` are not numbers, or ``confidence`` is outside (0, 1).
    """
    check_confidence(confidence)
    try:
        x = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise UserInputError(f"values {short_repr(values, 60)} "
                             "are not allowed: must be numbers (an array-like of floats)") from None
    x = x[np.isfinite(x)]
    n = len(x)
    mean = float(x.mean()) if n else math.nan
    if n < 2:
        return {"n": n, "mean": mean, "sd": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        return {"n": n, "mean": mean, "sd": 0.0, "ci_low": mean, "ci_high": mean}
    low, high = stats.t.interval(confidence, n - 1, loc=mean, scale=sd / math.sqrt(n))
    return {"n": n, "mean": mean, "sd": sd, "ci_low": float(low), "ci_high": float(high)}


def arm_order(values: Any, arms: Sequence[str] | None = None) -> list:
    """The arms present in ``values`` (a column of arm names) in the order of ``arms`` (the batch
    file's), then any arm not in ``arms`` in order of appearance. Arms are never sorted as text:
    a report lists them as the file declares them (placebo, mk7_90, mk7_180)."""
    present = list(pd.unique(pd.Series(values)))
    declared = [a for a in dict.fromkeys([] if arms is None else list(arms)) if a in present]  # a numpy array too
    return declared + [a for a in present if a not in declared]


def require_columns(per_run: pd.DataFrame, **named: Any) -> None:
    """Refuse a column name (``outcomes=[...]``, ``arm_column="arm"``, ...) that ``per_run`` lacks, naming
    the argument, the name and the table's columns (pandas' KeyError named the column only), and a
    ``per_run`` that is not a table (a batch directory's path: ``run_outcomes(DIR)`` makes the table)."""
    if not isinstance(per_run, pd.DataFrame):
        raise UserInputError(f"per_run = {short_repr(per_run, 60)} is not allowed: give the per-run table, a "
                             "pandas DataFrame (run_outcomes(DIR) makes it from a batch directory)")
    for argument, value in named.items():
        if isinstance(value, (str, bytes)) and argument in ("outcomes", "by"):  # read letter by letter
            raise UserInputError(f"{argument} = {short_repr(value, 60)} is not allowed: give a list of column names")
        for name in [value] if isinstance(value, str) else value:
            if name not in per_run.columns:
                what = {"outcomes": "outcome"}.get(argument, argument)
                columns = ", ".join(map(str, per_run.columns[:20]))
                raise UserInputError(f"{what} {short_repr(name, 60)} "
                                     f"is not a column of the table (its columns: {columns}"
                                     f"{', ...' if len(per_run.columns) > 20 else ''})")


def group_statistics(per_run: pd.DataFrame, by: list[str], outcomes: list[str], arms: Sequence[str] | None = None,
                     arm_column: str = "arm") -> pd.DataFrame:
    """Mean and 95 % CI of each outcome per group (e.g. per arm, per parameter point).

    Groups come sorted by the ``by`` values, except arms: with ``arms`` (the batch file's order) the
    ``arm_column`` groups follow :func:`arm_order`. Returns one row per group and outcome: the ``by``
    columns, ``outcome`` and the keys of :func:`mean_ci`.
    """
    require_columns(per_run, by=by, outcomes=outcomes)
    rows = []
    groups = per_run.groupby(by, sort=True, dropna=False) if by else [((), per_run)]
    for key, frame in groups:
        key = key if isinstance(key, tuple) else (key,)
        for outcome in outcomes:
            rows.append({**dict(zip(by, key)), "outcome": outcome, **mean_ci(frame[outcome])})
    table = pd.DataFrame(rows)
    if arms is not None and arm_column in by and not table.empty:
        rank = {a: i for i, a in enumerate(arm_order(per_run[arm_column], arms))}
        table = table.sort_values(arm_column, key=lambda c: c.map(rank), kind="stable").reset_index(drop=True)
    return table


def difference_of_means(treated: Any, control: Any, *, paired: bool = False,
                        confidence: float = CONFIDENCE) -> dict[str, float]:
    """``mean(treated) - mean(control)`` with its t-interval and two-sided p-value.

    Args:
        treated, control: outcome values, shape (n_treated,) and (n_control,); NaNs are
            dropped (pairwise when ``paired``).
        paired: the paired t-test of the differences (``scipy.stats.ttest_rel``; the two arrays are the same
            subjects in the same order); otherwise Welch's test (``scipy.stats.ttest_ind(equal_var=False)``).
        confidence: two-sided level of the interval.

    Returns:
        ``{"difference", "ci_low", "ci_high", "p_value", "n_arm", "n_control"}``. Fewer than two values in a group
        give a NaN interval and p-value; no spread (or one of round-off, :data:`ROUND_OFF` of the values) gives a
        zero-width interval and a NaN p-value.
    """
    check_confidence(confidence)
    a, b = np.asarray(treated, dtype=float).ravel(), np.asarray(control, dtype=float).ravel()
    if paired:
        if a.shape != b.shape:
            raise UserInputError(f"paired difference needs arrays of one length, got {a.shape} and {b.shape}")
        keep = np.isfinite(a) & np.isfinite(b)
        a, b = a[keep], b[keep]
    else:
        a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    out = {"difference": float(a.mean() - b.mean()) if len(a) and len(b) else math.nan,
           "ci_low": math.nan, "ci_high": math.nan, "p_value": math.nan, "n_arm": len(a), "n_control": len(b)}
    if len(a) < 2 or len(b) < 2:
        return out
    spread = np.std(a - b, ddof=1) if paired else max(np.std(a, ddof=1), np.std(b, ddof=1))
    if spread <= ROUND_OFF * max(float(np.max(np.abs(np.concatenate([a, b])))), 1e-300):  # round-off is no spread
        out.update(ci_low=out["difference"], ci_high=out["difference"])
        return out
    result = stats.ttest_rel(a, b) if paired else stats.ttest_ind(a, b, equal_var=False)
    interval = result.confidence_interval(confidence)
    out.update(ci_low=float(interval.low), ci_high=float(interval.high), p_value=float(result.pvalue))
    return out


def trial_effects(per_run: pd.DataFrame, outcomes: list[str], control: str, design: str | None = None,
                  arm_column: str = "arm", pair_column: str = "patient",
                  arms: Sequence[str] | None = None) -> pd.DataFrame:
    """Each arm's effect versus ``control``: difference of means with a 95 % CI and p-value.

    ``design="parallel"``: Welch's t-test (unequal variances). ``"crossover"``: the paired t-test of the
    per-patient differences (same patient, same seed in every arm). ``None``: the design the runs show,
    crossover where a patient (``pair_column``) has runs in more than one arm (a fresh user's three-argument
    call analysed a crossover batch as parallel groups). Arms come in :func:`arm_order` (``arms``: the file's order).

    A run without a value (NaN) is left out; ``n_arm`` / ``n_control`` count the runs used. Raises UserInputError:
    ``control`` has no finished runs, ``design`` is none of the three, a column argument names a column ``per_run``
    lacks, or the table could only be empty or silent (:func:`.columns.refuse_what_no_effect_reads`).
    """
    if design is not None and design not in ("parallel", "crossover"):  # anything else was analysed as parallel
        raise UserInputError(f"design = {short_repr(design, 60)} is not allowed: must be 'parallel' or 'crossover'")
    require_columns(per_run, outcomes=outcomes, arm_column=arm_column)
    paired = has_pairs(per_run, arm_column, pair_column)
    design = design or ("crossover" if paired else "parallel")
    require_columns(per_run, **({"pair_column": pair_column} if design == "crossover" else {}))
    refuse_unknown_control(per_run, control, arm_column)
    refuse_what_no_effect_reads(per_run, outcomes, control, design, paired, arm_column, pair_column, arms)
    rows = []
    ctrl = per_run[per_run[arm_column] == control]
    for arm in [a for a in arm_order(per_run[arm_column], arms) if a != control]:
        treated = per_run[per_run[arm_column] == arm]
        for outcome in outcomes:
            if design == "crossover":
                both = pd.concat([treated.set_index(pair_column)[outcome].rename("arm"),
                                  ctrl.set_index(pair_column)[outcome].rename("control")], axis=1, join="inner")
                effect = difference_of_means(both["arm"], both["control"], paired=True)
            else:
                effect = difference_of_means(treated[outcome], ctrl[outcome])
            rows.append({"arm": arm, "control": control, "outcome": outcome, "n_arm": effect["n_arm"],
                         "n_control": effect["n_control"], "arm_mean": float(treated[outcome].mean()),
                         "control_mean": float(ctrl[outcome].mean()),
                         **{k: effect[k] for k in ("difference", "ci_low", "ci_high", "p_value")}})
    return pd.DataFrame(rows)


def risk_ratio(events: int, n: int, reference_events: int, reference_n: int,
               confidence: float = CONFIDENCE) -> dict[str, Any]:
    """Risk ``events/n`` relative to ``reference_events/reference_n``, Katz's log interval.

    ``scipy.stats.contingency.relative_risk``; with a zero cell it follows R epitools: no events in the group
    gives RR 0 with an open (NaN) upper bound, none in the reference RR inf with a NaN lower bound, none in
    either NaN (``zero_cell`` is then True).
    """
    if n == 0 or reference_n == 0:
        return {"relative_risk": math.nan, "ci_low": math.nan, "ci_high": math.nan, "zero_cell": True}
    result = relative_risk(int(events), int(n), int(reference_events), int(reference_n))
    interval = result.confidence_interval(confidence)
    return {"relative_risk": float(result.relative_risk) if events or reference_events else math.nan,
            "ci_low": float(interval.low), "ci_high": float(interval.high),
            "zero_cell": events == 0 or reference_events == 0}


#: The tertiles' labels, lowest first.
TERTILES = ("T1 (lowest)", "T2", "T3 (highest)")


def tertiles(per_run: pd.DataFrame, column: str, patient_column: str = "patient") -> pd.Series:
    """Each run's tertile (:data:`TERTILES`) of ``column``, a baseline value of its patient.

    The cut points are the whole randomised cohort's at baseline, every arm together and each patient counted
    once: arms are compared on the same strata, and a crossover patient is in one tertile in every arm. Patients
    are ranked by value (ties in patient order), so the tertiles hold equal numbers of patients (to within one).
    Without ``patient_column`` each run counts as a patient."""
    require_columns(per_run, column=column)
    by_patient = patient_column in per_run
    values = per_run.drop_duplicates(patient_column).set_index(patient_column)[column] if by_patient else per_run[column]
    cut = (pd.qcut(values.rank(method="first"), 3, labels=list(TERTILES)).astype(str) if len(values) > 1
           else pd.Series(TERTILES[0], index=values.index))  # one patient (a batch stopped early): no cut points
    return per_run[patient_column].map(cut) if by_patient else cut


def relative_risks(per_run: pd.DataFrame, event: str, tertiles_of: str | None, control: str | None = None,
                   arm_column: str = "arm", arms: Sequence[str] | None = None,
                   excluded: str | None = None) -> pd.DataFrame:
    """Risk of ``event`` (a boolean column) by tertile of ``tertiles_of`` within each arm.

    The tertiles' cut points are the whole randomised cohort's baseline values, shared by all
    arms, each patient counted once (:func:`tertiles`); each tertile's relative risk is versus
    the lowest tertile of the same arm. With ``control`` a row per arm (tertile "all"; the control's first, RR 1
    with no interval) gives the arm's risk versus the control arm. Arms come in :func:`arm_order` (``arms``: the batch
    file's order). ``excluded``: a boolean column of runs left out of every risk (already above the
    threshold on day 0, so no incident event is possible); each row counts its group's in ``excluded``.
    """
    require_columns(per_run, event=event, **({"tertiles_of": tertiles_of} if tertiles_of is not None else {}),
                    **({"excluded": excluded} if excluded is not None else {}))
    frame = per_run.copy()
    left_out = frame[excluded].eq(True) if excluded is not None else None
    if left_out is not None:  # not an event and not in the denominator, even if the event column says one
        frame[event] = frame[event].astype(object).where(~left_out, None)

    def counted_out(part: pd.DataFrame) -> dict[str, int]:  # the group's runs left out, before the NaN filter
        return {} if left_out is None else {"excluded": int(left_out.loc[part.index].sum())}

    if arm_column not in frame:
        frame[arm_column] = "all"
    rows = []
    order = arm_order(frame[arm_column], arms)
    if tertiles_of is not None:
        frame["tertile"] = tertiles(frame, tertiles_of)  # the whole cohort's cut points
    whole = frame
    frame = frame[frame[event].notna()]  # no value of the event's column (NaN): neither an event nor none
    if tertiles_of is not None:
        for arm in order:
            arm_frame = frame[frame[arm_column] == arm]
            ref = arm_frame[arm_frame["tertile"] == TERTILES[0]]
            groups = whole[whole[arm_column] == arm].groupby("tertile", sort=True)
            for tertile, part in ((t, arm_frame[arm_frame["tertile"] == t]) for t, _ in groups):
                a, n1 = int(part[event].sum()), len(part)
                versus = risk_ratio(a, n1, int(ref[event].sum()), len(ref))
                if tertile == TERTILES[0]:  # the reference itself: RR 1 by definition, no interval
                    versus.update(ci_low=math.nan, ci_high=math.nan)
                rows.append({"arm": arm, "tertile": tertile, f"{tertiles_of}_min": part[tertiles_of].min(),
                             f"{tertiles_of}_max": part[tertiles_of].max(), "n": n1, "events": a,
                             **counted_out(groups.get_group(tertile)), "risk": a / n1 if n1 else math.nan,
                             "reference": f"{TERTILES[0]}, same arm", **versus})
    if control is not None:  # the control's own row first (RR 1, no interval), so a reader can check each ratio
        ctrl = frame[frame[arm_column] == control]
        for arm in [control, *(a for a in order if a != control)]:
            part = frame[frame[arm_column] == arm]
            a, n1 = int(part[event].sum()), len(part)
            versus = risk_ratio(a, n1, int(ctrl[event].sum()), len(ctrl))
            rows.append({"arm": arm, "tertile": "all", "n": n1, "events": a, **counted_out(whole[whole[arm_column] == arm]),
                         "risk": a / n1 if n1 else math.nan, "reference": f"arm {control}", **versus, **(
                             {"ci_low": math.nan, "ci_high": math.nan} if arm == control else {})})
    return pd.DataFrame(rows)


def share_ci(events: int, n: int, confidence: float = CONFIDENCE) -> dict[str, float]:
    """The share ``events / n`` with its exact (Clopper-Pearson) interval (``scipy.stats.binomtest``), as ``power``
    gives its power: a t-interval of a 0/1 variable read [1, 1] for 3 events in 3 runs; NaN for ``n`` = 0."""
    check_confidence(confidence)
    if n == 0:
        return {"n": 0, "events": 0, "share": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    interval = stats.binomtest(int(events), int(n)).proportion_ci(confidence_level=confidence, method="exact")
    return {"n": int(n), "events": int(events), "share": events / n, "ci_low": float(interval.low),
            "ci_high": float(interval.high)}


def group_shares(per_run: pd.DataFrame, by: list[str], event: str, excluded: str | None = None) -> pd.DataFrame:
    """The share of runs with ``event`` (a boolean column; None/NaN: neither) per group, sorted by the ``by``
    values, with its exact interval (:func:`share_ci`); ``excluded``: a boolean column of runs left out of the
    share, counted per group (``excluded``)."""
    require_columns(per_run, by=by, event=event, **({"excluded": excluded} if excluded is not None else {}))
    rows = []
    for key, frame in per_run.groupby(by, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        out = frame[excluded].eq(True) if excluded is not None else pd.Series(False, frame.index)
        known = frame.loc[~out, event].dropna().astype(bool)
        rows.append({**dict(zip(by, key)), "outcome": event, **share_ci(int(known.sum()), len(known)),
                     **({"excluded": int(out.sum())} if excluded is not None else {})})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------ trials


_UNADJUSTED = {"same": "nothing (the baseline is the same in every run, or within every arm)",
               "flow": "nothing (the outcome has no baseline value: a day's flow is not measured on day 0)",
               "few": "nothing (too few finished runs to adjust for the baseline)",
               "treated": "nothing (randomised on day 0: each arm's day-0 value is already its treatment's)"}


def no_residual_spread(fit, y: Any) -> bool:
    """True when an OLS ``fit`` of outcomes ``y`` leaves no residual spread beyond round-off (every
    run of an arm has the same outcome, or the model fits them exactly): its p-values are then
    round-off, not evidence, and are reported as NaN, as :func:`difference_of_means` does."""
    # round-off in the residual sum of squares scales with sum(y**2): (1000 eps)**2 of it is still
    # round-off, while a real spread of 1 beside an effect of 1e11 is not (1e-20 called it none)
    return float(fit.ssr) <= ROUND_OFF ** 2 * max(float(np.sum(np.square(np.asarray(y, dtype=float)))), 1e-300)


def ancova_effects(per_run: pd.DataFrame, outcomes: Sequence[tuple[str, str]], control: str,
                   arm_column: str = "arm", confidence: float = CONFIDENCE,
                   arms: Sequence[str] | None = None, treated_baseline: bool = False) -> pd.DataFrame:
    """Each arm's effect versus ``control`` by ANCOVA: ``outcome ~ arm + baseline`` (OLS).

    The analysis trials pre-specify for a change from baseline: the treatment effect
    adjusted for the baseline value of the same measurement, which removes the chance
    imbalance at baseline and narrows the interval (``statsmodels`` OLS, treatment coding
    with ``control`` as reference, one model over all arms).

    Args:
        per_run: one row per run (:func:`~calcium_abm.batch.analysis.run_outcomes`).
        outcomes: ``(outcome column, baseline column)`` pairs, e.g.
            ``("dp_ucmgp_pmol_l_change", "dp_ucmgp_pmol_l_baseline")``.
        control: the reference arm.
        arms: the arms' order in the table (the batch file's; see :func:`arm_order`).
        treated_baseline: the arms differ from day 0 on (``randomisation_day = 0``): no adjustment.

    Returns:
        One row per arm and outcome: ``difference`` (adjusted), ``ci_low``, ``ci_high``,
        ``p_value``, ``n`` (runs in the model) and ``adjusted_for`` (the baseline column, or
        "nothing ..." when the baseline has no spread or the arm alone determines it).

    Raises:
        UserInputError: ``control`` has no finished runs.
    """
    check_confidence(confidence)
    # statsmodels takes ~1.5 s to import; only trials with an ANCOVA pay for it
    import statsmodels.api as sm

    require_columns(per_run, arm_column=arm_column, outcomes=[outcome for outcome, _ in outcomes])
    refuse_unknown_control(per_run, control, arm_column)
    arms = [a for a in arm_order(per_run[arm_column], arms) if a != control]
    rows = []
    for outcome, baseline in outcomes:
        # a day's flow (mg/day) has no day-0 value: such an outcome is analysed unadjusted
        unmeasured = treated_baseline or baseline not in per_run or per_run[baseline].isna().all()
        data = per_run[[arm_column, outcome] + ([] if unmeasured else [baseline])].dropna()
        present = set(data[arm_column])  # an outcome NaN in every run of an arm (ucoc_fraction without osteocalcin)
        fitted = [a for a in arms if a in present] if control in present else []
        if not fitted:
            rows += [{"arm": a, "control": control, "outcome": outcome, "n": len(data), "difference": math.nan,
                      "ci_low": math.nan, "ci_high": math.nan, "p_value": math.nan,
                      "adjusted_for": _no_values(outcome, [x for x in (control, *arms) if x not in present])}
                     for a in arms]
            continue
        design = pd.DataFrame({f"arm={a}": (data[arm_column] == a).astype(float) for a in fitted}, index=data.index)
        design = sm.add_constant(design, has_constant="add")
        note = _UNADJUSTED["treated" if treated_baseline else "flow"] if unmeasured else baseline
        if not unmeasured:
            adjusted = design.assign(**{baseline: data[baseline].astype(float)})
            # a baseline without spread, or one the arm alone determines (arms that start from
            # different states), cannot be adjusted for: the model then compares plain means;
            # nor can it be when the runs leave no residual degree of freedom to estimate it
            if len(data) <= adjusted.shape[1]:
                note = _UNADJUSTED["few"]
            elif np.linalg.matrix_rank(adjusted.to_numpy()) < adjusted.shape[1]:
                note = _UNADJUSTED["same"]
            else:
                design = adjusted
        with warnings.catch_warnings():  # one run per arm (a stopped batch): no residual variance
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = sm.OLS(data[outcome].astype(float), design).fit()
            interval, p_values = fit.conf_int(alpha=1 - confidence), fit.pvalues
        if fit.df_resid < 1:
            note += "; no CI or p-value: one run per arm (too few finished runs)"
        flat = fit.df_resid >= 1 and no_residual_spread(fit, data[outcome])
        if flat:
            note += "; no p-value: no spread within the arms (every run of an arm gives the same outcome)"
        for a in arms:
            if a not in fitted:
                rows.append({"arm": a, "control": control, "outcome": outcome, "n": int(fit.nobs),
                             "difference": math.nan, "ci_low": math.nan, "ci_high": math.nan, "p_value": math.nan,
                             "adjusted_for": _no_values(outcome, [a])})
                continue
            term = f"arm={a}"
            difference = float(fit.params[term])
            low, high = (difference, difference) if flat else (float(interval.loc[term, 0]),
                                                                float(interval.loc[term, 1]))
            rows.append({"arm": a, "control": control, "outcome": outcome, "n": int(fit.nobs),
                         "difference": difference, "ci_low": low, "ci_high": high,
                         "p_value": math.nan if flat else float(p_values[term]), "adjusted_for": note})
    return pd.DataFrame(rows)


def _no_values(outcome: str, arms: list[str]) -> str:
    """The ANCOVA's note for arms none of whose runs has a value of ``outcome`` (NaN in every run)."""
    return (f"nothing: no run of arm {', '.join(arms)} has a value of {outcome} (NaN in every run, e.g. a marker of a "
            "knocked-out protein), so there is no effect to estimate")


#: Characteristics that apply to a subgroup only: column -> (the column that selects it,
#: its value, the subgroup's name). Table 1 describes them within that subgroup.
SUBGROUP_CHARACTERISTICS = {"postmenopausal": ("sex", "female", "women"),
                            "years_since_menopause": ("postmenopausal", True, "postmenopausal women")}


#: the most significant digits a float carries (``repr`` gives 17)
MAX_DIGITS = 17


def _significant(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits as a table reader expects, without an exponent below a
    million (an intake of 1140 mg/day is ``1140``, not ``1.14e+03``)."""
    text = f"{x:.{digits}g}"
    return f"{float(text):.0f}" if "e+" in text and abs(x) < 1e6 else text


def baseline_table(per_run: pd.DataFrame, characteristics: Sequence[str], arm_column: str = "arm",
                   digits: int = 3, arms: Sequence[str] | None = None) -> pd.DataFrame:
    """"Table 1": each arm's baseline characteristics, as trials report them.

    Numbers (floats) as ``mean (SD)``; text, booleans and integers (sex, postmenopausal,
    CKD stage) as ``count (percent)`` per level. A characteristic of a subgroup
    (:data:`SUBGROUP_CHARACTERISTICS`: menopause among women) is described within it, and
    its row says so (``postmenopausal = True (women)``, ``n (% of women)``).

    Args:
        per_run: one row per run with ``arm_column`` and the characteristics (drawn patient
            values and the day-0 value of recorded columns, ``<column>_baseline``).
        characteristics: the columns to describe, in order (missing ones, or ones without a value, are
            skipped).
        digits: significant digits of the means and SDs, an integer from 1 to :data:`MAX_DIGITS`.
        arms: the arms' order (the batch file's); arms not in it follow in order of appearance.

    Returns:
        A wide table: ``characteristic``, ``statistic`` and one text column per arm (in
        ``arms`` order, else order of appearance); the first row holds each arm's number of runs.
    """
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or not 1 <= digits <= MAX_DIGITS:
        raise UserInputError(f"digits = {short_repr(digits, 40)} "
                             f"is not allowed: must be an integer from 1 to {MAX_DIGITS} "
                             "(significant digits)")
    require_columns(per_run, arm_column=arm_column)
    arms = arm_order(per_run[arm_column], arms)
    groups = {a: per_run[per_run[arm_column] == a] for a in arms}
    rows = [{"characteristic": "runs", "statistic": "n", **{a: str(len(g)) for a, g in groups.items()}}]
    for name in characteristics:
        if name not in per_run or per_run[name].isna().all():  # e.g. a day's flow on day 0
            continue
        column, within, among, of = per_run[name], groups, "", ""
        if name in SUBGROUP_CHARACTERISTICS and SUBGROUP_CHARACTERISTICS[name][0] in per_run:
            by, value, who = SUBGROUP_CHARACTERISTICS[name]
            within = {a: g[g[by] == value] for a, g in groups.items()}
            column, among, of = column[per_run[by] == value], f" ({who})", f" of {who}"
        if pd.api.types.is_float_dtype(column):
            def describe(part: pd.Series) -> str:
                ci = mean_ci(part)
                spread = _significant(ci["sd"], digits) if ci["n"] > 1 else "n = 1"  # one run has no SD
                return f"{_significant(ci['mean'], digits)} ({spread})" if ci["n"] else ""

            rows.append({"characteristic": name + among, "statistic": "mean (SD)",
                         **{a: describe(g[name]) for a, g in within.items()}})
            continue
        for level in sorted(pd.unique(column.dropna()), key=str):
            cells = {}
            for a, g in within.items():
                count = int((g[name] == level).sum())
                cells[a] = f"{count} ({100.0 * count / len(g):.0f} %)" if len(g) else ""
            rows.append({"characteristic": f"{name} = {level}{among}", "statistic": f"n (%{of})", **cells})
    return pd.DataFrame(rows, columns=["characteristic", "statistic", *arms])
