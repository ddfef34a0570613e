"""``calcium-abm validate``: a repeated --rows, and a --runs folder whose runs/ was damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from calcium_abm.batch.expand import run_id_for
from calcium_abm.batch.store import run_path
from calcium_abm.cli import build_parser, main
from calcium_abm.commands.validate import selected_rows
from calcium_abm.errors import UserInputError
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, open_run_store, run_validation, seeds_for


def test_a_repeated_rows_option_selects_every_row_it_names(capsys):
    args = build_parser().parse_args(["validate", "--rows", "8", "--rows", "W1,9", "--list"])
    assert [item.row for item in selected_rows(args.rows)] == ["W1", "8", "9"]  # table order
    assert main(["validate", "--rows", "8", "--rows", "9", "--list"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["8", "9"]


def test_an_empty_rows_among_several_is_refused(capsys):
    assert main(["validate", "--rows", "8", "--rows", " ", "--list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --rows ' ' is not allowed: give row ids separated by commas, with no empty entry, "
                          "such as 8,9") and "Traceback" not in err


def test_a_runs_folder_whose_runs_is_a_file_is_refused(tmp_path):
    store = open_run_store(tmp_path / "v")
    (store / "runs").rmdir()
    (store / "runs").write_text("x")
    with pytest.raises(UserInputError, match=r"runs' is a file, where the runs are kept: move it away"):
        open_run_store(store)


def test_a_runs_folder_whose_runs_was_removed_gets_it_back(tmp_path):
    store = open_run_store(tmp_path / "v")
    (store / "runs").rmdir()
    assert (open_run_store(store) / "runs").is_dir()


def test_a_kept_run_that_is_not_parquet_is_named_before_anything_runs(tmp_path):
    row = all_rows()["W1"]
    store = open_run_store(tmp_path / "v")
    scenario = arm_scenario(row, row.arms[0], grid=row.quick_grid, seed=seeds_for(row, 1, True)[0])
    damaged = run_path(store, run_id_for(scenario.to_toml(), "daily"))
    damaged.write_text("not parquet")
    with pytest.raises(UserInputError, match=r"cannot be read as Parquet .*: delete it and run validate again"):
        run_validation([row], seeds=1, quick=True, workers=1, runs_dir=store)
    assert sorted(p.name for p in (store / "runs").iterdir()) == [damaged.name]  # nothing ran


@pytest.mark.parametrize("extra, named", [(["--rows", "W1"], "--rows"), (["--quick"], "--quick"),
                                          (["--quick", "--rows", "8"], "--rows and --quick")])
def test_docs_refuses_a_partial_or_rough_page(capsys, extra, named):
    page = Path(__file__).resolve().parents[1] / "docs" / "validation.md"
    before = page.stat().st_mtime_ns
    assert main(["validate", "--docs", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --docs cannot be combined with {named}: --docs replaces docs/validation.md")
    assert "--out DIR" in err and page.stat().st_mtime_ns == before


@pytest.mark.parametrize("marker, says", [("[1]", "names no model fingerprint, so it was not written by"),
                                          ("{}", "names no model fingerprint, so it was not written by"),
                                          (None, "validation-runs.json cannot be read (Is a directory)")])
def test_a_runs_marker_not_written_by_validate_is_named_as_such(tmp_path, marker, says):
    store = tmp_path / "v"
    store.mkdir()
    if marker is None:
        (store / "validation-runs.json").mkdir()
    else:
        (store / "validation-runs.json").write_text(marker)
    with pytest.raises(UserInputError) as info:
        open_run_store(store)
    assert says in str(info.value) and "object has no attribute" not in str(info.value)


def test_workers_beside_a_scheduler_is_refused_before_anything_runs(tmp_path, capsys, monkeypatch):
    """validate --scheduler ADDRESS --workers 4 took --workers and never used it (a Dask cluster has its own
    workers; batch and sensitivity refused the pair; found by the new-user probe h1). Refused before the
    scheduler is contacted or a file is written."""
    monkeypatch.chdir(tmp_path)
    code = main(["validate", "--rows", "1", "--no-report", "--scheduler", "tcp://127.0.0.1:1", "--workers", "4"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: --workers and --scheduler cannot be combined: a Dask cluster has its "
                                        "own workers"), err
    assert not list(tmp_path.iterdir())
