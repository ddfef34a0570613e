"""Batch files: sweep / cohort / sensitivity expansion and field-naming error messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from calcium_abm.scenario import parse_scenario_toml

from calcium_abm.batch import BatchError, cohort_patients, expand_runs, load_batch, parse_batch_toml, sweep_points
from calcium_abm.batch.expand import run_id_for

SMALL = {"bone_grid_width": 16, "bone_grid_height": 16, "vessel_grid_width": 16, "vessel_grid_height": 16}


def sweep(parameters, **extra):
    return {"scenario": "healthy_adult", "seed": 1, "years": 0.1, "set": dict(SMALL),
            "sweep": {"parameters": parameters, **extra}}


def cohort(patients=30, **extra):
    return {"scenario": "healthy_adult", "seed": 9, "years": 0.1, "set": dict(SMALL),
            "cohort": {"patients": patients, "female_probability": 0.5, "postmenopausal_probability": 0.8,
                       "ckd_stage_probabilities": [0.5, 0.5, 0, 0, 0, 0],
                       "distributions": {
                           "age_years": {"distribution": "normal", "mean": 60, "sd": 30, "min": 40, "max": 90},
                           "years_since_menopause": {"distribution": "uniform", "min": 1, "max": 10},
                           "mk7_ug_per_day": {"distribution": "lognormal", "median": 10, "sigma": 1.0},
                       }, **extra},
            "arms": [{"name": "placebo"}, {"name": "mk7_180", "add": {"mk7_ug_per_day": 180}}]}


def test_grid_is_every_combination_with_shared_replicate_seeds():
    spec = load_batch(sweep({"mk7_ug_per_day": [0, 90, 180], "k1_half_life_h": {"min": 1, "max": 3, "steps": 3}},
                            replicates=2))
    points = sweep_points(spec)
    assert len(points) == 9
    assert [p["diet.mk7_ug_per_day"] for p in points[:3]] == [0.0, 0.0, 0.0]  # first key varies slowest
    assert [p["parameters.k1_half_life_h"] for p in points[:3]] == [1.0, 2.0, 3.0]
    runs = expand_runs(spec)
    assert len(runs) == 18 and len({r.run_id for r in runs}) == 18
    seeds = {(r.labels["point"], r.labels["replicate"]): r.seed for r in runs}
    assert seeds[(0, 0)] == seeds[(5, 0)] != seeds[(0, 1)]  # common random numbers across points
    assert isinstance(runs[0].labels["mk7_ug_per_day"], float)


def test_latin_hypercube_is_stratified_and_reproducible():
    spec = load_batch(sweep({"mk7_ug_per_day": {"min": 0, "max": 100}, "calcium_mg_per_day": {"min": 500, "max": 1500}},
                            method="latin_hypercube", samples=10))
    a, b = sweep_points(spec), sweep_points(spec)
    assert a == b
    mk7 = np.array([p["diet.mk7_ug_per_day"] for p in a])
    assert sorted(np.floor(mk7 / 10).astype(int)) == list(range(10))  # one draw per stratum
    other = load_batch({**sweep({"mk7_ug_per_day": {"min": 0, "max": 100}, "calcium_mg_per_day":
                                 {"min": 500, "max": 1500}}, method="latin_hypercube", samples=10), "seed": 2})
    assert sweep_points(other) != a


def test_random_sweep_draws_list_values_and_log_ranges():
    spec = load_batch(sweep({"sex": ["female", "male"], "mk7_ug_per_day": {"min": 1, "max": 1000, "log": True}},
                            method="random", samples=40))
    points = sweep_points(spec)
    assert {p["patient.sex"] for p in points} == {"female", "male"}
    mk7 = np.array([p["diet.mk7_ug_per_day"] for p in points])
    assert mk7.min() >= 1 and mk7.max() <= 1000 and np.median(mk7) < 300  # log-uniform, not uniform


def test_run_id_depends_on_scenario_seed_and_output():
    runs = expand_runs(load_batch(sweep({"mk7_ug_per_day": [0, 90]})))
    assert runs[0].run_id == run_id_for(runs[0].scenario_toml, "daily")
    assert run_id_for(runs[0].scenario_toml, "summary") != runs[0].run_id
    again = expand_runs(load_batch(sweep({"mk7_ug_per_day": [0, 90]})))
    assert [r.run_id for r in again] == [r.run_id for r in runs]
    assert "seed = " in runs[0].scenario_toml and str(runs[0].seed) in runs[0].scenario_toml


def test_cohort_draws_follow_the_stated_distributions():
    spec = load_batch(cohort(patients=400))
    patients = cohort_patients(spec)
    assert patients == cohort_patients(spec)  # seeded from the batch seed
    age = np.array([p["patient.age_years"] for p in patients])
    assert age.min() >= 40 and age.max() <= 90 and (age == 40).any()  # clipped
    female = np.array([p["patient.sex"] == "female" for p in patients])
    post = np.array([p["patient.postmenopausal"] for p in patients])
    up_to_60 = female & (age <= 60)
    assert 0.4 < female.mean() < 0.6 and not post[~female].any() and 0.7 < post[up_to_60].mean() < 0.9
    assert post[female & (age > 60)].all()  # natural menopause comes by 60, whatever the probability
    ysm = np.array([p["patient.years_since_menopause"] for p in patients])
    assert (ysm[~post] == 0).all() and (ysm[post] >= np.minimum(1, age[post] - 40) - 1e-9).all()
    at_menopause = (age - ysm)[post]
    assert (at_menopause >= 40 - 1e-9).all() and (at_menopause <= 60 + 1e-9).all()  # the natural range
    assert {p["patient.ckd_stage"] for p in patients} == {0, 1}
    mk7 = np.array([p["diet.mk7_ug_per_day"] for p in patients])
    assert (mk7 > 0).all() and 7 < np.median(mk7) < 14


def test_a_cohort_without_a_menopause_probability_follows_each_womans_age():
    """Without ``postmenopausal_probability`` each woman is past menopause once her age reaches
    her own age at menopause (median ~51), and before it her final period is still to come."""
    table = {"scenario": "healthy_adult", "seed": 5, "arms": [{"name": "observed"}],
             "cohort": {"patients": 400, "female_probability": 1.0,
                        "distributions": {"age_years": {"distribution": "uniform", "min": 40, "max": 70}}}}
    patients = cohort_patients(load_batch(table))
    age = np.array([p["patient.age_years"] for p in patients])
    post = np.array([p["patient.postmenopausal"] for p in patients])
    assert not post[age < 40.5].any() and post[age > 60].all()
    assert 0.3 < post[(age > 49) & (age < 53)].mean() < 0.7  # around the median age at menopause
    at_menopause = np.array([p["patient.age_years"] - p["patient.years_since_menopause"] for p in patients])[post]
    assert 44 < np.median(at_menopause) < 54 and (at_menopause >= 40).all() and (at_menopause <= 60).all()
    ahead = [p["patient.age_at_final_menstrual_period"] for p in patients if not p["patient.postmenopausal"]]
    assert all(a is not None and a >= 40 for a in ahead)
    later = [p["patient.age_at_final_menstrual_period"] - p["patient.age_years"] for p in patients
             if not p["patient.postmenopausal"]]
    assert min(later) > 0


def test_parallel_design_randomises_balanced_arms_and_adds_the_supplement():
    runs = expand_runs(load_batch(cohort(patients=31)))
    arms = [r.labels["arm"] for r in runs]
    assert len(runs) == 31 and sorted([arms.count("placebo"), arms.count("mk7_180")]) == [15, 16]
    assert arms[:10] != ["placebo", "mk7_180"] * 5  # randomised, not alternating
    for r in runs:  # both arms start from the patient's own diet; the supplement starts on day 1
        own = r.labels["mk7_ug_per_day"]
        scenario = parse_scenario_toml(r.scenario_toml)
        assert r.overrides["diet.mk7_ug_per_day"] == own
        assert scenario.state_at(0).diet.mk7_ug_per_day == own
        given = scenario.state_at(1).diet.mk7_ug_per_day
        assert given == pytest.approx(own + (180 if r.labels["arm"] == "mk7_180" else 0))


def test_crossover_design_puts_each_patient_in_every_arm_with_one_seed():
    runs = expand_runs(load_batch(cohort(patients=5, design="crossover")))
    assert len(runs) == 10
    by_patient = {}
    for r in runs:
        by_patient.setdefault(r.labels["patient"], []).append(r)
    for pair in by_patient.values():
        assert [r.labels["arm"] for r in pair] == ["placebo", "mk7_180"]
        assert pair[0].seed == pair[1].seed and pair[0].run_id != pair[1].run_id


def test_sensitivity_runs_each_distinct_point_once():
    spec = load_batch({"scenario": "healthy_adult", "seed": 3, "years": 0.1, "set": SMALL, "output": "summary",
                       "sensitivity": {"method": "morris", "trajectories": 6,
                                       "parameters": {"mk7_ug_per_day": [0, 360], "k1_half_life_h": [0.5, 3]}}})
    from calcium_abm.batch.expand import sample_run_ids

    runs = expand_runs(spec)
    ids = sample_run_ids(spec, runs)
    assert len(ids) == 18 and set(ids) == {r.run_id for r in runs} and len(runs) <= 18
    assert all(r.seed == 3 for r in runs)


@pytest.mark.parametrize("data, message", [
    ({"scenario": "healthy_adult"}, "needs exactly one of [sweep], [cohort] or [sensitivity]; it has none"),
    (sweep({"mk7_ug_per_day": [0]}) | {"cohort": {"patients": 2}}, "it has [sweep], [cohort]"),
    (sweep({"mk7_ug_per_dya": [0]}), "sweep.parameters.mk7_ug_per_dya: unknown key 'mk7_ug_per_dya' — did you "
                                     "mean 'mk7_ug_per_day'?"),
    (sweep({"mk7_ug_per_day": [0, 0]}), "sweep.parameters.mk7_ug_per_day: the value 0 is listed twice"),
    (sweep({"mk7_ug_per_day": [1, 1.0]}), "sweep.parameters.mk7_ug_per_day: the value 1 is listed twice"),
    # true is not the value 1: it is refused as what it is (was "the value 1 is listed twice")
    (sweep({"mk7_ug_per_day": [1, "a", True]}), "diet.mk7_ug_per_day = \"a\" is not allowed: must be a number"),
    (sweep({"sex": ["female", "male", "female"]}), "sweep.parameters.sex: the value \"female\" is listed twice"),
    (sweep({"mk7_ug_per_day": []}), "sweep.parameters.mk7_ug_per_day = [] is not allowed: must list at least one"),
    (sweep({"mk7_ug_per_day": 5}), "sweep.parameters.mk7_ug_per_day = 5 is not allowed: must be a list of values "
                                   "or a range"),
    (sweep({"mk7_ug_per_day": {"min": 5, "max": 1}}), "sweep.parameters.mk7_ug_per_day: max = 1.0 is not allowed: must be more than min = 5.0"),
    (sweep({"mk7_ug_per_day": {"min": 0, "max": 1}}), "a range in a grid needs steps"),
    (sweep({"mk7_ug_per_day": [0, 1]}, method="random"), "sweep.samples is missing"),
    (sweep({"seed": [1, 2]}), "the seed cannot be swept: use sweep.replicates"),
    ({**sweep({"mk7_ug_per_day": [0, 1]}), "set": {"simulation.seed": 5}},  # accepted, and every run was
     "set.simulation.seed: a run's seed derives from the batch's seed"),   # bit-identical without it
    ({**cohort(), "set": {"seed": 5}}, "set.seed: a run's seed derives from the batch's seed"),
    # a value in [set] that the batch varies never acts (each run was bit-identical without it)
    ({**sweep({"mk7_ug_per_day": [0, 1]}), "set": {**SMALL, "diet.mk7_ug_per_day": 50}},
     "set.diet.mk7_ug_per_day and sweep.parameters.mk7_ug_per_day both give diet.mk7_ug_per_day: the batch varies "
     "it, so the value in [set] never acts; leave it out of [set]"),
    ({"years": 0.1, "set": {**SMALL, "mk7_ug_per_day": 50}, "sensitivity": {"parameters": {
        "mk7_ug_per_day": [0, 10], "k1_half_life_h": [1, 2]}}}, "set.mk7_ug_per_day and sensitivity.parameters."
                                                                 "mk7_ug_per_day both give diet.mk7_ug_per_day"),
    ({**cohort(), "set": {**SMALL, "mk7_ug_per_day": 50}}, "set.mk7_ug_per_day and cohort.distributions."
                                                           "mk7_ug_per_day both give diet.mk7_ug_per_day"),
    (sweep({"sex": {"min": 0, "max": 1, "steps": 2}}), "patient.sex is not a number"),
    (sweep({"mk7_ug_per_day": [0]}, replicates=0), "sweep.replicates = 0 is not allowed: must be at least 1"),
    (sweep({"mk7_ug_per_day": [0]}, method="best"), "sweep.method = \"best\" is not allowed: must be 'grid', "
                                                    "'random' or 'latin_hypercube'"),
    (sweep({"mk7_ug_per_day": list(range(317)), "calcium_mg_per_day": list(range(317))}),
     "the batch has 100,489 runs, more than the 100,000 allowed"),
    (sweep({"mk7_ug_per_day": [0]}) | {"seed": -1}, "seed = -1 is not allowed: must be at least 0"),
    (sweep({"mk7_ug_per_day": [0]}) | {"years": float("nan")}, "years = nan is not allowed: must be a finite number"),
    (sweep({"mk7_ug_per_day": [0]}) | {"set": {"mk7_ug_pr_day": 3}}, "set.mk7_ug_pr_day: unknown key"),
    (sweep({"mk7_ug_per_day": [0]}) | {"sweeep": {}}, "unknown key 'sweeep' — did you mean 'sweep'?"),
    (sweep({"mk7_ug_per_day": [0]}) | {"scenario": "nope"}, "scenario = \"nope\" with the batch's settings: "
                                                            "unknown scenario 'nope'"),
    (cohort() | {"arms": []}, "a [cohort] batch needs at least one [[arms]] table"),
    (cohort() | {"arms": [{"name": "a"}, {"name": "a"}]}, "arms: the name \"a\" is used twice"),
    (cohort() | {"arms": [{"name": "a b"}]}, "arms #1.name: name = \"a b\" is not allowed: use ASCII letters (a-z, A-Z), digits"),
    (cohort() | {"arms": [{"name": "a", "add": {"sex": 1.0}}]}, "arms #1 (a).add.sex: add works on numeric"),
    (sweep({"mk7_ug_per_day": [0, {}]}), "sweep.parameters.mk7_ug_per_day #2 = a table {...} is not allowed: "
                                         "a list item must be a number"),
    (cohort(design="crossover") | {"arms": [{"name": "a"}, {"name": "b"}]},
     "arms #2 (b) changes nothing, as arms #1 (a) does: an arm without set, add or schedule is the control"),
    (cohort() | {"arms": [{"name": "a"}, {"name": "b"}]}, "arms #2 (b) changes nothing, as arms #1 (a) does"),
    (cohort() | {"arms": [{"name": "mk7", "add": {"mk7_ug_per_day": 90}}, {"name": "MK7", "add": {"mk7_ug_per_day": 180}}]},
     "arms: the names \"mk7\" and \"MK7\" differ only in case"),
    (cohort(patients=0), "cohort.patients = 0 is not allowed: must be at least 1"),
    (cohort(patients=10**6), "cohort.patients = 1000000 is not allowed: must be at most 100000"),
    # found by a fresh user: a number that is no integer was not told the range
    (cohort(patients=1e308), "cohort.patients = 1e+308 is not allowed: must be an integer from 1 to 100000"),
    (cohort(patients="many"), 'cohort.patients = "many" is not allowed: must be an integer from 1 to 100000'),
    (cohort(female_probability=1.5), "cohort.female_probability = 1.5 is not allowed: must be at most 1"),
    (cohort(ckd_stage_probabilities=[0.5, 0.6, 0, 0, 0, 0]), "they must add up to 1 (they add up to 1.1)"),
    # a list is shown as [...]: the count it has is said (a 7-entry list read only 'must have at most 6 entries')
    (cohort(ckd_stage_probabilities=[1, 0, 0]), "cohort.ckd_stage_probabilities = a list [...] is not allowed: "
                                                "must have exactly 6 entries (it has 3)"),
    # one per CKD stage 0-5: "at least 6" for 3 and "at most 6" for 7 read as two different rules to a fresh user
    (cohort(ckd_stage_probabilities=[1, 0, 0, 0, 0, 0, 0]), "must have exactly 6 entries (it has 7)"),
    (cohort(distributions={"age_years": {"distribution": "normal", "mean": 60}}),
     "cohort.distributions.age_years: a normal distribution needs mean and sd; sd is missing"),
    (cohort(distributions={"age_years": {"distribution": "gamma"}}),
     "cohort.distributions.age_years.distribution = \"gamma\" is not allowed: must be 'normal', 'uniform', "
     "'lognormal', 'constant', 'documented' or 'choice'"),
    (cohort(distributions={"sex": {"distribution": "constant", "value": 1}}),
     "cohort.distributions.sex: patient.sex is not a number: draw it with choice = [...] and p = [...]"),
    # a text constant read only 'must be a number' (found by h2's probe), where the number 1 got the way to draw sex
    (cohort(distributions={"sex": {"distribution": "constant", "value": "female"}}),
     "cohort.distributions.sex.value: \"female\" is not allowed: a constant must be a number; a setting that holds "
     "text (sex) is drawn with choice = [...] and p = [...], or given to every patient in [set]"),
    (cohort(distributions={"sex": {"choice": ["male", "woman"]}}),
     "cohort.distributions.sex.choice: \"woman\" is not allowed: patient.sex takes \"female\", \"male\""),
    (cohort(distributions={"sex": {"choice": ["male", "female"], "p": [0.5, 0.6]}}),
     "cohort.distributions.sex: p = [0.5, 0.6] is not allowed: probabilities must be 0 or more and add up to 1"),
    (cohort(distributions={"sex": {"choice": ["male", "female"], "p": [1.0]}}),
     "p = [1.0] is not allowed: give one probability per value of choice (2)"),
    (cohort(female_probability=0.3, distributions={"sex": {"choice": ["male", "female"]}}),
     "cohort.female_probability and cohort.distributions.sex are two ways to draw sex: give one"),
    (cohort(distributions={"postmenopausal": {"choice": [True, False]}}),
     "patient.postmenopausal is drawn with cohort.postmenopausal_probability"),
    (cohort(distributions={"age_years": {"distribution": "documented"}}),
     "cohort.distributions.age_years: distribution = \"documented\" is only for the person-level traits"),
    (cohort(distributions={"calcification_propensity": {"distribution": "documented", "sd": 2}}),
     "sd is not used by a documented distribution"),
    (cohort(distributions={"age_years": {"min": 3}}), "cohort.distributions.age_years: distribution is missing"),
    (cohort(distributions={"baseline_calcification_score": {"distribution": "constant", "value": 5,
                                                            "zero_probability": 1.5}}),
     "cohort.distributions.baseline_calcification_score.zero_probability = 1.5 is not allowed: must be at most 1"),
    (cohort(distributions={"age_at_final_menstrual_period": {"distribution": "constant", "value": 50}}),
     "patient.age_at_final_menstrual_period follows each woman's drawn age at natural menopause, not a "
     "distribution"),
    (cohort(distributions={"seed": {"distribution": "constant", "value": 1}}), "simulation.seed cannot be drawn"),
    (cohort(distributions={"age_years": {"distribution": "uniform", "min": -1e308, "max": 1e308}}),
     "cohort.distributions.age_years: min = -1e+308 and max = 1e+308 are not allowed: max - min must be finite"),
    (cohort(distributions={"age_years": {"distribution": "normal", "mean": 60, "sd": -1}}),
     "cohort.distributions.age_years.sd = -1 is not allowed: must be at least 0"),
    (cohort() | {"analysis": {"control_arm": "drug"}}, "analysis.control_arm = \"drug\" is not allowed: must be "
                                                       "one of the arms (placebo, mk7_180)"),
    (cohort() | {"analysis": {"tertiles_of": "calcium_mg_per_day"}}, "must be one of the cohort's distributions"),
    (cohort() | {"analysis": {"outcomes": {"bmd": "final"}}}, "analysis.outcomes.bmd: not a recorded column"),
    (cohort() | {"analysis": {"outcomes": {"urine_calcium_mg_per_day": "change"}}},
     "analysis.outcomes.urine_calcium_mg_per_day = \"change\" is not allowed: a day's flow has no value on day 0 "
     "(no day has passed), so only 'final' is allowed"),
    # a sum or change since day 0 is 0 in every run then: its pct_change had no value in any run (n = 0 in the
    # report) and its change was its final value (found by the new-user probe h1)
    (cohort() | {"analysis": {"outcomes": {"ca_urine_cum_mg": "pct_change"}}},
     "analysis.outcomes.ca_urine_cum_mg = \"pct_change\" is not allowed: it is 0 on every run's day 0 (a sum or a "
     "change since day 0), so only 'final' is allowed"),
    (cohort() | {"analysis": {"outcomes": {"bmd_change_pct": "change"}}},
     "analysis.outcomes.bmd_change_pct = \"change\" is not allowed: it is 0 on every run's day 0"),
    # a T-score is 0 at the young-adult mean: a percent change of it divides by a number near 0; its change is fine
    (cohort() | {"analysis": {"outcomes": {"lumbar_spine_t_score": "pct_change"}}},
     "analysis.outcomes.lumbar_spine_t_score = \"pct_change\" is not allowed: a T-score is a signed distance in SDs "
     "from the young-adult mean (0 at the mean), so only 'final' or 'change' is allowed"),
    (cohort() | {"analysis": {"outcomes": {"bmd_change_pct": "last"}}},
     "analysis.outcomes.bmd_change_pct = \"last\" is not allowed: must be 'final', 'change' or 'pct_change'"),
    # a signed column has no floor: bmd_change_pct above -1000 counted every run as severe (a fresh user's probe)
    (cohort() | {"analysis": {"severe_calcification": {"column": "bmd_change_pct", "above": -1000}}},
     "analysis.severe_calcification.column = \"bmd_change_pct\" is not allowed: it can be negative"),
    (cohort() | {"analysis": {"severe_calcification": {"column": "score", "above": 1}}},
     "analysis.severe_calcification.column = \"score\": not a recorded column"),
    ({"sensitivity": {"method": "sobol", "samples": 100, "parameters": {"mk7_ug_per_day": [0, 1],
                                                                        "k1_half_life_h": [1, 2]}}},
     "sensitivity.samples = 100 is not allowed: Sobol sampling needs a power of 2"),
    ({"sensitivity": {"parameters": {"mk7_ug_per_day": [1, 0], "k1_half_life_h": [1, 2]}}},
     "sensitivity.parameters.mk7_ug_per_day = [1.0, 0.0] is not allowed: must be [low, high]"),
    ({"sensitivity": {"parameters": {"mk7_ug_per_day": [0, 1]}}}, "name at least 2 parameters"),
    # a key only the other method reads was accepted and changed nothing (samples = 128 with Morris)
    ({"sensitivity": {"samples": 128, "parameters": {"mk7_ug_per_day": [0, 1], "k1_half_life_h": [1, 2]}}},
     "sensitivity.samples = 128 is not allowed here: it is only for method = \"sobol\", and this design is "
     "method = \"morris\" (which never reads it); leave it out"),
    ({"sensitivity": {"method": "sobol", "samples": 4, "levels": 6, "trajectories": 7,
                      "parameters": {"mk7_ug_per_day": [0, 1], "k1_half_life_h": [1, 2]}}},
     "sensitivity.trajectories = 7 is not allowed here: it is only for method = \"morris\""),
    ({"sensitivity": {"parameters": {"ckd_stage": [0, 5], "k1_half_life_h": [1, 2]}}},
     "patient.ckd_stage is not a continuous number"),
])
def test_bad_batches_name_the_field_value_and_what_is_allowed(data, message):
    with pytest.raises(BatchError) as err:
        expand_runs(load_batch(data))
    assert message in str(err.value)


@pytest.mark.parametrize("data, message", [
    ({1: 2}, "batch file: key 1 (an int) is not allowed: keys should be strings"),
    ({"scenario": "healthy_adult", "arms": [{"name": "a", 5: 1}]},
     "batch file: key 5 (an int) in [arms #1 (a)] is not allowed: keys should be strings"),
])
def test_a_key_that_is_not_a_string_is_named_with_its_type(data, message):
    """Was '1 = 1 is not allowed: keys should be strings', and 'arms #1 (a) #6 = 5 ...' (the key read as a list
    index, shown where the value belongs)."""
    with pytest.raises(BatchError) as err:
        load_batch(data)
    assert str(err.value) == message


@pytest.mark.parametrize("parameters, message", [
    ({"mk7_ug_per_day": [0, -5]}, "sweep.parameters.mk7_ug_per_day: -5 is not allowed: diet.mk7_ug_per_day "
                                  "must be between 0 and 10000 µg/day"),
    ({"age_years": {"min": 30, "max": 160, "steps": 3}}, "sweep.parameters.age_years: max = 160.0 is not allowed: "
                                                          "patient.age_years must be between 0 and 120 years"),
    ({"ckd_stage": [0, 7]}, "sweep.parameters.ckd_stage: 7 is not allowed: patient.ckd_stage must be between 0 and 5"),
    ({"ckd_stage": [0, 10**400]}, "sweep.parameters.ckd_stage: an integer of 401 digits is not allowed: "
                                  "patient.ckd_stage must be between 0 and 5"),
    ({"k1_half_life_h": {"min": 0.01, "max": 2}}, "min = 0.01 is not allowed: parameters.k1_half_life_h must be "
                                                  "between 0.1 and 200 h"),
])
def test_swept_values_out_of_range_are_refused_when_the_file_is_read(parameters, message):
    """Before any run is built, with the range text the scenario gives for the setting."""
    with pytest.raises(BatchError) as err:
        load_batch(sweep(parameters, **({} if "k1_half_life_h" not in parameters else
                                        {"method": "random", "samples": 2})))
    assert message in str(err.value) and "run " not in str(err.value)


def test_bad_files(tmp_path):
    with pytest.raises(BatchError, match="batch file not found"):
        load_batch(tmp_path / "missing.toml")
    with pytest.raises(BatchError, match="is a directory"):
        load_batch(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text("seed = [", "utf-8")
    with pytest.raises(BatchError, match=r"bad.toml: is not valid TOML"):
        load_batch(bad)
    bad.write_bytes(b"name = \"\xff\"")
    with pytest.raises(BatchError, match="is not UTF-8 text"):
        load_batch(bad)
    with pytest.raises(BatchError, match="more than the 1,048,576 bytes .1.0 MiB. a batch file may be"):
        parse_batch_toml("#" * (1024 * 1024 + 1))


def test_a_batch_file_given_as_a_scenario_and_the_reverse_get_one_line_saying_so(tmp_path):
    """`calcium-abm run trial.toml` listed nine "unknown key" lines (scenario, seed, years, ...),
    `calcium-abm batch person.toml` four: one line naming the kind of file and its command."""
    from calcium_abm.scenario import ScenarioError, load_scenario

    trial = tmp_path / "trial.toml"
    trial.write_text('seed = 3\nyears = 1\n[set]\nsex = "female"\n[cohort]\npatients = 2\n[[arms]]\nname = "a"\n',
                     "utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(trial)
    assert str(err.value) == (f"{trial}: is a batch file (it has [cohort]), not a scenario: run it with "
                              "`calcium-abm batch FILE --out DIR`")
    person = tmp_path / "person.toml"
    person.write_text('name = "p"\n[patient]\nage_years = 60\n[diet]\nmk7_ug_per_day = 90\n', "utf-8")
    with pytest.raises(BatchError) as err:
        load_batch(person)
    assert str(err.value) == (f"{person}: is a scenario file (it has [patient]), not a batch file: run it with "
                              "`calcium-abm run FILE --out FILE.csv`, or name it in a batch file as scenario = \"FILE\"")
    with pytest.raises(BatchError, match="unknown key 'patient'"):  # a batch that has a kind lists its keys
        load_batch({**sweep({"mk7_ug_per_day": [0]}), "patient": {"age_years": 60}})


def test_scenario_path_is_relative_to_the_batch_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.toml").write_text('name = "mine"\n[diet]\nmk7_ug_per_day = 42.0\n', "utf-8")
    (tmp_path / "sub" / "b.toml").write_text(
        'scenario = "mine.toml"\n[sweep.parameters]\ncalcium_mg_per_day = [800]\n', "utf-8")
    runs = expand_runs(load_batch(tmp_path / "sub" / "b.toml"))
    assert "mk7_ug_per_day = 42.0" in runs[0].scenario_toml


def test_example_batches_validate():
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "examples" / "batches"
    kinds = {load_batch(p).kind for p in folder.glob("*.toml")}
    assert kinds == {"sweep", "cohort", "sensitivity"}
    for path in folder.glob("*.toml"):
        assert expand_runs(load_batch(path))


def test_a_cohort_with_a_probability_keeps_young_women_premenopausal_and_ages_adult():
    """With a probability, a woman under 30 is premenopausal, a premenopausal woman gets her
    final period (so none passes 60 premenopausal), drawn years since menopause put it at
    40-60, and ages are adults."""
    table = {"scenario": "healthy_adult", "seed": 9, "years": 2, "arms": [{"name": "observed"}],
             "cohort": {"patients": 300, "female_probability": 1.0, "postmenopausal_probability": 0.9,
                        "distributions": {"age_years": {"distribution": "uniform", "min": 18, "max": 80},
                                          "years_since_menopause": {"distribution": "uniform", "min": 2,
                                                                    "max": 40}}}}
    patients = cohort_patients(load_batch(table))
    age = np.array([p["patient.age_years"] for p in patients])
    post = np.array([p["patient.postmenopausal"] for p in patients])
    assert age.min() >= 18 and not post[age < 30].any() and post[age > 60].all()
    at_menopause = (age - np.array([p["patient.years_since_menopause"] for p in patients]))[post]
    assert (at_menopause >= np.minimum(age[post], 40) - 1e-9).all() and (at_menopause <= 60 + 1e-9).all()
    assert all(p["patient.age_at_final_menstrual_period"] >= p["patient.age_years"]
               for p in patients if not p["patient.postmenopausal"])
    expand_runs(load_batch(table))  # every drawn woman is a valid scenario


def ages(distribution, scenario="healthy_adult", years=2.0, patients=2000):
    table = {"scenario": scenario, "seed": 9, "years": years, "arms": [{"name": "observed"}],
             "cohort": {"patients": patients, "distributions": {"age_years": distribution}}}
    return np.array([p["patient.age_years"] for p in cohort_patients(load_batch(table))])


@pytest.mark.parametrize("distribution, message", [
    ({"distribution": "uniform", "min": 5, "max": 80}, "17.3 % of the draws lie below 18 years and would all be set "
                                                       "to 18 (the cohort's ages are 18 to 118.0014 years: adults"),
    ({"distribution": "normal", "mean": 25, "sd": 10}, "24.2 % of the draws lie below 18 years"),
    ({"distribution": "constant", "value": 10}, "100 % of the draws lie below 18 years"),
    ({"distribution": "lognormal", "median": 100, "sigma": 0.2}, "20.4 % of the draws lie above 118.0014 years and "
                                                                 "would all be set to 118.0014"),
])
def test_an_age_distribution_beyond_the_ages_the_model_takes_is_refused(distribution, message):
    """Not a spike of patients at the edge that nobody asked for: the user states the cut (min/max)."""
    with pytest.raises(BatchError) as err:
        ages(distribution)
    fix = "leave zero_probability out" if "zero_probability" in distribution else "give "  # what moves them there
    assert str(err.value).startswith(f"cohort.distributions.age_years: {message}") and fix in str(err.value)


@pytest.mark.parametrize("table", [
    {"distribution": "uniform", "min": 5, "max": 80}, {"distribution": "normal", "mean": 25, "sd": 10, "max": 30},
    {"distribution": "lognormal", "median": 100, "sigma": 0.2, "zero_probability": 0.3},
    {"choice": [10.0, 40.0, 130.0], "p": [0.2, 0.5, 0.3]}, {"distribution": "normal", "mean": 60, "sd": 0.5},
])
def test_the_refused_share_is_the_share_the_draws_would_lose(table):
    from calcium_abm.batch.draws import Distribution, draw_values, share_beyond

    dist = Distribution(**table)
    x = draw_values(dist, 40_000, np.random.default_rng(3))
    below, above = share_beyond(dist, 18.0, 118.0)
    assert below == pytest.approx(np.mean(x < 18), abs=0.01) and above == pytest.approx(np.mean(x > 118), abs=0.01)


def test_an_age_cut_is_the_users_own_or_a_small_tail():
    own = ages({"distribution": "normal", "mean": 25, "sd": 10, "min": 18})
    assert own.min() == 18 and 0.2 < np.mean(own == 18) < 0.28  # the stated min clips, as documented
    tail = ages({"distribution": "normal", "mean": 45, "sd": 11})  # 0.7 % below 18: clipped without a word
    assert tail.min() == 18 and np.mean(tail == 18) < 0.015
    with pytest.raises(BatchError, match='cohort.distributions.age_years is not allowed for species = "mouse": the '
                                         "rat and mouse presets have no age laws, so the drawn ages would change no run"):
        ages({"distribution": "normal", "mean": 3, "sd": 1}, scenario="mgp_knockout", years=0.1, patients=4)


@pytest.mark.parametrize("top, in_set", [("years", 1), ("record_every_days", 2)])
def test_a_top_level_value_given_again_in_set_names_both(top, in_set):
    """A fresh user's top-level years and [set] years were told "scenario 'healthy_adult' with the batch's settings:
    'simulation.years' sets simulation.years a second time", naming neither place nor value."""
    value = 0.1 if top == "years" else 5
    with pytest.raises(BatchError, match=f"{top} = {value:g} \\(top level\\) and set.{top} = {in_set:g} both give "
                                         f"simulation.{top}: give it once"):
        load_batch({top: value, "set": {top: in_set}, "sweep": {"parameters": {"mk7_ug_per_day": [0, 1]}}})


