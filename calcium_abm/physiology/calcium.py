"""Whole-body calcium and phosphate: gut absorption, blood (extracellular fluid), the
exchangeable bone-fluid pool, kidneys, and the PTH / calcitriol loop.

Calcium is tracked in mg in each pool; every function here returns amounts moved, which
the model applies to both sides, so calcium is never created or lost. Phosphate is a
concentration at quasi-steady state each day (its mass is not tracked; see docs/ODD.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from calcium_abm.parameters import Parameter, declare, kernel_record, per_parameter_set

CALCIUM_MG_PER_MMOL = 40.08
PHOSPHORUS_MG_PER_MMOL = 30.97
#: KDIGO GFR categories G1-G5 (mL/min/1.73 m2): midpoints; stage 0 = normal kidneys.
GFR_ML_PER_MIN_BY_CKD_STAGE = {0: 100.0, 1: 95.0, 2: 75.0, 3: 45.0, 4: 22.0, 5: 10.0}

PARAMETERS = declare([
    Parameter("ecf_volume_l", 14.0, "L", "[V] Peterson & Riggs 2010 / OpenBoneMin (V1 = 14 L)",
              "Extracellular fluid volume holding blood calcium", 0.01, 100),
    Parameter("reference_serum_calcium_mmol_l", 2.35, "mmol/L", "[V] OpenBoneMin P0 = 32.9 mmol in 14 L",
              "Serum total calcium at which the loops are referenced", 1.0, 4.0),
    Parameter("ionized_calcium_fraction", 0.5, "-", "[C] ionised 1.1-1.3 / total 2.2-2.6 mmol/L (PMC7276095); a textbook ~40 % would put normal "
              "ionised calcium below its normal range",
              "Fraction of serum calcium that is ionised", 0.1, 1.0),
    Parameter("exchangeable_bone_calcium_mg", 4008.0, "mg",
              "[V] ~100 mmol immediately exchangeable (OpenBoneMin comments)",
              "Calcium in the exchangeable bone-fluid pool at the reference state", 0.0, 1e5),
    Parameter("bone_fluid_pth_exponent", 2.0, "-",
              "assumption: PTH drives fast calcium release from bone fluid by lining cells / osteocytes "
              "(Talmage & Mobley 2008; PTH-dependent fast bone exchange in Peterson & Riggs 2010)",
              "Fall of the bone-fluid : blood calcium equilibrium ratio with rising PTH", 0.0, 10),
    Parameter("gut_transit_per_day", 1.0, "1/day", "assumption: ~1 day for unabsorbed calcium to leave",
              "Rate at which unabsorbed gut calcium passes to the faeces", 0.01, 100),
    Parameter("passive_absorption_per_day", 0.12, "1/day",
              "assumption: paracellular absorption; with the active term gives ~26 % at 1000 mg/day (Heaney)",
              "First-order passive (paracellular) calcium absorption", 0.0, 100),
    Parameter("active_absorption_max_mg_per_day", 260.0, "mg/day",
              "assumption: saturable transcellular absorption; fractional absorption 36 % at 300, 20 % at 2000 mg/day",
              "Maximal calcitriol-dependent calcium absorption at reference calcitriol", 0.0, 1e4),
    Parameter("active_absorption_half_saturation_mg", 400.0, "mg",
              "assumption: see active_absorption_max_mg_per_day", "Gut calcium at half-maximal active absorption",
              1.0, 1e5),
    Parameter("endogenous_fecal_calcium_mg_per_day", 100.0, "mg/day",
              "[S] endogenous faecal calcium ~100-150 mg/day (Heaney)",
              "Calcium secreted from blood into the gut at the reference serum calcium", 0.0, 1e3),
    Parameter("reference_urine_calcium_mg_per_day", 160.0, "mg/day",
              "assumption: urine balances net absorption at 1000 mg/day intake (typical 100-250 mg/day)",
              "Urinary calcium at reference serum calcium, PTH and GFR", 0.0, 2e3),
    Parameter("urine_calcium_exponent", 4.0, "-",
              "assumption: steep renal calcium threshold (Peterson & Riggs 2010 use a Hill-type tubular term)",
              "Sensitivity of urinary calcium to serum calcium", 0.0, 20),
    Parameter("urine_pth_exponent", 0.5, "-", "assumption: PTH raises distal tubular calcium reabsorption",
              "Sensitivity of urinary calcium to PTH (negative effect)", 0.0, 10),
    Parameter("pth_min_pmol_l", 1.0, "pmol/L", "assumption: basal secretion (Brown 1983 sigmoid)",
              "PTH at very high ionised calcium", 0.0, 10.0),
    Parameter("pth_max_pmol_l", 20.0, "pmol/L", "assumption: maximal secretion (Brown 1983 sigmoid)",
              "PTH at very low ionised calcium", 5.0, 100.0),
    Parameter("pth_setpoint_ionized_mmol_l", 1.081, "mmol/L",
              "assumption: set so PTH ~4 pmol/L at ionised 1.175 mmol/L (normal 1.6-6.9, PMC7276095)",
              "Ionised calcium at half-maximal PTH secretion", 0.5, 2.0),
    Parameter("pth_hill", 20.0, "-", "assumption: steep parathyroid calcium-sensing curve",
              "Steepness of PTH secretion vs ionised calcium", 1.0, 100),
    Parameter("pth_phosphate_exponent", 1.0, "-", "assumption: phosphate retention stimulates PTH in CKD",
              "Sensitivity of PTH to serum phosphate", 0.0, 10),
    Parameter("reference_serum_phosphate_mmol_l", 1.1, "mmol/L", "[S] normal 0.8-1.45 mmol/L",
              "Reference serum phosphate", 0.1, 5),
    Parameter("phosphate_absorbed_fraction", 0.65, "-", "[S] ~60-70 % of dietary phosphate is absorbed",
              "Fraction of dietary phosphate absorbed", 0.05, 1.0),
    Parameter("phosphate_fractional_excretion", 0.16, "-", "[S] normal FEPi 10-20 %",
              "Fractional renal excretion of filtered phosphate with normal kidneys", 0.08, 0.3),
    Parameter("phosphate_fractional_excretion_max", 0.55, "-",
              "assumption: FGF23/PTH raise FEPi as GFR falls, up to a ceiling",
              "Highest fractional phosphate excretion reachable in CKD", 0.3, 0.95),
])


def parameter_conflicts(p) -> list[str]:
    """Cross-field rules of this module's parameters; one message per broken rule (empty = fine).

    Each message names the fields, their values and what is required. The scenario validator
    refuses a parameter set for which this is not empty (issue 11: ``pth_min_pmol_l = 100`` above
    ``pth_max_pmol_l`` gave serum calcium 0.16 mmol/L without a word).
    """
    rules = [
        (p.pth_min_pmol_l < p.pth_max_pmol_l,
         f"pth_min_pmol_l ({p.pth_min_pmol_l:g}) must be below pth_max_pmol_l ({p.pth_max_pmol_l:g}): "
         f"the parathyroid secretes between them, more at low calcium"),
        (p.phosphate_fractional_excretion <= p.phosphate_fractional_excretion_max,
         f"phosphate_fractional_excretion ({p.phosphate_fractional_excretion:g}) must be at most "
         f"phosphate_fractional_excretion_max ({p.phosphate_fractional_excretion_max:g}): the ceiling "
         f"reached in CKD cannot lie below the healthy value"),
    ]
    return [message for ok, message in rules if not ok]


@dataclass
class SystemicState:
    """Scalar systemic readouts for one day."""

    serum_calcium_mmol_l: float
    ionized_calcium_mmol_l: float
    serum_phosphate_mmol_l: float
    pth_pmol_l: float
    calcitriol_relative: float
    gfr_ml_per_min: float


def serum_calcium_mmol_l(blood_mg: float, p) -> float:
    return blood_mg / (CALCIUM_MG_PER_MMOL * p.ecf_volume_l)


def reference_blood_calcium_mg(p) -> float:
    return p.reference_serum_calcium_mmol_l * CALCIUM_MG_PER_MMOL * p.ecf_volume_l


def serum_phosphate_mmol_l(phosphate_mg_per_day: float, gfr_ml_per_min: float, p) -> float:
    """Quasi-steady serum phosphate: absorbed phosphate = renal clearance x concentration."""
    gfr0 = GFR_ML_PER_MIN_BY_CKD_STAGE[0]
    fe = min(p.phosphate_fractional_excretion_max,
             p.phosphate_fractional_excretion * gfr0 / max(gfr_ml_per_min, 1e-3))
    clearance_l_per_day = gfr_ml_per_min * 1.44 * max(fe, 1e-6)   # mL/min -> L/day
    absorbed_mmol = phosphate_mg_per_day * p.phosphate_absorbed_fraction / PHOSPHORUS_MG_PER_MMOL
    return absorbed_mmol / clearance_l_per_day


def systemic_state(blood_mg: float, phosphate_mg_per_day: float, ckd_stage: int, p,
                   gfr_ml_per_min: float | None = None) -> SystemicState:
    """Serum Ca/Pi, PTH and relative calcitriol at the start of a day (``gfr_ml_per_min``:
    the person's GFR, default the CKD stage's; see ``ageing.gfr_for_person_ml_per_min``)."""
    gfr = GFR_ML_PER_MIN_BY_CKD_STAGE[ckd_stage] if gfr_ml_per_min is None else gfr_ml_per_min
    ca = serum_calcium_mmol_l(blood_mg, p)
    ion = ca * p.ionized_calcium_fraction
    pi = serum_phosphate_mmol_l(phosphate_mg_per_day, gfr, p)
    pth = pth_pmol_l(ca, pi, p)
    # 1-alpha-hydroxylase: stimulated by PTH, suppressed by phosphate, lost with renal mass.
    pth0 = reference_pth_pmol_l(p)
    calcitriol = math.sqrt(gfr / GFR_ML_PER_MIN_BY_CKD_STAGE[0]) * math.sqrt(pth / pth0) \
        * math.sqrt(p.reference_serum_phosphate_mmol_l / pi)
    return SystemicState(ca, ion, pi, pth, calcitriol, gfr)


@numba.njit(cache=True, inline="always")
def pth_secretion_pmol_l(ionized_mmol_l, pth_min, pth_max, setpoint_ionized_mmol_l, hill):
    """The parathyroid calcium-sensing sigmoid (after Brown 1983; assumption): PTH
    (pmol/L) secreted at an ionised calcium (mmol/L), from ``pth_max`` at low to
    ``pth_min`` at high calcium, half-way at the set point."""
    return pth_min + (pth_max - pth_min) / (1.0 + (ionized_mmol_l / setpoint_ionized_mmol_l) ** hill)


class PthConstants(NamedTuple):
    """Parameters of the PTH law, one record per parameter set (:func:`pth_constants`)."""

    ionized_calcium_fraction: float
    pth_min_pmol_l: float
    pth_max_pmol_l: float
    setpoint_ionized_mmol_l: float
    hill: float
    reference_serum_phosphate_mmol_l: float
    phosphate_exponent: float


@per_parameter_set
def pth_constants(p) -> PthConstants:
    """The PTH law's record for parameter set ``p`` (hashable; cached)."""
    return PthConstants(p.ionized_calcium_fraction, p.pth_min_pmol_l, p.pth_max_pmol_l, p.pth_setpoint_ionized_mmol_l,
                        p.pth_hill, p.reference_serum_phosphate_mmol_l, p.pth_phosphate_exponent)


