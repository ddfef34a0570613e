"""An arm's stages (``Arm.stages``): periods after ``start`` and before ``then``, each held for its days, as a
protocol's stepwise repletion. The schedule the runner builds, the report's arm line, and refusals of bad stages."""

import pytest

from calcium_abm.validation.design import Arm, Criterion, Experiment, value
from calcium_abm.validation.report import markdown
from calcium_abm.validation.runner import ExperimentResult, arm_scenario

_K1 = "diet.vitamin_k1_ug_per_day"


def _stepped(**kwargs) -> Arm:
    return Arm("stepped", start={_K1: 10.0}, start_days=3, stages=((2, {_K1: 86.0}), (4, {_K1: 200.0})), **kwargs)


def _experiment(arm: Arm) -> Experiment:
    return Experiment(row="X", title="t", finding="f", source="s", days=12, arms=(arm,),
                      criteria=(Criterion("c", value("plasma_k1_nmol_l", 1, arm.label), None, None, "", ""),))


def test_the_periods_follow_one_another_start_stages_then():
    arm = _stepped(then={_K1: 450.0})
    assert [(day, days, dict(overrides)) for day, days, overrides in arm.periods] == [
        (0, 3, {_K1: 10.0}), (3, 2, {_K1: 86.0}), (5, 4, {_K1: 200.0}), (9, None, {_K1: 450.0})]


@pytest.mark.parametrize("then, last", [({_K1: 450.0}, 450.0), ({}, None)])
def test_the_runner_schedules_each_stage_for_its_days(then, last):
    arm = _stepped(then=then)
    scenario = arm_scenario(_experiment(arm), arm, grid=8, seed=1)
    usual = scenario.state_at(0).diet.vitamin_k1_ug_per_day
    k1 = [scenario.state_at(day).diet.vitamin_k1_ug_per_day for day in range(12)]
    # study day 1 is day 1; a stage ends on its last day, and without 'then' the baseline returns
    assert k1 == [usual, 10.0, 10.0, 10.0, 86.0, 86.0, 200.0, 200.0, 200.0, 200.0] + [last or usual] * 2


def test_the_report_prints_every_stage_with_its_first_day_and_length():
    arm = _stepped(then={_K1: 450.0})
    text = markdown([ExperimentResult(_experiment(arm), seeds=(1,), grid=8)], "img", command="test", seconds=1.0,
                    quick=True)
    assert (f"from study day 1 for 3 days `{_K1} = 10.0`; from study day 4 for 2 days `{_K1} = 86.0`; "
            f"from study day 6 for 4 days `{_K1} = 200.0`; from study day 10 `{_K1} = 450.0`") in text


def test_an_arm_without_stages_keeps_its_two_periods():
    arm = Arm("switched", start={_K1: 10.0}, start_days=3, then={_K1: 450.0})
    assert arm.stages == () and [p[:2] for p in arm.periods] == [(0, 3), (3, None)]
    assert Arm("placebo").periods == ()


@pytest.mark.parametrize("kwargs, message", [
    ({"start": {_K1: 10.0}, "stages": ((4, {_K1: 86.0}),)}, "'stages' needs start_days"),
    ({"stages": ((4, {_K1: 86.0}),)}, "'stages' needs start_days"),
    ({"start": {_K1: 10.0}, "start_days": 3, "stages": ((4, {_K1: 86.0}), 5)}, "stage 2 is 5, not a"),
    ({"start": {_K1: 10.0}, "start_days": 3, "stages": ((0, {_K1: 86.0}),)}, "stage 1 lasts 0 days"),
    ({"start": {_K1: 10.0}, "start_days": 3, "stages": ((2.5, {_K1: 86.0}),)}, "stage 1 lasts 2.5 days"),
    ({"start": {_K1: 10.0}, "start_days": 3, "stages": ((True, {_K1: 86.0}),)}, "stage 1 lasts True days"),
    ({"start": {_K1: 10.0}, "start_days": 3, "stages": ((4, {}),)}, "stage 1 sets {}"),
    ({"start": {_K1: 10.0}, "start_days": 3, "stages": ((4, 86.0),)}, "stage 1 sets 86.0"),
])
def test_an_arm_refuses_a_stage_it_cannot_hold(kwargs, message):
    with pytest.raises(ValueError, match=f"arm 'bad': {message}"):
        Arm("bad", **kwargs)


def test_an_arms_stages_cannot_be_changed_afterwards():
    stage = {_K1: 86.0}
    arm = Arm("stepped", start={_K1: 10.0}, start_days=3, stages=[(2, stage)])
    stage[_K1] = 1.0
    assert arm.stages[0][1][_K1] == 86.0 and isinstance(arm.stages, tuple)
    with pytest.raises(TypeError):
        arm.stages[0][1][_K1] = 1.0
