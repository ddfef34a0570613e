"""`summarize` reads a batch once, and the trial analyses (Table 1, ANCOVA) against hand
computations on small hand-made tables."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calcium_abm.batch import ancova_effects, baseline_table, run_batch, summarize, trial_effects
from calcium_abm.batch.store import MANIFEST

SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}


def count_reads(monkeypatch) -> Counter:
    """Count reads of manifest.json (Path.read_text) and of Parquet files (pq.read_table), per file."""
    import pyarrow.parquet as pq

    reads: Counter = Counter()
    real_read_text, real_read_table = Path.read_text, pq.read_table

    def read_text(self, *args, **kwargs):
        if self.name == MANIFEST:
            reads[MANIFEST] += 1
        return real_read_text(self, *args, **kwargs)

    def read_table(source, *args, **kwargs):
        reads[Path(source).name] += 1
        return real_read_table(source, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    monkeypatch.setattr(pq, "read_table", read_table)
    return reads


def test_summarize_of_a_daily_cohort_reads_the_manifest_and_each_run_once(tmp_path, monkeypatch):
    batch = {"name": "trial", "scenario": "healthy_adult", "seed": 3, "years": 0.05, "record_every_days": 6,
             "set": dict(SMALL),
             "cohort": {"patients": 6, "distributions": {"calcium_mg_per_day":
                                                         {"distribution": "normal", "mean": 900, "sd": 200}}},
             "arms": [{"name": "placebo"}, {"name": "mk7", "add": {"mk7_ug_per_day": 360}}],
             "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "change", "bmd_change_pct": "final"},
                          "severe_calcification": {"column": "calcification_score", "above": 100},
                          "tertiles_of": "calcium_mg_per_day"}}
    run_batch(batch, tmp_path / "b")
    reads = count_reads(monkeypatch)
    tables = summarize(tmp_path / "b")
    runs = sorted((tmp_path / "b" / "runs").glob("*.parquet"))
    assert len(runs) == 6
    assert reads[MANIFEST] == 1, reads
    assert {name: reads[name] for name in (r.name for r in runs)} == {r.name: 1 for r in runs}, reads
    assert {"baseline", "by_arm", "effects", "ancova", "relative_risks"} <= set(tables)
    report = (tmp_path / "b" / "summary" / "report.md").read_text()
    assert "Table 1" in report and "ANCOVA" in report and (tmp_path / "b" / "summary" / "time_course.png").is_file()
    table1 = tables["baseline"].set_index("characteristic")
    assert table1.loc["runs", "placebo"] == "3" and table1.loc["runs", "mk7"] == "3"
    assert "calcium_mg_per_day" in table1.index and "dp_ucmgp_pmol_l_baseline" in table1.index
    assert "bmd_change_pct_baseline" not in table1.index  # 0 (0) in every arm: a trialist read it as clutter


def test_summarize_of_a_sensitivity_batch_reads_each_file_once(tmp_path, monkeypatch):
    batch = {"name": "m", "scenario": "healthy_adult", "seed": 5, "years": 0.02, "output": "summary",
             "set": dict(SMALL),
             "sensitivity": {"method": "morris", "trajectories": 2, "levels": 4,
                             "parameters": {"mk7_ug_per_day": [0.0, 360.0], "calcium_mg_per_day": [600, 1200]}},
             "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "final"}}}
    run_batch(batch, tmp_path / "m")
    reads = count_reads(monkeypatch)
    tables = summarize(tmp_path / "m")
    assert reads[MANIFEST] == 1, reads  # was six reads before the batch was opened once
    parquet = {k: v for k, v in reads.items() if k.endswith(".parquet")}
    assert parquet and set(parquet.values()) == {1}, reads
    assert set(tables["indices"]["parameter"]) == {"mk7_ug_per_day", "calcium_mg_per_day"}


# ---------------------------------------------------------------------- ANCOVA


def ancova_data(seed: int = 1, n: int = 40, effect: float = -30.0) -> pd.DataFrame:
    """Baselines spread widely; the outcome is mostly the baseline, plus the effect and noise."""
    rng = np.random.default_rng(seed)
    arm = np.repeat(["placebo", "mk7"], n // 2)
    baseline = rng.normal(400.0, 100.0, n)
    final = 0.5 * baseline + 200.0 + np.where(arm == "mk7", effect, 0.0) + rng.normal(0.0, 10.0, n)
    return pd.DataFrame({"arm": arm, "y_baseline": baseline, "y_change": final - baseline})


def test_ancova_effect_is_the_baseline_adjusted_difference():
    data = ancova_data()
    row = ancova_effects(data, [("y_change", "y_baseline")], "placebo").iloc[0]
    # by hand: difference of means minus the pooled within-arm slope times the baseline difference
    x, y, g = data["y_baseline"], data["y_change"], data["arm"]
    xc, yc = x - x.groupby(g).transform("mean"), y - y.groupby(g).transform("mean")
    slope = float((xc * yc).sum() / (xc ** 2).sum())
    means = data.groupby("arm")[["y_baseline", "y_change"]].mean()
    adjusted = (means.loc["mk7", "y_change"] - means.loc["placebo", "y_change"]
                - slope * (means.loc["mk7", "y_baseline"] - means.loc["placebo", "y_baseline"]))
    assert row["difference"] == pytest.approx(adjusted, rel=1e-10)
    # its standard error from the normal equations, s^2 (X'X)^-1, with n - 3 degrees of freedom
    design = np.column_stack([np.ones(len(data)), (g == "mk7").astype(float), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    s2 = float(residual @ residual) / (len(data) - 3)
    se = math.sqrt(s2 * np.linalg.inv(design.T @ design)[1, 1])
    half = stats.t.ppf(0.975, len(data) - 3) * se
    assert row["ci_low"] == pytest.approx(adjusted - half, rel=1e-8)
    assert row["ci_high"] == pytest.approx(adjusted + half, rel=1e-8)
    assert row["n"] == 40 and row["adjusted_for"] == "y_baseline"


def test_ancova_narrows_the_interval_when_the_baseline_predicts_the_outcome():
    data = ancova_data(seed=2)
    ancova = ancova_effects(data, [("y_change", "y_baseline")], "placebo").iloc[0]
    welch = trial_effects(data, ["y_change"], "placebo").iloc[0]
    assert ancova["ci_low"] < -30.0 < ancova["ci_high"]  # covers the true effect
    assert (ancova["ci_high"] - ancova["ci_low"]) < 0.7 * (welch["ci_high"] - welch["ci_low"])


def test_ancova_without_baseline_spread_is_the_plain_difference():
    data = pd.DataFrame({"arm": ["a", "a", "a", "b", "b", "b"], "y": [1.0, 2.0, 3.0, 3.0, 4.0, 8.0],
                         "y_baseline": [0.0] * 6})
    row = ancova_effects(data, [("y", "y_baseline")], "a").iloc[0]
    assert row["difference"] == pytest.approx(3.0) and row["adjusted_for"].startswith("nothing")
    collinear = data.assign(y_baseline=[5.0, 5.0, 5.0, 1.0, 1.0, 1.0])  # arms that start apart
    assert ancova_effects(collinear, [("y", "y_baseline")], "a").iloc[0]["adjusted_for"].startswith("nothing")
    pooled = math.sqrt((2 * 1.0 + 2 * 7.0) / 4 * (1 / 3 + 1 / 3))  # equal-variance t: variances 1 and 7
    assert row["ci_high"] == pytest.approx(3.0 + stats.t.ppf(0.975, 4) * pooled)


# --------------------------------------------------------------------- Table 1


def test_baseline_table_reports_means_and_counts_per_arm():
    per_run = pd.DataFrame({"arm": ["placebo", "placebo", "mk7", "mk7"], "sex": ["female", "male", "female", "female"],
                            "ckd_stage": [0, 3, 0, 0], "postmenopausal": [True, False, False, True],
                            "age_years": [50.0, 70.0, 60.0, 62.0]})
    table = baseline_table(per_run, ["sex", "ckd_stage", "postmenopausal", "age_years", "not_there"])
    assert list(table.columns) == ["characteristic", "statistic", "placebo", "mk7"]
    rows = table.set_index("characteristic")
    assert rows.loc["runs", "placebo"] == "2"
    assert rows.loc["sex = female", "placebo"] == "1 (50 %)" and rows.loc["sex = female", "mk7"] == "2 (100 %)"
    assert rows.loc["ckd_stage = 3", "placebo"] == "1 (50 %)" and rows.loc["ckd_stage = 3", "mk7"] == "0 (0 %)"
    # menopause is counted among the women of each arm (the man of placebo is not a "False")
    assert rows.loc["postmenopausal = True (women)", "mk7"] == "1 (50 %)"
    assert rows.loc["postmenopausal = True (women)", "placebo"] == "1 (100 %)"
    assert rows.loc["postmenopausal = False (women)", "placebo"] == "0 (0 %)"
    assert rows.loc["postmenopausal = True (women)", "statistic"] == "n (% of women)"
    assert rows.loc["age_years", "placebo"] == f"60 ({math.sqrt(200):.3g})"  # mean 60, SD 14.1
    assert rows.loc["age_years", "statistic"] == "mean (SD)" and "not_there" not in rows.index


def test_table_1_lists_the_arms_in_the_order_of_the_batch_file():
    """Runs come in randomisation order, so a trial whose first patient drew the supplement got
    a Table 1 with the treated arm first; the file's order (control first) is the trial's."""
    per_run = pd.DataFrame({"arm": ["mk7", "placebo", "mk7", "placebo"], "age_years": [50.0, 70.0, 60.0, 62.0]})
    assert list(baseline_table(per_run, ["age_years"], arms=["placebo", "mk7"]).columns) == [
        "characteristic", "statistic", "placebo", "mk7"]
    assert list(baseline_table(per_run, ["age_years"]).columns)[2:] == ["mk7", "placebo"]  # no order given


def test_ancova_of_an_outcome_without_a_baseline_compares_plain_means():
    """A day's flow has no day-0 value: its baseline column is all missing (not a traceback)."""
    data = ancova_data(seed=3).assign(y_baseline=np.nan)
    row = ancova_effects(data, [("y_change", "y_baseline")], "placebo").iloc[0]
    means = data.groupby("arm")["y_change"].mean()
    assert row["difference"] == pytest.approx(means["mk7"] - means["placebo"], rel=1e-10)
    assert row["n"] == len(data) and "no baseline value" in row["adjusted_for"]


