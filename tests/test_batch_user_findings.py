"""The first-use findings of a virtual-trial user (2026-12-06): incident severe calcification (finding 8),
exact shares in sweeps (9), a note on BMD outcomes from small bone grids (1), power files per outcome (11) and
a batch still running (10)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from calcium_abm.batch import load_batch, relative_risks, run_outcomes
from calcium_abm.batch.analysis import report_markdown

SMALL = {"bone_grid_width": 8, "bone_grid_height": 8, "vessel_grid_width": 8, "vessel_grid_height": 8}


def trial_spec():
    return load_batch({"scenario": "healthy_adult",
                       "cohort": {"patients": 3},
                       "arms": [{"name": "placebo"}, {"name": "mk7", "set": {"mk7_ug_per_day": 180}}],
                       "analysis": {"outcomes": {"calcification_score": "change"},
                                    "severe_calcification": {"column": "calcification_score", "above": 100}}})


def three_runs() -> pd.DataFrame:
    """Placebo: one run crosses 100 AU during the trial, one is above it from day 0; mk7: one stays low."""
    rows = []
    for run, arm, patient, score in [(0, "placebo", 0, [1.0, 50.0, 150.0]), (1, "placebo", 1, [120.0, 150.0, 200.0]),
                                     (2, "mk7", 2, [2.0, 3.0, 4.0])]:
        for day in range(3):
            rows.append({"run_index": run, "run_id": f"r{run}", "seed": 1, "arm": arm, "patient": patient,
                         "day": day * 10, "years": day * 10 / 365, "calcification_score": score[day]})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ finding 8: incident events


def test_severe_calcification_is_incident_and_a_run_above_the_threshold_on_day_0_is_left_out():
    per_run = run_outcomes(three_runs(), trial_spec(), output="daily")
    assert list(per_run["severe_at_baseline"]) == [False, True, False]
    assert list(per_run["severe_calcification"]) == [True, None, False]  # the prevalent run: neither
    table = relative_risks(per_run, "severe_calcification", None, control="placebo", excluded="severe_at_baseline")
    mk7 = table.set_index("arm").loc["mk7"]
    assert mk7["n"] == 1 and mk7["events"] == 0 and mk7["excluded"] == 0
    # the control's risk is 1 of 1 (the prevalent run is not in its denominator), not 2 of 2
    assert mk7["relative_risk"] == 0.0


def test_relative_risks_leave_out_the_excluded_runs_even_if_the_event_column_counts_them():
    frame = pd.DataFrame({"arm": ["a"] * 6, "patient": range(6), "x": [1.0, 2, 3, 4, 5, 6],
                          "event": [True, True, False, True, True, False],
                          "above_on_day_0": [False, True, False, False, True, False]})
    by_tertile = relative_risks(frame, "event", "x", excluded="above_on_day_0").set_index("tertile")
    assert list(by_tertile["n"]) == [1, 2, 1] and list(by_tertile["events"]) == [1, 1, 0]
    assert list(by_tertile["excluded"]) == [1, 0, 1]


def test_the_report_says_how_many_runs_per_arm_were_already_severe_on_day_0():
    spec = trial_spec()
    per_run = run_outcomes(three_runs(), spec, output="daily")
    manifest = {"runs": [{}] * 3, "package_version": "0", "created": "today"}
    text = report_markdown(spec, manifest, {"per_run": per_run}, [])
    line = next(x for x in text.splitlines() if x.startswith("- severe calcification"))
    assert "incident" in line and "placebo 1 of 2, mk7 0 of 1" in line, line


# ------------------------------------------------------------------ finding 9: exact shares


def test_a_share_gets_the_exact_binomial_interval_not_a_t_interval_of_0_and_1():
    from calcium_abm.batch.statistics import group_shares, share_ci

    three = share_ci(3, 3)
    assert three["share"] == 1.0 and three["ci_high"] == 1.0
    assert three["ci_low"] == pytest.approx(0.29240177382128663)  # (0.025)**(1/3), Clopper-Pearson for 3 of 3
    none = share_ci(0, 3)
    assert none["ci_low"] == 0.0 and none["ci_high"] == pytest.approx(1 - 0.025 ** (1 / 3))
    assert math.isnan(share_ci(0, 0)["share"])
    frame = pd.DataFrame({"point": [0, 0, 0, 1, 1, 1], "event": [True, True, True, False, None, True],
                          "out": [False, False, False, False, False, True]})
    shares = group_shares(frame, ["point"], "event", excluded="out").set_index("point")
    assert list(shares["n"]) == [3, 1] and list(shares["events"]) == [3, 0] and list(shares["excluded"]) == [0, 1]
    assert shares.loc[0, "ci_low"] == pytest.approx(three["ci_low"])


def test_a_sweeps_share_of_severe_runs_has_a_binomial_interval(tmp_path):
    from calcium_abm.batch import run_batch, summarize

    batch = {"name": "sw", "scenario": "healthy_adult", "years": 0.02, "output": "summary", "set": SMALL,
             "sweep": {"replicates": 2, "parameters": {"mk7_ug_per_day": [0, 360]}},
             "analysis": {"outcomes": {"calcification_score": "final"},
                          "severe_calcification": {"column": "calcification_score", "above": 0}}}
    run_batch(batch, tmp_path / "sw", workers=1, progress=False)
    table = summarize(tmp_path / "sw", tmp_path / "report")["severe_by_point"]
    assert len(table) == 2
    for _, row in table.iterrows():
        interval = stats.binomtest(int(row["events"]), int(row["n"])).proportion_ci(method="exact")
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((interval.low, interval.high))
        assert row["ci_high"] - row["ci_low"] > 0.5  # 2 runs: never a zero-width [0, 0] or [1, 1]


# ------------------------------------------------------------------ finding 6: no percent change of a calcium score


def test_a_percent_change_of_the_calcification_score_is_refused_naming_the_field_the_value_and_what_is_allowed(
        tmp_path, capsys):
    """Runs starting at 0 AU have no percent change (19 of 40 dropped, unequally by arm) and runs starting at 0.04 AU
    read +16,681 %: the user's `calcification_score = "pct_change"` gave a meaningless, biased effect."""
    from calcium_abm.batch.spec import BatchError
    from calcium_abm.cli import main

    data = {"scenario": "healthy_adult", "cohort": {"patients": 2}, "arms": [{"name": "a"}],
            "analysis": {"outcomes": {"calcification_score": "pct_change"}}}
    with pytest.raises(BatchError) as err:
        load_batch(data)
    text = str(err.value)
    assert 'analysis.outcomes.calcification_score = "pct_change" is not allowed: ' in text, text
    assert text.endswith("so only 'final' or 'change' is allowed"), text
    spec = tmp_path / "b.toml"
    spec.write_text('name = "c"\nyears = 0.02\n[cohort]\npatients = 2\n[[arms]]\nname = "a"\n'
                    '[analysis]\noutcomes = { calcification_score = "pct_change" }\n', encoding="utf-8")
    assert main(["batch", str(spec), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "calcification_score" in capsys.readouterr().err and not (tmp_path / "o").exists()
    load_batch({**data, "analysis": {"outcomes": {"calcification_score": "change"}}})  # its change stays allowed
    for column in ("vessel_calcification_mg", "calcified_area_fraction"):  # the same wall calcium, the same flaw
        with pytest.raises(BatchError, match=rf'analysis.outcomes.{column} = "pct_change" is not allowed: the vessel '
                                             "wall's calcium is 0 or near 0 on day 0"):
            load_batch({**data, "analysis": {"outcomes": {column: "pct_change"}}})


# ------------------------------------------------------------------ a small pilot for findings 1, 11 and 10


@pytest.fixture(scope="module")
def pilot(tmp_path_factory):
    """A 6-patient two-arm pilot on 8 x 8 grids, daily output (a run file each), with a BMD outcome."""
    from calcium_abm.batch import run_batch

    out = tmp_path_factory.mktemp("pilot") / "p"
    run_batch({"name": "pilot", "scenario": "healthy_adult", "seed": 3, "years": 0.03, "set": SMALL,
               "cohort": {"patients": 6},
               "arms": [{"name": "placebo"}, {"name": "mk7", "add": {"mk7_ug_per_day": 360}}],
               "analysis": {"outcomes": {"bmd_change_pct": "final", "dp_ucmgp_pmol_l": "final"}}},
              out, workers=1, progress=False)
    return out


# ------------------------------------------------------------------ finding 1: BMD outcomes on small bone grids


def test_small_grid_note_names_the_bmd_outcomes_and_the_grids_below_32_x_32():
    from calcium_abm.batch.analysis import small_grid_note
    from calcium_abm.outputs import SMALL_BONE_GRID_SIDE

    assert SMALL_BONE_GRID_SIDE == 32  # the side docs/batch.md gives
    manifest = {"base_scenario_toml": "[simulation]\nbone_grid_width = 32\nbone_grid_height = 32\n",
                "runs": [{"overrides": {}}, {"overrides": {"simulation.bone_grid_width": 16}}]}
    note = small_grid_note(manifest, ["lumbar_spine_dxa_bmd_g_cm2_pct_change", "dp_ucmgp_pmol_l_pct_change"])
    assert note.startswith("BMD outcome lumbar_spine_dxa_bmd_g_cm2_pct_change: the runs' bone grids are 16 x 32, "
                           "below 32 x 32"), note
    assert small_grid_note(manifest, ["dp_ucmgp_pmol_l_pct_change", "calcification_score"]) is None
    assert small_grid_note({**manifest, "runs": [{"overrides": {}}]}, ["bmd_change_pct"]) is None  # 32 x 32 is enough


def test_summarize_and_power_say_when_a_bmd_outcome_comes_from_bone_grids_below_32_x_32(pilot, tmp_path, capsys):
    from calcium_abm.cli import main

    assert main(["summarize", str(pilot), "--out", str(tmp_path / "s"), "--quiet"]) == 0
    report = (tmp_path / "s" / "report.md").read_text("utf-8")
    assert "BMD outcome bmd_change_pct: the runs' bone grids are 8 x 8, below 32 x 32" in report, report
    assert "warning: BMD outcome bmd_change_pct: the runs' bone grids are 8 x 8" in capsys.readouterr().err
    argv = ["power", str(pilot), "--sizes", "4", "--simulations", "20", "--out", str(tmp_path / "w")]
    assert main([*argv, "--outcome", "bmd_change_pct"]) == 0
    assert "warning: BMD outcome bmd_change_pct: the runs' bone grids are 8 x 8" in capsys.readouterr().err
    assert main([*argv, "--outcome", "dp_ucmgp_pmol_l"]) == 0
    assert "bone grids" not in capsys.readouterr().err  # not a BMD outcome


# ------------------------------------------------------------------ finding 11: power files per outcome


def test_power_for_another_outcome_writes_beside_the_first_and_each_table_names_what_it_measured(pilot, tmp_path,
                                                                                               capsys):
    from calcium_abm.cli import main

    argv = ["power", str(pilot), "--sizes", "4,8", "--simulations", "20", "--out", str(tmp_path)]
    assert main([*argv, "--outcome", "bmd_change_pct", "--effect", "1"]) == 0
    assert main([*argv, "--outcome", "dp_ucmgp_pmol_l", "--analysis", "ancova"]) == 0
    capsys.readouterr()
    names = {p.name for p in tmp_path.iterdir()}
    assert {"power_bmd_change_pct_mk7_welch.csv", "power_bmd_change_pct_mk7_welch.png",
            "power_dp_ucmgp_pmol_l_mk7_ancova.csv", "power_dp_ucmgp_pmol_l_mk7_ancova.png"} <= names, names
    first = pd.read_csv(tmp_path / "power_bmd_change_pct_mk7_welch.csv")
    assert list(first.columns[:4]) == ["outcome", "arm", "control", "n_per_arm"]
    assert set(first["outcome"]) == {"bmd_change_pct"} and set(first["analysis"]) == {"welch"}
    assert set(first["arm"]) == {"mk7"} and set(first["control"]) == {"placebo"} and set(first["effect"]) == {1.0}
    second = pd.read_csv(tmp_path / "power_dp_ucmgp_pmol_l_mk7_ancova.csv")
    assert set(second["outcome"]) == {"dp_ucmgp_pmol_l"} and set(second["analysis"]) == {"ancova"}


# ------------------------------------------------------------------ finding 10: a batch still running


def test_summarize_of_a_batch_still_running_says_so_instead_of_advising_resume(pilot, tmp_path, capsys):
    import shutil

    from calcium_abm.batch.store import claim_output, open_batch
    from calcium_abm.cli import main

    out = tmp_path / "p"
    shutil.copytree(pilot, out)
    next((out / "runs").glob("run-*.parquet")).unlink()  # one run not finished yet
    with claim_output(out):  # held as a running batch holds it
        note = open_batch(out).missing_note()
        assert note.startswith(f"'{out}' is still running") and "1 of 6 runs have not finished yet" in note, note
        assert "--resume" not in note and "stopped" not in note
        assert main(["summarize", str(out), "--quiet"]) == 0
        err = capsys.readouterr().err
        assert "is still running" in err and "--resume" not in err, err
        report = (out / "summary" / "report.md").read_text("utf-8")
        assert "is still running" in report and report.count("summarise") == 1  # the advice once, not twice
    # the batch has ended (the lock is free) with the run still missing: stopped, and --resume finishes it
    note = open_batch(out).missing_note()
    assert "was stopped" in note and "--resume" in note and "still running" not in note, note


def test_the_docs_numbers_on_these_findings_are_the_codes():
    from pathlib import Path

    from calcium_abm.batch.statistics import share_ci
    from calcium_abm.outputs import SMALL_BONE_GRID_SIDE

    doc = " ".join((Path(__file__).resolve().parent.parent / "docs" / "batch.md").read_text("utf-8").split())
    side = SMALL_BONE_GRID_SIDE
    assert f"bone grids below {side} x {side} (`calcium_abm.outputs.SMALL_BONE_GRID_SIDE`)" in doc
    assert f"bone grids of {side} x {side} or more" in doc
    assert f"3 events in 3 runs read {share_ci(3, 3)['ci_low']:.2f} to 1" in doc
    assert "(`placebo 1 of 2, mk7 0 of 1`:" in doc  # the report line of test_the_report_says_how_many_...
    assert "`power_<outcome>_<arm>_<analysis>.csv`" in doc and "upper bound" in doc


# ------------------------------------------------------------------ finding 7: a run-in's baselines


@pytest.mark.parametrize("day, noted", [(30, True), (1, False)])
def test_the_notes_say_that_a_run_in_s_changes_start_at_day_0(day, noted):
    """Baselines are day 0's; with randomisation_day 30 a new user's 3-year change silently included the run-in."""
    from calcium_abm.batch.analysis import outcome_notes

    spec = load_batch({"scenario": "healthy_adult", "years": 0.2, "cohort": {"patients": 3, "randomisation_day": day},
                       "arms": [{"name": "placebo"}, {"name": "mk7", "set": {"mk7_ug_per_day": 180}}],
                       "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "change"}}})
    per_run = pd.DataFrame({"dp_ucmgp_pmol_l_baseline": [300.0, 310.0], "dp_ucmgp_pmol_l_final": [290.0, 200.0]})
    text = "\n".join(outcome_notes(spec, per_run))
    assert (f"baselines are day 0's (the screening visit), {day} days before randomisation" in text) is noted
