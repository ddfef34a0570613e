"""The shipped example batches measure what they say they measure."""

from __future__ import annotations

import tomllib
from pathlib import Path

from calcium_abm.batch import expand_runs, load_batch

REPO = Path(__file__).resolve().parents[1]


def test_the_dose_sweep_starts_every_dose_after_a_shared_day_0():
    runs = expand_runs(load_batch(REPO / "examples" / "batches" / "mk7_dose_sweep.toml"))
    scenarios = [tomllib.loads(r.scenario_toml) for r in runs]
    assert len({s["diet"]["mk7_ug_per_day"] for s in scenarios}) == 1  # the same day 0 in every run
    started = {(e["start_day"], e["set"]["diet.mk7_ug_per_day"]) for s in scenarios for e in s.get("schedule", [])}
    assert {day for day, _ in started} == {1}
    assert sorted(dose for _, dose in started) == [90, 180, 270, 360]
    assert {s["patient"]["sex"] for s in scenarios} == {"female"}
