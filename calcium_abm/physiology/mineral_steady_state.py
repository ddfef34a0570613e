"""The kidney-hormone loop at steady state (a readout and test oracle, not the daily update).

For a GFR, a diet and an ionised calcium, the serum phosphate at which absorbed phosphorus
equals urine (+ mean dialysis removal), with calcitriol, PTH and FGF23 consistent with it,
from the laws of :mod:`.kidney` and :mod:`.dialysis`. Design note section 4 tabulates it.
Parameters: a record with the kidney and dialysis parameters (e.g. the registry's parameter set).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba

from calcium_abm.checks import per_set_or_fresh
from calcium_abm.physiology import compiled_laws
from calcium_abm.physiology.dialysis import dialysis_mean_daily_removal_mg
from calcium_abm.physiology.kidney import (PHYSIOLOGICAL_RANGES, _check, calcitriol_relative, fgf23_relative,
                                          filtered_phosphate_mg,
                                          phosphate_absorbed_mg, phosphate_fractional_excretion,
                                          phosphate_load_per_nephron_relative, urine_phosphate_mg)
from calcium_abm.physiology.parathyroid import pth_secretion_pmol_l, reference_pth_pmol_l

@dataclass(frozen=True)
class MineralSteadyState:
    """The kidney-hormone loop at steady state for a given GFR, diet and ionised calcium."""

    gfr_ml_per_min: float
    serum_phosphate_mmol_l: float
    pth_pmol_l: float
    calcitriol_relative: float
    fgf23_relative: float
    fractional_excretion: float
    absorbed_mg_per_day: float
    urine_mg_per_day: float
    dialysis_mg_per_day: float


def _hormones_at(pi: float, gfr: float, intake: float, ionized: float, binder: float, p):
    """Calcitriol, PTH, FGF23 and absorption consistent with each other at phosphate ``pi``."""
    pth0 = reference_pth_pmol_l(p)
    c = 1.0
    for _ in range(200):
        absorbed = phosphate_absorbed_mg(intake, c, binder, p)
        fgf = fgf23_relative(gfr, absorbed, c, p)
        pth = pth_secretion_pmol_l(ionized, pi, c, gfr, p,
                                   phosphate_load_relative=phosphate_load_per_nephron_relative(gfr, absorbed, p))
        c_new = calcitriol_relative(gfr, pth / pth0, fgf, pi, p)
        if abs(c_new - c) < 1e-12:
            c = c_new
            break
        c = 0.5 * (c + c_new)
    absorbed = phosphate_absorbed_mg(intake, c, binder, p)
    fgf = fgf23_relative(gfr, absorbed, c, p)
    pth = pth_secretion_pmol_l(ionized, pi, c, gfr, p,
                               phosphate_load_relative=phosphate_load_per_nephron_relative(gfr, absorbed, p))
    return c, pth, fgf, absorbed


compiled_laws.compiled_chain(_hormones_at)


@numba.njit(cache=True)
def _hormones_at_compiled(pi, gfr, intake, ionized, binder, p_record):
    return _hormones_at(pi, gfr, intake, ionized, binder, p_record[0])


def hormones_at_phosphate(pi: float, gfr: float, intake: float, ionized: float, binder: float, p):
    """:func:`_hormones_at` (calcitriol relative, PTH pmol/L, FGF23 relative, absorbed phosphorus mg/day at
    serum phosphate ``pi`` mmol/L), compiled from the same laws where ``p`` is the model's parameter set
    (:mod:`.compiled_laws`: the same numbers, bit for bit; ~0.1 ms a call in Python, ~200 calls in a
    model's start); in Python for any other ``p``, or where the compiled call raises or is not finite."""
    values = compiled_laws.call_compiled(
        lambda record: _hormones_at_compiled(pi, gfr, intake, ionized, binder, record), p)
    return values if values is not None else _hormones_at(pi, gfr, intake, ionized, binder, p)


def mineral_steady_state(gfr: float, p, phosphate_intake_mg: float | None = None,
                         ionized_calcium_mmol_l: float | None = None, binder_mg: float = 0.0,
                         dialysis_sessions_per_week: float = 0.0) -> MineralSteadyState:
    """Serum phosphate at which absorbed phosphorus = urine (+ mean dialysis removal), with the
    hormones consistent with it (bisection on phosphate; the hormones by damped fixed point).

    Ionised calcium is held at ``ionized_calcium_mmol_l`` (default: the reference): the calcium
    ledger lives in calcium.py. A readout and test oracle for the laws above, not the model's
    daily update (the model carries phosphate as mass).

    Raises:
        ValueError: if no phosphate in 0.01-30 mmol/L balances the day.
    """
    return _solved(p, gfr, phosphate_intake_mg, ionized_calcium_mmol_l, binder_mg, dialysis_sessions_per_week)


#: steady states kept in-process (the solve is a pure function of its arguments, ~1-2 ms): a model's
#: start asks for the same ones as the start before it of the same person (seeds, arms), and the
#: life course's PTH at 30 and 40 is the same for all people with the same laws (person.life_course_pth)
SOLVED_KEPT = 4096


@per_set_or_fresh(maxsize=SOLVED_KEPT)  # a record that is no key (a namespace): solved each time
def _solved(p, gfr: float, phosphate_intake_mg: float | None, ionized_calcium_mmol_l: float | None,
            binder_mg: float, dialysis_sessions_per_week: float) -> MineralSteadyState:
    """:func:`mineral_steady_state`'s solve (its arguments, ``p`` first)."""
    from scipy.optimize import brentq

    g = _check("gfr", gfr, 1e-3)
    intake = p.reference_phosphate_intake_mg_per_day if phosphate_intake_mg is None \
        else _check("phosphate_intake_mg", phosphate_intake_mg)
    ionized = p.reference_ionized_calcium_mmol_l if ionized_calcium_mmol_l is None \
        else _check("ionized_calcium_mmol_l", ionized_calcium_mmol_l, 0.1, 5.0)
    sessions = _check("dialysis_sessions_per_week", dialysis_sessions_per_week, 0.0, 7.0)

    def balance(pi: float) -> float:
        c, pth, fgf, absorbed = hormones_at_phosphate(pi, g, intake, ionized, binder_mg, p)
        urine = urine_phosphate_mg(filtered_phosphate_mg(g, pi), pth / reference_pth_pmol_l(p), fgf, p)
        return absorbed - urine - dialysis_mean_daily_removal_mg(pi, sessions, p)

    lo, hi = 0.01, 30.0
    if not balance(lo) > 0.0 > balance(hi):
        raise ValueError(f"no serum phosphate in {lo}-{hi} mmol/L balances GFR {g} mL/min and intake {intake} mg/day")
    pi = brentq(balance, lo, hi, xtol=1e-10)
    c, pth, fgf, absorbed = hormones_at_phosphate(pi, g, intake, ionized, binder_mg, p)
    fe = phosphate_fractional_excretion(pth / reference_pth_pmol_l(p), fgf, p)
    urine = filtered_phosphate_mg(g, pi) * fe
    return MineralSteadyState(g, pi, pth, c, fgf, fe, absorbed, urine,
                              dialysis_mean_daily_removal_mg(pi, sessions, p))


#: the scenario's default diet.phosphate_mg_per_day (inputs.sections; tests/test_kidney.py checks they agree)
USUAL_PHOSPHATE_INTAKE_MG_PER_DAY = 1200.0
#: a CKD 3a GFR (mL/min) at which kidneys still hold serum phosphate normal: in 3,879 CRIC patients in CKD 2-4 FGF23
#: rose as eGFR fell while mean serum phosphate stayed normal (Isakova et al. 2011 Kidney Int 79:1370 [V abstract]);
#: in children hyperphosphataemia appeared only from CKD 4 (Tschirner et al., CKD 2-5D, n = 170, PMC12938118 [V abstract])
PHOSPHATE_HELD_AT_GFR_ML_PER_MIN = 45.0


def phosphate_handling_conflicts(p) -> list[str]:
    """A parameter set whose kidneys cannot hold serum phosphate at or below the model's physiological ceiling
    (``kidney.PHYSIOLOGICAL_RANGES``, the level the run's guard warns at) on the usual diet, at the reference GFR
    or at :data:`PHOSPHATE_HELD_AT_GFR_ML_PER_MIN`: one message naming the level and the fields that move it,
    each with the direction that lowers it (empty = fine). Each field may lie inside its range while together
    they leave the tubule too weak a response: a property test drew reference_gfr_ml_per_min 130 and both FGF23
    exponents at 0.5 with a parathyroid blind to phosphate, which hold 4.1 mmol/L at GFR 45 (each direction
    below lowers that: tests/test_kidney.py)."""
    high = PHYSIOLOGICAL_RANGES["serum_phosphate_mmol_l"][1]
    for gfr in (p.reference_gfr_ml_per_min, PHOSPHATE_HELD_AT_GFR_ML_PER_MIN):
        try:
            level = mineral_steady_state(gfr, p, USUAL_PHOSPHATE_INTAKE_MG_PER_DAY).serum_phosphate_mmol_l
        except ValueError:  # no phosphate up to 30 mmol/L balances the day
            level = float("inf")
        if level > high:
            fields = ", ".join(f"{name} ({getattr(p, name):g})" for name in FIELDS_TO_RAISE)
            lowering = ", ".join(f"{name} ({getattr(p, name):g})" for name in FIELDS_TO_LOWER)
            return [f"these kidney parameters hold serum phosphate at {level:.2f} mmol/L at a GFR of {gfr:g} mL/min on "
                    f"the usual diet ({USUAL_PHOSPHATE_INTAKE_MG_PER_DAY:g} mg/day of phosphorus), above the model's "
                    f"physiological ceiling of {high:g} mmol/L, where cohorts find it normal down to CKD 3a: raise "
                    f"{fields}, or lower {lowering}"]
    return []


#: the fields :func:`phosphate_handling_conflicts`' message says to raise, and those it says to lower: each moved so
#: lowers the steady serum phosphate (tests/test_kidney.py moves each by 10 %)
FIELDS_TO_RAISE = ("fgf23_nephron_load_exponent", "phosphate_excretion_fgf23_exponent", "parathyroid_phosphate_exponent",
                     "reference_phosphate_intake_mg_per_day")
FIELDS_TO_LOWER = ("reference_gfr_ml_per_min", "reference_serum_phosphate_mmol_l_kidney",
                      "renal_phosphate_threshold_relative")


__all__ = ["MineralSteadyState", "mineral_steady_state", "phosphate_handling_conflicts"]
