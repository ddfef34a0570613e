"""The recorded row's shortcut (issue 16): right after a step, the bone sums that
``skeleton.mineralise`` left in ``bone.day_sums`` and the wall tallies the vessel kernel left in
``vessel.day_tallies`` give the same row, bit for bit, as a new pass over the sections
(``outputs.row_values(model, fresh=True)`` against the default)."""

from __future__ import annotations

import numpy as np
import pytest

from calcium_abm import CalciumParadoxModel
from calcium_abm.outputs import COLUMNS, row_values
from calcium_abm.physiology import remodeling, wall_readouts

SMALL = {f"{tissue}_grid_{side}": 24 for tissue in ("bone", "vessel") for side in ("width", "height")}


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.uint64)


def _wall_tallies(model):
    wall, p = model.vessel, model.params
    return wall_readouts.vessel_tallies(wall.osteochondrogenic, wall.mineral, p.calcified_patch_threshold,
                                        model.carboxylation.mgp_carboxylated_by_depth.ravel(),
                                        p.osteochondrogenic_mgp_synthesis_factor)


@pytest.mark.parametrize("scenario", ["postmenopausal", "long_term_warfarin", "haemodialysis", "mgp_knockout"])
def test_fresh_rows_equal_rows_from_a_new_pass_every_day(scenario):
    model = CalciumParadoxModel(scenario, rng=11, years=0.15, **SMALL)
    days = 0
    while model.running:
        model.step()
        days += 1
        bone = model.bone
        assert model.bone.day_sums == remodeling.bone_tallies(bone.mineral, bone.osteoid, bone.cavity,
                                                              bone.mineral_deficit)
        assert model.vessel.day_tallies == _wall_tallies(model)
        fresh, full = row_values(model, fresh=True), row_values(model)
        assert np.array_equal(_bits(fresh), _bits(full)), scenario
        assert np.array_equal(_bits(list(model.datacollector.latest.values())), _bits(full))
    assert days > 50 and model.osteoblasts.count > 0  # remodeling ran, so the sums moved
    assert model.vessel.day_tallies[0] > 0.0  # mineral in the wall, so its sum is tested


def test_mgp_knockout_wall_switches_and_calcifies_so_every_wall_tally_is_exercised():
    model = CalciumParadoxModel("mgp_knockout", rng=3, years=0.15, **SMALL)
    while model.running:
        model.step()
    mineral_sum, n_calcified, n_osteo, share = model.vessel.day_tallies
    assert (mineral_sum, n_calcified, n_osteo, share) == _wall_tallies(model)
    assert n_calcified > 0 and n_osteo > 0


def test_the_default_row_reads_the_arrays_not_the_days_sums():
    model = CalciumParadoxModel(rng=2, years=0.05, **SMALL)
    model.step()
    model.bone.mineral[0, 0] += 0.25  # a change after the step: only a new pass sees it
    index = list(COLUMNS).index("bone_mineral_density_g_cm2")
    assert row_values(model)[index] != row_values(model, fresh=True)[index]
    assert model.current_row()["bone_mineral_density_g_cm2"] == row_values(model)[index]
    model.vessel.mineral[0, 0] += 0.25  # the wall's tallies likewise
    index = list(COLUMNS).index("vessel_calcification_mg")
    assert row_values(model)[index] != row_values(model, fresh=True)[index]
