"""Simulation-based power against the analytic power of the t-test (statsmodels), and on a
real pilot cohort."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.power import TTestIndPower, TTestPower

from calcium_abm.batch import power_curve, power_design
from calcium_abm.batch.power import plot_power_curve
from calcium_abm.errors import UserInputError


def normal_pilot(n: int = 4000, seed: int = 0, rho: float = 0.0) -> pd.DataFrame:
    """A large pilot whose outcome is N(0, 1) in both arms (baseline correlated by ``rho``)."""
    rng = np.random.default_rng(seed)
    baseline = rng.normal(0.0, 1.0, 2 * n)
    y = rho * baseline + np.sqrt(1 - rho ** 2) * rng.normal(0.0, 1.0, 2 * n)
    return pd.DataFrame({"arm": np.repeat(["placebo", "drug"], n), "patient": np.r_[np.arange(n), np.arange(n)],
                         "y_change": y, "y_baseline": baseline})


def test_welch_power_matches_the_analytic_t_test_power():
    design = power_design(normal_pilot(), "y_change", control="placebo")
    table = power_curve(design, 0.5, [10, 30, 64], n_sim=2000, seed=1)
    analytic = [TTestIndPower().power(effect_size=0.5, nobs1=n, alpha=0.05) for n in (10, 30, 64)]
    assert list(table["n_per_arm"]) == [10, 30, 64]
    assert np.allclose(table["power"], analytic, atol=0.04), (list(table["power"]), analytic)
    assert (table["ci_low"] <= table["power"]).all() and (table["power"] <= table["ci_high"]).all()
    assert table["power"].is_monotonic_increasing
    again = power_curve(design, 0.5, [10, 30, 64], n_sim=2000, seed=1)
    pd.testing.assert_frame_equal(table, again)  # same seed, same table
    # the sizes as a numpy array (np.array, np.arange) or a range: the same table (an array was refused)
    pd.testing.assert_frame_equal(power_curve(design, 0.5, np.array([10, 30, 64]), n_sim=2000, seed=1), table)
    pd.testing.assert_frame_equal(power_curve(design, 0.5, range(10, 65, 54), n_sim=200, seed=1),
                                  power_curve(design, 0.5, [10, 64], n_sim=200, seed=1))
    with pytest.raises(UserInputError, match=r"sample_sizes \[10\.0, 30\.0\] is not allowed: give integers"):
        power_curve(design, 0.5, np.array([10.0, 30.0]), n_sim=20, seed=1)


def test_no_effect_gives_the_type_one_error_rate():
    design = power_design(normal_pilot(), "y_change", control="placebo")
    table = power_curve(design, 0.0, [20], n_sim=4000, seed=2)
    assert table["power"].iloc[0] == pytest.approx(0.05, abs=0.015)


def test_ancova_power_uses_the_baseline_and_beats_welch():
    rho = 0.8  # the residual SD after adjusting is sqrt(1 - rho^2) = 0.6
    pilot = normal_pilot(rho=rho, seed=3)
    ancova = power_curve(power_design(pilot, "y_change", control="placebo", analysis="ancova"), 0.3, [40],
                         n_sim=400, seed=4)
    welch = power_curve(power_design(pilot, "y_change", control="placebo"), 0.3, [40], n_sim=400, seed=4)
    analytic = TTestIndPower().power(effect_size=0.3 / np.sqrt(1 - rho ** 2), nobs1=40, alpha=0.05)
    assert ancova["power"].iloc[0] == pytest.approx(analytic, abs=0.08)
    assert ancova["power"].iloc[0] > welch["power"].iloc[0] + 0.2


def test_ancova_power_of_a_huge_effect_is_one():
    """A real spread beside an effect 1e11 times larger is still a spread: the exact-fit test
    (statistics.no_residual_spread) judges the residuals against round-off, not against 1e-20 of y**2."""
    pilot = normal_pilot(n=200, rho=0.5, seed=5)
    design = power_design(pilot, "y_change", control="placebo", analysis="ancova")
    for effect in (1e6, 1e11):
        assert power_curve(design, effect, [10], n_sim=50, seed=6)["power"].iloc[0] == 1.0, effect
    flat = pilot.assign(y_change=1.0)  # no spread at all: no p-value, power 0, whatever the effect
    flat_design = power_design(flat, "y_change", control="placebo", analysis="ancova")
    assert power_curve(flat_design, 1e6, [10], n_sim=20, seed=6)["power"].iloc[0] == 0.0
    with pytest.raises(UserInputError, match=r"effect inf is not allowed: must be a number between -1e\+100"):
        power_curve(design, math.inf, [10], n_sim=5)


def test_paired_power_matches_the_one_sample_t_test_power():
    rng = np.random.default_rng(5)
    n = 3000
    control = rng.normal(0.0, 1.0, n)
    treated = control + rng.normal(0.2, 0.5, n)  # within-patient differences: SD 0.5
    pilot = pd.DataFrame({"arm": np.repeat(["placebo", "drug"], n), "patient": np.r_[np.arange(n), np.arange(n)],
                          "y": np.r_[control, treated]})
    design = power_design(pilot, "y", control="placebo", analysis="paired")
    table = power_curve(design, 0.25, [12], n_sim=2000, seed=6)
    analytic = TTestPower().power(effect_size=0.25 / 0.5, nobs=12, alpha=0.05)
    assert table["power"].iloc[0] == pytest.approx(analytic, abs=0.04)
    assert table["effect"].iloc[0] == 0.25


@pytest.mark.parametrize("call, message", [
    (lambda d: power_curve(d, 0.5, [1], 10), "sample_sizes"),
    (lambda d: power_curve(d, 0.5, [10.5], 10), "sample_sizes"),
    (lambda d: power_curve(d, 0.5, [10], 0), "n_sim"),
    # 100,000 per arm x 100,000 trials asked numpy for 74.5 GiB: a MemoryError traceback, not a message
    (lambda d: power_curve(d, 0.5, [10, 100_000], 100_000), "sample_sizes 100000 with n_sim 100000 is not allowed: "
                                                             "patients per arm x simulated trials must be at most"),
    # numpy's "expected non-negative integer" named no argument; a string of sizes was read digit by digit
    (lambda d: power_curve(d, 0.5, [10], 10, seed=-1), r"seed -1 is not allowed: must be an integer from 0 to 4294967295"),
    (lambda d: power_curve(d, 0.5, [10], 10, seed=1.5), r"seed 1\.5 is not allowed"),
    (lambda d: power_curve(d, 0.5, [10], 10, seed="1"), r"seed '1' is not allowed"),
    (lambda d: power_curve(d, 0.5, [10], 10, seed=None), r"seed None is not allowed"),
    (lambda d: power_curve(d, 0.5, [10], 10, seed=2**32), r"seed 4294967296 is not allowed"),
    (lambda d: power_curve(d, 0.5, "10", 10), r"sample_sizes '10' is not allowed: give a list of integers"),
    # found by probe h3: Python's own 'Exceeds the limit (4300 digits) for integer string conversion' (repr)
    (lambda d: power_curve(d, 0.5, [10], 10, seed=10**5000), r"seed an integer of 5001 digits is not allowed"),
    (lambda d: power_curve(d, 0.5, [10**5000], 10), r"sample_sizes a list holding an integer too long to print is not"),
])
def test_bad_sizes_get_a_clear_message(call, message):
    design = power_design(normal_pilot(n=20), "y_change", control="placebo")
    with pytest.raises(UserInputError, match=message):
        call(design)


def test_bad_design_inputs_get_a_clear_message():
    pilot = normal_pilot(n=20)
    with pytest.raises(UserInputError, match="outcome 'nope'"):
        power_design(pilot, "nope", control="placebo")
    with pytest.raises(UserInputError, match="control arm 'x'"):
        power_design(pilot, "y_change", control="x")
    with pytest.raises(UserInputError, match="analysis 'anova'"):
        power_design(pilot, "y_change", control="placebo", analysis="anova")
    for alpha in ("0.05", None, True, float("nan"), 1.0):  # a str was a TypeError from '<'
        with pytest.raises(UserInputError, match=r"^alpha .* is not allowed: must be a number between 0 and 1$"):
            power_design(pilot, "y_change", control="placebo", alpha=alpha)


def test_power_of_a_real_pilot_cohort_and_its_plot(tmp_path):
    from calcium_abm.batch import run_batch

    batch = {"name": "pilot", "scenario": "healthy_adult", "seed": 9, "years": 0.05, "output": "summary",
             "set": {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16},
             "cohort": {"patients": 8, "distributions": {"mk7_ug_per_day":
                                                         {"distribution": "lognormal", "median": 8, "sigma": 0.8}}},
             "arms": [{"name": "placebo"}, {"name": "mk7", "add": {"mk7_ug_per_day": 360}}],
             "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "final"}}}
    run_batch(batch, tmp_path / "pilot")
    design = power_design(tmp_path / "pilot", "dp_ucmgp_pmol_l")
    assert design.arm == "mk7" and design.control_arm == "placebo" and design.analysis == "welch"
    assert design.pilot_effect < 0  # MK-7 lowers dp-ucMGP
    table = power_curve(design, None, [2, 5, 20], n_sim=200, seed=1)
    assert table["power"].iloc[-1] >= table["power"].iloc[0] and table["power"].iloc[-1] > 0.9
    png = plot_power_curve(table, tmp_path / "power.png", design)
    assert png.read_bytes().startswith(b"\x89PNG")


def test_power_command(tmp_path, capsys):
    from calcium_abm.batch import run_batch
    from calcium_abm.cli import main

    batch = {"name": "pilot", "scenario": "healthy_adult", "seed": 2, "years": 0.03, "output": "summary",
             "set": {"bone_grid_width": 12, "bone_grid_height": 12, "vessel_grid_width": 12, "vessel_grid_height": 12},
             "cohort": {"patients": 6, "distributions": {"mk7_ug_per_day":
                                                         {"distribution": "uniform", "min": 0, "max": 20}}},
             "arms": [{"name": "placebo"}, {"name": "mk7", "add": {"mk7_ug_per_day": 360}}],
             "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "final"}}}
    run_batch(batch, tmp_path / "p")
    assert main(["power", str(tmp_path / "p"), "--outcome", "dp_ucmgp_pmol_l", "--sizes", "3,10",
                 "--simulations", "100", "--effect", "-5"]) == 0
    out = capsys.readouterr().out
    assert "| n_per_arm | power | ci_low | ci_high |" in out and "mk7 vs placebo" in out
    assert (tmp_path / "p" / "summary" / "power_dp_ucmgp_pmol_l_mk7_welch.png").is_file()
    table = pd.read_csv(tmp_path / "p" / "summary" / "power_dp_ucmgp_pmol_l_mk7_welch.csv")
    assert list(table["n_per_arm"]) == [3, 10] and set(table["effect"]) == {-5.0}
    for bad, message in [(["--sizes", "1,10"], "--sizes '1'"), (["--sizes", "x"], "--sizes 'x'"),
                         (["--sizes", "5,5"], "--sizes '5,5' is not allowed: 5 is listed twice"),
                         # found by a fresh user: the empty entry was skipped without a word
                         (["--sizes", "10,,20"], "--sizes '10,,20' is not allowed: give patients per arm separated "
                                                 "by commas, with no empty entry, e.g. 10,20,50"),
                         (["--effect", "big"], "--effect 'big'"), (["--simulations", "0"], "--simulations '0'"),
                         (["--outcome", "nope", "--sizes", "5"], "outcome 'nope'"),
                         (["--outcome", "arm"], "outcome 'arm' is not allowed: it is a label of the runs, not an "
                                                "outcome; the outcomes are dp_ucmgp_pmol_l, "),
                         (["--outcome", "patient"], "outcome 'patient' is not allowed: it is a label of the runs"),
                         (["--effect", "1e154"], "--effect '1e154' is not allowed: must be a number between -1e+100 "
                                                 "and 1e+100"),
                         (["--alpha", "1.5"], "--alpha '1.5' is not allowed: must be more than 0 and less than 1"),
                         (["--sizes", "100000", "--simulations", "100000"],
                          "--sizes 100000 with --simulations 100000 is not allowed: patients per arm x simulated "
                          "trials must be at most 20,000,000"),
                         (["--analysis", "paired"], "paired analysis needs a crossover pilot: "
                                                    f"'{tmp_path / 'p'}' is a parallel cohort")]:
        options = {"--outcome": "dp_ucmgp_pmol_l", "--sizes": "5"}
        for key, value in zip(bad[::2], bad[1::2]):
            options[key] = value
        argv = ["power", str(tmp_path / "p")] + [x for kv in options.items() for x in kv]
        assert main(argv) == 2, bad
        assert message in capsys.readouterr().err
    deep = tmp_path / "no" / "such" / "report"
    assert main(["power", str(tmp_path / "p"), "--outcome", "dp_ucmgp_pmol_l", "--sizes", "5",
                 "--out", str(deep)]) == 2
    err = capsys.readouterr().err
    assert f"--out '{deep}': directory '{deep.parent}' does not exist" in err and "Traceback" not in err
    assert not (tmp_path / "no").exists()  # no tree of folders made
    assert main(["power", str(tmp_path / "p"), "--outcome", "dp_ucmgp_pmol_l", "--sizes", "5",
                 "--simulations", "20", "--out", str(tmp_path / "report")]) == 0  # the last level is made
    assert (tmp_path / "report" / "power_dp_ucmgp_pmol_l_mk7_welch.csv").is_file()


def test_paired_analysis_of_unpaired_patients_says_so():
    pilot = normal_pilot(n=20)
    pilot.loc[pilot["arm"] == "drug", "patient"] += 1000  # no patient in both arms
    with pytest.raises(UserInputError, match="paired analysis needs the same patients in both arms"):
        power_design(pilot, "y_change", control="placebo", analysis="paired")


def test_a_small_pilot_gets_a_caveat_and_a_large_one_does_not():
    small = normal_pilot().groupby("arm").head(3)
    caveat = power_design(small, "y_change", control="placebo").pilot_caveat
    assert caveat is not None and "only 3 patients in an arm" in caveat
    assert power_design(normal_pilot(), "y_change", control="placebo").pilot_caveat is None


def test_an_outcome_without_spread_has_no_p_value_in_any_analysis():
    """Every run of an arm gives the same outcome (INR in a tiny warfarin cohort on a 16 x 16 grid):
    Welch's test, the ANCOVA and the power simulation all report no p-value (NaN) instead of the
    ANCOVA's round-off p of ~1e-31 and a power of 1 (new-user probe), and the power says why."""
    from calcium_abm.batch.power import PowerDesign, power_curve
    from calcium_abm.batch.statistics import ancova_effects, difference_of_means

    per_run = pd.DataFrame({"arm": ["placebo"] * 3 + ["warf"] * 3, "inr": [1.0] * 3 + [2.5] * 3,
                            "inr_baseline": [1.0] * 6})
    assert math.isnan(difference_of_means([2.5] * 3, [1.0] * 3)["p_value"])
    row = ancova_effects(per_run, [("inr", "inr_baseline")], "placebo").iloc[0]
    assert row["difference"] == pytest.approx(1.5) and math.isnan(row["p_value"])
    assert row["ci_low"] == row["ci_high"] == pytest.approx(1.5) and "no spread within the arms" in row["adjusted_for"]
    varied = per_run.assign(inr=[1.0, 1.1, 0.9, 2.4, 2.5, 2.6])
    assert ancova_effects(varied, [("inr", "inr_baseline")], "placebo").iloc[0]["p_value"] < 0.01  # can fail
    flat = np.column_stack([np.full(6, 1.0), np.full(6, 1.0)])
    for analysis in ("welch", "ancova"):
        design = PowerDesign(control=flat, treated=flat + [1.5, 0.0], analysis=analysis, outcome="inr")
        assert power_curve(design, None, [5], 50)["power"].iloc[0] == 0.0
        assert "inr has no spread in the pilot" in design.pilot_caveat