@numba.njit(cache=True, inline="always")
def pth_from_serum(serum_calcium_mmol_l, serum_phosphate_mmol_l, k):
    """PTH (pmol/L): :func:`pth_secretion_pmol_l` at the ionised share of serum calcium,
    raised by phosphate retention; ``k`` is a :class:`PthConstants`."""
    ion = serum_calcium_mmol_l * k.ionized_calcium_fraction
    pth = pth_secretion_pmol_l(ion, k.pth_min_pmol_l, k.pth_max_pmol_l, k.setpoint_ionized_mmol_l, k.hill)
    return pth * (serum_phosphate_mmol_l / k.reference_serum_phosphate_mmol_l) ** k.phosphate_exponent


def pth_pmol_l(serum_calcium: float, serum_phosphate: float, p) -> float:
    """PTH (pmol/L) from the calcium-sensing sigmoid, raised by phosphate retention."""
    # the law's own Python body (``py_func``): one daily call, cheaper than a compiled dispatch
    return pth_from_serum.py_func(serum_calcium, serum_phosphate, pth_constants(p))


def reference_pth_pmol_l(p) -> float:
    """PTH (pmol/L) at the reference serum calcium (and reference phosphate)."""
    ion0 = p.reference_serum_calcium_mmol_l * p.ionized_calcium_fraction
    return pth_secretion_pmol_l.py_func(ion0, p.pth_min_pmol_l, p.pth_max_pmol_l, p.pth_setpoint_ionized_mmol_l,
                                        p.pth_hill)


