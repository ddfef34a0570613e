"""The calcium-balanced steady state a person's blood and skeleton start from.

A person whose diet, kidneys and gut were stable before day 0 sits where the day's calcium
absorption (:func:`.calcium.gut_day`, from a steady gut lumen) equals what urine and endogenous
faeces lose (:func:`.calcium.kidney_and_endogenous_day`), with the kidney hormones at their steady
state for that ionised calcium (:func:`.mineral_steady_state.mineral_steady_state`) and the skeleton
in balance. The run's own laws settle there within months (e.g. a woman of 85, 35 years past her
final period: PTH 5.22 pmol/L balanced, 5.21 over days 180-365 of a run started elsewhere; CKD
stage 4: 9.67 and 9.67), so the model starts there rather than at the reference ionised calcium,
from which such a person's PTH drifted by 15-20 % over the first two months.

:func:`calcium_balanced_state` solves it (Brent's method on ionised calcium, 0.8-1.6 mmol/L);
:func:`start_minerals` gives the blood's start from it, falling back to the reference ionised
calcium (:func:`.minerals.steady_hormones`) where no ionised calcium balances the day (anuria
without dialysis: kidneys that failed just now; a diet with next to no calcium), where the day
balances only below the reference range (:data:`LOWEST_START_SERUM_CALCIUM_MMOL_L`,
:func:`start_balanced_state`), and for the rodent presets, whose time-scaled step is not a steady
human day (:func:`calcium_abm.person.start_balance`).
"""

from __future__ import annotations

from typing import NamedTuple

from calcium_abm.checks import per_set_or_fresh
from calcium_abm.physiology import calcium, minerals
from calcium_abm.physiology.mineral_steady_state import MineralSteadyState, mineral_steady_state

__all__ = ["BalancedState", "LOWEST_START_SERUM_CALCIUM_MMOL_L", "calcium_balanced_state",
           "calcium_balanced_pth_pmol_l", "start_balanced_state", "start_minerals"]

#: ionised calcium range searched for the balance (mmol/L): below and above it the day cannot
#: balance for any kidneys the model accepts
IONIZED_SEARCH_MMOL_L = (0.8, 1.6)
#: lowest serum total calcium (mmol/L) of a balanced state a run starts from: the lower limit of the
#: adult reference range (2.2-2.6 mmol/L; PMC7276095, validation row S1). A diet too poor in calcium
#: for the gut to cover the day's losses at a normal serum calcium (e.g. 300 mg/day at 85, 150 mg/day at
#: 50) balances only below it, where a real person keeps serum calcium up by losing bone, which a state
#: with the skeleton in balance does not describe; started there, a fresh user's runs left the
#: physiological range within days. Such a run starts at the reference instead, as before 2026-12-06.
LOWEST_START_SERUM_CALCIUM_MMOL_L = 2.2


class BalancedState(NamedTuple):
    """The calcium-balanced steady state: ionised calcium (mmol/L), the kidney-hormone loop at it
    (:class:`.mineral_steady_state.MineralSteadyState`) and the day's systemic state there."""

    ionized_calcium_mmol_l: float
    steady: MineralSteadyState
    systemic: calcium.SystemicState


def _blood_calcium_mg(ionized_mmol_l: float, p) -> float:
    """Blood (ECF) calcium, mg, at an ionised calcium: total = ionised / ``ionized_calcium_fraction``."""
    return ionized_mmol_l / p.ionized_calcium_fraction * calcium.CALCIUM_MG_PER_MMOL * p.ecf_volume_l


def _systemic_at(k: minerals.KidneyInputs, ionized: float, p, dt: float):
    ss = mineral_steady_state(max(k.gfr_ml_per_min, 1e-3), p, k.phosphate_mg_per_day, ionized,
                              binder_mg=k.binder_mg_per_day, dialysis_sessions_per_week=k.sessions_per_week)
    blood_mg = _blood_calcium_mg(ionized, p)
    blood_p_mg = calcium.blood_phosphorus_mg(ss.serum_phosphate_mmol_l, p)
    return ss, minerals.systemic_day(minerals.hormones_at(ss, p), blood_mg, blood_p_mg, k, p, dt=0.0)


