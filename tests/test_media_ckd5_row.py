"""Row M-CKD5's virtual patients have CKD 5 (the cohort drew from a healthy adult, whose drawn
``patient.ckd_stage = 0`` overrode the row's scenario, until the draw was made on that scenario)."""

from calcium_abm import CalciumParadoxModel
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario
from calcium_abm.validation.vessel_rows import CKD5_AT_ACCESS


def test_every_patient_of_row_m_ckd5_runs_with_a_gfr_of_ckd_5():
    experiment = all_rows()["M-CKD5"]
    assert len(experiment.arms) == len(CKD5_AT_ACCESS.arms) == 30
    for arm in experiment.arms[:3] + experiment.arms[-3:]:  # men and women
        scenario = arm_scenario(experiment, arm, grid=8, seed=1)  # a plaque trait a 2-year run may not read:
        model = CalciumParadoxModel(scenario.with_overrides({"patient.wall_plaque_growth": 1.0}), rng=1)
        assert model.gfr_ml_per_min < 15.0, arm.label  # KDIGO G5


def test_row_m_ckd5_band_is_the_pooled_exact_confidence_interval():
    from scipy import stats
    experiment = all_rows()["M-CKD5"]
    (criterion,) = experiment.criteria
    ci = stats.binomtest(70, 124).proportion_ci(0.95)
    assert (criterion.low, criterion.high) == (round(ci.low, 3), round(ci.high, 3))
    assert criterion.low < 70 / 124 < criterion.high
