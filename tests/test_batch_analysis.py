"""Batch statistics against hand-computed values on tiny hand-made datasets."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calcium_abm.batch import (ancova_effects, baseline_table, group_statistics, load_batch, mean_ci, relative_risks,
                               run_outcomes, trial_effects)
from calcium_abm.batch.analysis import to_markdown
from calcium_abm.errors import UserInputError

T_975_DF2 = 4.302652729911275  # Student t quantile, 2 degrees of freedom (tables)


def test_mean_ci_is_the_t_interval():
    ci = mean_ci([1.0, 2.0, 6.0])  # mean 3, sd sqrt(7)
    assert ci["n"] == 3 and ci["mean"] == pytest.approx(3.0) and ci["sd"] == pytest.approx(math.sqrt(7))
    half = T_975_DF2 * math.sqrt(7) / math.sqrt(3)
    assert ci["ci_low"] == pytest.approx(3 - half) and ci["ci_high"] == pytest.approx(3 + half)
    assert math.isnan(mean_ci([5.0])["ci_low"]) and mean_ci([2.0, 2.0])["ci_high"] == 2.0
    assert mean_ci([1.0, np.nan, 3.0])["n"] == 2


def spec():
    return load_batch({"scenario": "healthy_adult",
                       "cohort": {"patients": 4, "distributions": {"mk7_ug_per_day":
                                                                   {"distribution": "uniform", "min": 0, "max": 9}}},
                       "arms": [{"name": "placebo"}, {"name": "mk7", "set": {"mk7_ug_per_day": 180}}],
                       "analysis": {"outcomes": {"bmd_change_pct": "final", "dp_ucmgp_pmol_l": "pct_change",
                                                 "calcification_score": "change"},
                                    "severe_calcification": {"column": "calcification_score", "above": 100},
                                    "tertiles_of": "mk7_ug_per_day"}})


def daily_dataset() -> pd.DataFrame:
    """Two runs, three recorded days each, written out by hand."""
    rows = []
    for run, arm, patient, bmd, ucmgp, score in [
        (0, "placebo", 0, [0.0, -1.0, -2.0], [400.0, 420.0, 500.0], [1.0, 50.0, 150.0]),
        (1, "mk7", 1, [0.0, 0.5, 1.0], [300.0, 250.0, 150.0], [2.0, 3.0, 4.0]),
    ]:
        for day in range(3):
            rows.append({"run_index": run, "run_id": f"r{run}", "seed": 1, "arm": arm, "patient": patient,
                         "mk7_ug_per_day": 5.0, "day": day * 10, "years": day * 10 / 365,
                         "bmd_change_pct": bmd[day], "dp_ucmgp_pmol_l": ucmgp[day], "calcification_score": score[day]})
    return pd.DataFrame(rows).sample(frac=1, random_state=3)  # order must not matter


def test_run_outcomes_from_first_and_last_recorded_day():
    per_run = run_outcomes(daily_dataset(), spec(), output="daily")
    assert list(per_run["arm"]) == ["placebo", "mk7"]
    assert list(per_run["bmd_change_pct"]) == [-2.0, 1.0]
    assert list(per_run["dp_ucmgp_pmol_l_pct_change"]) == pytest.approx([25.0, -50.0])
    assert list(per_run["calcification_score_change"]) == [149.0, 2.0]
    assert list(per_run["severe_calcification"]) == [True, False]  # final score > 100


def test_runs_that_left_physiology_are_flagged_and_named_in_the_report():
    """A fresh user's cohort at 16 x 16 had runs down to a serum calcium of 1.0 mmol/L: `batch` printed their
    warnings, but `summarize`, which docs/batch.md says warns naming each, counted them silently. per_run now
    flags them (left_physiology) and the report names each, with its warning."""
    from calcium_abm.batch.analysis import report_markdown
    from calcium_abm.batch.run_notes import MAX_WARNED_RUNS_LISTED, physiology_lines

    results = daily_dataset()
    results.attrs = {"physiology_warnings": {"r1": ["the run left physiology on day 20: serum_calcium_mmol_l = 1.42"]}}
    per_run = run_outcomes(results, spec(), output="daily")
    assert list(per_run["left_physiology"]) == [False, True]
    lines = physiology_lines(results.attrs["physiology_warnings"], len(per_run))
    assert lines[0].startswith("**Runs that left physiology.** 1 of 2 finished runs left the physiological range")
    assert "- run r1: the run left physiology on day 20: serum_calcium_mmol_l = 1.42" in lines
    assert physiology_lines({}, 2) == []
    many = physiology_lines({f"r{i:02d}": ["w"] for i in range(MAX_WARNED_RUNS_LISTED + 3)}, 20)
    assert sum(line.startswith("- run ") for line in many) == MAX_WARNED_RUNS_LISTED and "- and 3 more" in many[-2]
    manifest = {"runs": [{}, {}], "package_version": "x", "created": "today"}
    text = report_markdown(spec(), manifest, {"per_run": per_run}, [], None, results.attrs)
    assert "- run r1: the run left physiology on day 20" in text


def test_the_report_notes_percent_changes_without_a_baseline_and_unmeasurable_scores():
    """A fresh user's pct_change of a score starting at 0 gave rows of n = 0 with no word why, and a dose sweep's
    score differences of 1e-5 AU read as highly significant: the report now says both."""
    from calcium_abm.batch.analysis import outcome_notes
    from calcium_abm.batch.run_notes import NO_MEASUREMENT_ERROR

    results = daily_dataset()
    results.loc[results["run_index"] == 0, "dp_ucmgp_pmol_l"] = 0.0  # run 0 starts (and stays) at 0
    results["calcification_score"] = results["calcification_score"] * 1e-5  # both runs below 1 AU
    notes = outcome_notes(spec(), run_outcomes(results, spec(), output="daily"))
    assert notes[2] == f"- {NO_MEASUREMENT_ERROR}"  # a cohort's p-values: no assay error (a trialist, stop 69)
    assert ("- dp_ucmgp_pmol_l_pct_change: 1 of 2 runs start at 0, where a percent change has no value; they are "
            "left out of its n") in notes[3]
    assert notes[4].startswith("- calcification_score_change: every run's score is below 1 Agatston unit")
    only = ["**Notes on the outcomes.**", "", f"- {NO_MEASUREMENT_ERROR}", ""]
    assert outcome_notes(spec(), run_outcomes(daily_dataset(), spec(), output="daily")) == only  # 150 AU, no zero
    small_changes = daily_dataset()  # scores of 100 AU that change by under 1 AU: measurable scores, no note
    small_changes["calcification_score"] = 100.0 + small_changes["calcification_score"] * 1e-3
    assert outcome_notes(spec(), run_outcomes(small_changes, spec(), output="daily")) == only


def per_run_table() -> pd.DataFrame:
    return pd.DataFrame({"arm": ["placebo"] * 3 + ["mk7"] * 3, "patient": [0, 1, 2, 0, 1, 2],
                         "y": [1.0, 2.0, 6.0, 2.0, 4.0, 9.0]})


def test_group_statistics_per_arm():
    table = group_statistics(per_run_table(), ["arm"], ["y"]).set_index("arm")
    assert table.loc["placebo", "mean"] == pytest.approx(3.0) and table.loc["mk7", "mean"] == pytest.approx(5.0)
    assert table.loc["mk7", "sd"] == pytest.approx(math.sqrt(13.0))


def test_parallel_effect_is_welch():
    eff = trial_effects(per_run_table(), ["y"], "placebo", "parallel").iloc[0]
    # Welch by hand: var 7 and 13, n 3 each -> se^2 = 20/3; df = (20/3)^2 / ((7/3)^2/2 + (13/3)^2/2)
    se = math.sqrt(20 / 3)
    df = (20 / 3) ** 2 / ((7 / 3) ** 2 / 2 + (13 / 3) ** 2 / 2)
    half = stats.t.ppf(0.975, df) * se
    assert eff["difference"] == pytest.approx(2.0)
    assert eff["ci_low"] == pytest.approx(2 - half) and eff["ci_high"] == pytest.approx(2 + half)
    assert eff["p_value"] == pytest.approx(stats.ttest_ind([2, 4, 9], [1, 2, 6], equal_var=False).pvalue)


def test_crossover_effect_is_paired():
    eff = trial_effects(per_run_table(), ["y"], "placebo", "crossover").iloc[0]
    # per-patient differences 1, 2, 3: mean 2, sd 1
    half = T_975_DF2 * 1 / math.sqrt(3)
    assert eff["difference"] == pytest.approx(2.0)
    assert eff["ci_low"] == pytest.approx(2 - half) and eff["ci_high"] == pytest.approx(2 + half)
    assert eff["n_arm"] == 3


def test_the_default_design_is_the_one_the_runs_show():
    """A fresh user called trial_effects(per_run, outcomes, control) on a crossover batch's runs and got Welch's
    test: each patient with runs in more than one arm is a crossover; one arm per patient, parallel groups."""
    table = per_run_table()
    assert trial_effects(table, ["y"], "placebo").equals(trial_effects(table, ["y"], "placebo", "crossover"))
    parallel = table.assign(patient=range(len(table)))
    assert trial_effects(parallel, ["y"], "placebo").equals(trial_effects(parallel, ["y"], "placebo", "parallel"))
    assert not trial_effects(table, ["y"], "placebo").equals(trial_effects(table, ["y"], "placebo", "parallel"))
    assert trial_effects(table.drop(columns="patient"), ["y"], "placebo").equals(
        trial_effects(table.drop(columns="patient"), ["y"], "placebo", "parallel"))  # no patients: parallel


def test_relative_risk_by_tertile_and_versus_control():
    frame = pd.DataFrame({
        "arm": ["placebo"] * 6 + ["mk7"] * 6,
        "intake": [1, 2, 3, 4, 5, 6] * 2,
        "severe": [True, True, True, False, False, False, True, False, False, False, False, False],
    })
    rr = relative_risks(frame, "severe", "intake", control="placebo")
    placebo = rr[(rr["arm"] == "placebo") & (rr["tertile"] != "all")].set_index("tertile")
    assert list(placebo["n"]) == [2, 2, 2] and list(placebo["events"]) == [2, 1, 0]
    # T2 vs T1: (1/2) / (2/2) = 0.5; Katz SE = sqrt(1/1 - 1/2 + 1/2 - 1/2)
    t2 = placebo.loc["T2"]
    assert t2["relative_risk"] == pytest.approx(0.5) and not t2["zero_cell"]
    se = math.sqrt(1 / 1 - 1 / 2 + 1 / 2 - 1 / 2)
    assert t2["ci_low"] == pytest.approx(0.5 * math.exp(-1.959963984540054 * se))
    assert t2["ci_high"] == pytest.approx(0.5 * math.exp(1.959963984540054 * se))
    # T3 has no events: RR 0 and an open upper bound (R epitools' convention, as scipy)
    t3 = placebo.loc["T3 (highest)"]
    assert t3["relative_risk"] == 0.0 and t3["ci_low"] == 0.0 and math.isnan(t3["ci_high"]) and t3["zero_cell"]
    # the lowest tertile is the reference: RR 1 by definition, no interval (it was given one,
    # 0.14 to 7.1 for mk7's 1 event in 2, as if T1 were compared with an independent T1)
    for arm in ("placebo", "mk7"):
        t1 = rr[(rr["arm"] == arm) & (rr["tertile"] == "T1 (lowest)")].iloc[0]
        assert t1["relative_risk"] == 1.0 and math.isnan(t1["ci_low"]) and math.isnan(t1["ci_high"])
    overall = rr[rr["tertile"] == "all"].set_index("arm")
    # the control's own row first, its n, events and risk shown (a fresh user could not check the ratio), RR 1 with
    # no interval: it is not compared with itself
    assert list(overall.index) == ["placebo", "mk7"]
    control = overall.loc["placebo"]
    assert (control["n"], control["events"], control["risk"]) == (6, 3, 0.5)
    assert control["relative_risk"] == 1.0 and math.isnan(control["ci_low"]) and math.isnan(control["ci_high"])
    assert overall.loc["mk7", "relative_risk"] == pytest.approx((1 / 6) / (3 / 6))
    assert overall.loc["mk7", "reference"] == "arm placebo"


# ------------------------------------------------------- textbook examples (scipy.stats)


def test_risk_ratio_matches_a_textbook_katz_interval():
    """Katz et al. (1978) log interval, worked by hand: 10/50 vs 20/50 -> RR 0.5,
    SE(log RR) = sqrt(1/10 - 1/50 + 1/20 - 1/50) = 0.3317, bounds 0.5 * exp(-/+ 1.96 * 0.3317)."""
    from calcium_abm.batch.statistics import risk_ratio

    out = risk_ratio(10, 50, 20, 50)
    se = math.sqrt(1 / 10 - 1 / 50 + 1 / 20 - 1 / 50)
    assert out["relative_risk"] == pytest.approx(0.5)
    assert out["ci_low"] == pytest.approx(0.5 * math.exp(-1.959963984540054 * se), rel=1e-12)
    assert out["ci_high"] == pytest.approx(0.5 * math.exp(1.959963984540054 * se), rel=1e-12)
    assert out["ci_low"] == pytest.approx(0.2610, abs=1e-4) and out["ci_high"] == pytest.approx(0.9579, abs=1e-4)
    assert math.isnan(risk_ratio(0, 5, 0, 5)["relative_risk"])


SLEEP_DRUG1 = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
SLEEP_DRUG2 = np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
"""Student's (1908) sleep data (R's ``datasets::sleep``): extra hours of sleep in ten patients."""


def test_welch_matches_the_hand_formula_and_a_textbook_example():
    """Welch-Satterthwaite by hand, and R's ``t.test(extra ~ group, data = sleep)``:
    t = -1.8608, df = 17.776, p = 0.07939, 95 % CI -3.3654832 to 0.2054832 (drug 1 - drug 2)."""
    from calcium_abm.batch.statistics import difference_of_means

    out = difference_of_means(SLEEP_DRUG1, SLEEP_DRUG2)
    va, vb = SLEEP_DRUG1.var(ddof=1) / 10, SLEEP_DRUG2.var(ddof=1) / 10
    df = (va + vb) ** 2 / (va ** 2 / 9 + vb ** 2 / 9)
    half = stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert out["difference"] == pytest.approx(-1.58)
    assert out["ci_low"] == pytest.approx(-1.58 - half, rel=1e-12)
    assert out["ci_high"] == pytest.approx(-1.58 + half, rel=1e-12)
    assert df == pytest.approx(17.776, abs=1e-3)
    assert out["ci_low"] == pytest.approx(-3.3654832, abs=1e-6) and out["ci_high"] == pytest.approx(0.2054832, abs=1e-6)
    assert out["p_value"] == pytest.approx(0.07939, abs=1e-5)


def test_paired_matches_the_hand_formula():
    """R's ``t.test(extra ~ group, data = sleep, paired = TRUE)``: t = -4.0621, df = 9,
    p = 0.002833, 95 % CI -2.4598858 to -0.7001142 (drug 1 - drug 2)."""
    from calcium_abm.batch.statistics import difference_of_means

    drug1, drug2 = SLEEP_DRUG1, SLEEP_DRUG2
    out = difference_of_means(drug2, drug1, paired=True)
    d = drug2 - drug1
    half = stats.t.ppf(0.975, 9) * d.std(ddof=1) / math.sqrt(10)
    assert out["difference"] == pytest.approx(1.58)
    assert out["ci_low"] == pytest.approx(1.58 - half, rel=1e-12) and out["ci_high"] == pytest.approx(1.58 + half)
    assert out["ci_low"] == pytest.approx(0.7001142, abs=1e-6) and out["ci_high"] == pytest.approx(2.4598858, abs=1e-6)
    assert out["p_value"] == pytest.approx(0.002833, abs=1e-6)
    flat = difference_of_means([1.0, 2.0], [0.0, 1.0], paired=True)  # identical differences
    assert flat["ci_low"] == flat["ci_high"] == 1.0 and math.isnan(flat["p_value"])


def test_markdown_table():
    text = to_markdown(pd.DataFrame({"a": ["x|y"], "b": [1.23456789], "c": [np.nan]}))
    assert text.splitlines() == ["| a | b | c |", "|---|---|---|", "| x\\|y | 1.235 |  |"]


def test_summarize_a_sweep_writes_tables_and_plots(tmp_path):
    from calcium_abm.batch import run_batch, summarize

    batch = {"name": "sw", "scenario": "healthy_adult", "years": 0.05, "output": "summary",
             "set": {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16},
             "sweep": {"replicates": 2, "parameters": {"mk7_ug_per_day": [0, 360]}}}
    run_batch(batch, tmp_path / "sw")
    tables = summarize(tmp_path / "sw", tmp_path / "report")
    by_point = tables["by_point"]
    assert len(by_point) == 2 * 3 and set(by_point["n"]) == {2}
    per_run = tables["per_run"]
    for (point, outcome), row in by_point.set_index(["point", "outcome"]).iterrows():
        values = per_run.loc[per_run["point"] == point, outcome]
        assert row["mean"] == pytest.approx(values.mean())
    ucmgp = per_run.groupby("mk7_ug_per_day")["dp_ucmgp_pmol_l_final"].mean()
    assert ucmgp.loc[360.0] < ucmgp.loc[0.0]  # MK-7 lowers dp-ucMGP
    for name in ("report.md", "by_point.csv", "per_run.csv", "by_point.png"):
        assert (tmp_path / "report" / name).stat().st_size > 0


def test_tertile_cut_points_are_the_whole_cohorts_with_each_patient_counted_once():
    """The cut points are the randomised cohort's at baseline, shared by the arms (not each arm's own):
    placebo drew the low intakes here, so it has no top tertile. A crossover patient is in one
    tertile in every arm: the runs were ranked, so patient 1 was T1 on placebo and T2 on mk7."""
    parallel = pd.DataFrame({"arm": ["placebo"] * 3 + ["mk7"] * 3, "patient": range(6),
                             "intake": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "severe": [True, False] * 3})
    rr = relative_risks(parallel, "severe", "intake").set_index(["arm", "tertile"])
    assert list(rr.index) == [("placebo", "T1 (lowest)"), ("placebo", "T2"), ("mk7", "T2"), ("mk7", "T3 (highest)")]
    assert list(rr["n"]) == [2, 1, 1, 2] and rr.loc[("placebo", "T1 (lowest)"), "intake_max"] == 2.0
    crossover = pd.DataFrame({"arm": ["placebo", "mk7"] * 4, "patient": [0, 0, 1, 1, 2, 2, 3, 3],
                              "intake": [10.0, 10.0, 20.0, 20.0, 30.0, 30.0, 40.0, 40.0], "severe": [True, False] * 4})
    rr = relative_risks(crossover, "severe", "intake", control="placebo")
    for arm in ("placebo", "mk7"):
        part = rr[(rr["arm"] == arm) & (rr["tertile"] != "all")]
        assert list(part["n"]) == [2, 1, 1] and list(part["intake_max"]) == [20.0, 30.0, 40.0], arm
    from calcium_abm.batch.statistics import tertiles

    per_patient = crossover.assign(tertile=tertiles(crossover, "intake")).groupby("patient")["tertile"]
    assert per_patient.nunique().eq(1).all()
    assert list(per_patient.first()) == ["T1 (lowest)", "T1 (lowest)", "T2", "T3 (highest)"]
    assert list(tertiles(crossover.iloc[:2], "intake")) == ["T1 (lowest)"] * 2  # one patient: no cut points (was an error)


@pytest.mark.parametrize("call, message", [
    # a KeyError naming only the column, a design that was not 'crossover' run as parallel without a word
    (lambda t: trial_effects(t, ["nope"], "placebo"), r"outcome 'nope' is not a column of the table"),
    (lambda t: trial_effects(t, ["y"], "placebo", arm_column="group"), r"arm_column 'group' is not a column"),
    (lambda t: trial_effects(t, ["y"], "placebo", "cross"), r"design = 'cross' is not allowed: must be 'parallel' or "
                                                             r"'crossover'"),
    (lambda t: trial_effects(t, ["y"], "placebo", "crossover", pair_column="pid"), r"pair_column 'pid' is not a column"),
    (lambda t: trial_effects(t, "y", "placebo"), r"outcomes = 'y' is not allowed: give a list of column names"),
    (lambda t: group_statistics(t, ["nope"], ["y"]), r"by 'nope' is not a column of the table"),
    (lambda t: group_statistics(t, ["arm"], ["nope"]), r"outcome 'nope' is not a column of the table"),
    # a KeyError or AttributeError before: the functions beside them in calcium_abm.batch take a directory
    (lambda t: trial_effects("trial", ["y"], "placebo"), r"per_run = 'trial' is not allowed: give the per-run table"),
    (lambda t: group_statistics("trial", ["arm"], ["y"]), r"per_run = 'trial' is not allowed"),
    (lambda t: relative_risks("trial", "severe", None), r"per_run = 'trial' is not allowed"),
    (lambda t: ancova_effects(t, [("y", "y_baseline")], "placebo", arm_column="group"),
     r"arm_column 'group' is not a column"),
    (lambda t: ancova_effects(t, [("nope", "y_baseline")], "placebo"), r"outcome 'nope' is not a column"),
    (lambda t: baseline_table(t, ["y"], arm_column="group"), r"arm_column 'group' is not a column"),
])
def test_a_column_the_table_lacks_gets_a_clear_message(call, message):
    with pytest.raises(UserInputError, match=message):
        call(per_run_table())


def test_run_outcomes_refuses_an_output_it_would_not_use(tmp_path):
    """run_outcomes(output="weekly") was read as daily, and an output given beside a batch directory was
    replaced by the directory's own without a word."""
    from calcium_abm.batch import BatchError, run_batch

    batch = {"years": 0.05, "set": {"bone_grid_width": 8, "bone_grid_height": 8, "vessel_grid_width": 8,
                                    "vessel_grid_height": 8}, "output": "summary",
             "sweep": {"parameters": {"mk7_ug_per_day": [0, 1]}}}
    run_batch(batch, tmp_path / "o")
    with pytest.raises(BatchError, match=r"output = 'weekly' is not allowed: must be 'daily' or 'summary'"):
        run_outcomes(tmp_path / "o", output="weekly")
    with pytest.raises(BatchError, match=r"output = 'daily' is not allowed for '.*o': its runs were recorded "
                                         r"as 'summary'; leave output out"):
        run_outcomes(tmp_path / "o", output="daily")
    assert len(run_outcomes(tmp_path / "o", output="summary")) == 2 == len(run_outcomes(tmp_path / "o"))


