"""Inputs left alone at stop 67 and mended at stop 68: the memory the worker processes of a batch and of
``validate`` need is checked whether --workers is given or not."""

import pytest


def test_the_default_workers_start_only_as_many_processes_as_fit_in_memory(tmp_path, monkeypatch, capsys):
    """Left alone at stop 67: without --workers a batch started one process a CPU whatever the memory; now the
    default takes as many as fit (the note says how many and why), where --workers N is refused with the count."""
    import os

    from calcium_abm.cli import main
    from calcium_abm.inputs import memory

    healthy = __import__("calcium_abm").load_scenario("healthy_adult")
    each = memory.WORKER_PROCESS_BYTES_ESTIMATE + memory.memory_estimate_bytes(healthy)
    room = {"bytes": int(3.5 * each / memory.MEMORY_FRACTION)}
    monkeypatch.setattr(memory, "available_memory_bytes", lambda per_process=True: room["bytes"])
    assert memory.workers_that_fit(8, healthy) == 3 and memory.workers_that_fit(2, healthy) == 2
    room["bytes"] = int(1.5 * each / memory.MEMORY_FRACTION)
    assert memory.workers_that_fit(8, healthy) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    batch = tmp_path / "b.toml"
    batch.write_text('years = 0.01\n[sweep.parameters]\nmk7_ug_per_day = [0, 90, 180, 360]\n')
    estimate = {"seconds": 30.0}  # runs long enough that the default would start a pool of one a CPU
    monkeypatch.setattr("calcium_abm.batch.estimate.estimated_run_seconds",
                        lambda scenario, summary=False: estimate["seconds"])
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "note: 1 worker process, not the 4 the default would start (one a CPU): more would not fit" in err
    assert len(list((out / "runs").iterdir())) == 4
    estimate["seconds"] = 0.001  # a batch the default runs serially anyway: no note, nothing capped
    assert main(["batch", str(batch), "--out", str(tmp_path / "quick"), "--quiet"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_validate_refuses_more_workers_than_fit_in_memory_before_it_runs_anything(tmp_path, monkeypatch, capsys):
    """`validate --workers 512` started 512 processes of ~200 MB each on a 24 GB machine."""
    from calcium_abm.cli import main
    from calcium_abm.inputs import memory

    monkeypatch.setattr(memory, "available_memory_bytes", lambda per_process=True: 4 * 2**30)
    out = tmp_path / "report"
    assert main(["validate", "--rows", "W1", "--workers", "64", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "validate: --workers 64 is not allowed here: 64 worker processes need about" in err
    assert "use --workers " in err and "Traceback" not in err and not out.exists()


def test_a_run_on_a_small_bone_grid_says_its_blood_and_bone_swing_with_the_seed(tmp_path, capsys):
    """A nephrologist (stop 68) read a CKD 4 man's calcium of 2.12 mmol/L on a 16 x 16 bone grid (2.33 on 32 x 32)
    with no word from the summary; the default grid gets no such note."""
    from calcium_abm.cli import main

    out = tmp_path / "small.csv"
    assert main(["run", "ckd_stage4", "--years", "0.02", "--set", "bone_grid_width=16", "--set", "bone_grid_height=16",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "small bone grid" in printed and "16 x 16: its few osteoclasts" in printed and "32 x 32 or more" in printed
    assert main(["run", "ckd_stage4", "--years", "0.02", "--out", str(tmp_path / "default.csv")]) == 0
    assert "small bone grid" not in capsys.readouterr().out



def test_validate_without_workers_takes_as_many_as_fit(monkeypatch, capsys):
    """A second reading: without --workers, validate's default of 2 was refused as "--workers 2" on a machine with
    room for one; it runs on the one."""
    from calcium_abm.cli import main
    from calcium_abm.inputs import memory

    healthy = __import__("calcium_abm").load_scenario("healthy_adult")
    each = memory.WORKER_PROCESS_BYTES_ESTIMATE + memory.memory_estimate_bytes(healthy)
    monkeypatch.setattr(memory, "available_memory_bytes", lambda per_process=True: int(1.5 * each / memory.MEMORY_FRACTION))
    assert main(["validate", "--rows", "W4", "--seeds", "1", "--no-report"]) == 0
    captured = capsys.readouterr()
    assert "not allowed" not in captured.err and "1 worker)" in captured.out + captured.err
