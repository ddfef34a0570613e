"""Quiet days compiled (calcium_abm/stretch.py, issue 16): a run that keeps only its ends steps its quiet
days in one compiled call, with the Python step's numbers bit for bit. Each comparison runs the same
scenario and seed with the compiled days switched off (MIN_STRETCH_DAYS above any run) and on, and
checks that the compiled days did run, so the equality cannot hold by never taking them."""

from __future__ import annotations

import numpy as np
import pytest

from calcium_abm import builtin_scenarios, person, simulate, stretch
from calcium_abm.agents import materialise_agents
from calcium_abm.model import CalciumParadoxModel
from calcium_abm.simulation import EndRowsCollector
from calcium_abm.stepping import step_days

SMALL = {"bone_grid_width": 24, "bone_grid_height": 24, "vessel_grid_width": 16, "vessel_grid_height": 16}


def _runs(monkeypatch, scenario, years, seed, **overrides):
    """(frame without compiled days, frame with them, days the compiled calls ran)."""
    ran = []
    real = stretch.run_quiet_days
    monkeypatch.setattr(stretch, "run_quiet_days", lambda model, n: ran.append(real(model, n)) or ran[-1])
    with monkeypatch.context() as off:
        off.setattr(stretch, "MIN_STRETCH_DAYS", 10 ** 9)
        python = simulate(scenario, years=years, seed=seed, overrides={**SMALL, **overrides}, rows="ends")
    assert not ran
    compiled = simulate(scenario, years=years, seed=seed, overrides={**SMALL, **overrides}, rows="ends")
    return python, compiled, sum(ran)


def _assert_same(python, compiled):
    assert python.equals(compiled)
    assert python.attrs["physiology_warnings"] == compiled.attrs["physiology_warnings"]


@pytest.mark.parametrize("name", sorted(builtin_scenarios()))
def test_every_built_in_scenario_gives_the_python_steps_numbers(monkeypatch, name):
    python, compiled, ran = _runs(monkeypatch, name, 1.0, 7)
    _assert_same(python, compiled)
    assert ran > 300  # most days of the year ran compiled (the last day in Python, and the steps 1-3 of each
    # 30-day update: stretch.run_update_day)


@pytest.mark.parametrize("person", [
    {"sex": "female", "age_years": 49.0, "age_at_final_menstrual_period": 50.0},  # the final period mid-run
    {"sex": "female", "age_years": 70.0, "postmenopausal": True, "years_since_menopause": 18.0,
     "baseline_calcification_score": 150.0},  # a growing intima
    {"sex": "male", "age_years": 80.0, "record_every_days": 7},
])
def test_people_who_change_during_the_run_give_the_python_steps_numbers(monkeypatch, person):
    python, compiled, ran = _runs(monkeypatch, "healthy_adult", 2.0, 3, **person)
    _assert_same(python, compiled)
    assert ran > 400


def test_the_recorded_days_between_the_ends_keep_their_physiology_rows(monkeypatch):
    """The rows the physiology warning reads on the days between the ends (every 5th day here)."""
    rows = []
    for switch in (10 ** 9, stretch.MIN_STRETCH_DAYS):
        monkeypatch.setattr(stretch, "MIN_STRETCH_DAYS", switch)
        model = CalciumParadoxModel("ckd_stage5", rng=2, years=0.5, record_every_days=5, **SMALL)
        model.datacollector = EndRowsCollector(model)
        while model.running:
            step_days(model, 400)
        rows.append(model.datacollector.between_frame())
    assert len(rows[0]) == len(rows[1]) > 30 and rows[0].equals(rows[1])
    assert (rows[0]["day"] % 5 == 0).all() and rows[0]["day"].is_monotonic_increasing