@pytest.mark.parametrize("confidence", [2, 0, 1, -0.5, float("nan"), "0.95", True])
def test_a_confidence_level_outside_0_to_1_is_refused(confidence):
    """mean_ci(confidence=2) raised scipy's 'alpha must be between 0 and 1 inclusive', confidence=nan gave
    NaN intervals and ancova_effects(confidence=0) a zero-width interval, each without a word."""
    from calcium_abm.batch import ancova_effects, difference_of_means

    table = per_run_table().assign(base=[1.0, 3.0, 2.0, 2.0, 1.0, 4.0])
    for call in (lambda: mean_ci([1.0, 2.0, 4.0], confidence=confidence),
                 lambda: difference_of_means([1.0, 2.0, 6.0], [2.0, 4.0, 9.0], confidence=confidence),
                 lambda: ancova_effects(table, [("y", "base")], "placebo", confidence=confidence)):
        with pytest.raises(UserInputError, match=rf"confidence = {re.escape(repr(confidence))} is not allowed: "
                                                 r"must be a number between 0 and 1 \(exclusive\), e\.g\. 0\.95"):
            call()


def test_relative_risks_of_a_column_the_table_lacks_is_refused():
    """relative_risks(table, "nope", None) returned an empty table and, with a control, a bare KeyError."""
    table = per_run_table().assign(event=[True, False, True, False, False, True])
    with pytest.raises(UserInputError, match=r"event 'nope' is not a column of the table"):
        relative_risks(table, "nope", None)
    with pytest.raises(UserInputError, match=r"event 'nope' is not a column of the table"):
        relative_risks(table, "nope", None, control="placebo")
    with pytest.raises(UserInputError, match=r"tertiles_of 'intake' is not a column of the table"):
        relative_risks(table, "event", "intake")


