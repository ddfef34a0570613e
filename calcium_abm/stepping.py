"""Many days in a row, without Mesa's per-step event bookkeeping.

``model.step()`` in Mesa 3.5 is an event: each call pops the daily event from the model's
event list, runs the step, and builds and pushes the next day's event (a weak reference, a
priority, a heap push and a log message; ~20 us, about 8 % of a 64x64 day). A caller that
runs a model to its end (:func:`calcium_abm.simulate`, the batches) needs none of it while
the daily step is the only event scheduled. :func:`step_days` then calls the step directly
and leaves Mesa's clock (``time``, ``steps``) and its daily event as ``model.step()`` would;
otherwise (another event pending, a paused or changed schedule) it calls ``model.step()``.
:func:`step_one_day` is ``model.step()`` itself (the model's ``_wrapped_step``): one day, the same
way, with the daily event moved to tomorrow in place instead of rebuilt. Neither steps past the run's
last day (``model.days_total``): :func:`step_one_day` then raises :class:`~calcium_abm.errors.RunEndedError`
(:func:`refuse_a_day_past_the_end`), before anything moves, and :func:`step_days` stops there; Mesa's ``run_for``
and ``run_until`` are refused there too, with the clock left on the run's last day (:class:`ClockStopsAtTheEnd`).
While the daily step is the only event, :func:`step_days` runs the quiet days of a run that keeps only its
ends in one compiled call each (:mod:`calcium_abm.stretch`), with the same numbers and clock.

It uses Mesa's private ``_user_step``, ``_wrapped_step``, ``_default_schedule`` (with its
``_current_event``, ``_paused``, ``_execution_count`` and ``_schedule_next``), ``_event_list``
(``_events``) and ``_advance_time``;
``tests/test_core_speed_stepping.py`` pins each and fails, naming it, when Mesa changes one.
"""

from __future__ import annotations

import math
import numbers
import sys
from typing import Any

import mesa

from calcium_abm import stretch
from calcium_abm.errors import RunEndedError
from calcium_abm.inputs.messages import fmt_num, short_repr


def _only_the_daily_step_pending(model: Any) -> bool:
    """Whether Mesa's event list holds nothing but the model's next daily step, due tomorrow."""
    schedule = getattr(model, "_default_schedule", None)
    events = getattr(getattr(model, "_event_list", None), "_events", None)
    if schedule is None or events is None or len(events) != 1:
        return False
    rule, event = schedule.schedule, schedule._current_event
    return (events[0] is event and not event.CANCELED and schedule.is_active and not schedule._paused
            and rule.interval == 1 and rule.end is None and rule.count is None
            and event.time == model.time + 1 and model.step == model._wrapped_step)


def step_days(model: Any, days: int) -> int:
    """Advance ``model`` by up to ``days`` days, stopping early when ``model.running`` turns
    False; returns the days stepped. The same as calling ``model.step()`` that often (the
    same numbers, ``model.time``, ``model.steps`` and next daily event), faster while the
    daily step is the only event scheduled (module docstring)."""
    done = 0
    if not _only_the_daily_step_pending(model):
        while done < days and model.running:
            model.step()
            done += 1
        return done
    schedule, step, time = model._default_schedule, model._user_step, model.time
    try:
        while done < days and model.running:
            quiet = stretch.quiet_days(model, days - done)
            ran = stretch.run_quiet_days(model, quiet) if quiet else 0  # many days compiled, as many steps
            if not ran:  # a day of the person's new rates: its steps 1-3 in Python, 4-7 with the quiet days after
                ran = stretch.run_update_day(model, days - done)
            if ran:
                time += ran
                model.time, model.steps, done = time, model.steps + ran, done + ran
                continue
            time += 1
            model.time = time  # as Mesa's _advance_time sets it before the step runs,
            model.steps += 1   # and _do_step counts it
            step()
            done += 1
    finally:
        if done:  # replace the stale daily event by tomorrow's, as the last step() would have
            schedule._current_event.cancel()
            model._event_list.compact()
            schedule._execution_count += done
            schedule._schedule_next(time + 1)
    return done


def step_one_day(model: Any) -> None:
    """``model.step()``: one day, with the numbers, clock (``time``, ``steps``) and next daily
    event of Mesa's own step (``mesa.Model._wrapped_step``), which pops the daily event and makes
    and pushes tomorrow's, with a weak reference and a log message (~9 us of a ~140 us day).
    While the daily step is the only event scheduled, the step runs directly and the daily event,
    alone in the heap, moves to tomorrow in place; otherwise Mesa's step runs, and if the step
    itself changed the schedule, Mesa's rescheduling and the events due today follow it. After the run's
    last day it raises :class:`~calcium_abm.errors.RunEndedError` and changes nothing."""
    refuse_a_day_past_the_end(model)
    if not _only_the_daily_step_pending(model):
        mesa.Model._wrapped_step(model)
        return
    schedule = model._default_schedule
    event = schedule._current_event
    model.time = event.time  # as Mesa's _advance_time sets it before the step runs,
    model.steps += 1         # and _do_step counts it
    model._user_step()
    schedule._execution_count += 1
    events = model._event_list._events
    if len(events) == 1 and events[0] is event and schedule._current_event is event and not event.CANCELED:
        event.time = model.time + 1  # tomorrow's daily event (a heap of one stays a heap)
        return
    _after_a_step_that_changed_the_schedule(model, event)