@pytest.mark.parametrize("where", ["top", "outcomes"])
def test_a_very_long_unknown_key_in_a_batch_file_is_shortened(where):
    """A 100,000-character unknown key at a batch file's top level or in analysis.outcomes was echoed whole."""
    key, sweep = "y" * 100_000, {"sweep": {"parameters": {"mk7_ug_per_day": [1, 2]}}}
    table = {key: 1, **sweep} if where == "top" else {**sweep, "analysis": {"outcomes": {key: "final"}}}
    with pytest.raises(BatchError) as info:
        load_batch(table)
    assert len(str(info.value)) < 2000 and "(100,000 characters)" in str(info.value)


RODENT_TABLES = {
    "outcome": {"sweep": {"parameters": {"calcium_mg_per_day": [500, 1000]}},
                "analysis": {"outcomes": {"lumbar_spine_t_score": "final"}}},
    "inclusion": {"cohort": {"patients": 2, "screening_limit": 4, "inclusion": {"lumbar_spine_t_score": {"max": 0}}},
                  "arms": [{"name": "a"}]},
    "exclusion": {"cohort": {"patients": 2, "exclusion": {"lumbar_spine_dxa_bmd_g_cm2": {"max": 0.8}}},
                  "arms": [{"name": "a"}]},
    "severe": {"cohort": {"patients": 2}, "arms": [{"name": "a"}],
               "analysis": {"severe_calcification": {"column": "lumbar_spine_dxa_bmd_g_cm2", "above": 0.5}}},
}