def test_table_1_leaves_out_a_baseline_that_no_run_has():
    data = ancova_data(seed=3).assign(flow_baseline=np.nan)
    table = baseline_table(data, ["y_baseline", "flow_baseline"])
    assert "y_baseline" in set(table["characteristic"]) and "flow_baseline" not in set(table["characteristic"])


@pytest.mark.parametrize("name", ["summarize", "batch", "power", "sensitivity"])
def test_help_shows_no_doubled_percent_sign(name, capsys):
    from calcium_abm.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args([name, "--help"])
    assert "%%" not in capsys.readouterr().out


def test_table_1_gives_no_sd_for_one_run():
    data = pd.DataFrame({"arm": ["a", "a", "b"], "x": [1.0, 3.0, 8.54]})
    row = baseline_table(data, ["x"]).set_index("characteristic").loc["x"]
    assert row["a"] == "2 (1.41)" and row["b"] == "8.54 (n = 1)"


def test_table_1_writes_an_intake_in_the_thousands_without_an_exponent():
    data = pd.DataFrame({"arm": ["a", "a"], "calcium_mg_per_day": [1000.0, 1280.0]})
    row = baseline_table(data, ["calcium_mg_per_day"]).set_index("characteristic").loc["calcium_mg_per_day"]
    assert row["a"] == "1140 (198)"  # 3 significant digits would read 1.14e+03


