"""``stepping.step_days`` (issue 16): many days without Mesa's per-step events give what
``model.step()`` gives (numbers, clock, next daily event), fall back to ``model.step()`` when
another event is scheduled, and the Mesa internals it relies on are pinned."""

from __future__ import annotations

import mesa
import numpy as np

from calcium_abm import COLUMNS, CalciumParadoxModel, results_frame
from calcium_abm.stepping import step_days

SMALL = {f"{tissue}_grid_{side}": 16 for tissue in ("bone", "vessel") for side in ("width", "height")}


def _bits(frame, name):
    return frame[name].to_numpy(dtype=np.float64).view(np.uint64)


def test_step_days_equals_model_step_in_numbers_clock_and_next_event():
    plain = CalciumParadoxModel("k2_deficiency", rng=5, years=0.3, record_every_days=3, **SMALL)
    fast = CalciumParadoxModel("k2_deficiency", rng=5, years=0.3, record_every_days=3, **SMALL)
    for _ in range(40):
        plain.step()
    assert step_days(fast, 40) == 40
    assert (fast.time, fast.steps, fast.day) == (plain.time, plain.steps, plain.day) == (40, 40, 40)
    assert fast._default_schedule.next_scheduled_time == plain._default_schedule.next_scheduled_time == 41
    plain.step()
    fast.step()  # Mesa's own step still works after a fast stretch
    assert (fast.time, fast.steps) == (plain.time, plain.steps) == (41, 41)
    while plain.running:
        plain.step()
    assert step_days(fast, 10_000) == plain.day - 41 and not fast.running
    a, b = results_frame(plain), results_frame(fast)
    assert all(np.array_equal(_bits(a, name), _bits(b, name)) for name in COLUMNS)
    assert fast.datacollector._collection_steps == plain.datacollector._collection_steps
    assert step_days(fast, 5) == 0  # a finished run does not move


def test_another_scheduled_event_makes_step_days_use_model_step():
    model = CalciumParadoxModel(rng=2, years=0.1, **SMALL)
    seen = []

    def note():
        seen.append(model.day)

    model.schedule_event(note, at=7.5)
    assert step_days(model, 10) == 10
    assert seen == [7]  # Mesa ran it between the days, as model.step() would
    assert model.time == 10 and model.steps == 10


def test_the_mesa_internals_step_days_uses_are_still_there():
    model = mesa.Model(rng=1)
    for name in ("_user_step", "_wrapped_step", "_default_schedule", "_event_list"):
        assert hasattr(model, name), f"mesa.Model no longer has {name!r} (calcium_abm.stepping uses it)"
    schedule = model._default_schedule
    for name in ("_current_event", "_paused", "_execution_count", "_schedule_next", "schedule", "is_active"):
        assert hasattr(schedule, name), f"Mesa's EventGenerator no longer has {name!r} (calcium_abm.stepping)"
    assert isinstance(model._event_list._events, list) and callable(model._event_list.compact), (
        "Mesa's EventList no longer keeps its heap in the list `_events` with `compact()` (calcium_abm.stepping)")
    assert model._event_list._events == [schedule._current_event] and schedule._current_event.time == 1, (
        "a new Mesa model no longer holds exactly its first daily step event at time 1")
    assert model.step == model._wrapped_step, "Model.step is no longer Mesa's _wrapped_step"
    model.step()
    assert (model.time, model.steps, schedule._execution_count) == (1, 1, 1), (
        "Mesa's step no longer advances time and steps by 1 and counts the execution")


def _clock(model):
    schedule = model._default_schedule
    return model.time, model.steps, schedule._execution_count, schedule.next_scheduled_time


def test_model_step_equals_mesa_own_step_in_numbers_clock_and_next_event():
    mesa_way = CalciumParadoxModel("k2_deficiency", rng=5, years=0.2, record_every_days=3, **SMALL)
    ours = CalciumParadoxModel("k2_deficiency", rng=5, years=0.2, record_every_days=3, **SMALL)
    while mesa_way.running:
        mesa.Model._wrapped_step(mesa_way)  # Mesa's step: pop the daily event, run it, push tomorrow's
        ours.step()
        assert _clock(ours) == _clock(mesa_way)
        assert len(ours._event_list) == len(mesa_way._event_list) == 1
    a, b = results_frame(mesa_way), results_frame(ours)
    assert all(np.array_equal(_bits(a, name), _bits(b, name)) for name in COLUMNS)
    assert ours.datacollector._collection_steps == mesa_way.datacollector._collection_steps


class _SchedulingModel(CalciumParadoxModel):
    """Schedules, on day 3, an event due later today and one due tomorrow; pauses its steps on day 6."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def note(self):
        self.seen.append((self.time, self.day))

    def step(self):
        super().step()
        if self.day == 3:
            self.schedule_event(self.note, at=self.time)
            self.schedule_event(self.note, at=self.time + 0.5)
        if self.day == 6:
            self._default_schedule.pause()


def test_a_step_that_changes_the_schedule_is_followed_as_mesa_follows_it():
    mesa_way, ours = (_SchedulingModel(rng=2, years=0.1, **SMALL) for _ in range(2))
    for _ in range(9):
        mesa.Model._wrapped_step(mesa_way)
        ours.step()
        assert _clock(ours) == _clock(mesa_way) and ours.seen == mesa_way.seen and ours.day == mesa_way.day
    assert ours.seen == [(3, 3), (3.5, 3)]
