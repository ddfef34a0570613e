"""Settings a person's run refuses beyond each field's range (found by the stop-35 probes): a woman
who would pass natural menopause still premenopausal, a plaque-growth trait whose plaque starts after
the run; and the batch, output-path and docs refusals found with them."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from calcium_abm import CalciumParadoxModel, simulate
from calcium_abm.batch.plots import _effects
from calcium_abm.batch.spec import BatchError, load_batch
from calcium_abm.cli import main
from calcium_abm.errors import ScenarioError
from test_cli_inputs import rejected
from test_inert_inputs import GRIDS, SMALL, _refused_batch

WOMAN = {"patient.sex": "female", **{f"simulation.{k}": v for k, v in SMALL.items()}}


# ------------------------------------------------------------------ natural menopause during the run


def test_a_premenopausal_woman_who_would_pass_60_is_refused_naming_the_fields(tmp_path, capsys):
    rejected(["run", "healthy_adult", "--years", "20", "--set", "sex=female", "--set", "age_years=59",
              "--out", str(tmp_path / "f.csv")], capsys,
             "simulation.years = 20 is not allowed with patient.age_years = 59 for a premenopausal woman",
             "she would turn 60 on day 366 still premenopausal", "age_at_final_menstrual_period (from 59 to 60)")
    assert not (tmp_path / "f.csv").exists()
    with pytest.raises(ScenarioError, match="natural menopause comes by 60"):  # the model's own check
        CalciumParadoxModel("healthy_adult", years=20, age_years=45, sex="female")


def test_a_woman_whose_menopause_is_planned_or_who_ends_by_60_runs():
    days = simulate("healthy_adult", years=0.1, overrides={**WOMAN, "simulation.years": 0.1})
    assert len(days) > 30  # the README's woman of 50 for 10 years ends at 60: allowed (checked without running)
    from calcium_abm.inputs.menopause import menopause_missed_problem
    from calcium_abm.scenario import load_scenario

    assert menopause_missed_problem(load_scenario("healthy_adult", overrides={
        "patient.sex": "female", "simulation.years": 10})) is None
    planned = load_scenario("healthy_adult", overrides={"patient.sex": "female", "simulation.years": 20,
                                                        "patient.age_years": 45,
                                                        "patient.age_at_final_menstrual_period": 52})
    assert menopause_missed_problem(planned) is None
    scheduled = load_scenario({"name": "s", "patient": {"sex": "female", "age_years": 55},
                               "simulation": {"years": 10},
                               "schedule": [{"start_day": 1500, "set": {"patient.postmenopausal": True}}]})
    assert menopause_missed_problem(scheduled) is None  # menopause before she turns 60 (day 1827)
    late = scheduled.model_copy(update={"schedule": (scheduled.schedule[0].model_copy(update={"start_day": 2000}),)})
    assert "she would turn 60 on day 1827" in menopause_missed_problem(late)


def test_a_batch_run_that_would_pass_menopause_is_refused_before_any_run(tmp_path, capsys):
    text = (f'name = "b"\nyears = 20\n[set]\n{GRIDS}sex = "female"\nage_years = 45\n'
            "[sweep.parameters]\nmk7_ug_per_day = [0, 90]\n")
    _refused_batch(tmp_path, capsys, text, "is not a valid scenario", "natural menopause comes by 60")


# ------------------------------------------------------------------ plaque growth before the plaque's onset


def test_plaque_growth_is_refused_where_the_plaque_starts_after_the_run(tmp_path, capsys):
    rejected(["run", "healthy_adult", "--years", "1", "--set", "wall_plaque_growth=3", "--out",
              str(tmp_path / "w.csv")], capsys,
             "patient.wall_plaque_growth = 3 does nothing in this run", "onset comes at age 53.0 and the run ends at 51.0")
    rejected(["run", "healthy_adult", "--years", "3", "--set", "wall_plaque_growth=3", "--set", "age_years=70",
              "--set", "baseline_calcification_score=0", "--out", str(tmp_path / "w.csv")], capsys,
             "patient.wall_plaque_growth = 3 does nothing in this run")


def test_plaque_growth_acts_once_the_plaque_has_started():
    """A man of 60 is past his onset (53): the trait scales his plaque, so his score differs."""
    over = {"patient.age_years": 60.0, **{f"simulation.{k}": v for k, v in SMALL.items()}}
    typical = simulate("healthy_adult", years=0.2, seed=1, overrides=over)
    faster = simulate("healthy_adult", years=0.2, seed=1, overrides={**over, "patient.wall_plaque_growth": 3.0})
    assert faster["calcification_score"].iloc[-1] > typical["calcification_score"].iloc[-1] + 1.0


def test_a_sweep_of_plaque_growth_before_onset_is_refused_and_taken_after_it(tmp_path, capsys):
    _refused_batch(tmp_path, capsys, f'name = "b"\nyears = 1\n[set]\n{GRIDS}\n[sweep.parameters]\n'
                   "wall_plaque_growth = [1.0, 3.0]\n",
                   "sweep.parameters.wall_plaque_growth = [1, 3] does nothing in any run of this batch",
                   "each run ends before its person's onset")
    from calcium_abm.batch.expand import expand_runs

    spec = load_batch({"name": "b", "years": 1, "set": {**SMALL, "age_years": 60},
                       "sweep": {"parameters": {"wall_plaque_growth": [1.0, 3.0]}}})
    assert len(expand_runs(spec)) == 2


# ------------------------------------------------------------------ batch files


def test_a_parallel_cohort_needs_a_patient_per_arm():
    table = {"name": "b", "years": 0.05, "set": SMALL,
             "cohort": {"patients": 2, "randomisation_day": 1},
             "arms": [{"name": "a"}, {"name": "b", "set": {"mk7_ug_per_day": 90}},
                      {"name": "c", "set": {"mk7_ug_per_day": 180}}]}
    with pytest.raises(BatchError, match="cohort.patients = 2 is not allowed with 3 arms in a parallel design: "
                                         "must be at least 3"):
        load_batch(table)
    load_batch({**table, "cohort": {"patients": 2, "randomisation_day": 1, "design": "crossover"}})


def test_a_top_level_length_the_sweep_varies_is_refused(tmp_path, capsys):
    _refused_batch(tmp_path, capsys, f'name = "b"\nyears = 0.1\n[set]\n{GRIDS}\n[sweep.parameters]\n'
                   "years = [0.1, 0.2]\n",
                   "years = 0.1 (top level) and sweep.parameters.years both give simulation.years")


def test_the_effects_plot_is_left_out_when_no_arm_has_runs_beside_the_control(tmp_path):
    saved: list[str] = []
    _effects({"effects": pd.DataFrame()}, tmp_path, saved)
    assert saved == [] and not list(tmp_path.iterdir())


# ------------------------------------------------------------------ output paths


def test_an_output_path_that_loops_or_looks_like_windows_is_refused(tmp_path, capsys):
    loop = tmp_path / "l1.csv"
    loop.symlink_to(tmp_path / "l2.csv")
    (tmp_path / "l2.csv").symlink_to(loop)
    rejected(["run", "healthy_adult", "--years", "0.05", "--out", str(loop)], capsys, "is a symbolic link in a loop")
    assert loop.is_symlink()
    rejected(["run", "healthy_adult", "--years", "0.05", "--out", "C:\\Users\\me\\out.csv"], capsys,
             "has a backslash")
    assert not any("\\" in name for name in os.listdir("."))


def test_docs_refuses_an_empty_out_dir(capsys):
    assert main(["docs", "--out-dir", ""]) == 2
    assert "--out-dir '' is empty" in capsys.readouterr().err
