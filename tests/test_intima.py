"""The intimal (coronary plaque) calcium law: age, sex, baseline and MGP (physiology/intima.py)."""

import math

import pytest

from calcium_abm.physiology import intima, parameter_set

P = parameter_set()
UNITS = P.agatston_units_per_mg_calcium


def score_after(years, age, female=False, fmp=None, baseline=None, active_mgp=None, trait=1.0):
    state = intima.start_intima(age, female, fmp, trait, baseline, UNITS, P)
    mgp = P.intimal_reference_active_mgp if active_mgp is None else active_mgp
    for _ in range(int(round(years * 365.25))):
        intima.intima_day(state, mgp, 1.0, P.calcium_phosphate_product_exponent, UNITS, 1e9, P)
    return state.calcium_mg * UNITS


def test_a_young_man_starts_near_zero_and_the_typical_man_of_60_near_the_population_median():
    assert score_after(0, 30.0) == 0.0
    assert 20.0 < score_after(0, 60.0) < 120.0  # HNR men's median 41 at ~59 (calibration target)


def test_growth_accelerates_with_age_and_is_lower_in_women():
    gain = {age: score_after(5, age) - score_after(0, age) for age in (50.0, 60.0, 70.0)}
    assert gain[50.0] < gain[60.0] < gain[70.0]
    woman = score_after(5, 60.0, female=True, fmp=51.0) - score_after(0, 60.0, female=True, fmp=51.0)
    assert woman < 0.5 * gain[60.0]


def test_a_measured_baseline_progresses_at_the_published_relative_rate():
    """A 68-year-old woman with a score of 200: ~15-25 %/y (MESA; PMC8673314 median 18.3 %/y),
    an outcome of the age law, not a fitted number."""
    one_year = score_after(1, 68.0, female=True, fmp=51.0, baseline=200.0)
    assert 1.15 * 200 < one_year < 1.25 * 200


def test_a_man_measured_at_zero_stays_below_one_unit_for_three_months():
    assert score_after(0.25, 50.0, baseline=0.0) < 1.0


def test_active_mgp_slows_growth_weakly_and_rodents_have_no_intimal_disease():
    base = score_after(3, 68.0) - score_after(0, 68.0)
    more_mgp = score_after(3, 68.0, active_mgp=0.8) - score_after(0, 68.0)
    no_mgp = score_after(3, 68.0, active_mgp=0.0) - score_after(0, 68.0)
    assert no_mgp > base > more_mgp > 0.5 * base
    rodent = intima.start_intima(0.1, False, None, 1.0, None, UNITS, P, human=False)
    assert intima.intima_day(rodent, 0.0, 1.0, 2.0, UNITS, 1e9, P) == 0.0 and rodent.calcium_mg == 0.0


def test_deposits_never_exceed_the_supply_and_bad_baselines_are_refused():
    state = intima.start_intima(70.0, False, None, 1.0, 500.0, UNITS, P)
    before = state.calcium_mg
    assert intima.intima_day(state, 0.47, 1.0, 2.0, UNITS, 1e-6, P) == pytest.approx(1e-6)
    assert state.calcium_mg == pytest.approx(before + 1e-6)
    with pytest.raises(Exception, match="baseline_calcification_score"):
        intima.start_intima(60.0, False, None, 1.0, -1.0, UNITS, P)
    assert math.isfinite(intima.typical_sqrt_score(90.0, True, 51.0, P))
