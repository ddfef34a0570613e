"""The recorded row's shortcut (issue 16): right after a step, the bone sums that
``skeleton.mineralise`` left in ``bone.day_sums`` give the same row, bit for bit, as a new
pass over the section (``outputs.row_values(model, fresh=True)`` against the default)."""

from __future__ import annotations

import numpy as np
import pytest

from calcium_abm import CalciumParadoxModel
from calcium_abm.outputs import COLUMNS, row_values
from calcium_abm.physiology import remodeling

SMALL = {f"{tissue}_grid_{side}": 24 for tissue in ("bone", "vessel") for side in ("width", "height")}


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.uint64)


@pytest.mark.parametrize("scenario", ["postmenopausal", "long_term_warfarin", "haemodialysis"])
def test_fresh_rows_equal_rows_from_a_new_pass_every_day(scenario):
    model = CalciumParadoxModel(scenario, rng=11, years=0.15, **SMALL)
    days = 0
    while model.running:
        model.step()
        days += 1
        bone = model.bone
        assert model.bone.day_sums == remodeling.bone_tallies(bone.mineral, bone.osteoid, bone.cavity)
        fresh, full = row_values(model, fresh=True), row_values(model)
        assert np.array_equal(_bits(fresh), _bits(full)), scenario
        assert np.array_equal(_bits(list(model.datacollector.latest.values())), _bits(full))
    assert days > 50 and model.osteoblasts.count > 0  # remodeling ran, so the sums moved


def test_the_default_row_reads_the_arrays_not_the_days_sums():
    model = CalciumParadoxModel(rng=2, years=0.05, **SMALL)
    model.step()
    model.bone.mineral[0, 0] += 0.25  # a change after the step: only a new pass sees it
    index = list(COLUMNS).index("bone_mineral_density_g_cm2")
    assert row_values(model)[index] != row_values(model, fresh=True)[index]
    assert model.current_row()["bone_mineral_density_g_cm2"] == row_values(model)[index]