def test_a_raising_compiled_call_leaves_the_model_as_it_was(monkeypatch):
    """If the compiled days raise (a law refusing an input), every array they touched and the
    generator are put back, and no day is counted: the caller steps the days in Python."""
    model = CalciumParadoxModel("healthy_adult", rng=4, years=0.3, **SMALL)
    model.datacollector = EndRowsCollector(model)
    for _ in range(3):
        model.step()
    n = stretch.quiet_days(model, 20)
    assert n >= stretch.MIN_STRETCH_DAYS
    before = [a.copy() for a in (model.bone.mineral, model.bone.cavity, model.vessel.cmgp,
                                 model.vessel.osteochondrogenic, model.calcium.amount, model.phosphate.amount)]
    rng_state, day = model.rng.bit_generator.state, model.day
    real = stretch._quiet_days

    def raising(*args):
        real(*args)  # everything moved in place
        raise ValueError("a law refused an input")

    monkeypatch.setattr(stretch, "_quiet_days", raising)
    assert stretch.run_quiet_days(model, n) == 0
    after = (model.bone.mineral, model.bone.cavity, model.vessel.cmgp, model.vessel.osteochondrogenic,
             model.calcium.amount, model.phosphate.amount)
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    assert model.rng.bit_generator.state == rng_state and model.day == day
    monkeypatch.setattr(stretch, "_quiet_days", real)
    assert stretch.run_quiet_days(model, n) == n and model.day == day + n


def test_days_that_are_not_quiet_are_stepped_in_python():
    model = CalciumParadoxModel("healthy_adult", rng=4, years=0.3, **SMALL)
    model.step()
    assert stretch.quiet_days(model, 20) == 0  # every recorded day keeps its whole row
    model.datacollector = EndRowsCollector(model)
    assert stretch.quiet_days(model, 20) > 0
    assert stretch.quiet_days(model, stretch.MIN_STRETCH_DAYS - 1) == 0
    materialise_agents(model)  # someone reads the cell agents: they follow every day
    assert stretch.quiet_days(model, 20) == 0

    class OwnStep(CalciumParadoxModel):
        def step(self):
            super().step()

    own = OwnStep("healthy_adult", rng=4, years=0.3, **SMALL)
    own.datacollector = EndRowsCollector(own)
    own.step()
    assert stretch.quiet_days(own, 20) == 0  # a subclass's own step is not these laws


def _state(model) -> dict:
    """What the step carries from day to day besides the arrays the frames read."""
    intima, hormones = model.vessel.intima, model.hormones
    return {"intima": (intima.calcium_mg, intima.age_years), "hormones": (hormones.gland_capacity,
            hormones.calcitriol_relative, hormones.skeletal_calcitriol_relative), "systemic": model.systemic,
            "activation": model.activation_estrogen_effect, "dp_ucmgp": model.blood.dp_ucmgp_pmol_l,
            "cortical": (model.cortical.mineral_mg, model.cortical.cavity_mg, model.cortical.osteoid_mg),
            "sums": (model.bone.day_sums, model.vessel.day_tallies), "rng": model.rng.bit_generator.state,
            "day": model.day, "arrays": [a.tobytes() for a in (model.bone.mineral, model.bone.mineral_deficit,
                                                                 model.vessel.mineral, model.vessel.ucmgp,
                                                                 model.calcium.amount, model.phosphate.flow)]}


def test_the_compiled_days_leave_the_models_state_as_the_python_steps_do(monkeypatch):
    """A woman whose final period falls in the run, with a calcified intima: every carried value
    after 300 days (the intima's age and calcium, the hormones, the lagged estrogen effect, plasma
    dp-ucMGP, the cortical compartment, the day's sums, the generator) and the arrays."""
    person = {"sex": "female", "age_years": 50.5, "age_at_final_menstrual_period": 51.0,
              "baseline_calcification_score": 120.0}
    states = []
    for switch in (10 ** 9, stretch.MIN_STRETCH_DAYS):
        monkeypatch.setattr(stretch, "MIN_STRETCH_DAYS", switch)
        model = CalciumParadoxModel("healthy_adult", rng=9, years=2.0, **SMALL, **person)
        model.datacollector = EndRowsCollector(model)
        step_days(model, 300)
        states.append(_state(model))
    assert states[0] == states[1]
    assert states[0]["intima"][0] > 0 and states[0]["activation"] > 0  # the intima and the menopause acted


def test_a_run_that_records_every_30_days_steps_the_days_between_compiled(monkeypatch):
    """rows="all" with record_every_days = 30: the recorded days (whole rows) and the 30-day updates are
    stepped in Python, the days between compiled; the frames are the Python step's."""
    ran_days = []
    real = stretch.run_quiet_days
    monkeypatch.setattr(stretch, "run_quiet_days", lambda model, n: ran_days.append(real(model, n)) or ran_days[-1])
    frames = []
    for switch in (10 ** 9, stretch.MIN_STRETCH_DAYS):
        monkeypatch.setattr(stretch, "MIN_STRETCH_DAYS", switch)
        frames.append(simulate("postmenopausal", years=2.0, seed=5, overrides={**SMALL, "record_every_days": 30}))
    assert frames[0].equals(frames[1]) and len(frames[0]) == 26
    assert sum(ran_days) > 300


