"""Quiet days compiled: many days of :meth:`.CalciumParadoxModel.step` in one compiled call (issue 16).

A day is *quiet* when the step's Python has nothing to decide: no schedule boundary and no 30-day
update of the person's rates falls on it, the vitamin K cycle repeats yesterday's day (a steady diet
and dose: :func:`.carboxylation.repeated_or_new_day` returns its memo) with the clotting factors at
their target, the GFR does not decline, no one reads the bone-cell agents, and it records no row: a
run that keeps only its first and last rows (``simulate(..., rows="ends")``, a batch's summary
output) records the few columns of the physiology warning instead, and in a run that records every
``record_every_days`` (> 1) the recorded days and the last day are stepped as usual. Then the day is
the chain of the step's compiled laws on the model's arrays and floats: :func:`_quiet_days` runs it
for many days at once, calling each law from its one definition (:mod:`.physiology.compiled_laws`):
the systemic chain (:func:`.minerals._systemic_values`), the bone drives and the cells' kernel, the
cortical day, the media's uniforms (drawn from the model's generator in numpy's order), the
exchanges with the wall (:func:`.exchanges.exchanges_day`), the intima's age and calcium and plasma
dp-ucMGP. The few values the step computes in Python from the person (the estrogen-loss effect on
bone, the intima's estrogen factor, the dialysis days) are computed here beforehand by the same
functions, day by day. The numbers are the Python step's, bit for bit (``tests/test_stretch.py``);
each recorded day between the ends keeps its physiology row.

If the compiled call raises, every array it touched and the generator are put back as they were and
:func:`run_quiet_days` returns 0: the caller steps those days in Python, which gives the law's own
message.

A day of the person's new rates (the 30-day update of :func:`.person.update_rates`, no schedule
boundary) is not quiet, but only its steps 1-3 need Python: :func:`run_update_day` runs them
(``model._start_day``) and then its steps 4-7 as the first day of the compiled call of the quiet
days after it.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numba
import numpy as np

from calcium_abm import person
from calcium_abm.outputs import physiology_columns
from calcium_abm.physiology import (ageing, calcification, calcium, carboxylation, coagulation, compiled_laws,
                                    exchanges, hormone_therapy, intima, ledger, life_course, minerals,
                                    remodeling)
from calcium_abm.physiology.calcium import SystemicState
from calcium_abm.parameters import drive_record_slot
from calcium_abm.random_stream import fill_float32_uniforms

__all__ = ["quiet_days", "run_quiet_days", "run_update_day", "MIN_STRETCH_DAYS"]

#: the step whose days these are (a subclass that overrides it steps in Python)
_THE_STEP = ("calcium_abm.model", "CalciumParadoxModel.step")
#: the fewest quiet days worth a compiled call (its set-up costs about what a few Python days do)
MIN_STRETCH_DAYS = 4


def quiet_days(model: Any, limit: int) -> int:
    """How many of the next ``limit`` days, from the next one stepped, are quiet (module docstring); 0 if
    the run cannot take the compiled days at all."""
    n = _days_without_python(model, limit)
    return n if n >= MIN_STRETCH_DAYS and _vitamin_k_repeats(model) else 0


def _days_without_python(model: Any, limit: int, updated: int | None = None) -> int:
    """Of the next ``limit`` days, how many in a row have no schedule boundary, no update of the person's
    rates (the last on day ``updated``, default the model's), no whole row and are not the run's last; 0
    if the run cannot take compiled days at all."""
    p, step = model.params, getattr(model._user_step, "__func__", None)
    if (limit < MIN_STRETCH_DAYS or step is None or (step.__module__, step.__qualname__) != _THE_STEP
            or model.__dict__.get("mirrors_cell_agents", False) or not compiled_laws.compiles(p)
            or model.inputs.kidney.gfr_end_ml_per_min is not None):
        return 0
    day, boundaries = model.day, model._boundaries
    updated = model._person_updated_day if updated is None else updated
    last = min(day + limit, model.days_total - 1)  # the run's last day keeps its full row: stepped in Python
    whole_rows = getattr(model.datacollector, "between", None) is None  # a day that records a row: in Python
    every, n = model.record_every_days, 0
    while (day + n < last and day + n not in boundaries and day + n - updated < person.PERSON_UPDATE_DAYS
           and not (whole_rows and (day + n + 1) % every == 0)):
        n += 1
    return n


def run_update_day(model: Any, limit: int) -> int:
    """A day of the person's new rates (a 30-day update, no schedule boundary) with quiet days after it,
    as that many calls of the step: its steps 0-3 in Python (``model._start_day``), then its steps 4-7
    and the quiet days after it (:func:`quiet_days`, counted once its vitamin K day is known) in one
    compiled call (:func:`run_quiet_days`); its steps 4-9 in Python (``model._finish_day``) if no quiet
    days follow or the compiled call does not run. Returns the days run: 0 if today is not such a day
    (nothing done), else at least 1."""
    day = model.day
    if (day in model._boundaries or day - model._person_updated_day < person.PERSON_UPDATE_DAYS
            or _days_without_python(model, limit, updated=day) < MIN_STRETCH_DAYS):
        return 0
    model._start_day()
    n = quiet_days(model, limit)  # from today: its steps 1-3 are done and the rates new
    done = run_quiet_days(model, n) if n else 0
    if not done:
        model._finish_day()
    return done or 1


def _vitamin_k_repeats(model: Any) -> bool:
    """Whether tomorrow's vitamin K cycle is today's memo again and the clotting factors sit at its target."""
    b, state, memo = model.blood, model.inputs, model.__dict__.get("_carboxylation_memo")
    if memo is None:
        return False
    key = carboxylation.day_key(  # as the step's _carboxylation_day will build it tomorrow
        b.vitamin_k_nmol, b.warfarin_mg, model.intake_ug, state.drugs.warfarin_mg_per_day,
        model.vessel.vitamin_k_delivery, model.carboxylation.tissue_supply_nmol_l,
        state.genetics.osteocalcin_knockout, model.vitamin_k_params, model.dt)
    return memo[0] == key and b.clotting_factor_activity == coagulation.hepatic_factor_carboxylation(
        memo[1].hepatic_kh2_relative, model.vitamin_k_params)


def run_quiet_days(model: Any, n: int) -> int:
    """Run ``n`` quiet days (:func:`quiet_days`), as ``n`` calls of the step would; returns the days run
    (fewer when births grew a cell population's arrays, which the model takes back first; 0 if the
    compiled call raised, everything then as before it)."""
    p, dt, state, vk = model.params, model.dt, model.inputs, model.carboxylation
    bone, wall, cortical, ocs, obs = model.bone, model.vessel, model.cortical, model.osteoclasts, model.osteoblasts
    days = range(model.day, model.day + n)
    effects = _estrogen_loss_effects(model, days)
    # the onset may come within the days (its clock, intima.next_onset_age_years): the factor of every day, which
    # the growth law reads only from the onset on (as the step's intima_estrogen_factor gives it from then)
    intima_estrogen, intima_ages = np.empty(n), np.empty(n + 1)
    scratch = dataclasses.replace(wall.intima, onset_age_years=-math.inf)
    for j in range(n + 1):  # the intima's age at the start of each day, as advance_intima adds it up
        intima_ages[j] = scratch.age_years
        if j < n:
            intima_estrogen[j] = intima.intima_estrogen_factor(scratch, p.agatston_units_per_mg_calcium, p)
            intima.advance_intima(scratch, 0.0, dt)
    k = model.kidney_inputs()
    sessions = np.array([minerals.is_session_day(d, k.sessions_per_week) for d in days])
    mgp_per_cell = calcification.mgp_synthesis_per_step(p, dt)
    uniforms = np.empty(wall.mineral.shape, dtype=np.float32)
    wall_inputs = calcification.wall_day_inputs(wall, vk.mgp_carboxylated_by_depth, p, None, dt, uniforms)
    hormones, rates = model.hormones, drive_record_slot(remodeling.RemodelingRates)
    saved = _snapshot(model)
    try:
        out = _quiet_days(
            n, model.calcium.books, model.phosphate.books, compiled_laws.law_parameters(p), dt,
            (hormones.gland_capacity, hormones.calcitriol_relative, hormones.skeletal_calcitriol_relative,
             hormones.skeletal_pth_sensitivity),
            (k.gfr_ml_per_min, k.phosphate_mg_per_day, k.binder_mg_per_day, k.on_dialysis), exchanges.kidney_values(k),
            effects, model.activation_estrogen_effect, vk.bone_vitamin_k_supply_nmol_l,
            bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(), bone.mineral_deficit.ravel(),
            *bone.mineral.shape, bone.mineral_mg_per_unit, ocs.kernel_fields(), obs.kernel_fields(), rates,
            rates.view(np.float64), model.random_stream, (cortical.mineral_mg, cortical.cavity_mg, cortical.osteoid_mg),
            k.calcium_mg_per_day, wall_inputs, intima_estrogen, intima_ages, wall.intima.calcium_mg,
            0.0 if state.genetics.mgp_knockout else mgp_per_cell, mgp_per_cell, *calcium._bone_fluid_kernel_records(p),
            sessions, model.blood.dp_ucmgp_pmol_l)
    except (ValueError, ArithmeticError, KeyError):
        _restore(model, saved)
        return 0
    done, oc, ob, sv, activation, day_sums, cortical_mg, tallies, intima_mg, dp_ucmgp, blood_mg = out
    if done == 0:  # the first day's systemic chain was not finite: nothing else was touched
        return 0
    ocs.adopt(oc)
    obs.adopt(ob)
    hormones.gland_capacity, hormones.calcitriol_relative, hormones.skeletal_calcitriol_relative = sv[12], sv[4], sv[11]
    hormones.skeletal_pth_sensitivity = sv[14]
    model.systemic = SystemicState(*sv[:12])
    model.activation_estrogen_effect, model.blood.dp_ucmgp_pmol_l = activation, dp_ucmgp
    bone.day_sums, wall.day_tallies = day_sums, tallies
    cortical.mineral_mg, cortical.cavity_mg, cortical.osteoid_mg = cortical_mg
    (wall.intima.calcium_mg, wall.intima.onset_age_years), wall.intima.age_years = intima_mg, float(intima_ages[done])
    start, model._day, between = model.day, model.day + done, getattr(model.datacollector, "between", None)
    if between is not None:  # a run keeping its ends: the recorded days between keep their physiology columns
        every = model.record_every_days
        days = np.arange(start + 1, start + done + 1)
        days = days[days % every == 0]
        between.append(physiology_columns(model, days, blood_mg[days - start - 1, 0], blood_mg[days - start - 1, 1]))
    return done


def _estrogen_loss_effects(model: Any, days: range) -> np.ndarray:
    """:func:`.person.estrogen_loss_effect` on each of ``days`` (shape (n,)); a woman's perimenopausal law
    (:func:`.ageing.perimenopausal_estrogen_effect`) in one array call, each element as the day's
    scalar call computes it (:func:`.person.age_on_day`, :func:`.person.years_relative_to_fmp`): the
    same values, bit for bit (``tests/test_stretch.py``)."""
    fmp, human = model.age_at_fmp_years, model.inputs.patient.species == "human"
    if human and fmp is None:  # a man, a woman before a known final period: no estrogen loss
        return np.zeros(len(days))
    if not human:
        return np.array([person.estrogen_loss_effect(model, person.years_relative_to_fmp(
            person.age_on_day(model, d), fmp)) for d in days])
    ages = person.age_on_day(model, np.arange(days.start, days.stop))  # its arithmetic on each day
    since_fmp = np.minimum(np.maximum(ages - fmp, -120.0), 120.0)  # person.years_relative_to_fmp's clamp
    share = hormone_therapy.estrogen_loss_share_left(person.on_hormone_therapy(model), model.params)
    return np.asarray(ageing.perimenopausal_estrogen_effect(since_fmp, model.params), dtype=float) * share


def _snapshot(model: Any) -> tuple:
    """Copies of everything a compiled call changes in place (arrays, the generator's state)."""
    arrays = (*(getattr(model.bone, a) for a in ("mineral", "osteoid", "cavity", "mineral_deficit")),
              *model.osteoclasts.kernel_fields(), *model.osteoblasts.kernel_fields(),
              *(getattr(model.vessel, a) for a in ("osteochondrogenic", "cmgp", "ucmgp", "mineral", "mineral_root",
                                                   "deposit_coat", "generation")),
              model.calcium.amount, model.calcium.flow, model.phosphate.amount, model.phosphate.flow)
    return tuple((a, a.copy()) for a in arrays), model.rng.bit_generator.state


def _restore(model: Any, saved: tuple) -> None:
    arrays, rng_state = saved
    for array, copy in arrays:
        np.copyto(array, copy)
    model.rng.bit_generator.state = rng_state


@numba.njit(cache=True, error_model="numpy")
def _quiet_days(n, ca, ph, p_record, dt, hormones, kidney_in, kv, effects, activation, bone_vitamin_k,
                mineral, osteoid, cavity, deficit, w, h, mg_per_unit, oc, ob, rates_record, rates, stream, cortical_mg,
                diet_calcium, wall_inputs, intima_estrogen, intima_ages, intima_mg, mgp_made_per_cell,
                mgp_per_healthy_cell, fluid_record, pth_record, sessions, dp_ucmgp):
    """:func:`run_quiet_days`' days: the step's laws in its order (model.step, steps 2-7), compiled.
    Returns (days run; the grown cell arrays or None; the last day's systemic values; the activation
    effect; the trabecular sums; the cortical mg; the wall's tallies; the intima's mg and onset age (its age at
    the start of each day and after the last is ``intima_ages``, shape (n + 1,)); plasma
    dp-ucMGP; the blood's calcium and phosphorus at the end of each day, shape (days run, 2)). It stops
    before a day whose systemic chain is not finite (the step then repeats it in Python)."""
    p = p_record[0]
    gland, c_prev, skeletal, sensitivity = hormones
    gfr_in, phosphate_in, binder_in, on_dialysis = kidney_in
    mineral_mg, cavity_mg, osteoid_mg = cortical_mg
    uniforms = wall_inputs[8].reshape(wall_inputs[8].size)
    blood = np.empty((n, 2))
    # today's values before any day (never returned: a call that runs no day returns 0 days); they give
    # numba the types of the values the loop carries, as the next two lines do
    sv = _systemic(gland, c_prev, skeletal, sensitivity, ca[0][ledger.BLOOD], ph[0][ledger.BLOOD], gfr_in, phosphate_in,
                   binder_in, on_dialysis, p, dt)
    day_sums = (0.0, 0.0, 0.0, 0.0)
    tallies = (0.0, 0, 0, 0.0)
    intima_onset = wall_inputs[18]
    done = 0
    for j in range(n):
        ca[2][:] = 0.0  # the ledgers' new day
        ph[2][:] = 0.0
        today = _systemic(gland, c_prev, skeletal, sensitivity, ca[0][ledger.BLOOD], ph[0][ledger.BLOOD], gfr_in, phosphate_in,
                          binder_in, on_dialysis, p, dt)
        if not math.isfinite(today[13]):  # the step repeats the chain in Python: that day is stepped there
            break
        sv = today
        gland, c_prev, skeletal, sensitivity = sv[12], sv[4], sv[11], sv[14]
        activation, resorbed, oc_grown, ob_grown, cortical = life_course.bone_step(  # PTH as the skeleton sees it
            mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, rates, p, stream, effects[j], activation,
            sv[7] * sensitivity, bone_vitamin_k, (mineral_mg, cavity_mg, osteoid_mg), dt)
        mineral_mg, cavity_mg, osteoid_mg, cortical_resorbed = cortical
        fill_float32_uniforms(stream, uniforms)
        day_inputs = (wall_inputs[0], wall_inputs[1], wall_inputs[2], wall_inputs[3], wall_inputs[4], wall_inputs[5],
                      wall_inputs[6], wall_inputs[7], wall_inputs[8], wall_inputs[9], wall_inputs[10], wall_inputs[11],
                      wall_inputs[12], wall_inputs[13], wall_inputs[14], intima_mg, wall_inputs[16], intima_ages[j],
                      intima_onset, intima_estrogen[j])
        _, _, trabecular, cortical_laid, wall = exchanges.exchanges_day(
            ca, ph, sv, kv, resorbed * mg_per_unit, cortical_resorbed, diet_calcium, mineral, osteoid, cavity, deficit,
            mg_per_unit, osteoid_mg, day_inputs, mgp_made_per_cell, fluid_record, pth_record, sessions[j], p, dt)
        day_sums = (trabecular[1], trabecular[2], trabecular[3], trabecular[4])
        osteoid_mg -= cortical_laid
        mineral_mg += cortical_laid
        tallies = wall[7]
        intima_mg += wall[8]  # advance_intima's calcium (its age: intima_ages)
        intima_onset = wall[9]
        systemic = exchanges.Systemic(sv[0], sv[1], sv[2], sv[3], sv[4], sv[5], sv[6], sv[7], sv[8], sv[9], sv[10],
                                      sv[11])
        dp_ucmgp = carboxylation.advance_dp_ucmgp(
            dp_ucmgp, carboxylation.ucmgp_release_relative(wall[2], uniforms.size, mgp_per_healthy_cell),
            calcium.gfr_relative(systemic, p), p, dt)
        blood[j, 0], blood[j, 1] = ca[0][ledger.BLOOD], ph[0][ledger.BLOOD]
        done = j + 1
        if oc_grown is not None or ob_grown is not None:  # births needed more slots: the caller adopts them
            return (done, oc_grown, ob_grown, sv, activation, day_sums, (mineral_mg, cavity_mg, osteoid_mg), tallies,
                    (intima_mg, intima_onset), dp_ucmgp, blood[:done])
    return (done, None, None, sv, activation, day_sums, (mineral_mg, cavity_mg, osteoid_mg), tallies,
            (intima_mg, intima_onset), dp_ucmgp, blood[:done])


_systemic = minerals._systemic_values  # a compiled chain (compiled_laws.compiled_chain)
