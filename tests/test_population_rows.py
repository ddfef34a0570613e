"""Population validation rows (A2 Dubbo, 21 Heinz Nixdorf Recall): drawn through the cohort
machinery, scored from the rules, and judged by bands that can fail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcium_abm.batch import cohort_patients, load_batch
from calcium_abm.validation import all_rows
from calcium_abm.validation.ageing_rows import (AGE_AT_FMP_YEARS, CAC_COLUMN, DUBBO, HEINZ_NIXDORF,
                                                HNR_AGE_STRATA_YEARS, HNR_PER_STRATUM, HNR_SEED,
                                                LIFE_COURSE_START_YEARS)
from calcium_abm.validation.population import DOCUMENTED_TRAITS
from calcium_abm.validation.runner import arm_scenario


def test_row_21_is_expressed_for_both_sexes_and_draws_no_score():
    row = all_rows()["21"]
    assert not getattr(row, "unexpressed", ())  # no part of row 21 is left "not expressible"
    sexes = [a.settings["patient.sex"] for a in row.arms]
    assert sexes.count("male") == sexes.count("female") == len(HNR_AGE_STRATA_YEARS) * HNR_PER_STRATUM
    assert len({a.label for a in row.arms}) == len(row.arms)  # every person has their own label
    for arm in row.arms:
        assert not any("calcification_score" in key for key in arm.settings)  # the score comes from the rules
        assert arm.settings["patient.age_years"] == LIFE_COURSE_START_YEARS
    ages = np.array([p["patient.age_years"] for p in HEINZ_NIXDORF.people.values()])
    assert ages.min() >= 45 and ages.max() <= 75 and ages.std() > 5
    for trait in DOCUMENTED_TRAITS:  # people differ in every documented trait
        values = {a.settings[f"patient.{trait}"] for a in row.arms}
        assert len(values) == len(row.arms), trait


def test_the_population_is_the_cohort_machinery_s_draw_in_age_strata():
    drawn = {sex: [p for p in HEINZ_NIXDORF.people.values() if p["patient.sex"] == sex] for sex in ("male", "female")}
    for k, (low, high) in enumerate(HNR_AGE_STRATA_YEARS):
        for i, sex in enumerate(("male", "female")):
            batch = load_batch({"seed": HNR_SEED + 2 * k + i, "cohort": {"patients": HNR_PER_STRATUM, "distributions": {
                "sex": {"choice": [sex]}, "age_years": {"distribution": "uniform", "min": low, "max": high},
                **{t: {"distribution": "documented"} for t in DOCUMENTED_TRAITS}}}, "arms": [{"name": "observed"}]})
            assert drawn[sex][k * HNR_PER_STRATUM:(k + 1) * HNR_PER_STRATUM] == cohort_patients(batch)
    for people in drawn.values():  # every 5-year stratum holds the same number of people of each sex
        counts = np.histogram([p["patient.age_years"] for p in people], bins=6, range=(45, 75))[0]
        assert list(counts) == [HNR_PER_STRATUM] * 6


def test_a_patient_runs_from_the_life_course_start_to_the_age_drawn():
    row = all_rows()["21"]
    woman = next(a for a in row.arms if a.settings["patient.sex"] == "female")
    scenario = arm_scenario(row, woman, grid=16, seed=1)
    age = HEINZ_NIXDORF.people[woman.label]["patient.age_years"]
    assert scenario.patient.age_years == LIFE_COURSE_START_YEARS
    assert scenario.patient.age_at_final_menstrual_period == AGE_AT_FMP_YEARS
    assert scenario.days == pytest.approx((age - LIFE_COURSE_START_YEARS) * 365, abs=1)
    dubbo = all_rows()["A2"]
    woman = next(a for a in dubbo.arms if a.settings["patient.sex"] == "female")
    s = arm_scenario(dubbo, woman, grid=16, seed=1)
    assert s.patient.postmenopausal and s.patient.age_years - s.patient.years_since_menopause == pytest.approx(
        AGE_AT_FMP_YEARS)
    assert s.days == dubbo.days


def _final_scores(population, score_of):
    """Synthetic tables: each patient's score rises linearly to ``score_of(sex, rank)``; their
    dp-ucMGP (read by row 21's dp-ucMGP contrast) stays at a level rising with the rank."""
    runs, ranks = {}, {"male": 0, "female": 0}
    for label, person in population.people.items():
        sex = person["patient.sex"]
        final, dp = score_of(sex, ranks[sex]), 400.0 + 7.0 * ranks[sex]
        ranks[sex] += 1
        runs[label] = pd.DataFrame({"day": [0.0, 100.0], CAC_COLUMN: [0.0, final], "dp_ucmgp_pmol_l": [dp, dp]})
    return runs


def _published_like(sex, rank):
    """A population whose percentiles are Heinz Nixdorf's (interpolated on log(CAC + 1))."""
    q = (rank + 0.5) / (len(HNR_AGE_STRATA_YEARS) * HNR_PER_STRATUM) * 100
    if sex == "male":
        qs, cac = [0, 25, 50, 75, 90, 100], [0, 2.3, 41, 193, 557, 3000]
    else:
        qs, cac = [0, 45, 50, 75, 90, 100], [0, 0, 1.0, 24.5, 139.8, 800]  # 55 % > 0 (Greenland 2018)
    return float(np.expm1(np.interp(q, qs, np.log1p(cac))))


def test_row_21_bands_pass_the_published_spread_and_fail_a_uniform_population():
    row = all_rows()["21"]
    published = _final_scores(HEINZ_NIXDORF, _published_like)
    by_label = {c.label: c for c in row.criteria}
    passed = {c.label: c.passes(c.measure(published)) for c in row.criteria}
    assert passed["men: 50th percentile of the score"] and passed["men: 90th percentile of the score"]
    assert all(passed[f"women: {q}th percentile of the score"] for q in (50, 75, 90))
    everyone_typical = _final_scores(HEINZ_NIXDORF, lambda sex, rank: 41.0)  # no spread, no zeros
    failed = [c.label for c in row.criteria if not c.passes(c.measure(everyone_typical))]
    assert "men: 90th percentile of the score" in failed and "women: 50th percentile of the score" in failed
    assert by_label["men: 50th percentile of the score"].measure(everyone_typical) == pytest.approx(41.0)


def test_row_21_dp_ucmgp_contrast_passes_without_a_link_and_fails_when_the_top_quartile_calcifies():
    row = all_rows()["21"]
    contrast = next(c for c in row.criteria if "quartile of dp-ucMGP" in c.label)
    old = [label for label, p in HEINZ_NIXDORF.people.items() if p["patient.age_years"] >= 60.0]
    assert 20 <= len(old) < len(HEINZ_NIXDORF.people)  # only the people of 60-75 are compared
    sizes = {label: 10.0 + 3.0 * i for i, label in enumerate(HEINZ_NIXDORF.people)}
    marker = {label: 300.0 + 11.0 * ((5 * i) % 17) for i, label in enumerate(HEINZ_NIXDORF.people)}

    def runs(score):
        return {label: pd.DataFrame({"day": [0.0, 100.0], CAC_COLUMN: [0.0, score(label)],
                                     "dp_ucmgp_pmol_l": [marker[label]] * 2}) for label in HEINZ_NIXDORF.people}
    unrelated = runs(lambda label: 50.0)  # the same score whatever the marker
    assert contrast.measure(unrelated) == pytest.approx(0.0) and contrast.passes(contrast.measure(unrelated))
    cutoff = np.percentile([marker[label] for label in old], 75)
    medial = runs(lambda label: 2000.0 if marker[label] > cutoff else sizes[label])
    top = [sizes[label] for label in old if marker[label] <= cutoff]
    assert contrast.measure(medial) == pytest.approx(np.log1p(2000.0) - np.log1p(np.median(top)))
    assert not contrast.passes(contrast.measure(medial))


def test_dubbo_rates_are_measured_per_person_and_can_fail():
    row = all_rows()["A2"]

    def tables(loss_per_year):
        return {label: pd.DataFrame({"day": np.arange(0, 3 * 365 + 1, 365.0),
                                     "bone_mineral_density_g_cm2": [1.0 * (1 - loss_per_year(p) / 100) ** y
                                                                    for y in range(4)]})
                for label, p in DUBBO.people.items()}

    published = tables(lambda p: (0.82 if p["patient.sex"] == "male" else 0.96) + (p["patient.age_years"] - 70) / 40)
    men, women, rising = (c.measure(published) for c in row.criteria)
    assert men == pytest.approx(0.82, abs=0.06) and women == pytest.approx(0.96, abs=0.06) and rising > 0
    assert all(c.passes(c.measure(published)) for c in row.criteria)
    slowing = tables(lambda p: 2.0 - (p["patient.age_years"] - 70) / 40)
    assert not any(c.passes(c.measure(slowing)) for c in row.criteria)  # too fast, and falling with age


def with_params_row(**changes):
    """``f(criterion, runs)``: the criterion's measure with these parameters changed."""
    from calcium_abm.validation import ageing_rows

    def measure(criterion, runs):
        original = ageing_rows.parameter_set
        ageing_rows.parameter_set = lambda: original(changes)
        try:
            return criterion.measure(runs)
        finally:
            ageing_rows.parameter_set = original
    return measure


def test_bmd_by_age_and_sex_runs_each_skeleton_from_its_peak_and_its_bands_can_fail():
    from calcium_abm.physiology import parameter_set, skeleton
    from calcium_abm.validation.ageing_rows import _OSTEOPHYTE_DRAW, BONE_LIFE_COURSE_START_YEARS, NHANES_BMD

    row = all_rows()["A4"]
    man = next(a for a in row.arms if a.settings["patient.sex"] == "male")
    s = arm_scenario(row, man, grid=16, seed=1)
    age = NHANES_BMD.people[man.label]["patient.age_years"]
    assert s.patient.age_years == BONE_LIFE_COURSE_START_YEARS
    assert s.days == pytest.approx((age - BONE_LIFE_COURSE_START_YEARS) * 365, abs=1)
    assert all(61 <= p["patient.age_years"] <= 80 for p in NHANES_BMD.people.values())

    def tables(ratio_of, cv=0.17):  # BMD from 1 at 30 to ratio x an evenly spread factor (that CV) at the scan
        runs, rank = {}, {"male": 0, "female": 0}
        for label, p in NHANES_BMD.people.items():
            n = len(NHANES_BMD.labels(lambda q, sex=p["patient.sex"]: q["patient.sex"] == sex))
            spread = 1 + cv * np.sqrt(3) * (2 * (rank[p["patient.sex"]] + 0.5) / n - 1)  # uniform, that CV
            rank[p["patient.sex"]] += 1
            runs[label] = pd.DataFrame({"day": [0.0, 365.0], "bone_mineral_density_g_cm2": [1.0, ratio_of(p) * spread]})
        return runs

    by_label = {c.label: c for c in row.criteria}
    women_mean = by_label["women 61-80: mean BMD / the same women's mean at 30"]
    women_cv = by_label["women 61-80: coefficient of variation of BMD"]
    men_mean = by_label["men 61-80: mean BMD / the same men's mean at 30"]
    # the scan is read as lumbar-spine DXA (skeleton.spine_dxa_bmd_g_cm2): section BMD x vertebral
    # growth + osteophytes in the people drawn to have them
    p = parameter_set()
    volumetric = tables(lambda q: 0.8 if q["patient.sex"] == "female" else 0.9)
    women = NHANES_BMD.labels(lambda q: q["patient.sex"] == "female")
    read = [skeleton.spine_dxa_bmd_g_cm2(
        volumetric[k]["bone_mineral_density_g_cm2"].iloc[-1], NHANES_BMD.people[k]["patient.age_years"],
        BONE_LIFE_COURSE_START_YEARS, "female", _OSTEOPHYTE_DRAW[k] < skeleton.lumbar_osteophyte_prevalence(
            NHANES_BMD.people[k]["patient.age_years"], "female", p), p) for k in women]
    at_30 = skeleton.spine_dxa_bmd_g_cm2(1.0, BONE_LIFE_COURSE_START_YEARS, BONE_LIFE_COURSE_START_YEARS, "female",
                                         False, p)  # day 0's reading of a section at 1.0
    assert women_mean.measure(volumetric) == pytest.approx(np.mean(read) / at_30, rel=1e-12)
    assert women_mean.measure(volumetric) > 0.8 * 1.03  # the reading is above the section's ratio
    as_qct = with_params_row(vertebral_area_growth_per_year=0.0, osteophyte_spine_bmd_female_g_cm2=0.0,
                             osteophyte_spine_bmd_male_g_cm2=0.0)
    assert as_qct(women_mean, volumetric) == pytest.approx(0.8, abs=0.01)  # without the readout: the section
    assert not men_mean.passes(as_qct(men_mean, volumetric))  # a man at 0.9 by QCT fails the DXA band
    no_loss = tables(lambda p: 1.0, cv=0.10)
    assert not women_mean.passes(women_mean.measure(no_loss))  # a population that does not lose bone fails
    assert not women_cv.passes(women_cv.measure(tables(lambda p: 0.8, cv=0.35)))  # nor one spread too wide
    assert not women_cv.passes(as_qct(women_cv, tables(lambda p: 0.8, cv=0.0)))  # nor one without spread