def test_an_ancova_pilots_own_effect_is_the_baseline_adjusted_one_its_trials_estimate():
    # A pilot whose drug arm started 3 higher and gained nothing: the difference of means (3)
    # was reported as the effect to detect, though each simulated ANCOVA trial estimates ~0.
    rng = np.random.default_rng(3)
    n = 2000
    baseline = np.r_[rng.normal(0.0, 1.0, n), rng.normal(3.0, 1.0, n)]
    pilot = pd.DataFrame({"arm": np.repeat(["placebo", "drug"], n), "patient": np.arange(2 * n),
                          "y_change": baseline + rng.normal(0.0, 1.0, 2 * n), "y_baseline": baseline})
    welch = power_design(pilot, "y_change", control="placebo")
    assert welch.pilot_effect == pytest.approx(3.0, abs=0.2)
    ancova = power_design(pilot, "y_change", control="placebo", analysis="ancova")
    import statsmodels.api as sm
    fit = sm.OLS(pilot["y_change"].to_numpy(), sm.add_constant(np.column_stack(
        [(pilot["arm"] == "drug").to_numpy(float), baseline]))).fit()
    assert ancova.pilot_effect == pytest.approx(fit.params[1], abs=1e-9) and abs(ancova.pilot_effect) < 0.3
    table = power_curve(ancova, None, [20], n_sim=200, seed=1)
    assert table["effect"].iloc[0] == pytest.approx(ancova.pilot_effect)