def test_ancova_of_a_stopped_batch_says_why_it_has_no_interval_and_warns_nothing():
    import warnings

    three = pd.DataFrame({"arm": ["placebo", "mk7", "mk7"], "y": [1.0, 2.0, 2.5], "y_b": [0.5, 0.7, 0.2]})
    two = three.iloc[:2]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would fail the test
        few = ancova_effects(three, [("y", "y_b")], "placebo").iloc[0]
        one = ancova_effects(two, [("y", "y_b")], "placebo").iloc[0]
    assert few["adjusted_for"].startswith("nothing (too few finished runs") and math.isfinite(few["ci_low"])
    assert few["difference"] == pytest.approx(2.25 - 1.0)
    assert "one run per arm" in one["adjusted_for"] and math.isnan(one["ci_low"])
    assert one["difference"] == pytest.approx(1.0)


def three_arm_trial(patients: int = 6) -> dict:
    """A parallel trial whose arms, as text, sort otherwise than the file declares them."""
    return {"name": "order", "scenario": "healthy_adult", "seed": 3, "years": 0.02, "output": "summary",
            "set": dict(SMALL),
            "cohort": {"patients": patients, "dropout_per_year": 0.5,
                       "distributions": {"calcium_mg_per_day": {"distribution": "normal", "mean": 900, "sd": 200}}},
            "arms": [{"name": "placebo"}, {"name": "mk7_90", "add": {"mk7_ug_per_day": 90}},
                     {"name": "mk7_180", "add": {"mk7_ug_per_day": 180}}],
            "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "change"},
                         "severe_calcification": {"column": "calcification_score", "above": 100},
                         "tertiles_of": "calcium_mg_per_day"}}