def gut_day(lumen_start_mg: float, intake_mg: float, s: SystemicState, p, dt: float = 1.0) -> tuple[float, float]:
    """Gut calcium for one day: (absorbed to blood, passed to faeces), mg.

    Intake arrives at the start of the day; saturable calcitriol-dependent (active) plus
    passive absorption compete with transit, integrated exactly over the day.
    """
    lumen = lumen_start_mg + intake_mg
    k_abs = p.passive_absorption_per_day + s.calcitriol_relative * p.active_absorption_max_mg_per_day / (
        p.active_absorption_half_saturation_mg + lumen)
    k_out = k_abs + p.gut_transit_per_day
    leaving = lumen * (1.0 - math.exp(-k_out * dt))
    absorbed = leaving * k_abs / k_out
    return absorbed, leaving - absorbed


def kidney_and_endogenous_day(s: SystemicState, p, dt: float = 1.0) -> tuple[float, float]:
    """(urinary calcium, endogenous faecal calcium) for one day, mg, from start-of-day serum.

    Urine rises steeply with serum calcium (renal threshold), falls with PTH (distal
    reabsorption) and scales with GFR.
    """
    ref_ca = p.reference_serum_calcium_mmol_l
    gfr_rel = s.gfr_ml_per_min / GFR_ML_PER_MIN_BY_CKD_STAGE[0]
    pth_rel = s.pth_pmol_l / reference_pth_pmol_l(p)
    urine = (p.reference_urine_calcium_mg_per_day * dt * gfr_rel
             * (s.serum_calcium_mmol_l / ref_ca) ** p.urine_calcium_exponent * pth_rel ** (-p.urine_pth_exponent))
    endo = p.endogenous_fecal_calcium_mg_per_day * dt * s.serum_calcium_mmol_l / ref_ca
    return urine, endo