def test_the_days_of_new_rates_run_their_steps_4_to_7_compiled_with_the_quiet_days_after_them(monkeypatch):
    """Every 30-day update of the person's rates has its steps 1-3 in Python and its steps 4-7 in the
    compiled call of the quiet days after it (stretch.run_update_day); the frames are the Python step's."""
    taken = []
    real = stretch.run_update_day
    monkeypatch.setattr(stretch, "run_update_day", lambda model, n: taken.append(real(model, n)) or taken[-1])
    python, compiled, ran = _runs(monkeypatch, "postmenopausal", 2.0, 11)
    _assert_same(python, compiled)
    assert sum(days > 1 for days in taken) >= 20      # ~24 updates in two years, each the first of a compiled call
    assert ran >= 730 - 3                              # all days but the first and the last ran compiled


def test_a_day_of_new_rates_whose_compiled_call_raises_finishes_in_python(monkeypatch):
    """If the compiled call raises on a day whose steps 1-3 already ran, the arrays are put back and the
    day's steps 4-9 run in Python: the run is then the Python step's, day by day."""
    finished, taken = [], []
    real_finish, real_update = CalciumParadoxModel._finish_day, stretch.run_update_day
    monkeypatch.setattr(CalciumParadoxModel, "_finish_day", lambda model: finished.append(model.day) or
                        real_finish(model))
    monkeypatch.setattr(stretch, "run_update_day", lambda model, n: taken.append(real_update(model, n)) or taken[-1])
    def refusing(*args):
        raise ValueError("a law refused an input")

    states = []
    for switch, raising in ((10 ** 9, False), (stretch.MIN_STRETCH_DAYS, True)):
        monkeypatch.setattr(stretch, "MIN_STRETCH_DAYS", switch)
        if raising:
            monkeypatch.setattr(stretch, "_quiet_days", refusing)
        model = CalciumParadoxModel("healthy_adult", rng=6, years=1.0, **SMALL)
        model.datacollector = EndRowsCollector(model)
        step_days(model, 200)
        states.append(_state(model))
    assert states[0] == states[1]
    assert taken.count(1) >= 6                         # each update day of the second run: steps 4-9 in Python
    assert len(finished) == 2 * 200                    # every day of both runs finished in Python


def test_a_day_without_new_rates_is_not_taken_as_one():
    model = CalciumParadoxModel("healthy_adult", rng=4, years=0.3, **SMALL)
    model.datacollector = EndRowsCollector(model)
    model.step()
    rng_state = model.rng.bit_generator.state
    assert stretch.run_update_day(model, 20) == 0 and model.day == 1 and model.rng.bit_generator.state == rng_state
    while model.day - model._person_updated_day < 30:
        model.step()
    assert stretch.run_update_day(model, 2) == 0       # too few days left in the call
    assert stretch.run_update_day(model, 20) == 20 and model._person_updated_day == model.day - 20


@pytest.mark.parametrize("years_since_menopause", [-1.5, 0.2, 3.0, 25.0, None])
def test_the_estrogen_loss_effects_of_days_ahead_are_the_days_own(years_since_menopause):
    """A woman's effects over the next days in one array call: each day's scalar value, bit for bit
    (before, across and long after the final period); a man's: 0 on every day."""
    if years_since_menopause is None:
        settings = {"sex": "male", "age_years": 51.0}
    else:  # the final period at 51 in every case
        settings = {"sex": "female", "age_years": 51.0 + years_since_menopause, **(
            {"postmenopausal": True, "years_since_menopause": years_since_menopause} if years_since_menopause > 0
            else {"age_at_final_menstrual_period": 51.0})}
    model = CalciumParadoxModel("healthy_adult", rng=1, years=0.1, **settings, **SMALL)
    days = range(model.day + 3, model.day + 700)
    one_by_one = [person.estrogen_loss_effect(model, person.years_relative_to_fmp(person.age_on_day(model, d),
                                                                                   model.age_at_fmp_years))
                  for d in days]
    effects = stretch._estrogen_loss_effects(model, days)
    assert effects.shape == (len(days),) and effects.tolist() == one_by_one
    assert (max(one_by_one) > 0.0) is (years_since_menopause is not None)
