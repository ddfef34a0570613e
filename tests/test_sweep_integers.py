"""A range of whole numbers in a random or Latin-hypercube sweep: each whole number equally likely, one stratum
each (a new user's 6 Latin-hypercube samples of ckd_stage 0-5 drew 4, 2, 3, 4, 0, 2: rounding gave the end
stages half the chance and lost the Latin property)."""

from __future__ import annotations

from collections import Counter

from calcium_abm.batch import load_batch
from calcium_abm.batch.expand import sweep_points


def _sweep(method: str, samples: int, seed: int = 3, stages=(0, 5)):
    return load_batch({"scenario": "healthy_adult", "seed": seed, "years": 0.01, "output": "summary",
                       "set": {"bone_grid_width": 8, "bone_grid_height": 8, "vessel_grid_width": 8,
                               "vessel_grid_height": 8},
                       "sweep": {"method": method, "samples": samples,
                                 "parameters": {"ckd_stage": {"min": stages[0], "max": stages[1]},
                                                "mk7_ug_per_day": {"min": 1, "max": 360, "log": True}}}})


def test_a_latin_hypercube_over_six_stages_draws_each_stage_once():
    for seed in (3, 4, 5):
        stages = [p["patient.ckd_stage"] for p in sweep_points(_sweep("latin_hypercube", 6, seed))]
        assert sorted(stages) == [0, 1, 2, 3, 4, 5], stages


def test_random_draws_give_the_end_stages_their_full_share():
    counts = Counter(p["patient.ckd_stage"] for p in sweep_points(_sweep("random", 600)))
    assert set(counts) == {0, 1, 2, 3, 4, 5}
    assert min(counts[0], counts[5]) > 70  # a sixth is 100; rounding gave the ends ~60 (a tenth)


def test_a_whole_number_range_with_no_whole_number_or_a_log_scale_is_refused():
    """A fresh user's ckd_stage 2.2-2.8 drew stage 2, outside it; with log = true the end stage got half a share."""
    import pytest

    from calcium_abm.batch import BatchError

    with pytest.raises(BatchError, match=r"sweep.parameters.ckd_stage = \{ min = 2.2, max = 2.8 \} is not allowed: "
                                         r"patient.ckd_stage takes whole numbers and none lies in this range"):
        _sweep("random", 10, stages=(2.2, 2.8))
    with pytest.raises(BatchError, match=r"log = true \} is not allowed: patient.ckd_stage takes whole numbers, drawn "
                                         r"alike from the range: leave log out"):
        load_batch({"scenario": "healthy_adult", "years": 0.01, "sweep": {"method": "random", "samples": 4,
                    "parameters": {"ckd_stage": {"min": 1, "max": 5, "log": True}}}})
    assert [p["patient.ckd_stage"] for p in sweep_points(_sweep("random", 8, stages=(2.2, 3.8)))] == [3] * 8