@pytest.mark.parametrize("use", sorted(RODENT_TABLES))
def test_a_rodent_batch_refuses_the_columns_a_rodent_never_records(use):
    """A fresh user's mouse batch with a T-score outcome gave n = 0, an inclusion on it screened every candidate
    out (and advised a higher screening_limit), an exclusion excluded no one: each is refused before any run."""
    spec = load_batch({"scenario": "mgp_knockout", "years": 0.05, **RODENT_TABLES[use]})
    with pytest.raises(BatchError, match="is not allowed: every run of this batch is a mouse, and a rodent preset "
                                         "records no lumbar-spine DXA reading or T-score"):
        expand_runs(spec)
    human = load_batch({"scenario": "healthy_adult", "years": 0.05, **RODENT_TABLES["outcome"]})
    assert len(expand_runs(human)) == 2


@pytest.mark.parametrize("scenario, years", [("healthy_adult", 2.0)])
def test_a_cohort_takes_the_oldest_start_age_a_single_run_takes(scenario, years):
    """The oldest age a cohort may draw is the one a single run of the same whole days may start at
    (sections.oldest_start_age_years): an age between that and ``oldest - years`` is drawn as given
    and runs, one beyond it is refused by both."""
    from calcium_abm.errors import ScenarioError
    from calcium_abm.inputs.sections import oldest_age_years, oldest_start_age_years
    from calcium_abm.scenario import load_scenario

    base = load_scenario(scenario, overrides={"simulation.years": years})
    oldest = oldest_start_age_years(base.patient.species, base.days)
    between = (oldest_age_years(base.patient.species) - years + oldest) / 2
    assert between < oldest  # the two limits differ: a year of age is 365.25 days, of the run 365
    drawn = ages({"distribution": "constant", "value": between}, scenario=scenario, years=years, patients=3)
    assert np.all(drawn == between)
    load_scenario(scenario, overrides={"simulation.years": years, "patient.age_years": between})  # a run takes it
    beyond = oldest + 1e-4
    with pytest.raises(BatchError, match="100 % of the draws lie above"):
        ages({"distribution": "constant", "value": beyond}, scenario=scenario, years=years, patients=3)
    with pytest.raises(ScenarioError, match="is not allowed with patient.age_years"):
        load_scenario(scenario, overrides={"simulation.years": years, "patient.age_years": beyond})


