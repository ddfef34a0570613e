"""Row T-Binders (calcium acetate vs sevelamer on haemodialysis): its doses bind alike by the
model's own binder laws, its arms are one person until study day 1, and the biochemistry the
trials report comes out of the rules in a short run."""

from __future__ import annotations

import dataclasses

from calcium_abm import simulate
from calcium_abm.physiology import parameter_set
from calcium_abm.physiology.dialysis import binder_capacity_mg
from calcium_abm.validation.binder_trial_rows import (BINDER_TRIAL_EXPERIMENTS, CALCIUM_ACETATE_G_PER_DAY,
                                                      SEVELAMER_G_PER_DAY)
from calcium_abm.validation.runner import arm_scenario


def test_the_two_doses_bind_the_same_phosphate_by_the_models_own_coefficients():
    p = parameter_set()
    sevelamer = binder_capacity_mg(SEVELAMER_G_PER_DAY, 0.0, p)
    calcium = binder_capacity_mg(0.0, CALCIUM_ACETATE_G_PER_DAY, p)
    assert sevelamer > 100.0 and abs(sevelamer / calcium - 1.0) < 0.02


def test_the_arms_are_one_person_until_study_day_1():
    exp = BINDER_TRIAL_EXPERIMENTS[0]
    sevelamer, calcium = (arm_scenario(exp, arm, grid=16, seed=3) for arm in exp.arms)
    assert sevelamer.state_at(0).model_dump(exclude={"name"}) == calcium.state_at(0).model_dump(exclude={"name"})
    before = sevelamer.state_at(0).drugs
    assert before.sevelamer_g_per_day == 0.0 and before.calcium_acetate_g_per_day == 0.0
    late = exp.days - 1
    assert calcium.state_at(late).drugs.calcium_acetate_g_per_day == CALCIUM_ACETATE_G_PER_DAY
    assert sevelamer.state_at(late).drugs.sevelamer_g_per_day == SEVELAMER_G_PER_DAY


def test_calcium_acetate_raises_calcium_and_lowers_pth_at_equal_phosphate():
    exp = dataclasses.replace(BINDER_TRIAL_EXPERIMENTS[0], days=120)
    runs = {arm.label: simulate(arm_scenario(exp, arm, grid=16, seed=5)) for arm in exp.arms}
    ca, sev = runs["calcium acetate"].iloc[60:], runs["sevelamer"].iloc[60:]
    assert ca["serum_calcium_mmol_l"].mean() > sev["serum_calcium_mmol_l"].mean()
    assert ca["pth_pmol_l"].mean() < 0.95 * sev["pth_pmol_l"].mean()
    assert abs(ca["serum_phosphate_mmol_l"].mean() - sev["serum_phosphate_mmol_l"].mean()) < 0.15
