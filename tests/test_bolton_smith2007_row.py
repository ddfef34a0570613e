"""Row T-BoltonSmith2007 (vitamin K1 200 µg/day for 2 years in healthy older women, Bolton-Smith et al. 2007): the K1
adds 200 µg/day to the usual diet of one woman of 68, the %ucOC band is the published -51 % within the biomarker band,
serum K1 is judged by its direction only (the model's day mean against a single sample), the hip by the BMD rows' "no
difference", and the vitamin D findings are listed as not expressible."""

import pytest

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario
from calcium_abm.validation.design import BIOMARKER_BAND_PP
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["T-BoltonSmith2007"]


def test_k1_200_adds_to_the_usual_diet_of_one_woman_of_68_for_2_years():
    row = _row()
    placebo, k1 = row.arms
    assert row.days == 2 * 365 and row.min_seeds == 20
    assert placebo.settings == k1.settings and not placebo.start
    assert k1.start == {"diet.vitamin_k1_ug_per_day": load_scenario("healthy_adult").diet.vitamin_k1_ug_per_day
                        + 200.0}
    woman = arm_scenario(row, placebo, grid=8, seed=1)
    assert (woman.patient.sex, woman.patient.age_years, woman.patient.years_since_menopause) == ("female", 68.0, 17.0)


def test_the_bands_are_the_published_fall_within_the_biomarker_band_and_two_statements():
    ucoc, serum_k1, hip = _row().criteria
    assert (ucoc.low, ucoc.high) == (pytest.approx(-51.0 - BIOMARKER_BAND_PP), pytest.approx(-51.0 + BIOMARKER_BAND_PP))
    assert (ucoc.low, ucoc.high) == (-66.0, -36.0)
    assert (serum_k1.low, serum_k1.high) == (0.0, None) and "direction only" in serum_k1.band_reason
    assert (hip.low, hip.high) == (-1.0, 1.0)
    assert not any(c.known_failure for c in _row().criteria)
    row = _row()
    assert "J Bone Miner Res 22:509" in row.source and "17243866" in row.source and "[V abstract" in row.source
    assert "51 %" in row.finding and "157 %" in row.finding
    assert len(row.unexpressed) == 2 and all("vitamin D" in reason for _, reason in row.unexpressed)


def test_the_criteria_measure_the_runs_k1_lowers_ucoc_and_raises_plasma_k1():
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=16, seed=1)) for arm in row.arms}  # 8 x 8: BMD is noise
    ucoc, serum_k1, hip = (evaluate(criterion, [runs]).mean for criterion in row.criteria)
    assert ucoc < -30.0 and serum_k1 > 50.0 and abs(hip) < 5.0