def test_every_per_arm_table_lists_the_arms_in_the_order_of_the_batch_file(tmp_path):
    """by_arm sorted the arms as text (mk7_180, mk7_90, placebo); effects, ANCOVA, relative risks, the
    trial flow and the power's default arm took them in the order their first run happened to have."""
    from calcium_abm.batch import power_design
    from calcium_abm.batch.analysis import summary_tables

    run_batch(three_arm_trial(), tmp_path / "b")
    _batch, tables = summary_tables(tmp_path / "b")
    assert list(tables["per_run"]["arm"].iloc[:3]) != ["placebo", "mk7_90", "mk7_180"]  # the runs' own order differs
    assert list(tables["by_arm"]["arm"]) == ["placebo", "mk7_90", "mk7_180"]
    for name in ("effects", "ancova"):
        assert list(tables[name]["arm"]) == ["mk7_90", "mk7_180"], name
    assert list(pd.unique(tables["relative_risks"]["arm"])) == ["placebo", "mk7_90", "mk7_180"]
    conduct = tables["conduct"]
    assert list(conduct[conduct["stage"] == "randomised"]["arm"]) == ["placebo", "mk7_90", "mk7_180"]
    assert list(tables["baseline"].columns[2:]) == ["placebo", "mk7_90", "mk7_180"]
    assert power_design(tmp_path / "b", "dp_ucmgp_pmol_l_change").arm == "mk7_90"


