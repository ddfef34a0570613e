"""The day's mineral glue: the hormones from the ledgers, and phosphate as mass beside calcium.

The laws are in :mod:`.kidney` (FGF23, tubule, calcitriol, parathyroid gland), :mod:`.dialysis`
(sessions, binders, inhibitors) and :mod:`.calcium`; this module only evaluates them in the
order of the design note (``docs/design/kidney_and_anticoagulation.md`` section 7) and books
the phosphorus they move in a second :class:`~.ledger.MineralLedger`:

* :func:`systemic_day` -- start-of-day serum Ca and P from the ledgers' blood pools, then
  FGF23, the gland capacity (a slow state), PTH and calcitriol (:class:`MineralHormones`);
* :func:`open_phosphate_ledger` -- pools gut, blood (ECF), soft tissue (rapidly exchangeable
  cellular P), bone fluid, trabecular and cortical bone, vessel wall; sinks urine, faeces,
  dialysate. Bone, bone-fluid and vessel phosphorus move with calcium at the mineral Ca:P
  (:func:`.kidney.phosphorus_with_calcium_mg`); the tissue pools are read as their calcium
  times that ratio, so both ledgers close to round-off;
* :func:`.exchanges.phosphate_day` -- diet to gut, absorption, urine (exact within the day,
  :func:`.kidney.blood_phosphate_day` on blood + soft tissue), dialysate on session days
  (the day's exchanges, booked in both ledgers, are :mod:`.exchanges`).

Errors: the kidney laws raise :class:`ValueError` naming the field for a negative or
non-finite input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numba

from calcium_abm.inputs.sections import MIN_PHOSPHATE_INTAKE_MG_PER_DAY
from calcium_abm.physiology import calcium, compiled_laws, dialysis, kidney, parathyroid
from calcium_abm.physiology.calcium import SystemicState
from calcium_abm.physiology.ledger import MineralLedger

__all__ = ["PHOSPHATE_POOLS", "MineralHormones", "KidneyInputs", "kidney_inputs", "systemic_day", "steady_hormones",
           "steady_pth_relative", "hormones_at",
           "open_phosphate_ledger", "is_session_day", "predialysis_rows", "mineral_p_mg", "systemic_values",
           "GFR_FLOOR_ML_PER_MIN", "steady_skeletal_pth_sensitivity", "eaten_mg_per_day"]

#: phosphate pools in reporting order (held first, then tissue mineral read from the arrays)
PHOSPHATE_POOLS = ("gut", "blood", "soft_tissue", "bone_fluid", "bone_trabecular", "bone_cortical", "vessel_wall")
#: mineral pools whose phosphorus is their calcium at the mineral Ca:P
MINERAL_POOLS = ("bone_trabecular", "bone_cortical", "vessel_wall")


@dataclass
class MineralHormones:
    """The slow hormone state carried from day to day: parathyroid gland capacity (1 = healthy
    gland; half-life months), yesterday's calcitriol (relative), which sets today's
    absorption and FGF23 (calcitriol itself is quasi-steady within a day), and the skeleton's
    calcitriol signal, which follows calcitriol over days to weeks (genomic action)."""

    gland_capacity: float = 1.0
    calcitriol_relative: float = 1.0
    skeletal_calcitriol_relative: float = 1.0
    #: the bone's response to PTH (:func:`.dialysis.skeletal_pth_sensitivity`), following the kidneys over weeks
    skeletal_pth_sensitivity: float = 1.0


class KidneyInputs(NamedTuple):
    """The day's kidney-related inputs: GFR (mL/min), dietary phosphorus eaten (mg/day), binder
    capacity (mg P/day, with dietary calcium's signed part), the elemental calcium of calcium
    acetate that joins the gut lumen and the part that precipitates with the phosphorus it binds
    (mg/day), dialysis sessions per week and hours per session, and the dietary calcium eaten (mg/day). (Immutable; a NamedTuple, built
    every day ~4x faster than a frozen dataclass.)"""

    gfr_ml_per_min: float
    phosphate_mg_per_day: float
    binder_mg_per_day: float = 0.0
    binder_calcium_mg_per_day: float = 0.0
    sessions_per_week: float = 0.0
    session_hours: float = 4.0
    binder_precipitated_calcium_mg_per_day: float = 0.0
    #: dietary calcium eaten (mg/day; NaN where a caller gives the kidney laws alone)
    calcium_mg_per_day: float = math.nan

    @property
    def on_dialysis(self) -> bool:
        return self.sessions_per_week > 0.0


def kidney_inputs(state, person_gfr_ml_per_min: float | None, years_of_kidney_state: float, p) -> KidneyInputs:
    """The day's :class:`KidneyInputs` from the effective scenario ``state``.

    GFR: the person's (``person_gfr_ml_per_min``: the CKD stage's, lowered with age; None for
    rodent presets = the stage's), replaced by ``kidney.residual_gfr_ml_per_min`` when given, then
    on an exponential decline to ``kidney.gfr_end_ml_per_min`` over ``kidney.gfr_decline_years``
    (:func:`.kidney.gfr_decline_ml_per_min`, Peterson & Riggs 2010) timed from when the kidney
    state began (``years_of_kidney_state``: day 0 or the schedule day that set it). Binders: phosphorus kept from
    absorption (:func:`.dialysis.binder_capacity_mg`, plus the signed part of dietary calcium,
    :func:`.dialysis.dietary_calcium_phosphate_binding_mg`) and the elemental calcium of calcium acetate,
    soluble and precipitated with the phosphorus it binds (:func:`.dialysis.calcium_acetate_calcium_mg`).
    Dietary phosphorus and calcium: the share of the diet's eaten at this GFR
    (:func:`eaten_mg_per_day`, uraemic anorexia).
    """
    kin, drugs, hd = state.kidney, state.drugs, state.dialysis
    gfr = kidney.gfr_ml_per_min(state.patient.ckd_stage) if person_gfr_ml_per_min is None else person_gfr_ml_per_min
    gfr = gfr if kin.residual_gfr_ml_per_min is None else kin.residual_gfr_ml_per_min
    if kin.gfr_end_ml_per_min is not None:
        gfr = kidney.gfr_decline_ml_per_min(max(gfr, 1e-3), kin.gfr_end_ml_per_min, kin.gfr_decline_years,
                                            years_of_kidney_state)
    soluble, precipitated = dialysis.calcium_acetate_calcium_mg(drugs.calcium_acetate_g_per_day, p)
    sessions, diet = float(hd.sessions_per_week), state.diet
    share = dialysis.mineral_intake_share(gfr, sessions > 0, p)  # once a day: eaten_mg_per_day's share of each
    # less of the same food: its calcium binds its phosphate as before, in proportion to what is eaten
    binding = share * dialysis.dietary_calcium_phosphate_binding_mg(diet.calcium_mg_per_day, p)
    return KidneyInputs(gfr, max(diet.phosphate_mg_per_day * share, LEAST_PHOSPHORUS_EATEN_MG_PER_DAY),
                        dialysis.binder_capacity_mg(drugs.sevelamer_g_per_day, drugs.calcium_acetate_g_per_day, p)
                        + binding, soluble, sessions, hd.session_hours, precipitated, diet.calcium_mg_per_day * share)


#: a bound, not a law: uraemic anorexia never takes the phosphorus eaten below the diet key's lowest value, where
#: the quasi-steady phosphate balance still has a meaning
LEAST_PHOSPHORUS_EATEN_MG_PER_DAY = MIN_PHOSPHATE_INTAKE_MG_PER_DAY


def eaten_mg_per_day(diet_mg_per_day: float, gfr: float, on_dialysis: bool, p) -> float:
    """What is eaten of a habitual dietary mineral (mg/day) at this GFR: the diet x
    :func:`.dialysis.mineral_intake_share` (uraemic anorexia; the whole diet on dialysis)."""
    return diet_mg_per_day * dialysis.mineral_intake_share(gfr, on_dialysis, p)


def mineral_p_mg(calcium_mg: float, p) -> float:
    """Phosphorus (mg) carried by ``calcium_mg`` of mineral (:func:`.kidney.phosphorus_with_calcium_mg`)."""
    return kidney.phosphorus_with_calcium_mg(calcium_mg, p)


def systemic_day(hormones: MineralHormones, blood_ca_mg: float, blood_p_mg: float, k: KidneyInputs, p,
                 dt: float = 1.0) -> SystemicState:
    """Start-of-day serum calcium and phosphate (ledger mass / ECF volume) and the hormones.

    Order (design note section 7, step 7): absorbable phosphorus and FGF23 from yesterday's
    calcitriol (:func:`.kidney.fgf23_relative`); the gland capacity advances towards its
    target set by calcitriol and the per-nephron phosphate load (:func:`.parathyroid.advance_parathyroid_capacity`, updates ``hormones``);
    PTH from ionised calcium, phosphate and the gland (:func:`.parathyroid.pth_secretion_pmol_l`);
    calcitriol from GFR, PTH, FGF23 and phosphate (:func:`.kidney.calcitriol_relative`); the
    skeleton's calcitriol signal follows it (:func:`.calcium.advance_skeletal_calcitriol`).
    The chain (:func:`_systemic_values`) runs compiled for a parameter set
    (:mod:`.compiled_laws`, the same numbers), in Python otherwise or when it raises.
    """
    return SystemicState(*systemic_values(hormones, blood_ca_mg, blood_p_mg, k, p, dt)[:12])


def systemic_values(hormones: MineralHormones, blood_ca_mg: float, blood_p_mg: float, k: KidneyInputs, p,
                    dt: float = 1.0) -> tuple:
    """:func:`systemic_day`'s values as a plain tuple (:func:`_systemic_values`; the first 12 are the
    :class:`.calcium.SystemicState`'s fields, which the compiled exchanges read), ``hormones`` updated."""
    inputs = (hormones.gland_capacity, hormones.calcitriol_relative, hormones.skeletal_calcitriol_relative,
              hormones.skeletal_pth_sensitivity, blood_ca_mg, blood_p_mg, k.gfr_ml_per_min, k.phosphate_mg_per_day,
              k.binder_mg_per_day, k.on_dialysis)
    v = compiled_laws.call_compiled(lambda record: _systemic_values_compiled(*inputs, record, dt), p)
    if v is None:  # Python: the laws' own messages, and Python's value where a value is not finite
        v = _systemic_values(*inputs, p, dt)
    hormones.gland_capacity, hormones.calcitriol_relative, hormones.skeletal_calcitriol_relative = v[12], v[4], v[11]
    hormones.skeletal_pth_sensitivity = v[14]
    return v


#: the day's chain reads GFR at least this (mL/min): anuria has no zero division in the laws
GFR_FLOOR_ML_PER_MIN = 1e-6


def steady_skeletal_pth_sensitivity(k: KidneyInputs, p) -> float:
    """The skeleton's PTH sensitivity at its steady state for kidneys ``k``
    (:func:`.dialysis.skeletal_pth_sensitivity` at the chain's GFR): what a run's bone starts under."""
    return dialysis.skeletal_pth_sensitivity(max(k.gfr_ml_per_min, GFR_FLOOR_ML_PER_MIN), k.on_dialysis, p)


def _systemic_values(gland_capacity: float, c_prev: float, skeletal_prev: float, sensitivity_prev: float,
                     blood_ca_mg: float, blood_p_mg: float, gfr_in: float, phosphate_mg_per_day: float,
                     binder_mg_per_day: float, on_dialysis: bool, p, dt: float):
    """:func:`systemic_day`'s chain on plain floats: the 12 fields of :class:`.calcium.SystemicState`,
    the new gland capacity, the sum of all (finite when every value is) and the skeleton's new PTH
    sensitivity (relaxing to :func:`.dialysis.skeletal_pth_sensitivity` of today's kidneys)."""
    ca = calcium.serum_calcium_mmol_l(blood_ca_mg, p)
    pi = calcium.serum_phosphate_mmol_l(blood_p_mg, p)
    ion = calcium.ionized_calcium_mmol_l(ca, p)
    gfr = max(gfr_in, GFR_FLOOR_ML_PER_MIN)
    load = kidney.phosphate_absorbed_mg(phosphate_mg_per_day, c_prev, binder_mg_per_day, p)
    ion_rel = ion / p.reference_ionized_calcium_mmol_l
    fgf = kidney.fgf23_relative(gfr, load, c_prev, p, ion_rel)
    gland = parathyroid.advance_parathyroid_capacity(gland_capacity, parathyroid.parathyroid_capacity_target(
        c_prev, p, kidney.phosphate_load_per_nephron_relative(gfr, load, p)), p, dt)
    pth = parathyroid.pth_secretion_pmol_l(ion, pi, c_prev, gfr, p, gland_capacity=gland)
    pth_rel = pth / parathyroid.reference_pth_pmol_l(p)
    c = kidney.calcitriol_relative(gfr, pth_rel, fgf, pi, p)
    skeletal = calcium.advance_skeletal_calcitriol(skeletal_prev, c, p, dt)
    scale = pth / parathyroid.parathyroid_calcium_sigmoid_pmol_l(ion, p)
    fe = kidney.phosphate_fractional_excretion(pth_rel, fgf, p)
    inhibitor = dialysis.systemic_inhibitor_fraction(gfr, on_dialysis, p)
    sensitivity = dialysis.advance_skeletal_pth_sensitivity(sensitivity_prev, gfr, on_dialysis, p, dt)
    total = ca + ion + pi + pth + c + gfr + fgf + pth_rel + scale + fe + inhibitor + skeletal + gland + sensitivity
    return ca, ion, pi, pth, c, gfr, fgf, pth_rel, scale, fe, inhibitor, skeletal, gland, total, sensitivity


compiled_laws.compiled_chain(_systemic_values)


@numba.njit(cache=True)
def _systemic_values_compiled(gland_capacity, c_prev, skeletal_prev, sensitivity_prev, blood_ca_mg, blood_p_mg,
                              gfr_in, phosphate_mg_per_day, binder_mg_per_day, on_dialysis, p_record, dt):
    return _systemic_values(gland_capacity, c_prev, skeletal_prev, sensitivity_prev, blood_ca_mg, blood_p_mg, gfr_in,
                                    phosphate_mg_per_day, binder_mg_per_day, on_dialysis, p_record[0], dt)


def _steady_state(k: KidneyInputs, p):
    """:func:`.mineral_steady_state.mineral_steady_state` for ``k``, or None where no phosphate
    balances the day (too little GFR without dialysis)."""
    from calcium_abm.physiology.mineral_steady_state import mineral_steady_state

    try:
        return mineral_steady_state(max(k.gfr_ml_per_min, 1e-3), p, k.phosphate_mg_per_day,
                                    binder_mg=k.binder_mg_per_day, dialysis_sessions_per_week=k.sessions_per_week)
    except ValueError:  # no steady state (anuria without dialysis): kidneys that failed just now
        return None


def steady_hormones(k: KidneyInputs, p) -> tuple[MineralHormones, float]:
    """(hormone state, serum phosphate mmol/L) at the steady state of the laws for ``k`` at the
    reference ionised calcium (:func:`.mineral_steady_state.mineral_steady_state`): a run whose
    kidneys were stable before day 0 starts there. Where no phosphate balances the day (too little
    GFR without dialysis), the run starts from the healthy reference, as after acute failure."""
    ss = _steady_state(k, p)
    if ss is None:
        return MineralHormones(), p.reference_serum_phosphate_mmol_l_kidney
    return hormones_at(ss, p), ss.serum_phosphate_mmol_l


def hormones_at(ss, p) -> MineralHormones:
    """The slow hormone state of a steady state ``ss`` (:func:`.mineral_steady_state.mineral_steady_state`):
    the gland at its target for the steady calcitriol and per-nephron phosphate load, calcitriol
    (and the skeleton's signal) at their steady value."""
    c, load = ss.calcitriol_relative, kidney.phosphate_load_per_nephron_relative(ss.gfr_ml_per_min, ss.absorbed_mg_per_day, p)
    return MineralHormones(parathyroid.parathyroid_capacity_target(c, p, load), c, c)


def steady_capxp_relative(k: KidneyInputs, p) -> float:
    """Serum Ca x P relative to the reference product (:func:`.calcium.capxp_relative`) at the
    steady state of the laws for ``k`` (phosphate from :func:`.mineral_steady_state.mineral_steady_state`,
    calcium at its reference; 1 where none exists): what osteoid mineralised under before day 0."""
    ss = _steady_state(k, p)
    return 1.0 if ss is None else ss.serum_phosphate_mmol_l / p.reference_serum_phosphate_mmol_l_kidney


def steady_pth_relative(k: KidneyInputs, p) -> float:
    """PTH relative to the reference adult's at the steady state of the laws for ``k`` (1 where
    none exists): the signal a skeleton whose kidneys were stable before day 0 has remodelled
    under (the bone spin-up)."""
    ss = _steady_state(k, p)
    return 1.0 if ss is None else ss.pth_pmol_l / parathyroid.reference_pth_pmol_l(p)


def open_phosphate_ledger(serum_phosphate_mmol_l: float, bone_fluid_ca_mg: float,
                          calcium_readers: dict[str, Callable[[], float]], p) -> MineralLedger:
    """The phosphate ledger at the start of a run: blood P = serum P x ECF volume, soft tissue at
    its exchange equilibrium with blood (``soft_tissue_phosphate_ratio``), bone fluid with its
    calcium at the mineral Ca:P, and each mineral pool read as its calcium x P:Ca."""
    blood = calcium.blood_phosphorus_mg(serum_phosphate_mmol_l, p)
    tissue = {name: (lambda read=calcium_readers[name]: mineral_p_mg(read(), p)) for name in MINERAL_POOLS}
    return MineralLedger("phosphate", {"gut": 0.0, "blood": blood, "soft_tissue": blood * p.soft_tissue_phosphate_ratio,
                                       "bone_fluid": mineral_p_mg(bone_fluid_ca_mg, p)},
                         tissue, outputs=("urine", "faeces", "dialysate"), order=PHOSPHATE_POOLS)


def is_session_day(day: int, sessions_per_week: float) -> bool:
    """True if a dialysis session falls on ``day``: sessions spread evenly over each week
    (3 a week: days 0, 2, 4 of every 7 when counted as ``floor((d + 1) n / 7) > floor(d n / 7)``)."""
    n = sessions_per_week
    return n > 0.0 and math.floor((day + 1) * n / 7.0) > math.floor(day * n / 7.0)


def predialysis_rows(days, sessions_per_week: float) -> list[bool]:
    """Which recorded rows hold a PRE-dialysis value (the clinic's sample, drawn before the session).

    Row ``d`` of the daily table holds the end of day ``d - 1``, i.e. the blood just before day
    ``d``'s session; so the pre-dialysis rows are those whose ``day`` is a session day
    (:func:`is_session_day`). ``days``: the table's ``day`` column (iterable of int); returns one
    bool per row (all False without dialysis).
    """
    return [is_session_day(int(d), sessions_per_week) for d in days]