def test_ancova_on_a_final_value_outcome_uses_the_columns_baseline():
    # power listed dp_ucmgp_pmol_l_final among the outcomes, then refused ANCOVA on it for lack of
    # 'dp_ucmgp_pmol_l_final_baseline'; the day-0 value is dp_ucmgp_pmol_l_baseline.
    pilot = normal_pilot(n=200, rho=0.8).rename(columns={"y_change": "y_final"})
    design = power_design(pilot, "y_final", control="placebo", analysis="ancova")
    assert np.array_equal(design.control[:, 1], pilot.loc[pilot["arm"] == "placebo", "y_baseline"].to_numpy())


def test_a_power_plot_to_a_directory_or_a_missing_one_is_refused(tmp_path):
    """Found by probe h3: plot_power_curve(table, "/tmp") raised IsADirectoryError naming a temporary file it had made
    in "/" ('/.tmp.g2jkf6xi.tmp' -> '/tmp'), and a path in a missing directory FileNotFoundError for its temporary
    file; each is one message naming the path (atomic_write, which every written file goes through)."""
    design = power_design(normal_pilot(n=20), "y_change", control="placebo")
    table = power_curve(design, 0.5, [4], 10, seed=1)
    with pytest.raises(UserInputError, match=r"^output file '.*' is a directory: give a file name"):
        plot_power_curve(table, tmp_path, design)
    with pytest.raises(UserInputError, match=r"^output file '.*nope/p.png': directory '.*nope' does not exist$"):
        plot_power_curve(table, tmp_path / "nope" / "p.png", design)
    assert list(tmp_path.iterdir()) == [] and not any(p.name.startswith(f".{tmp_path.name}.") for p in
                                                      tmp_path.parent.iterdir())  # no temporary file left