def blood_to_bone_fluid_mg(blood_mg: float, fluid_mg: float, serum_phosphate: float, p) -> float:
    """Calcium moving from blood to the exchangeable bone fluid in one day (negative means
    fluid -> blood).

    The two pools equilibrate within hours, so the day ends at their equilibrium: the
    fluid : blood ratio falls as PTH rises (PTH makes bone lining cells give up fluid
    calcium, the body's fastest defence of serum calcium), and PTH itself follows blood
    calcium. The blood calcium that satisfies both is found by safeguarded Newton iteration
    (the excess is monotone in blood calcium, so a bisection bracket backs every step),
    which keeps this stiff loop stable at any step.
    """
    f_record, k_record = _bone_fluid_kernel_records(p)
    moved = _bone_fluid_exchange(blood_mg, fluid_mg, serum_phosphate, f_record, k_record)
    # when the equilibrium puts nearly all calcium in blood, round-off could leave the fluid
    # at -1e-12 mg: never take more than it holds (the ledger books the same amount both ways)
    return max(moved, -fluid_mg)


@per_parameter_set
def _bone_fluid_kernel_records(p) -> tuple[np.ndarray, np.ndarray]:
    return kernel_record(bone_fluid_constants(p)), kernel_record(pth_constants(p))


class BoneFluidConstants(NamedTuple):
    """Constants of the blood : bone-fluid equilibrium for one parameter set."""

    mg_per_mmol_l: float             # blood mg per mmol/L of serum calcium (40.08 x ECF volume)
    reference_ratio: float           # fluid : blood calcium at the reference state
    reference_pth_pmol_l: float
    ratio_pth_exponent: float        # -bone_fluid_pth_exponent


@per_parameter_set
def bone_fluid_constants(p) -> BoneFluidConstants:
    """The bone-fluid record for parameter set ``p`` (hashable; cached)."""
    return BoneFluidConstants(CALCIUM_MG_PER_MMOL * p.ecf_volume_l,
                              p.exchangeable_bone_calcium_mg / reference_blood_calcium_mg(p),
                              reference_pth_pmol_l(p), -p.bone_fluid_pth_exponent)


@numba.njit(cache=True, inline="always")
def _excess_fluid(b, total, serum_phosphate, f, k):
    """Fluid calcium above its equilibrium with blood calcium ``b`` (decreasing in b)."""
    pth = pth_from_serum(b / f.mg_per_mmol_l, serum_phosphate, k)
    return (total - b) - b * f.reference_ratio * (pth / f.reference_pth_pmol_l) ** f.ratio_pth_exponent


