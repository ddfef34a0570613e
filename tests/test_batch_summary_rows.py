"""Summary runs record only their ends: ``simulate(..., rows="ends")`` and a batch's
``output = "summary"`` give the same day-0 and last-day values, bit for bit, and the same
physiology warnings as a run that records every day, also when the run leaves physiology
only on a day between its ends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from calcium_abm.batch import load_results, run_batch
from calcium_abm.batch.runner import summary_row
from calcium_abm.outputs import COLUMNS, physiology_warning
from calcium_abm.physiology.kidney import PHYSIOLOGICAL_RANGES
from calcium_abm.scenario import load_scenario
from calcium_abm.simulation import simulate

TINY = {f"{tissue}_grid_{side}": 8 for tissue in ("bone", "vessel") for side in ("width", "height")}


#: the first day of the excursion's week at 3 g/day of phosphate
EXCURSION_START_DAY = 5


def excursion_scenario(record_every_days: int = 1):
    """Kidneys at GFR 10 on 800 mg/day of phosphate are physiological; a week at 5 g/day (days 5-12; at GFR 10
    about 3 g/day of it is eaten, dialysis.mineral_intake_share) lifts serum phosphate above 4 mmol/L, and it falls
    back by the end."""
    return load_scenario({"name": "excursion", "kidney": {"residual_gfr_ml_per_min": 10.0},
                          "diet": {"phosphate_mg_per_day": 800.0},
                          "simulation": {"years": 30 / 365, "record_every_days": record_every_days, **TINY},
                          "schedule": [{"start_day": EXCURSION_START_DAY, "end_day": 12,
                                        "set": {"diet.phosphate_mg_per_day": 5000.0}}]})


CASES = {
    "healthy_adult": lambda: load_scenario("healthy_adult").with_overrides({"simulation.years": 20 / 365, **TINY}),
    "haemodialysis": lambda: load_scenario("haemodialysis").with_overrides({"simulation.years": 20 / 365, **TINY}),
    "long_term_warfarin": lambda: load_scenario("long_term_warfarin").with_overrides(
        {"simulation.years": 20 / 365, "simulation.record_every_days": 3, **TINY}),
    "excursion": excursion_scenario,
    "excursion_every_4_days": lambda: excursion_scenario(4),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_ends_are_the_first_and_last_recorded_rows_bit_for_bit(case):
    scenario = CASES[case]()
    every = simulate(scenario, seed=3)
    ends = simulate(scenario, seed=3, rows="ends")
    assert len(every) > 2 and len(ends) == 2
    pdt.assert_frame_equal(ends, every.iloc[[0, -1]].reset_index(drop=True), check_exact=True)
    assert ends.attrs == every.attrs  # scenario, seed, units and the physiology warnings


def test_a_warning_from_a_day_between_the_ends_is_kept():
    """The excursion is on neither end: a check of the two kept rows alone would miss it. The
    warning names the first day and quantity out of range: on an 8 x 8 section a handful of bone
    cells moves serum calcium, and the phosphate load lowers it, so calcium may leave its range
    before phosphate does (seed 3: calcium on day 7, phosphate above 4 from day 9)."""
    scenario = excursion_scenario()
    every = simulate(scenario, seed=3)
    ends = simulate(scenario, seed=3, rows="ends")
    assert physiology_warning(every.iloc[[0, -1]], scenario) is None
    assert every["serum_phosphate_mmol_l"].max() > 4.0  # the week of phosphate leaves physiology
    outside = {name: ~every[name].between(low, high) for name, (low, high) in PHYSIOLOGICAL_RANGES.items()}
    first_row = int(np.flatnonzero(np.logical_or.reduce(list(outside.values())))[0])
    name = next(name for name, out in outside.items() if out.iloc[first_row])
    first_day = int(every["day"].iloc[first_row])
    assert EXCURSION_START_DAY <= first_day < every["day"].iloc[-1]
    warnings = ends.attrs["physiology_warnings"]
    assert len(warnings) == 1 and f"on day {first_day}: {name} = " in warnings[0]
    assert warnings == every.attrs["physiology_warnings"]


def test_a_run_of_zero_recorded_days_between_keeps_its_ends():
    scenario = load_scenario("healthy_adult").with_overrides({"simulation.years": 1 / 365, **TINY})
    every, ends = simulate(scenario, seed=1), simulate(scenario, seed=1, rows="ends")
    assert len(every) == 2
    pdt.assert_frame_equal(ends, every, check_exact=True)


def test_rows_other_than_all_or_ends_are_refused():
    with pytest.raises(ValueError, match=r"rows = 'last' is not allowed: must be one of 'all', 'ends'"):
        simulate("healthy_adult", years=1 / 365, rows="last", overrides=TINY)


#: an 8 x 8 vessel and a 32 x 32 bone section: serum calcium at GFR 10 swings with the few bone
#: cells of an 8 x 8 section (a person of 64 on 800 mg/day of phosphate fell to 1.56 mmol/L in one
#: draw) and stays within 2.2-2.4 on a 64 x 64 one
STEADY_BONE = {**TINY, "bone_grid_width": 32, "bone_grid_height": 32}


def test_a_summary_batch_equals_the_summary_of_its_daily_runs(tmp_path):
    """Per run, the summary file's row is summary_row of the daily run (every column, bit for
    bit) and the two carry the same physiology warnings; the arm with the week of phosphate
    leaves physiology mid-run, the usual arm does not."""
    batch = {"name": "ends", "scenario": "healthy_adult", "seed": 2, "years": 30 / 365,
             "set": {**STEADY_BONE, "residual_gfr_ml_per_min": 10.0, "phosphate_mg_per_day": 800.0},
             "cohort": {"patients": 2, "distributions": {
                 "age_years": {"distribution": "uniform", "min": 50, "max": 70}}},
             "arms": [{"name": "usual"},
                      {"name": "week_of_phosphate", "schedule": [
                          {"start_day": 5, "end_day": 12, "set": {"phosphate_mg_per_day": 5000.0}}]}]}
    run_batch({**batch, "output": "daily"}, tmp_path / "daily")
    run_batch({**batch, "output": "summary"}, tmp_path / "summary")
    daily, summary = load_results(tmp_path / "daily"), load_results(tmp_path / "summary")
    labels = [c for c in daily.columns if c not in COLUMNS]
    expected = pd.DataFrame([{**frame[labels].iloc[0].to_dict(), **summary_row(frame.drop(columns=labels))}
                             for _, frame in daily.groupby("run_index", sort=True)])
    got = summary.sort_values("run_index").reset_index(drop=True)
    expected = expected.drop(columns=["run_id"])
    pdt.assert_frame_equal(got.drop(columns=["run_id"])[list(expected.columns)], expected, check_exact=True,
                           check_dtype=False)
    index_of = lambda results: {rid: int(i) for rid, i in zip(results["run_id"], results["run_index"])}  # noqa: E731
    warned = lambda results: {index_of(results)[rid]: w for rid, w in results.attrs["physiology_warnings"].items()}  # noqa: E731
    arm_of = dict(zip(daily["run_index"], daily["arm"]))
    assert warned(summary) == warned(daily)
    assert set(arm_of.values()) == {"usual", "week_of_phosphate"}
    assert set(warned(daily)) == {i for i, arm in arm_of.items() if arm == "week_of_phosphate"}


def _cohort(patients: int) -> dict:
    return {"name": "parts", "scenario": "healthy_adult", "seed": 4, "years": 3 / 365, "output": "summary",
            "set": dict(TINY), "cohort": {"patients": patients, "distributions": {
                "age_years": {"distribution": "uniform", "min": 50, "max": 70}}}, "arms": [{"name": "usual"}]}


def test_summary_runs_are_saved_in_files_of_several_runs_and_a_stopped_batch_resumes(tmp_path, monkeypatch):
    """Files of at most SUMMARY_RUNS_PER_FILE runs; a batch stopped after its third run keeps
    the three (buffered runs are written when it stops), and --resume gives the rows of an
    uninterrupted batch."""
    from calcium_abm.batch import runner
    from calcium_abm.batch.store import RUNS_DIR

    monkeypatch.setattr(runner, "SUMMARY_RUNS_PER_FILE", 2)
    whole = tmp_path / "whole"
    run_batch(_cohort(5), whole)
    files = sorted(p.name for p in (whole / RUNS_DIR).iterdir())
    assert len(files) == 3 and all(name.startswith("part-") for name in files)
    assert sorted(int(name.rsplit("-", 1)[1].split(".")[0]) for name in files) == [1, 2, 2]

    seen = []

    def stop_after_three(result):
        seen.append(result[0])
        if len(seen) == 3:
            raise KeyboardInterrupt

    stopped = tmp_path / "stopped"
    with pytest.raises(KeyboardInterrupt):
        run_batch(_cohort(5), stopped, on_result=stop_after_three)
    assert sorted(load_results(stopped)["run_id"]) == sorted(seen)
    table = run_batch(_cohort(5), stopped, resume=True)
    assert list(table["status"]).count("already done") == 3
    order = lambda folder: load_results(folder).sort_values("run_index").reset_index(drop=True)  # noqa: E731
    pdt.assert_frame_equal(order(stopped), order(whole), check_exact=True)