def test_any_drawn_number_beyond_its_fields_range_is_refused_past_a_small_tail():
    """An intake's normal tail below 0 was set to 0 without a word (5 % of a cohort with no
    vitamin K1 at all): the same rule as the ages, the field's own range."""
    def draw(distribution):
        table = {"seed": 9, "years": 0.01, "arms": [{"name": "observed"}],
                 "cohort": {"patients": 50, "distributions": {"vitamin_k1_ug_per_day": distribution}}}
        return np.array([p["diet.vitamin_k1_ug_per_day"] for p in cohort_patients(load_batch(table))])

    with pytest.raises(BatchError, match=r"^cohort.distributions.vitamin_k1_ug_per_day: 4.78 % of the draws lie "
                                         r"below 0 µg/day and would all be set to 0 \(diet.vitamin_k1_ug_per_day's "
                                         r"values are 0 to 100000 µg/day"):
        draw({"distribution": "normal", "mean": 100, "sd": 60})
    assert draw({"distribution": "normal", "mean": 100, "sd": 60, "min": 0}).min() == 0  # the user's own cut
    assert draw({"distribution": "normal", "mean": 100, "sd": 30}).min() >= 0  # a 0.04 % tail: clipped silently


def test_numbers_that_may_be_left_out_are_numbers_to_sweeps_sensitivity_and_arms():
    """A measured baseline or a GFR that may be left out is a number, never "not a number"."""
    runs = expand_runs(load_batch(sweep({"baseline_calcification_score": {"min": 0, "max": 100, "steps": 3}})))
    assert [r.overrides["patient.baseline_calcification_score"] for r in runs] == [0.0, 50.0, 100.0]
    load_batch({"sensitivity": {"parameters": {"baseline_calcification_score": [0, 100], "mk7_ug_per_day": [0, 9]}}})
    arms = [{"name": "placebo"}, {"name": "more", "add": {"residual_gfr_ml_per_min": 5}}]
    given = cohort(patients=2) | {"arms": arms}
    del given["cohort"]["ckd_stage_probabilities"]  # a measured GFR sets kidney function: a drawn stage never acts
    given["set"] = {**given["set"], "residual_gfr_ml_per_min": 40}
    added = {r.labels["arm"]: r.scenario_toml for r in expand_runs(load_batch(given))}
    assert "\"kidney.residual_gfr_ml_per_min\" = 45.0" in added["more"] and "= 45" not in added["placebo"]
    with pytest.raises(BatchError) as err:
        expand_runs(load_batch(cohort(patients=2) | {"arms": arms}))
    assert ("add = { residual_gfr_ml_per_min = 5 } has nothing to add to: kidney.residual_gfr_ml_per_min is not "
            "given") in str(err.value)


