"""Validation machinery: experiment definitions, effect computations, report, CLI exit status.

These tests check the machinery, not whether the model passes: calibration is in progress.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calcium_abm.cli import main
from calcium_abm.outputs import COLUMNS
from calcium_abm.validation import effects, experiments
from calcium_abm.validation.experiments import (
    EXPERIMENTS,
    Arm,
    Criterion,
    Experiment,
    NotExpressible,
    all_rows,
    pct_vs_control,
)
from calcium_abm.validation.report import format_table, status_counts, write_report
from calcium_abm.validation.runner import STUDY_START_DAY, arm_scenario, evaluate, run_validation

REPO = Path(__file__).resolve().parent.parent
CALIBRATION_ROWS = {"1", "2", "5", "8", "9", "11", "20", "21"}  # science/README.md §3


def frame(days, **columns) -> pd.DataFrame:
    """A hand-made simulated table."""
    return pd.DataFrame({"day": np.asarray(days, dtype="int64"), **{k: np.asarray(v, float) for k, v in columns.items()}})


# ------------------------------------------------------------------ definitions


def test_every_calibration_row_is_expressed_or_declared_not_expressible():
    assert CALIBRATION_ROWS <= set(all_rows())


@pytest.mark.parametrize("exp", EXPERIMENTS, ids=lambda e: e.row)
def test_experiment_has_control_intervention_and_criteria(exp):
    if exp.row in CALIBRATION_ROWS:
        assert len(exp.arms) >= 2, "a calibration row needs a control and an intervention arm"
    assert exp.criteria and exp.finding and exp.source
    for c in exp.criteria:
        assert c.low is not None or c.high is not None
        assert c.low is None or c.high is None or c.low < c.high
        assert c.expected and c.band_reason
    for finding, reason in exp.unexpressed:
        assert finding and reason


@pytest.mark.parametrize("exp", EXPERIMENTS, ids=lambda e: e.row)
def test_arm_scenarios_validate_and_start_the_intervention_on_study_day_1(exp):
    for arm in exp.arms:
        scenario = arm_scenario(exp, arm, grid=exp.quick_grid, seed=3)
        own_days = "simulation.years" in arm.settings  # a population's patient runs to their own age
        assert (scenario.days <= exp.days if own_days else scenario.days == exp.days)
        assert scenario.simulation.seed == 3
        assert scenario.simulation.bone_grid_width == exp.quick_grid
        day0 = scenario.state_at(0)
        for key, value in arm.settings.items():
            if key == "simulation.years":
                assert scenario.simulation.years == value
                continue
            section, name = key.split(".")
            assert getattr(getattr(day0, section), name) == value
        if arm.start:  # the intervention starts on the study's first day, after its run-in
            first = STUDY_START_DAY + exp.run_in_days
            assert scenario.schedule[-1].start_day == first
            assert all(getattr(getattr(scenario.state_at(first - 1), k.split(".")[0]), k.split(".")[1]) ==
                       getattr(getattr(day0, k.split(".")[0]), k.split(".")[1]) for k in arm.start)
            study = scenario.state_at(first)
            for key, value in arm.start.items():
                section, name = key.split(".")
                assert getattr(getattr(study, section), name) == value


@pytest.mark.parametrize("exp", EXPERIMENTS, ids=lambda e: e.row)
def test_every_criterion_can_be_computed_from_recorded_columns(exp):
    days = np.arange(exp.days + 1)
    flat = frame(days, **{name: np.linspace(1.0, 0.5, days.size) for name in COLUMNS if name != "day"})
    runs = {arm.label: flat for arm in exp.arms}
    for c in exp.criteria:
        result = evaluate(c, [runs, runs])
        assert not result.error, (c.label, result.error)
    for name in exp.plot_columns:
        assert name in COLUMNS or name in effects.DERIVED_COLUMNS


def test_experiment_rejects_duplicate_arm_labels():
    crit = Criterion("x", lambda runs: 0.0, -1, 1, "0", "%", "test")
    with pytest.raises(ValueError, match="unique"):
        Experiment("T", "t", "f", "s", 10, (Arm("a"), Arm("a")), (crit,))


@pytest.mark.parametrize("unexpressed", [("urinary Gla", "not a model output"), (("urinary Gla",),)])
def test_experiment_rejects_an_unexpressed_finding_that_is_not_a_pair_of_texts(unexpressed):
    """A lone (finding, reason) pair without its trailing comma used to pass and break the report's table."""
    crit = Criterion("x", lambda runs: 0.0, -1, 1, "0", "%", "test")
    with pytest.raises(ValueError, match="row T: each unexpressed finding is a \\(finding, reason\\) pair"):
        Experiment("T", "t", "f", "s", 10, (Arm("a"),), (crit,), unexpressed=unexpressed)


