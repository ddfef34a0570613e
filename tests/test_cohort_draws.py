"""Cohorts draw sex, person traits and measured baselines (issue 10): the stated
distributions, the documented trait distributions, the same people for the same seed."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy import stats

from calcium_abm.batch import BatchError, cohort_patients, expand_runs, load_batch
from calcium_abm.batch.draws import TRAIT_PATHS
from calcium_abm.batch.conduct import baseline_state
from calcium_abm.physiology import parameter_set
from calcium_abm.physiology.person_traits import TRAIT_NAMES, trait_distributions
from calcium_abm.scenario import parse_scenario_toml

SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}


def cohort(distributions, patients=20, seed=4, **extra):
    return {"scenario": "healthy_adult", "seed": seed, "years": 0.1, "set": dict(SMALL),
            "cohort": {"patients": patients, "postmenopausal_probability": 1.0, "distributions": distributions,
                       **extra},
            "arms": [{"name": "placebo"}]}


def column(patients, path):
    return np.array([p[path] for p in patients])


def test_trait_paths_are_the_documented_traits():
    assert tuple(p.split(".")[1] for p in TRAIT_PATHS) == TRAIT_NAMES


def test_sex_choice_draws_with_its_probabilities_and_equals_female_probability():
    by_choice = load_batch(cohort({"sex": {"choice": ["male", "female"], "p": [0.3, 0.7]}}, patients=2000))
    female = column(cohort_patients(by_choice), "patient.sex") == "female"
    assert 0.66 < female.mean() < 0.74
    same = load_batch(cohort({}, patients=2000, female_probability=0.7))
    assert cohort_patients(same) == cohort_patients(by_choice)  # two spellings, one stream
    only_men = load_batch(cohort({"sex": {"choice": ["male"]}}, patients=50, postmenopausal_probability=None))
    assert set(column(cohort_patients(only_men), "patient.sex")) == {"male"}


def test_a_rodent_cohort_keeps_the_base_sex_unless_it_draws_one_and_its_females_lose_estrogen():
    """A rodent has no sex difference (a female's run is a male's, bit for bit, and refused): a cohort on a
    mouse scenario keeps its base's sex, and a drawn female is postmenopausal (an abrupt estrogen loss, as
    after ovariectomy) with postmenopausal_probability, at any age; without it she is refused by name."""
    mice = {"scenario": "mgp_knockout", "seed": 4, "years": 0.1, "set": dict(SMALL), "arms": [{"name": "a"}]}
    plain = cohort_patients(load_batch({**mice, "cohort": {"patients": 40}}))
    assert set(column(plain, "patient.sex")) == {"male"} and not column(plain, "patient.postmenopausal").any()
    drawn = cohort_patients(load_batch({**mice, "cohort": {"patients": 40, "female_probability": 0.5,
                                                           "postmenopausal_probability": 1.0}}))
    female = column(drawn, "patient.sex") == "female"
    assert 0 < female.sum() < 40 and (column(drawn, "patient.postmenopausal") == female).all()
    assert all("patient.age_at_final_menstrual_period" not in p for p in drawn)
    assert len(expand_runs(load_batch({**mice, "cohort": {"patients": 4, "female_probability": 0.5,
                                                          "postmenopausal_probability": 1.0}}))) == 4
    with pytest.raises(BatchError, match='patient.sex = "female" is not allowed for species = "mouse"'):
        expand_runs(load_batch({**mice, "cohort": {"patients": 4, "female_probability": 1.0}}))


def test_documented_traits_follow_their_published_distributions():
    keys = {name: {"distribution": "documented"} for name in TRAIT_NAMES}
    patients = cohort_patients(load_batch(cohort(keys, patients=3000)))
    dists = trait_distributions(parameter_set())
    for name in TRAIT_NAMES:
        x = column(patients, f"patient.{name}")
        assert len(set(x)) > 2900, name  # drawn, not all typical
        # the sample follows the trait's own scipy.stats distribution (clipping aside)
        result = stats.kstest(x, dists[name].cdf)
        assert result.pvalue > 1e-3, (name, result)
    log_sd = np.std(np.log(column(patients, "patient.calcification_propensity")))
    assert math.isclose(log_sd, parameter_set().calcification_propensity_log_sd, rel_tol=0.08)


def test_documented_trait_spread_comes_from_the_base_scenario_parameters():
    keys = {"calcification_propensity": {"distribution": "documented"}}
    wide = cohort(keys, patients=500)
    wide["set"]["calcification_propensity_log_sd"] = 1.5
    x = column(cohort_patients(load_batch(wide)), "patient.calcification_propensity")
    assert 1.3 < np.std(np.log(x)) < 1.7


def test_baselines_drawn_zero_inflated_and_clipped_and_same_for_same_seed():
    d = {"baseline_calcification_score": {"distribution": "lognormal", "median": 40, "sigma": 1.5,
                                          "zero_probability": 0.4, "max": 3000},
         "baseline_bmd_t_score": {"distribution": "normal", "mean": -1.0, "sd": 1.0}}
    spec = load_batch(cohort(d, patients=2000))
    patients = cohort_patients(spec)
    score = column(patients, "patient.baseline_calcification_score")
    assert 0.36 < (score == 0).mean() < 0.44 and score.max() <= 3000
    assert 25 < np.median(score[score > 0]) < 60
    t = column(patients, "patient.baseline_bmd_t_score")
    assert abs(t.mean() + 1.0) < 0.1 and t.min() >= -6
    assert cohort_patients(load_batch(cohort(d, patients=2000))) == patients
    assert cohort_patients(load_batch(cohort(d, patients=2000, seed=5))) != patients
    assert cohort_patients(spec, 50)[:20] == patients[:20]  # more candidates keep the first ones


def test_a_drawn_baseline_score_is_the_run_s_day_0_score():
    d = {"baseline_calcification_score": {"distribution": "uniform", "min": 50, "max": 400},
         "age_years": {"distribution": "uniform", "min": 50, "max": 75}}
    runs = expand_runs(load_batch(cohort(d, patients=3)))
    for run in runs:
        scenario = parse_scenario_toml(run.scenario_toml)
        drawn = run.labels["baseline_calcification_score"]
        assert scenario.patient.baseline_calcification_score == pytest.approx(drawn)
        assert baseline_state(scenario)["calcification_score"] == pytest.approx(drawn, rel=0.1)


@pytest.mark.parametrize("key, dist, said", [
    ("warfarin_mg_per_day", {"distribution": "constant", "value": -5}, "warfarin_mg_per_day.value = -5"),
    ("mk7_ug_per_day", {"distribution": "normal", "mean": 5, "sd": 20, "max": -10}, "mk7_ug_per_day.max = -10"),
    ("age_years", {"distribution": "uniform", "min": 100, "max": 200}, "age_years.max = 200"),
    ("age_years", {"choice": [30, 200]}, "age_years.choice: 200"),
    ("baseline_calcification_score", {"distribution": "constant", "value": 1e6},
     "baseline_calcification_score.value = 1000000"),
    ("calcium_mg_per_day", {"distribution": "lognormal", "median": 99999, "sigma": 0.1}, "calcium_mg_per_day.median = 99999")])
def test_a_stated_value_outside_the_scenario_range_is_refused_with_the_range(key, dist, said):
    with pytest.raises(BatchError, match=rf"cohort\.distributions\.{said} is not allowed: must be between"):
        load_batch(cohort({key: dist}))


def test_a_tail_beyond_the_range_is_cut_off_only_where_the_user_states_it():
    """46 % of normal(5, 50) lies below 0: refused unless min = 0 makes the cut the user's own."""
    with pytest.raises(BatchError, match="46 % of the draws lie below 0"):
        cohort_patients(load_batch(cohort({"mk7_ug_per_day": {"distribution": "normal", "mean": 5, "sd": 50}})))
    spec = load_batch(cohort({"mk7_ug_per_day": {"distribution": "normal", "mean": 5, "sd": 50, "min": 0}},
                             patients=200))
    doses = column(cohort_patients(spec), "diet.mk7_ug_per_day")
    assert doses.min() == 0.0 and (doses > 0).mean() > 0.4


