"""The skeleton a person brings to day 0: the bone rules run over the life course.

A run for a person of 80 starts from the bone of an 80-year-old. The decades since the
young-adult peak (``osteoblast_reference_age_years``, the age the osteoblast capacity law and
the T-score reference take) up to the first day of the spin-up are lived by the run's own
section, before its spin-up, through the model's own bone rules in coarse steps of
:data:`STEP_DAYS` physiological days, compiled together between the refreshes of the person's rates
(:func:`_coarse_steps`, from the laws' one definition: :mod:`.compiled_laws`). Each law is called, not copied:

* the cell rules of :func:`.remodeling.remodel_day` and mineralisation
  (:func:`.skeleton.mineralise`), as in the spin-up (:func:`spin_up_section`);
* the cortical compartment's :func:`.skeleton.cortical_day` and
  :func:`.skeleton.mineralise_cortical` (a mean-field compartment already);
* the day's drives, :func:`.remodeling.bone_drives`, from the person's rates at each age
  (the caller's ``params_at``: :func:`.ageing.personal_parameters`), refreshed every
  :data:`RATES_EVERY_DAYS`, the estrogen-loss effect of each step
  (``estrogen_effect_at``: the perimenopausal law) with activation following it with its lag
  (:func:`.ageing.lagged_activation_effect`), and the PTH of each age (``pth_at``).

The section leaves it with the structure those decades gave it (partly refilled patches,
thinned trabeculae); the cortical compartment's share left is returned (:class:`LifeCourse`) for
the caller to restart it (``person.live_life_course``).

Measured (``docs/design/person.md``, "The life-course start"): against the full model run with
its complete daily step from 30 (64 x 64, two seeds), typical women built at 70 / 80 start at
0.801 / 0.739 of their BMD at 30 where the runs reach 0.802 / 0.751, men at 65 / 75 at 0.936 /
0.899 vs 0.935 / 0.899. A mean-field integration of the same laws (``dBV/dt = -k x activation /
osteoclast apoptosis x (1 - min(1, margin)) x BV``, with ``k`` the resorption per unit drive
measured on the spin-up) is cheaper (~0.03 s) but kept only 84-90 % of the coarse run's loss by
80 (women 0.804 vs 0.783 of the bone volume, men 0.913 vs 0.896; 3 seeds): the section's
resorption is not proportional to its drives (free surface, cavities, teams that end short).
Taking a lost volume from a section spun up at the peak (scaling its mineral) gave the right
BMD but not the evolved structure: it then lost bone faster than an evolved section (a woman of
65: 0.72 against 0.59 %/y, 20 seeds). Neither was kept.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numba
import numpy as np

from calcium_abm.parameters import drive_record_slot
from calcium_abm.physiology import ageing, bone_rates, compiled_laws, remodeling, skeleton
from calcium_abm.random_stream import RandomStream, as_random_stream

#: physiological days per life-course step: 10 matches daily steps within the seed scatter
#: (15 days loses ~1.5 % more of BMD by 80)
STEP_DAYS = 10.0
#: physiological days the section is spun up at the young-adult start, before its life course
SPINUP_DAYS = 400.0
#: physiological days between refreshes of the person's rates and PTH in the life course (the
#: rates follow age over years; the estrogen-loss effect is evaluated every step)
RATES_EVERY_DAYS = 91.0
#: last days of a spin-up whose mineralisation sets the secondary-mineral deficit's steady state
SETTLE_DAYS = 100.0


class LifeCourse(NamedTuple):
    """What the life course leaves, each relative to the young-adult start."""

    trabecular_fraction: float  # trabecular bone (mineral + osteoid + cavities) left (a readout)
    cortical_fraction: float    # cortical mineral left
    years: float                # years run


def section_volume(bone: remodeling.BoneSection) -> float:
    """Bone volume of a section (patch volumes): mineral, osteoid and open cavities, the
    envelope a remodeling cycle returns to unless its team leaves the cavity unfilled."""
    return float(bone.mineral.sum() + bone.osteoid.sum() + bone.cavity.sum())


def run_bone(params_at: Callable[[float], object], pth_at: Callable[[float, object], float],
             estrogen_effect_at: Callable[[float], float], vitamin_k_supply_nmol_per_l: float,
             start_age_years: float, end_age_years: float, bone: remodeling.BoneSection, ocs, obs,
             rng: np.random.Generator) -> LifeCourse:
    """Run the bone rules from ``start_age_years`` to ``end_age_years`` (module docstring).

    Args:
        params_at: the person's parameter set at an age (:func:`.ageing.personal_parameters`).
        pth_at: PTH relative to the reference adult at an age, given the parameters there.
        estrogen_effect_at: the estrogen-loss effect on bone (0-1) at each of an array of ages
            (called once, with every step's age).
        vitamin_k_supply_nmol_per_l: bone vitamin K supply (held).
        start_age_years, end_age_years: the span (nothing is run if end <= start).
        bone, ocs, obs: the section at the person's peak (untouched bone) and its osteoclast and
            osteoblast populations (without agents), run in place (cells alive at the end stay).
        rng: the life course's own generator.
    """
    years = end_age_years - start_age_years
    if years <= 0.0:
        return LifeCourse(1.0, 1.0, 0.0)
    stream = RandomStream(rng)
    p = params_at(start_age_years)
    steps = math.ceil(years * ageing.DAYS_PER_YEAR_OF_AGE / STEP_DAYS - 1e-9)
    ages = start_age_years + (np.arange(steps) + 0.5) * STEP_DAYS / ageing.DAYS_PER_YEAR_OF_AGE
    effects = np.asarray(estrogen_effect_at(np.concatenate(([start_age_years], ages))), dtype=float)
    pth, activation = pth_at(start_age_years, p), float(effects[0])
    spin_up_section(bone, ocs, obs, vitamin_k_supply_nmol_per_l, p, stream, STEP_DAYS, SPINUP_DAYS,
                    lambda _days_before: activation, pth)
    drives = remodeling.bone_drives(pth, activation, vitamin_k_supply_nmol_per_l, p)
    cortical = skeleton.cortical_steady_state(1.0, p, drives.activation_factor, 1.0, 1.0 / drives.osteoclast_apoptosis_factor,
                                          remodeling.osteoblast_refill_margin(drives, p))
    start_volume, refresh = section_volume(bone), max(1, round(RATES_EVERY_DAYS / STEP_DAYS))
    rates = drive_record_slot(remodeling.RemodelingRates)
    cortical_mg = (cortical.mineral_mg, cortical.cavity_mg, cortical.osteoid_mg)
    for first in range(0, steps, refresh):  # the person's rates and PTH at each refresh, then its steps compiled
        p = params_at(float(ages[first]))
        pth, p_record = pth_at(float(ages[first]), p), compiled_laws.law_parameters(p)
        block = effects[1 + first:1 + first + refresh]
        while block.size:  # back here after a step whose births grew a population's arrays
            done, oc, ob, activation, cortical_mg = _coarse_steps(
                bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(), bone.mineral_deficit.ravel(),
                *bone.mineral.shape, ocs.kernel_fields(), obs.kernel_fields(), rates, rates.view(np.float64), p_record,
                stream, block, activation, pth, vitamin_k_supply_nmol_per_l, cortical_mg, bone.mineral_mg_per_unit,
                STEP_DAYS)
            block = block[done:]
            ocs.adopt(oc)
            obs.adopt(ob)
    return LifeCourse(section_volume(bone) / start_volume, cortical_mg[0], steps * STEP_DAYS / ageing.DAYS_PER_YEAR_OF_AGE)


@numba.njit(cache=True, error_model="numpy")
def _coarse_steps(mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, rates, p_record, stream, effects,
                  activation, pth_relative, vitamin_k_supply_nmol_per_l, cortical_mg, mg_per_unit, dt):
    """:func:`run_bone`'s steps of ``dt`` days under one parameter set ``p``
    (:func:`.compiled_laws.law_parameters`) and PTH, one per estrogen-loss effect of ``effects``:
    the bone cells and the cortical day (:func:`bone_step`), trabecular mineralisation
    (:func:`.skeleton.mineralise_arrays`) and the cortical mineralisation, on an unlimited supply at
    the reference Ca x P. Returns (steps done, the osteoclasts' and teams'
    kernel fields if births grew them, else None, which ends the call early; the activation effect;
    the cortical (mineral, cavity, osteoid) mg)."""
    p = p_record[0]
    for n in range(effects.size):
        activation, _, oc_grown, ob_grown, cortical = bone_step(
            mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, rates, p, stream, effects[n], activation,
            pth_relative, vitamin_k_supply_nmol_per_l, cortical_mg, dt)
        skeleton.mineralise_arrays(mineral, osteoid, cavity, deficit, mg_per_unit, math.inf, 1.0, p, dt)
        laid_mg = skeleton.cortical_mineralised_mg(cortical[2], math.inf, 1.0, p, dt)
        cortical_mg = (cortical[0] + laid_mg, cortical[1], cortical[2] - laid_mg)
        if oc_grown is not None or ob_grown is not None:  # births needed more slots: the caller adopts them
            return n + 1, oc_grown, ob_grown, activation, cortical_mg
    return effects.size, None, None, activation, cortical_mg


@numba.njit(cache=True, error_model="numpy")
def bone_step(mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, rates, p, stream, effect, activation,
              pth_relative, vitamin_k_supply_nmol_per_l, cortical_mg, dt):
    """One step of ``dt`` days of the bone cells and the cortical compartment, compiled from the laws'
    one definition (the life course's steps and a run's quiet days, ``stretch``, call it): the
    estrogen-loss ``effect`` on activation with its lag (from ``activation``), the day's drive
    factors and the kernels' rates (written into ``rates_record`` through its float64 view
    ``rates``), the cells' kernel (:func:`.remodeling.remodel_day`'s; dead cells freed) and the
    cortical day (:func:`.skeleton.cortical_day_values` on ``cortical_mg``, (mineral, cavity,
    osteoid) mg). ``p`` is a :func:`.compiled_laws.law_parameters` record's element. Returns (the
    activation effect; the mineral resorbed, patch volumes; the osteoclasts' and teams' kernel fields
    if births grew them, else None; the cortical (mineral, cavity, osteoid, resorbed) mg)."""
    activation, drives, resorbed, oc_grown, ob_grown = cells_step(
        mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, rates, p, stream, effect, activation,
        pth_relative, vitamin_k_supply_nmol_per_l, dt)
    cortical = skeleton.cortical_day_values(cortical_mg[0], cortical_mg[1], cortical_mg[2], drives[0], drives[1],
                                            bone_rates.refill_margin(drives[2], p), p, dt)
    return activation, resorbed, oc_grown, ob_grown, cortical


@numba.njit(cache=True, error_model="numpy")
def cells_step(mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, rates, p, stream, effect, activation,
               pth_relative, vitamin_k_supply_nmol_per_l, dt):
    """:func:`bone_step`'s bone cells (the spin-up's step too): activation after its lag, the drive
    factors, the kernels' rates and the cells' kernel. Returns (the activation effect; the drive
    factors; the mineral resorbed, patch volumes; the grown kernel fields or None)."""
    activation = ageing.lagged_activation_effect(activation, effect, p, dt)
    drives = bone_rates.bone_drive_factors(pth_relative, effect, vitamin_k_supply_nmol_per_l, p, activation)
    (rates[0], rates[1], rates[2], rates[3], rates[4], rates[5], rates[6],
     rates[7]) = bone_rates.remodeling_rate_values(drives[0], drives[1], drives[2], p, dt)
    resorbed, oc_grown, ob_grown, _, _, _, _, _ = remodeling.cells_day_kernel(
        mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, p.osteoblast_cells_per_cavity_volume, stream,
        True)
    return activation, drives, resorbed, oc_grown, ob_grown


def spin_up_section(bone: remodeling.BoneSection, ocs, obs, vitamin_k_supply_nmol_per_l: float, p, stream,
                    dt: float, days: float, estrogen_effect_at=None, pth_relative: float = 1.0,
                    capxp_relative: float = 1.0) -> float:
    """Remodel the section under ``pth_relative`` (default the reference; a CKD patient's own
    steady-state PTH), osteoid mineralising at the serum Ca x P ``capxp_relative`` (default the
    reference; a CKD patient's own steady phosphate raises it) and the
    given bone vitamin K supply for ``days`` physiological days, in place, so a run starts
    from a steady remodeling space; then :func:`.skeleton.settle_mineral_deficit`. Dead cells are
    removed from ``ocs`` and ``obs`` (populations without agents: the spin-up runs before any are
    made); no calcium is booked (the ledger starts at day 0).

    ``estrogen_effect_at(days_before_start)`` gives the estrogen-loss effect (0-1) on that
    day of the person's past (default: estrogen present throughout, 0); activation follows it
    with its lag (:func:`.ageing.lagged_activation_effect`), from its level on the first day.
    ``p`` carries the person's age-adjusted rates (a parameter set :func:`.compiled_laws.compiles`);
    ``stream`` is a generator or its :class:`~calcium_abm.random_stream.RandomStream`. The steps run
    compiled (:func:`_spin_up_steps`), the numbers of :func:`.remodeling.remodel_day` and
    :func:`.skeleton.mineralise` called step by step. Returns the activation's effect on the last day."""
    steps = int(math.ceil(days / dt))
    effects = np.zeros(steps)  # each step's estrogen-loss effect; activation starts at the first's
    if estrogen_effect_at is not None:
        effects[:] = [estrogen_effect_at((steps - i) * dt) for i in range(steps)]
    activation, laid_mg, first, sums = (float(effects[0]) if steps else 0.0), 0.0, 0, bone.day_sums
    rates, stream = drive_record_slot(remodeling.RemodelingRates), as_random_stream(stream)
    p_record = compiled_laws.law_parameters(p)
    while first < steps:  # back here after a step whose births grew a population's arrays
        first, oc, ob, activation, laid_mg, sums = _spin_up_steps(
            bone.mineral.ravel(), bone.osteoid.ravel(), bone.cavity.ravel(), bone.mineral_deficit.ravel(),
            *bone.mineral.shape, ocs.kernel_fields(), obs.kernel_fields(), rates, rates.view(np.float64), p_record,
            stream, effects, first, activation, pth_relative, vitamin_k_supply_nmol_per_l, capxp_relative,
            bone.mineral_mg_per_unit, laid_mg, SETTLE_DAYS, dt)
        ocs.adopt(oc)
        obs.adopt(ob)
    bone.day_sums = tuple(sums)  # as skeleton.mineralise leaves them
    skeleton.settle_mineral_deficit(bone, laid_mg / min(SETTLE_DAYS, steps * dt) * dt, p, dt)
    return activation


@numba.njit(cache=True, error_model="numpy")
def _spin_up_steps(mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, rates, p_record, stream, effects,
                   first, activation, pth_relative, vitamin_k_supply_nmol_per_l, capxp_relative, mg_per_unit, laid_mg,
                   settle_days, dt):
    """:func:`spin_up_section`'s steps from ``first``: the cells (:func:`cells_step`) and trabecular
    mineralisation (:func:`.skeleton.mineralise_arrays`) on an unlimited supply; the calcium of primary
    mineralisation (moved less matured) is added up over the last ``settle_days``. Returns (the next
    step; the grown kernel fields or None, which end the call early; the activation; the primary mg;
    mineralisation's four sums)."""
    p, steps = p_record[0], effects.size
    sums = (0.0, 0.0, 0.0, 0.0)
    matured_per_deficit = skeleton.secondary_fraction(p, dt)
    for i in range(first, steps):
        activation, _, _, oc_grown, ob_grown = cells_step(
            mineral, osteoid, cavity, deficit, w, h, oc, ob, rates_record, rates, p, stream, effects[i], activation,
            pth_relative, vitamin_k_supply_nmol_per_l, dt)
        matured_mg = numpy_sum(deficit, 0, deficit.size) * matured_per_deficit * mg_per_unit
        moved_mg, s0, s1, s2, s3 = skeleton.mineralise_arrays(mineral, osteoid, cavity, deficit, mg_per_unit, math.inf,
                                                              capxp_relative, p, dt)
        sums = (s0, s1, s2, s3)
        if (steps - i) * dt <= settle_days:
            laid_mg += moved_mg - matured_mg
        if oc_grown is not None or ob_grown is not None:  # births needed more slots: the caller adopts them
            return i + 1, oc_grown, ob_grown, activation, laid_mg, sums
    return steps, None, None, activation, laid_mg, sums


@numba.njit(cache=True)
def numpy_sum(a, start, n):
    """``a[start:start + n].sum()`` of a contiguous float64 array as numpy adds it, bit for bit (numba's
    ``sum`` adds in sequence), so a compiled loop keeps a numpy-summing Python loop's numbers
    (``tests/test_life_course.py``): numpy's pairwise recursion (a range of more than 128 splits at
    half, rounded down to a multiple of 8; its sum is left + right) on an explicit stack (numba's
    cached recursive functions are not reliable), and :func:`_block_sum` for the blocks."""
    starts, sizes, stages, values = np.empty(64, np.int64), np.empty(64, np.int64), np.empty(64, np.int64), np.empty(64)
    frames, sums = 1, 0
    starts[0], sizes[0], stages[0] = start, n, 0
    while frames:
        top = frames - 1
        size = sizes[top]
        if size <= 128:  # a block: its sum goes on the value stack
            values[sums] = _block_sum(a, starts[top], size)
            sums, frames = sums + 1, frames - 1
            continue
        left = size // 2 - (size // 2) % 8
        if stages[top] == 0:  # the left half first
            stages[top] = 1
            starts[frames], sizes[frames], stages[frames] = starts[top], left, 0
            frames += 1
        elif stages[top] == 1:  # then the right half
            stages[top] = 2
            starts[frames], sizes[frames], stages[frames] = starts[top] + left, size - left, 0
            frames += 1
        else:  # both done: left + right
            values[sums - 2] = values[sums - 2] + values[sums - 1]
            sums, frames = sums - 1, frames - 1
    return values[0]


@numba.njit(cache=True)
def _block_sum(a, start, n):
    """numpy's sum of a block of at most 128 (pairwise_sum's base case): in sequence below 8, else
    eight accumulators combined as ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)), then the remainder."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += a[i]
        return total
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i, whole = start + 8, start + n - n % 8
    while i < whole:
        r0, r1, r2, r3 = r0 + a[i], r1 + a[i + 1], r2 + a[i + 2], r3 + a[i + 3]
        r4, r5, r6, r7 = r4 + a[i + 4], r5 + a[i + 5], r6 + a[i + 6], r7 + a[i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for j in range(whole, start + n):
        total += a[j]
    return total


def pth_knot_ages(start_age_years: float, end_age_years: float, p) -> list[float]:
    """Ages at which the life course evaluates the kidney laws' steady PTH (linear in between):
    the span's ends and, inside it, 40 (GFR's slope changes, :func:`.ageing.gfr_by_age_ml_per_min`)
    and ``absorption_decline_onset_age_years`` (60: a knot halfway along a long span). The steady
    state reads GFR, not the gut's calcium rates (their steps at the final period and kink at 60 act
    through the calcium-balance factor), and is near linear between: a man's is 1.028 / 1.063 /
    1.108 at 60 / 70 / 80, 0.5 % off a line at 70."""
    inner = (40.0, p.absorption_decline_onset_age_years)
    return sorted({start_age_years, end_age_years, *(float(a) for a in inner if start_age_years < a < end_age_years)})
