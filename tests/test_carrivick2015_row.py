"""Row Carrivick2015 (PTH rises with age at a normal GFR): women and men across the adult range, each at a held
GFR (the study adjusted for eGFR), the rise is the log-linear slope of PTH on age, the band spans both laboratories'
95 % CIs, and both criteria are known failures (issue 10) that still run and are judged."""

import math

import pytest

from calcium_abm import simulate
from calcium_abm.validation.ageing_rows import AGE_AT_FMP_YEARS
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.hormone_rows import CARRIVICK_AGES, CARRIVICK_GFR, pth_rise_per_decade
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Carrivick2015"]


def test_the_arms_are_women_and_men_across_the_adult_range_at_one_held_normal_gfr():
    row = _row()
    assert len(row.arms) == 2 * len(CARRIVICK_AGES) and CARRIVICK_GFR >= 60  # the subgroup with eGFR >= 60
    for arm in row.arms:
        assert arm.scenario == "healthy_adult" and not arm.start
        assert arm.settings["kidney.residual_gfr_ml_per_min"] == CARRIVICK_GFR
        age, sex = arm.settings["patient.age_years"], arm.settings["patient.sex"]
        assert age in CARRIVICK_AGES
        postmenopausal = sex == "female" and age > AGE_AT_FMP_YEARS
        assert arm.settings.get("patient.postmenopausal", False) is postmenopausal
        if postmenopausal:
            assert arm.settings["patient.years_since_menopause"] == age - AGE_AT_FMP_YEARS


def test_the_band_spans_both_laboratories_95_percent_cis_and_both_criteria_are_known_failures():
    for criterion in _row().criteria:
        assert (criterion.low, criterion.high) == (3.5, 6.8)  # lab 2's 3.5-6.2 and lab 1's 5.5-6.8
        assert "6.1" in criterion.expected and "4.9" in criterion.expected
        assert "3.5-6.2" in criterion.band_reason and "5.5-6.8" in criterion.band_reason
        assert criterion.known_failure.startswith("issue 10")
        assert not criterion.passes(1.3) and criterion.passes(5.0)


def test_the_source_is_the_paper_read_as_its_abstract():
    row = _row()
    assert "J Clin Endocrinol Metab 100:2131" in row.source and "10.1210/jc.2014-4370" in row.source
    assert "[V abstract]" in row.source
    for number in ("17,275", "4,878", "12,051", "3,473", "6.1 % (95 % CI 5.5-6.8)", "4.9 % (3.5-6.2)"):
        assert number in row.finding


def test_the_slope_is_the_log_linear_rise_per_decade():
    import pandas as pd

    ages = (30.0, 50.0)
    runs = {f"man {a:g} y": pd.DataFrame({"day": [200.0, 300.0], "pth_pmol_l": [3.0 * 1.1 ** ((a - 30) / 10)] * 2})
            for a in ages}
    assert pth_rise_per_decade("male", ages=ages, window=(100, 365))(runs) == pytest.approx(10.0)


def test_the_criteria_run_on_a_small_grid():
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    for criterion in row.criteria:
        result = evaluate(criterion, [runs])
        assert math.isfinite(result.mean) and abs(result.mean) < 50
