"""A CKD stage whose GFR the person's age alone already passes changes nothing (the model keeps the
lower of the two GFRs): a single run refuses it, and a cohort runs such a patient on the GFR of age
and refuses a stage that acts on none of its patients. A fresh user found a woman of 85 at
``ckd_stage = 2`` bit-identical to stage 0, and a cohort of 70-80-year-olds counting stage-1 and
stage-2 patients whose runs were those of stage 0."""

from __future__ import annotations

import numpy as np
import pytest

from calcium_abm import load_scenario, simulate
from calcium_abm.batch import BatchError, cohort_patients, load_batch
from calcium_abm.batch.conduct import person_of_cohort
from calcium_abm.errors import ScenarioError
from calcium_abm.inert_settings import ckd_stage_unread

WOMAN_85 = {"age_years": 85, "sex": "female", "postmenopausal": True, "years_since_menopause": 34}
SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}


def test_a_stage_that_age_already_passes_is_refused_and_a_lower_one_acts():
    with pytest.raises(ScenarioError) as caught:
        simulate("healthy_adult", years=0.1, seed=1, overrides={**WOMAN_85, **SMALL, "ckd_stage": 2})
    text = str(caught.value)
    assert text.startswith("patient.ckd_stage = 2 does nothing for this person: stage 2's GFR (75 mL/min) is not "
                           "below the 57.8 mL/min that age alone gives a female of 85")
    assert "leave ckd_stage at 0" in text
    none, stage3 = (simulate("healthy_adult", years=0.1, seed=1, overrides={**WOMAN_85, **SMALL, "ckd_stage": s})
                    for s in (0, 3))
    # the run's mean PTH (a small section's last day moves with its bone cells' draws: 6.04 and 5.96 on 2026-12-07)
    assert stage3["gfr_ml_per_min"].iloc[-1] < none["gfr_ml_per_min"].iloc[-1]
    assert stage3["pth_pmol_l"].mean() > none["pth_pmol_l"].mean()


def test_the_check_reads_age_sex_and_a_measured_gfr():
    young, old = (load_scenario("healthy_adult").with_overrides({"age_years": a, "ckd_stage": 1}) for a in (50, 68))
    assert ckd_stage_unread(young) is None  # 95 mL/min is below a man of 50's 100
    assert ckd_stage_unread(old) == (0, 95.0, pytest.approx(86.0, abs=0.1))
    measured = load_scenario("healthy_adult").with_overrides(
        {"age_years": 85, "ckd_stage": 3, "kidney.residual_gfr_ml_per_min": 40})
    assert ckd_stage_unread(measured) is None


def cohort(ages, probabilities, patients=12):
    return {"scenario": "healthy_adult", "seed": 3, "years": 0.1, "set": dict(SMALL),
            "cohort": {"patients": patients, "ckd_stage_probabilities": probabilities,
                       "distributions": {"age_years": {"distribution": "uniform", "min": ages[0], "max": ages[1]}}},
            "arms": [{"name": "observed"}]}


def test_a_cohort_refuses_a_stage_no_patient_of_it_reads():
    with pytest.raises(BatchError) as caught:
        cohort_patients(load_batch(cohort((83, 95), [0.5, 0, 0.5, 0, 0, 0])))
    assert "is not allowed for these patients: all" in str(caught.value)
    assert "drawn at stage 2 (75 mL/min) already have that GFR or less from age alone" in str(caught.value)
    assert "give stage 2 probability 0, or draw younger patients" in str(caught.value)


def test_a_cohort_runs_a_patient_whose_age_passes_the_stage_on_the_gfr_of_age():
    spec = load_batch(cohort((40, 85), [0.2, 0, 0.8, 0, 0, 0], patients=30))
    base = spec.base_scenario()
    people = [base.with_overrides(p) for p in cohort_patients(spec)]
    at_stage = [s for s in people if s.patient.ckd_stage == 2]
    passed = [s for s in at_stage if ckd_stage_unread(s)]
    reads = [s for s in at_stage if not ckd_stage_unread(s)]
    assert passed and reads  # some are old enough, some not
    assert all(person_of_cohort(s).patient.ckd_stage == 0 for s in passed)
    assert all(person_of_cohort(s).patient.ckd_stage == 2 for s in reads)
    assert np.all([s.patient.age_years for s in passed] > np.min([s.patient.age_years for s in reads]))


def test_a_scheduled_stage_and_a_swept_one_are_checked_too():
    """A stage set by a [[schedule]] entry is checked at its day's age, and a sweep over ckd_stage is refused
    for the stages the person's age passes (both ran as copies of stage 0)."""
    scheduled = load_scenario("healthy_adult").with_overrides({**WOMAN_85, "simulation.years": 1}).with_schedule(
        [{"start_day": 100, "set": {"patient.ckd_stage": 2}}])
    assert ckd_stage_unread(scheduled) == (100, 75.0, pytest.approx(57.5, abs=0.2))
    with pytest.raises(ScenarioError, match=r"a \[\[schedule\]\] entry's \(start_day = 100\) patient.ckd_stage = 2 "):
        simulate(scheduled)
    from calcium_abm.batch import expand_runs
    sweep = {"scenario": "healthy_adult", "years": 0.1, "set": dict(WOMAN_85),
             "sweep": {"parameters": {"ckd_stage": [0, 2, 4]}}}
    with pytest.raises(BatchError, match="patient.ckd_stage = 2 does nothing for this person"):
        expand_runs(load_batch(sweep))
    sweep["sweep"]["parameters"]["ckd_stage"] = [0, 3, 4]
    assert len(expand_runs(load_batch(sweep))) == 3


def test_a_drawn_stage_sent_back_to_0_also_sends_back_a_plaque_growth_her_healthy_kidneys_leave_unread():
    """A cohort of examples/batches/shea2009_k1_cac.toml failed on its run 385 (2026-12-07): a woman drawn at
    CKD stage 2, which her age already passes, ran on healthy kidneys, where her plaque begins only after the
    run, so her drawn wall_plaque_growth was refused. On stage 2 the onset may come any day, so one pass of
    person_of_cohort kept the growth; the person is now taken to the point where nothing more is unread."""
    from calcium_abm.physiology.person_traits import plaque_onset_after_run, refuse_draw_only_spreads

    drawn = load_scenario("healthy_adult").with_overrides(
        {**WOMAN_85, "simulation.years": 1, "ckd_stage": 2, "wall_plaque_growth": 1.5, "calcification_propensity": 0.3})
    assert ckd_stage_unread(drawn) and plaque_onset_after_run(drawn) is None  # stage 2: no bound on the onset
    assert plaque_onset_after_run(drawn.with_overrides({"ckd_stage": 0})) is not None  # healthy: after the run
    person = person_of_cohort(drawn)
    assert (person.patient.ckd_stage, person.patient.wall_plaque_growth) == (0, 1.0)
    refuse_draw_only_spreads(person.parameters, person)  # her run accepts it (it raised ScenarioError)
    assert person_of_cohort(person) == person
    kept = drawn.with_overrides({"calcification_propensity": 1.0})  # her plaque begins within the run: it acts
    assert person_of_cohort(kept).patient.wall_plaque_growth == 1.5