def test_unquoted_dotted_keys_in_set_and_arms_mean_the_same_settings_as_quoted_ones():
    """TOML reads an unquoted ``diet.calcium_mg_per_day = 1500`` as a nested table; docs/batch.md
    writes [set] keys dotted, so both spellings must give the same batch (as in a scenario's schedule)."""
    from calcium_abm.batch.spec import parse_batch_toml

    def spec(key_style: str):
        q = (lambda k: f'"{k}"') if key_style == "quoted" else (lambda k: k)
        return parse_batch_toml(f"""
years = 0.1
[set]
{q("diet.calcium_mg_per_day")} = 1500
{q("parameters.k1_half_life_h")} = 2.0
[cohort]
patients = 4
[[arms]]
name = "placebo"
[[arms]]
name = "mk7"
add = {{ {q("diet.mk7_ug_per_day")} = 180 }}
[[arms.schedule]]
start_day = 30
set = {{ {q("diet.mk7_ug_per_day")} = 0 }}
""")
    quoted, bare = spec("quoted"), spec("bare")
    assert bare.set == quoted.set == {"diet.calcium_mg_per_day": 1500, "parameters.k1_half_life_h": 2.0}
    assert bare.arms[1].add == quoted.arms[1].add == {"diet.mk7_ug_per_day": 180.0}
    assert bare.arms[1].schedule[0].set == quoted.arms[1].schedule[0].set == {"diet.mk7_ug_per_day": 0}
    with pytest.raises(BatchError, match=r"set\.parameters\.nosuch: unknown key 'parameters\.nosuch': not a model "
                                         r"parameter; the names are in docs/parameters\.md"):
        parse_batch_toml("years = 0.1\n[set]\nparameters.nosuch = 1\n[sweep.parameters]\nmk7_ug_per_day = [1]\n")


