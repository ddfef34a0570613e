"""Folders that commands write their reports into.

An empty directory option (``--out ""``, an unset shell variable) is refused with one
message, as ``run --out ""`` and ``batch --out ""`` are: ``Path("")`` is the current folder, so
``summarize`` and ``validate`` wrote their report files there, and ``power`` silently fell back
to its default folder.

A report is a set of files written all together or not at all: a folder (or a FIFO) where one
of its files goes, or a full disk, gives one message naming it, no traceback, and none of the
set. Before, summarize moved the files sorted before report.md into place and then said
"nothing was written"; power wrote power.csv and ended in a traceback on power.png; validate
ended in a traceback after the whole run, its PNGs written and no report.md."""

from __future__ import annotations

import errno
import os

import pytest

from calcium_abm.batch import run_batch
from calcium_abm.cli import main
from calcium_abm.io import atomic_directory

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
    assert err.startswith("error: --out '' is not allowed: give a directory for the power table and plot "
                          "(power_OUTCOME_ARM_ANALYSIS.csv and .png)"), err
    assert list(tmp_path.iterdir()) == [] and not (pilot / "summary").exists()


@pytest.mark.parametrize("option", ["--out", "--runs"])
def test_validate_refuses_an_empty_report_or_runs_folder(tmp_path, capsys, option):
    assert _in(tmp_path, ["validate", "--rows", "8", option, ""]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {option} '' is not allowed: give a directory for the"), err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("special", ["directory", "fifo"])
def test_atomic_directory_moves_nothing_when_a_name_is_taken_by_a_non_file(tmp_path, special):
    target = tmp_path / "set"
    target.mkdir()
    (target / "b.txt").mkdir() if special == "directory" else os.mkfifo(target / "b.txt")
    with pytest.raises(OSError, match="b.txt' is (a directory|not a regular file)"):
        with atomic_directory(target) as tmp:
            for name in ("a.txt", "b.txt", "c.txt"):
                (tmp / name).write_text(name)
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["set"]  # the temporary folder is gone


def test_summarize_with_a_folder_named_report_md_writes_none_of_its_files(pilot, tmp_path, capsys):
    (tmp_path / "report.md").mkdir()
    assert main(["summarize", str(pilot), "--out", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "report.md' is a directory" in err and "nothing was written" in err, err
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def _power(pilot, out):
    return main(["power", str(pilot), "--outcome", "bmd_change_pct", "--sizes", "2", "--simulations", "5",
                 "--out", str(out)])


def test_power_with_a_folder_named_like_its_plot_writes_neither_file(pilot, tmp_path, capsys):
    (tmp_path / "power_bmd_change_pct_mk7_welch.png").mkdir()
    assert _power(pilot, tmp_path) == 2
    err = capsys.readouterr().err
    assert "error: --out" in err and "power_bmd_change_pct_mk7_welch.png' is a directory" in err, err
    assert "Traceback" not in err and [p.name for p in tmp_path.iterdir()] == ["power_bmd_change_pct_mk7_welch.png"]


def test_power_on_a_full_disk_gives_one_line_and_no_power_csv(pilot, tmp_path, capsys, monkeypatch):
    import calcium_abm.batch.power as power

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(power, "power_figure", full)
    assert _power(pilot, tmp_path / "p") == 2
    err = capsys.readouterr().err
    assert ("cannot write power_bmd_change_pct_mk7_welch.csv and power_bmd_change_pct_mk7_welch.png: No space left "
            "on device; nothing was written") in err, err
    assert not (tmp_path / "p").exists() or list((tmp_path / "p").iterdir()) == []


def test_validate_refuses_a_folder_where_its_report_goes_before_running(tmp_path, capsys, monkeypatch):
    import calcium_abm.validation.runner as runner

    monkeypatch.setattr(runner, "run_validation", lambda *a, **k: pytest.fail("ran before refusing"))
    (tmp_path / "row_8.png").mkdir()
    assert main(["validate", "--rows", "8", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --out: '{tmp_path / 'row_8.png'}' is a directory, where the report writes"), err


def test_validate_on_a_full_disk_keeps_the_table_and_writes_no_partial_report(tmp_path, capsys, monkeypatch):
    import calcium_abm.validation.report as report

    real = report.plot_experiment

    def plot_then_fill(result, path):  # the row's PNG is made, then the disk is full
        real(result, path)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report, "plot_experiment", plot_then_fill)
    out = tmp_path / "v"
    assert main(["validate", "--rows", "8", "--quick", "--workers", "1", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "cannot write the report: No space left on device; the table above is complete" in captured.err
    assert "Traceback" not in captured.err and "8 " in captured.out
    assert not out.exists() or list(out.iterdir()) == []


def test_a_non_table_file_over_a_device_is_refused_without_the_table_hint(tmp_path):
    from calcium_abm.errors import UserInputError
    from calcium_abm.io import atomic_write

    link = tmp_path / "report.md"
    link.symlink_to("/dev/null")
    with pytest.raises(UserInputError) as info:
        atomic_write(link, lambda tmp: open(tmp, "w").write("x"))
    assert str(info.value) == (f"output file '{link}' (a symbolic link to '/dev/null') is not a regular file "
                               "(a device, FIFO or socket): move it away")


def test_a_batch_with_no_finished_run_points_to_resume(pilot, tmp_path, capsys):
    """The hint was `calcium-abm batch FILE --out DIR`, which refuses DIR as not empty (its
    manifest is there): the command that finishes the batch is the one with --resume."""
    import shutil

    stopped = tmp_path / "b"
    shutil.copytree(pilot, stopped)
    for run in (stopped / "runs").iterdir():
        run.unlink()
    assert main(["summarize", str(stopped), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == (f"error: '{stopped}' has no finished runs yet (0 of 4): continue the batch with "
                   f"`calcium-abm batch FILE --out {stopped} --resume` (FILE: its batch file)\n"), err


@pytest.mark.parametrize("argv", [["summarize", "{batch}", "--out", "/dev/full"],
                                  ["batch", "{spec}", "--out", "/dev/full"]])
def test_an_output_folder_that_is_a_device_is_called_one(argv, tmp_path, capsys):
    """--out /dev/full was called 'a file'."""
    from calcium_abm.cli import main

    spec = tmp_path / "b.toml"
    spec.write_text('name = "d"\nyears = 0.01\nset = { bone_grid_width = 8, bone_grid_height = 8, vessel_grid_width = 8, '
                    'vessel_grid_height = 8 }\n[cohort]\npatients = 1\n[[arms]]\nname = "a"\n', encoding="utf-8")
    assert main(["batch", str(spec), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    capsys.readouterr()
    args = [a.format(batch=tmp_path / "o", spec=spec) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "'/dev/full' is a device, FIFO or socket" in err and "is a file" not in err, err


def test_a_report_into_a_folder_of_an_earlier_report_leaves_none_of_its_plots(tmp_path, capsys):
    """validate --out DIR twice with other rows kept the first report's row_W2.png beside a report of
    row 2b only; the report keeps the list of its files (io.atomic_directory) and replaces that set."""
    from calcium_abm.cli import main
    from calcium_abm.validation.report import REPORT_FILES

    out = tmp_path / "rep"
    assert main(["validate", "--quick", "--rows", "W2", "--out", str(out)]) == 0
    (out / "notes.txt").write_text("mine")
    assert main(["validate", "--quick", "--rows", "2b", "--out", str(out)]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in out.iterdir()) == sorted([REPORT_FILES, "notes.txt", "report.md", "row_2b.png"])


def test_power_and_summarize_in_one_folder_keep_each_others_files(tmp_path, capsys):
    """Each writer keeps its own files: a summary after power leaves power's table and plot."""
    from calcium_abm.cli import main

    spec = tmp_path / "b.toml"
    spec.write_text('name = "p"\nyears = 0.02\nrecord_every_days = 7\nset = { bone_grid_width = 8, '
                    'bone_grid_height = 8, vessel_grid_width = 8, vessel_grid_height = 8 }\n[cohort]\npatients = 4\n'
                    '[[arms]]\nname = "a"\n[[arms]]\nname = "b"\nset = { "diet.mk7_ug_per_day" = 180 }\n',
                    encoding="utf-8")
    assert main(["batch", str(spec), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert main(["summarize", str(tmp_path / "o"), "--quiet"]) == 0
    assert main(["power", str(tmp_path / "o"), "--outcome", "dp_ucmgp_pmol_l_final", "--sizes", "4,8",
                 "--simulations", "20"]) == 0
    assert main(["summarize", str(tmp_path / "o"), "--quiet"]) == 0
    capsys.readouterr()
    names = {p.name for p in (tmp_path / "o" / "summary").iterdir()}
    assert {"power_dp_ucmgp_pmol_l_final_b_welch.csv", "power_dp_ucmgp_pmol_l_final_b_welch.png", "report.md",
            "effects.csv"} <= names
