"""Running batches: serial == process pool == Dask, kill + resume == uninterrupted, and
clear errors for bad output directories and options."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from calcium_abm.batch import BatchError, load_manifest, load_results, run_batch
from calcium_abm.batch.store import RUNS_DIR

REPO = Path(__file__).resolve().parent.parent
SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}


def cohort_batch(patients: int = 4, years: float = 0.1, **extra) -> dict:
    return {"name": "t", "scenario": "healthy_adult", "seed": 5, "years": years, "record_every_days": 3,
            "set": dict(SMALL),
            "cohort": {"patients": patients, "female_probability": 0.5,
                       "distributions": {"mk7_ug_per_day": {"distribution": "lognormal", "median": 8, "sigma": 1}}},
            "arms": [{"name": "placebo"}, {"name": "mk7_180", "add": {"mk7_ug_per_day": 180}}], **extra}


def write_toml(path: Path, years: float, patients: int) -> Path:
    path.write_text(f"""
name = "kill_test"
scenario = "healthy_adult"
seed = 12
years = {years}
record_every_days = 7
[set]
bone_grid_width = 16
bone_grid_height = 16
vessel_grid_width = 16
vessel_grid_height = 16
[cohort]
patients = {patients}
design = "crossover"
[cohort.distributions]
calcium_mg_per_day = {{ distribution = "normal", mean = 900, sd = 200 }}
[[arms]]
name = "placebo"
[[arms]]
name = "mk7_180"
set = {{ mk7_ug_per_day = 180 }}
""", "utf-8")
    return path


def cli(*args: str, cwd: Path, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen([sys.executable, "-m", "calcium_abm.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def sorted_results(folder) -> pd.DataFrame:
    return load_results(folder).sort_values(["run_index", "day"]).reset_index(drop=True)


def test_a_cohort_run_keeps_the_spreads_of_its_draw_that_a_single_run_refuses(tmp_path):
    """A batch may set a trait spread only its draw reads (simulate refuses it): its runs run (each
    person's run leaves it out: the model would refuse it), each run's scenario records it, and a
    screened candidate's day-0 state is built the same way. Where nothing draws that trait the spread
    would do nothing in any run, and the batch is refused (batch/inert.py)."""
    from calcium_abm import ScenarioError, simulate
    from calcium_abm.batch import BatchError, expand_runs, load_batch
    from calcium_abm.batch.conduct import baseline_state
    from calcium_abm.scenario import parse_scenario_toml

    spread = cohort_batch(patients=2, years=0.05)
    spread["set"] = {**SMALL, "peak_bone_mass_cv": 0.3}
    with pytest.raises(BatchError, match="set.peak_bone_mass_cv = 0.3 does nothing in any run of this batch"):
        expand_runs(load_batch(spread))
    spread["cohort"]["distributions"]["peak_bone_mass"] = {"distribution": "documented"}
    runs = expand_runs(load_batch(spread))
    assert list(run_batch(spread, tmp_path / "spread")["status"]) == ["ran"] * len(runs)
    assert all(parse_scenario_toml(r.scenario_toml).parameters == {"peak_bone_mass_cv": 0.3} for r in runs)
    scenario = parse_scenario_toml(runs[0].scenario_toml)
    with pytest.raises(ScenarioError, match="^parameters.peak_bone_mass_cv = 0.3 does nothing in a single run"):
        simulate(scenario)
    plain = scenario.model_copy(update={"parameters": {}})
    assert pd.Series(baseline_state(scenario)).equals(pd.Series(baseline_state(plain)))  # day 0's flows are NaN


def test_serial_pool_and_dask_give_identical_datasets(tmp_path):
    from distributed import Client

    from calcium_abm.batch.runner import local_dask_cluster

    batch = cohort_batch()
    table = run_batch(batch, tmp_path / "serial", workers=1)
    assert list(table["status"]) == ["ran"] * 4
    serial = sorted_results(tmp_path / "serial")
    assert len(serial) > 4 and serial["run_id"].nunique() == 4
    run_batch(batch, tmp_path / "pool", workers=2)
    pdt.assert_frame_equal(serial, sorted_results(tmp_path / "pool"), check_exact=True)
    with local_dask_cluster(2) as cluster, Client(cluster) as client:
        run_batch(batch, tmp_path / "dask", scheduler=client)
    pdt.assert_frame_equal(serial, sorted_results(tmp_path / "dask"), check_exact=True)


def test_manifest_records_every_run_and_the_package_version(tmp_path):
    import calcium_abm

    run_batch(cohort_batch(patients=2), tmp_path / "out")
    manifest = load_manifest(tmp_path / "out")
    assert manifest["package_version"] == calcium_abm.__version__
    assert "[diet]" in manifest["base_scenario_toml"] and manifest["created"]
    assert [r["index"] for r in manifest["runs"]] == [0, 1]
    run = manifest["runs"][0]
    assert {"arm", "patient", "mk7_ug_per_day"} <= set(run["labels"]) and run["seed"] >= 0
    assert "diet.mk7_ug_per_day" in run["overrides"]
    files = sorted(p.name for p in (tmp_path / "out" / RUNS_DIR).iterdir())
    assert files == sorted(f"run-{r['run_id']}.parquet" for r in manifest["runs"])  # no temp files left


def test_summary_output_is_one_row_per_run(tmp_path):
    run_batch(cohort_batch(output="summary"), tmp_path / "s")
    rows = load_results(tmp_path / "s")
    assert len(rows) == 4 and {"bmd_change_pct_baseline", "bmd_change_pct_final", "days"} <= set(rows.columns)
    assert (rows["bmd_change_pct_baseline"] == 0).all()
    run_batch(cohort_batch(), tmp_path / "d")
    daily = sorted_results(tmp_path / "d")
    last = daily.groupby("run_index").tail(1).reset_index(drop=True)
    assert list(rows["calcification_score_final"]) == list(last["calcification_score"])  # same runs


def _batch_with_runs_done(batch: Path, tmp_path: Path, runs: int, **popen) -> tuple[subprocess.Popen, Path]:
    """``calcium-abm batch`` on 2 workers into ``tmp_path/killed``, still running once ``runs`` run files
    exist (waits up to 120 s); returns the process and its runs folder."""
    proc = cli("batch", str(batch), "--out", "killed", "--workers", "2", "--quiet", cwd=tmp_path, **popen)
    runs_dir = tmp_path / "killed" / RUNS_DIR
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if runs_dir.is_dir() and len(list(runs_dir.glob("run-*.parquet"))) >= runs:
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"the batch ended before it could be killed: {proc.communicate()}"
    return proc, runs_dir


def test_killed_batch_resumes_to_the_uninterrupted_dataset(tmp_path):
    batch = write_toml(tmp_path / "kill.toml", years=0.4, patients=12)  # 24 runs
    proc, runs_dir = _batch_with_runs_done(batch, tmp_path, 3, start_new_session=True)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its worker processes
    proc.wait(timeout=30)
    finished = len(list(runs_dir.glob("run-*.parquet")))
    assert 3 <= finished < 24
    again = cli("batch", str(batch), "--out", "killed", "--workers", "2", "--resume", cwd=tmp_path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"24 runs in killed ({24 - finished} run now, {finished} already done)" in out
    assert not list(runs_dir.glob(".*.tmp"))
    run_batch(batch, tmp_path / "whole", workers=1)
    pdt.assert_frame_equal(sorted_results(tmp_path / "whole"), sorted_results(tmp_path / "killed"),
                           check_exact=True)


def test_pool_workers_end_when_the_batch_process_alone_is_killed(tmp_path):
    """``kill -9`` of the batch process only (the OOM killer, a ``kill -9 PID``) left its two pool
    workers alive for good, reparented to init, waiting on a queue nobody closes (found by a probe:
    ~340 MB each, still there minutes later). They now notice the parent is gone and exit."""
    import psutil

    batch = write_toml(tmp_path / "kill.toml", years=0.4, patients=12)  # 24 runs
    proc, _ = _batch_with_runs_done(batch, tmp_path, 1)
    workers = [p for p in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(p.cmdline())]
    assert len(workers) == 2
    proc.kill()  # the batch process only, not its process group
    proc.wait(timeout=30)
    _gone, alive = psutil.wait_procs(workers, timeout=15)
    for worker in alive:  # do not leave them behind when the test fails
        worker.kill()
    assert alive == [], "pool workers outlived the batch process"


def test_non_empty_directory_needs_resume_and_the_same_batch(tmp_path):
    out = tmp_path / "out"
    run_batch(cohort_batch(patients=2), out)
    with pytest.raises(BatchError, match=r"is not empty \(2 entries, e.g. 'manifest.json'\): use --resume "
                                         r"\(resume=True in run_batch\) to finish the batch stored there, or give "
                                         "another directory"):
        run_batch(cohort_batch(patients=2), out)
    table = run_batch(cohort_batch(patients=2), out, resume=True)
    assert list(table["status"]) == ["already done"] * 2
    with pytest.raises(BatchError, match=r"holds a different batch \('t', 2 runs; this file has 3 runs"):
        run_batch(cohort_batch(patients=3), out, resume=True)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("x")
    with pytest.raises(BatchError, match="has no manifest.json, so it is not a batch directory"):
        run_batch(cohort_batch(patients=2), other, resume=True)
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(BatchError, match="is a file, not a directory"):
        run_batch(cohort_batch(patients=2), afile)


def test_out_creates_only_its_last_level(tmp_path):
    deep = tmp_path / "no" / "such" / "o"
    with pytest.raises(BatchError, match=rf"--out '{deep}': directory '{deep.parent}' does not exist"):
        run_batch(cohort_batch(patients=2), deep)
    assert not (tmp_path / "no").exists()  # as `run --out` refuses a missing directory
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(BatchError, match="is not a directory"):
        run_batch(cohort_batch(patients=2), afile / "o")


def test_resume_of_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(BatchError, match="nothing to resume: the directory does not exist; run without --resume"):
        run_batch(cohort_batch(patients=2), tmp_path / "fresh", resume=True)
    assert not (tmp_path / "fresh").exists()


@pytest.mark.parametrize("workers", [0, -1, 513, 1.5, True])
def test_bad_worker_counts(tmp_path, workers):
    # the Python API names its own argument (a fresh user's run_batch(workers=0) was told about "--workers 0")
    with pytest.raises(BatchError, match=r"^workers = .* is not allowed: must be an integer from 1 to 512 \(--workers\)"):
        run_batch(cohort_batch(patients=2), tmp_path / "o", workers=workers)
    assert not (tmp_path / "o").exists()  # nothing written for a bad option


def test_bad_scheduler_address(tmp_path, monkeypatch):
    from calcium_abm.batch import runner

    monkeypatch.setattr(runner, "DASK_CONNECT_TIMEOUT", "2s")
    with pytest.raises(BatchError, match="--scheduler 'not an address' is not allowed: must be tcp://HOST:PORT"):
        run_batch(cohort_batch(patients=2), tmp_path / "o", scheduler="not an address")
    with pytest.raises(BatchError, match="--scheduler tcp://127.0.0.1:9: cannot connect to the Dask scheduler"):
        run_batch(cohort_batch(patients=2), tmp_path / "p", scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "o").exists() and not (tmp_path / "p").exists()  # nothing written


def test_a_failing_run_is_reported_with_its_run(tmp_path, monkeypatch):
    from calcium_abm.batch import runner

    def broken(scenario, **kwargs):
        raise FloatingPointError("boom")

    monkeypatch.setattr("calcium_abm.simulation.simulate", broken)
    with pytest.raises(runner.RunFailed, match=r"run 1 \(id [0-9a-f]{16}\) failed: FloatingPointError: boom"):
        run_batch(cohort_batch(patients=2), tmp_path / "o")


def test_cli_errors_exit_2_without_traceback(tmp_path, monkeypatch, capsys):
    from calcium_abm.cli import main

    monkeypatch.chdir(tmp_path)
    batch = write_toml(tmp_path / "b.toml", years=0.05, patients=1)
    cases = [
        (["batch", "missing.toml", "--out", "o"], "error: missing.toml: batch file not found"),
        (["batch", str(batch), "--out", "o", "--workers", "two"], "error: --workers 'two' is not allowed"),
        (["batch", str(batch), "--out", "o", "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"],
         "error: --workers and --scheduler cannot be combined"),
        (["summarize", "nowhere"], "error: 'nowhere' does not exist"),
        (["sensitivity", str(batch), "--out", "o"], "has [cohort], not [sensitivity]"),
        # a built-in scenario's name in place of a batch file was only 'batch file not found'
        (["batch", "healthy_adult", "--out", "o"], "error: healthy_adult: batch file not found; 'healthy_adult' is "
         "a built-in scenario: run it with `calcium-abm run healthy_adult --out FILE.csv`, or name it in a batch "
         "file as scenario = \"healthy_adult\""),
        (["sensitivity", "k2_deficiency", "--out", "o"], "'k2_deficiency' is a built-in scenario"),
    ]
    for args, message in cases:
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_cli_batch_then_summarize(tmp_path):
    batch = write_toml(tmp_path / "b.toml", years=0.05, patients=3)
    proc = cli("batch", str(batch), "--out", "res", "--workers", "1", cwd=tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "6 runs in res (6 run now, 0 already done)" in out
    proc = cli("summarize", "res", cwd=tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "## Trial effects versus the control arm" in out and "design: crossover" in out
    for name in ("report.md", "by_arm.csv", "effects.csv", "by_arm.png", "effects.png", "time_course.png"):
        assert (tmp_path / "res" / "summary" / name).stat().st_size > 0


def test_local_dask_workers_do_not_get_the_malloc_trim_setting():
    """Dask's nanny would export MALLOC_TRIM_THRESHOLD_=65536, which slows the model ~35 %."""
    from distributed import Client

    from calcium_abm.batch.runner import local_dask_cluster

    with local_dask_cluster(1) as cluster, Client(cluster) as client:
        env = client.run(lambda: __import__("os").environ.get("MALLOC_TRIM_THRESHOLD_"))
        # nor the 10 ms stack sampler, which holds the GIL while the run computes (~10 %)
        profiling = client.run(lambda: __import__("dask").config.get("distributed.worker.profile.enabled"))
    assert list(env.values()) == [None]
    assert list(profiling.values()) == [False]


def test_a_dask_worker_with_other_code_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """The workers' code was compared only once the runs were sent, after the manifest was written: the
    refused batch left a manifest without runs, so the same command then said --out is not empty
    (found with a LocalCluster started before a change to the code)."""
    import calcium_abm
    from distributed import Client

    from calcium_abm.batch.runner import local_dask_cluster

    with local_dask_cluster(1) as cluster, Client(cluster) as client:
        monkeypatch.setattr(calcium_abm, "__version__", "0.0.0-other")  # this process only, not the worker
        with pytest.raises(BatchError, match="has calcium-abm 0.1.0 .*install the same code on every worker"):
            run_batch(cohort_batch(patients=2), tmp_path / "out", scheduler=client)
    assert not (tmp_path / "out").exists()


def test_the_documented_worker_environment_gives_the_local_cluster_settings():
    """`dask worker` started with DASK_WORKER_ENVIRONMENT (docs/batch.md) gets DASK_WORKER_CONFIG."""
    import dask
    import distributed  # noqa: F401 - loads the distributed defaults the keys refer to

    from calcium_abm.batch.runner import DASK_WORKER_CONFIG, DASK_WORKER_ENVIRONMENT

    from_environment = dask.config.collect_env(DASK_WORKER_ENVIRONMENT)
    with dask.config.set(from_environment):
        for key, value in DASK_WORKER_CONFIG.items():
            assert dask.config.get(key, None) == value, key  # None: the key is removed
    docs = (Path(__file__).resolve().parent.parent / "docs" / "batch.md").read_text()
    for name, value in DASK_WORKER_ENVIRONMENT.items():
        assert f"{name}={value}" in docs


def test_resume_refuses_a_batch_started_by_different_model_code(tmp_path):
    """Same version, different code: --resume would mix two models' results."""
    import json

    from calcium_abm.batch.store import MANIFEST, model_fingerprint

    out = tmp_path / "out"
    run_batch(cohort_batch(patients=2), out)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["model_fingerprint"] == model_fingerprint()
    assert list(run_batch(cohort_batch(patients=2), out, resume=True)["status"]) == ["already done"] * 2
    manifest["model_fingerprint"] = "0123456789abcdef"
    (out / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BatchError, match=r"was started with different calcium-abm code \(model fingerprint "
                                         r"0123456789abcdef, this installation [0-9a-f]{16}\): resuming would mix"):
        run_batch(cohort_batch(patients=2), out, resume=True)


def test_resume_takes_the_file_s_new_analysis(tmp_path):
    """A fresh user added an outcome to [analysis] and resumed: it ended at once (every run done) and summarize kept
    the stored analysis, silently. The runs are the same, so the file's analysis is stored and summarised."""
    from calcium_abm.batch import summarize

    out = tmp_path / "out"
    run_batch(cohort_batch(patients=2), out)
    changed = cohort_batch(patients=2, analysis={"outcomes": {"lumbar_spine_t_score": "final"}})
    assert list(run_batch(changed, out, resume=True)["status"]) == ["already done"] * 2
    assert load_manifest(out)["batch"]["analysis"]["outcomes"] == {"lumbar_spine_t_score": "final"}
    assert "lumbar_spine_t_score" in summarize(out)["per_run"].columns


def test_model_fingerprint_follows_the_model_sources_only(tmp_path, monkeypatch):
    """A change to a model source changes the fingerprint; a change to the CLI does not."""
    import shutil

    from calcium_abm.batch import store

    package = Path(store.__file__).resolve().parent.parent
    copy = tmp_path / "calcium_abm"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(store, "__file__", str(copy / "batch" / "store.py"))
    fingerprint = store.model_fingerprint.__wrapped__
    original = fingerprint()
    assert original == store.model_fingerprint()  # the copy hashes like the package
    (copy / "cli.py").write_text((copy / "cli.py").read_text() + "\n# a comment\n")
    assert fingerprint() == original
    rules = copy / "physiology" / "calcification.py"
    rules.write_text(rules.read_text().replace("0.0002", "0.0003", 1))
    assert fingerprint() != original


def test_run_tasks_keep_going_returns_failures_from_pool_workers():
    """The shared executor: with keep_going a failed run comes back as RunFailed (with its
    cause) from spawned pool workers, and the other runs still finish."""
    from calcium_abm.batch.runner import RunFailed, RunTask, run_tasks
    from calcium_abm.scenario import load_scenario

    good = load_scenario("healthy_adult").with_overrides(
        {"simulation.years": 0.02, **{f"simulation.{k}": v for k, v in SMALL.items()}}).to_toml()
    tasks = [RunTask("bad", "[diet]\nmk7_ug_per_day = -1\n", {}, "daily"), RunTask("good", good, {}, "daily")]
    outcomes = {(o.run_id if isinstance(o, RunFailed) else o[0]): o
                for o in run_tasks(tasks, workers=2, keep_going=True)}
    assert isinstance(outcomes["bad"], RunFailed) and "mk7_ug_per_day" in str(outcomes["bad"].cause)
    run_id, frame, seconds = outcomes["good"]
    assert list(frame.columns[:1]) == ["day"] and len(frame) > 1 and seconds > 0
    with pytest.raises(RunFailed, match="id bad"):
        list(run_tasks(tasks[:1], workers=1))


def test_sweeping_years_labels_the_setting_apart_from_the_time_column(tmp_path):
    """`years` is both a documented flat key and a recorded column (each day's time)."""
    from calcium_abm.batch import summarize

    batch = {"name": "ys", "scenario": "healthy_adult", "record_every_days": 5, "set": dict(SMALL),
             "sweep": {"parameters": {"years": [0.02, 0.04]}},
             "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "final"}}}
    run_batch(batch, tmp_path / "ys")
    data = load_results(tmp_path / "ys")
    assert list(data.columns).count("years") == 1 and "simulation_years" in data.columns
    last_day = data.groupby("simulation_years")["day"].max()
    assert list(last_day.index) == [0.02, 0.04] and last_day.iloc[1] > last_day.iloc[0]
    assert abs(data["years"] * 365 - data["day"]).max() < 0.5  # the time column is still each day's time
    tables = summarize(tmp_path / "ys")
    assert list(tables["by_point"]["simulation_years"]) == [0.02, 0.04]


def test_an_unreadable_run_file_s_reason_is_given_whole(tmp_path):
    """pyarrow's reason was cut at 160 characters, mid-word ('... or this is no): delete it ...'); a fresh user took
    it for a bug. The first line is given whole."""
    from calcium_abm.batch.columns import unreadable_run_file

    reason = ("Could not open Parquet input source '<Buffer>': Parquet magic bytes not found in footer. Either the file "
              "is corrupted or this is not a parquet file.")
    message = str(unreadable_run_file(tmp_path / "run-x.parquet", OSError(reason + "\nmore detail")))
    assert f"({reason}): delete it and finish the batch with --resume" in message and "more detail" not in message


def test_resume_names_a_damaged_run_file_instead_of_counting_it_finished(tmp_path):
    """A run file truncated after it was written was counted finished: ``--resume`` ended at once with
    exit 0, and ``summarize`` then asked to delete it and resume (found by a batch probe). Resume now
    names it; deleted, the run is made again and the results equal the undamaged ones."""
    out = tmp_path / "out"
    run_batch(cohort_batch(patients=2), out)
    whole = sorted_results(out)
    damaged = sorted((out / RUNS_DIR).glob("run-*.parquet"))[0]
    damaged.write_bytes(damaged.read_bytes()[:300])
    with pytest.raises(BatchError, match=f"run file '{damaged}' cannot be read as Parquet .*: delete it and "
                                         "finish the batch with --resume"):
        run_batch(cohort_batch(patients=2), out, resume=True)
    damaged.unlink()
    run_batch(cohort_batch(patients=2), out, resume=True)
    pdt.assert_frame_equal(sorted_results(out), whole, check_exact=True)


@pytest.mark.parametrize("output", ["daily", "summary"])
def test_load_results_refuses_an_unknown_column_without_blaming_the_run_file(tmp_path, output):
    """load_results(columns=["nope"]) said the run file 'cannot be read as Parquet ...: delete it and finish
    the batch with --resume' (a good file), and columns="day" was read letter by letter."""
    run_batch(cohort_batch(patients=2, output=output), tmp_path / "o")
    for columns, named in ((["nope"], "'nope'"), ("seed", "'seed'"), (["seed", "bmd_change_pcnt"], "'bmd_change_pcnt'")):
        with pytest.raises(BatchError) as err:
            load_results(tmp_path / "o", columns=columns)
        message = str(err.value)
        assert named in message and "columns" in message and "delete" not in message and "\n" not in message
    if output == "daily":
        with pytest.raises(BatchError, match="did you mean 'bmd_change_pct'"):
            load_results(tmp_path / "o", columns=["bmd_change_pcnt"])
    assert list(load_results(tmp_path / "o", columns=["seed"]).columns) == ["run_index", "run_id", "seed"]
