"""Row Calvo1988 (8 days of a high-phosphorus, low-calcium diet in young men and women): the arms are the study's
two diets after a run-in on the control diet, the PTH bands are the paired 95 % CIs the published P bounds allow,
the direction criteria can fail, and the calcitriol criteria are known failures (issue 10) that still run."""

import math

import pytest
from scipy.stats import t

from calcium_abm import simulate
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.hormone_rows import CALVO_DIETS, calvo_half_band
from calcium_abm.validation.runner import arm_scenario, evaluate


def _row():
    return all_rows()["Calvo1988"]


def test_the_arms_eat_the_control_diet_and_the_test_arms_switch_to_the_test_diet_after_the_run_in():
    row = _row()
    assert CALVO_DIETS == {"control": (820.0, 930.0), "test": (420.0, 1660.0)}
    assert (row.run_in_days, row.days) == (180, 188)
    for arm in row.arms:
        assert (arm.settings["diet.calcium_mg_per_day"], arm.settings["diet.phosphate_mg_per_day"]) == (820.0, 930.0)
        assert 18 <= arm.settings["patient.age_years"] <= 25
        if "test" in arm.label:
            assert (arm.start["diet.calcium_mg_per_day"], arm.start["diet.phosphate_mg_per_day"]) == (420.0, 1660.0)
        else:
            assert not arm.start
    assert sorted(arm.settings["patient.sex"] for arm in row.arms) == ["female", "female", "male", "male"]


@pytest.mark.parametrize("published, p_bound", [(11.0, 0.006), (22.0, 0.003)])
def test_the_pth_bands_are_the_paired_95_percent_cis_from_the_p_bounds(published, p_bound):
    half = t.ppf(0.975, 7) * published / t.ppf(1 - p_bound / 2, 7)
    assert calvo_half_band(published, p_bound) == pytest.approx(half, abs=0.06)
    criterion = next(c for c in _row().criteria if c.label.startswith("PTH") and f"+{published:g} %" in c.expected)
    assert (criterion.low, criterion.high) == (round(published - calvo_half_band(published, p_bound), 1),
                                               round(published + calvo_half_band(published, p_bound), 1))


def test_direction_criteria_can_fail_and_only_calcitriol_is_a_known_failure():
    for criterion in _row().criteria:
        if criterion.label.startswith("PTH"):
            assert not criterion.known_failure
            continue
        assert (criterion.low, criterion.high) in ((0.0, None), (None, 0.0))
        wrong_sign = -1.0 if criterion.low == 0.0 else 1.0
        assert not criterion.passes(wrong_sign)
        assert criterion.known_failure.startswith("issue 10") == criterion.label.startswith("calcitriol")


def test_the_source_is_the_1988_paper_read_as_its_abstract():
    row = _row()
    assert "J Clin Endocrinol Metab 66:823" in row.source and "PMID 2831248" in row.source
    assert "[V abstract]" in row.source and "70:1334" in row.source


def test_the_criteria_run_on_a_small_grid():
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    for criterion in row.criteria:
        assert math.isfinite(evaluate(criterion, [runs]).mean)