def test_a_negative_severe_threshold_is_refused_on_a_column_that_is_never_negative():
    base = "years = 0.1\n[sweep.parameters]\nmk7_ug_per_day = [1, 2]\n[analysis]\n"
    with pytest.raises(BatchError, match=r"analysis\.severe_calcification\.above = -1\.0 is not allowed: must be 0 or "
                                         r"more, as calcification_score is never negative"):
        parse_batch_toml(base + 'severe_calcification = { column = "calcification_score", above = -1 }\n')
    # a signed column has no floor to check a level against (bmd_change_pct above -1000 counted every run), and its
    # runs "above" a loss are those that lost less: refused (2026-12-06; it was accepted before)
    with pytest.raises(BatchError, match=r"column = \"bmd_change_pct\" is not allowed: it can be negative"):
        parse_batch_toml(base + 'severe_calcification = { column = "bmd_change_pct", above = -1 }\n')


@pytest.mark.parametrize("above", [1, 1.5])
def test_a_severe_threshold_no_share_can_exceed_is_refused(above):
    """A share (outputs.SHARE_COLUMNS) is at most 1: ``above = 1`` on ucoc_fraction counted no run as severe in any
    arm, and the relative-risk table reported 0 events everywhere (noticed at stop 44, left alone until now)."""
    base = "years = 0.1\n[sweep.parameters]\nmk7_ug_per_day = [1, 2]\n[analysis]\n"
    with pytest.raises(BatchError, match=rf"analysis\.severe_calcification\.above = {above}\.?\d* is not allowed: must "
                                         r"be less than 1, as ucoc_fraction is a share of a whole"):
        parse_batch_toml(base + f'severe_calcification = {{ column = "ucoc_fraction", above = {above} }}\n')
    kept = parse_batch_toml(base + 'severe_calcification = { column = "ucoc_fraction", above = 0.5 }\n')
    assert kept.analysis.severe_calcification.above == 0.5