def test_a_years_since_menopause_fixed_in_set_is_every_womans():
    """[set] years_since_menopause = 12 for women of 60-70 (a new user's probe: it was silently replaced
    by age minus a drawn age at menopause, 5.4-16.6): every woman keeps 12, her menopause at 48-58; where
    it would put menopause past 60 it is clipped as a drawn value is, and the shipped dose sweep keeps its 5."""
    spec = {"scenario": "healthy_adult", "seed": 4, "years": 0.1,
            "set": {**SMALL, "sex": "female", "postmenopausal": True, "years_since_menopause": 12.0},
            "cohort": {"patients": 30, "distributions": {
                "age_years": {"distribution": "uniform", "min": 60, "max": 70}}},
            "arms": [{"name": "placebo"}]}
    patients = cohort_patients(load_batch(spec))
    assert set(column(patients, "patient.years_since_menopause")) == {12.0}
    spec["cohort"]["distributions"]["age_years"] = {"distribution": "uniform", "min": 70, "max": 80}
    older = cohort_patients(load_batch(spec))
    ages, since = column(older, "patient.age_years"), column(older, "patient.years_since_menopause")
    assert np.all(ages - since <= 60.0 + 1e-9) and np.all(since[ages <= 72.0] == 12.0) and since.max() > 12.0
    sweep = cohort_patients(load_batch("examples/batches/mk7_dose_sweep.toml"))
    assert set(column(sweep, "patient.years_since_menopause")) == {5.0}