@pytest.mark.parametrize("values", ["abc", ["1.0", "x"], [object()], {"a": 1}])
def test_mean_ci_of_values_that_are_not_numbers_names_them(values):
    """mean_ci("abc") raised numpy's bare "could not convert string to float: 'abc'"."""
    with pytest.raises(UserInputError, match=r"values .* are not allowed: must be numbers"):
        mean_ci(values)


@pytest.mark.parametrize("digits", [-1, 0, 18, 10**400, 2.5, "3", True])
def test_baseline_table_digits_outside_1_to_17_are_refused(digits):
    """baseline_table(digits=-1 or True) raised "Format specifier missing precision", 10**400 "Too many
    decimal digits in format string"; a table of categorical columns only ignored any value."""
    from calcium_abm.batch.statistics import baseline_table

    table = pd.DataFrame({"arm": ["a", "a", "b", "b"], "x": [1.5, 2.5, 2.0, 3.0], "sex": ["m", "f", "m", "f"]})
    shown = "an integer of 401 digits" if digits == 10**400 else re.escape(repr(digits)[:40])
    for characteristics in (["x"], ["sex"]):
        with pytest.raises(UserInputError, match=rf"digits = {shown} is not allowed: must be an integer from 1 to 17"):
            baseline_table(table, characteristics, digits=digits)
    assert baseline_table(table, ["x"], digits=17).iloc[1]["a"] == "2 (0.70710678118654757)"


