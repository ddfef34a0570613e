"""Issue 15, outside the scenario input layer: a bad or unreachable ``--scheduler``, a full
disk under ``batch`` and ``summarize``, the atomic claim of a batch directory, progress
lines off a terminal, SIGTERM, and the default ``--workers`` rule."""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from calcium_abm.batch import BatchError, run_batch
from calcium_abm.batch.progress import ProgressReport
from calcium_abm.batch.estimate import (POOL_PAYBACK, POOL_START_S, RUN_START_S, SECONDS_PER_PATCH_DAY,
                                        default_workers, estimate_line, estimated_run_seconds)
from calcium_abm.batch.spec import load_batch
from calcium_abm.batch.store import LOCK, RUNS_DIR, claim_output
from calcium_abm.cli import main
from calcium_abm.scenario import load_scenario

REPO = Path(__file__).resolve().parent.parent
SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}


def small_batch(patients: int = 2, years: float = 0.05) -> dict:
    return {"name": "h", "scenario": "healthy_adult", "seed": 3, "years": years, "record_every_days": 5,
            "set": dict(SMALL), "cohort": {"patients": patients}, "arms": [{"name": "usual"}]}


def batch_file(path: Path, patients: int = 2, years: float = 0.05) -> Path:
    path.write_text(f"""name = "h"
scenario = "healthy_adult"
seed = 3
years = {years}
record_every_days = 5
[set]
bone_grid_width = 16
bone_grid_height = 16
vessel_grid_width = 16
vessel_grid_height = 16
[cohort]
patients = {patients}
[[arms]]
name = "usual"
""", "utf-8")
    return path


