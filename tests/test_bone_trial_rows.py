"""Bone trial rows T-Emaus2010 and T-Knapen2007. T-Emaus2010 (MK-7 360 µg/day for 12 months in early
postmenopausal women): its osteocalcin band is computed from the four published concentrations, its
arms are one woman until study day 1, and the supplement is added to the usual diet read from the
built-in scenario. T-Knapen2007 (MK-4 45 mg/day for 3 years): one woman, the dose from day 1."""

import pytest

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario
from calcium_abm.validation.design import BIOMARKER_BAND_PP
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["T-Emaus2010"]


def test_the_osteocalcin_band_is_the_published_ratio_of_ratios_within_the_biomarker_band():
    criterion = _row().criteria[2]
    published = 100 * ((2.2 / 19.1) / (3.9 / 14.9) - 1)  # MK-7 vs placebo at 12 months (ng/mL)
    assert published == pytest.approx(-56.0, abs=0.05)
    assert criterion.low == pytest.approx(published - BIOMARKER_BAND_PP, abs=0.05)
    assert criterion.high == pytest.approx(published + BIOMARKER_BAND_PP, abs=0.05)
    assert criterion.known_failure.startswith("issue 12")


def test_arms_are_one_woman_until_day_1_and_the_dose_adds_to_the_usual_diet():
    placebo, mk7 = _row().arms
    assert placebo.settings == mk7.settings and not placebo.start
    assert mk7.start == {"diet.mk7_ug_per_day": load_scenario("healthy_adult").diet.mk7_ug_per_day + 360.0}
    woman = arm_scenario(_row(), placebo, grid=8, seed=1)
    assert (woman.patient.sex, woman.patient.age_years, woman.patient.years_since_menopause) == ("female", 55.0, 3.0)


def test_the_criteria_measure_the_runs_mk7_lowers_the_osteocalcin_ratio():
    """The row's measures on small runs: MK-7 lowers ucOC : cOC against placebo (a measure that read
    the wrong arm or day would give 0 or fail)."""
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    ratio = evaluate(row.criteria[2], [runs])
    assert ratio.mean < -30.0
    for bmd in row.criteria[:2]:
        assert abs(evaluate(bmd, [runs]).mean) < 5.0


def test_row_t_knapen2007_gives_mk4_45_mg_from_day_1_to_one_woman_and_lists_what_it_cannot_express():
    row = all_rows()["T-Knapen2007"]
    placebo, mk4 = row.arms
    assert placebo.settings == mk4.settings and not placebo.start
    assert mk4.start == {"diet.mk4_ug_per_day": 45000.0}
    (criterion,) = row.criteria
    assert (criterion.low, criterion.high) == (-1.0, 1.0)
    assert [finding for finding, _ in row.unexpressed] == [
        "bone mineral content and femoral-neck width up, hip bone strength kept (MK-4 vs placebo)"]