def test_a_long_swept_list_is_checked_in_linear_time():
    """A 100,000-value list (under the 1 MiB file limit) took minutes: each value was counted
    in the whole list (quadratic); a duplicate at its end is now found in one pass. Counted, not timed: the check
    compares each value with at most a few others (a quadratic one compares 10,000 values ~50 million times)."""
    from calcium_abm.inputs.trial_tables import duplicate_value_problems

    values = [round(i * 0.09, 2) for i in range(100_000)] + [0.0]
    with pytest.raises(BatchError, match="the value 0 is listed twice"):
        load_batch(sweep({"mk7_ug_per_day": values}))

    comparisons = []

    class Counted(float):
        def __eq__(self, other):
            comparisons.append(1)
            return float(self) == float(other)

        __hash__ = float.__hash__

    counted = [Counted(i * 0.5) for i in range(10_000)] + [Counted(0.0)]
    assert duplicate_value_problems("sweep.parameters.x", counted) == ["sweep.parameters.x: the value 0 is listed twice"]
    assert len(comparisons) < 3 * len(counted)


def test_many_unknown_keys_are_counted_without_a_did_you_mean_each(monkeypatch):
    """A [set] of 60,000 unknown keys took 15 s: each got a did-you-mean (~1 ms), though a message
    lists 20 problems and counts the rest. Past those 20 a key is only counted."""
    from calcium_abm.inputs import keys
    from calcium_abm.inputs.messages import MAX_LISTED_PROBLEMS

    calls = []
    real = keys.did_you_mean
    monkeypatch.setattr(keys, "did_you_mean", lambda *a, **k: calls.append(1) or real(*a, **k))
    table = {"scenario": "healthy_adult", "set": {f"k{i}": 1 for i in range(500)}, "arms": [{"name": "a"}],
             "cohort": {"patients": 1}}
    with pytest.raises(BatchError) as err:
        load_batch(table)
    assert "set.k0: unknown key 'k0'" in str(err.value) and "... and 480 more problems" in str(err.value)
    assert len(calls) == MAX_LISTED_PROBLEMS


@pytest.mark.parametrize("data, message", [
    (sweep({"name": ["a", "b"]}), "sweep.parameters.name: name labels a run and changes nothing in it"),
    (sweep({"description": ["a", "b"]}), "sweep.parameters.description: description labels a run"),
    ({**cohort(), "arms": [{"name": "a"}, {"name": "b", "set": {"name": "zz"}}]},
     "arms #2 (b).set.name: name labels a run and changes nothing in it"),
    ({**cohort(randomisation_day=0), "arms": [{"name": "a"}, {"name": "b", "set": {"source": "zz"}}]},
     "arms #2 (b).set.source: source labels a run and changes nothing in it"),
])
def test_a_label_is_refused_where_a_batch_varies_settings(data, message):
    # A sweep over name ran identical runs under two labels; an arm's set.name at
    # randomisation_day = 0 was accepted and changed nothing (at day 1 it was told to move to day 0).
    with pytest.raises(BatchError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_batch(data)


def test_a_zero_probability_of_one_is_refused():
    # Every patient got exactly 0, so the stated distribution (mean 100 µg/day) never acted.
    data = cohort()
    data["cohort"]["distributions"]["mk7_ug_per_day"] = {"distribution": "normal", "mean": 100, "sd": 1,
                                                         "zero_probability": 1}
    with pytest.raises(BatchError, match="cohort.distributions.mk7_ug_per_day: zero_probability = 1 is not allowed"):
        load_batch(data)
    data["cohort"]["distributions"]["mk7_ug_per_day"]["zero_probability"] = 0.999
    load_batch(data)


def test_a_zero_probability_of_zero_is_refused():
    # No patient got exactly 0 from it, so the accepted key changed nothing (found by the new-user probe h1).
    data = cohort()
    data["cohort"]["distributions"]["mk7_ug_per_day"] = {"distribution": "normal", "mean": 100, "sd": 1,
                                                         "zero_probability": 0}
    with pytest.raises(BatchError, match="cohort.distributions.mk7_ug_per_day: zero_probability = 0 is not allowed: "
                                         "no patient would get exactly 0 from it"):
        load_batch(data)
    data["cohort"]["distributions"]["mk7_ug_per_day"]["zero_probability"] = 0.001
    load_batch(data)


@pytest.mark.parametrize("dist", [{"distribution": "constant", "value": 10}, {"choice": [10]}])
def test_tertiles_of_a_distribution_that_gives_everyone_one_value_is_refused(dist):
    # The tertiles ranked equal patients by their order alone, so the relative risks compared arbitrary groups
    # (found by the new-user probe h1: tertiles_of a constant mk7_ug_per_day gave T1, T2, T3 all at 10 µg/day).
    data = cohort()
    data["cohort"]["distributions"]["mk7_ug_per_day"] = dist
    data["analysis"] = {"severe_calcification": {"column": "calcification_score", "above": 10},
                        "tertiles_of": "mk7_ug_per_day"}
    with pytest.raises(BatchError, match="analysis.tertiles_of = \"mk7_ug_per_day\" is not allowed: "
                                         "cohort.distributions.mk7_ug_per_day gives every patient the same value"):
        load_batch(data)
    data["cohort"]["distributions"]["mk7_ug_per_day"] = {**dist, "zero_probability": 0.5} if "choice" not in dist \
        else {"choice": [0, 10]}
    load_batch(data)


def test_zero_inflation_is_refused_where_zero_means_no_state_of_none():
    """A share of exactly 0 is for the calcium score, intakes and doses: on an age it had put half a
    cohort at 0 years (refused as "below 18", with no word of why), on a T-score at exactly 0 SD."""
    for key, dist in (("age_years", {"distribution": "uniform", "min": 50, "max": 60}),
                      ("baseline_bmd_t_score", {"distribution": "normal", "mean": -1.5, "sd": 1})):
        data = cohort()
        data["cohort"]["distributions"][key] = {**dist, "zero_probability": 0.5}
        with pytest.raises(BatchError) as caught:
            load_batch(data)
        assert (f"cohort.distributions.{key}.zero_probability = 0.5 is not allowed for patient.{key}: a share of "
                "exactly 0 is for amounts whose 0 means none of it") in str(caught.value)
    data = cohort()
    data["cohort"]["distributions"]["baseline_calcification_score"] = {
        "distribution": "lognormal", "median": 60, "sigma": 1.8, "zero_probability": 0.4, "max": 1500}
    load_batch(data)


@pytest.mark.parametrize("column, message", [
    ("day", "analysis.outcomes.day: day is the runs' time axis, not an outcome"),
    ("years", "analysis.outcomes.years: years is the runs' time axis, not an outcome"),
])
def test_the_time_axis_as_an_outcome_is_named_as_such(column, message):
    # 'outcomes = { day = "final" }' said "not a recorded column — did you mean 'day'?"
    with pytest.raises(BatchError) as caught:
        load_batch(sweep({"mk7_ug_per_day": [1]}) | {"analysis": {"outcomes": {column: "final"}}})
    assert message in str(caught.value) and "did you mean" not in str(caught.value)


def test_tertiles_without_a_severe_threshold_are_refused():
    # tertiles_of alone was accepted and acted on nothing: its tertiles split only the risk table
    # of severe calcification, which a batch without severe_calcification does not make.
    with pytest.raises(BatchError, match=r'analysis.tertiles_of = "mk7_ug_per_day" is not allowed without '
                                         r"analysis.severe_calcification"):
        load_batch(cohort() | {"analysis": {"tertiles_of": "mk7_ug_per_day"}})
    load_batch(cohort() | {"analysis": {"tertiles_of": "mk7_ug_per_day", "severe_calcification":
                                        {"column": "calcification_score", "above": 100}}})


@pytest.mark.parametrize("arm, message", [
    ({"name": "early", "schedule": [{"start_day": 2, "set": {"mk7_ug_per_day": 5}}]},
     "arms #2 (early).schedule #1: start_day = 2 is not allowed: must be at least cohort.randomisation_day (10)"),
    ({"name": "nothing", "add": {"mk7_ug_per_day": 0}},
     "arms #2 (nothing).add.mk7_ug_per_day: diet.mk7_ug_per_day = 0 is not allowed: adding 0 changes nothing"),
])
def test_an_arm_that_differs_before_randomisation_or_adds_nothing_is_refused(arm, message):
    # Found by a batch probe: an arm's schedule entry from day 2 with randomisation on day 10 made the arms
    # differ before they were randomised (the design promises the same people until then), and add = 0
    # gave an arm identical to the control. Both were accepted.
    data = {**cohort(randomisation_day=10), "arms": [{"name": "placebo"}, arm]}
    with pytest.raises(BatchError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_batch(data)
    arm = {**arm, "schedule": [{"start_day": 10, "end_day": 40, "set": {"mk7_ug_per_day": 5}}],
           "add": {"mk7_ug_per_day": 1}}  # (without end_day the entry would override the add on every day)
    load_batch({**cohort(randomisation_day=10), "arms": [{"name": "placebo"}, arm]})  # from randomisation on


def test_a_sweep_or_screen_reports_levels_a_cohort_changes_by_default():
    # Found by a batch probe: without [analysis] a [sensitivity] screen reported S1 ~ 0 for mk7_ug_per_day on
    # dp_ucmgp_pmol_l_pct_change, as every run starts at the steady state of its own dose (a change from day 0
    # measures nothing there, as docs/batch.md says of sweeps). A sweep or screen now reports the level.
    from calcium_abm.inputs.trial_tables import STATE_OUTCOMES, analysis_outcomes

    swept = load_batch(sweep({"mk7_ug_per_day": [0, 180]}))
    assert analysis_outcomes(swept) == STATE_OUTCOMES and STATE_OUTCOMES["dp_ucmgp_pmol_l"] == "final"
    assert analysis_outcomes(load_batch(cohort()))["dp_ucmgp_pmol_l"] == "pct_change"  # arms start at randomisation
    given = load_batch({**sweep({"mk7_ug_per_day": [0, 180]}), "analysis": {"outcomes": {"dp_ucmgp_pmol_l": "change"}}})
    assert analysis_outcomes(given) == {"dp_ucmgp_pmol_l": "change"}  # as the file says


@pytest.mark.parametrize("analysis, message", [
    ({"control_arm": "placebo"}, 'analysis.control_arm = "placebo" is not allowed with one arm'),
])
def test_a_control_arm_with_one_arm_is_refused(analysis, message):
    # Accepted and did nothing: with one arm there is no effect to compare (found by a batch probe).
    with pytest.raises(BatchError, match=message):
        load_batch({**cohort(), "arms": [{"name": "placebo"}], "analysis": analysis})


def test_severe_calcification_in_a_screen_is_refused():
    # A [sensitivity] batch accepted severe_calcification and announced it in the report, but no table of a
    # screen reads it (found by a batch probe).
    table = {"scenario": "healthy_adult", "seed": 1, "years": 0.1, "set": dict(SMALL),
             "sensitivity": {"method": "morris", "trajectories": 2, "levels": 4,
                             "parameters": {"mk7_ug_per_day": [0.0, 360.0], "vitamin_k1_ug_per_day": [50.0, 200.0]}},
             "analysis": {"severe_calcification": {"column": "calcification_score", "above": 10}}}
    with pytest.raises(BatchError, match="analysis.severe_calcification is not allowed in a \\[sensitivity\\] batch"):
        load_batch(table)
    del table["analysis"]
    load_batch(table)


def test_a_choice_value_with_probability_zero_is_refused():
    # choice = [1, 2] with p = [1, 0] was accepted: 2 was listed and never drawn (found by a batch probe).
    data = cohort(distributions={"mk7_ug_per_day": {"choice": [0.0, 180.0], "p": [1.0, 0.0]}})
    with pytest.raises(BatchError, match="180.0 has probability 0 and would never be drawn"):
        load_batch(data)


def test_a_size_listed_twice_is_refused_by_power():
    # power --sizes 5,5 printed two identical rows (found by a batch probe).
    from calcium_abm.batch.power import PowerDesign, power_curve
    from calcium_abm.errors import UserInputError

    design = PowerDesign(control=np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]]),
                         treated=np.array([[2.0, 0.0], [3.0, 0.0], [4.0, 0.0]]), outcome="x")
    with pytest.raises(UserInputError, match="5 is listed twice"):
        power_curve(design, 1.0, [5, 10, 5], 10, 1)