def test_women_recruited_as_postmenopausal_have_had_their_menopause_before_day_0():
    """A new user's probe: with postmenopausal_probability = 1, 21 % of women aged 50-60 got
    years_since_menopause = 0 (a drawn age at menopause above their age), so their final period fell on the
    trial's day 0 and its early bone loss into the trial. Their ages at menopause now follow the distribution
    given that it has come: none at their age, and as the truncated normal(51, 4) on [40, age] would give."""
    from calcium_abm.batch.expand import AGE_AT_MENOPAUSE, menopause_came_by

    patients = cohort_patients(load_batch(cohort(
        {"age_years": {"distribution": "uniform", "min": 50, "max": 60}}, patients=400, female_probability=1.0)))
    ages, since = column(patients, "patient.age_years"), column(patients, "patient.years_since_menopause")
    assert np.all(since > 0.0)
    # the law: each moved age at menopause is at or below the woman's age, in the natural range
    drawn = np.array([54.0, 58.0, 45.0, 59.0, 63.0])
    at = np.array([52.0, 52.0, 52.0, 35.0, 52.0])
    moved = menopause_came_by(drawn, at)
    assert moved[0] < moved[1] < moved[4] < 52.0  # a later draw stays later, and none at her age
    assert moved[2] == 45.0 and moved[3] == 59.0  # already past it; younger than 40: kept
    # at women of 52, the ages at menopause follow normal(51, 4) truncated to [40, 52]
    rng = np.random.default_rng(3)
    sample = menopause_came_by(rng.normal(51.0, 4.0, 20000), np.full(20000, 52.0))
    assert AGE_AT_MENOPAUSE.mean == 51.0 and AGE_AT_MENOPAUSE.sd == 4.0
    a, b = (40.0 - 51.0) / 4.0, (52.0 - 51.0) / 4.0
    assert stats.kstest(sample, stats.truncnorm(a, b, loc=51.0, scale=4.0).cdf).pvalue > 1e-3


@pytest.mark.parametrize("n, shown", [(-1, "-1"), (0, "0"), (10**12, "1000000000000"), (2.5, "2.5"), ("5", "'5'"),
                                      (True, "True")])
def test_cohort_patients_refuses_a_count_it_cannot_draw(n, shown):
    """cohort_patients(spec, n=-1) raised numpy's 'negative dimensions are not allowed' and n=10**12 a
    MemoryError (7.28 TiB): one BatchError naming n, the value and the range."""
    with pytest.raises(BatchError, match=rf"n = {re.escape(shown)} is not allowed: must be a whole number from 1 to 100000"):
        cohort_patients(load_batch(cohort({})), n)


def test_cohort_and_sweep_functions_refuse_the_other_kind_of_batch():
    """cohort_patients on a sweep and sweep_points on a cohort failed on a bare `assert`."""
    from calcium_abm.batch import sweep_points

    sweep = load_batch({"years": 0.05, "sweep": {"parameters": {"mk7_ug_per_day": [0, 1]}}})
    with pytest.raises(BatchError, match=r"cohort_patients needs a batch with \[cohort\]: this batch has \[sweep\]"):
        cohort_patients(sweep)
    with pytest.raises(BatchError, match=r"sweep_points needs a batch with \[sweep\]: this batch has \[cohort\]"):
        sweep_points(load_batch(cohort({})))


def test_expand_runs_of_a_mapping_says_to_load_it_first():
    """expand_runs({...}) raised AttributeError: 'dict' object has no attribute 'base_scenario'."""
    with pytest.raises(BatchError, match=r"expand_runs needs a BatchSpec, not dict: load the batch with load_batch"):
        expand_runs(cohort({}))
    assert len(expand_runs(load_batch(cohort({}, patients=2)))) == 2


