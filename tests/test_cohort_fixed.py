"""A cohort keeps the sex, menopause and CKD stage that the base scenario or [set] fixes,
unless it draws that field itself (docs/batch.md, "Virtual cohorts and trials")."""

from __future__ import annotations

import pytest

from calcium_abm.batch import BatchError, cohort_patients, expand_runs, load_batch


def batch(scenario="healthy_adult", set_=None, **cohort):
    return load_batch({"scenario": scenario, "seed": 3, "years": 0.1, "set": dict(set_ or {}),
                       "cohort": {"patients": 12, **cohort}, "arms": [{"name": "placebo"}]})


def values(spec, path):
    return [p[path] for p in cohort_patients(spec)]


def test_set_fixes_sex_and_ckd_stage_for_every_patient():
    spec = batch(set_={"sex": "female", "ckd_stage": 4, "age_years": 55})
    assert set(values(spec, "patient.sex")) == {"female"}
    assert set(values(spec, "patient.ckd_stage")) == {4}
    for run in expand_runs(spec):
        assert run.overrides["patient.sex"] == "female" and run.overrides["patient.ckd_stage"] == 4


@pytest.mark.parametrize("scenario, path, value", [("ckd_stage4", "patient.ckd_stage", 4),
                                                   ("postmenopausal", "patient.sex", "female"),
                                                   ("postmenopausal", "patient.postmenopausal", True)])
def test_a_scenario_other_than_the_default_holds(scenario, path, value):
    assert set(values(batch(scenario), path)) == {value}


def test_a_default_scenario_still_draws_sex_and_an_explicit_draw_wins_over_the_scenario():
    assert set(values(batch(), "patient.sex")) == {"female", "male"}
    drawn = batch("ckd_stage4", ckd_stage_probabilities=[0.5, 0, 0, 0.5, 0, 0], female_probability=0.5)
    assert set(values(drawn, "patient.ckd_stage")) == {0, 3}
    assert set(values(batch("postmenopausal", female_probability=0.5), "patient.sex")) == {"female", "male"}


def test_set_and_a_cohort_draw_of_the_same_field_is_refused():
    with pytest.raises(BatchError, match=r"set\.ckd_stage and cohort\.ckd_stage_probabilities both give"):
        batch(set_={"ckd_stage": 2}, ckd_stage_probabilities=[0.5, 0.5, 0, 0, 0, 0])
    with pytest.raises(BatchError, match=r"set\.sex and cohort\.female_probability"):
        batch(set_={"sex": "female"}, female_probability=0.5)


def test_a_menopause_draw_in_a_cohort_without_women_is_refused():
    """postmenopausal_probability or a years_since_menopause distribution with no women (sex fixed
    to male, or female_probability = 0) was accepted and acted on no one."""
    since = {"years_since_menopause": {"distribution": "uniform", "min": 2, "max": 10}}
    for spec, why in ((batch(set_={"sex": "male"}, postmenopausal_probability=0.9), "sex is fixed to male"),
                      (batch(female_probability=0.0, distributions=since), "women are drawn with probability 0")):
        with pytest.raises(BatchError, match=f"is not allowed here: the cohort has no women \\({why}\\)"):
            cohort_patients(spec)
    assert "patient.sex" in cohort_patients(batch(female_probability=0.0))[0]  # no menopause draw: fine


def test_a_stage_draw_beside_a_measured_gfr_is_refused_before_any_run():
    """ckd_stage_probabilities beside a measured GFR (in [set] or the scenario) was accepted and
    the batch stopped at the first patient whose stage differed, naming the GFR but not the draw."""
    stages = [0.5, 0, 0, 0.5, 0, 0]
    for spec, why in ((batch(set_={"residual_gfr_ml_per_min": 30}, ckd_stage_probabilities=stages),
                       r"the scenario or \[set\] gives a measured GFR \(kidney.residual_gfr_ml_per_min = 30 mL/min\)"),
                      (batch("haemodialysis", ckd_stage_probabilities=[0, 0, 0, 0, 0, 1]),
                       r"the scenario or \[set\] gives a measured GFR")):
        with pytest.raises(BatchError, match=r"cohort.ckd_stage_probabilities = \[.*\] is not allowed here: " + why):
            cohort_patients(spec)
    assert set(values(batch(set_={"residual_gfr_ml_per_min": 30}), "patient.ckd_stage")) == {0}  # a GFR alone: fine
    assert set(values(batch(ckd_stage_probabilities=stages), "patient.ckd_stage")) == {0, 3}  # a stage draw alone