class ClockStopsAtTheEnd:
    """Mix-in for a model (before ``mesa.Model`` in the bases): Mesa's ``run_for`` and ``run_until`` past the
    run's last day raise :class:`~calcium_abm.errors.RunEndedError` with Mesa's clock where the last day left it.

    Mesa pops the daily event, moves ``time`` to it and counts the step before it calls the model's step, which
    then refuses the day (:func:`refuse_a_day_past_the_end`): ``time`` and ``steps`` read a day the run never
    simulated (19 after the 18 days of a run), and, the daily event gone from the heap, every later ``run_for`` or
    ``run_until`` moved the clock on without a step or an error. The refused day is now undone: ``time`` is back at
    the last day's (or where it was before the call, if later), the step is not counted, and the daily event is back
    in the heap, so each later call is refused alike."""

    def run_for(self, duration: float) -> None:
        refuse_a_time_that_is_no_time(self, "run_for", "duration", duration, 0)
        if duration != 0:  # no time: nothing to do (Mesa warned 'end time 0.0 is larger than time 0.0')
            super().run_for(duration)

    def run_until(self, end_time: float) -> None:
        refuse_a_time_that_is_no_time(self, "run_until", "end_time", end_time, self.time)
        if end_time != self.time:  # already there: nothing to do (Mesa's warning, as for run_for(0))
            super().run_until(end_time)

    def _advance_time(self, until: float) -> None:
        before = self.time
        try:
            super()._advance_time(until)
        except RunEndedError:
            _undo_the_refused_day(self, before)
            raise


def refuse_a_time_that_is_no_time(model: Any, call: str, name: str, value: Any, earliest: float) -> None:
    """Raise ValueError for Mesa's ``run_for(duration)`` or ``run_until(end_time)`` given no number, nan, or less
    than ``earliest`` (0 days, or ``model.time``): Mesa set the clock to nan for ``run_for(float("nan"))``, after which
    no ``run_for`` or ``run_until`` simulated a day, silently; raised its own TypeError from inside for
    ``run_for("2")`` and OverflowError for ``run_for(10**400)``;
    and for ``run_for(-1)`` only warned 'end time -1.0 is larger than time 0.0'."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or abs(value) > sys.float_info.max \
            or math.isnan(value):  # an integer past the largest float: Mesa's OverflowError
        raise ValueError(f"{call}({name} = {short_repr(value, 60)}) is not allowed: {name} must be a finite number "
                         f"of days (model.time = {fmt_num(model.time)})")
    if value < earliest:
        raise ValueError(f"{call}({name} = {fmt_num(value)}) is not allowed: {name} must be at least "
                         f"{fmt_num(earliest)}{' (model.time: the clock does not go back)' if earliest else ''}")


def _undo_the_refused_day(model: Any, before: float) -> None:
    """After Mesa's daily event ran the model's step and the step refused the day (:class:`ClockStopsAtTheEnd`)."""
    schedule = model._default_schedule
    event = schedule._current_event
    if event is None or event.CANCELED or event.time != model.time or any(e is event for e in model._event_list._events):
        return  # not the daily event's refusal (e.g. an event of the user's that called model.step())
    model.steps -= 1  # Mesa's _do_step counted it before the step refused
    model.time = max(before, event.time - 1)  # the daily event's interval (_only_the_daily_step_pending)
    model._event_list.add_event(event)


def refuse_a_day_past_the_end(model: Any) -> None:
    """Raise :class:`~calcium_abm.errors.RunEndedError` if ``model`` has simulated every day of its run
    (``model.day == model.days_total``, ``model.running`` False): a day past the run is beyond its scenario.
    :func:`step_one_day` asks before anything moves; the model's step asks too, for Mesa's ``run_for`` and
    ``run_until``, which call it after moving Mesa's clock (``time``, ``steps``) to the day it refuses."""
    if model.day >= model.days_total:
        raise RunEndedError(
            f"the run has ended at day {model.day} of {model.days_total} (simulation.years = "
            f"{fmt_num(model.config.simulation.years)}): model.step() does not simulate past the run's last day "
            "(step while model.running is True; Mesa's run_for and run_until raise this there too). To go on, "
            "build a new model with a longer simulation.years (the years= setting)")


def _after_a_step_that_changed_the_schedule(model: Any, event: Any) -> None:
    """What Mesa's step does after the step when it scheduled, cancelled or paused events: its
    daily event (popped before the step in Mesa, still in the heap here) replaced by tomorrow's,
    then the events due by today run."""
    event.cancel()
    model._event_list.compact()
    model._default_schedule._schedule_next(model.time + 1)
    until, events = model.time, model._event_list
    while True:  # the rest of Mesa's _advance_time
        try:
            due = events.pop_event()
        except IndexError:
            break
        if due.time > until:
            events.add_event(due)
            break
        model.time = due.time
        due.execute()
    model.time = until
