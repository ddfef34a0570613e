"""Sensitivity analysis recovers known rankings: a toy model and a small real batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcium_abm.batch import morris_screening, run_batch, sensitivity_indices, sobol_indices

BOUNDS = {"strong": (0.0, 1.0), "weak": (0.0, 1.0), "inert": (0.0, 1.0)}


def toy(x: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"y": 10 * x["strong"] + x["weak"] ** 2, "only_weak": 3 * x["weak"]})


def test_morris_ranks_a_toy_model():
    table = morris_screening(toy, BOUNDS, trajectories=20, seed=1)
    y = table[table["output"] == "y"]
    assert list(y["parameter"]) == ["strong", "weak", "inert"] and list(y["rank"]) == [1, 2, 3]
    assert y.set_index("parameter").loc["strong", "mu_star"] == pytest.approx(10.0)  # linear: the slope
    assert y.set_index("parameter").loc["inert", "mu_star"] == 0.0
    weak = table[table["output"] == "only_weak"].set_index("parameter")
    assert weak.loc["weak", "rank"] == 1 and weak.loc["strong", "mu_star"] == 0.0


def test_sobol_ranks_a_toy_model():
    table = sobol_indices(toy, BOUNDS, samples=512, seed=2)
    y = table[table["output"] == "y"].set_index("parameter")
    assert list(table[table["output"] == "y"]["parameter"]) == ["strong", "weak", "inert"]
    assert y.loc["strong", "ST"] > 0.9 and abs(y.loc["inert", "ST"]) < 0.01
    assert y.loc["strong", "S1"] + y.loc["weak", "S1"] > 0.95  # additive model: first order explains it


def test_real_model_morris_puts_an_inert_parameter_below_mk7(tmp_path):
    # With no MK-4 in the diet, the MK-4 half-life has nothing to act on, while the MK-7
    # dose drives vascular MGP carboxylation and so dp-ucMGP.
    batch = {"name": "morris", "scenario": "healthy_adult", "seed": 5, "years": 0.1, "output": "summary",
             "set": {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16,
                     "vessel_grid_height": 16, "mk4_ug_per_day": 0.0},
             "sensitivity": {"method": "morris", "trajectories": 4, "levels": 4,
                             "parameters": {"mk4_half_life_h": [0.5, 20.0], "mk7_ug_per_day": [0.0, 360.0]}},
             "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "final"}}}
    run_batch(batch, tmp_path / "m", workers=1)
    table = sensitivity_indices(tmp_path / "m").set_index("parameter")
    assert table.loc["mk7_ug_per_day", "rank"] == 1
    assert table.loc["mk4_half_life_h", "mu_star"] < 0.1 * table.loc["mk7_ug_per_day", "mu_star"]
    from calcium_abm.batch import summarize

    tables = summarize(tmp_path / "m")
    assert "indices" in tables and (tmp_path / "m" / "summary" / "indices.png").stat().st_size > 0
    assert "## Sensitivity indices" in (tmp_path / "m" / "summary" / "report.md").read_text()


def test_replicates_run_each_point_at_several_seeds_and_the_indices_use_their_mean(tmp_path):
    """``replicates = 2``: every design point at the batch seed and one derived seed (the same
    two at every point), and the elementary effects of the per-point mean over them."""
    import numpy as np

    from calcium_abm.batch import load_results, run_outcomes
    from calcium_abm.batch.expand import expand_runs, sensitivity_design
    from calcium_abm.batch.sensitivity import analyze_design
    from calcium_abm.batch.spec import load_batch
    from calcium_abm.batch.store import open_batch

    batch = {"name": "rep", "scenario": "healthy_adult", "seed": 5, "years": 0.05, "output": "summary",
             "set": {"bone_grid_width": 8, "bone_grid_height": 8, "vessel_grid_width": 8, "vessel_grid_height": 8},
             "sensitivity": {"method": "morris", "trajectories": 2, "levels": 4, "replicates": 2,
                             "parameters": {"vitamin_k1_ug_per_day": [20.0, 400.0], "mk7_ug_per_day": [0.0, 360.0]}},
             "analysis": {"outcomes": {"bmd_change_pct": "final", "dp_ucmgp_pmol_l": "final"}}}
    spec = load_batch(batch)
    runs = expand_runs(spec)
    points = {(r.labels["vitamin_k1_ug_per_day"], r.labels["mk7_ug_per_day"]) for r in runs}
    assert len(runs) == 2 * len(points) and spec.run_count() == 2 * 2 * 3
    seeds = {rep: {r.seed for r in runs if r.labels["replicate"] == rep} for rep in (0, 1)}
    assert seeds[0] == {5} and len(seeds[1]) == 1 and seeds[1] != {5}  # one seed per replicate
    assert [r.run_id for r in expand_runs(load_batch(batch))] == [r.run_id for r in runs]  # deterministic
    run_batch(batch, tmp_path / "r", workers=1)
    table = sensitivity_indices(tmp_path / "r")
    per_run = run_outcomes(open_batch(tmp_path / "r")).set_index("run_id")
    order = open_batch(tmp_path / "r").manifest["sample_run_ids"]
    problem, x = sensitivity_design(spec)
    assert len(order) == 2 * len(x) and set(order) == {r.run_id for r in runs}
    y = per_run.loc[order, "bmd_change_pct"].to_numpy().reshape(2, len(x))
    assert not np.allclose(y[0], y[1])  # the replicates differ (else averaging would be moot)
    expected = analyze_design("morris", problem, x, y.mean(axis=0), levels=4, seed=5, output="bmd_change_pct")
    got = table[table["output"] == "bmd_change_pct"].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected)
    assert len(load_results(tmp_path / "r")) == len(runs)


def test_a_range_beyond_the_allowed_values_is_refused_per_field_not_per_run():
    from calcium_abm.batch import BatchError, load_batch

    table = {"scenario": "healthy_adult", "sensitivity": {"parameters": {"mk7_ug_per_day": [0, 1e9],
                                                                          "vitamin_k1_ug_per_day": [50, 200]}}}
    with pytest.raises(BatchError, match=r"sensitivity\.parameters\.mk7_ug_per_day = \[0, 1000000000\] is not "
                                         r"allowed: both ends must be between 0 and \d+ µg/day") as caught:
        load_batch(table)
    assert "run 1" not in str(caught.value) and "vitamin_k1_ug_per_day" not in str(caught.value)


def test_sobol_warns_when_the_sample_is_too_small_and_not_when_it_is_large():
    small = sobol_indices(toy, BOUNDS, samples=4, seed=2)
    large = sobol_indices(toy, BOUNDS, samples=512, seed=2)
    assert (small["warning"] != "").any()
    flagged = small[small["warning"] != ""]
    index, half = flagged[["S1", "ST"]].to_numpy(), flagged[["S1_conf", "ST_conf"]].to_numpy()
    bad = ((index > 1.05) | (index < -0.05) | (half > 0.5)).any(axis=1)
    assert bad.all() and flagged["warning"].str.contains("raise sensitivity.samples").all()
    assert (large["warning"] == "").all()


def test_sobol_of_an_output_the_same_in_every_run_says_so_without_a_numpy_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # SALib divided 0 by 0 and a RuntimeWarning reached the console
        table = sobol_indices(lambda x: 5.0 + 0 * x["a"], {"a": (0, 1), "b": (0, 1)}, samples=8)
    assert (table[["S1", "S1_conf", "ST", "ST_conf"]] == 0).all().all()
    assert table["warning"].str.startswith("the output is the same in every run").all()


def test_mu_star_is_the_effect_scaled_to_the_whole_range_as_the_assumption_page_says():
    from pathlib import Path

    # y = x over [0, 10]: each Morris step crosses 2/3 of the range and changes y by 6.67; mu_star is 10
    table = morris_screening(lambda x: x["a"] + 0 * x["b"], {"a": (0, 10), "b": (0, 1)}, trajectories=4)
    assert table.set_index("parameter").loc["a", "mu_star"] == pytest.approx(10)
    page = (Path(__file__).resolve().parents[1] / "docs" / "sensitivity_assumptions.md").read_text("utf-8")
    assert "crosses 2/3 of its range (one step of the 4 levels), divided by 2/3" in page


def test_sobol_confidence_intervals_are_the_same_every_time_with_seed_0():
    """SALib's sobol.analyze seeds its bootstrap only ``if seed:``: with seed 0, the default
    batch seed, the S1/ST intervals (and the too-few-samples warnings) came from numpy's global
    state and changed between two analyses of the same runs."""
    np.random.seed(1)
    first = sobol_indices(toy, BOUNDS, samples=8, seed=0)
    np.random.seed(2)
    second = sobol_indices(toy, BOUNDS, samples=8, seed=0)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


@pytest.mark.parametrize("call, message", [
    # ZeroDivisionError, SALib's 'Bounds are not legal', int('x'), a silent 2**32 - 1 for seed=-1
    (lambda m: morris_screening(m, {"a": (0, 1), "b": (0, 1)}, trajectories=0), r"trajectories = 0 is not allowed: "
                                                                                r"must be a whole number from 2 to 10000"),
    (lambda m: morris_screening(m, {"a": (0, 1), "b": (0, 1)}, levels=1), r"levels = 1 is not allowed"),
    (lambda m: morris_screening(m, {"a": (1, 0), "b": (0, 1)}), r"bounds\['a'\] = \(1, 0\) is not allowed: must be "
                                                                r"\(low, high\) with finite numbers and high > low"),
    (lambda m: morris_screening(m, {"a": (0, float("nan")), "b": (0, 1)}), r"bounds\['a'\] = \(0, nan\) is not allowed"),
    (lambda m: morris_screening(m, {"a": (0, 1, 2), "b": (0, 1)}), r"bounds\['a'\] = \(0, 1, 2\) is not allowed"),
    (lambda m: morris_screening(m, {"a": (0, 1)}), r"bounds = \{'a': \(0, 1\)\} is not allowed: name at least 2"),
    (lambda m: morris_screening(m, {"a": (0, 1), "b": (0, 1)}, seed=-1), r"seed = -1 is not allowed: must be a whole "
                                                                         r"number from 0 to 9223372036854775807"),
    (lambda m: morris_screening(m, {"a": (0, 1), "b": (0, 1)}, seed="x"), r"seed = 'x' is not allowed"),
    (lambda m: sobol_indices(m, {"a": (0, 1), "b": (0, 1)}, samples=3), r"samples = 3 is not allowed: must be a power "
                                                                        r"of 2 from 2 to 65536"),
    (lambda m: sobol_indices(m, {"a": (0, 1), "b": (0, 1)}, samples=2**20), r"samples = 1048576 is not allowed"),
])
def test_bad_design_arguments_get_one_clear_message(call, message):
    from calcium_abm.errors import UserInputError

    with pytest.raises(UserInputError, match=message):
        call(lambda x: x["a"])