def test_a_stored_sensitivity_batch_with_every_default_opens_again(tmp_path):
    """A manifest stores every field of [sensitivity] with its default (samples = 64 beside a Morris
    design); refusing the key its method does not read in a batch file must not refuse the manifest."""
    from calcium_abm.batch.store import load_spec

    spec = load_batch({"scenario": "healthy_adult", "sensitivity": {
        "trajectories": 2, "parameters": {"mk7_ug_per_day": [0, 1], "k1_half_life_h": [1, 2]}}})
    stored = spec.model_dump(mode="json")
    assert stored["sensitivity"]["samples"] == 64
    assert load_spec({"batch": stored}).sensitivity == spec.sensitivity


@pytest.mark.parametrize("source", [None, [1, 2], 5, b"seed = 1"])
def test_load_batch_of_something_that_is_no_batch_gets_a_clear_message(source, tmp_path):
    """load_batch(None) raised pathlib's 'argument should be a str or an os.PathLike object ...' TypeError
    (run_batch(None, ...) too), where simulate(None) says what it takes."""
    from calcium_abm.batch import run_batch

    message = rf"cannot load a batch from {type(source).__name__}: give a \.toml path, mapping or BatchSpec"
    with pytest.raises(BatchError, match=message):
        load_batch(source)
    with pytest.raises(BatchError, match=message):
        run_batch(source, tmp_path / "out", workers=1)
    assert not (tmp_path / "out").exists()


def test_a_sweep_over_sex_past_60_points_to_a_cohort():
    """[set] applies to every swept run, so no sweep gives only its women a menopause; both refusals (the
    woman premenopausal at 70, or postmenopausal = true for the men) say so and name the cohort that does it."""
    import re

    sweep = {"scenario": "healthy_adult", "years": 0.1, "set": {"age_years": 70},
             "sweep": {"parameters": {"sex": ["female", "male"]}}}
    hint = "the batch sweeps sex, and [set] applies to every swept run, the men's too"
    with pytest.raises(BatchError, match=re.escape(hint)):
        expand_runs(load_batch(sweep))
    sweep["set"].update(postmenopausal=True, years_since_menopause=19)
    with pytest.raises(BatchError, match=re.escape(hint)):
        expand_runs(load_batch(sweep))
    cohort_file = {"scenario": "healthy_adult", "years": 0.1, "arms": [{"name": "observed"}],
                   "cohort": {"patients": 4, "female_probability": 0.5,
                              "distributions": {"age_years": {"distribution": "constant", "value": 70}}}}
    assert len(expand_runs(load_batch(cohort_file))) == 4
    typo = {"scenario": "healthy_adult", "years": 0.1, "sweep": {"parameters": {"sex": ["female", "femal"]}}}
    with pytest.raises(BatchError) as info:  # a typo's refusal is not about menopause: no cohort advice
        expand_runs(load_batch(typo))
    assert 'patient.sex = "femal" is not allowed' in str(info.value) and hint not in str(info.value)