# ------------------------------------------------------------------ effects


def test_percent_change_vs_control_and_from_baseline():
    control = frame([0, 10, 20], x=[100, 100, 100])
    treated = frame([0, 10, 20], x=[100, 80, 50])
    assert effects.percent_change_vs_control(control, treated, "x", 20) == pytest.approx(-50)
    assert effects.percent_change_vs_control(control, treated, "x", 15) == pytest.approx(-35)  # interpolated
    assert effects.percent_change(treated, "x", 10) == pytest.approx(-20)
    assert effects.percent_change(treated, "x", 20, from_day=10) == pytest.approx(-37.5)
    with pytest.raises(ValueError):
        effects.value_at(treated, "x", 21)


def test_time_to_onset():
    df = frame([0, 1, 2, 3, 4], area=[0, 0.05, 0.19, 0.2, 0.5])
    assert effects.time_to_onset(df, "area", 0.2) == 3
    assert effects.time_to_onset(df, "area", 0.0) == 0
    assert effects.time_to_onset(df, "area", 0.6) == math.inf


def test_rates_trend_extremes_and_derived_ratio():
    years = np.arange(0, 3 * 365 + 1)
    bmd = 1.0 - 0.02 * years / 365  # 2 % of day-0 BMD lost per year
    df = frame(years, bmd=bmd, ucoc_fraction=np.full(years.size, 0.2))
    assert effects.annual_percent_change(df, "bmd", 0, 2) == pytest.approx(-2.0)
    assert effects.trend_percent_per_year(df, "bmd") == pytest.approx(-2.0)
    assert experiments.loss_per_year("bmd", 0, 2, "a")({"a": df}) == pytest.approx(2.0)
    assert effects.extreme(df, "bmd", "min") == pytest.approx(0.94)
    assert effects.extreme(df, "bmd", "max") == 1.0
    assert effects.value_at(df, "ucoc_to_coc_ratio", 100) == pytest.approx(0.25)


