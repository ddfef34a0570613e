"""Row R-Schurgers2007 (rat warfarin calcification, then vitamin K) and the arms' second study
period it needs (``Arm.start_days`` / ``Arm.then``): the schedule the runner builds, the report's
arm lines, and refusals of a second period the arm cannot hold."""

import pytest

from calcium_abm import simulate
from calcium_abm.validation.design import WEEK, Arm
from calcium_abm.validation.experiments import all_rows
from calcium_abm.validation.report import markdown
from calcium_abm.validation.runner import arm_scenario, evaluate, run_validation


def _row():
    return all_rows()["R-Schurgers2007"]


def test_a_switched_arm_is_on_warfarin_for_6_weeks_then_off_it_on_its_diet():
    row = _row()
    continued, normal, high = row.arms
    scenario = arm_scenario(row, high, grid=8, seed=1)
    on, off = scenario.state_at(6 * WEEK), scenario.state_at(6 * WEEK + 1)  # study day 1 is day 1
    assert on.drugs.warfarin_mg_per_day == 1000.0 and off.drugs.warfarin_mg_per_day == 0.0
    assert off.diet.vitamin_k1_ug_per_day == pytest.approx(20 * normal.then["diet.vitamin_k1_ug_per_day"])
    assert normal.then["diet.vitamin_k1_ug_per_day"] == pytest.approx(6000.0 * 5 / 1500)  # the W&K diet's factor
    kept = arm_scenario(row, continued, grid=8, seed=1)
    assert kept.state_at(row.days - 1).drugs.warfarin_mg_per_day == 1000.0


def test_the_rows_measures_read_the_second_period_of_each_arm():
    row = _row()
    runs = {arm.label: simulate(arm_scenario(row, arm, grid=8, seed=1)) for arm in row.arms}
    continued, normal, high = (evaluate(c, [runs]).mean for c in row.criteria)
    assert continued > 50.0  # warfarin kept: the calcium goes on rising
    assert continued > normal and continued > high  # off warfarin it rises far less
    assert runs["then high K1"]["inr"].iloc[row.days] < 1.3


def test_the_report_lists_both_periods_of_a_switched_arm():
    row = _row()
    results = run_validation([row], seeds=1, workers=1, quick=True)
    text = markdown(results, "img", command="test", seconds=1.0, quick=True)
    assert "from study day 1 for 42 days `drugs.warfarin_mg_per_day = 1000.0`" in text
    assert "from study day 43 `drugs.warfarin_mg_per_day = 0.0`, `diet.vitamin_k1_ug_per_day = 400.0`" in text


@pytest.mark.parametrize("kwargs, message", [
    ({"then": {"drugs.warfarin_mg_per_day": 0.0}}, "'then' needs start_days"),
    ({"start": {"drugs.warfarin_mg_per_day": 5.0}, "start_days": 0}, "start_days = 0"),
    ({"start_days": 10}, "needs a 'start'"),
])
def test_an_arm_refuses_a_second_period_it_cannot_hold(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Arm("arm", **kwargs)
