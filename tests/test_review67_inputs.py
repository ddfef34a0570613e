"""Inputs a new user's probes of session 67 found accepted silently: trial_effects' arms, design, outcomes."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from calcium_abm.batch.statistics import trial_effects
from calcium_abm.errors import UserInputError


def _parallel() -> pd.DataFrame:
    return pd.DataFrame({"run_id": [f"r{i}" for i in range(6)], "arm": ["placebo"] * 3 + ["mk7"] * 3,
                         "patient": range(6), "y": [1.0, 2.0, 6.0, 2.0, 4.0, 9.0],
                         "sex": ["male", "female"] * 3, "completed": [True] * 6})


@pytest.mark.parametrize("kwargs, said", [
    ({"arms": ["nope"]}, r"arms = \['nope'\] is not allowed: 'nope' is none of the finished runs' arms "
                         r"\(placebo, mk7\); arms orders the table"),
    ({"design": "crossover"}, r"design = 'crossover' is not allowed for these runs: no patient \(patient\) has runs "
                              r"in two arms"),
    ({"outcomes": []}, r"outcomes = \[\] is not allowed: give at least one outcome column"),
    ({"outcomes": ["sex"]}, r"outcome 'sex' is not allowed: it holds 'male', not a number"),
    ({"arms": "mk7"}, r"arms = 'mk7' is not allowed: give a list of arm names"),
])
def test_an_input_that_gave_an_empty_or_silent_table_is_refused(kwargs, said):
    args = {"outcomes": ["y"], **kwargs}
    with pytest.raises(UserInputError, match=said):
        trial_effects(_parallel(), args.pop("outcomes"), "placebo", **args)


def test_an_infinite_outcome_names_its_run_and_a_missing_one_is_counted_out():
    table = _parallel()
    table.loc[4, "y"] = math.inf
    with pytest.raises(UserInputError, match=r"outcome 'y' is not allowed: run 'r4' holds inf there; an effect "
                                             r"needs finite values"):
        trial_effects(table, ["y"], "placebo")
    table.loc[4, "y"] = math.nan  # a run without a value: left out, and n says so
    effect = trial_effects(table, ["y"], "placebo").iloc[0]
    assert effect["n_arm"] == 2 and effect["n_control"] == 3
    assert effect["difference"] == pytest.approx((2.0 + 9.0) / 2 - 3.0)


def test_only_the_control_arm_is_refused_and_a_good_call_still_works():
    table = _parallel()
    with pytest.raises(UserInputError, match=r"the runs hold only the control arm 'placebo'"):
        trial_effects(table[table["arm"] == "placebo"], ["y"], "placebo")
    assert list(trial_effects(table, ["y"], "placebo", arms=["placebo", "mk7"])["arm"]) == ["mk7"]


def test_more_workers_than_memory_holds_is_refused_before_the_batch(monkeypatch, tmp_path, capsys):
    """--workers 512 was accepted on a 24 GB machine (~190 MB a worker process: ~100 GB)."""
    from calcium_abm.cli import main
    from calcium_abm.inputs import memory

    monkeypatch.setattr(memory, "available_memory_bytes", lambda per_process=True: 4 * 2**30)  # 4 GiB free
    batch = tmp_path / "b.toml"
    doses = ", ".join(str(d) for d in range(0, 400, 5))  # 80 runs: each of 64 workers would start
    batch.write_text(f'years = 0.01\n[sweep.parameters]\nmk7_ug_per_day = [{doses}]\n[set]\n'
                     'bone_grid_width = 8\nbone_grid_height = 8\nvessel_grid_width = 8\nvessel_grid_height = 8\n')
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--workers", "64", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--workers 64 is not allowed here: 64 worker processes need about" in err
    fits = int(err.rsplit("use --workers ", 1)[1].split()[0])
    assert 1 <= fits < 64 and not out.exists()
    few = tmp_path / "few.toml"  # 3 runs start 3 processes, whatever --workers says
    few.write_text(batch.read_text().replace(f"[{doses}]", "[0, 90, 180]"))
    assert main(["batch", str(few), "--out", str(out), "--workers", "64", "--quiet"]) == 0


def test_the_worker_check_is_not_bound_by_one_process_s_address_space_limit(monkeypatch):
    """Each worker has its own ulimit -v: the check for N workers reads the machine's (and cgroup's) memory only."""
    from calcium_abm.inputs import memory

    asked = []
    monkeypatch.setattr(memory, "available_memory_bytes", lambda per_process=True: asked.append(per_process) or 2**40)
    memory.check_worker_memory(8, __import__("calcium_abm").load_scenario("healthy_adult"))
    assert asked == [False]


@pytest.mark.parametrize("keep", [[("placebo", 0)], [("placebo", 0), ("mk7", 1)]])
def test_a_stopped_crossover_batch_still_summarises_without_effects(tmp_path, keep, capsys):
    """A second reading: trial_effects' new refusals (the control arm alone; a crossover without a pair) are normal
    states of a batch stopped early, and made summarize exit 2 with no report; it reports its other tables."""
    import json

    from calcium_abm.cli import main

    batch = tmp_path / "b.toml"
    batch.write_text('years = 0.02\nrecord_every_days = 5\n[set]\nbone_grid_width = 8\nbone_grid_height = 8\n'
                     'vessel_grid_width = 8\nvessel_grid_height = 8\n[cohort]\npatients = 2\ndesign = "crossover"\n'
                     'randomisation_day = 1\n[[arms]]\nname = "placebo"\n[[arms]]\nname = "mk7"\n'
                     'add = { mk7_ug_per_day = 180 }\n')
    out = tmp_path / "out"
    assert main(["batch", str(batch), "--out", str(out), "--quiet", "--workers", "1"]) == 0
    runs = json.loads((out / "manifest.json").read_text())["runs"]
    kept = {r["run_id"] for r in runs if (r["labels"]["arm"], r["labels"]["patient"]) in keep}
    for path in (out / "runs").glob("run-*.parquet"):
        if path.stem.removeprefix("run-") not in kept:
            path.unlink()  # as if the batch had stopped before these runs
    capsys.readouterr()
    assert main(["summarize", str(out), "--out", str(tmp_path / "report")]) == 0, capsys.readouterr().err
    assert (tmp_path / "report" / "report.md").is_file()
    assert not (tmp_path / "report" / "effects.csv").exists()


def test_numbers_with_a_missing_value_in_a_column_of_objects_are_numbers():
    """A column of objects holding numbers and None (a table built by hand) was refused as text."""
    import numpy as np

    table = _parallel()
    table["y"] = pd.Series([1.0, 2.0, None, 2.0, 4.0, 9.0], dtype=object)
    effect = trial_effects(table, ["y"], "placebo", arms=np.array(["placebo", "mk7"])).iloc[0]
    assert effect["n_control"] == 2 and effect["difference"] == pytest.approx(5.0 - 1.5)