def test_a_stage_that_acts_on_no_patient_the_screening_keeps_is_refused():
    """A new user's cohort drew CKD stage 1 (95 mL/min) on candidates of 50-70 and kept those of 55-65, whose GFR
    of age is lower: the stage acted on no randomised patient, yet the batch ran and stratified on it."""
    spec = cohort({"age_years": {"distribution": "uniform", "min": 50, "max": 70}}, patients=20,
                  female_probability=1.0, ckd_stage_probabilities=[0.8, 0.2, 0, 0, 0, 0],
                  inclusion={"age_years": {"min": 55, "max": 65}})
    with pytest.raises(BatchError, match=r"cohort.ckd_stage_probabilities = \[0.8, 0.2, 0, 0, 0, 0\] is not allowed "
                                         r"for the patients the screening keeps: all \d+ patients drawn at stage 1"):
        expand_runs(load_batch(spec))
    spec["cohort"]["inclusion"] = {"age_years": {"min": 50, "max": 52}}  # young enough for stage 1 to act
    assert expand_runs(load_batch(spec))


def test_tertiles_of_a_recorded_column_says_it_is_one_and_not_an_unknown_key():
    """A new user's tertiles_of = "dp_ucmgp_pmol_l" (a recorded column) was called 'not a known key'."""
    spec = cohort({"age_years": {"distribution": "uniform", "min": 50, "max": 70}})
    spec["analysis"] = {"tertiles_of": "dp_ucmgp_pmol_l"}
    with pytest.raises(BatchError, match=r'analysis.tertiles_of = "dp_ucmgp_pmol_l" is not allowed: it is a recorded '
                                         r"column, and tertiles split the patients by one of the cohort's drawn "
                                         r"distributions \(age_years\)"):
        load_batch(spec)
    spec["analysis"] = {"tertiles_of": "dp_ucmgp_pmol"}  # a typo is still an unknown key
    with pytest.raises(BatchError, match="unknown key 'dp_ucmgp_pmol'"):
        load_batch(spec)


def test_every_shipped_calcium_score_trial_draws_the_traits_that_set_a_persons_score():
    """The shipped coronary-calcium trials drew no wall_plaque_growth: every person of an age and sex progressed
    alike, so the Shea 2009 emulation's control arm had an SD of the 3-year change of 30 AU where the trial's SEM
    gives ~96, and `power` asked 4-6 x too few patients (clinician, stop 60). A file whose outcome is the score
    must draw both traits that set it when its arms are different people; a file drawing every other trait must draw
    this one too."""
    from pathlib import Path

    from calcium_abm.physiology.person_traits import TRAIT_NAMES

    checked = 0
    for path in sorted(Path("examples/batches").glob("*.toml")):
        spec = load_batch(path)
        if spec.cohort is None or spec.cohort.design != "parallel" or "calcification_score" not in spec.analysis.outcomes:
            continue  # a crossover compares each person with themselves (mk7_dose_sweep: one typical woman)
        drawn = set(spec.cohort.distributions)
        assert {"calcification_propensity", "wall_plaque_growth"} <= drawn, path.name
        checked += 1
    assert checked >= 2  # cac_screened_trial and shea2009_k1_cac
    assert set(TRAIT_NAMES) <= set(load_batch("examples/batches/cac_screened_trial.toml").cohort.distributions)


@pytest.mark.parametrize("dist, said", [
    ({"distribution": "normal", "mean": 66, "sd": 1, "min": 80, "max": 85},
     "min = 80.0 and max = 85.0 keep 0 % of the normal draws: every patient would get a bound"),
    ({"distribution": "lognormal", "median": 5, "sigma": 0.1, "max": 1},
     "max = 1.0 keep 0 % of the lognormal draws"),
    ({"distribution": "constant", "value": 5, "min": 10}, "min is not used by a constant distribution"),
    ({"distribution": "constant", "value": 5, "max": 10}, "max is not used by a constant distribution"),
])
def test_a_distribution_its_own_bounds_keep_from_acting_is_refused(dist, said):
    """Every patient got the bound (normal(66, 1) with min 80: all 80; a constant 5 with min 10: all 10), so the stated
    distribution never acted (hostile tester, stop 60); a bound that cuts a tail still acts."""
    with pytest.raises(BatchError, match=re.escape(said)):
        load_batch(cohort({"mk7_ug_per_day": dist}))
    cut = load_batch(cohort({"mk7_ug_per_day": {"distribution": "normal", "mean": 66, "sd": 10, "min": 70}}))
    assert cut.cohort.distributions["mk7_ug_per_day"].min == 70