def test_power_curve_and_its_plot_name_a_design_or_table_of_the_wrong_kind(tmp_path):
    """Found by probe h3: power_curve("pilot", ...) (the pilot's directory for the design) raised AttributeError
    "'str' object has no attribute 'analysis'", plot_power_curve("x", ...) TypeError 'string indices must be integers'."""
    design = power_design(normal_pilot(n=20), "y_change", control="placebo")
    table = power_curve(design, 0.5, [4], 10, seed=1)
    with pytest.raises(UserInputError, match=r"^design 'pilot' is not allowed: give the design power_design\(PILOT_DIR"):
        power_curve("pilot", 0.5, [4], 10)
    with pytest.raises(UserInputError, match=r"^table 'x' is not allowed: give the table power_curve returns"):
        plot_power_curve("x", tmp_path / "p.png", design)
    with pytest.raises(UserInputError, match=r"^design 'pilot' is not allowed: give the design power_design returns"):
        plot_power_curve(table, tmp_path / "p.png", "pilot")
    assert list(tmp_path.iterdir()) == []


def test_a_wrong_treated_arm_is_named_apart_from_the_control():
    """The message once read 'must be one of the arms other than the control (drug)', as if drug were
    the control; it now says what the arm given is, which arms may be treated and which is the control."""
    pilot = normal_pilot(n=20)
    with pytest.raises(UserInputError, match=r"arm 'placebo' is not allowed: it is the control arm; the treated "
                                             r"arm must be one of drug \(the control is 'placebo'\)"):
        power_design(pilot, "y_change", control="placebo", arm="placebo")
    with pytest.raises(UserInputError, match=r"arm 'drg' is not allowed: it is not an arm of the pilot; the "
                                             r"treated arm must be one of drug \(the control is 'placebo'\)"):
        power_design(pilot, "y_change", control="placebo", arm="drg")
    with pytest.raises(UserInputError, match=r"power needs a treated arm beside the control arm 'placebo': the "
                                             r"pilot has no other arm \(its arms: placebo\)"):
        power_design(pilot[pilot["arm"] == "placebo"], "y_change", control="placebo")


