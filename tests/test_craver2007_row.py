"""Row Craver2007 (phosphate and calcium within the K/DOQI ranges by CKD stage, Craver et al. 2007): steady kidneys at
the model's representative GFR of stages 3, 4 and 5, the ranges converted from mg/dL, only shares above 50 % as
criteria; none is a known failure since uraemic anorexia (dialysis.mineral_intake_share) lowered the calcium and
phosphorus eaten below GFR 53 (the stage-5 phosphate and calcium were, at 2.35 and 2.41 mmol/L)."""

import pytest

from calcium_abm import simulate
from calcium_abm.physiology.kidney import GFR_ML_PER_MIN_BY_CKD_STAGE
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Craver2007"]


def test_one_steady_kidney_per_stage():
    row = _row()
    gfrs = [GFR_ML_PER_MIN_BY_CKD_STAGE[stage] for stage in (3, 4, 5)]
    assert [arm.label for arm in row.arms] == [f"GFR {g:g}" for g in gfrs]
    assert [arm.settings["kidney.residual_gfr_ml_per_min"] for arm in row.arms] == gfrs
    assert all(arm.settings["patient.age_years"] == 60.0 and not arm.start for arm in row.arms)


def test_the_k_doqi_ranges_in_mmol_per_l_and_no_known_failures():
    stage3, stage4, stage5, calcium5 = _row().criteria
    for phosphate in (stage3, stage4):
        assert (phosphate.low, phosphate.high) == pytest.approx((0.872, 1.485), abs=1e-3)
    assert (stage5.low, stage5.high) == pytest.approx((1.130, 1.776), abs=1e-3)
    assert (calcium5.low, calcium5.high) == pytest.approx((2.096, 2.370), abs=1e-3)
    assert not any(criterion.known_failure for criterion in _row().criteria)
    assert "17205962" in _row().source and "10.1093/ndt/gfl718" in _row().source


def test_phosphate_rises_with_the_stage_on_a_short_run():
    """On the row's grid (32, one seed): each criterion reads its own stage (phosphate higher the lower the GFR).
    Smaller grids no longer order the stages: on 16 x 16 the stage-3 and -4 phosphates read 1.17 and 1.15 mmol/L
    (seed 1), and on 8 x 8 the stage-5 person's serum calcium fell to 0.6 mmol/L on day 726 (its lowest was 2.00
    before uraemic anorexia, and is 2.20 on 32 x 32)."""
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=32, seed=1)) for arm in row.arms}
    stage3, stage4, stage5, calcium5 = (evaluate(c, [runs]).mean for c in row.criteria)
    assert 0.8 < stage3 < stage4 < stage5 < 3.5 and 2.0 < calcium5 < 2.8