@numba.njit(cache=True)
def _bone_fluid_exchange(blood_mg, fluid_mg, serum_phosphate, f_record, k_record):
    """The safeguarded Newton iteration of :func:`blood_to_bone_fluid_mg`; ``f_record`` /
    ``k_record`` are kernel records of a :class:`BoneFluidConstants` / :class:`PthConstants`."""
    f, k = f_record[0], k_record[0]
    total = blood_mg + fluid_mg
    # safeguarded Newton from today's blood calcium: a few steps instead of ~30 bisections
    lo, hi = 0.0, total
    x = min(max(blood_mg, 1e-9 * total), total)
    for _ in range(100):
        g = _excess_fluid(x, total, serum_phosphate, f, k)
        if g > 0.0:
            lo = x
        else:
            hi = x
        step = 1e-7 * total
        slope = (_excess_fluid(x + step, total, serum_phosphate, f, k) - g) / step
        x_new = x - g / slope if slope < 0.0 else 0.5 * (lo + hi)
        if not lo < x_new < hi:
            x_new = 0.5 * (lo + hi)
        if abs(x_new - x) <= 1e-12 * total or hi - lo <= 1e-12 * total:
            x = x_new
            break
        x = x_new
    return blood_mg - x


def steady_gut_lumen_mg(intake_mg: float, s: SystemicState, p, dt: float = 1.0) -> float:
    """Gut lumen content at the start of a day when intake has been steady (fixed point)."""
    lumen = 0.0
    for _ in range(200):
        absorbed, fecal = gut_day(lumen, intake_mg, s, p, dt)
        new = lumen + intake_mg - absorbed - fecal
        if abs(new - lumen) < 1e-9:
            break
        lumen = new
    return lumen


# ----------------------------------------------------------------------------- glue signals
def capxp_relative(s: SystemicState, p) -> float:
    """Serum calcium x phosphate product relative to the reference product (-)."""
    return s.serum_calcium_mmol_l * s.serum_phosphate_mmol_l / (
        p.reference_serum_calcium_mmol_l * p.reference_serum_phosphate_mmol_l)


def phosphate_relative(s: SystemicState, p) -> float:
    """Serum phosphate relative to its reference (-)."""
    return s.serum_phosphate_mmol_l / p.reference_serum_phosphate_mmol_l


def pth_relative(s: SystemicState, p) -> float:
    """PTH relative to its value at the reference serum calcium and phosphate (-)."""
    return s.pth_pmol_l / reference_pth_pmol_l(p)


def gfr_relative(s: SystemicState) -> float:
    """GFR relative to normal kidneys (CKD stage 0) (-)."""
    return s.gfr_ml_per_min / GFR_ML_PER_MIN_BY_CKD_STAGE[0]


# ----------------------------------------------------------------------------- the ledger
#: Largest share of the blood calcium present that each outflow may take in one day, taken
#: in the order of the daily exchanges (trabecular then cortical mineralisation, each of
#: what is left; vessel deposition; urine + endogenous faecal secretion together). Blood
#: holds ~1.3 g of calcium while these flows are ~0.2-1 g a day and are computed from
#: start-of-day signals; the caps keep every pool non-negative at any setting and step
#: (species time scales, extreme parameters) without changing a healthy day, where each
#: flow is far below its cap. Numerical safeguards (assumption), not physiology.
MINERALISATION_SUPPLY_SHARE = 0.5
VESSEL_DEPOSITION_SUPPLY_SHARE = 0.25
EXCRETION_SUPPLY_SHARE = 0.5

def excretion_day(s: SystemicState, blood_mg: float, p, dt: float = 1.0) -> tuple[float, float]:
    """(urinary calcium, endogenous faecal calcium) for one day, mg: those of
    :func:`kidney_and_endogenous_day`, scaled down together so that they take at most
    :data:`EXCRETION_SUPPLY_SHARE` of the ``blood_mg`` present."""
    urine, endogenous = kidney_and_endogenous_day(s, p, dt)
    scale = min(1.0, EXCRETION_SUPPLY_SHARE * blood_mg / max(urine + endogenous, 1e-12))
    return urine * scale, endogenous * scale