def cli_in_process(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def cli(*args: str, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", "CALCIUM_ABM_TEST_MARK": str(cwd)}
    return subprocess.Popen([sys.executable, "-m", "calcium_abm.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# ------------------------------------------------------------------- --scheduler


@pytest.mark.parametrize("address", ["http://10.0.0.5:8786", "ucx://10.0.0.5:8786", "inproc://x",
                                     "tls://10.0.0.5:8786", "garbage", "tcp://host:0", "tcp://host:99999",
                                     "tcp://:8786", "ws://h:1", "tcp://a b:1", ""])
def test_a_scheduler_address_that_is_not_tcp_host_port_gets_one_message(tmp_path, capsys, address):
    batch = batch_file(tmp_path / "b.toml")
    code, err = cli_in_process(capsys, "batch", str(batch), "--out", str(tmp_path / "o"), "--scheduler", address)
    assert code == 2
    assert err.startswith("error: --scheduler ") and repr(address) in err and "tcp://HOST:PORT" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_an_unreachable_scheduler_is_refused_before_anything_is_written(tmp_path, capsys):
    batch = batch_file(tmp_path / "b.toml")
    code, err = cli_in_process(capsys, "batch", str(batch), "--out", str(tmp_path / "o"),
                               "--scheduler", "127.0.0.1:9")  # the discard port: nobody listens
    assert code == 2
    assert "error: --scheduler tcp://127.0.0.1:9: cannot connect to the Dask scheduler" in err
    assert "tcp://HOST:PORT" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()  # the retry is not refused as "not empty"


def test_validate_checks_the_scheduler_address_too(tmp_path, capsys):
    code, err = cli_in_process(capsys, "validate", "--rows", "8", "--quick", "--no-report",
                               "--scheduler", "ucx://h:1")
    assert code == 2 and "--scheduler 'ucx://h:1' is not allowed" in err and "tcp://HOST:PORT" in err


# ------------------------------------------------------------------- full disk


def _enospc_for(suffix: str, after: int = 0):
    """An os.replace that fails with ENOSPC for targets ending in ``suffix`` after ``after`` good ones."""
    real = os.replace
    seen = {"n": 0}

    def replace(src, dst, *a, **kw):
        if str(dst).endswith(suffix):
            seen["n"] += 1
            if seen["n"] > after:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real(src, dst, *a, **kw)

    return replace


def test_batch_into_a_full_disk_gives_one_line_and_keeps_the_saved_runs(tmp_path, capsys, monkeypatch):
    batch = batch_file(tmp_path / "b.toml", patients=3)
    monkeypatch.setattr(os, "replace", _enospc_for(".parquet", after=1))
    code, err = cli_in_process(capsys, "batch", str(batch), "--out", str(tmp_path / "o"), "--workers", "1",
                               "--quiet")
    assert code == 2
    assert err.startswith("error: --out ") and "No space left on device" in err
    assert "1 finished run is saved" in err and "--resume" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    runs = tmp_path / "o" / RUNS_DIR
    assert len(list(runs.glob("run-*.parquet"))) == 1 and not list(runs.glob(".*.tmp"))
    monkeypatch.undo()
    code, err = cli_in_process(capsys, "batch", str(batch), "--out", str(tmp_path / "o"), "--workers", "1",
                               "--resume", "--quiet")
    assert code == 0, err
    assert len(list(runs.glob("run-*.parquet"))) == 3


def test_a_full_disk_before_the_first_run_leaves_no_directory(tmp_path, capsys, monkeypatch):
    batch = batch_file(tmp_path / "b.toml")
    monkeypatch.setattr(os, "replace", _enospc_for("manifest.json"))
    code, err = cli_in_process(capsys, "batch", str(batch), "--out", str(tmp_path / "o"), "--workers", "1")
    assert code == 2
    assert err.startswith(f"error: --out '{tmp_path / 'o'}': cannot write the batch manifest: No space left")
    assert not (tmp_path / "o").exists()
    assert "nothing is saved" in err and "--resume" not in err  # the message says what is true


def test_summarize_into_a_full_disk_leaves_no_partial_csvs(tmp_path, capsys, monkeypatch):
    out = tmp_path / "o"
    run_batch(small_batch(patients=3), out)
    monkeypatch.setattr(os, "replace", _enospc_for(".csv", after=1))  # the 2nd CSV fails
    code, err = cli_in_process(capsys, "summarize", str(out), "--quiet")
    assert code == 2
    assert f"error: --out '{out / 'summary'}': cannot write the summary: No space left on device" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (out / "summary").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([LOCK, "manifest.json", RUNS_DIR])  # no temporaries
    monkeypatch.undo()
    code, err = cli_in_process(capsys, "summarize", str(out), "--quiet")
    assert code == 0, err
    written = {p.name for p in (out / "summary").iterdir()}
    assert {"report.md", "per_run.csv"} <= written


def test_summarize_failing_over_an_old_summary_leaves_it_as_it_was(tmp_path, capsys, monkeypatch):
    out = tmp_path / "o"
    run_batch(small_batch(patients=3), out)
    assert main(["summarize", str(out), "--quiet"]) == 0
    before = {p.name: p.read_bytes() for p in (out / "summary").iterdir()}
    monkeypatch.setattr(os, "replace", _enospc_for(".md"))
    code, err = cli_in_process(capsys, "summarize", str(out), "--quiet")
    assert code == 2 and "No space left on device" in err
    assert {p.name: p.read_bytes() for p in (out / "summary").iterdir()} == before
    monkeypatch.undo()
    deep = tmp_path / "no" / "such"
    code, err = cli_in_process(capsys, "summarize", str(out), "--quiet", "--out", str(deep))
    assert code == 2 and f"directory '{deep.parent}' does not exist" in err and not deep.parent.exists()


# ------------------------------------------------------------------- claim of --out


def test_a_directory_held_by_another_batch_is_refused(tmp_path):
    out = tmp_path / "o"
    with claim_output(out):
        with pytest.raises(BatchError, match=rf"--out '{out}' is in use by another batch \(process {os.getpid()}\)"):
            run_batch(small_batch(), out)
        with pytest.raises(BatchError, match="is in use by another batch"):
            run_batch(small_batch(), out, resume=True)
    assert list(run_batch(small_batch(), out)["status"]) == ["ran", "ran"]


def test_a_lock_left_by_a_dead_process_is_reclaimed(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (out / LOCK).write_text(dead.stdout)  # a killed batch leaves the file, but no lock on it
    assert list(run_batch(small_batch(), out)["status"]) == ["ran", "ran"]
    assert (out / LOCK).read_text().strip() == str(os.getpid())


def test_a_rejected_claim_of_a_new_directory_leaves_nothing(tmp_path, monkeypatch):
    from calcium_abm.batch import runner

    def broken(*args, **kwargs):
        raise BatchError("stop")

    monkeypatch.setattr(runner, "prepare_output", broken)
    with pytest.raises(BatchError, match="stop"):
        run_batch(small_batch(), tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_two_batches_started_together_into_one_directory_cannot_both_pass(tmp_path):
    batch = batch_file(tmp_path / "b.toml", patients=4, years=0.2)
    procs = [cli("batch", str(batch), "--out", "same", "--workers", "1", "--quiet", cwd=tmp_path) for _ in range(2)]
    outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in outcomes)
    assert codes == [0, 2], outcomes
    refused = next(err for code, err in outcomes if code == 2)
    assert "is in use by another batch" in refused or "is not empty" in refused
    assert len(list((tmp_path / "same" / RUNS_DIR).glob("run-*.parquet"))) == 4


# ------------------------------------------------------------------- progress


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_lines_off_a_terminal_every_interval_with_rate_and_eta():
    stream, clock = io.StringIO(), FakeClock()
    report = ProgressReport(10, "sweep", initial=2, stream=stream, interval_s=10, clock=clock)
    assert stream.getvalue().splitlines() == ["sweep: 2/10 runs done (20 %), elapsed 00:00"]
    clock.now += 4
    report.update(1)  # 4 s after the first line: none
    clock.now += 5
    report.update(1)
    assert len(stream.getvalue().splitlines()) == 1
    clock.now += 1  # 10 s: 2 runs in 10 s = 12 runs/min, 6 left -> 30 s
    report.update(0)
    lines = stream.getvalue().splitlines()
    assert lines[-1] == "sweep: 4/10 runs done (40 %), 12 runs/min, elapsed 00:10, ETA 00:30"
    clock.now += 50  # 8 runs in 60 s
    report.set(10)
    clock.now += 2  # the work's end, after the tick that printed the last run's line: that line is the end line
    report.close()
    assert stream.getvalue().splitlines()[-2:] == ["sweep: 4/10 runs done (40 %), 12 runs/min, elapsed 00:10, ETA 00:30",
                                                  "sweep: 10/10 runs done (100 %), 8 runs/min, elapsed 01:00, ETA 00:00"]
    late = ProgressReport(3, "late", stream=(ends := io.StringIO()), interval_s=10, clock=clock)
    late.update(2)  # within the interval: no line, so the end prints one
    clock.now += 1
    late.close()
    assert ends.getvalue().splitlines()[-1].startswith("late: 2/3 runs done (67 %)")
    assert "\r" not in stream.getvalue()


def test_no_progress_when_quiet_and_a_bar_only_on_a_terminal():
    quiet = io.StringIO()
    ProgressReport(5, "x", enabled=False, stream=quiet).close()
    assert quiet.getvalue() == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    with ProgressReport(5, "x", stream=term) as report:
        report.update(5)
    assert "5/5" in term.getvalue() and "runs done" not in term.getvalue()  # tqdm's bar, not lines


def test_batch_prints_progress_lines_when_stderr_is_not_a_terminal(tmp_path, capsys):
    run_batch(small_batch(patients=3), tmp_path / "o", progress=True)
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "h: 3 runs to do on this process; under a second of simulation"  # 3 x 18 days x 512 patches
    assert err[1] == "h: 0/3 runs done (0 %), elapsed 00:00"
    assert err[-1].startswith("h: 3/3 runs done (100 %), ") and "ETA 00:00" in err[-1]


def test_sigterm_stops_a_pool_batch_cleanly_and_it_resumes(tmp_path):
    batch = batch_file(tmp_path / "b.toml", patients=40, years=0.3)
    proc = cli("batch", str(batch), "--out", "t", "--workers", "2", cwd=tmp_path)
    runs = tmp_path / "t" / RUNS_DIR
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and not list(runs.glob("run-*.parquet")):
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 143, err
    assert "stopped by SIGTERM: the finished runs are saved in t; continue with --resume" in err
    assert "leaked semaphore" not in err and "Traceback" not in err
    assert not list(runs.glob(".*.tmp"))
    assert 1 <= len(list(runs.glob("run-*.parquet"))) < 40
    assert processes_marked(tmp_path) == []  # no worker or resource tracker outlives the batch


def _swallowed_sigterm() -> None:
    """SIGTERM landing where Python ignores exceptions (a fresh user's batch: in numba's type disposal)."""
    from calcium_abm.batch.progress import Terminated

    assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN, None)  # never kill the test run
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1.0)  # the handler runs here and raises
    except Terminated:
        pass


def test_a_sigterm_whose_exception_was_swallowed_still_stops_the_batch_at_its_next_run():
    """A fresh user's serial batch, killed with SIGTERM, printed 'Exception ignored ... Terminated: 143' from a
    numba callback, ran its 1000 runs to the end and exited 0. The signal is recorded and the next run raises it;
    a block that ends has done its work (a run's file written: raising then said nothing was written)."""
    from calcium_abm.batch import runner
    from calcium_abm.batch.progress import Terminated, raise_if_terminated, stop_on_sigterm

    with pytest.raises(Terminated):
        with stop_on_sigterm():
            _swallowed_sigterm()
            next(runner._serial([object()], keep_going=False))  # stops before running the task
    with stop_on_sigterm():
        _swallowed_sigterm()  # the work of the block is done: it ends as if the signal came after it
    raise_if_terminated()  # and the record goes with the block: a later batch starts afresh


def test_sigterm_after_every_run_was_saved_says_nothing_is_left_to_resume(tmp_path, monkeypatch, capsys):
    """Found by a fresh user: 12/12 runs done, then 'stopped by SIGTERM ... continue with --resume', and --resume
    found nothing to do."""
    from calcium_abm.batch import progress

    batch = batch_file(tmp_path / "b.toml", patients=2)
    real = progress.ProgressReport.close

    def close_then_sigterm(self):  # SIGTERM as the last run's line is printed
        real(self)
        if self.done == 2:
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN, None)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1.0)

    monkeypatch.setattr(progress.ProgressReport, "close", close_then_sigterm)
    with pytest.raises(SystemExit) as stop:
        main(["batch", str(batch), "--out", str(tmp_path / "t"), "--workers", "1"])
    assert stop.value.code == 143
    err = capsys.readouterr().err
    assert f"stopped by SIGTERM: every one of the 2 runs had finished and is saved in {tmp_path / 't'}; nothing is " \
           "left to resume" in err, err


def processes_marked(cwd: Path) -> list[int]:
    """Our processes started by :func:`cli` in ``cwd`` (and their children) still alive."""
    mark = f"CALCIUM_ABM_TEST_MARK={cwd}".encode()
    alive = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark in (entry / "environ").read_bytes().split(b"\0"):
                alive.append(int(entry.name))
        except OSError:  # gone, or another user's
            continue
    return alive


# ------------------------------------------------------------------- default workers


def test_the_estimate_line_before_a_batch_starts():
    assert estimate_line("cohort", 60000, 0.6, 2, cpus=2) == "cohort: 60000 runs to do on 2 worker processes; " \
                                                      "roughly 5 h of simulation, plus about 10 s to start the workers"
    assert estimate_line("s", 10, 0.5, 1) == "s: 10 runs to do on this process; roughly 5 s of simulation"
    assert estimate_line("s", 16, 0.06, 1).endswith("roughly 1 s of simulation")  # was "00:00"
    assert estimate_line("s", 2, 0.1, 1).endswith("; under a second of simulation")
    assert estimate_line("s", 100, 1.5, 1).endswith("roughly 3 min of simulation")  # a unit: not "02:30"
    assert estimate_line("s", 100, 50.0, 1).endswith("roughly 1 h 23 min of simulation")
    assert estimate_line("s", 10, 5.0, 1).endswith("roughly 50 s of simulation")
    assert estimate_line("d", 10, 0.5, 1, on_dask=True) == "d: 10 runs to do on a Dask cluster"
    assert estimate_line("one", 1, 0.5, 1).startswith("one: 1 run to do on this process")


def test_a_run_estimate_counts_its_start_and_spin_up():
    small = load_scenario("healthy_adult", overrides={"simulation.years": 0.1, "bone_grid_width": 16,
                                                     "bone_grid_height": 16, "vessel_grid_width": 16,
                                                     "vessel_grid_height": 16})
    large = small.with_overrides({"bone_grid_width": 128, "bone_grid_height": 128})
    patch_days = small.days * 512 * SECONDS_PER_PATCH_DAY
    assert estimated_run_seconds(small) >= RUN_START_S + patch_days  # not only the days simulated
    assert estimated_run_seconds(large) - estimated_run_seconds(small) > small.days * (16384 - 256) * SECONDS_PER_PATCH_DAY


def test_a_large_grid_costs_more_per_patch_and_calcium_abm_run_says_how_long(tmp_path, capsys, monkeypatch):
    """Found by a fresh user: `calcium-abm run` on a 4096x4096 grid started without a time estimate
    (batch gives one), and the estimate put it at 10 minutes where it takes 20 (batch/estimate.py has the
    measurements): a patch of a grid beyond a million patches costs ~2x, in the start and every day."""
    from calcium_abm.batch import estimate
    from calcium_abm.cli import main

    factor = estimate.large_grid_factor
    assert factor(1024 * 1024 + 4096, 1.8) < 1.01 and factor(2048 * 2048, 1.8) == pytest.approx(1.8)
    assert 1.0 < factor(1448 * 1448, 1.8) < 1.8 and factor(4096 * 4096, 1.8) == pytest.approx(1.8)
    base = load_scenario("healthy_adult")
    sizes = {n: base.with_overrides({"bone_grid_width": n, "bone_grid_height": n}) for n in (512, 4096)}
    per_patch = {n: estimate.run_start_seconds(sc) / n ** 2 for n, sc in sizes.items()}
    assert per_patch[4096] > 2.0 * per_patch[512]
    assert 15 * 60 < estimated_run_seconds(sizes[4096]) < 30 * 60  # measured: 261 s start + 252 ms a day (20 min)
    line = estimate.run_estimate_line(sizes[4096])
    assert line.startswith("healthy_adult: one run on 4096x4096 bone and 64x64 vessel grids; roughly ") and \
        "of simulation (a rough guide" in line, line
    assert estimate.run_estimate_line(base) is None  # under RUN_ESTIMATE_FROM_S: the progress bar tells soon enough
    monkeypatch.setattr(estimate, "RUN_ESTIMATE_FROM_S", 0.0)  # the command prints it before the run
    assert main(["run", "healthy_adult", "--years", "0.01", "--out", str(tmp_path / "o.csv")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("healthy_adult: one run on 64x64 bone and 64x64 vessel grids; under a second"), err
    assert main(["run", "healthy_adult", "--years", "0.01", "--quiet", "--out", str(tmp_path / "o.csv")]) == 0
    assert "one run on" not in capsys.readouterr().err


def test_a_run_estimate_scales_with_the_grid_as_the_core_benchmark_measured():
    """The estimate's cost of a day at each benchmarked grid is the measured one (not 3-7x it): of a
    run's first weeks, which the benchmark times (days 10-50)."""
    measured = json.loads((REPO / "bench" / "results" / "core.json").read_text("utf-8"))["cost_ms_per_day"]
    assert len(measured) == 4
    for grid, ms in measured.items():
        n = int(grid.partition("x")[0])
        one, two = (load_scenario("healthy_adult", overrides={"simulation.years": y, "bone_grid_width": n,
                                                              "bone_grid_height": n, "vessel_grid_width": n,
                                                              "vessel_grid_height": n}) for y in (0.05, 0.15))
        per_day_ms = 1000 * (estimated_run_seconds(two) - estimated_run_seconds(one)) / (two.days - one.days)
        assert per_day_ms == pytest.approx(ms, rel=0.25), grid


@pytest.mark.parametrize("side, low, high", [(64, 1.05, 1.3), (128, 1.2, 1.45)])
def test_a_run_estimate_counts_the_dearer_days_late_in_a_run(side, low, high):
    """A day of a run's tenth year costs more than one of its first weeks, by what was measured in
    k2_deficiency runs (estimate.py, 2026-12-02: x 1.07-1.26 at 64x64, x 1.30-1.34 at 128x128); a mouse's days
    rise as a human's of its physiological days; the mean rise is that of 1 - exp(-t / COST_RISE_YEARS)."""
    from calcium_abm.batch.estimate import COST_RISE_YEARS, LATE_SECONDS_PER_VESSEL_PATCH_DAY, mean_cost_rise
    from calcium_abm.physiology import parameter_set

    grid = {f"{t}_grid_{s}": side for t in ("bone", "vessel") for s in ("width", "height")}
    runs = {y: load_scenario("k2_deficiency", overrides={"simulation.years": y, **grid}) for y in (0.05, 0.15, 9.9, 10.0)}
    est = {y: estimated_run_seconds(run) for y, run in runs.items()}

    def per_day(a: float, b: float) -> float:  # the windows' day counts differ by rounding (37 and 36 days)
        return (est[b] - est[a]) / (runs[b].days - runs[a].days)

    early, late = per_day(0.05, 0.15), per_day(9.9, 10.0)
    assert low < late / early < high
    t = np.linspace(0.0, 10.0, 200_001)
    assert mean_cost_rise(10.0) == pytest.approx(np.mean(-np.expm1(-t / COST_RISE_YEARS)), rel=1e-4)
    assert mean_cost_rise(0.0) == 0.0 and 0.0 < mean_cost_rise(1.0) < mean_cost_rise(10.0) < 1.0
    mouse = load_scenario("mgp_knockout", overrides={"simulation.years": 0.1, **grid})
    slow = mouse.with_overrides({"parameters.mouse_time_scale": 1.0})  # a mouse on human time
    scale = parameter_set().mouse_time_scale
    added = (estimated_run_seconds(mouse) - estimated_run_seconds(slow)) / mouse.days
    assert added == pytest.approx(side * side * LATE_SECONDS_PER_VESSEL_PATCH_DAY * (
        mean_cost_rise(mouse.days * scale / 365) - mean_cost_rise(mouse.days / 365)))
    # 36 days of a mouse are 263 physiological days: the mean rise over them, less that over 36 days, is
    # ~0.18 of the full late rise, and 0 if the mouse's time scale were not applied
    assert added > 0.15 * (late - early)


def test_the_default_workers_rule():
    sweep = load_batch(REPO / "examples" / "batches" / "mk7_dose_sweep.toml")
    run_s = estimated_run_seconds(sweep.base_scenario())
    assert default_workers(30, run_s, cpus=2) == 1  # the shipped sweep: a pool was 4x slower here
    assert default_workers(30, run_s, cpus=8) == 1
    ten_years_64 = 3650 * 2 * 64 * 64 * (run_s / (730 * 2 * 32 * 32))
    assert default_workers(200, ten_years_64, cpus=2) == 2  # a cohort of long runs: one per CPU
    assert default_workers(200, ten_years_64, cpus=1) == 1
    assert default_workers(3, 1e6, cpus=8) == 3  # never more workers than runs
    # the threshold itself: saved time just below / above the pool's start-up x payback
    edge = POOL_PAYBACK * POOL_START_S
    assert default_workers(10, edge / 10 / 0.5 * 0.99, cpus=2) == 1
    assert default_workers(10, edge / 10 / 0.5 * 1.01, cpus=2) == 2


def test_an_interrupt_inside_a_kernel_stops_the_batch_instead_of_failing_the_run():
    """A Ctrl-C / SIGTERM that lands inside a numba kernel surfaces as a SystemError whose
    context is the interrupt; the per-run guard re-raises the interrupt (the batch stops and can
    be resumed) instead of reporting 'run 1 failed: SystemError'. Other errors still fail the run."""
    from calcium_abm.batch.runner import RunFailed, RunTask, _guard

    task = RunTask("abc", "", {"run_index": 0}, "summary")

    def kernel_interrupted(_task):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise SystemError("CPUDispatcher(<function _resorption_kernel>) returned a result with an exception set")

    with pytest.raises(KeyboardInterrupt):
        _guard(kernel_interrupted, task)

    def broken(_task):
        raise SystemError("a real failure")

    with pytest.raises(RunFailed, match="run 1 .* failed: SystemError: a real failure"):
        _guard(broken, task)


def test_an_arm_that_leaves_a_range_is_named_with_its_batch_file(tmp_path, capsys):
    path = tmp_path / "trial.toml"
    path.write_text('name = "t"\nscenario = "healthy_adult"\nyears = 1\n[cohort]\npatients = 2\n'
                    '[[arms]]\nname = "placebo"\n[[arms]]\nname = "warf"\nadd = { warfarin_mg_per_day = -5 }\n')
    from calcium_abm.cli import main

    assert main(["batch", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: arm 'warf': add = {{ warfarin_mg_per_day = -5 }}"), err
    assert "must be between 0 and 1000" in err and "Traceback" not in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("resume, entry, message", [
    (False, "manifest.json", "is not empty"),
    (True, None, "nothing to resume: the directory does not exist"),
])
def test_an_out_directory_that_cannot_take_the_batch_is_refused_before_its_runs_are_built(
        tmp_path, monkeypatch, resume, entry, message):
    # A screened cohort built a model per candidate (48 s for examples/batches/cac_screened_trial.toml)
    # and only then said that --out was not empty.
    import calcium_abm.batch.runner as runner

    out = tmp_path / "out"
    if entry:
        out.mkdir()
        (out / entry).write_text("{}")

    def screened(*args, **kwargs):
        raise AssertionError("the runs were built (and candidates screened) before --out was checked")

    monkeypatch.setattr(runner, "expand_runs", screened)
    with pytest.raises(BatchError, match=message):
        run_batch(Path(__file__).parent.parent / "examples/batches/cac_screened_trial.toml", out, resume=resume)


@pytest.mark.parametrize("option, value", [("resume", "no"), ("resume", 1), ("progress", "no"), ("progress", None)])
def test_run_batch_refuses_a_switch_that_is_not_true_or_false(tmp_path, option, value):
    """run_batch(resume="no") resumed (a non-empty string is true) and progress="no" printed progress,
    where simulate(progress="no") is refused: one message naming the argument, before any file is written."""
    with pytest.raises(BatchError, match=rf"{option} = {value!r} is not allowed: must be True or False"):
        run_batch(small_batch(), tmp_path / "o", workers=1, **{option: value})
    assert not (tmp_path / "o").exists()


def test_a_batch_directory_that_is_no_path_is_named_in_one_message():
    """Found by probe h3: load_results(5), summarize(None), power_design(5, ...) and run_batch(FILE, 5) raised
    pathlib's TypeError 'argument should be a str or an os.PathLike object ...', naming no argument."""
    from calcium_abm.batch import load_results, power_design, run_batch, summarize

    for call in (lambda: load_results(5), lambda: summarize(None), lambda: power_design(5, "x")):
        with pytest.raises(BatchError, match=r"^'(5|None)' is not a directory: give the --out directory of a batch$"):
            call()
    with pytest.raises(BatchError, match=r"^'no-such-dir' does not exist: give the --out directory of a batch$"):
        load_results("no-such-dir")  # found by a fresh user: "is not a directory" for a name that is nothing
    with pytest.raises(BatchError, match=r"^--out 5 is not allowed: give a directory for the batch results \(a path\)"):
        run_batch({"scenario": "healthy_adult", "years": 0.01, "sweep": {"parameters": {"mk7_ug_per_day": [0, 5]}}}, 5)


def test_a_summary_batch_is_estimated_at_the_cost_of_its_compiled_days():
    """Found when a 10,000-patient summary cohort printed "roughly 57 min of simulation" and took 29: the
    estimate took every day at the cost of a day that records a row, which a summary run's days do not."""
    from calcium_abm.batch import estimate

    ten_years = load_scenario("healthy_adult", overrides={"simulation.years": 10.0})
    daily, summary = estimated_run_seconds(ten_years), estimated_run_seconds(ten_years, summary=True)
    patches = 2 * 64 * 64
    assert summary < daily and daily - summary == pytest.approx(ten_years.days * (
        estimate.SECONDS_PER_DAY - estimate.SUMMARY_SECONDS_PER_DAY
        + patches * (estimate.SECONDS_PER_PATCH_DAY - estimate.SUMMARY_SECONDS_PER_PATCH_DAY)))
    assert 0.25 < summary < 0.5  # measured: see estimate.SUMMARY_SECONDS_PER_DAY


@pytest.mark.parametrize("output", ["summary", "daily"])
def test_a_batch_estimates_its_runs_by_its_output(tmp_path, monkeypatch, output):
    from calcium_abm.batch import runner

    asked = []
    real = runner.mean_run_seconds

    def spy(scenario_tomls, summary=False):
        asked.append((len(scenario_tomls), summary))
        return real(scenario_tomls, summary=summary)

    monkeypatch.setattr(runner, "mean_run_seconds", spy)
    run_batch({**small_batch(), "output": output}, tmp_path / "out", workers=1)
    assert asked == [(2, output == "summary")]


def test_the_estimate_line_counts_the_processes_that_run_and_the_cpus():
    """Found by a fresh user: one run with --workers 2 was announced on 2 worker processes (it runs in this
    process), and 4 workers on 2 CPUs at half the time of 2."""
    from calcium_abm.batch.runner import pool_processes

    assert [pool_processes(n, w) for n, w in ((1, 2), (3, 6), (10, 1), (10, 4))] == [1, 3, 1, 4]
    assert estimate_line("s", 10, 1.0, 4, cpus=2) == ("s: 10 runs to do on 4 worker processes on 2 CPUs; roughly 5 s "
                                                      "of simulation, plus about 10 s to start the workers")
    assert estimate_line("s", 10, 1.0, 2, cpus=2).endswith("roughly 5 s of simulation, plus about 10 s to start "
                                                           "the workers")


def test_a_sweep_is_estimated_from_its_runs_and_a_rodent_without_a_life_course():
    """Found by a fresh user: a sweep of bone grids [64, 1024] was estimated at the base scenario's size
    (under a second; it took 16 s), and a mouse's start as a 50-year-old's (x 15)."""
    from calcium_abm.batch import estimate

    base = load_scenario("healthy_adult", overrides={"simulation.years": 0.1})
    sizes = [base.with_overrides({"bone_grid_width": n, "bone_grid_height": n}) for n in (64, 1024)]
    both = estimate.mean_run_seconds([sc.to_toml() for sc in sizes])
    assert both == pytest.approx(sum(estimated_run_seconds(sc) for sc in sizes) / 2)
    assert both > 2 * estimated_run_seconds(sizes[0])
    many = estimate.mean_run_seconds([sc.to_toml() for sc in sizes * 50], summary=True)
    assert many == pytest.approx(sum(estimated_run_seconds(sc, summary=True) for sc in sizes) / 2, rel=0.1)
    assert estimate.mean_run_seconds([]) == 0.0
    mouse = load_scenario("mgp_knockout", overrides={"bone_grid_width": 256, "bone_grid_height": 256})
    man = base.with_overrides({"bone_grid_width": 256, "bone_grid_height": 256})
    assert estimate.run_start_seconds(mouse) < 0.1 * estimate.run_start_seconds(man)  # measured 0.031 s and 0.44 s


def test_a_very_long_unknown_key_in_set_is_shortened_wherever_it_is_echoed():
    """A fresh user's 500-character key was echoed in full before the message, and shortened inside it."""
    key = "x" * 500
    with pytest.raises(BatchError) as err:
        load_batch({"name": "t", "set": {key: 1}, "cohort": {"patients": 2}, "arms": [{"name": "a"}]})
    text = str(err.value)
    assert text.count("(500 characters)") == 2 and "x" * 100 not in text


def test_ctrl_c_in_a_terminal_gives_one_line_and_no_worker_tracebacks(tmp_path):
    """Ctrl-C reaches the terminal's whole process group: pool workers interrupted while importing printed a screen
    of KeyboardInterrupt tracebacks under the batch's 'interrupted' line (hostile tester, stop 60). The workers now
    ignore it and the parent stops them (it notices the interrupt once they have started, up to ~10 s on a loaded
    2-core machine). The signal is sent half a second after the first worker appears; wherever it lands, the output
    must be the same."""
    batch = batch_file(tmp_path / "b.toml", patients=40, years=0.3)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", "CALCIUM_ABM_TEST_MARK": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "calcium_abm.cli", "batch", str(batch), "--out", "t", "--workers",
                             "2"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own group, as a terminal's job: killpg reaches them all
    first = proc.stderr.readline()
    assert "runs to do" in first, first
    deadline = time.monotonic() + 120
    while not _spawned_workers(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # a worker has started and is importing pandas, numba, the package (~2 s)
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "interrupted: " in err
    deadline = time.monotonic() + 30
    while processes_marked(tmp_path) and time.monotonic() < deadline:  # workers end with their parent
        time.sleep(0.1)
    assert processes_marked(tmp_path) == []


def _spawned_workers(cwd: Path) -> list[int]:
    """The pool workers among :func:`processes_marked` (started by multiprocessing's spawn)."""
    found = []
    for pid in processes_marked(cwd):
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found