def test_ci95_across_seeds():
    mean, low, high = effects.ci95([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert (high - mean) == pytest.approx(4.302653 / math.sqrt(3), rel=1e-5)  # t(0.975, 2) * sd / sqrt(n)
    assert low == pytest.approx(2 * mean - high)
    assert effects.ci95([5.0])[0] == 5.0 and math.isnan(effects.ci95([5.0])[1])
    assert effects.ci95([3.0, math.inf])[0] == math.inf  # an onset some seeds never reached


def test_criterion_band_and_evaluation():
    crit = Criterion("c", pct_vs_control("x", 10, "B", "A"), -40, -20, "-30 %", "%", "test")
    assert crit.passes(-20) and crit.passes(-40) and not crit.passes(-19.9) and not crit.passes(math.nan)
    a = frame([0, 10], x=[10, 10])
    runs = [{"A": a, "B": frame([0, 10], x=[10, 7])}, {"A": a, "B": frame([0, 10], x=[10, 6.5])}]
    result = evaluate(crit, runs)
    assert result.values == pytest.approx((-30, -35)) and result.mean == pytest.approx(-32.5)
    assert result.ci_low < result.mean < result.ci_high and result.passed
    broken = evaluate(Criterion("c", pct_vs_control("nope", 10, "B", "A"), 0, 1, "", "", ""), runs)
    assert broken.error and not broken.passed


# ------------------------------------------------------------------ tiny real runs

def tiny_experiment(low: float, high: float, row: str = "T1") -> Experiment:
    """A test-only experiment on the real model: 20 days, an 8x8 grid."""
    return Experiment(
        row=row, title="tiny MK-7 test", finding="MK-7 lowers dp-ucMGP", source="test", days=20,
        arms=(Arm("control"), Arm("MK-7", start={"diet.mk7_ug_per_day": 1000.0})),
        criteria=(Criterion("dp-ucMGP vs control at day 20", pct_vs_control("dp_ucmgp_pmol_l", 20, "MK-7", "control"),
                            low, high, "lower", "%", "test band"),),
        grid=8, quick_grid=8, plot_columns=("dp_ucmgp_pmol_l", "ucoc_to_coc_ratio"),
        unexpressed=(("something else", "not modelled"),),
    )


def test_run_validation_and_report_on_a_tiny_run(tmp_path):
    missing = NotExpressible("T9", "not here", "a finding", "a source", "the reason")
    results = run_validation([tiny_experiment(-100, 0), missing], seeds=2, workers=1)
    tiny, skipped = results
    assert len(tiny.runs["MK-7"]) == 2 and all(len(df) == 21 for df in tiny.runs["MK-7"])
    assert tiny.criteria[0].mean < 0 and tiny.passed  # supplementation lowers dp-ucMGP
    assert not skipped.passed and not skipped.failed
    assert status_counts(results) == {"PASS": 1, "FAIL": 0, "KNOWN FAIL": 0, "NOT EXPRESSIBLE": 2}
    table = format_table(results)
    assert "T1" in table and "PASS" in table and "NOT EXPRESSIBLE: the reason" in table
    path = write_report(results, tmp_path / "report.md", tmp_path / "img", command="test", seconds=1.0)
    text = path.read_text(encoding="utf-8")
    assert "| T1 |" in text and "![row T1](img/row_T1.png)" in text and "the reason" in text
    png = (tmp_path / "img" / "row_T1.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert not list(tmp_path.rglob("*.tmp"))  # atomic writes leave no temporary files


def test_a_crashing_run_fails_its_experiment_and_the_rest_still_run(monkeypatch):
    from calcium_abm.batch import runner as batch_runner
    from calcium_abm.scenario import parse_scenario_toml

    real = batch_runner.execute_run

    def flaky(task):
        scenario = parse_scenario_toml(task.scenario_toml)
        if "T1" in scenario.name and scenario.state_at(5).diet.mk7_ug_per_day > 100:
            raise FloatingPointError("blew up")
        return real(task)

    monkeypatch.setattr(batch_runner, "execute_run", flaky)
    broken, fine = run_validation([tiny_experiment(-100, 0, "T1"), tiny_experiment(-100, 0, "T2")], seeds=2,
                                  workers=1)
    assert broken.failed and "blew up" in broken.criteria[0].error and len(broken.run_errors) == 2
    assert broken.run_errors[0].startswith("MK-7, seed ") and "FloatingPointError: blew up" in broken.run_errors[0]
    assert fine.passed
    assert "run failed" in format_table([broken, fine])


def test_validation_runs_through_the_batch_executor(monkeypatch):
    """One executor: validation hands its runs to calcium_abm.batch.runner.run_tasks."""
    from calcium_abm.batch import runner as batch_runner
    from calcium_abm.validation import runner as validation_runner

    calls = []
    real = batch_runner.run_tasks

    def spy(tasks, **options):
        calls.append((len(tasks), options))
        return real(tasks, **options)

    monkeypatch.setattr(validation_runner, "run_tasks", spy)
    (result,) = run_validation([tiny_experiment(-100, 0)], seeds=2, workers=1)
    assert calls == [(4, {"workers": 1, "scheduler": None, "keep_going": True})]  # 2 arms x 2 seeds
    assert result.passed and all(len(df) == 21 for frames in result.runs.values() for df in frames)
    source = Path(validation_runner.__file__).read_text("utf-8")
    assert "ProcessPoolExecutor" not in source and "multiprocessing" not in source


@pytest.fixture
def only_tiny(monkeypatch):
    """Replace the experiment list with test-only experiments (bands set per test)."""

    def use(*items):
        monkeypatch.setattr(experiments, "EXPERIMENTS", tuple(items))
        monkeypatch.setattr(experiments, "NOT_EXPRESSIBLE", ())

    return use


def test_cli_exit_status_is_nonzero_when_a_row_fails(only_tiny, tmp_path, capsys):
    only_tiny(tiny_experiment(500, 600, "T1"), tiny_experiment(-100, 0, "T2"))  # T1 impossible
    out = tmp_path / "rep"
    assert main(["validate", "--workers", "1", "--seeds", "2", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "FAIL" in printed and "PASS" in printed
    assert (out / "report.md").is_file() and (out / "row_T1.png").is_file()
    assert main(["validate", "--rows", "T2", "--workers", "1", "--seeds", "2", "--no-report",
                 "--runs", str(tmp_path / "kept")]) == 0
    assert len(list((tmp_path / "kept" / "runs").glob("*.parquet"))) == 4


def test_validate_progress_starts_with_the_real_total_and_is_silent_without_runs(only_tiny, tmp_path, capsys,
                                                                                  monkeypatch):
    only_tiny(tiny_experiment(-100, 0, "T2"))
    monkeypatch.setattr(experiments, "NOT_EXPRESSIBLE", (NotExpressible("T9", "not here", "a finding", "a source",
                                                                        "the reason"),))
    for _ in range(2):  # the second time every run is kept in --runs
        assert main(["validate", "--rows", "T2", "--workers", "1", "--seeds", "2", "--no-report",
                     "--runs", str(tmp_path / "kept")]) == 0
        lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("validate: ")]
        assert lines[0] == "validate: 0/4 runs done (0 %), elapsed 00:00" and lines[-1].startswith("validate: 4/4 ")
    assert main(["validate", "--rows", "T9", "--workers", "1", "--no-report"]) == 0
    assert "runs done" not in capsys.readouterr().err  # no "0/0": nothing to run, no progress


def test_validate_progress_bar_on_a_terminal_shows_the_total_from_the_start(only_tiny, monkeypatch):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    only_tiny(tiny_experiment(-100, 0, "T2"))
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["validate", "--rows", "T2", "--workers", "1", "--seeds", "2", "--no-report"]) == 0
    frames = terminal.getvalue().split("\r")
    bars = [f for f in frames if f.startswith("validate:")]
    assert bars and all("/4 " in f for f in bars), bars  # never a bar without its total ("0run [00:00")


def test_a_quick_fail_is_rerun_at_full_settings_and_counts_only_if_it_fails_there(only_tiny, monkeypatch, capsys):
    """--quick: a criterion that fails only at the small grids and 2 seeds is not a FAIL."""
    from calcium_abm.validation import runner as validation_runner
    from calcium_abm.validation.runner import CriterionResult, ExperimentResult

    calls = []

    def fake(items, *, seeds, quick, **kw):  # TN fails at quick settings only, TR at full ones too
        items = list(items)
        calls.append(([e.row for e in items if isinstance(e, Experiment)], seeds, quick))
        out = []
        for exp in items:
            if not isinstance(exp, Experiment):
                out.append(ExperimentResult(exp))
                continue
            mean = 5.0 if quick or exp.row == "TR" else -5.0
            out.append(ExperimentResult(exp, [CriterionResult(exp.criteria[0], (mean,), mean, mean, mean)],
                                        seeds=tuple(range(1, seeds + 1)), grid=exp.quick_grid if quick else exp.grid))
        return out

    monkeypatch.setattr(validation_runner, "run_validation", fake)
    only_tiny(tiny_experiment(-100, 0, "TN"))
    assert main(["validate", "--rows", "TN", "--quick", "--workers", "1", "--no-report"]) == 0
    printed = capsys.readouterr()
    assert calls == [(["TN"], 2, True), (["TN"], 5, False)]
    assert "PASS" in printed.out and "FAIL" not in printed.out and "the quick FAIL was noise" in printed.err
    calls.clear()
    only_tiny(tiny_experiment(-100, 0, "TN"), tiny_experiment(-100, 0, "TR"))
    assert main(["validate", "--rows", "TN,TR", "--quick", "--workers", "1", "--no-report"]) == 1  # TR fails at full
    assert calls == [(["TN", "TR"], 2, True), (["TN", "TR"], 5, False)]
    assert "row TR at full settings (8x8, 5 seeds) fails there too" in capsys.readouterr().err
    calls.clear()
    assert main(["validate", "--rows", "TR", "--workers", "1", "--no-report"]) == 1  # no re-run without --quick
    assert calls == [(["TR"], 5, False)]


@pytest.mark.parametrize("option, message", [
    (["--rows", "42"], "--rows: unknown row '42'. The rows are 1, 2, 2b"),  # no row id holds 42 (99: Crowther1999)
    (["--rows", "999"], "--rows: unknown row '999'. The rows are 1,"),  # inside Crowther1999's year: no hint
    (["--rows", "1999"], "unknown row '1999' — did you mean 'Crowther1999'? The rows are 1,"),  # a part of the id
    (["--rows", "T-ECKO"], "unknown row 'T-ECKO' — did you mean 'T-ECKO2008'? The rows"),
    (["--rows", "8,ecko2008"], "--rows '8,ecko2008': unknown row 'ecko2008' — did you mean 'T-ECKO2008'?"),
    (["--rows", "x" * 5000], "--rows: unknown row 'xxxx"),
    (["--rows", ","], "--rows"),
    (["--rows", ",8"], "--rows ',8' is not allowed: give row ids separated by commas, with no empty entry"),  # a typo
    (["--seeds", "0"], "--seeds '0' is not allowed"),
    (["--seeds", "two"], "--seeds 'two' is not allowed"),
    (["--workers", "-1"], "--workers '-1' is not allowed"),
    (["--rows", "8,8"], "--rows '8,8' is not allowed: row 8 named twice (each row runs once)"),
    (["--rows", "w1", "--rows", "W1,9"], "--rows 'w1,W1,9' is not allowed: row W1 named twice"),
    (["--workers", "513"], "--workers '513' is not allowed: must be a whole number from 1 to 512"),  # as batch's
    (["--scheduler", "not an address!", "--rows", "8"], "--scheduler 'not an address!' is not allowed"),
])
def test_cli_bad_options_exit_2_before_running(option, message, capsys, tmp_path):
    assert main(["validate", *option, "--out", str(tmp_path / "r")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("options, named", [
    (["--docs", "--no-report"], "--docs and --no-report"),
    (["--docs", "--out", "{out}"], "--out and --docs"),
    (["--no-report", "--out", "{out}"], "--out and --no-report"),
    (["--docs", "--out", "{out}", "--no-report"], "--out, --docs and --no-report"),
])
def test_cli_refuses_two_places_for_the_report(options, named, only_tiny, tmp_path, capsys):
    """--out DIR, --docs and --no-report each say where the report goes: one of them, before anything runs."""
    only_tiny(tiny_experiment(-100, 0, "T2"))
    argv = ["validate", "--rows", "T2", "--workers", "1", *(o.format(out=tmp_path / "rep") for o in options)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {named} cannot be combined: ") and "give one of them" in err
    assert not (tmp_path / "rep").exists()


@pytest.mark.parametrize("argv, named, where", [
    (["validate", "healthy_adult", "--rows", "8", "--quick"], "--quick, --rows", "with a scenario file"),
    (["validate", "healthy_adult", "--workers", "1"], "--workers", "with a scenario file"),
    (["validate", "healthy_adult", "--list"], "--list", "with a scenario file"),
    (["validate", "--list", "--seeds", "3", "--out", "x"], "--seeds, --out", "with --list"),
])
def test_cli_refuses_options_a_file_check_or_a_listing_would_not_use(argv, named, where, capsys):
    """A scenario file is only checked and --list only lists: a run's options beside them did nothing."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {named} cannot be used {where}: ") and "leave out" in err


def test_cli_file_check_counts_its_schedule_entries(tmp_path, capsys):
    path = tmp_path / "one.toml"
    path.write_text('[[schedule]]\nstart_day = 5\nset = { mk7_ug_per_day = 180 }\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert ", 1 schedule entry)" in capsys.readouterr().out
    assert main(["validate", "--list", "--rows", "8"]) == 0  # --rows narrows the listing: not refused


def test_cli_out_must_be_a_directory(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["validate", "--rows", "8", "--out", str(blocker)]) == 2
    assert "not a directory" in capsys.readouterr().err
    deep = tmp_path / "no" / "such" / "rep"
    assert main(["validate", "--rows", "8", "--out", str(deep)]) == 2
    assert f"directory '{deep.parent}' does not exist" in capsys.readouterr().err
    assert main(["validate", "--rows", "8", "--no-report", "--runs", str(deep)]) == 2
    assert f"--runs '{deep}': directory '{deep.parent}' does not exist" in capsys.readouterr().err
    assert not (tmp_path / "no").exists()


def test_cli_list_and_scenario_file_check(tmp_path, capsys):
    assert main(["validate", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(f"\n{row} " in "\n" + listed for row in CALIBRATION_ROWS)
    assert main(["validate", "healthy_adult"]) == 0
    assert "valid scenario" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("[diet]\nmk7_ug_per_day = -1\n")
    assert main(["validate", str(bad)]) == 2
    assert "diet.mk7_ug_per_day" in capsys.readouterr().err


def test_quick_validation_of_cheap_real_rows_runs_and_reports(tmp_path):
    """The real command, in a subprocess with the spawn pool: rows 1 and 8 quickly.

    Asserts that it runs and reports, not that it passes (calibration is in progress)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "calcium_abm.cli", "validate", "--quick", "--rows", "1,8",
                           "--workers", "2", "--out", str(out)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    for row in ("1", "8"):
        assert any(line.startswith(f"{row} ") and ("PASS" in line or "FAIL" in line) for line in lines)
    assert (proc.returncode == 1) == any(line.rstrip().endswith("FAIL") for line in lines)
    assert {p.name for p in out.iterdir()} >= {"report.md", "row_1.png", "row_8.png"}


def test_runs_dir_keeps_runs_as_parquet_and_a_rerun_resumes_from_them(tmp_path, monkeypatch):
    from calcium_abm.batch import runner as batch_runner
    from calcium_abm.validation.runner import RUN_STORE_FILE

    first = run_validation([tiny_experiment(-100, 0)], seeds=2, workers=1, runs_dir=tmp_path / "runs")
    files = sorted((tmp_path / "runs" / "runs").glob("*.parquet"))
    assert len(files) == 4 and (tmp_path / "runs" / RUN_STORE_FILE).is_file()  # 2 arms x 2 seeds

    def must_not_run(task):
        raise AssertionError("a kept run was simulated again")

    monkeypatch.setattr(batch_runner, "execute_run", must_not_run)
    again = run_validation([tiny_experiment(-100, 0)], seeds=2, workers=1, runs_dir=tmp_path / "runs")
    assert again[0].criteria[0].values == first[0].criteria[0].values and again[0].passed
    for label, frames in first[0].runs.items():
        for a, b in zip(frames, again[0].runs[label]):
            pd.testing.assert_frame_equal(a, b, check_exact=True)
    files[0].unlink()  # as if killed before this run finished: only it runs again
    monkeypatch.undo()
    resumed = run_validation([tiny_experiment(-100, 0)], seeds=2, workers=1, runs_dir=tmp_path / "runs")
    assert resumed[0].criteria[0].values == first[0].criteria[0].values and files[0].is_file()


def test_runs_dir_refuses_other_code_and_foreign_directories(tmp_path):
    import json

    from calcium_abm.errors import UserInputError
    from calcium_abm.validation.runner import RUN_STORE_FILE

    other = tmp_path / "other"
    other.mkdir()
    (other / RUN_STORE_FILE).write_text(json.dumps({"model_fingerprint": "0123456789abcdef"}))
    with pytest.raises(UserInputError, match="different calcium-abm code"):
        run_validation([tiny_experiment(-100, 0)], seeds=2, workers=1, runs_dir=other)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(UserInputError, match="is not empty"):
        run_validation([tiny_experiment(-100, 0)], seeds=2, workers=1, runs_dir=foreign)


def test_validation_on_a_pool_and_on_dask_gives_the_serial_numbers():
    """One executor: validation runs on the local pool and on a Dask cluster like a batch."""
    from distributed import Client

    from calcium_abm.batch.runner import local_dask_cluster

    serial = run_validation([tiny_experiment(-100, 0)], seeds=2, workers=1)[0]
    pool = run_validation([tiny_experiment(-100, 0)], seeds=2, workers=2)[0]
    with local_dask_cluster(2) as cluster, Client(cluster) as client:
        dask = run_validation([tiny_experiment(-100, 0)], seeds=2, scheduler=client)[0]
    for other in (pool, dask):
        assert other.criteria[0].values == serial.criteria[0].values
        for label, frames in serial.runs.items():
            for a, b in zip(frames, other.runs[label]):
                pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_a_known_failure_is_judged_against_its_band_and_shown_not_hidden():
    """A criterion declared as a known failure still runs: a miss is KNOWN FAIL (counted apart,
    not failing validate), a hit is PASS; the band is the same either way."""
    from calcium_abm.validation.design import Criterion
    from calcium_abm.validation.report import KNOWN_FAIL, PASS, _status
    from calcium_abm.validation.runner import CriterionResult

    crit = Criterion("x", lambda runs: 0.0, 0.3, 0.7, "0.5", "%/year", known_failure="issue 10: too fast")
    missed, hit = CriterionResult(crit, (1.0,), 1.0, 1.0, 1.0), CriterionResult(crit, (0.5,), 0.5, 0.5, 0.5)
    assert not missed.passed and missed.known_failure and _status(missed) == KNOWN_FAIL
    assert hit.passed and not hit.known_failure and _status(hit) == PASS
    plain = CriterionResult(Criterion("y", lambda runs: 0.0, 0.3, 0.7, "0.5", "%/year"), (1.0,), 1.0, 1.0, 1.0)
    assert not plain.passed and not plain.known_failure and _status(plain) == "FAIL"
    # a known failure whose runs raised is a FAIL: its reason describes a result, not a crash (review 65)
    crashed = CriterionResult(crit, (), float("nan"), float("nan"), float("nan"), error="run failed: ScenarioError")
    assert not crashed.passed and not crashed.known_failure and _status(crashed) == "FAIL"


def test_a_pass_whose_confidence_interval_leaves_its_band_is_named_as_near_the_edge():
    """The summary names passing criteria whose 95 % CI reaches outside the band (their verdict
    depends on the draw of seeds); a pass well inside, a one-sided band's open end, a failure and
    a single seed's missing interval are not named."""
    from calcium_abm.validation.design import Criterion, Experiment
    from calcium_abm.validation.report import near_band_edge
    from calcium_abm.validation.runner import CriterionResult, ExperimentResult

    band = Criterion("two-sided", lambda runs: 0.0, 0.3, 0.7, "0.5", "%")
    open_top = Criterion("one-sided", lambda runs: 0.0, 0.3, None, "0.5", "%")
    exp = Experiment(row="X9", title="t", finding="f", source="s", days=10, arms=(Arm("a"),),
                     criteria=(band, open_top))
    result = ExperimentResult(exp, [CriterionResult(band, (0.5,), 0.5, 0.25, 0.6),        # CI leaves the band
                                    CriterionResult(open_top, (0.5,), 0.5, 0.4, 9.0),     # open above: inside
                                    CriterionResult(band, (0.5,), 0.5, 0.4, 0.6),         # inside
                                    CriterionResult(band, (0.9,), 0.9, 0.5, 1.2),         # a failure
                                    CriterionResult(band, (0.69,), 0.69, math.nan, math.nan)])  # one seed
    assert near_band_edge([result]) == ["X9: two-sided"]


def test_a_row_runs_its_own_minimum_and_maximum_of_seeds_with_quick_too():
    """``min_seeds`` raises the count (a noisy BMD row, with --quick too), ``max_seeds`` caps it
    (a population row), and a row without either runs the validation's count."""
    from calcium_abm.validation.runner import seeds_for

    arms = (Arm("a"), Arm("b", start={"diet.calcium_mg_per_day": 900.0}))
    base = dict(title="t", finding="f", source="s", days=10, arms=arms,
                criteria=(Criterion("c", pct_vs_control("bmd_change_pct", 10, "b", "a"), -1.0, 1.0, "0", "%"),))
    plain, noisy, population = (Experiment(row=r, **base, **extra) for r, extra in
                                (("X1", {}), ("X2", {"min_seeds": 20}), ("X3", {"max_seeds": 2})))
    assert seeds_for(plain, 5, False) == (1, 2, 3, 4, 5)
    assert seeds_for(noisy, 5, False) == tuple(range(1, 21))
    assert seeds_for(noisy, 30, False) == tuple(range(1, 31))
    assert seeds_for(noisy, 2, True) == tuple(range(1, 21))  # --quick shrinks the grid, never a noisy row's seeds
    assert seeds_for(plain, 2, True) == (1, 2)
    assert seeds_for(population, 5, False) == (1, 2)


@pytest.mark.parametrize("row", ["C2", "11", "S2", "A3"])
def test_bmd_rows_run_enough_virtual_people_for_their_bands(row):
    """These rows read one section's BMD change or difference, whose 5-seed CI was wider than
    the band (design.BMD_ROW_SEEDS): their designs run at least 20 seeds."""
    exp = next(e for e in EXPERIMENTS if isinstance(e, Experiment) and e.row == row)
    assert exp.min_seeds is not None and exp.min_seeds >= 20


def test_ratio_of_means_is_the_ratio_of_the_seeds_means_with_a_bootstrap_interval():
    from calcium_abm.validation.effects import ratio_of_means_ci

    num, den = [2.0, 4.0, 3.0, 5.0], [1.0, 2.0, 0.0, 1.0]  # one seed's denominator is zero
    value, low, high = ratio_of_means_ci(num, den)
    assert value == pytest.approx(14.0 / 4.0)
    assert low < value < high and math.isfinite(low) and math.isfinite(high)
    assert ratio_of_means_ci(num, den) == (value, low, high)  # seeded: the same interval every time
    assert math.isnan(ratio_of_means_ci([1.0], [2.0])[1])
    with pytest.raises(ValueError):
        ratio_of_means_ci([1.0, 2.0], [1.0])


def test_a_ratio_of_means_criterion_is_not_dominated_by_one_seed():
    """A1's published ratio is of group means: a seed with a near-zero denominator makes the mean
    of per-seed ratios meaningless but leaves the ratio of means where the other seeds put it."""
    pairs = [(2.0, 1.0), (2.2, 1.1), (1.8, 0.9), (2.0, 1e-6)]
    runs_by_seed = [{"pair": p} for p in pairs]
    crit = Criterion("r", lambda runs: runs["pair"], 1.5, 3.5, "2", "ratio", ratio_of_means=True)
    result = evaluate(crit, runs_by_seed)
    assert result.passed and result.mean == pytest.approx(8.0 / 3.000001)
    plain = Criterion("r", lambda runs: runs["pair"][0] / runs["pair"][1], 1.5, 3.5, "2", "ratio")
    assert not evaluate(plain, runs_by_seed).passed