@per_set_or_fresh(maxsize=256)  # seeds and arms of one person solve it once per process
def calcium_balanced_state(p, k: minerals.KidneyInputs, calcium_intake_mg_per_day: float,
                           dt: float = 1.0) -> BalancedState | None:
    """The calcium-balanced steady state of a person with parameters ``p`` on kidneys ``k``
    (:class:`.minerals.KidneyInputs`: GFR mL/min, dietary phosphorus, binders, dialysis) and a
    dietary calcium intake (mg/day; a calcium binder's calcium is added from ``k``).

    Returns None if no ionised calcium in :data:`IONIZED_SEARCH_MMOL_L` balances the day, or
    no phosphate steady state exists (anuria without dialysis). Pure; cached per parameter set."""
    from scipy.optimize import brentq

    intake = calcium_intake_mg_per_day + k.binder_calcium_mg_per_day

    def balance(ionized: float) -> float:
        s = _systemic_at(k, ionized, p, dt)[1]
        absorbed = calcium.gut_day(calcium.steady_gut_lumen_mg(intake, s, p, dt), intake, s, p, dt)[0]
        return absorbed - sum(calcium.kidney_and_endogenous_day(s, p, dt))

    try:
        ionized = brentq(balance, *IONIZED_SEARCH_MMOL_L, xtol=1e-9)
        return BalancedState(ionized, *_systemic_at(k, ionized, p, dt))
    except ValueError:  # no balance in range (or no phosphate steady state)
        return None


def start_balanced_state(p, k: minerals.KidneyInputs, calcium_intake_mg_per_day: float,
                         dt: float = 1.0) -> BalancedState | None:
    """:func:`calcium_balanced_state` where a run may start from it: None also where its serum
    calcium is below :data:`LOWEST_START_SERUM_CALCIUM_MMOL_L` (a diet the gut cannot balance at a
    normal serum calcium)."""
    state = calcium_balanced_state(p, k, calcium_intake_mg_per_day, dt)
    ok = state is not None and state.systemic.serum_calcium_mmol_l >= LOWEST_START_SERUM_CALCIUM_MMOL_L
    return state if ok else None


def calcium_balanced_pth_pmol_l(k: minerals.KidneyInputs, calcium_intake_mg_per_day: float, p,
                                dt: float = 1.0) -> float | None:
    """PTH (pmol/L) of :func:`calcium_balanced_state`, or None where it does not exist."""
    state = calcium_balanced_state(p, k, calcium_intake_mg_per_day, dt)
    return None if state is None else state.systemic.pth_pmol_l


def start_minerals(state: BalancedState | None, k: minerals.KidneyInputs,
                   p) -> tuple[float, minerals.MineralHormones, float]:
    """(blood calcium mg, hormone state, serum phosphate mmol/L) a run starts from: the
    calcium-balanced steady state ``state`` (:func:`calcium_balanced_state`), or where there is
    none the reference ionised calcium with the kidney hormones at their steady state there for
    kidneys ``k`` (:func:`.minerals.steady_hormones`)."""
    if state is None:
        hormones, phosphate_mmol_l = minerals.steady_hormones(k, p)
        blood_mg = calcium.reference_blood_calcium_mg(p)
    else:
        blood_mg, hormones = _blood_calcium_mg(state.ionized_calcium_mmol_l, p), minerals.hormones_at(state.steady, p)
        phosphate_mmol_l = state.steady.serum_phosphate_mmol_l
    hormones.skeletal_pth_sensitivity = minerals.steady_skeletal_pth_sensitivity(k, p)  # the day-0 kidneys' steady one
    return blood_mg, hormones, phosphate_mmol_l
