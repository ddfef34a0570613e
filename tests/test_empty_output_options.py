"""An empty directory option (``--out ""``, an unset shell variable) is refused with one
message, as ``run --out ""`` and ``batch --out ""`` are: ``Path("")`` is the current folder, so
``summarize`` and ``validate`` wrote their report files there, and ``power`` silently fell back
to its default folder."""

from __future__ import annotations

import os

import pytest

from calcium_abm.batch import run_batch
from calcium_abm.cli import main

SMALL = {"bone_grid_width": 8, "bone_grid_height": 8, "vessel_grid_width": 8, "vessel_grid_height": 8}


@pytest.fixture(scope="module")
def pilot(tmp_path_factory):
    out = tmp_path_factory.mktemp("pilot") / "b"
    run_batch({"name": "pilot", "seed": 1, "years": 0.02, "set": dict(SMALL), "cohort": {"patients": 4},
               "arms": [{"name": "placebo"}, {"name": "mk7", "add": {"mk7_ug_per_day": 180}}]}, out)
    return out


def _in(folder, argv):
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return main(argv)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("out", ["", "  "])
def test_summarize_refuses_an_empty_out_and_writes_nothing(pilot, tmp_path, capsys, out):
    assert _in(tmp_path, ["summarize", str(pilot), "--out", out, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --out {out!r} is not allowed: give a directory for the summary"), err
    assert list(tmp_path.iterdir()) == [] and not (pilot / "summary").exists()


def test_power_refuses_an_empty_out_instead_of_writing_to_its_default(pilot, tmp_path, capsys):
    argv = ["power", str(pilot), "--outcome", "bmd_change_pct", "--sizes", "2", "--simulations", "5", "--out", ""]
    assert _in(tmp_path, argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out '' is not allowed: give a directory for power.csv and power.png"), err
    assert list(tmp_path.iterdir()) == [] and not (pilot / "summary").exists()


@pytest.mark.parametrize("option", ["--out", "--runs"])
def test_validate_refuses_an_empty_report_or_runs_folder(tmp_path, capsys, option):
    assert _in(tmp_path, ["validate", "--rows", "8", option, ""]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {option} '' is not allowed: give a directory for the"), err
    assert list(tmp_path.iterdir()) == []