def test_ancova_of_an_outcome_with_no_value_in_an_arm_says_so_instead_of_failing():
    """summarize of a cohort on osteocalcin_knockout with outcomes = { ucoc_fraction = "final" } (NaN in every run:
    no osteocalcin) raised a statsmodels traceback from the ANCOVA (found by the new-user probe h1); the other
    outcomes are still analysed, and an arm without values gets NaN with the reason."""
    from calcium_abm.batch import ancova_effects

    table = pd.DataFrame({"arm": ["placebo", "placebo", "placebo", "mk7", "mk7", "mk7", "mk4", "mk4", "mk4"],
                          "y": [1.0, 2.0, 1.5, 3.0, 4.0, 3.2, math.nan, math.nan, math.nan],
                          "base": [0.5, 0.7, 0.6, 0.6, 0.8, 0.5, 0.4, 0.6, 0.7],
                          "none": [math.nan] * 9, "none_base": [math.nan] * 9})
    out = ancova_effects(table, [("none", "none_base"), ("y", "base")], "placebo", arms=["placebo", "mk7", "mk4"])
    none = out[out["outcome"] == "none"]
    assert list(none["arm"]) == ["mk7", "mk4"] and none["difference"].isna().all()
    assert none["adjusted_for"].str.contains("no run of arm placebo, mk7, mk4 has a value of none").all()
    y = out[out["outcome"] == "y"].set_index("arm")
    assert math.isfinite(y.loc["mk7", "difference"]) and y.loc["mk7", "adjusted_for"] == "base"
    assert math.isnan(y.loc["mk4", "difference"]) and "no run of arm mk4 has a value of y" in y.loc["mk4", "adjusted_for"]


