"""A trial screened on baseline coronary calcium, end to end (issues 10 and 13): a cohort that
draws measured baselines is screened on each candidate's day-0 ``calcification_score``,
randomised, run on 2 workers, killed and resumed, and analysed (Table 1, ANCOVA, power)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd

from calcium_abm.batch import load_results, power_curve, power_design, run_batch
from calcium_abm.batch.analysis import summarize
from calcium_abm.batch.conduct import baseline_state
from calcium_abm.batch.expand import expand_runs
from calcium_abm.batch.spec import load_batch
from calcium_abm.batch.store import RUNS_DIR
from calcium_abm.scenario import parse_scenario_toml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "batches" / "cac_screened_trial.toml"


def small_trial() -> dict:
    """The shipped example, with fewer patients, shorter and on small grids."""
    data = tomllib.loads(EXAMPLE.read_text("utf-8"))
    data["years"], data["record_every_days"] = 0.25, 30
    data["set"] = {k: 8 for k in data["set"]}
    data["cohort"]["patients"] = 8
    data["cohort"]["dropout_per_year"] = 0.0
    return data


def write_toml(data: dict, path: Path) -> Path:
    def value(v):
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v) if isinstance(v, (str, bool)) else repr(v)

    lines = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, (dict, list))]
    for table in ("set", "analysis"):
        lines += [f"[{table}]"] + [f"{k} = {value(v)}" for k, v in data[table].items()]
    cohort = data["cohort"]
    lines += ["[cohort]"] + [f"{k} = {value(v)}" for k, v in cohort.items() if not isinstance(v, dict)]
    for sub in ("inclusion", "distributions"):
        lines += [f"[cohort.{sub}]"] + [f"{k} = {value(v)}" for k, v in cohort[sub].items()]
    for arm in data["arms"]:
        lines += ["[[arms]]"] + [f"{k} = {value(v)}" for k, v in arm.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def cli(*args: str, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.Popen([sys.executable, "-m", "calcium_abm.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_the_example_screens_on_the_day_0_score():
    spec = load_batch(small_trial())
    runs = expand_runs(spec)
    counts = runs.screening
    assert counts["randomised"] == 8 and counts["screened"] == 8 + counts["excluded"]
    assert counts["excluded"] > 0
    assert set(counts["excluded_by_reason"]) == {"inclusion calcification_score from 50.0 to 400.0 not met"}
    for run in runs:
        scenario = parse_scenario_toml(run.scenario_toml)
        day0 = baseline_state(scenario.state_at(0).model_copy(update={"schedule": ()}))
        assert 50.0 <= day0["calcification_score"] <= 400.0
        assert 0.0 < run.labels["baseline_calcification_score"] <= 1500.0
        assert {"calcification_propensity", "vitamin_k_disposition"} <= set(run.labels)  # people differ
    assert {r.labels["arm"] for r in runs} == {"placebo", "mk7_360"}


def test_screened_trial_on_2_workers_survives_a_kill_and_is_analysed(tmp_path):
    batch = write_toml(small_trial(), tmp_path / "cac.toml")
    proc = cli("batch", str(batch), "--out", "t", "--workers", "2", "--quiet", cwd=tmp_path)
    runs_dir = tmp_path / "t" / RUNS_DIR
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and not list(runs_dir.glob("run-*.parquet")):
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGKILL)  # a lost machine: the batch and its workers die, no clean-up
    proc.communicate(timeout=60)
    done = len(list(runs_dir.glob("run-*.parquet")))
    assert 1 <= done < 8
    resumed = cli("batch", str(batch), "--out", "t", "--workers", "2", "--resume", "--quiet", cwd=tmp_path)
    _out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    assert len(list(runs_dir.glob("run-*.parquet"))) == 8

    serial = tmp_path / "serial"
    run_batch(load_batch(small_trial()), serial, workers=1)
    killed = load_results(tmp_path / "t").sort_values(["run_id", "day"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(killed, load_results(serial).sort_values(["run_id", "day"]).reset_index(drop=True),
                                  check_exact=True)

    manifest = json.loads((tmp_path / "t" / "manifest.json").read_text())
    assert manifest["screening"]["randomised"] == 8 and manifest["screening"]["excluded"] > 0
    tables = summarize(tmp_path / "t")
    table1 = tables["baseline"]
    assert table1.astype(str).apply(lambda col: col.str.contains("baseline_calcification_score")).any().any()
    assert table1.astype(str).apply(lambda col: col.str.contains("calcification_score_baseline")).any().any()
    ancova = tables["ancova"]
    assert (ancova.astype(str) == "calcification_score_change").any().any()
    conduct = tables["conduct"].set_index("stage")
    assert conduct.loc["screened", "n"] == manifest["screening"]["screened"]
    design = power_design(tmp_path / "t", "calcification_score_change", analysis="ancova")
    curve = power_curve(design, effect=-20.0, sample_sizes=[4, 40], n_sim=200, seed=1)
    power = curve.set_index("n_per_arm")["power"]
    assert 0.0 <= power[4] <= power[40] <= 1.0