def test_summarize_and_power_of_a_stopped_batch_say_once_how_many_runs_are_missing(tmp_path, capsys):
    """A batch stopped by Ctrl-C was summarised (and its power simulated) as if complete: only a
    'runs finished: 2 of 6' deep in the report hinted at it, and power said nothing."""
    from calcium_abm.cli import main

    batch = {**three_arm_trial(), "output": "daily", "cohort": {"patients": 8},
             "arms": three_arm_trial()["arms"][:2], "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "change"}}}
    seen = []

    def stop_after_six(result):
        seen.append(result[0])
        if len(seen) == 6:
            raise KeyboardInterrupt  # as Ctrl-C: the finished runs stay saved

    with pytest.raises(KeyboardInterrupt):
        run_batch(batch, tmp_path / "b", on_result=stop_after_six)
    said = "'%s' is incomplete: 2 of 8 runs are missing" % (tmp_path / "b")
    assert main(["summarize", str(tmp_path / "b")]) == 0
    out, err = capsys.readouterr()
    assert (out + err).count(said) == 1 and "--resume" in out
    assert said in (tmp_path / "b" / "summary" / "report.md").read_text()
    assert main(["summarize", str(tmp_path / "b"), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.count(said) == 1 and "--resume" in err
    assert main(["power", str(tmp_path / "b"), "--outcome", "dp_ucmgp_pmol_l_change", "--sizes", "5",
                 "--simulations", "20"]) == 0  # 6 finished runs: at least 2 in each arm of 4
    out, err = capsys.readouterr()
    assert (out + err).count(said) == 1 and "--resume" in err
    run_batch(batch, tmp_path / "b", resume=True)  # finished: nothing is said any more
    assert main(["summarize", str(tmp_path / "b")]) == 0
    out, err = capsys.readouterr()
    assert "incomplete" not in out + err and "runs finished: 8 of 8" in out


def test_a_summary_into_a_folder_of_another_batch_leaves_none_of_its_files_but_the_users(tmp_path):
    """A trial's effects summarised into a folder, then a one-arm cohort into the same folder: the
    trial's effect tables and plots go (they were the other batch's), a file of the user's stays."""
    from calcium_abm.batch.analysis import SUMMARY_FILES
    from calcium_abm.commands.summarize import write_summary

    def batch(name, arms):
        spec = {"name": name, "scenario": "healthy_adult", "seed": 3, "years": 0.05, "record_every_days": 5,
                "set": dict(SMALL), "cohort": {"patients": 3}, "arms": arms}
        run_batch(spec, tmp_path / name)
        return tmp_path / name

    trial = batch("trial", [{"name": "usual"}, {"name": "mk7", "set": {"diet.mk7_ug_per_day": 180.0}}])
    cohort = batch("cohort", [{"name": "usual"}])
    report = tmp_path / "report"
    write_summary(trial, report)
    trial_files = {p.name for p in report.iterdir()}
    assert {"effects.csv", "ancova.csv"} <= trial_files  # what a one-arm batch does not write
    (report / "notes.txt").write_text("mine")
    write_summary(cohort, report)
    write_summary(cohort, tmp_path / "fresh")
    fresh = {p.name for p in (tmp_path / "fresh").iterdir()}
    assert {p.name for p in report.iterdir()} == fresh | {"notes.txt"}
    assert SUMMARY_FILES in fresh and "effects.csv" not in fresh
    assert (report / SUMMARY_FILES).read_text().split() == sorted(fresh - {SUMMARY_FILES})


def test_a_hand_edited_list_of_summary_files_cannot_reach_outside_the_folder(tmp_path):
    from calcium_abm.batch.analysis import SUMMARY_FILES
    from calcium_abm.io import listed_files

    report = tmp_path / "report"
    report.mkdir()
    (tmp_path / "outside.csv").write_text("x")
    (report / "old.csv").write_text("x")
    (report / "plots").mkdir()
    (report / "link.csv").symlink_to(tmp_path / "outside.csv")
    (report / SUMMARY_FILES).write_text("../outside.csv\nold.csv\nplots\nlink.csv\n..\n/etc/passwd\ngone.csv\n")
    assert listed_files(report, SUMMARY_FILES) == {"old.csv"}
    (report / SUMMARY_FILES).write_bytes(b"\xff\xfe bad")
    assert listed_files(report, SUMMARY_FILES) == set()


def test_a_report_folder_inside_the_runs_folder_is_refused(tmp_path):
    """`summarize DIR --out DIR/runs` put the report's CSV and PNG files among the run files (found by a
    new-user probe); `power --out DIR/runs/x` would too. Both are refused naming the folder, and nothing
    is written there; a folder beside it is taken."""
    import argparse

    from calcium_abm.commands import power
    from calcium_abm.commands.summarize import write_summary
    from calcium_abm.errors import UserInputError

    out = tmp_path / "b"
    run_batch({"years": 0.02, "set": SMALL, "cohort": {"patients": 4},
               "arms": [{"name": "a"}, {"name": "b", "set": {"mk7_ug_per_day": 180}}]}, out, workers=1)
    before = sorted(p.name for p in (out / "runs").iterdir())
    for report in (out / "runs", out / "runs" / "x"):
        with pytest.raises(UserInputError, match=r"^--out '.*' is not allowed: it is inside the batch's runs folder"):
            write_summary(out, report)
    args = argparse.Namespace(directory=str(out), outcome="bmd_change_pct", sizes="5", effect=None, arm=None,
                              analysis=None, alpha="0.05", simulations="20", seed="0", out=str(out / "runs"))
    with pytest.raises(UserInputError, match=r"for the power table and plot \(power_OUTCOME_ARM_ANALYSIS.csv and "
                                              r"\.png\) \(default DIR/summary\)"):
        power.main(args)
    assert sorted(p.name for p in (out / "runs").iterdir()) == before
    _tables, report = write_summary(out, tmp_path / "elsewhere")
    assert (report / "report.md").is_file()


def test_the_python_summarize_writes_all_or_nothing_and_not_among_the_runs(tmp_path, monkeypatch):
    """calcium_abm.batch.summarize (docs/batch.md's `tables = summarize("trial")`) wrote each file straight into
    the report folder: an error or Ctrl-C half-way left a partial set beside the last summary's files, and
    summarize(DIR, DIR / "runs") put its CSV and PNG files among the run files. Only the CLI's write_summary
    guarded both; the function does now."""
    import calcium_abm.batch.analysis as analysis
    from calcium_abm.batch import summarize
    from calcium_abm.errors import UserInputError

    out = tmp_path / "b"
    run_batch({"years": 0.02, "set": SMALL, "cohort": {"patients": 4},
               "arms": [{"name": "a"}, {"name": "b", "set": {"mk7_ug_per_day": 180}}]}, out, workers=1)
    runs = sorted(p.name for p in (out / "runs").iterdir())
    with pytest.raises(UserInputError, match=r"^--out '.*' is not allowed: it is inside the batch's runs folder"):
        summarize(out, out / "runs")
    assert sorted(p.name for p in (out / "runs").iterdir()) == runs
    report = tmp_path / "report"
    report.mkdir()
    (report / "by_arm.csv").write_text("the last summary's\n")
    (report / analysis.SUMMARY_FILES).write_text("by_arm.csv\n")  # as the last summary listed what it wrote

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(analysis, "write_plots", interrupted)
    with pytest.raises(KeyboardInterrupt):
        summarize(out, report)
    assert sorted(p.name for p in report.iterdir()) == [analysis.SUMMARY_FILES, "by_arm.csv"]
    assert (report / "by_arm.csv").read_text() == "the last summary's\n"
    monkeypatch.undo()
    summarize(out, report)
    assert {"report.md", "by_arm.csv", "effects.csv"} <= {p.name for p in report.iterdir()}


def test_summarize_never_replaces_a_file_it_did_not_write(tmp_path):
    """A fresh user's own report.md in the folder given to `summarize --out` was replaced without a word (and
    `validate --out` did the same): a file of the set's name that no earlier summary listed is refused, naming
    it, and nothing is written; the folder's other files stay, and the default summary folder works as before."""
    from calcium_abm.batch import summarize
    from calcium_abm.errors import UserInputError

    out = tmp_path / "b"
    run_batch({"years": 0.02, "set": SMALL, "cohort": {"patients": 2}, "arms": [{"name": "a"}]}, out, workers=1)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.md").write_text("my notes\n")
    (mine / "other.txt").write_text("kept\n")
    with pytest.raises(UserInputError, match=r"holds report\.md, of the kinds the summary writes \(\.md, \.csv, \.png\) "
                                             r"but not among the files an earlier summary wrote there"):
        summarize(out, mine)
    assert sorted(p.name for p in mine.iterdir()) == ["other.txt", "report.md"]
    assert (mine / "report.md").read_text() == "my notes\n"
    (mine / "report.md").unlink()
    summarize(out, mine)
    summarize(out, mine)  # its own files, listed: replaced again
    assert (mine / "other.txt").read_text() == "kept\n" and (mine / "report.md").is_file()
    summarize(out)  # the default folder, DIR/summary
    assert (out / "summary" / "report.md").is_file()


def test_the_time_course_carries_a_dropout_forward_on_the_record_grid():
    """A dropout's last day, off the 90-day grid, was plotted as a point of its own (the mean of one patient: a
    fresh user saw the placebo score jump 190 -> 390 -> 65); the plot now has the completed runs' days, with the
    dropout's last observation carried forward, as the ITT tables have it."""
    from calcium_abm.batch.plots import _carried_forward

    rows = [(run, day, value) for run, days, values in (
        (0, (0, 90, 180), (10.0, 20.0, 30.0)), (1, (0, 90, 180), (0.0, 10.0, 20.0)), (2, (0, 34), (100.0, 400.0)))
        for day, value in zip(days, values)]
    data = pd.DataFrame([{"run_index": r, "years": d / 365, "arm": "a", "score": v} for r, d, v in rows])
    wide = _carried_forward(data, "score")
    assert list(wide.index) == [0.0, 90 / 365, 180 / 365]  # no row of its own for day 34
    assert list(wide[2]) == [100.0, 400.0, 400.0]  # the dropout's day-34 value carried forward
    assert list(wide.mean(axis=1)) == [110 / 3, 430 / 3, 450 / 3]
    # an arm every patient left (here the dropout alone) is carried to the end of the batch's grid
    alone = _carried_forward(data[data["run_index"] == 2], "score", wide.index.to_numpy())
    assert list(alone.index) == list(wide.index) and list(alone[2]) == [100.0, 400.0, 400.0]