def test_severe_calcification_of_a_column_without_a_value_is_neither_an_event_nor_none(tmp_path):
    """A run whose severe_calcification column is NaN (ucoc_fraction in osteocalcin_knockout: no osteocalcin) was
    counted as a run without the event, so the relative-risk table reported a risk of 0 of n and the sweep a share
    of 0 (found by the new-user probe h1 with calcium-abm summarize); such runs now count in neither."""
    from calcium_abm.batch import run_batch

    batch = {"name": "ko", "scenario": "osteocalcin_knockout", "years": 0.02, "output": "summary",
             "set": {"bone_grid_width": 8, "bone_grid_height": 8, "vessel_grid_width": 8, "vessel_grid_height": 8},
             "cohort": {"patients": 4, "distributions": {
                 "vitamin_k1_ug_per_day": {"distribution": "lognormal", "median": 90, "sigma": 0.5}}},
             "arms": [{"name": "a"}, {"name": "b", "add": {"mk7_ug_per_day": 100}}],
             "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "final"},
                          "severe_calcification": {"column": "ucoc_fraction", "above": 0.5}}}
    run_batch(batch, tmp_path / "out", workers=1, progress=False)
    per_run = run_outcomes(tmp_path / "out")
    assert per_run["severe_calcification"].isna().all()
    table = relative_risks(per_run, "severe_calcification", None, control="a")
    assert list(table["n"]) == [0, 0] and list(table["events"]) == [0, 0] and table["risk"].isna().all()  # a, b
    frame = pd.DataFrame({"arm": ["a"] * 6, "patient": range(6), "x": [1.0, 2, 3, 4, 5, 6],
                          "event": [True, False, None, True, False, False]})
    by_tertile = relative_risks(frame, "event", "x").set_index("tertile")
    assert list(by_tertile["n"]) == [2, 1, 2] and list(by_tertile["events"]) == [1, 1, 0]  # cut points of all 6


