"""Row T-Zwakenberg2019 (MK-7 360 µg/day for 6 months in type 2 diabetes with cardiovascular disease, Zwakenberg et
al. 2019 and its post hoc CT analysis, Bartstra et al. 2021): the arms are one calcified man until study day 1, the
MK-7 adds to the usual diet, the bands are the published 95 % CIs of the log-mass coefficients, the measure is the log
of the arms' ratio, and the PET and vertebral CT findings are listed as not expressible."""

import math

import pandas as pd
import pytest

from calcium_abm import simulate
from calcium_abm.scenario import load_scenario
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["T-Zwakenberg2019"]


def test_the_arms_are_one_calcified_man_until_day_1_and_mk7_360_adds_to_the_usual_diet_for_6_months():
    row = _row()
    placebo, mk7 = row.arms
    assert row.days == 182
    assert placebo.settings == mk7.settings and not placebo.start
    assert mk7.start == {"diet.mk7_ug_per_day": load_scenario("healthy_adult").diet.mk7_ug_per_day + 360.0}
    man = arm_scenario(row, placebo, grid=8, seed=1)
    assert (man.patient.sex, man.patient.age_years, man.patient.baseline_calcification_score) == ("male", 68.0, 1000.0)
    starts = [arm_scenario(row, arm, grid=8, seed=1).state_at(0).model_dump(exclude={"name"}) for arm in row.arms]
    assert starts[0] == starts[1]


def test_the_bands_are_the_published_confidence_intervals_and_the_sources_are_recorded():
    femoral, total = _row().criteria
    assert (femoral.low, femoral.high) == (-0.23, 1.36)  # Zwakenberg 2019: log CT mass 0.50 (95 % CI -0.23, 1.36)
    assert (total.low, total.high) == (-0.10, 0.06)  # Bartstra 2021: total mass β -0.02 (95 % CI -0.10; 0.06)
    assert not femoral.known_failure and not total.known_failure
    source = _row().source
    assert "Am J Clin Nutr 110:883" in source and "31387121" in source and "33068157" in source
    assert [finding for finding, _ in _row().unexpressed] == [
        "femoral 18F-NaF PET target-to-background ratio (active calcification) after 6 months",
        "vertebral BMD in Hounsfield units on CT"]


def test_the_measure_is_the_log_of_the_arms_ratio_on_the_last_day():
    days = pd.DataFrame({"day": [0, 182], "calcification_score": [1000.0, 1100.0]})
    treated = pd.DataFrame({"day": [0, 182], "calcification_score": [1000.0, 1210.0]})
    measure = _row().criteria[0].measure
    assert measure({"placebo": days, "MK-7 360": treated}) == pytest.approx(math.log(1.1))


def test_the_criteria_measure_the_runs():
    """On small runs MK-7 changes the calcified man's score by well under 1 % in 6 months (both arms calcify)."""
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    assert runs["placebo"]["calcification_score"].iloc[-1] > 1000.0
    assert abs(evaluate(row.criteria[0], [runs]).mean) < 0.01