def test_a_spread_of_round_off_is_no_spread_in_welchs_test():
    """ucoc_fraction in a warfarin cohort: every run of an arm the same but for its last bits. Welch's test
    gave p = 0 with a point for a CI and scipy's 'catastrophic cancellation' warning (new-user probe, stop 60);
    now it reports no p-value, as the ANCOVA did; a real spread of 1e-9 still gets one."""
    import warnings

    from calcium_abm.batch.statistics import difference_of_means

    bits = np.arange(10) * 1e-17
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scipy's precision-loss warning fails the test
        flat = difference_of_means(0.30 + bits, 0.606 + bits)
    assert math.isnan(flat["p_value"]) and flat["ci_low"] == flat["ci_high"] == pytest.approx(-0.306)
    real = difference_of_means(0.30 + bits * 1e8, 0.606 + bits * 1e8)
    assert real["p_value"] < 1e-6 and real["ci_low"] < real["ci_high"]


def test_an_effect_to_detect_moves_the_treated_arm_keeping_its_spread():
    """A trialist's review (stop 69): ``--effect`` built the treated arm as the control arm shifted, so an MK-7 pilot
    whose placebo changed by SD 0.2 points and whose MK-7 arm by SD 8 read a power of 1.00 at 3 patients per arm.
    The treated arm is now the pilot's, moved to the effect: its spread stays, and so does the answer's size."""
    rng = np.random.default_rng(7)
    n = 2000
    pilot = pd.DataFrame({"arm": np.repeat(["placebo", "mk7"], n), "patient": np.r_[np.arange(n), np.arange(n)],
                          "y_change": np.r_[rng.normal(0.0, 0.2, n), rng.normal(-30.0, 8.0, n)],
                          "y_baseline": rng.normal(300.0, 50.0, 2 * n)})
    design = power_design(pilot, "y_change", control="placebo")
    table = power_curve(design, -2.0, [3, 50], n_sim=2000, seed=8)
    analytic = [TTestIndPower().power(effect_size=2.0 / np.sqrt((8.0 ** 2 + 0.2 ** 2) / 2), nobs1=k, alpha=0.05)
                for k in (3, 50)]
    assert table["power"].iloc[0] < 0.2  # the control arm shifted by -2 gave 1.00
    assert table["power"].iloc[1] == pytest.approx(analytic[1], abs=0.08)


def test_the_heading_calls_an_effect_of_zero_the_false_positive_rate():
    """A fresh user (stop 69): ``--effect 0`` was headed "Power to detect 0"; the table it heads is the rate at which
    trials find an effect where there is none."""
    from calcium_abm.batch.power import power_heading

    design = power_design(normal_pilot(n=50), "y_change", control="placebo")
    assert power_heading(0.0, design).startswith("False-positive rate (no effect: the share of trials with p < alpha)"
                                                 " in y_change (drug vs placebo, welch, alpha 0.05)")
    assert power_heading(-5.0, design).startswith("Power to detect -5 in y_change")