def test_a_years_since_menopause_draw_no_one_reads_is_refused():
    """With postmenopausal_probability = 0 no woman starts postmenopausal, and the runs were those without the draw,
    bit for bit (hostile tester, stop 60); with female_probability = 0 it was already refused."""
    from calcium_abm.batch.expand import expand_runs

    draws = {"age_years": {"distribution": "uniform", "min": 50, "max": 58},
             "years_since_menopause": {"distribution": "uniform", "min": 2, "max": 5}}
    with pytest.raises(BatchError, match=r"cohort.distributions.years_since_menopause is not allowed here: "
                                         r"cohort.postmenopausal_probability = 0"):
        expand_runs(load_batch(cohort(draws, patients=2, postmenopausal_probability=0.0)))
    assert expand_runs(load_batch(cohort(draws, patients=2, postmenopausal_probability=0.5)))


@pytest.mark.parametrize("kind, crit, refused", [
    ("inclusion", {"min": 40}, True), ("exclusion", {"max": 45}, True), ("inclusion", {"min": 50, "max": 70}, True),
    ("inclusion", {"min": 55}, False), ("exclusion", {"min": 55, "max": 60}, False),
    ("inclusion", {"one_of": [50, 70]}, False)])
def test_a_criterion_every_value_of_the_draw_meets_or_escapes_is_refused(kind, crit, refused):
    """Ages drawn uniform 50-70 with inclusion 'at least 40' or exclusion 'at most 45': every candidate passed, and
    the runs were those without the criterion (hostile tester, stop 60). An exclusion inside the range still acts,
    and so does a list over a range."""
    from calcium_abm.batch.expand import expand_runs

    data = cohort({"age_years": {"distribution": "uniform", "min": 50, "max": 70}}, patients=2)
    data["cohort"][kind] = {"age_years": crit}
    if refused:
        with pytest.raises(BatchError, match=rf"cohort.{kind}.age_years .* is not allowed here: every value that "
                                             r"cohort.distributions.age_years can draw \(50.0 to 70.0\)"):
            expand_runs(load_batch(data))
    else:
        try:
            expand_runs(load_batch(data))
        except BatchError as exc:  # screening may run out of candidates; it must not be this refusal
            assert "every value that" not in str(exc)


@pytest.mark.parametrize("dist, said", [
    ({"distribution": "normal", "mean": 60, "sd": 0}, "a normal distribution needs sd > 0"),
    ({"distribution": "lognormal", "median": 60, "sigma": 0}, "a lognormal distribution needs sigma > 0"),
    ({"distribution": "uniform", "min": 60, "max": 60}, "a uniform distribution needs max > min"),
])
def test_a_distribution_without_spread_is_refused_alike_and_points_to_constant(dist, said):
    """sd = 0 was accepted where min = max of a uniform was refused: each would give every patient one value."""
    with pytest.raises(BatchError, match=rf"{said}.*use distribution = \"constant\""):
        load_batch(cohort({"age_years": dist}))


def test_a_normal_with_sd_0_and_a_zero_probability_is_two_values_and_accepted():
    """sd = 0 with zero_probability gives some patients the mean and the others 0: they differ, so it stays."""
    spec = load_batch(cohort({"mk7_ug_per_day": {"distribution": "normal", "mean": 180, "sd": 0,
                                                 "zero_probability": 0.5}}, patients=40))
    doses = set(column(cohort_patients(spec), "diet.mk7_ug_per_day"))
    assert doses == {0.0, 180.0}


def test_every_run_of_every_shipped_batch_passes_the_checks_its_run_makes_at_its_start():
    """Run 385 of examples/batches/shea2009_k1_cac.toml was refused after 384 runs had been simulated (a drawn
    wall_plaque_growth its person's run would not read, 2026-12-07): every run of every shipped file is now taken
    as its worker takes it (batch.conduct.person_of_cohort) through the checks a run makes before its first day
    (person.single_run_scenario), without simulating."""
    from pathlib import Path

    from calcium_abm.batch import expand_runs
    from calcium_abm.batch.conduct import person_of_cohort
    from calcium_abm.person import single_run_scenario
    from calcium_abm.scenario import parse_scenario_toml

    checked = 0
    for path in sorted(Path("examples/batches").glob("*.toml")):
        for run in expand_runs(load_batch(path)):
            person = person_of_cohort(parse_scenario_toml(run.scenario_toml, origin=f"run {run.run_id}",
                                                          written_out=True))
            single_run_scenario(person, {})  # raises ScenarioError naming the setting, as the run did
            checked += 1
    assert checked > 1000  # the shea2009 cohort alone has 388 runs