def test_ancova_adjusts_each_outcome_for_its_own_baseline_after_an_outcome_without_one(tmp_path):
    """An outcome with no day-0 value (bmd_change_pct) listed first shifted every later outcome onto the next one's
    baseline and dropped the last outcome (mk7_trial.toml's table; a fresh user, stop 70)."""
    import statsmodels.formula.api as smf

    from calcium_abm.batch import run_batch, summarize

    batch = {"name": "t", "scenario": "healthy_adult", "seed": 3, "years": 0.1, "output": "summary",
             "set": {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16},
             "cohort": {"patients": 8, "randomisation_day": 1,
                        "distributions": {"vitamin_k1_ug_per_day": {"distribution": "lognormal", "median": 90,
                                                                    "sigma": 0.5}}},
             "arms": [{"name": "placebo"}, {"name": "mk7", "add": {"mk7_ug_per_day": 180}}],
             "analysis": {"outcomes": {"bmd_change_pct": "final", "dp_ucmgp_pmol_l": "pct_change",
                                       "ionized_calcium_mmol_l": "final"}}}
    run_batch(batch, tmp_path / "t", workers=1)
    tables = summarize(tmp_path / "t", tmp_path / "report")
    ancova = tables["ancova"].set_index("outcome")
    assert list(ancova.index) == ["bmd_change_pct", "dp_ucmgp_pmol_l_pct_change", "ionized_calcium_mmol_l"]
    assert ancova.loc["dp_ucmgp_pmol_l_pct_change", "adjusted_for"] == "dp_ucmgp_pmol_l_baseline"
    assert ancova.loc["ionized_calcium_mmol_l", "adjusted_for"] == "ionized_calcium_mmol_l_baseline"
    per_run = tables["per_run"]
    fit = smf.ols("dp_ucmgp_pmol_l_pct_change ~ C(arm, Treatment('placebo')) + dp_ucmgp_pmol_l_baseline",
                  data=per_run).fit()
    assert ancova.loc["dp_ucmgp_pmol_l_pct_change", "difference"] == pytest.approx(fit.params.iloc[1], rel=1e-9)
